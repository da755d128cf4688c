//! The bilingual site as readers and committees use it: English pages with
//! the same anchors as the Chinese, the language switch and alternates, the
//! side-by-side view, staleness after the Chinese changes, and coverage.

mod common;

use std::collections::BTreeSet;

use scraper::{Html, Selector};

use common::dengji;

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&selector("main [id]"))
        .filter_map(|e| e.value().id().map(str::to_string))
        .collect()
}

/// Pages of the Chinese reader: standards/<slug>/... except the site-wide ones.
fn chinese_standard_pages() -> Vec<&'static String> {
    common::bundled_site()
        .files
        .keys()
        .filter(|p| p.starts_with("standards/") && p.ends_with("index.html"))
        .filter(|p| p.as_str() != "standards/index.html")
        .collect()
}

#[test]
fn every_chinese_page_has_an_english_page_with_the_same_anchors() {
    let site = common::bundled_site();
    let pages = chinese_standard_pages();
    assert!(pages.len() > 80, "{} pages", pages.len());
    for path in pages {
        let english_path = format!("en/{path}");
        let zh = common::page(site, path);
        let en = common::page(site, &english_path);
        if path.ends_with("/translation/index.html") {
            continue;
        }
        let zh_ids: BTreeSet<String> = ids(&zh).into_iter().collect();
        let en_ids: BTreeSet<String> = ids(&en).into_iter().collect();
        assert_eq!(
            zh_ids.symmetric_difference(&en_ids).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "{path} and {english_path} have different anchors"
        );
        assert!(en.contains(r#"<html lang="en">"#), "{english_path}");
        assert!(zh.contains(r#"<html lang="zh-CN">"#), "{path}");
    }
}

/// Whether an English page shows a translated standard (its cover,
/// chapters, full text, terms, levels, or the side-by-side view); the
/// translation status page and the registry, search, verification and docs
/// pages are not translations.
fn shows_translated_standard(path: &str) -> bool {
    let rest = path.trim_start_matches("en/");
    rest.starts_with("side-by-side/")
        || rest
            .strip_prefix("standards/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(_, page)| !page.starts_with("translation/"))
}

#[test]
fn english_pages_say_the_chinese_is_normative_and_link_to_the_same_page() {
    let site = common::bundled_site();
    let english = site
        .files
        .keys()
        .filter(|p| p.starts_with("en/") && p.ends_with(".html") && !p.ends_with("404.html"));
    let (translated, written): (Vec<&String>, Vec<&String>) =
        english.partition(|p| shows_translated_standard(p));
    // Issue 18: pages written in English (the registry, search,
    // verification, docs) carry no "informative translation" notice.
    for required in [
        "en/registry/index.html",
        "en/search/index.html",
        "en/verify/index.html",
        "en/docs/api/index.html",
        "en/standards/index.html",
        "en/standards/csi-grading/translation/index.html",
    ] {
        assert!(written.contains(&&required.to_string()), "{required}");
    }
    assert!(
        written
            .iter()
            .any(|p| p.starts_with("en/registry/") && p.len() > 30)
    );
    for path in &written {
        let html = common::page(site, path);
        assert!(
            !html.contains("translation-notice"),
            "{path} is not a translation but says it is one"
        );
    }
    assert!(translated.len() > 50, "{}", translated.len());
    for path in translated {
        let html = common::page(site, path);
        let doc = Html::parse_document(&html);
        let notice = doc
            .select(&selector(".translation-notice a"))
            .next()
            .unwrap_or_else(|| panic!("{path} has no normative notice"));
        let original = path
            .trim_start_matches("en/")
            .trim_start_matches("side-by-side/")
            .trim_end_matches("index.html");
        assert_eq!(
            notice.value().attr("href"),
            Some(format!("/{original}").as_str()),
            "{path} links its notice to the Chinese page"
        );
        assert!(
            site.files.contains_key(&format!("{original}index.html")),
            "{path}: the Chinese page exists"
        );
    }
}

#[test]
fn hreflang_alternates_and_the_sitemap_pair_the_languages() {
    let site = common::bundled_site();
    let base = common::base_url();
    let zh = common::page(site, "standards/csi-grading/7/index.html");
    for needle in [
        format!(r#"<link rel="alternate" hreflang="zh-CN" href="{base}standards/csi-grading/7/">"#),
        format!(r#"<link rel="alternate" hreflang="en" href="{base}en/standards/csi-grading/7/">"#),
        format!(
            r#"<link rel="alternate" hreflang="x-default" href="{base}standards/csi-grading/7/">"#
        ),
    ] {
        assert!(zh.contains(&needle), "missing {needle}");
    }
    let sitemap = common::page(site, "sitemap.xml");
    let entry = sitemap
        .split("<url>")
        .find(|u| u.contains(&format!("<loc>{base}en/standards/csi-grading/7/</loc>")))
        .expect("the English page is in the sitemap");
    assert!(entry.contains(&format!(
        r#"<xhtml:link rel="alternate" hreflang="zh-CN" href="{base}standards/csi-grading/7/"/>"#
    )));
    let locs = sitemap.matches("<loc>").count();
    let pages = site
        .files
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert_eq!(locs, pages, "every page is in the sitemap once");
}

#[test]
fn the_switch_offers_the_same_page_in_each_language_and_side_by_side() {
    let site = common::bundled_site();
    let html = common::page(site, "en/standards/csi-grading/B/index.html");
    let doc = Html::parse_document(&html);
    let links: Vec<(String, String)> = doc
        .select(&selector(".view-switch a"))
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("中文".to_string(), "/standards/csi-grading/B/".to_string()),
            (
                "English".to_string(),
                "/en/standards/csi-grading/B/".to_string()
            ),
            (
                "Side by side".to_string(),
                "/en/side-by-side/standards/csi-grading/B/".to_string()
            ),
        ]
    );
}

#[test]
fn chinese_inside_english_text_is_marked_as_chinese() {
    let site = common::bundled_site();
    let mut checked = 0;
    for path in site
        .files
        .keys()
        .filter(|p| p.starts_with("en/standards/") && p.ends_with(".html"))
        .filter(|p| !p.contains("side-by-side"))
    {
        let doc = Html::parse_document(&common::page(site, path));
        for node in doc.root_element().descendants() {
            let Some(text) = node.value().as_text() else {
                continue;
            };
            if !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                continue;
            }
            checked += 1;
            let lang = node
                .ancestors()
                .filter_map(|a| a.value().as_element().and_then(|e| e.attr("lang")))
                .next();
            assert_eq!(
                lang,
                Some("zh-CN"),
                "{path}: Chinese text not marked as Chinese: {text:?}"
            );
        }
    }
    assert!(
        checked > 50,
        "only {checked} Chinese runs in the English pages"
    );
}

#[test]
fn side_by_side_pairs_each_clause_and_every_anchor_exists_once() {
    let site = common::bundled_site();
    let html = common::page(
        site,
        "side-by-side/standards/cii-service-capability/C/index.html",
    );
    let all_ids = ids(&html);
    let unique: BTreeSet<&String> = all_ids.iter().collect();
    assert_eq!(all_ids.len(), unique.len(), "duplicate ids");
    // The Chinese anchors of Annex C are all present, unprefixed.
    let zh_page = Html::parse_document(&common::page(
        site,
        "standards/cii-service-capability/C/index.html",
    ));
    let zh_ids: BTreeSet<String> = zh_page
        .select(&selector("article [id]"))
        .filter_map(|e| e.value().id().map(str::to_string))
        .collect();
    assert!(zh_ids.contains("C-table-1"), "{zh_ids:?}");
    for id in &zh_ids {
        assert!(unique.contains(id), "side-by-side lacks #{id}");
    }
    let doc = Html::parse_document(&html);
    let pair = doc
        .select(&selector("section.pair#C"))
        .next()
        .expect("annex C is a pair");
    let original: String = pair
        .select(&selector(".pair-original[lang=zh-CN]"))
        .flat_map(|e| e.text())
        .collect();
    let translation: String = pair
        .select(&selector(".pair-translation[lang=en]"))
        .flat_map(|e| e.text())
        .collect();
    assert!(
        original.contains("服务机构安全服务能力评价指标"),
        "{original}"
    );
    assert!(
        translation.contains("Evaluation indicators"),
        "{translation}"
    );
    // The table is paired row by row: the Chinese table and the English one
    // sit in the same row.
    let row = pair
        .select(&selector(".pair-row"))
        .find(|r| r.select(&selector("table")).count() == 2)
        .expect("a row with both tables");
    assert!(
        row.select(&selector("figure[id='C-table-1']"))
            .next()
            .is_some()
    );
    assert!(
        row.select(&selector("figure[id='tr-C-table-1']"))
            .next()
            .is_some()
    );
    // The translation column's labels are English even on the Chinese-UI page.
    assert!(html.contains("<strong>Editorial note</strong>"));
    assert!(html.contains("<strong>编者注</strong>"));
}

#[test]
fn coverage_is_complete_for_all_five_and_strict_passes() {
    let out = dengji(
        &common::repo_root(),
        &[
            "check",
            "--strict",
            "--translations",
            "--message-format",
            "json",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("translations").is_some())
        .expect("the translation report");
    let statuses = report["translations"].as_array().expect("array");
    assert_eq!(statuses.len(), 5);
    for s in statuses {
        assert_eq!(s["coverage"], "100%", "{s}");
        assert_eq!(s["complete"], true, "{s}");
        assert_eq!(s["units"], s["current"], "{s}");
        assert_eq!(
            s["term_mismatches"].as_array().map(Vec::len),
            Some(0),
            "{s}"
        );
    }
}

#[test]
fn a_changed_chinese_unit_makes_its_translation_stale_until_stamped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    common::copy_site(root);
    common::edit(
        root,
        "content/csi-grading/zh/00-standard.md",
        "a) 机构负责人应拥有1年以上（含1年）信息技术领域管理经历；",
        "a) 机构负责人应拥有2年以上（含2年）信息技术领域管理经历；",
    );

    let out = dengji(root, &["check", "--translations"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stale is a warning by default:\n{stderr}"
    );
    assert!(
        stderr.contains("content/csi-grading/en/00-standard.md:")
            && stderr.contains("the `en` translation of `7.1.4-a` may be out of date"),
        "{stderr}"
    );
    assert!(
        stderr.contains("dengji stamp csi-grading 7.1.4-a"),
        "{stderr}"
    );
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("csi-grading"))
        .expect("coverage line");
    assert!(
        line.contains("99.9%") && line.contains("1405/1406"),
        "{line}"
    );
    assert!(stdout.contains("stale: 7.1.4-a"), "{stdout}");

    let strict = dengji(root, &["check", "--strict"]);
    assert!(!strict.status.success(), "--strict fails on a stale unit");
    assert!(String::from_utf8_lossy(&strict.stderr).contains("1 stale"));

    // The page flags the unit and links to the Chinese.
    assert!(dengji(root, &["build"]).status.success());
    let page = std::fs::read_to_string(root.join("public/en/standards/csi-grading/7/index.html"))
        .expect("page");
    let doc = Html::parse_document(&page);
    let item = doc
        .select(&selector("li[id='7.1.4-a']"))
        .next()
        .expect("item");
    let flag = item
        .select(&selector(".stale-flag a"))
        .next()
        .expect("the stale item is flagged");
    assert_eq!(
        flag.value().attr("href"),
        Some("/standards/csi-grading/7/#7.1.4-a")
    );
    assert_eq!(
        page.matches("class=\"stale-flag\"").count(),
        1,
        "only that unit"
    );

    // Once the translator has updated it, stamping clears it.
    let stamp = dengji(root, &["stamp", "csi-grading"]);
    assert!(String::from_utf8_lossy(&stamp.stderr).contains("1 still stale (7.1.4-a)"));
    let stamp = dengji(root, &["stamp", "csi-grading", "7.1.4-a"]);
    assert!(stamp.status.success());
    assert!(String::from_utf8_lossy(&stamp.stderr).contains("1 renewed"));
    assert!(dengji(root, &["check", "--strict"]).status.success());
}

#[test]
fn a_missing_translation_is_reported_and_shown_in_the_side_by_side_view() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    common::copy_site(root);
    // Drop the English heading and body of 3.2.5 entirely.
    let path = root.join("content/cnitsec-cloud-l1/en/00-guide.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let start = text.find("\n### 3.2.5 ").expect("3.2.5");
    let end = text.find("\n### 3.2.6 ").expect("3.2.6");
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).expect("write");

    let out = dengji(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`3.2.5` has no `en` translation"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("missing"), "{stdout}");
    assert!(!dengji(root, &["check", "--strict"]).status.success());
    assert!(dengji(root, &["build"]).status.success());
    let page = std::fs::read_to_string(
        root.join("public/side-by-side/standards/cnitsec-cloud-l1/3/index.html"),
    )
    .expect("page");
    let doc = Html::parse_document(&page);
    let pair = doc
        .select(&selector("section[id='3.2.5']"))
        .next()
        .expect("3.2.5");
    let translation: String = pair
        .select(&selector(".pair-head .pair-translation"))
        .flat_map(|e| e.text())
        .collect();
    assert!(translation.contains("not translated"), "{translation}");
}

#[test]
fn a_termbase_term_translated_otherwise_is_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    common::copy_site(root);
    let en =
        std::fs::read_to_string(root.join("content/csi-grading/en/00-standard.md")).expect("read");
    let changed = en.replacen("basic capability", "fundamental ability", 1);
    assert_ne!(en, changed);
    std::fs::write(root.join("content/csi-grading/en/00-standard.md"), changed).expect("write");
    let out = dengji(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "uses the term 基本能力 but its translation does not say \"basic capability\""
        ),
        "{stderr}"
    );
}

/// Units whose Chinese has a misprint that an editorial note records: the
/// English translates what is printed, and the note says what is meant.
#[test]
fn translations_keep_the_misprints_their_editorial_notes_record() {
    let analysis = dengji::analyse(&common::repo_root(), common::as_of()).expect("analysis");
    let doc = |slug: &str, lang: &str| {
        analysis
            .documents
            .iter()
            .chain(&analysis.translations)
            .find(|d| d.slug == slug && d.lang == lang)
            .unwrap_or_else(|| panic!("{slug} in {lang}"))
    };
    let content = |slug: &str, lang: &str, anchor: &str| {
        doc(slug, lang)
            .units()
            .iter()
            .find(|u| u.anchor == anchor)
            .map(|u| u.content())
            .unwrap_or_else(|| panic!("{slug} {lang} {anchor}"))
    };
    let mut cases = vec![
        (
            "cnitsec-cloud-l1",
            "3.3.3-3".to_string(),
            "异常流程检测与清洗服务",
            "abnormal process detection",
            "abnormal traffic detection",
        ),
        (
            "isom-self-assessment",
            "item-59".into(),
            "响应文件",
            "Response documents and records of internal audits",
            "Corresponding documents",
        ),
        (
            "isom-self-assessment",
            "item-54".into(),
            "响应的变更记录",
            "response change records",
            "corresponding change records",
        ),
        (
            "isom-self-assessment",
            "item-60".into(),
            "如指标为满足",
            "e.g. indicators met",
            "indicators not met",
        ),
    ];
    for no in 64..=71 {
        cases.push((
            "isom-self-assessment",
            format!("item-{no}"),
            "安全运维运—维持续改进",
            "Security O&M operation—maintenance continual improvement",
            "Continual improvement of O&M",
        ));
    }
    for (slug, anchor, misprint, literal, corrected) in cases {
        assert!(
            content(slug, "zh", &anchor).contains(misprint),
            "{slug} {anchor} prints {misprint}"
        );
        assert!(
            doc(slug, "zh")
                .units()
                .iter()
                .any(|u| u.anchor.contains("ed-") && u.content().contains(misprint)),
            "an editorial note of {slug} records {misprint}"
        );
        let english = content(slug, "en", &anchor);
        assert!(
            english.contains(literal) && !english.contains(corrected),
            "{slug} {anchor} should translate the misprint {misprint} as printed (\"{literal}\"), leaving \"{corrected}\" to the note: {english}"
        );
    }
}

/// ASCII punctuation where Chinese text wants the full-width form: beside
/// a Chinese character or a closing full-width bracket, or a sentence that
/// ends in "." after Chinese or a number.
fn ascii_punctuation_in_chinese(text: &str) -> Vec<String> {
    let pattern = regex::Regex::new(
        r"[\p{Han}）》」][ ]?[,;:()]|[,;:(][ ]?[\p{Han}（《「]|[\p{Han}\d）][ ]?\.(?:\s|$)",
    )
    .expect("regex");
    pattern
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect()
}

#[test]
fn chinese_ui_strings_and_the_pages_they_make_use_full_width_punctuation() {
    // Issue 18: "本级新增要求 17, 适用要求共 17." on the level pages.
    let path = common::repo_root().join("themes/default/i18n/zh.yaml");
    let text = std::fs::read_to_string(&path).expect("zh.yaml");
    let strings: std::collections::BTreeMap<String, String> =
        dengji::yaml::from_file_text(&text, &path).expect("zh.yaml parses");
    let mut found: Vec<String> = strings
        .iter()
        .flat_map(|(key, value)| {
            ascii_punctuation_in_chinese(value)
                .into_iter()
                .map(move |m| format!("zh.yaml {key}: `{m}` in {value}"))
        })
        .collect();
    // The parts of Chinese pages that templates assemble from several
    // strings (the standards' own text, verbatim, is not checked).
    let site = common::bundled_site();
    for (page, parts) in [
        (
            "standards/csi-grading/levels/K/index.html",
            ".level-summary, .level-anomaly",
        ),
        ("standards/csi-grading/index.html", ".translation-status"),
        (
            "standards/csi-grading/translation/index.html",
            "h2[id^=status-]",
        ),
        (
            "registry/daiyu-sec/index.html",
            ".grade-level, .grade-part h4, .grade-assessments > p, .cert-history li, .score-group summary",
        ),
        (
            "registry/wanhe-tech/index.html",
            ".grade-level, .grade-part h4, .grade-part > p, .score-group summary",
        ),
        ("registry/region/beijing/index.html", ".breadcrumb"),
        ("verify/CSI-2025-ZX-0194/index.html", ".cert-facts dd"),
    ] {
        let html = common::page(site, page);
        let doc = Html::parse_document(&html);
        let mut seen = 0;
        for element in doc.select(&selector(parts)) {
            seen += 1;
            let text: String = element.text().collect();
            found.extend(
                ascii_punctuation_in_chinese(&text)
                    .into_iter()
                    .map(|m| format!("{page} {parts}: `{m}` in {text}")),
            );
        }
        assert!(seen > 0, "{page} has {parts}");
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
