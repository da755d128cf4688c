//! The build as a user runs it: determinism, working links, located errors,
//! atomic output.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::dengji;

#[test]
fn two_builds_are_byte_identical() {
    let first = dengji::build_site(
        &common::repo_root(),
        common::as_of(),
        common::reproducible(),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let second = common::bundled_site();
    let first_paths: Vec<&String> = first.site.files.keys().collect();
    let second_paths: Vec<&String> = second.files.keys().collect();
    assert_eq!(first_paths, second_paths);
    for (path, bytes) in &first.site.files {
        assert!(
            second.files.get(path) == Some(bytes),
            "{path} differs between builds"
        );
    }
}

#[test]
fn every_standard_has_cover_full_text_and_a_page_per_chapter() {
    let site = common::bundled_site();
    for slug in [
        "csi-grading",
        "cii-service-capability",
        "ccrc-isv-c01",
        "cnitsec-cloud-l1",
        "isom-self-assessment",
    ] {
        for page in ["index.html", "all/index.html"] {
            assert!(
                site.files.contains_key(&format!("standards/{slug}/{page}")),
                "{slug}/{page}"
            );
        }
    }
    // Chapter 7 of 000 and its deep clause 7.1.4 a).
    let html = common::page(site, "standards/csi-grading/7/index.html");
    assert!(html.contains(r##"id="7.1.4""##));
    assert!(html.contains(r##"id="7.1.4-a""##));
    assert!(
        html.contains(r##"href="#7.1.4-a""##),
        "list items have permalinks"
    );
    // Annex C of 001 is a real table with merged cells.
    let html = common::page(site, "standards/cii-service-capability/C/index.html");
    assert!(html.contains("<table>"));
    assert!(html.contains("rowspan="));
    // 表1 of 001 has its formula as MathML.
    let html = common::page(site, "standards/cii-service-capability/7/index.html");
    assert!(html.contains(r##"id="table-1""##));
    assert!(
        html.contains("<math") && (html.contains("<msubsup>") || html.contains("<munderover>")),
        "Σ with limits"
    );
    // The 004 form is a checklist with one row per item.
    let html = common::page(site, "standards/isom-self-assessment/items/index.html");
    for n in 1..=71 {
        assert!(html.contains(&format!(r##"id="item-{n}""##)), "item {n}");
    }
    // Defects are shown as editorial notes beside the clause, e.g. the empty J.4.
    let html = common::page(site, "standards/csi-grading/J/index.html");
    let j4 = html.find(r##"id="J.4""##).expect("J.4 published");
    assert!(html[j4..].contains(r##"class="editorial""##));
}

/// Every internal link of every page points to a page that exists and, if
/// it has a fragment, to an element with that id.
#[test]
fn no_internal_link_is_broken() {
    let site = common::bundled_site();
    let href = scraper::Selector::parse("a[href], link[href]").expect("selector");
    let with_id = scraper::Selector::parse("[id]").expect("selector");
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let pages: Vec<(&String, scraper::Html)> = site
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            (
                p,
                scraper::Html::parse_document(&String::from_utf8_lossy(b)),
            )
        })
        .collect();
    for (path, doc) in &pages {
        let set = doc
            .select(&with_id)
            .filter_map(|e| e.value().attr("id").map(str::to_string))
            .collect();
        ids.insert(path.to_string(), set);
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for (path, doc) in &pages {
        for a in doc.select(&href) {
            let Some(target) = a.value().attr("href") else {
                continue;
            };
            if target.starts_with("http")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
            {
                continue;
            }
            let (page_part, fragment) = target.split_once('#').unwrap_or((target, ""));
            let page = if page_part.is_empty() {
                path.to_string()
            } else {
                let p = page_part.trim_start_matches('/');
                if p.is_empty() || p.ends_with('/') {
                    format!("{p}index.html")
                } else {
                    p.to_string()
                }
            };
            checked += 1;
            if !site.files.contains_key(&page) {
                broken.push(format!("{path}: {target} (no page {page})"));
            } else if !fragment.is_empty()
                && !ids.get(&page).is_some_and(|set| set.contains(fragment))
            {
                broken.push(format!("{path}: {target} (no id {fragment} in {page})"));
            }
        }
    }
    assert!(checked > 5000, "links were checked ({checked})");
    assert!(
        broken.is_empty(),
        "{} broken link(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn check_fails_with_a_located_message_on_a_broken_source() {
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    // Break a table: open a block before chapter 4 and never close it.
    let broken = common::edit(
        tmp.path(),
        "content/ccrc-isv-c01/zh/00-standard.md",
        "# 4",
        "::: table\n| a | b |\n\n# 4",
    );
    let line = broken
        .lines()
        .position(|l| l == "::: table")
        .expect("inserted")
        + 1;

    let out = dengji(tmp.path(), &["check"]);
    assert!(!out.status.success(), "check must fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("content/ccrc-isv-c01/zh/00-standard.md:{line}:1: error:");
    assert!(
        stderr.contains(&expected),
        "expected `{expected}` in:\n{stderr}"
    );
    assert!(stderr.contains("hint:"), "errors carry a hint:\n{stderr}");
    assert!(!tmp.path().join("public").exists(), "check writes nothing");
}

#[test]
fn the_bundled_content_checks_without_a_warning() {
    let out = dengji(&common::repo_root(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains(": warning:"), "{stderr}");
    // The misnumbered headings the sources print (K.1.1 inside annex J,
    // annex K's K.4.3.x under K.4.2, the second G.4.2) are recorded by
    // editorial notes: counted, not warned about.
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("check: "))
        .expect("summary line");
    assert!(
        summary.contains(" 0 warning(s), ")
            && summary.contains(" known defect(s) of the sources acknowledged by editorial notes"),
        "{summary}"
    );
}

#[test]
fn a_misnumbered_heading_without_a_note_naming_it_still_warns() {
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    let text = common::edit(
        tmp.path(),
        "content/csi-grading/zh/00-standard.md",
        "原文如此：本条位于K.4.2之下，编号却为[K.4.3.1](as-printed:)，与K.4.3下的“K.4.3.1 安全策略”重复，应为K.4.2.1；本站以K.4.2.1作为本条锚点。",
        "原文如此：本条位于K.4.2之下。",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("#### K.4.3.1 安全运营技术"))
        .expect("heading")
        + 1;
    let out = dengji(tmp.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!(
        "content/csi-grading/zh/00-standard.md:{line}:1: warning: clause K.4.3.1 is inside clause K.4.2"
    );
    assert!(
        stderr.contains(&expected),
        "expected `{expected}` in:\n{stderr}"
    );
    // Only there: the English heading, whose note still names the number,
    // stays acknowledged.
    assert_eq!(
        stderr
            .matches("warning: clause K.4.3.1 is inside clause K.4.2")
            .count(),
        1,
        "{stderr}"
    );
}

#[test]
fn json_diagnostics_for_ci() {
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    common::edit(
        tmp.path(),
        "content/cnitsec-cloud-l1/zh/00-guide.md",
        "kind: guide",
        "kind: guide
colour: red",
    );
    let out = dengji(tmp.path(), &["check", "--message-format", "json"]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is a JSON diagnostic"))
        .collect();
    let first = lines
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error diagnostic");
    assert!(
        first["message"]
            .as_str()
            .expect("message")
            .contains("unknown field `colour`")
    );
    assert!(first["location"]["line"].as_u64().expect("line") > 1);
}

#[test]
fn a_failed_build_leaves_the_previous_site_intact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    let out = dengji(tmp.path(), &["build", "--quiet"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = tmp.path().join("public/standards/csi-grading/7/index.html");
    let before = std::fs::read(&index).expect("built page");

    common::edit(
        tmp.path(),
        "content/csi-grading/zh/00-standard.md",
        "---\n",
        "---\nnot: [valid\n",
    );
    let out = dengji(tmp.path(), &["build"]);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&index).expect("still there"), before);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("public."))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder is left behind");
}

#[test]
fn build_warns_when_the_site_would_be_published_at_a_loopback_address() {
    // The bundled site.yaml names the address it is published at.
    let out = dengji(&common::repo_root(), &["check", "--message-format", "json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("base-url-loopback"), "{stdout}");
    // A copy left at the local default warns, at `base_url` in site.yaml.
    let tmp = tempfile::tempdir().expect("tempdir");
    common::copy_site(tmp.path());
    let line = common::set_line(
        tmp.path(),
        "site.yaml",
        "base_url:",
        "base_url: http://127.0.0.1:1111/",
    );
    let out = dengji(tmp.path(), &["--quiet", "build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let expected = format!("site.yaml:{line}:11: warning: `base_url` is http://127.0.0.1:1111/");
    assert!(stderr.contains(&expected), "`{expected}` in:\n{stderr}");
    let sitemap = |dir: &std::path::Path| {
        std::fs::read_to_string(dir.join("public/sitemap.xml")).expect("sitemap")
    };
    assert!(sitemap(tmp.path()).contains("<loc>http://127.0.0.1:1111/"));
    // --base-url publishes elsewhere without a warning.
    let out = dengji(
        tmp.path(),
        &[
            "--quiet",
            "build",
            "--base-url",
            "https://mirror.example.net/dengji",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("base_url"), "{stderr}");
    assert!(sitemap(tmp.path()).contains("<loc>https://mirror.example.net/dengji/"));
    // A script address is refused on the command line too.
    let out = dengji(
        tmp.path(),
        &["build", "--base-url", "javascript:alert(1)//"],
    );
    assert!(!out.status.success());
}
