//! Issue 16: `dengji diff` on temporary git repositories made from the
//! bundled site. Each test commits a copy, changes files in the working
//! tree, and reads the facts (kinds, ids, levels) back from the JSON, the
//! text and the markdown reports, never whole-output snapshots.
//!
//! Which organisations and certificates to change is found from the
//! analysed copy, so the tests hold whatever the bundled registry holds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{as_of, copy_site, dengji, edit};
use serde_json::Value;

/// A git repository holding a copy of the bundled site.
struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn git(root: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("git")
        .current_dir(root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        // `git status` must not refresh the index: the test checks that
        // nothing writes it.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .args([
            "-c",
            "user.name=dengji tests",
            "-c",
            "user.email=tests@example.org",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs (the tests need the git command)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl Repo {
    /// A copy of the bundled site, not yet committed.
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).expect("mkdir");
        copy_site(&root);
        git(&root, &["init", "-q"]);
        Repo { _dir: dir, root }
    }

    fn commit(&self, message: &str) {
        git(&self.root, &["add", "-A"]);
        git(&self.root, &["commit", "-q", "-m", message]);
    }

    fn analysis(&self) -> dengji::Analysis {
        match dengji::analyse(&self.root, as_of()) {
            Ok(a) => a,
            Err(d) => panic!("the copy loads:\n{d}"),
        }
    }

    /// `dengji --as-of 2026-11-21 diff ARGS`: status, stdout, stderr.
    fn diff(&self, args: &[&str]) -> (i32, String, String) {
        let mut all = vec!["--as-of", "2026-11-21", "diff"];
        all.extend(args);
        let out = dengji(&self.root, &all);
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The JSON report, checked against the published schema.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        let (code, out, err) = self.diff(&all);
        assert_eq!(code, 0, "diff succeeds: {err}");
        let value: Value = serde_json::from_str(&out).expect("the report is JSON");
        validate(&value);
        value
    }
}

/// Validates a report against `dengji schema --diff`.
fn validate(report: &Value) {
    let out = dengji(&common::repo_root(), &["schema", "--diff"]);
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "report follows its schema: {errors:#?}");
}

fn entries<'a>(report: &'a Value, key: &str) -> &'a Vec<Value> {
    report[key].as_array().expect("an array")
}

/// An organisation to change: its id, file, and a certificate in force
/// registered at the level its evidence supports, for csi-grading.
struct Pick {
    id: String,
    file: String,
    number: String,
    category: String,
}

/// Organisations whose registry file has a plain `staff:` count and a
/// csi-grading certificate in force whose level the evidence supports (so
/// that 3 staff is below every level and the level falls).
fn staff_picks(a: &dengji::Analysis) -> Vec<Pick> {
    let mut out = Vec::new();
    for (org, og) in a
        .registry
        .organisations
        .iter()
        .zip(a.grades.every(&a.registry, &a.schemes))
    {
        if !org.text.lines().any(|l| {
            l.strip_prefix("  staff: ")
                .is_some_and(|v| v.trim().parse::<u32>().is_ok_and(|n| n >= 5))
        }) {
            continue;
        }
        let found = og.results.iter().find_map(|r| {
            if r.standard != "csi-grading" || r.level.is_none() {
                return None;
            }
            r.registered
                .iter()
                .find(|reg| {
                    reg.agreement == dengji::grade::Agreement::Consistent
                        && og.certificates[reg.certificate]
                            .as_ref()
                            .is_some_and(|s| s.status.in_force())
                })
                .map(|reg| (r, reg))
        });
        if let Some((r, reg)) = found {
            out.push(Pick {
                id: org.id.clone(),
                file: format!("registry/{}.yaml", org.id),
                number: org.data.certificates[reg.certificate].number.clone(),
                category: r.category.clone(),
            });
        }
    }
    out
}

/// Sets the `staff:` count of a registry file.
fn set_staff(root: &Path, file: &str, n: u32) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("  staff: ") {
                format!("  staff: {n}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(path, edited).expect("write");
}

/// A certificate whose status is `valid` and whose last event is before
/// the day before the grading date: (organisation id, number, the line of
/// its last event).
fn valid_certificate(a: &dengji::Analysis, not: &[&str]) -> (String, String, usize) {
    let day_before = as_of().yesterday().expect("date");
    for (org, og) in a
        .registry
        .organisations
        .iter()
        .zip(a.grades.every(&a.registry, &a.schemes))
    {
        if not.contains(&org.id.as_str()) {
            continue;
        }
        for (i, (c, s)) in org
            .data
            .certificates
            .iter()
            .zip(&og.certificates)
            .enumerate()
        {
            let valid = s
                .as_ref()
                .is_some_and(|s| s.status == dengji::grade::Status::Valid);
            let Some(last) = c.events.last() else {
                continue;
            };
            if !valid || last.date.0 >= day_before {
                continue;
            }
            let at = org.location(&[
                "certificates".into(),
                i.into(),
                "events".into(),
                (c.events.len() - 1).into(),
            ]);
            return (org.id.clone(), c.number.clone(), at.line);
        }
    }
    panic!("the bundled registry has a valid certificate");
}

/// Inserts a line after line `after` (1-based), indented like it.
fn insert_after(root: &Path, file: &str, after: usize, content: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let indent: String = lines[after - 1].chars().take_while(|c| *c == ' ').collect();
    lines.insert(after, format!("{indent}{content}"));
    std::fs::write(path, lines.join("\n") + "\n").expect("write");
}

fn find(list: &[Value], pred: impl Fn(&Value) -> bool) -> Option<&Value> {
    list.iter().find(|v| pred(v))
}

/// The registry scenario: one commit, then a downgrade, an upgrade, a
/// suspension, an organisation added, one removed and one renamed.
struct Scenario {
    repo: Repo,
    down: Pick,
    up: Pick,
    suspended: (String, String),
    added: String,
    removed: String,
    renamed: String,
}

fn scenario() -> Scenario {
    let repo = Repo::new();
    let a = repo.analysis();
    let mut picks = staff_picks(&a).into_iter();
    let down = picks.next().expect("an organisation to downgrade");
    let up = picks.next().expect("an organisation to upgrade");
    let ids: Vec<String> = a
        .registry
        .organisations
        .iter()
        .map(|o| o.id.clone())
        .collect();
    let (suspended_org, number, last_event) =
        valid_certificate(&a, &[down.id.as_str(), up.id.as_str()]);
    let others: Vec<&String> = ids
        .iter()
        .filter(|id| ![&down.id, &up.id, &suspended_org].contains(id))
        .collect();
    let (added, removed, renamed) = (others[0].clone(), others[1].clone(), others[2].clone());
    // The revision: `up` has too few staff, `added` is not there yet.
    set_staff(&repo.root, &up.file, 3);
    let added_file = format!("registry/{added}.yaml");
    let added_text = std::fs::read_to_string(repo.root.join(&added_file)).expect("read");
    std::fs::remove_file(repo.root.join(&added_file)).expect("rm");
    repo.commit("registry as reviewed");
    // The working tree.
    let original = common::repo_root().join(&up.file);
    std::fs::copy(original, repo.root.join(&up.file)).expect("restore");
    set_staff(&repo.root, &down.file, 3);
    insert_after(
        &repo.root,
        &format!("registry/{suspended_org}.yaml"),
        last_event,
        "- {date: 2026-11-20, type: suspended, note: 暂停, note_en: suspended for review}",
    );
    std::fs::write(repo.root.join(&added_file), added_text).expect("add");
    std::fs::remove_file(repo.root.join(format!("registry/{removed}.yaml"))).expect("rm");
    let renamed_file = format!("registry/{renamed}.yaml");
    let text = std::fs::read_to_string(repo.root.join(&renamed_file)).expect("read");
    let en = a
        .registry
        .get(&renamed)
        .map(|o| o.data.names.en.clone())
        .expect("org");
    assert!(text.contains(&en));
    std::fs::write(
        repo.root.join(&renamed_file),
        text.replacen(&en, &format!("{en} Renamed"), 1),
    )
    .expect("write");
    Scenario {
        repo,
        down,
        up,
        suspended: (suspended_org, number),
        added,
        removed,
        renamed,
    }
}

#[test]
fn registry_changes_in_all_three_formats() {
    let s = scenario();
    let status_before = git(&s.repo.root, &["status", "--porcelain"]).stdout;
    let index_before = std::fs::read(s.repo.root.join(".git/index")).expect("index");

    // JSON: the facts.
    let report = s.repo.json(&[]);
    let levels = entries(&report, "levels");
    let down = find(levels, |l| {
        l["organisation"]["id"] == s.down.id.as_str()
            && l["standard"] == "csi-grading"
            && l["category"] == s.down.category.as_str()
    })
    .expect("the downgrade is listed");
    assert_eq!(down["direction"], "down");
    assert!(down["new"].is_null(), "3 staff meet no level: {down}");
    assert_eq!(down["because"][0], "registry-file");
    let flipped = down["flipped"].as_array().expect("flipped");
    assert!(
        flipped
            .iter()
            .any(|f| f["old"]["state"] == "met-by-evidence" && f["new"]["state"] == "not-met"),
        "what flipped: {flipped:?}"
    );
    assert!(
        flipped.iter().all(|f| f["requirement"]["clause_url"]
            .as_str()
            .is_some_and(|u| u.contains("/standards/csi-grading/"))),
        "clause links: {flipped:?}"
    );
    let up = find(levels, |l| {
        l["organisation"]["id"] == s.up.id.as_str() && l["category"] == s.up.category.as_str()
    })
    .expect("the upgrade is listed");
    assert_eq!(up["direction"], "up");
    assert!(up["old"].is_null() && up["new"]["id"].is_string(), "{up}");

    let findings = entries(&report, "findings");
    let finding = find(findings, |f| f["number"] == s.down.number.as_str())
        .expect("a finding for the downgraded certificate");
    assert_eq!(finding["kind"], "unsupported");
    assert_eq!(finding["change"], "appeared");
    assert!(!finding["unmet"].as_array().expect("unmet").is_empty());
    assert!(
        find(findings, |f| f["number"] == s.up.number.as_str()
            && f["change"] == "resolved")
        .is_some(),
        "the upgrade resolves its finding: {findings:?}"
    );

    let certificates = entries(&report, "certificates");
    let c = find(certificates, |c| c["number"] == s.suspended.1.as_str())
        .expect("the suspension is listed");
    assert_eq!(c["change"], "suspended");
    assert_eq!(c["organisation"]["id"], s.suspended.0.as_str());
    assert_eq!(c["new_status"], "suspended");
    assert_eq!(c["date"], "2026-11-20");
    assert_eq!(c["note"], "suspended for review");

    let orgs = entries(&report, "organisations");
    let kind_of =
        |id: &str| find(orgs, |o| o["organisation"]["id"] == id).map(|o| o["change"].clone());
    assert_eq!(kind_of(&s.added), Some(Value::from("added")));
    assert_eq!(kind_of(&s.removed), Some(Value::from("removed")));
    assert_eq!(kind_of(&s.renamed), Some(Value::from("renamed")));
    let summary = &report["summary"];
    assert_eq!(summary["added"], 1);
    assert_eq!(summary["removed"], 1);
    assert_eq!(summary["renamed"], 1);
    assert!(summary["downgrades"].as_u64() >= Some(1));
    assert!(summary["upgrades"].as_u64() >= Some(1));
    assert_eq!(report["old"]["label"], "HEAD");
    assert_eq!(report["new"]["label"], "working tree");
    assert_eq!(report["old"]["commit"].as_str().map(str::len), Some(40));

    // Text: the same facts, in lines, no colour when not a terminal.
    let (code, text, err) = s.repo.diff(&[]);
    assert_eq!(code, 0);
    assert!(!text.contains('\x1b'), "no colour into a pipe");
    assert_eq!(err, "", "no progress in a CI log unless asked");
    assert!(
        text.contains(
            "summary: 1 organisation added, 1 organisation removed, 1 organisation renamed"
        ),
        "{text}"
    );
    assert!(text.contains(&format!("↓ {} ", s.down.id)), "{text}");
    assert!(text.contains(&format!("↑ {} ", s.up.id)), "{text}");
    assert!(text.contains(&format!("+ added {} ", s.added)), "{text}");
    assert!(
        text.contains(&format!("- removed {} ", s.removed)),
        "{text}"
    );
    assert!(
        text.contains(&format!("~ renamed {} ", s.renamed)),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains(&format!(" {} ", s.suspended.1))
                && l.contains(
                    ": suspended (valid → suspended) on 2026-11-20 — suspended for review"
                )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{} csi-grading / {}: registered level unsupported",
            s.down.number, s.down.category
        )),
        "{text}"
    );

    // Markdown: tables, links to clauses.
    let (code, md, _) = s.repo.diff(&["--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(md.starts_with("### dengji diff: HEAD ("), "{md}");
    assert!(md.contains("#### Computed levels"), "{md}");
    assert!(md.contains(&format!("| ⬇️ down | `{}`", s.down.id)), "{md}");
    assert!(md.contains(&format!("| ⬆️ up | `{}`", s.up.id)), "{md}");
    assert!(md.contains(&format!("| added | `{}`", s.added)), "{md}");
    assert!(md.contains(&format!("| removed | `{}`", s.removed)), "{md}");
    assert!(
        md.contains(&format!("| suspended | `{}`", s.suspended.0)),
        "{md}"
    );
    assert!(
        md.contains("](https://registry.example.org/standards/csi-grading/"),
        "{md}"
    );
    assert!(
        md.contains(&format!("| appeared unsupported | `{}`", s.down.id)),
        "{md}"
    );

    // --fail-on sets the exit status.
    assert_eq!(s.repo.diff(&["--fail-on", "downgrade"]).0, 1);
    assert_eq!(s.repo.diff(&["--fail-on", "finding,error"]).0, 1);
    assert_eq!(s.repo.diff(&["--fail-on", "rules,text"]).0, 0);
    let (code, _, err) = s.repo.diff(&["--fail-on", "bogus"]);
    assert_eq!(code, 2, "clap refuses an unknown kind: {err}");

    // GitHub annotations at the organisation file's line.
    let (code, out, _) = s.repo.diff(&["--format", "json", "--output", "/dev/null"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let out = dengji(
        &s.repo.root,
        &[
            "--as-of",
            "2026-11-21",
            "--message-format",
            "github",
            "diff",
            "--output",
            "/dev/null",
        ],
    );
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert!(
        annotations.lines().any(|l| l
            .starts_with(&format!("::warning file={},line=", s.down.file))
            && l.contains("title=grade goes down::")),
        "{annotations}"
    );

    // Nothing in the working tree or the index changed.
    assert_eq!(
        std::fs::read(s.repo.root.join(".git/index")).expect("index"),
        index_before
    );
    assert_eq!(
        git(&s.repo.root, &["status", "--porcelain"]).stdout,
        status_before
    );
}

#[test]
fn a_rules_change_moves_several_organisations_and_text_changes_are_listed() {
    let repo = Repo::new();
    repo.commit("as published");
    edit(
        &repo.root,
        "content/csi-grading/rules.yaml",
        "en: \"At least 5 cybersecurity service staff\"\n            at_least: {measure: staff, value: 5}",
        "en: \"At least 5 cybersecurity service staff\"\n            at_least: {measure: staff, value: 500}",
    );
    edit(
        &repo.root,
        "content/csi-grading/zh/00-standard.md",
        "业务连续性管理咨询等。",
        "业务连续性管理咨询等（修订）。",
    );
    let report = repo.json(&[]);
    let rules = entries(&report, "rules");
    assert_eq!(rules.len(), 1, "{rules:?}");
    let r = &rules[0];
    assert_eq!(r["standard"], "csi-grading");
    assert_eq!(r["file"], "content/csi-grading/rules.yaml");
    let changed = r["requirements"].as_array().expect("requirements");
    assert!(
        changed
            .iter()
            .any(|q| q["change"] == "changed" && q["requirement"]["clause"] == "7.1.4-c"),
        "{changed:?}"
    );
    let impact = r["impact"].as_array().expect("impact");
    let moved: std::collections::BTreeSet<&str> = impact
        .iter()
        .filter_map(|l| l["organisation"]["id"].as_str())
        .collect();
    assert!(moved.len() >= 3, "several organisations move: {moved:?}");
    assert!(impact.iter().all(|l| l["direction"] == "down"));
    assert!(impact.iter().all(|l| {
        l["flipped"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["requirement"]["clause"] == "7.1.4-c"))
    }));
    // The same moves are in the levels, put down to the rules.
    let levels = entries(&report, "levels");
    for id in &moved {
        assert!(
            levels.iter().any(|l| l["organisation"]["id"] == *id
                && l["because"]
                    .as_array()
                    .is_some_and(|b| b.contains(&Value::from("rules")))),
            "{id} in levels"
        );
    }
    assert_eq!(
        report["summary"]["moved_by_rules"].as_u64(),
        Some(impact.len() as u64)
    );
    let text_changes = entries(&report, "text");
    assert!(
        find(text_changes, |t| t["standard"] == "csi-grading"
            && t["lang"] == "zh"
            && t["clause"] == "4.1"
            && t["change"] == "changed")
        .is_some(),
        "{text_changes:?}"
    );
    assert_eq!(repo.diff(&["--fail-on", "rules"]).0, 1);

    let (_, text, _) = repo.diff(&[]);
    assert!(
        text.contains("rules of csi-grading changed (content/csi-grading/rules.yaml)"),
        "{text}"
    );
    assert!(text.contains("changed basic 7.1.4-c"), "{text}");
    assert!(
        text.contains(&format!(
            "grades these rules move on their own ({})",
            impact.len()
        )),
        "{text}"
    );
    assert!(text.contains("changed csi-grading (zh) 4.1"), "{text}");

    let (_, md, _) = repo.diff(&["--format", "markdown"]);
    assert!(md.contains("#### Rules of `csi-grading` changed"), "{md}");
    assert!(
        md.contains("Grades the rules of csi-grading move on their own"),
        "{md}"
    );
    if impact.len() > 30 {
        assert!(md.contains("<details><summary>"), "long tables fold");
    }
    assert!(md.contains("| changed | csi-grading | zh | [4.1](https://registry.example.org/standards/csi-grading/"), "{md}");
}

#[test]
fn a_date_look_ahead_needs_no_commit() {
    // A copy outside any repository: no git is needed to look ahead.
    let dir = tempfile::tempdir().expect("tempdir");
    copy_site(dir.path());
    let run = |format: &str| {
        let out = dengji(
            dir.path(),
            &[
                "--as-of",
                "2026-11-21",
                "diff",
                "--to-date",
                "2027-11-21",
                "--format",
                format,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let report: Value = serde_json::from_str(&run("json")).expect("json");
    validate(&report);
    assert_eq!(report["old"]["as_of"], "2026-11-21");
    assert_eq!(report["new"]["as_of"], "2027-11-21");
    let certificates = entries(&report, "certificates");
    let kinds: std::collections::BTreeSet<&str> = certificates
        .iter()
        .filter_map(|c| c["change"].as_str())
        .collect();
    assert!(
        kinds.iter().any(|k| [
            "expired",
            "expiring-soon",
            "confirmation-due",
            "confirmation-overdue"
        ]
        .contains(k)),
        "a year on, certificates expire or fall due: {kinds:?}"
    );
    assert!(entries(&report, "organisations").is_empty());
    assert!(entries(&report, "rules").is_empty());
    for l in entries(&report, "levels") {
        assert_eq!(l["because"], serde_json::json!(["date"]), "{l}");
    }
    let first = &certificates[0];
    let (id, number, change) = (
        first["organisation"]["id"].as_str().expect("id"),
        first["number"].as_str().expect("number"),
        first["change"].as_str().expect("change"),
    );
    let text = run("text");
    assert!(
        text.starts_with("dengji diff: working tree graded on 2026-11-21 → graded on 2027-11-21"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{id} "))
            && text.contains(&format!("{number} "))
            && text.contains(&format!(": {change} (")),
        "{text}"
    );
    let md = run("markdown");
    assert!(
        md.contains("#### Certificates") || md.contains("<b>Certificates</b>"),
        "{md}"
    );
    assert!(md.contains(&format!("| {change} | `{id}`")), "{md}");
}

#[test]
fn bad_input_gets_a_clear_error_and_exit_status_2() {
    // Not a repository.
    let dir = tempfile::tempdir().expect("tempdir");
    copy_site(dir.path());
    let out = dengji(dir.path(), &["--as-of", "2026-11-21", "diff"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not in a git repository"), "{err}");

    // A revision that does not exist.
    let repo = Repo::new();
    repo.commit("first");
    let (code, _, err) = repo.diff(&["--against", "no-such-branch"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bad revision `no-such-branch`"), "{err}");
    assert!(err.contains("git fetch"), "{err}");

    // A shallow clone without the revision.
    edit(
        &repo.root,
        "site.yaml",
        "default_language",
        "# second\ndefault_language",
    );
    repo.commit("second");
    let shallow = repo._dir.path().join("shallow");
    let url = format!("file://{}", repo.root.display());
    git(
        repo._dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().expect("path"),
        ],
    );
    let out = dengji(
        &shallow,
        &["--as-of", "2026-11-21", "diff", "--against", "HEAD~1"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("shallow"), "{err}");
    // The commit it has is fine.
    let out = dengji(
        &shallow,
        &["--as-of", "2026-11-21", "diff", "--against", "HEAD"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A working tree that does not load: nothing to compare.
    edit(
        &repo.root,
        "site.yaml",
        "default_language: zh",
        "default_language: [zh",
    );
    let (code, _, err) = repo.diff(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("site.yaml:") && err.contains("the working tree does not load"),
        "{err}"
    );
}

#[test]
fn a_revision_whose_files_do_not_parse_is_reported_and_the_rest_compared() {
    let repo = Repo::new();
    let a = repo.analysis();
    let broken = a.registry.organisations[0].id.clone();
    let file = format!("registry/{broken}.yaml");
    let good = std::fs::read_to_string(repo.root.join(&file)).expect("read");
    std::fs::write(
        repo.root.join(&file),
        good.replacen("names:", "names: [", 1),
    )
    .expect("write");
    repo.commit("a broken file");
    std::fs::write(repo.root.join(&file), &good).expect("fix");
    let report = repo.json(&[]);
    let fixed = entries(&report, "diagnostics");
    let entry = find(fixed, |d| {
        d["change"] == "fixed" && d["diagnostic"]["file"] == file.as_str()
    })
    .expect("the revision's error is listed as fixed");
    assert_eq!(entry["diagnostic"]["severity"], "error");
    assert!(
        entries(&report, "organisations").is_empty(),
        "an unreadable file is not an added organisation"
    );
    let (_, text, _) = repo.diff(&[]);
    let line = entry["diagnostic"]["line"].as_u64().expect("line");
    let column = entry["diagnostic"]["column"].as_u64().expect("column");
    assert!(
        text.contains(&format!("fixed: at HEAD: {file}:{line}:{column}: error:")),
        "{text}"
    );

    // A revision whose site.yaml does not load: its error, and the working
    // tree's problems, nothing else; still a diff (exit 0).
    let repo = Repo::new();
    edit(
        &repo.root,
        "site.yaml",
        "default_language: zh",
        "default_language: [zh",
    );
    repo.commit("broken site.yaml");
    edit(
        &repo.root,
        "site.yaml",
        "default_language: [zh",
        "default_language: zh",
    );
    let report = repo.json(&[]);
    let errors = report["old"]["load_errors"]
        .as_array()
        .expect("load errors");
    assert_eq!(errors[0]["file"], "site.yaml", "{errors:?}");
    assert!(errors[0]["line"].as_u64() > Some(1));
    let (code, text, _) = repo.diff(&[]);
    assert_eq!(code, 0);
    assert!(text.contains("at HEAD: site.yaml:"), "{text}");
    assert!(text.contains("HEAD could not be loaded"), "{text}");
}

#[test]
fn the_site_publishes_the_diff_schema_the_command_prints() {
    let out = dengji(&common::repo_root(), &["schema", "--diff"]);
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        common::page(common::bundled_site(), "diff.schema.json"),
        printed
    );
}
