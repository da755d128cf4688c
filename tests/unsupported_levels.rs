//! Issue 14, item 5: a registered level the evidence does not support is
//! flagged wherever the level appears, in words that say which level is
//! above the evidence, and never as a plain valid.
//!
//! The bundled registry is consistent (`check --strict` passes), so the
//! tests make the case themselves: in a copy of the site, one certificate in
//! force is registered one level above what its evidence supports and
//! another one level below, whichever certificates the registry has; the copy
//! is built as a reproducible build would, and every surface is read back.

mod common;

use std::sync::OnceLock;

use common::{as_of, copy_site, main_text, page, reproducible};
use dengji::grade::report::Reporter;
use dengji::render::Site;
use serde_json::Value;

/// A certificate whose registered level the test changed.
struct Changed {
    organisation: String,
    number: String,
    /// The number as its verification page's path spells it.
    slug: String,
    standard: String,
    category: String,
    /// The level registered now, and the one the evidence supports after
    /// the change, as the standard writes them and in English.
    registered: (String, String),
    computed: (String, String),
    /// The ranks of the two in the standard (0 = lowest).
    ranks: (usize, usize),
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    site: Site,
    /// Registered above its evidence.
    raised: Changed,
    /// Registered below its evidence.
    lowered: Changed,
    /// The standard of `raised`: title in both languages, lowest and highest
    /// level as written.
    standard_title: (String, String),
    scale: (String, String),
}

/// A certificate in force whose registered level is the computed one, and
/// the level to register instead.
struct Pick {
    organisation: usize,
    certificate: usize,
    level: String,
    /// It has an entry in the feed (issued or renewed in the last year).
    in_feed: bool,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        copy_site(&root);
        let analysis = match dengji::analyse(&root, as_of()) {
            Ok(a) => a,
            Err(d) => panic!("the copy loads:\n{d}"),
        };
        let reporter = Reporter::new(&analysis.schemes, &analysis.grades);
        let year_ago = as_of()
            .checked_sub(jiff::Span::new().days(364))
            .expect("date")
            .to_string();
        let mut raise: Vec<Pick> = Vec::new();
        let mut lower: Vec<Pick> = Vec::new();
        let orgs = analysis.registry.organisations.iter();
        for (o, (org, og)) in orgs
            .zip(analysis.grades.every(&analysis.registry, &analysis.schemes))
            .enumerate()
        {
            let report = reporter.report(org, &og);
            for (i, c) in report.certificates.iter().enumerate() {
                let Some(g) = report
                    .grades
                    .iter()
                    .find(|g| g.standard == c.standard && g.category == c.category)
                else {
                    continue;
                };
                let consistent = g.registered.iter().any(|r| {
                    r.certificate == c.number && r.agreement == dengji::grade::Agreement::Consistent
                });
                if !consistent || !c.status.is_some_and(|s| s.in_force()) {
                    continue;
                }
                let in_feed = c.events.iter().any(|e| {
                    matches!(e.kind, "issued" | "renewed") && e.date.as_str() >= year_ago.as_str()
                });
                // One level up, where the text defines it: the evidence
                // falls short, the plain case.
                if let Some(next) = g.next_level.as_ref().filter(|n| n.undefined_in.is_empty()) {
                    raise.push(Pick {
                        organisation: o,
                        certificate: i,
                        level: next.level.clone(),
                        in_feed,
                    });
                }
                // One level down: a certificate held at a lower level still
                // meets any "lower grade held for a year" the grade relied on.
                let below = g.level_index.and_then(|l| l.checked_sub(1)).and_then(|l| {
                    let levels = &analysis.schemes.get(&c.standard)?.rules.levels;
                    levels.get(l).map(|x| x.id.clone())
                });
                if let Some(level) = below {
                    lower.push(Pick {
                        organisation: o,
                        certificate: i,
                        level,
                        in_feed,
                    });
                }
            }
        }
        // One whose change the feed reports, if there is one.
        raise.sort_by_key(|p| !p.in_feed);
        let raised = raise
            .first()
            .expect("a certificate in force below the top level");
        let lowered = lower
            .iter()
            .find(|p| p.organisation != raised.organisation)
            .expect("a certificate in force above the lowest level, of another organisation");
        for pick in [raised, lowered] {
            let org = &analysis.registry.organisations[pick.organisation];
            let at = org.location(&[
                "certificates".into(),
                pick.certificate.into(),
                "level".into(),
            ]);
            let old = &org.data.certificates[pick.certificate].level;
            let text = org.text.clone();
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            let line = &mut lines[at.line - 1];
            let start = line
                .char_indices()
                .nth(at.column - 1)
                .map(|(b, _)| b)
                .expect("column");
            assert!(line[start..].starts_with(old.as_str()), "{line}");
            line.replace_range(start..start + old.len(), &pick.level);
            std::fs::write(&org.file, lines.join("\n") + "\n").expect("write");
        }
        let build = match dengji::build_site(&root, as_of(), reproducible()) {
            Ok(b) => b,
            Err(d) => panic!("the copy builds (warnings only):\n{d}"),
        };
        let codes: Vec<&str> = build.diagnostics.iter().filter_map(|d| d.code).collect();
        assert!(codes.contains(&dengji::grade::UNSUPPORTED), "{codes:?}");

        // What the evidence supports now, read back from the published file.
        let changed = |pick: &Pick| {
            let org = &analysis.registry.organisations[pick.organisation];
            let cert = &org.data.certificates[pick.certificate];
            let json = page(
                &build.site,
                &format!("api/v2/organisations/{}.json", org.id),
            );
            let file: Value = serde_json::from_str(&json).expect("JSON");
            let computed = file["grades"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|g| {
                    g["standard"] == cert.standard.as_str()
                        && g["category"] == cert.category.as_str()
                })
                .and_then(|g| g["level"].as_str())
                .expect("a computed level")
                .to_string();
            let levels = &analysis
                .schemes
                .get(&cert.standard)
                .expect("scheme")
                .rules
                .levels;
            let rank = |id: &str| levels.iter().position(|l| l.id == id).expect("level");
            let en = |id: &str| levels[rank(id)].en.clone();
            Changed {
                organisation: org.id.clone(),
                number: cert.number.clone(),
                slug: dengji::registry::number_slug(&cert.number),
                standard: cert.standard.clone(),
                category: cert.category.clone(),
                registered: (pick.level.clone(), en(&pick.level)),
                computed: (computed.clone(), en(&computed)),
                ranks: (rank(&pick.level), rank(&computed)),
            }
        };
        let (raised, lowered) = (changed(raised), changed(lowered));
        let scheme = analysis.schemes.get(&raised.standard).expect("scheme");
        let levels = &scheme.rules.levels;
        Fixture {
            standard_title: (scheme.title_in("zh"), scheme.title_in("en")),
            scale: (
                levels.first().map(|l| l.id.clone()).unwrap_or_default(),
                levels.last().map(|l| l.id.clone()).unwrap_or_default(),
            ),
            site: build.site,
            root,
            _dir: dir,
            raised,
            lowered,
        }
    })
}

impl Changed {
    /// The flag's words in Chinese and English.
    fn sentences(&self) -> (String, String) {
        (
            format!("登记{}；证据仅支持{}", self.registered.0, self.computed.0),
            format!(
                "Registered {}; the evidence supports only {}",
                self.registered.1, self.computed.1
            ),
        )
    }
}

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).expect("selector");
    doc.select(&selector).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text().collect::<String>()
}

fn has_class(e: &scraper::ElementRef, class: &str) -> bool {
    e.value().classes().any(|c| c == class)
}

#[test]
fn the_raised_level_is_above_the_evidence_and_the_lowered_below() {
    let f = fixture();
    let (registered, computed) = f.raised.ranks;
    assert!(
        computed < registered,
        "{} {:?}",
        f.raised.number,
        f.raised.computed
    );
    let (registered, computed) = f.lowered.ranks;
    assert!(computed > registered, "{}", f.lowered.number);
}

#[test]
fn the_verification_page_flags_the_level_beside_the_status() {
    let f = fixture();
    let c = &f.raised;
    let (zh, en) = c.sentences();
    // One page per certificate, with an answer in each language.
    let path = format!("verify/{}/index.html", c.slug);
    let html = page(&f.site, &path);
    let doc = scraper::Html::parse_document(&html);
    assert_eq!(select(&doc, ".verify-answer").len(), 2, "{path}");
    for (lang, sentence, below) in [
        ("zh", &zh, "低于登记等级"),
        ("en", &en, "below the registered level"),
    ] {
        let answer = select(&doc, &format!(".verify-answer#{lang}"));
        assert_eq!(answer.len(), 1, "{path}");
        // In force, but not the plain answer: styled as a warning.
        assert!(has_class(&answer[0], "level-unsupported"), "{path}");
        let flags = select(&doc, &format!("#{lang} .level-flag"));
        assert_eq!(flags.len(), 1, "{path}");
        let flag = text(&flags[0]);
        assert!(flag.contains(sentence.as_str()), "{path}: {flag}");
        assert!(!select(&doc, &format!("#{lang} .level-flag .flag-badge")).is_empty());
        // The flag comes right after the status line.
        let status = select(&doc, &format!("#{lang} > .verify-status + .level-flag"));
        assert_eq!(status.len(), 1, "{path}");
        let said = text(&answer[0]);
        assert!(said.contains(below), "{path}: {said}");
    }
    // The lowered certificate is not flagged; its computed level is above.
    let c = &f.lowered;
    let html = page(&f.site, &format!("verify/{}/index.html", c.slug));
    let doc = scraper::Html::parse_document(&html);
    assert!(select(&doc, ".level-flag").is_empty());
    assert!(main_text(&html).contains("高于登记等级"));
}

/// Every directory row (listing pages of both languages) showing the
/// certificate, as the holding's `<li>` (`<li>` of a row's `<ul>`; the
/// English edition links to the page's `#en` answer).
fn holdings(site: &Site, slug: &str, prefix: &str) -> Vec<(String, String)> {
    let link = format!("/verify/{slug}/");
    let mut out = Vec::new();
    for (path, bytes) in &site.files {
        if !(path.starts_with(&format!("{prefix}registry/")) && path.ends_with("index.html")) {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        if !html.contains(&link) || !html.contains("org-list") {
            continue;
        }
        let doc = scraper::Html::parse_document(&html);
        for li in select(&doc, ".org-list > li > ul > li") {
            let href = select_in(&li, "a").and_then(|a| a.value().attr("href").map(String::from));
            if href.is_some_and(|h| h.contains(&link)) {
                out.push((path.clone(), li.html()));
            }
        }
    }
    out
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, css: &str) -> Option<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).expect("selector");
    e.select(&selector).next()
}

#[test]
fn directory_rows_flag_the_holding_and_label_the_level_registered() {
    let f = fixture();
    let c = &f.raised;
    let (zh, en) = c.sentences();
    for (prefix, sentence, registered) in [
        ("", &zh, format!("登记{}", c.registered.0)),
        ("en/", &en, format!("registered {}", c.registered.1)),
    ] {
        let rows = holdings(&f.site, &c.slug, prefix);
        // The index, its standard, category, level, region and status pages at least.
        assert!(rows.len() >= 5, "{prefix}: {} rows", rows.len());
        for (path, li) in &rows {
            let doc = scraper::Html::parse_fragment(li);
            let item = select(&doc, "li");
            assert!(has_class(&item[0], "level-unsupported"), "{path}: {li}");
            let flag = select(&doc, ".level-flag");
            assert_eq!(flag.len(), 1, "{path}: {li}");
            assert_eq!(text(&flag[0]), *sentence, "{path}");
            let link = select(&doc, "a");
            assert!(text(&link[0]).ends_with(&registered), "{path}: {li}");
        }
    }
    // Where the evidence supports more, the row says so beside the
    // registered level.
    let c = &f.lowered;
    let rows = holdings(&f.site, &c.slug, "");
    assert!(!rows.is_empty());
    for (path, li) in &rows {
        let doc = scraper::Html::parse_fragment(li);
        assert!(select(&doc, ".level-flag").is_empty(), "{path}");
        let computed = select(&doc, ".level-computed");
        assert_eq!(computed.len(), 1, "{path}: {li}");
        assert_eq!(text(&computed[0]), format!("计算等级{}", c.computed.0));
    }
}

#[test]
fn the_level_listing_names_its_standard_and_which_way_levels_run() {
    let f = fixture();
    let c = &f.raised;
    let slug = c.computed.1.to_lowercase().replace(' ', "-");
    for (prefix, title, scale, what) in [
        (
            "",
            &f.standard_title.0,
            format!("在本标准中，{}最低，{}最高。", f.scale.0, f.scale.1),
            format!("计算等级为{}的机构", c.computed.0),
        ),
        (
            "en/",
            &f.standard_title.1,
            String::new(),
            format!("organisations whose computed level is {}", c.computed.1),
        ),
    ] {
        let listing = format!("{prefix}registry/level/{}/{slug}/", c.standard);
        let path = format!("{listing}index.html");
        let html = page(&f.site, &path);
        let doc = scraper::Html::parse_document(&html);
        let h1 = text(&select(&doc, "h1")[0]);
        assert!(
            h1.contains(title.as_str()) && h1.contains(&what),
            "{path}: {h1}"
        );
        let scale_line = select(&doc, ".level-scale");
        assert_eq!(scale_line.len(), 1, "{path}");
        if !scale.is_empty() {
            assert_eq!(text(&scale_line[0]), scale);
        }
        // The organisation is listed under its computed level (on some page
        // of the listing), with its registered level flagged.
        assert!(
            holdings(&f.site, &c.slug, prefix)
                .iter()
                .any(|(p, _)| p.starts_with(&listing)),
            "{listing}"
        );
    }
}

#[test]
fn search_records_carry_the_flag_the_rows_show() {
    let f = fixture();
    let c = &f.raised;
    let (zh, en) = c.sentences();
    let mut found = 0;
    for (path, bytes) in &f.site.files {
        if !(path.starts_with("search/organisations/r/") && path.ends_with(".json")) {
            continue;
        }
        let records: Value = serde_json::from_slice(bytes).expect("JSON");
        for record in records.as_array().into_iter().flatten() {
            for h in record["d"]["holdings"].as_array().into_iter().flatten() {
                if h["number"] == c.number.as_str() {
                    found += 1;
                    assert_eq!(h["level_flag"]["zh"], zh.as_str());
                    assert_eq!(h["level_flag"]["en"], en.as_str());
                    assert!(
                        h["zh"]
                            .as_str()
                            .is_some_and(|t| t.ends_with(&format!("登记{}", c.registered.0)))
                    );
                } else if h["number"] == f.lowered.number.as_str() {
                    assert_eq!(
                        h["computed"]["zh"],
                        format!("计算等级{}", f.lowered.computed.0).as_str()
                    );
                    assert!(h.get("level_flag").is_none());
                } else {
                    assert!(h.get("level_flag").is_none(), "{h}");
                }
            }
        }
    }
    assert_eq!(found, 1);
}

#[test]
fn the_organisation_page_flags_the_certificate() {
    let f = fixture();
    let c = &f.raised;
    let (zh, en) = c.sentences();
    for (prefix, sentence) in [("", &zh), ("en/", &en)] {
        let html = page(
            &f.site,
            &format!("{prefix}registry/{}/index.html", c.organisation),
        );
        let doc = scraper::Html::parse_document(&html);
        assert_eq!(select(&doc, ".org-warning").len(), 1);
        let cert = select(&doc, "div.certificate.level-unsupported .level-flag");
        assert_eq!(cert.len(), 1, "{prefix}");
        assert!(text(&cert[0]).contains(sentence.as_str()));
        let line = select(&doc, ".agreement-unsupported");
        assert_eq!(line.len(), 1);
        assert!(
            text(&line[0]).contains(sentence.as_str()),
            "{}",
            text(&line[0])
        );
        // The grade of the standard says which way its levels run.
        let scale = format!("#{}-{} .grade-level .level-scale", c.standard, c.category);
        let scale = select(&doc, &scale);
        assert_eq!(scale.len(), 1, "{prefix}");
        if prefix.is_empty() {
            assert_eq!(
                text(&scale[0]),
                format!("在本标准中，{}最低，{}最高。", f.scale.0, f.scale.1)
            );
        }
    }
}

/// The CSV file at `path` as header and records (without the byte order mark).
fn read_csv(site: &Site, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = site
        .files
        .get(path)
        .unwrap_or_else(|| panic!("missing {path}"));
    let body = bytes.strip_prefix(dengji::export::csv::BOM).expect("BOM");
    let mut r = csv::Reader::from_reader(body);
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let records = r
        .records()
        .map(|x| x.expect("record").iter().map(String::from).collect())
        .collect();
    (header, records)
}

#[test]
fn the_csv_files_have_plain_columns_for_it() {
    let f = fixture();
    let (header, records) = read_csv(&f.site, "registry/certificates.csv");
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (zh, en) = f.raised.sentences();
    for r in &records {
        let number = &r[at("number")];
        let expected = if *number == f.raised.number {
            assert_eq!(r[at("level_note_zh")], zh);
            assert_eq!(r[at("level_note_en")], en);
            assert_eq!(r[at("level")], f.raised.registered.0);
            assert_eq!(r[at("computed_level")], f.raised.computed.0);
            "no"
        } else {
            assert_eq!(r[at("level_note_zh")], "", "{number}");
            if r[at("agreement")].is_empty() {
                ""
            } else {
                "yes"
            }
        };
        assert_eq!(r[at("level_supported")], expected, "{number}");
    }
    let (header, records) = read_csv(&f.site, "registry/organisations.csv");
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    for r in &records {
        let expected = if r[at("id")] == f.raised.organisation {
            format!(
                "{}/{}/{}→{}",
                f.raised.standard, f.raised.category, f.raised.registered.0, f.raised.computed.0
            )
        } else {
            String::new()
        };
        assert_eq!(r[at("unsupported_levels")], expected, "{}", r[at("id")]);
    }
}

#[test]
fn the_api_has_a_field_on_the_certificate() {
    let f = fixture();
    let c = &f.raised;
    // The registered level and the one the evidence supports; the level is
    // defined, so there is no `highest_defined`.
    let expected = serde_json::json!({
        "registered": c.registered.0,
        "supported": c.computed.0,
    });
    let index: Value = serde_json::from_str(&page(&f.site, "api/v2/index.json")).expect("JSON");
    let mut flagged = Vec::new();
    for o in index["organisations"].as_array().into_iter().flatten() {
        for cert in o["certificates"].as_array().into_iter().flatten() {
            // Present on the flagged certificate only, never null.
            if let Some(finding) = cert.get("unsupported_level") {
                assert!(finding.is_object(), "{cert}");
                flagged.push((cert["number"].clone(), finding.clone()));
            }
        }
    }
    assert_eq!(
        flagged,
        [(Value::from(c.number.as_str()), expected.clone())]
    );
    let file: Value = serde_json::from_str(&page(
        &f.site,
        &format!("api/v2/organisations/{}.json", c.organisation),
    ))
    .expect("JSON");
    let cert = file["certificates"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|x| x["number"] == c.number.as_str())
        .expect("certificate");
    assert_eq!(cert["unsupported_level"], expected);
}

#[test]
fn feed_entries_about_the_certificate_say_so() {
    let f = fixture();
    let c = &f.raised;
    let (zh, en) = c.sentences();
    for (path, sentence) in [("registry/feed.xml", &zh), ("en/registry/feed.xml", &en)] {
        let xml = page(&f.site, path);
        // The English feed links to the page's English answer (`#en`).
        let link = format!("/verify/{}/", c.slug);
        let is_about =
            |e: &str| e.contains(&format!("{link}\"")) || e.contains(&format!("{link}#"));
        let about: Vec<&str> = xml.split("<entry>").filter(|e| is_about(e)).collect();
        for entry in &about {
            assert!(entry.contains(sentence.as_str()), "{path}: {entry}");
            assert!(
                entry.contains("<category term=\"level-unsupported\"/>"),
                "{entry}"
            );
        }
        let others = xml.split("<entry>").filter(|e| !is_about(e));
        assert!(others.into_iter().all(|e| !e.contains("level-unsupported")));
        // The registry need not have a recent event for any certificate that
        // can be raised; when it has, the certificate picked is one of them.
        if about.is_empty() {
            eprintln!("{path}: no entry about {} in the feed's window", c.number);
        }
    }
}

#[test]
fn strict_mode_refuses_it() {
    let f = fixture();
    let out = common::dengji(&f.root, &["check", "--strict", "--message-format", "json"]);
    assert!(!out.status.success());
    let lines = String::from_utf8_lossy(&out.stdout);
    assert!(
        lines
            .lines()
            .any(|l| l.contains("grade-unsupported") && l.contains(&f.raised.number)),
        "{lines}"
    );
}
