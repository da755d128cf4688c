//! The registry and grades against the bundled content: the bundled
//! registry is consistent under --strict and covers every standard,
//! category, level and status; bad files give located errors; private
//! values reach no output file; `dengji grade` explains an organisation.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use common::{as_of, bundled_site, copy_site, dengji, page, repo_root};
use dengji::grade::Status;

fn analysis() -> &'static dengji::Analysis {
    static A: OnceLock<dengji::Analysis> = OnceLock::new();
    A.get_or_init(|| match dengji::analyse(&repo_root(), as_of()) {
        Ok(a) => a,
        Err(d) => panic!("bundled site must load:\n{d}"),
    })
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/fixtures/registry").join(name))
        .expect("fixture")
}

/// A copy of the bundled site with extra registry files.
fn site_with(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_site(dir.path());
    for (name, text) in files {
        std::fs::write(dir.path().join("registry").join(name), text).expect("write fixture");
    }
    dir
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bundled_registry_passes_the_strict_check() {
    let out = dengji(
        &repo_root(),
        &["check", "--strict", "--message-format", "json"],
    );
    let lines = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{lines}\n{}", stderr(&out));
    assert!(
        !lines.contains("grade-"),
        "no grade findings at all:\n{lines}"
    );
}

#[test]
fn bundled_registry_covers_every_standard_category_level_and_status() {
    let a = analysis();
    assert!(
        a.registry.organisations.len() >= 60,
        "{} organisations",
        a.registry.organisations.len()
    );
    let mut held: BTreeSet<(String, String)> = BTreeSet::new();
    let mut levels: BTreeSet<(String, String)> = BTreeSet::new();
    let mut statuses: BTreeSet<Status> = BTreeSet::new();
    for (org, og) in a
        .registry
        .organisations
        .iter()
        .zip(a.grades.every(&a.registry, &a.schemes))
    {
        for (c, state) in org.data.certificates.iter().zip(&og.certificates) {
            held.insert((c.standard.clone(), c.category.clone()));
            levels.insert((c.standard.clone(), c.level.clone()));
            statuses.extend(state.as_ref().map(|s| s.status));
        }
    }
    for scheme in &a.schemes.schemes {
        for category in &scheme.rules.categories {
            assert!(
                held.contains(&(scheme.slug.clone(), category.id.clone())),
                "{} {}",
                scheme.slug,
                category.id
            );
        }
        // Every level the rules can reach (not undefined in the source).
        for level in &scheme.rules.levels {
            let reachable = scheme.rules.parts.iter().all(|p| {
                p.score.is_some()
                    || p.levels
                        .get(&level.id)
                        .is_none_or(|b| b.undefined.is_none())
                        && (p.levels.contains_key(&level.id) || !p.all_levels.is_empty())
            });
            if reachable {
                assert!(
                    levels.contains(&(scheme.slug.clone(), level.id.clone())),
                    "{} {}",
                    scheme.slug,
                    level.id
                );
            }
        }
    }
    for status in [
        Status::Valid,
        Status::ExpiringSoon,
        Status::ConfirmationDue,
        Status::ConfirmationOverdue,
        Status::Suspended,
        Status::Revoked,
        Status::Expired,
    ] {
        assert!(statuses.contains(&status), "no certificate is {status:?}");
    }
}

#[test]
fn invalid_files_give_located_errors_with_hints() {
    let good = fixture("private-values.yaml");
    let dir = site_with(&[
        ("broken.yaml", fixture("broken.yaml")),
        (
            "bad-code.yaml",
            good.replace("91110108TQT0000014", "91110108TQT0000015"),
        ),
        (
            "bad-date.yaml",
            good.replace("founded: 2015-03-02", "founded: 2025-02-29"),
        ),
        (
            "bad-field.yaml",
            good.replace("founded:", "founding_date: 2015-03-02\nfounded:"),
        ),
        (
            "bad-region.yaml",
            good.replace("region: beijing", "region: 北京市"),
        ),
        ("Bad_Name.yaml", good.clone()),
        // A valid file, and one whose certificate number differs from its
        // only in case and punctuation.
        ("twin.yaml", good.clone()),
        (
            "zz-twin.yaml",
            good.replace("TEST-PRIVATE-0001", "test private 0001"),
        ),
    ]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    let line_of = |file: &str, needle: &str| -> usize {
        let text = std::fs::read_to_string(dir.path().join("registry").join(file)).expect("read");
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    };
    for (file, needle, message) in [
        (
            "bad-code.yaml",
            "credit_code",
            "its last character should be `4`, not `5`",
        ),
        (
            "bad-date.yaml",
            "founded",
            "`2025-02-29` is not a date that exists",
        ),
        (
            "bad-field.yaml",
            "founding_date",
            "unknown field `founding_date`",
        ),
        ("bad-region.yaml", "region", "did you mean `beijing`?"),
        (
            "broken.yaml",
            "types: [no-such-type]",
            "unknown project type `no-such-type`",
        ),
        (
            "broken.yaml",
            "completed: 2025-02-01",
            "completed 2025-02-01 before it was signed",
        ),
        (
            "broken.yaml",
            "no-such-requirement",
            "`no-such-requirement` is not a documentary requirement",
        ),
        (
            "broken.yaml",
            "category: cloud-computing",
            "`cloud-computing` is not a category of cnitsec-cloud-l1",
        ),
        (
            "broken.yaml",
            "level: 六级",
            "`六级` is not a level of cnitsec-cloud-l1",
        ),
        (
            "broken.yaml",
            "standard: no-such-standard",
            "unknown standard `no-such-standard`",
        ),
        (
            "zz-twin.yaml",
            "number: test private 0001",
            "differs from TEST-PRIVATE-0001",
        ),
    ] {
        let prefix = format!("registry/{file}:{}:", line_of(file, needle));
        assert!(
            err.lines()
                .any(|l| l.starts_with(&prefix) && l.contains("error") && l.contains(message)),
            "expected `{prefix}… {message}` in:\n{err}"
        );
    }
    assert!(
        err.contains(
            "registry/Bad_Name.yaml:1:1: error: `Bad_Name` is not a valid organisation id"
        ),
        "{err}"
    );
    assert!(err.contains("hint: "), "errors carry hints:\n{err}");
}

#[test]
fn every_schema_error_of_a_file_is_reported_in_one_run_with_the_nearest_field() {
    let good = fixture("private-values.yaml");
    let bad = good
        .replace("founded:", "webiste: https://example.org/\nfounded:")
        .replace(
            "body: 测试发证机构\n",
            "body: 测试发证机构\n    nubmer: X\n",
        )
        .replace("type: issued}", "type: issued, nte: x}")
        .replace("amount: 4321.0987", "amount: lots");
    let dir = site_with(&[("typos.yaml", bad.clone())]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(!err.contains("invalid YAML"), "the YAML is valid:\n{err}");
    let at = |needle: &str| -> String {
        let (line, text) = bad
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .expect("needle");
        let column = text[..text.find(needle).expect("needle")].chars().count() + 1;
        format!("registry/typos.yaml:{}:{column}: error: ", line + 1)
    };
    for (needle, message) in [
        (
            "webiste",
            "unknown field `webiste` in organisation; did you mean `website`?",
        ),
        (
            "nubmer",
            "unknown field `nubmer` in certificate; did you mean `number`?",
        ),
        (
            "nte: x",
            "unknown field `nte` in event; did you mean `note`?",
        ),
        ("lots", "`evidence.projects[0].amount`: "),
    ] {
        let expected = format!("{}{message}", at(needle));
        assert!(
            err.lines().any(|l| l.starts_with(&expected)),
            "expected `{expected}` in:\n{err}"
        );
    }
}

#[test]
fn unsupported_registered_level_warns_and_fails_strict_and_shows_on_the_page() {
    let dir = site_with(&[("overclaimed.yaml", fixture("overclaimed.yaml"))]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(out.status.success(), "a warning by default:\n{err}");
    let expected = "registry/overclaimed.yaml:13:12: warning: certificate TEST-OVER-0001 registers 一级 (cnitsec-cloud-l1 / cloud-security); the evidence supports no level on 2026-11-21";
    assert!(err.contains(expected), "{err}");
    let strict = dengji(dir.path(), &["check", "--strict"]);
    assert!(!strict.status.success());
    assert!(
        stderr(&strict)
            .contains("registry/overclaimed.yaml:13:12: error: certificate TEST-OVER-0001")
    );
    // The organisation's page says so, and names the unmet requirement.
    let build = dengji(dir.path(), &["build", "--quiet"]);
    assert!(build.status.success(), "{}", stderr(&build));
    let html =
        std::fs::read_to_string(dir.path().join("public/en/registry/overclaimed/index.html"))
            .expect("page");
    assert!(html.contains("higher than the evidence supports"), "{html}");
    assert!(
        html.contains("href=\"/en/standards/cnitsec-cloud-l1/3/#3.2.3-5\""),
        "the unmet CISP requirement links to its clause"
    );
    // A lower registered level than the evidence supports is information only.
    let dir = site_with(&[("private-values.yaml", fixture("private-values.yaml"))]);
    let out = dengji(dir.path(), &["check", "--strict"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Every string a file marks private (or that is private by default).
const PRIVATE: &[&str] = &[
    "98765",
    "保密姓名戊己庚",
    "保密项目名称癸子丑",
    "保密客户甲乙丙丁",
    "4321.0987",
    "4321",
];

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn private_values_appear_in_no_output_file() {
    let dir = site_with(&[("private-values.yaml", fixture("private-values.yaml"))]);
    let out = dengji(dir.path(), &["build", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut files = Vec::new();
    all_files(&dir.path().join("public"), &mut files);
    assert!(files.len() > 300);
    let page =
        std::fs::read_to_string(dir.path().join("public/registry/private-values/index.html"))
            .expect("page");
    // The page says the private values are not public…
    assert!(
        page.contains("不公开"),
        "private values are shown as not public"
    );
    // …and no file anywhere contains a private value.
    for file in &files {
        let bytes = std::fs::read(file).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for secret in PRIVATE {
            assert!(
                !text.contains(secret),
                "{} contains private value {secret}",
                file.display()
            );
        }
    }
    // The same for every private string of the bundled registry.
    let site = bundled_site();
    for org in &analysis().registry.organisations {
        let e = &org.data.evidence;
        let mut secrets: Vec<&str> = Vec::new();
        for p in &e.projects {
            secrets.extend(
                p.client
                    .iter()
                    .filter(|v| !v.is_public(false))
                    .map(|v| v.value.as_str()),
            );
            secrets.extend(
                p.name
                    .iter()
                    .filter(|v| !v.is_public(false))
                    .map(|v| v.value.as_str()),
            );
        }
        secrets.extend(
            e.head
                .iter()
                .flat_map(|h| &h.name)
                .filter(|v| !v.is_public(false))
                .map(|v| v.value.as_str()),
        );
        secrets.extend(
            e.technical_lead
                .iter()
                .flat_map(|h| &h.name)
                .filter(|v| !v.is_public(false))
                .map(|v| v.value.as_str()),
        );
        for (path, bytes) in &site.files {
            let text = String::from_utf8_lossy(bytes);
            for secret in &secrets {
                assert!(
                    !text.contains(secret),
                    "{path} contains {}'s private value {secret}",
                    org.id
                );
            }
        }
    }
}

#[test]
fn grade_explains_an_organisation_in_text_and_json() {
    let dir = site_with(&[("overclaimed.yaml", fixture("overclaimed.yaml"))]);
    let out = dengji(dir.path(), &["grade", "registry/overclaimed.yaml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("TEST-OVER-0001"), "{text}");
    assert!(text.contains("NOT SUPPORTED"), "{text}");
    assert!(
        text.contains("✗ 3.2.3-5"),
        "the unmet requirement with its clause:\n{text}"
    );
    assert!(text.contains("3 (≥ 4)"), "value against threshold:\n{text}");
    let out = dengji(
        dir.path(),
        &["grade", "registry/overclaimed.yaml", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["as_of"], "2026-11-21");
    let grade = &json["grades"][0];
    assert_eq!(grade.get("level"), None, "no level is met");
    assert_eq!(grade["registered"][0]["agreement"], "unsupported");
    // What is missing is named by part and id; the part says how it stands.
    let missing = grade["next_level"]["missing"].as_object().expect("missing");
    let (part, _) = missing
        .iter()
        .find(|(_, ids)| {
            ids.as_array()
                .is_some_and(|a| a.iter().any(|i| i == "3.2.3-5"))
        })
        .expect("CISP requirement is missing");
    let cisp = grade["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["id"] == part.as_str())
        .find_map(|p| p["requirements"].get("3.2.3-5"))
        .expect("its evaluation");
    assert_eq!(cisp.get("clause"), None, "the clause is the id");
    assert_eq!(cisp["state"], "not-met");
    assert_eq!(cisp["value"], "3");
    assert_eq!(cisp["threshold"], "4");
    // Every bundled organisation can be explained.
    for org in analysis().registry.organisations.iter().take(5) {
        let out = dengji(
            &repo_root(),
            &["grade", &format!("registry/{}.yaml", org.id)],
        );
        assert!(out.status.success(), "{}: {}", org.id, stderr(&out));
    }
    // A file outside the registry is a clear error.
    let out = dengji(&repo_root(), &["grade", "site.yaml"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is not an organisation file of the registry"));
}

/// The theme's UI strings of `lang`.
fn ui_strings(lang: &str) -> std::collections::BTreeMap<String, String> {
    let path = repo_root().join(format!("themes/default/i18n/{lang}.yaml"));
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("strings")).expect("YAML")
}

#[test]
fn grade_text_uses_the_pages_words_units_and_order() {
    let a = analysis();
    let reporter = dengji::grade::report::Reporter::new(&a.schemes, &a.grades);
    let mut money = 0;
    for lang in ["zh", "en"] {
        let strings = ui_strings(lang);
        let t = |key: &str| strings.get(key).cloned().expect(key);
        // Organisations with a sanction (their grades include money
        // thresholds too).
        for org in a
            .registry
            .organisations
            .iter()
            .filter(|o| {
                o.data.certificates.iter().any(|c| {
                    c.events
                        .iter()
                        .any(|e| e.kind == dengji::registry::EventKind::Warning)
                })
            })
            .take(3)
        {
            let Some(og) = a.grades.get(&a.registry, &org.id, &a.schemes) else {
                continue;
            };
            let report = reporter.report(org, &og);
            let out = dengji(
                &repo_root(),
                &[
                    "grade",
                    &format!("registry/{}.yaml", org.id),
                    "--lang",
                    lang,
                ],
            );
            let text = String::from_utf8_lossy(&out.stdout);
            for c in &report.certificates {
                let status = c.status.map_or("invalid", |s| s.name()).replace('-', "_");
                let line = text
                    .lines()
                    .find(|l| l.trim_start().starts_with(&format!("{} ", c.number)))
                    .expect("certificate line");
                assert!(
                    line.contains(&format!("  {}", t(&format!("status_{status}")))),
                    "{lang}: status of {} in the UI words:\n{line}",
                    c.number
                );
                for s in &c.sanctions {
                    let label = t(&format!("event_{}", s.kind.replace('-', "_")));
                    let expected = format!("{label} {}", s.date);
                    assert!(
                        text.lines().any(|l| l.trim_start().starts_with(&expected)
                            && s.note.as_ref().is_none_or(|n| l.contains(n.as_str()))),
                        "{lang}: `{expected}` with its note in:\n{text}"
                    );
                }
            }
            // Money: value and threshold in the rule's unit (万元), on
            // every line that shows such a requirement.
            for g in &report.grades {
                for p in &g.parts {
                    for l in &p.levels {
                        for r in l.requirements.iter().filter(|r| {
                            matches!(r.measure, Some("project-total" | "largest-project"))
                        }) {
                            let summary = if lang == "zh" {
                                &r.summary_zh
                            } else {
                                &r.summary_en
                            };
                            let summary = format!("  {}:", summary.as_deref().unwrap_or_default());
                            let unit = t("unit_wan_yuan");
                            for line in text.lines().filter(|l| l.contains(&summary)) {
                                let threshold = line
                                    .split_once("(≥ ")
                                    .and_then(|(_, rest)| rest.split_once(')'))
                                    .map(|(t, _)| t)
                                    .expect("a threshold");
                                assert!(threshold.ends_with(&unit), "{lang}: `{unit}` in {line}");
                                money += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(money > 0, "lines with money thresholds were checked");
}

#[test]
fn levels_list_their_requirements_in_the_standards_order() {
    // What a level inherits comes first (B.1 … B.3), what it adds after
    // (B.4): the order of the standard and of the inheritance sentences.
    let a = analysis();
    let reporter = dengji::grade::report::Reporter::new(&a.schemes, &a.grades);
    let mut inheriting = 0;
    for org in &a.registry.organisations {
        let Some(og) = a.grades.get(&a.registry, &org.id, &a.schemes) else {
            continue;
        };
        for g in reporter.report(org, &og).grades {
            for p in &g.parts {
                for l in &p.levels {
                    let own = l
                        .requirements
                        .iter()
                        .position(|r| r.inherited_from.is_none())
                        .unwrap_or(l.requirements.len());
                    assert!(
                        l.requirements[own..]
                            .iter()
                            .all(|r| r.inherited_from.is_none()),
                        "{} {} {} {}: inherited requirements after the level's own",
                        org.id,
                        g.standard,
                        p.id,
                        l.level
                    );
                    inheriting += usize::from(own > 0);
                }
            }
        }
    }
    assert!(inheriting > 0, "levels that inherit were checked");
}

#[test]
fn grade_help_names_files_that_exist() {
    let out = dengji(&repo_root(), &["grade", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    let mut named = 0;
    for word in help.split(|c: char| c.is_whitespace() || "(),`".contains(c)) {
        let word = word.trim_end_matches(['.', ':', ';']);
        if (word.starts_with("registry/") || word.starts_with("docs/"))
            && (word.ends_with(".yaml") || word.ends_with(".md"))
        {
            named += 1;
            assert!(repo_root().join(word).is_file(), "{word} in:\n{help}");
        }
    }
    assert!(named >= 2, "the help names an example file:\n{help}");
}

#[test]
fn private_values_are_absent_from_the_json_report() {
    let dir = site_with(&[("private-values.yaml", fixture("private-values.yaml"))]);
    let out = dengji(
        dir.path(),
        &["grade", "registry/private-values.yaml", "--format", "json"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in PRIVATE {
        assert!(!text.contains(secret), "report contains {secret}");
    }
    assert!(text.contains("\"private\": true"));
    // A withheld value is absent, not null: the requirement says only
    // that it is private, and its state.
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut private = 0;
    fn walk(v: &serde_json::Value, private: &mut usize) {
        match v {
            serde_json::Value::Object(m) => {
                if m.get("private") == Some(&serde_json::Value::Bool(true)) {
                    *private += 1;
                    for key in ["value", "since", "reached_on"] {
                        assert!(!m.contains_key(key), "{key} of a private requirement");
                    }
                    assert!(m["state"].is_string());
                }
                m.values().for_each(|x| walk(x, private));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, private)),
            serde_json::Value::Null => panic!("a null in the report"),
            _ => {}
        }
    }
    walk(&json, &mut private);
    assert!(private > 0);
}

#[test]
fn organisation_pages_exist_in_both_languages_and_link_requirements_to_clauses() {
    let site = bundled_site();
    let a = analysis();
    let ids: BTreeSet<String> = site
        .files
        .keys()
        .filter_map(|k| k.strip_prefix("standards/"))
        .map(|k| k.to_string())
        .collect();
    assert!(!ids.is_empty());
    for org in &a.registry.organisations {
        let zh = page(site, &format!("registry/{}/index.html", org.id));
        let en = page(site, &format!("en/registry/{}/index.html", org.id));
        assert!(zh.contains(&org.data.names.zh) && en.contains(&org.data.names.en));
        assert!(
            zh.contains(&format!("href=\"/en/registry/{}/\"", org.id)),
            "language switch keeps the organisation"
        );
        // Every clause link of the explanation goes to an existing anchor.
        for (html, prefix) in [(&zh, "/"), (&en, "/en/")] {
            let doc = scraper::Html::parse_document(html);
            // (A link after the state is the reading of the text.)
            let sel = scraper::Selector::parse(".req-list > li > a:not(b ~ a)").expect("selector");
            for link in doc.select(&sel) {
                let href = link.value().attr("href").expect("href");
                let path = href.strip_prefix(prefix).expect("same edition");
                let (page_path, anchor) = path.split_once('#').unwrap_or((path, ""));
                let target = page(site, &format!("{page_path}index.html"));
                if !anchor.is_empty() {
                    assert!(
                        target.contains(&format!("id=\"{anchor}\"")),
                        "{href} from {}",
                        org.id
                    );
                }
            }
        }
    }
    // The directory lists every organisation over its pages (50 a page).
    let entries = scraper::Selector::parse(".org-list > li > a:first-child").expect("selector");
    let listed: usize = ["registry/index.html", "registry/page/2/index.html"]
        .iter()
        .map(|p| {
            scraper::Html::parse_document(&page(site, p))
                .select(&entries)
                .count()
        })
        .sum();
    assert_eq!(listed, a.registry.organisations.len());
}

#[test]
fn the_published_schema_is_the_one_the_command_prints() {
    let out = dengji(&repo_root(), &["schema"]);
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(page(bundled_site(), "registry.schema.json"), printed);
    let schema: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
    let required = schema["required"].as_array().expect("required");
    for field in ["names", "credit_code", "region", "founded"] {
        assert!(required.iter().any(|r| r == field), "{field}");
    }
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown fields are errors for editors too"
    );
}

#[test]
fn every_requirement_on_a_page_and_in_json_has_one_of_the_three_states() {
    let site = bundled_site();
    let html = page(site, "registry/daiyu-sec/index.html");
    // The states are named on the page, with the assessment that decided.
    assert!(html.contains("<b>证据满足</b>"), "computed and met");
    assert!(
        html.contains("class=\"assessed\""),
        "documentary and assessed"
    );
    assert!(
        html.contains("示例评定中心，2026-10-05"),
        "the assessment is named"
    );
    assert!(
        html.contains("2026-10-05评定为满足"),
        "its findings are dated"
    );
    // 三级's documentary requirements lie beyond what the record covers.
    assert!(
        html.contains("class=\"req unevidenced\""),
        "not evidenced is shown"
    );
    // No assessment covers 三级: one line per part says so, with the count
    // of documentary requirements it adds, linked to their list.
    assert!(html.contains("无证据：没有评定记录覆盖基本能力要求在三级增加的"));
    assert!(html.contains("/standards/csi-grading/rules/#basic--三级"));
    let en = page(site, "en/registry/daiyu-sec/index.html");
    assert!(en.contains("not evidenced") && en.contains("met by assessment"));
    let json = page(site, "api/v2/organisations/daiyu-sec.json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let mut states = BTreeSet::new();
    // `grade` holds `v`; the records are the file's.
    fn walk(
        v: &serde_json::Value,
        grade: &serde_json::Value,
        file: &serde_json::Value,
        states: &mut BTreeSet<String>,
    ) {
        let state = v["state"].as_str().expect("every requirement has a state");
        if state == "met-by-assessment" {
            // The record that decided it, by its place in the file's list:
            // named, or the grade's newest.
            let record = v.get("assessment").unwrap_or(&grade["assessments"][0]);
            let i = record.as_u64().expect("says which record") as usize;
            assert!(file["assessments"][i]["date"].is_string(), "{v}");
        }
        states.insert(state.to_string());
        for child in v["children"].as_array().into_iter().flatten() {
            walk(child, grade, file, states);
        }
    }
    for grade in value["grades"].as_array().into_iter().flatten() {
        for part in grade["parts"].as_array().into_iter().flatten() {
            for (_, e) in part["requirements"].as_object().into_iter().flatten() {
                walk(e, grade, &value, &mut states);
            }
            // Those the newest record found met, and those not evidenced,
            // by id alone.
            for (list, state) in [
                ("met_by_assessment", "met-by-assessment"),
                ("not_evidenced", "not-evidenced"),
            ] {
                let plain = serde_json::json!({ "state": state });
                for _ in part[list].as_array().into_iter().flatten() {
                    walk(&plain, grade, &value, &mut states);
                }
            }
        }
    }
    let expected: BTreeSet<String> = [
        "met-by-assessment",
        "met-by-evidence",
        "not-evidenced",
        "not-met",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(states, expected);
}

/// Every requirement id `file` names, with its standard and part (`None`
/// for an assessment record's ids, which may be of any part).
fn requirement_ids(file: &serde_json::Value) -> Vec<(String, Option<String>, String)> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut out = Vec::new();
    for g in file["grades"].as_array().into_iter().flatten() {
        let standard = s(&g["standard"]);
        for p in g["parts"].as_array().into_iter().flatten() {
            let listed = ["met_by_assessment", "not_evidenced"]
                .into_iter()
                .flat_map(|list| p[list].as_array().into_iter().flatten());
            for id in p["requirements"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.as_str())
                .chain(listed.filter_map(|v| v.as_str()))
            {
                out.push((standard.clone(), Some(s(&p["id"])), id.to_string()));
            }
        }
        for (part, ids) in g["next_level"]["missing"].as_object().into_iter().flatten() {
            for id in ids.as_array().into_iter().flatten() {
                out.push((standard.clone(), Some(part.clone()), s(id)));
            }
        }
    }
    for a in file["assessments"].as_array().into_iter().flatten() {
        for key in ["met", "unmet"] {
            for id in a[key].as_array().into_iter().flatten() {
                out.push((s(&a["standard"]), None, s(id)));
            }
        }
    }
    out
}

/// The children of evaluation `e` are those of definition `def`, by id
/// and in order, all the way down.
fn same_children(e: &serde_json::Value, def: &serde_json::Value, path: &str) {
    let list = |v: &serde_json::Value| v["children"].as_array().cloned().unwrap_or_default();
    let (children, defs) = (list(e), list(def));
    assert_eq!(children.len(), defs.len(), "{path}: {def}");
    for (c, d) in children.iter().zip(&defs) {
        assert_eq!(c["id"], d["id"], "{path}");
        same_children(c, d, path);
    }
}

/// Is `id` the id of a child of `def`, at any depth?
fn has_child(def: &serde_json::Value, id: &str) -> bool {
    def["children"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["id"] == id || has_child(c, id))
}

#[test]
fn an_organisation_file_has_no_null_no_requirement_text_and_names_only_defined_requirements() {
    let site = bundled_site();
    let a = analysis();
    // The summaries every standard gives its requirements.
    let mut summaries: Vec<&str> = Vec::new();
    for scheme in &a.schemes.schemes {
        for part in &scheme.rules.parts {
            for r in part.requirements().flat_map(|r| r.with_nested()) {
                summaries.extend(r.zh.iter().chain(&r.en).map(String::as_str));
            }
        }
    }
    assert!(summaries.len() > 1000);
    let standard = |slug: &str| -> serde_json::Value {
        serde_json::from_str(&page(site, &format!("api/v2/standards/{slug}.json")))
            .expect("standard JSON")
    };
    let standards: BTreeMap<String, serde_json::Value> = a
        .schemes
        .schemes
        .iter()
        .map(|s| (s.slug.clone(), standard(&s.slug)))
        .collect();
    let mut named = 0;
    for org in &a.registry.organisations {
        let path = format!("api/v2/organisations/{}.json", org.id);
        let text = page(site, &path);
        for summary in &summaries {
            assert!(!text.contains(summary), "{path} repeats “{summary}”");
        }
        for key in ["\"summary_zh\"", "\"summary_en\"", "\"reading\""] {
            assert!(!text.contains(key), "{path} has {key}");
        }
        let file: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        fn no_null(v: &serde_json::Value, path: &str) {
            match v {
                serde_json::Value::Null => panic!("{path} has a null"),
                serde_json::Value::Object(m) => m.values().for_each(|x| no_null(x, path)),
                serde_json::Value::Array(a) => a.iter().for_each(|x| no_null(x, path)),
                _ => {}
            }
        }
        no_null(&file, &path);
        for (slug, part, id) in requirement_ids(&file) {
            let parts = standards[&slug]["parts"].as_array().expect("parts");
            let defined = match &part {
                // A requirement of a part: defined there, and each of its
                // children is the definition's child at the same place.
                Some(part) => parts
                    .iter()
                    .find(|p| p["id"] == part.as_str())
                    .and_then(|p| p["requirements"].get(&id))
                    .inspect(|def| {
                        let evaluation = file["grades"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|g| g["standard"] == slug.as_str())
                            .flat_map(|g| g["parts"].as_array().into_iter().flatten())
                            .filter(|p| p["id"] == part.as_str())
                            .find_map(|p| p["requirements"].get(&id));
                        if let Some(e) = evaluation {
                            same_children(e, def, &path);
                        }
                    })
                    .is_some(),
                // An id an assessment record names: of any part, or a child.
                None => parts.iter().any(|p| {
                    p["requirements"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .any(|(key, def)| *key == id || has_child(def, &id))
                }),
            };
            assert!(
                defined,
                "{path}: {slug} {part:?} {id} is not in its standard's file"
            );
            named += 1;
        }
    }
    assert!(named > 1000, "{named}");
}

/// An organisation file with `assessment` as its only record.
fn with_assessment(assessment: &str) -> String {
    format!(
        "names: {{zh: 测试评定示例有限公司, en: \"Test Assessment Example Co., Ltd.\"}}\ncredit_code: 91310115TQT000002Q\nregion: shanghai\nfounded: 2014-05-06\nassessments:\n{assessment}\n"
    )
}

#[test]
fn an_assessment_in_the_old_format_gets_a_located_error_that_says_how_to_migrate() {
    let old = with_assessment(
        "  - {date: 2026-01-05, body: 测试中心, standard: csi-grading, category: risk-assessment, unmet: [J.2.2.1-b]}",
    );
    let dir = site_with(&[("old-assessment.yaml", old)]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains(
            "registry/old-assessment.yaml:6:5: error: assessment record covers no requirement"
        ),
        "{err}"
    );
    assert!(
        err.contains("covers: [{up_to: 三级}]"),
        "the hint shows the new key: {err}"
    );
    // Nothing is written.
    let build = dengji(dir.path(), &["build", "--quiet"]);
    assert!(!build.status.success());
    assert!(!dir.path().join("public").exists());
}

#[test]
fn an_assessment_vouches_only_for_documentary_requirements_of_real_parts_and_levels() {
    let bad = with_assessment(
        "  - date: 2026-01-05\n    body: 测试中心\n    standard: csi-grading\n    category: risk-assessment\n    covers: [{part: security-audit, up_to: 五级}]\n    met: [7.1.4-c]",
    );
    let dir = site_with(&[("bad-assessment.yaml", bad)]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("bad-assessment.yaml:10:21: error: `security-audit` is not a part of csi-grading that grades this category"),
        "{err}"
    );
    assert!(
        err.contains("bad-assessment.yaml:10:44: error: `五级` is not a level of csi-grading"),
        "{err}"
    );
    assert!(
        err.contains("bad-assessment.yaml:11:11: error: `7.1.4-c` is not a documentary requirement of csi-grading"),
        "{err}"
    );
    assert!(err.contains("computed from the evidence"), "{err}");
}

#[test]
fn roster_counts_say_their_form_and_publish_no_person() {
    let site = bundled_site();
    let roster = page(site, "registry/guanlan-cloud/index.html");
    assert!(
        roster.contains("3 人 (不少于 3 人); 按人员名单计算"),
        "9.4.4 c) counted from the roster"
    );
    let declared = page(site, "en/registry/qinglan-cyber/index.html");
    assert!(declared.contains("declared count, no roster"));
    // Nothing of a person reaches the site: not even the opaque ids.
    let a = analysis();
    let ids: Vec<&str> = a
        .registry
        .organisations
        .iter()
        .flat_map(|o| &o.data.evidence.roster)
        .map(|p| p.id.as_str())
        .collect();
    assert!(ids.len() >= 20, "the bundled registry keeps rosters");
    // (The format documentation quotes a bundled file as its example.)
    let pages = site
        .files
        .iter()
        .filter(|(path, _)| !path.starts_with("docs/") && !path.starts_with("en/docs/"));
    for (path, bytes) in pages {
        let text = String::from_utf8_lossy(bytes);
        for id in &ids {
            assert!(!text.contains(id), "{path} publishes roster id {id}");
        }
    }
}

#[test]
fn a_per_category_figure_written_for_the_organisation_is_a_located_error() {
    let text = "names: {zh: 测试响应示例有限公司, en: \"Test Response Example Co., Ltd.\"}\ncredit_code: 91310115TQT000002Q\nregion: shanghai\nfounded: 2014-05-06\nevidence:\n  services:\n    emergency-response: {since: 2020-01-01, figures: {response-hours-local: 2, min-annual-training-hours: 40}}\n  figures:\n    response-hours-remote: 4\n";
    let dir = site_with(&[("figures.yaml", text.to_string())]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("registry/figures.yaml:9:28: error: figure `response-hours-remote` is per service category"),
        "{err}"
    );
    assert!(
        err.contains("write it under evidence.services.<category>.figures.response-hours-remote"),
        "{err}"
    );
    assert!(
        err.contains("registry/figures.yaml:7:107: error: figure `min-annual-training-hours` is one for the organisation"),
        "{err}"
    );
}

/// One organisation file with a mistake in each field of issue 14's
/// evidence: other certificates, vulnerability reports, roles, projects
/// in use and trial runs.
const VOCABULARY_MISTAKES: &str = r#"names: {zh: 测试词汇示例有限公司, en: "Test Vocabulary Example Co., Ltd."}
credit_code: 91310115TQT000002Q
region: shanghai
founded: 2014-05-06
evidence:
  other_certificates:
    - {scheme: iso-27001, number: ISMS-T-1, issued: 2024-03-01, valid_until: 2027-02-28, body: 测试认证中心}
    - {scheme: cmmi, level: "6", number: CMMI-T-1, issued: 2024-06-01, valid_until: 2027-05-31, body: 测试评估机构}
    - {scheme: iso27001, level: "1", number: ISMS-T-2, issued: 2024-03-01, valid_until: 2027-02-28, body: 测试认证中心}
    - {scheme: cmmi, number: CMMI-T-2, issued: 2024-06-01, valid_until: 2027-05-31, body: 测试评估机构}
    - {scheme: iso27001, number: ISMS-T-3, issued: 2024-03-01, valid_until: 2023-02-28, body: 测试认证中心}
  vulnerability_reports:
    - {id: CNVD-2025-10001, submitted: 2025-03-01, types: [cii-security-protection]}
    - {id: CNVD-2025-10002, submitted: 2025-03-02, types: [no-such-category]}
    - {id: CNVD-2025-10001, submitted: 2025-04-01, types: [cii-security-protection]}
  roster:
    - {id: r-t0001, roles: [chief-hacker]}
  projects:
    - types: [security-operations]
      signed: 2025-01-06
      completed: 2025-06-30
      trial_run: {from: 2025-05-01, to: 2025-04-30}
    - types: [security-operations]
      signed: 2025-01-06
      completed: 2025-06-30
      trial_run: {from: 2025-01-05, to: 2025-02-05}
    - types: [security-operations]
      signed: 2025-07-01
      in_use: true
    - types: [security-operations]
      signed: 2025-07-01
      completed: 2025-09-30
      accepted: false
      in_use: true
"#;

#[test]
fn mistakes_in_other_certificates_reports_roles_and_projects_are_located_errors() {
    let at = |needle: &str, nth: usize| locate(VOCABULARY_MISTAKES, "vocabulary.yaml", needle, nth);
    assert_located_errors(
        "vocabulary.yaml",
        VOCABULARY_MISTAKES,
        &[
            (
                at("iso-27001", 1),
                "unknown scheme `iso-27001`",
                "use a scheme id a standard declares under `other_schemes:`",
            ),
            (
                at("\"6\"", 1),
                "`6` is not a level of cmmi",
                "use one of 1, 2, 3, 4, 5",
            ),
            (
                at("\"1\"", 1),
                "`1` is not a level of iso27001",
                "the scheme has no levels: remove `level`",
            ),
            (
                at("{scheme: cmmi, number: CMMI-T-2", 1),
                "a cmmi certificate needs its `level`",
                "add one of 1, 2, 3, 4, 5",
            ),
            (
                at("2023-02-28", 1),
                "valid until 2023-02-28, before its issue (2024-03-01)",
                "check the two dates",
            ),
            (
                at("no-such-category", 1),
                "unknown category `no-such-category`",
                "use a category id from a standard's rules.yaml",
            ),
            (
                at("CNVD-2025-10001", 2),
                "vulnerability CNVD-2025-10001 is listed twice (first as item 1)",
                "list each reported vulnerability once",
            ),
            (
                at("chief-hacker", 1),
                "unknown role `chief-hacker`",
                "declares under `roles:`",
            ),
            (
                at("{from: 2025-05-01, to: 2025-04-30}", 1),
                "trial run 2025-05-01 to 2025-04-30 is out of order or before signing (2025-01-06)",
                "`from` is the first day of the trial run and `to` its last, after signing",
            ),
            (
                at("{from: 2025-01-05, to: 2025-02-05}", 1),
                "trial run 2025-01-05 to 2025-02-05 is out of order or before signing (2025-01-06)",
                "after signing",
            ),
            (
                at("true", 1),
                "a project in use must be completed and accepted",
                "add `completed:` (the day it was accepted), or remove `in_use: true`",
            ),
            (
                at("true", 2),
                "a project in use must be completed and accepted",
                "a project whose acceptance failed is not in use: remove `in_use: true`",
            ),
        ],
    );
}

/// `file:line:column` of the `nth` (from 1) occurrence of `needle` in
/// `text`, a file of the registry.
fn locate(text: &str, file: &str, needle: &str, nth: usize) -> String {
    let (line, row) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth - 1)
        .unwrap_or_else(|| panic!("{needle} #{nth}"));
    let byte = row.find(needle).expect("needle");
    let column = row[..byte].chars().count() + 1;
    format!("registry/{file}:{}:{column}", line + 1)
}

/// Checks a site whose registry holds `text` as `file`: `check` fails with
/// each (location, message, hint), the hint on the line after its message.
fn assert_located_errors(file: &str, text: &str, expected: &[(String, &str, &str)]) {
    let dir = site_with(&[(file, text.to_string())]);
    let out = dengji(dir.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    for (location, message, hint) in expected {
        let prefix = format!("{location}: error: ");
        let found = err.lines().zip(err.lines().skip(1)).any(|(l, next)| {
            l.starts_with(&prefix)
                && l.contains(message)
                && next.starts_with("  hint: ")
                && next.contains(hint)
        });
        assert!(
            found,
            "expected `{prefix}{message}` with hint `{hint}` in:\n{err}"
        );
    }
}

/// Values the engine derives, typed in by hand: head counts beside a
/// roster, a derived figure, a head count written as a figure, and service
/// fees that are not a part of the contract amount.
const DERIVED_TYPED_IN: &str = r#"names: {zh: 测试推算示例有限公司, en: "Test Derived Example Co., Ltd."}
credit_code: 91310115TQT000002Q
region: shanghai
founded: 2014-05-06
evidence:
  staff: 12
  bachelor_staff: 9
  qualified_staff:
    CISP: 4
  services:
    cloud-security: {since: 2020-01-01, certified_staff: 5, figures: {cloud-service-team: 9, service-fee-percent: 40}}
  roster:
    - {id: r-t0001, degree: bachelor, roles: [project-lead], categories: [cloud-security]}
  projects:
    - {types: [cloud-security], signed: 2025-01-06, completed: 2025-06-30, service_fees: 10}
    - {types: [cloud-security], signed: 2025-01-06, completed: 2025-06-30, amount: 20, service_fees: 25}
    - {types: [cloud-security], signed: 2025-01-06, completed: 2025-06-30, team_size: 4}
"#;

#[test]
fn derived_values_typed_in_are_located_errors() {
    let at = |needle: &str| locate(DERIVED_TYPED_IN, "derived.yaml", needle, 1);
    // The value after `key: `, where the error points.
    let value_of = |key: &str| {
        let start = locate(DERIVED_TYPED_IN, "derived.yaml", key, 1);
        let (place, column) = start.rsplit_once(':').expect("a column");
        let column: usize = column.parse().expect("a number");
        format!("{place}:{}", column + key.chars().count())
    };
    assert_located_errors(
        "derived.yaml",
        DERIVED_TYPED_IN,
        &[
            (
                value_of("staff: "),
                "`staff` is derived from evidence.roster, not typed in",
                "the persons of the roster present on the grading date: remove `staff`",
            ),
            (
                value_of("bachelor_staff: "),
                "`bachelor_staff` is derived from evidence.roster",
                "whose `degree` is bachelor or above",
            ),
            (
                at("CISP: 4"),
                "`qualified_staff` is derived from evidence.roster",
                "remove `qualified_staff`",
            ),
            (
                value_of("certified_staff: "),
                "`certified_staff` is derived from evidence.roster",
                "counted for the category (`categories`) who hold a qualification in force",
            ),
            (
                value_of("service-fee-percent: "),
                "figure `service-fee-percent` is derived, not typed in",
                "each project's `amount` and `service_fees` (万元): write those facts instead",
            ),
            (
                value_of("cloud-service-team: "),
                "`cloud-service-team` is a head count, not a figure",
                "write the plain count under evidence.services.<category>.counts.cloud-service-team",
            ),
            (
                value_of("2025-06-30, service_fees: "),
                "service fees without a contract amount",
                "give the project's `amount` too",
            ),
            (
                value_of("team_size: "),
                "`team_size` is derived from `team` in a file with a roster",
                "list the people who took part as `team: [<roster id>, …]`",
            ),
            (
                value_of("amount: 20, service_fees: "),
                "service fees exceed the contract amount",
                "service fees are the part of the amount",
            ),
        ],
    );
}

#[test]
fn issuers_and_event_notes_read_in_the_language_of_each_edition() {
    // Issue 18: "Issued by 示例评定中心" on English pages, and each event
    // note in both languages on both editions.
    let site = common::bundled_site();
    let main_of = |path: &str| common::main_text(&common::page(site, path));
    let zh_org = main_of("registry/chengchuan-infosec/index.html");
    let en_org = main_of("en/registry/chengchuan-infosec/index.html");
    // The certificate's one page answers in both languages.
    let answer = |lang: &str| {
        let html = common::page(site, "verify/CSI-2023-JC-0029/index.html");
        let doc = scraper::Html::parse_document(&html);
        let s =
            scraper::Selector::parse(&format!("section.verify-answer#{lang}")).expect("selector");
        doc.select(&s)
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default()
    };
    let zh_cert = answer("zh");
    let en_cert = answer("en");
    for zh in [&zh_org, &zh_cert] {
        assert!(zh.contains("示例评定中心"));
        assert!(zh.contains("升级换发新证书，原证书终止"));
        assert!(
            !zh.contains("replaced by a higher-level certificate"),
            "{zh}"
        );
        assert!(!zh.contains("Example Grading Centre"));
    }
    for en in [&en_org, &en_cert] {
        assert!(en.contains("Example Grading Centre"), "{en}");
        assert!(en.contains("replaced by a higher-level certificate"));
        assert!(!en.contains("示例评定中心"), "{en}");
        assert!(!en.contains("升级换发新证书"), "{en}");
    }
    // The assessment records name their body in the page's language too.
    assert!(en_org.contains("Example Information Security Evaluation Centre"));
    // Every body and note of the bundled registry has its English.
    for entry in std::fs::read_dir(repo_root().join("registry")).expect("registry/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let path = path.display();
        let count = |key: &str| text.matches(key).count();
        assert_eq!(count(" body: "), count(" body_en: "), "{path}");
        assert_eq!(count(" note: "), count(" note_en: "), "{path}");
    }
}

/// Every requirement the rules check, with its words and reading, on the
/// standard's rules page; organisation pages give outcomes and link there
/// instead of repeating the words.
#[test]
fn requirement_words_and_readings_live_on_the_rules_page_once() {
    let site = bundled_site();
    let a = analysis();
    for scheme in &a.schemes.schemes {
        for (prefix, zh) in [("", true), ("en/", false)] {
            let path = format!("{prefix}standards/{}/rules/index.html", scheme.slug);
            let html = page(site, &path);
            // Readings are Markdown whose foreign words carry their own
            // `lang`, so they are looked for in the text a reader sees.
            let text = common::main_text(&html);
            for part in &scheme.rules.parts {
                let top = part
                    .all_levels
                    .iter()
                    .chain(part.levels.values().flat_map(|l| &l.requirements))
                    .chain(
                        part.score
                            .iter()
                            .flat_map(|s| &s.groups)
                            .flat_map(|g| &g.items),
                    );
                for r in top {
                    assert!(
                        html.contains(&format!("id=\"{}-{}\"", part.id, r.id())),
                        "{path}: requirement {} of part {}",
                        r.id(),
                        part.id
                    );
                    let words = if zh { &r.zh } else { &r.en };
                    if let Some(w) = words {
                        assert!(html.contains(&escape(w)), "{path}: words of {}", r.id());
                    }
                    if let Some(reading) = &r.reading {
                        let t = if zh { &reading.zh } else { &reading.en };
                        assert!(text.contains(&t.reason), "{path}: reading of {}", r.id());
                    }
                }
            }
        }
    }
    // Organisation pages link each reading to its entry there, and no
    // longer carry the readings' words.
    let mut links = 0;
    for org in &a.registry.organisations {
        for prefix in ["", "en/"] {
            let html = page(site, &format!("{prefix}registry/{}/index.html", org.id));
            let doc = scraper::Html::parse_document(&html);
            let sel =
                scraper::Selector::parse(".req-list b ~ a, .req-reading a").expect("selector");
            for link in doc.select(&sel) {
                let href = link.value().attr("href").expect("href");
                let (path, anchor) = href.split_once('#').expect("an anchor");
                let target = page(site, &format!("{}index.html", path.trim_start_matches('/')));
                assert!(
                    target.contains(&format!("id=\"{anchor}\"")),
                    "{href} from {}",
                    org.id
                );
                links += 1;
            }
            assert!(
                !html.contains("class=\"reading\""),
                "{}: reading text inline",
                org.id
            );
        }
    }
    assert!(links > 50, "{links} reading links");
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn a_project_count_has_a_window_or_says_it_has_none() {
    // The bundled rules count some projects with no time limit
    // (`any_time`): their pages say "any date", never a window's start.
    let site = bundled_site();
    let rules = page(site, "en/standards/csi-grading/rules/index.html");
    assert!(rules.contains("at any time"));
    let rows: usize = site
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("en/registry/") && path.ends_with("index.html"))
        .map(|(_, bytes)| {
            String::from_utf8_lossy(bytes)
                .matches("project(s), any date")
                .count()
        })
        .sum();
    assert!(rows > 0, "an organisation page counts projects of any date");
    // Both a window and `any_time`, or neither, is an error at the rule.
    for (from, to, says) in [
        (
            "any_time: true",
            "any_time: true, within: {years: 2}",
            "has both a window and `any_time`",
        ),
        ("any_time: true, ", "", "needs a window"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        common::copy_site(dir.path());
        let file = "content/csi-grading/rules.yaml";
        let text = std::fs::read_to_string(dir.path().join(file)).expect("rules");
        std::fs::write(dir.path().join(file), text.replacen(from, to, 1)).expect("rules");
        let out = dengji(dir.path(), &["--quiet", "check"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(
            stderr.contains("rules.yaml:") && stderr.contains(says),
            "{stderr}"
        );
    }
}
