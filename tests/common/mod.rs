//! Shared helpers for the integration tests: one in-memory build of the
//! bundled site, and text extraction from its pages.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dengji::render::{RenderOptions, Site};

/// Runs the `dengji` binary on the site at `root`, grading as of [`as_of`]
/// (through SOURCE_DATE_EPOCH, as a reproducible build would).
pub fn dengji(root: &Path, args: &[&str]) -> std::process::Output {
    dengji_at(Path::new(env!("CARGO_BIN_EXE_dengji")), root, args)
}

/// As [`dengji`], running the dengji program at `program`.
pub fn dengji_at(program: &Path, root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(program)
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run dengji")
}

/// The date the tests grade the bundled registry on: fixed, so that
/// results do not change as time passes.
pub fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 21)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `base_url` of the bundled site.yaml, the address its links are built on.
pub fn base_url() -> String {
    match dengji::config::Config::load(&repo_root()) {
        Ok(config) => config.base_url,
        Err(d) => panic!("the bundled site.yaml must load: {d}"),
    }
}

/// Render options of a reproducible build (what SOURCE_DATE_EPOCH gives
/// the binary): the JSON API's `generated_at` is fixed.
pub fn reproducible() -> RenderOptions {
    RenderOptions {
        generated_at: Some("2026-11-21T00:00:00Z".into()),
        ..RenderOptions::default()
    }
}

/// The bundled site, built once per test binary.
pub fn bundled_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(
        || match dengji::build_site(&repo_root(), as_of(), reproducible()) {
            Ok(build) => build.site,
            Err(diagnostics) => panic!("the bundled site must build:\n{diagnostics}"),
        },
    )
}

pub fn page(site: &Site, path: &str) -> String {
    let bytes = site
        .files
        .get(path)
        .unwrap_or_else(|| panic!("missing page {path}"));
    String::from_utf8(bytes.clone()).expect("pages are UTF-8")
}

/// The visible text of a page's `<main>`, as the reader sees it.
/// The text a reader sees in `<main>`, without the pop-up list of the
/// clauses a range covers (`.xref-members`), which is navigation added to
/// the text, not part of it.
pub fn main_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let main = scraper::Selector::parse("main").expect("selector");
    let mut out = String::new();
    for m in doc.select(&main) {
        for node in m.descendants() {
            let Some(text) = node.value().as_text() else {
                continue;
            };
            let in_popup = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| e.classes().any(|c| c == "xref-members"))
            });
            if !in_popup {
                out.push_str(text);
            }
        }
    }
    out
}

/// Replaces the first `from` with `to` in a file of a copied site and
/// returns the new text.
pub fn edit(root: &Path, file: &str, from: &str, to: &str) -> String {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read source");
    assert!(text.contains(from), "{file} contains `{from}`");
    let edited = text.replacen(from, to, 1);
    std::fs::write(&path, &edited).expect("write source");
    edited
}

/// Replaces the line of `root/file` that starts with `prefix` by `line`;
/// returns the line's number.
pub fn set_line(root: &Path, file: &str, prefix: &str, line: &str) -> usize {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read source");
    let at = text
        .lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("{file} has a line starting `{prefix}`"));
    let edited: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{}\n", if i == at { line } else { l }))
        .collect();
    std::fs::write(&path, edited).expect("write source");
    at + 1
}

/// Copies the site sources (not build output) into a fresh temporary folder.
pub fn copy_site(to: &Path) {
    for entry in ["site.yaml", "content", "themes", "registry"] {
        copy_recursive(&repo_root().join(entry), &to.join(entry));
    }
}

/// Copies a file or folder tree.
pub fn copy_recursive(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir") {
            let entry = entry.expect("entry");
            copy_recursive(&entry.path(), &to.join(entry.file_name()));
        }
    } else if from.exists() {
        std::fs::copy(from, to).expect("copy");
    }
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A minimal HTTP/1.1 GET to 127.0.0.1; returns (status, body).
pub fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .ok()?;
    use std::io::{Read, Write};
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}
