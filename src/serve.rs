//! `dengji serve`: a local server with live reload.
//!
//! The site is built in memory and served from there. A watcher rebuilds on
//! every change to content, themes, registry or configuration; open pages
//! reload through server-sent events. A failed rebuild keeps the last good
//! site and shows the error in the browser until the next good build.

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

use crate::build_site;
use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{RenderOptions, Site};

struct Shared {
    site: RwLock<Arc<Site>>,
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
        generated_at: None,
    }
}

/// Builds and publishes the result into `shared`; returns a one-line summary.
fn rebuild(root: &Path, port: u16, shared: &Shared) -> String {
    let started = Instant::now();
    let result = match crate::grading_date(None) {
        Ok(date) => build_site(root, date, options(port)),
        Err(message) => Err(crate::diag::Diagnostics::from_message(root, message)),
    };
    let elapsed = started.elapsed().as_millis();
    shared.generation.fetch_add(1, Ordering::SeqCst);
    match result {
        Ok(build) => {
            let files = build.site.files.len();
            if let Ok(mut site) = shared.site.write() {
                *site = Arc::new(build.site);
            }
            if let Ok(mut failure) = shared.failure.write() {
                *failure = None;
            }
            let _ = shared.events.send("reload");
            format!(
                "rebuilt {files} files in {elapsed} ms ({} warning(s))",
                build.diagnostics.warning_count()
            )
        }
        Err(diagnostics) => {
            let failure = Failure::of(&diagnostics);
            let report = failure.text();
            if let Ok(mut slot) = shared.failure.write() {
                *slot = Some(failure);
            }
            let _ = shared.events.send("error");
            format!("build failed in {elapsed} ms; the last good site is still served:\n{report}")
        }
    }
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
        site: RwLock::new(Arc::new(Site::default())),
        failure: RwLock::new(None),
        generation: AtomicU64::new(0),
        events,
    });
    let first = rebuild(&root, port, &shared);
    eprintln!("{first}");

    // Rebuilds run on their own thread, one at a time, fed by the watcher.
    // Only changes count: reading files (as the build itself does) raises
    // access events, which would otherwise trigger rebuilds forever.
    let (changed_tx, changed_rx) = std::sync::mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<FsEvent>| {
        if let Ok(event) = res
            && matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
            )
        {
            let _ = changed_tx.send(());
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
            while changed_rx.recv().is_ok() {
                // An editor's save is several events; wait briefly and take them as one.
                std::thread::sleep(Duration::from_millis(15));
                while changed_rx.try_recv().is_ok() {}
                let line = rebuild(&root, port, &shared);
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
    let site = match shared.site.read() {
        Ok(site) => Arc::clone(&site),
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
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.clone(), format!("{path}/index.html")]
    };
    for candidate in &candidates {
        if let Some(bytes) = site.files.get(candidate) {
            if candidate.ends_with("/index.html") && !path.ends_with('/') && !path.is_empty() {
                // Directory without trailing slash: redirect so relative links work.
                return (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, format!("/{path}/"))],
                )
                    .into_response();
            }
            return (
                [
                    (header::CONTENT_TYPE, content_type(candidate)),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                bytes.clone(),
            )
                .into_response();
        }
    }
    let body = site.files.get("404.html").cloned().unwrap_or_default();
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
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
