//! `dengji serve`: a local server with live reload.
//!
//! The site's analysis is kept in memory and pages are rendered when asked
//! for ([`crate::serve_state`]). A watcher takes every change to content,
//! themes, registry or configuration; open pages reload through
//! server-sent events. A failed edit keeps the last good state served and
//! shows the error in the browser until the next good one.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::{Event as FsEvent, EventKind, RecursiveMode, Watcher};
use serde::Serialize;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::RenderOptions;
use crate::serve_state::{Found, Outcome, Snapshot, Working};

struct Shared {
    /// The last good state; `None` until the first good one.
    site: RwLock<Option<Arc<Snapshot>>>,
    /// The last build's problems, if it failed.
    failure: RwLock<Option<Failure>>,
    generation: AtomicU64,
    events: broadcast::Sender<&'static str>,
}

/// A failed build as the overlay shows it: the errors first, the warnings
/// apart (a build's warnings can run to pages; the error is what failed).
#[derive(Clone, Default, Serialize)]
struct Failure {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Failure {
    fn of(diagnostics: &Diagnostics) -> Failure {
        let (errors, warnings) = diagnostics.iter().cloned().partition(Diagnostic::is_error);
        Failure { errors, warnings }
    }

    /// The report as text: every error, then every warning.
    fn text(&self) -> String {
        self.errors
            .iter()
            .chain(&self.warnings)
            .map(|d| format!("{d}\n"))
            .collect()
    }
}

/// `/__dengji/status`: the build generation and, after a failed build, its
/// report (`error`, as text) and its `errors` and `warnings`.
#[derive(Serialize)]
struct Status {
    generation: u64,
    error: Option<String>,
    #[serde(flatten)]
    failure: Failure,
}

fn options(port: u16) -> RenderOptions {
    RenderOptions {
        live_reload: true,
        base_url: Some(format!("http://127.0.0.1:{port}/")),
        // Fixed per analysis, so that every page rendered from one state
        // carries the same time, as one build's pages do.
        generated_at: Some(crate::generated_at()),
    }
}

/// Takes the changes of `paths` (none: the first analysis) into `working`
/// and publishes the outcome into `shared`; returns a one-line summary.
fn rebuild(
    root: &Path,
    port: u16,
    shared: &Shared,
    working: &mut Option<Working>,
    paths: &[PathBuf],
) -> String {
    let started = Instant::now();
    let date =
        crate::grading_date(None).map_err(|message| Diagnostics::from_message(root, message));
    // Registry files alone, or content files alone, are taken into the
    // kept state; anything else (or what those cannot take) is analysed
    // from the start.
    let taken = match working.as_mut() {
        Some(w) if w.takes_registry_files(paths) => w
            .update_registry_files(paths)
            .map(|()| "registry files re-read"),
        Some(w) if w.takes_content_files(paths) => date
            .clone()
            .and_then(|date| w.update_documents(date))
            .and_then(|kept| {
                kept.then_some("documents analysed again")
                    .ok_or_else(Diagnostics::new)
            }),
        _ => Err(Diagnostics::new()),
    };
    let how = match taken {
        Ok(how) => how,
        Err(_) => {
            let analysed =
                date.and_then(|date| Working::analyse(root, date, options(port), working.as_ref()));
            match analysed {
                Ok(w) => *working = Some(w),
                Err(d) => {
                    // The edit cannot be taken into the kept state; the
                    // next one starts afresh.
                    *working = None;
                    return publish_failure(shared, &d, started);
                }
            }
            "analysed"
        }
    };
    let Some(w) = working.as_ref() else {
        return String::new();
    };
    match w.outcome() {
        Outcome::Good(snapshot, diagnostics) => {
            let organisations = snapshot.organisation_count();
            if let Ok(mut site) = shared.site.write() {
                *site = Some(snapshot);
            }
            if let Ok(mut failure) = shared.failure.write() {
                *failure = None;
            }
            shared.generation.fetch_add(1, Ordering::SeqCst);
            let _ = shared.events.send("reload");
            format!(
                "{how} in {} ms ({organisations} organisations, {} warning(s)); pages render on request",
                started.elapsed().as_millis(),
                diagnostics.warning_count()
            )
        }
        Outcome::Failed(diagnostics) => publish_failure(shared, &diagnostics, started),
    }
}

/// Shows `diagnostics` as the failure of the last edit.
fn publish_failure(shared: &Shared, diagnostics: &Diagnostics, started: Instant) -> String {
    let failure = Failure::of(diagnostics);
    let report = failure.text();
    if let Ok(mut slot) = shared.failure.write() {
        *slot = Some(failure);
    }
    shared.generation.fetch_add(1, Ordering::SeqCst);
    let _ = shared.events.send("error");
    format!(
        "build failed in {} ms; the last good site is still served:\n{report}",
        started.elapsed().as_millis()
    )
}

/// Runs the server until the process is stopped.
pub fn serve(root: &Path, port: u16, quiet: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(root.to_path_buf(), port, quiet))
}

async fn run(root: PathBuf, port: u16, quiet: bool) -> anyhow::Result<()> {
    let (events, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        site: RwLock::new(None),
        failure: RwLock::new(None),
        generation: AtomicU64::new(0),
        events,
    });
    let mut working = None;
    let first = rebuild(&root, port, &shared, &mut working, &[]);
    eprintln!("{first}");

    // Rebuilds run on their own thread, one at a time, fed by the watcher.
    // Only changes count: reading files (as the build itself does) raises
    // access events, which would otherwise trigger rebuilds forever.
    let (changed_tx, changed_rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<FsEvent>| {
        if let Ok(event) = res
            && matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = changed_tx.send(event.paths);
        }
    })?;
    let watched = match Config::load(&root) {
        Ok(c) => vec![c.content_dir, c.themes_dir, c.registry_dir],
        Err(_) => vec!["content".into(), "themes".into(), "registry".into()],
    };
    for dir in watched.iter().map(|d| root.join(d)).filter(|d| d.exists()) {
        watcher.watch(&dir, RecursiveMode::Recursive)?;
    }
    watcher.watch(&root.join(CONFIG_FILE), RecursiveMode::NonRecursive)?;
    {
        let shared = Arc::clone(&shared);
        let root = root.clone();
        std::thread::spawn(move || {
            while let Ok(mut paths) = changed_rx.recv() {
                // An editor's save is several events; wait briefly and take them as one.
                std::thread::sleep(Duration::from_millis(15));
                while let Ok(more) = changed_rx.try_recv() {
                    paths.extend(more);
                }
                paths.sort();
                paths.dedup();
                let line = rebuild(&root, port, &shared, &mut working, &paths);
                if !quiet || line.contains("failed") {
                    eprintln!("{line}");
                }
            }
        });
    }

    let app = Router::new()
        .route("/__dengji/events", get(event_stream))
        .route("/__dengji/status", get(status))
        .fallback(get(file))
        .with_state(Arc::clone(&shared));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("serving on http://{addr}/ (Ctrl-C to stop)");
    axum::serve(listener, app).await?;
    drop(watcher);
    Ok(())
}

async fn event_stream(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let stream = BroadcastStream::new(shared.events.subscribe())
        .filter_map(|message| message.ok())
        .map(|message| Ok::<Event, Infallible>(Event::default().data(message)));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn status(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let failure = shared.failure.read().ok().and_then(|f| f.clone());
    axum::Json(Status {
        generation: shared.generation.load(Ordering::SeqCst),
        error: failure.as_ref().map(Failure::text),
        failure: failure.unwrap_or_default(),
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let snapshot = match shared.site.read() {
        Ok(site) => site.clone(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let raw = uri.path().trim_start_matches('/');
    let Some(path) = decode_path(raw) else {
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "the path's %-escapes do not spell UTF-8 text",
        )
            .into_response();
    };
    let Some(snapshot) = snapshot else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "the site has not built yet: see the server's output",
        )
            .into_response();
    };
    // Rendering takes CPU time: off the async workers.
    let answer = tokio::task::spawn_blocking(move || answer(&snapshot, &path)).await;
    match answer {
        Ok(Answer::Failed(diagnostics)) => {
            publish_failure(&shared, &diagnostics, Instant::now());
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                diagnostics.to_string(),
            )
                .into_response()
        }
        Ok(answer) => answer.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// What a request for a file gets.
enum Answer {
    File(&'static str, Vec<u8>),
    Redirect(String),
    NotFound(Vec<u8>),
    Failed(Diagnostics),
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Answer::File(kind, bytes) => (
                [
                    (header::CONTENT_TYPE, kind),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                bytes,
            )
                .into_response(),
            Answer::Redirect(to) => {
                (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response()
            }
            Answer::NotFound(body) => (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                body,
            )
                .into_response(),
            Answer::Failed(d) => (StatusCode::INTERNAL_SERVER_ERROR, d.to_string()).into_response(),
        }
    }
}

/// The answer to a request for `path` (decoded, without the leading `/`).
fn answer(snapshot: &Snapshot, path: &str) -> Answer {
    let last = path.rsplit('/').next().unwrap_or_default();
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else if last.contains('.') {
        vec![path.to_string(), format!("{path}/index.html")]
    } else {
        // A folder named without its slash is most likely: asking for its
        // page first spares rendering the rest of the site to learn that
        // no file has this name.
        vec![format!("{path}/index.html"), path.to_string()]
    };
    for candidate in &candidates {
        if candidate.ends_with("/index.html") && !path.ends_with('/') && !path.is_empty() {
            // Directory without trailing slash: redirect so relative links work.
            if snapshot.has(candidate) {
                return Answer::Redirect(format!("/{path}/"));
            }
            continue;
        }
        match snapshot.file(candidate) {
            Found::File(bytes) => return Answer::File(content_type(candidate), bytes),
            Found::Failed(d) => return Answer::Failed(d),
            Found::Missing => {}
        }
    }
    match snapshot.file("404.html") {
        Found::File(body) => Answer::NotFound(body),
        Found::Failed(d) => Answer::Failed(d),
        Found::Missing => Answer::NotFound(Vec::new()),
    }
}

/// Decodes %XX escapes in a URL path (anchors and clause folders are ASCII,
/// but a browser may escape characters in pasted links). `None` when the
/// decoded bytes are not UTF-8; a `%` not followed by two hex digits stays
/// as it is.
pub fn decode_path(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(|p| p.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        let decode = |p: &str| decode_path(p);
        assert_eq!(
            decode("standards/x/%E4%B8%AD/").as_deref(),
            Some("standards/x/中/")
        );
        assert_eq!(decode("a%2").as_deref(), Some("a%2"));
        // Every malformed escape: short, non-hex, before a multi-byte character.
        for kept in [
            "%", "%%", "%2", "%G1", "%1G", "%中", "%2中", "%%中", "a%", "%\u{0}",
        ] {
            assert_eq!(
                decode(kept).as_deref(),
                Some(kept),
                "{kept:?} is kept as written"
            );
        }
        assert_eq!(decode("%中").as_deref(), Some("%中"));
        assert_eq!(decode("%2中").as_deref(), Some("%2中"));
        // Escapes of bytes that are not UTF-8 are refused, not guessed.
        assert_eq!(decode("%FF"), None);
        assert_eq!(decode("%E4%B8"), None);
    }
}
