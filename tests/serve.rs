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

/// Starts `dengji serve` on a copy of the bundled site, dated as the tests
/// date things (SOURCE_DATE_EPOCH).
fn start(root: &std::path::Path, port: u16) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_dengji"))
            .env("SOURCE_DATE_EPOCH", "1795219200")
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve"),
    )
}

/// The site `build` makes of `root`, with the options `serve` renders with
/// (its own address, the live-reload script).
fn built(root: &std::path::Path, port: u16) -> dengji::render::Site {
    let options = dengji::render::RenderOptions {
        live_reload: true,
        base_url: Some(format!("http://127.0.0.1:{port}/")),
        ..common::reproducible()
    };
    match dengji::build_site(root, common::as_of(), options) {
        Ok(build) => build.site,
        Err(d) => panic!("the site must build:\n{d}"),
    }
}

fn text(site: &dengji::render::Site, file: &str) -> String {
    common::page(site, file)
}

/// The URL path that serves `file` of the site.
fn url_of(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

/// The computed level of `id`'s first grade, as the analysis has it.
fn computed_level(root: &std::path::Path, id: &str) -> Option<usize> {
    let analysis = dengji::analyse(root, common::as_of()).expect("analyse");
    analysis
        .grades
        .get(&analysis.registry, id, &analysis.schemes)
        .and_then(|g| g.results.first()?.level)
}

#[test]
fn served_pages_equal_built_pages_and_follow_registry_edits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    let port = free_port();
    let _server = start(tmp.path(), port);
    let id = "beiming-cyber";
    let org_page = format!("registry/{id}/index.html");
    wait_for(port, &url_of(&org_page), "the first analysis", |s, _| {
        s == 200
    });

    // Pages of every kind are the bytes a build writes.
    let site = built(tmp.path(), port);
    let first_with = |prefix: &str| {
        site.files
            .keys()
            .find(|k| k.starts_with(prefix))
            .cloned()
            .unwrap_or_else(|| panic!("the build has a file under {prefix}"))
    };
    let verification = site
        .files
        .keys()
        .find(|k| {
            k.starts_with("verify/")
                && !k.starts_with("verify/numbers/")
                && *k != "verify/index.html"
        })
        .cloned()
        .expect("a verification page");
    let sample = [
        "standards/ccrc-isv-c01/1/index.html".to_string(),
        "en/standards/csi-grading/rules/index.html".to_string(),
        first_with("side-by-side/standards/"),
        first_with("en/side-by-side/standards/"),
        "standards/index.html".to_string(),
        org_page.clone(),
        format!("en/registry/{id}/index.html"),
        verification,
        "registry/index.html".to_string(),
        "en/registry/index.html".to_string(),
        first_with("registry/region/"),
        "registry/region/index.html".to_string(),
        "registry/page/2/index.html".to_string(),
        "registry/organisations.csv".to_string(),
        "en/registry/feed.xml".to_string(),
        "registry.schema.json".to_string(),
        first_with("en/registry/level/"),
        "verify/index.html".to_string(),
        first_with("verify/numbers/"),
        "static/style.css".to_string(),
        first_with("en/docs/"),
        "static/highlight.css".to_string(),
        dengji::export::api::organisation_path(id),
        first_with("search/organisations/"),
        first_with("search/standards/"),
        "en/search/index.html".to_string(),
        "sitemap.xml".to_string(),
        "index.html".to_string(),
    ];
    for file in &sample {
        let (status, body) = get(port, &url_of(file)).expect("response");
        assert_eq!(status, 200, "{file}");
        assert!(body == text(&site, file), "{file} is served as built");
    }
    // A folder named without its slash is sent to the folder.
    for folder in [
        "/registry",
        "/en/registry/region",
        "/docs",
        "/standards/ccrc-isv-c01",
    ] {
        let (status, _) = get(port, folder).expect("response");
        assert_eq!(status, 301, "{folder}");
    }

    // A registry edit that lowers the computed level: the organisation's
    // page and the listing show the new grade, as a build would.
    let file = tmp.path().join(format!("registry/{id}.yaml"));
    let original = std::fs::read_to_string(&file).expect("read");
    let before = computed_level(tmp.path(), id);
    std::fs::write(&file, original.replacen("staff: 34\n", "staff: 23\n", 1)).expect("write");
    assert_ne!(
        computed_level(tmp.path(), id),
        before,
        "the edit changes the grade"
    );
    let edited = built(tmp.path(), port);
    assert_ne!(text(&edited, &org_page), text(&site, &org_page));
    // Its region's listing (it lists the grades).
    let facet_page = "en/registry/region/heilongjiang/index.html".to_string();
    assert!(
        text(&site, &facet_page).contains(id),
        "{facet_page} lists {id}"
    );
    assert_ne!(text(&edited, &facet_page), text(&site, &facet_page));
    for file in [&org_page, "registry/index.html", &facet_page, "index.html"] {
        wait_for(
            port,
            &url_of(file),
            &format!("the edit on {file}"),
            |s, b| s == 200 && b == text(&edited, file),
        );
    }

    // An edit that breaks the file: the error is located in it; fixing
    // it clears the error.
    std::fs::write(&file, original.replacen("staff: 34\n", "staff: 3\n", 1)).expect("write");
    let status = wait_for(port, "/__dengji/status", "the error", |s, b| {
        s == 200 && b.contains("error\":\"")
    });
    let status: serde_json::Value = serde_json::from_str(&status).expect("status is JSON");
    let first = &status["errors"][0];
    assert_eq!(
        first["location"]["file"],
        format!("registry/{id}.yaml"),
        "{status}"
    );
    assert_eq!(first["location"]["line"], 15, "{status}");
    std::fs::write(&file, &original).expect("write");
    wait_for(port, "/__dengji/status", "recovery", |s, b| {
        s == 200 && b.contains("\"error\":null")
    });
    wait_for(port, &url_of(&org_page), "the restored page", |s, b| {
        s == 200 && b == text(&site, &org_page)
    });

    // A one-character chapter edit: the chapter as built, and the
    // registry's pages still as built.
    let chapter = tmp.path().join("content/ccrc-isv-c01/zh/00-standard.md");
    let source = std::fs::read_to_string(&chapter).expect("read");
    assert!(source.contains("本规范规定了"));
    std::fs::write(&chapter, source.replacen("本规范规定了", "此规范规定了", 1)).expect("write");
    let edited = built(tmp.path(), port);
    for file in [
        "standards/ccrc-isv-c01/1/index.html",
        "en/side-by-side/standards/ccrc-isv-c01/1/index.html",
        &org_page,
        "registry/index.html",
    ] {
        wait_for(
            port,
            &url_of(file),
            &format!("the chapter edit on {file}"),
            |s, b| s == 200 && b == text(&edited, file),
        );
    }
}
