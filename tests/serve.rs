//! `dengji serve`: serves the site on 127.0.0.1, rebuilds on edits, shows a
//! broken edit's error while staying up, and recovers when it is fixed.

mod common;

use common::{free_port, get};

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls until `ok` holds for the response, or fails after 90 s (a debug
/// build of the bundled site on a busy 2-core machine takes over 20 s).
fn wait_for(port: u16, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
    let start = Instant::now();
    loop {
        if let Some((status, body)) = get(port, path)
            && ok(status, &body)
        {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_reports_errors_and_recovers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    let port = free_port();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_dengji"))
            .arg("--root")
            .arg(tmp.path())
            .args(["serve", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve"),
    );

    let page = "/standards/ccrc-isv-c01/1/";
    let body = wait_for(port, page, "the first build", |s, _| s == 200);
    assert!(
        body.contains("livereload.js"),
        "served pages carry the live-reload script"
    );
    assert!(
        !tmp.path().join("public").exists(),
        "serve builds in memory"
    );

    // An edit is rebuilt and served.
    let file = tmp.path().join("content/ccrc-isv-c01/zh/00-standard.md");
    let original = std::fs::read_to_string(&file).expect("read");
    let marker = "本规范规定了信息安全服务提供者";
    assert!(original.contains(marker));
    std::fs::write(
        &file,
        original.replacen(marker, "编辑测试：本规范规定了信息安全服务提供者", 1),
    )
    .expect("write");
    wait_for(port, page, "the edit to be served", |s, b| {
        s == 200 && b.contains("编辑测试")
    });

    // A broken edit (beside a file that only warns): the error is reported
    // with its location, before the warnings, which are kept apart; the
    // last good site is still served.
    std::fs::write(tmp.path().join("registry/notes.txt"), "not an organisation").expect("write");
    std::fs::write(&file, original.replacen("---\n", "---\nkind: [\n", 1)).expect("write");
    let status = wait_for(port, "/__dengji/status", "the error", |s, b| {
        s == 200 && b.contains("error\":\"")
    });
    let status: serde_json::Value = serde_json::from_str(&status).expect("status is JSON");
    let errors = status["errors"].as_array().expect("errors");
    assert_eq!(
        errors.first().map(|d| &d["location"]["file"]),
        Some(&serde_json::json!("content/ccrc-isv-c01/zh/00-standard.md")),
        "{status}"
    );
    assert!(errors.iter().all(|d| d["severity"] == "error"), "{status}");
    let warnings = status["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|d| d["severity"] == "warning" && d["location"]["file"] == "registry/notes.txt"),
        "{status}"
    );
    assert!(
        warnings.iter().all(|d| d["severity"] != "error"),
        "{status}"
    );
    // The text report, too, starts with the error.
    let text = status["error"].as_str().expect("text");
    assert!(
        text.starts_with("content/ccrc-isv-c01/zh/00-standard.md:"),
        "{text}"
    );
    let (code, body) = get(port, page).expect("server still up");
    assert_eq!(code, 200);
    assert!(body.contains("编辑测试"), "last good build is still served");

    // Fixing it recovers.
    std::fs::write(&file, &original).expect("write");
    wait_for(port, "/__dengji/status", "recovery", |s, b| {
        s == 200 && b.contains("\"error\":null")
    });
    wait_for(port, page, "the fixed page", |s, b| {
        s == 200 && !b.contains("编辑测试")
    });

    // Unknown pages get the 404 page.
    let (code, body) = get(port, "/standards/nope/").expect("response");
    assert_eq!(code, 404);
    assert!(body.contains("<html"));
}
