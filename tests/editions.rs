//! Editions against the bundled example `examples/editions` (a fictional
//! standard in two editions): the comparison command, the checks across
//! editions, and a translation left stale by the new edition.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn example() -> PathBuf {
    common::repo_root().join("examples/editions")
}

/// A copy of the example whose `themes_dir` points at the repository's theme.
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in ["site.yaml", "content", "registry"] {
        common::copy_recursive(&example().join(entry), &dir.path().join(entry));
    }
    let themes = common::repo_root().join("themes");
    common::edit(
        dir.path(),
        "site.yaml",
        "themes_dir: ../../themes",
        &format!("themes_dir: {}", themes.display()),
    );
    dir
}

/// A copy of the example built with `args` (`build` and global options).
fn built_example(args: &[&str]) -> tempfile::TempDir {
    let site = example_copy();
    let out = common::dengji(site.path(), args);
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

/// A file of a built copy's output.
fn read_public(site: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(site.path().join("public").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What `check` of a broken copy says; it must fail.
fn failed_check(site: &tempfile::TempDir) -> String {
    let out = common::dengji(site.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn compare_json(root: &Path, old: &str, new: &str) -> Value {
    let out = common::dengji(
        root,
        &["compare", "backup-service", old, new, "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn row<'a>(c: &'a Value, old: Option<&str>, new: Option<&str>) -> &'a Value {
    c["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|r| r["old"]["anchor"].as_str() == old && r["new"]["anchor"].as_str() == new)
        .unwrap_or_else(|| panic!("no row {old:?} → {new:?}"))
}

#[test]
fn the_example_checks_and_builds() {
    let out = common::dengji(&example(), &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Translation coverage per edition: the current one's stale 5.2, the
    // 2023 edition's complete English.
    let coverage = String::from_utf8_lossy(&out.stdout);
    assert!(
        coverage.contains("backup-service           en   97.3%  37/38  (1 stale)"),
        "{coverage}"
    );
    assert!(
        coverage.contains("backup-service (2023)    en    100%  33/33"),
        "{coverage}"
    );
    let site = example_copy();
    let out = common::dengji(site.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        site.path()
            .join("public/standards/backup-service/index.html")
            .is_file()
    );
}

#[test]
fn each_edition_has_a_changes_page_in_every_language() {
    let site = built_example(&["build"]);
    let read = |path: &str| read_public(&site, path);
    for prefix in ["", "en/"] {
        let page = read(&format!(
            "{prefix}standards/backup-service/editions/2025/changes/index.html"
        ));
        // 5.2's change marked in the Chinese, linked to the clause.
        assert!(
            page.contains(
                "服务机构应具有<del>5</del><ins>8</ins>名以上（含<del>5</del><ins>8</ins>名）"
            ),
            "{prefix}: 5.2's marks"
        );
        assert!(
            page.contains(&format!(
                "href=\"/{prefix}standards/backup-service/5/#5.2\""
            )),
            "{prefix}: 5.2 links to its clause"
        );
        assert!(
            page.contains("id=\"removed-6.3\""),
            "{prefix}: the removed clause"
        );
        // The foreword's list of technical changes links to the rows.
        assert!(
            page.contains("<span class=\"changes-technical-links\""),
            "{prefix}: technical changes"
        );
        assert!(
            page.contains("<a href=\"#5.4\">5.4</a>"),
            "{prefix}: 5.4's row"
        );
        // The rules' threshold change, linked to the rules page.
        assert!(
            page.contains("at_least.value: 5 → 8"),
            "{prefix}: threshold"
        );
        assert!(
            page.contains(&format!(
                "href=\"/{prefix}standards/backup-service/rules/#capability-staff\""
            )),
            "{prefix}: rules link"
        );
        // The standard's cover links to it.
        let cover = read(&format!("{prefix}standards/backup-service/index.html"));
        assert!(
            cover.contains(&format!(
                "href=\"/{prefix}standards/backup-service/editions/2025/changes/\""
            )),
            "{prefix}: cover links to the changes"
        );
    }
    // The English page says where the English did not follow the Chinese.
    let en = read("en/standards/backup-service/editions/2025/changes/index.html");
    assert!(
        en.contains("not changed, although the Chinese was"),
        "stale English noted"
    );
    assert!(read("sitemap.xml").contains("standards/backup-service/editions/2025/changes/"));
}

#[test]
fn compare_finds_added_removed_changed_and_renumbered_clauses() {
    let c = compare_json(&example(), "2023", "2025");
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str()),
        (Some("2023"), Some("2025"))
    );
    let s = &c["summary"];
    assert_eq!(
        [&s["changed"], &s["added"], &s["removed"], &s["renumbered"]].map(|v| v.as_u64()),
        [Some(3), Some(1), Some(1), Some(2)]
    );
    // 5.2: 5 → 8 staff, marked character by character in the Chinese.
    let staff = row(&c, Some("5.2"), Some("5.2"));
    assert_eq!(staff["change"], "changed");
    let zh = &staff["text"][0];
    assert_eq!(
        (zh["lang"].as_str(), zh["unit"].as_str()),
        (Some("zh"), Some("characters"))
    );
    let marks: Vec<(&str, &str)> = zh["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .filter(|s| s["kind"] != "equal")
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or(""),
                s["text"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("deleted", "5"),
            ("inserted", "8"),
            ("deleted", "5"),
            ("inserted", "8")
        ]
    );
    // 5.4 added, 2023's 6.3 (quality management) removed.
    assert_eq!(row(&c, None, Some("5.4"))["change"], "added");
    let removed = row(&c, Some("6.3"), None);
    assert_eq!(removed["change"], "removed");
    assert_eq!(removed["old"]["title"], "质量管理");
    // 6.4 → 6.2 and 6.2 → 6.3: matched by their unchanged text.
    for (old, new) in [("6.4", "6.2"), ("6.2", "6.3")] {
        let moved = row(&c, Some(old), Some(new));
        assert_eq!(moved["change"], "unchanged", "{old} → {new}");
        assert_eq!(moved["renumbered"], true);
        assert_eq!(moved["matched_by"], "identical-text");
    }
    // 6.1's English is compared word by word.
    let general = row(&c, Some("6.1"), Some("6.1"));
    let en = general["text"]
        .as_array()
        .expect("text")
        .iter()
        .find(|t| t["lang"] == "en")
        .expect("English");
    assert_eq!(
        (en["unit"].as_str(), en["inserted"].as_u64()),
        (Some("words"), Some(2))
    );
}

#[test]
fn compare_shows_the_rules_changes() {
    let c = compare_json(&example(), "2023", "2025");
    let reqs = c["rules"]["requirements"].as_array().expect("requirements");
    let find = |id: &str| {
        reqs.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {reqs:#?}"))
    };
    let staff = find("staff");
    assert_eq!(staff["change"], "changed");
    assert!(
        staff["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["path"] == "at_least.value" && f["old"] == "5" && f["new"] == "8"),
        "{staff:#}"
    );
    assert_eq!(find("recovery-drills")["change"], "added");
    assert_eq!(find("quality-management")["change"], "removed");
    // Requirements whose clause was renumbered are the same requirement.
    assert!(
        reqs.iter()
            .all(|r| r["id"] != "staff-level-2" && r["id"] != "projects-level-2")
    );
    // The text form says the same for people.
    let out = common::dengji(&example(), &["compare", "backup-service", "2023", "2025"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("服务机构应具有[-5-]{+8+}名以上"), "{text}");
    assert!(
        text.contains("→ 6.2 项目业绩 (was 6.4; same text)"),
        "{text}"
    );
    assert!(text.contains("at_least.value: 5 → 8"), "{text}");
    assert!(text.contains("unchanged clauses"), "{text}");
}

#[test]
fn bad_comparisons_are_explained() {
    let cases = [
        (["backup-service", "2025", "2025"], "with itself"),
        (["backup-service", "2019", "2025"], "has no edition `2019`"),
        (["no-such-standard", "2023", "2025"], "there is no standard"),
    ];
    for (args, want) in cases {
        let mut all = vec!["compare"];
        all.extend(args);
        let out = common::dengji(&example(), &all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains(want) && err.contains("hint:"),
            "{args:?}: {err}"
        );
    }
    let out = common::dengji(
        &common::repo_root(),
        &["compare", "csi-grading", "2023", "2024"],
    );
    assert!(stderr(&out).contains("has one edition"), "{}", stderr(&out));
}

#[test]
fn the_new_editions_stale_english_is_flagged() {
    let out = common::dengji(&example(), &["check", "--translations"]);
    let err = stderr(&out);
    assert!(
        err.contains("content/backup-service/en/00-standard.md:")
            && err.contains("`5.2-p1` may be out of date"),
        "{err}"
    );
    // Only that unit: the rest of the English was updated and stamped.
    assert_eq!(err.matches("may be out of date").count(), 1, "{err}");
}

#[test]
fn editions_that_overlap_or_mislabel_are_located_errors() {
    let site = example_copy();
    let old = "content/backup-service/editions/2023/zh/00-standard.md";
    // Withdrawn after the next edition took effect.
    let line = common::set_line(
        site.path(),
        old,
        "effective:",
        "effective: 2023-06-01\nwithdrawn: 2025-12-31",
    );
    let err = failed_check(&site);
    assert!(
        err.contains(&format!(
            "{old}:{}:1: error: editions `2023` and `2025` of `backup-service` overlap",
            line + 1
        )),
        "{err}"
    );
    // A label that is not the folder's name.
    let site = example_copy();
    let line = common::set_line(site.path(), old, "edition:", "edition: \"2022\"");
    let out = common::dengji(site.path(), &["check"]);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{old}:{line}:1: error: the edition in `editions/2023/` of `backup-service` is labelled `2022`")),
        "{err}"
    );
    // The current edition taking effect before the older one.
    let site = example_copy();
    common::set_line(
        site.path(),
        "content/backup-service/zh/00-standard.md",
        "effective:",
        "effective: 2022-01-01",
    );
    let err = failed_check(&site);
    assert!(
        err.contains("takes effect on 2023-06-01, after the current edition `2025`"),
        "{err}"
    );
}

#[test]
fn an_older_edition_is_stamped_on_its_own() {
    let site = example_copy();
    let fingerprints = site
        .path()
        .join("content/backup-service/editions/2023/en/fingerprints.yaml");
    std::fs::remove_file(&fingerprints).expect("rm");
    let err = stderr(&common::dengji(site.path(), &["check"]));
    assert!(
        err.contains("of `backup-service` (edition 2023) have no fingerprint")
            && err.contains("dengji stamp backup-service --edition 2023"),
        "{err}"
    );
    let out = common::dengji(
        site.path(),
        &["stamp", "backup-service", "--edition", "2023"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let restored = std::fs::read_to_string(&fingerprints).expect("written");
    let original = std::fs::read_to_string(
        example().join("content/backup-service/editions/2023/en/fingerprints.yaml"),
    )
    .expect("bundled");
    assert_eq!(restored, original);
}

fn grade_json(root: &Path, as_of: &str, file: &str) -> Value {
    let out = common::dengji(root, &["--as-of", as_of, "grade", file, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn a_certificate_is_graded_under_its_own_edition_until_the_transition_ends() {
    // Jingcheng's 一级 certificate was issued in 2024, under the 2023
    // edition (5 staff); it has 6 staff, short of 2025's 8. The 2025
    // edition's transition period runs to 2026-12-31.
    let during = grade_json(&example(), "2026-11-21", "registry/jingcheng-backup.yaml");
    let grade = &during["grades"][0];
    assert_eq!(grade["edition"]["label"], "2023");
    assert_eq!(grade["edition"]["current"], false);
    assert_eq!(grade["edition"]["certificate"], "EX-BK-2024-0031");
    assert_eq!(grade["edition"]["until"], "2026-12-31");
    assert_eq!(grade["level"], "一级");
    assert_eq!(grade["registered"][0]["agreement"], "consistent");
    let after = grade_json(&example(), "2027-01-01", "registry/jingcheng-backup.yaml");
    let grade = &after["grades"][0];
    assert_eq!(grade["edition"]["label"], "2025");
    assert_eq!(grade["edition"]["current"], true);
    assert!(grade["level"].is_null(), "{grade:#}");
    assert_eq!(grade["registered"][0]["agreement"], "unsupported");
    // The flag follows: none during the transition, a warning after it.
    let check = |as_of: &str| stderr(&common::dengji(&example(), &["--as-of", as_of, "check"]));
    assert!(!check("2026-12-31").contains("EX-BK-2024-0031"));
    assert!(check("2027-01-01").contains(
        "registry/jingcheng-backup.yaml:31:12: warning: certificate EX-BK-2024-0031 registers 一级"
    ));
    // An organisation certified under 2025 is graded under it.
    let anbei = grade_json(&example(), "2026-11-21", "registry/anbei-data.yaml");
    assert_eq!(anbei["grades"][0]["edition"]["label"], "2025");
    assert!(anbei["grades"][0]["edition"]["certificate"].is_null());
}

#[test]
fn the_organisation_page_and_api_say_which_edition_graded() {
    let site = built_example(&["--as-of", "2026-11-21", "build"]);
    let read = |path: &str| read_public(&site, path);
    let zh = read("registry/jingcheng-backup/index.html");
    assert!(
        zh.contains("按2023版评定：证书EX-BK-2024-0031依该版颁发，修订的过渡期至2026-12-31。"),
        "zh page"
    );
    let en = read("en/registry/jingcheng-backup/index.html");
    assert!(
        en.contains(
            "Graded under edition 2023, under which certificate EX-BK-2024-0031 was issued"
        ),
        "en page"
    );
    let api: Value =
        serde_json::from_str(&read("api/v2/organisations/jingcheng-backup.json")).expect("JSON");
    assert_eq!(api["grades"][0]["edition"]["label"], "2023");
    assert_eq!(api["grades"][0]["edition"]["until"], "2026-12-31");
}

#[test]
fn a_certificate_naming_an_unknown_edition_is_a_located_error() {
    let site = example_copy();
    let file = "registry/yunhai-info.yaml";
    let line = common::set_line(
        site.path(),
        file,
        "  - standard: backup-service",
        "  - standard: backup-service\n    edition: \"2019\"",
    );
    let err = failed_check(&site);
    assert!(
        err.contains(&format!(
            "{file}:{}:14: error: backup-service has no edition `2019`",
            line + 1
        )),
        "{err}"
    );
    assert!(
        err.contains("its editions, oldest first: 2023, 2025"),
        "{err}"
    );
    // A transition period on the first edition has nothing to follow.
    let site = example_copy();
    let old = "content/backup-service/editions/2023/zh/00-standard.md";
    let line = common::set_line(
        site.path(),
        old,
        "effective:",
        "effective: 2023-06-01\ntransition_until: 2023-12-31",
    );
    let err = failed_check(&site);
    assert!(
        err.contains(&format!(
            "{old}:{}:1: error: edition `2023` of `backup-service` is the first",
            line + 1
        )),
        "{err}"
    );
}

#[test]
fn each_edition_has_an_impact_page_and_json() {
    let site = built_example(&["--as-of", "2026-11-21", "build"]);
    let read = |path: &str| read_public(&site, path);
    // Graded under each edition's rules, transitions aside: Jingcheng's
    // 6 staff meet 2023's 5.2 but not 2025's.
    let json: Value = serde_json::from_str(&read(
        "api/v2/standards/backup-service/editions/2025/impact.json",
    ))
    .expect("JSON");
    assert_eq!(json["schema_version"], 2);
    assert_eq!(
        (json["old"].as_str(), json["new"].as_str()),
        (Some("2023"), Some("2025"))
    );
    let s = &json["summary"];
    assert_eq!(
        [&s["graded"], &s["up"], &s["down"], &s["unchanged"]].map(|v| v.as_u64()),
        [Some(3), Some(0), Some(1), Some(2)]
    );
    let local = json["by_category"]
        .as_array()
        .expect("by_category")
        .iter()
        .find(|t| t["key"] == "local-backup")
        .expect("local-backup");
    assert_eq!(
        (local["graded"].as_u64(), local["down"].as_u64()),
        (Some(2), Some(1))
    );
    let moves = json["moves"].as_array().expect("moves");
    assert_eq!(moves.len(), 1);
    let m = &moves[0];
    assert_eq!(m["organisation"], "jingcheng-backup");
    assert_eq!(
        (m["old_level"].as_str(), m["new_level"].as_str()),
        (Some("一级"), None)
    );
    assert_eq!(m["direction"], "down");
    let reqs = m["requirements"].as_array().expect("requirements");
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    assert_eq!(
        (
            reqs[0]["id"].as_str(),
            reqs[0]["old_state"].as_str(),
            reqs[0]["new_state"].as_str()
        ),
        (Some("staff"), Some("met-by-evidence"), Some("not-met"))
    );
    // The page says the same in each language and is linked from the standard.
    let zh = read("standards/backup-service/editions/2025/impact/index.html");
    assert!(zh.contains("下降：一级 → 未达到任何级别"), "zh move");
    assert!(
        zh.contains("href=\"/registry/jingcheng-backup/\""),
        "zh org link"
    );
    let en = read("en/standards/backup-service/editions/2025/impact/index.html");
    assert!(en.contains("down: Level 1 → "), "en move");
    assert!(
        en.contains("href=\"/en/standards/backup-service/5/#5.2\""),
        "clause link"
    );
    assert!(
        read("en/standards/backup-service/index.html")
            .contains("href=\"/en/standards/backup-service/editions/2025/impact/\"")
    );
}

#[test]
fn every_edition_has_pages_at_its_own_address() {
    let site = built_example(&["build"]);
    let read = |path: &str| read_public(&site, path);
    for prefix in ["", "en/"] {
        // The 2023 text at its stable address, saying it is not current and
        // linking the same chapter of the current edition.
        let old = read(&format!(
            "{prefix}standards/backup-service/editions/2023/6/index.html"
        ));
        assert!(
            old.contains("id=\"6.4\""),
            "{prefix}: 2023's 6.4 is on its chapter page"
        );
        assert!(
            old.contains(&format!(
                "<a href=\"/{prefix}standards/backup-service/editions/2025/6/\">2025</a>"
            )),
            "{prefix}: same chapter in 2025"
        );
        // The current edition at today's address and at the one it keeps.
        for path in [
            "standards/backup-service/5/",
            "standards/backup-service/editions/2025/5/",
        ] {
            let page = read(&format!("{prefix}{path}index.html"));
            assert!(page.contains("id=\"5.4\""), "{prefix}{path}: 2025's 5.4");
            assert!(
                page.contains(&format!(
                    "<a href=\"/{prefix}standards/backup-service/editions/2023/5/\">2023</a>"
                )),
                "{prefix}{path}: same chapter in 2023"
            );
        }
        // Only the standard itself is listed among the standards.
        let list = read(&format!("{prefix}standards/index.html"));
        assert!(
            !list.contains("editions/2023"),
            "{prefix}: older edition not listed"
        );
    }
    let zh_old = read("standards/backup-service/editions/2023/index.html");
    assert!(zh_old.contains("本页为2023版，不是现行版次（现行为2025版）。"));
    let en_new = read("en/standards/backup-service/index.html");
    assert!(en_new.contains("Edition 2025, the current edition."));
    // The foreword's reference to the edition it replaces links there.
    let foreword = read("standards/backup-service/foreword/index.html");
    assert!(foreword.contains("href=\"/standards/backup-service/editions/2023/\""));
    // The 2023 edition's references stay inside it.
    let general = read("standards/backup-service/editions/2023/6/index.html");
    assert!(general.contains("href=\"/standards/backup-service/editions/2023/6/#6.4\""));
    assert!(read("sitemap.xml").contains("standards/backup-service/editions/2023/6/"));
}

#[test]
fn an_older_editions_rules_are_checked_against_its_own_text() {
    // 2023's rules cite 6.4, which its text has; a clause only 2025 has is
    // an error in the 2023 rules, located there.
    let site = example_copy();
    let rules = "content/backup-service/editions/2023/rules.yaml";
    let line = common::set_line(
        site.path(),
        rules,
        "          - clause: \"6.4\"",
        "          - clause: \"6.5\"",
    );
    let err = failed_check(&site);
    assert!(
        err.lines()
            .any(|l| l.starts_with(&format!("{rules}:{line}:")) && l.contains("6.5")),
        "{err}"
    );
}

#[test]
fn the_edition_bar_is_on_every_kind_of_page_of_the_standard() {
    let site = built_example(&["build"]);
    for page in [
        "standards/backup-service/editions/2023/index.html",
        "standards/backup-service/editions/2023/all/index.html",
        "standards/backup-service/editions/2023/terms/index.html",
        "en/standards/backup-service/editions/2023/translation/index.html",
        "standards/backup-service/rules/index.html",
        "en/standards/backup-service/5/index.html",
    ] {
        assert!(
            read_public(&site, page).contains("<nav class=\"edition-bar\""),
            "{page}"
        );
    }
}
