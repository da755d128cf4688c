//! Cross-references against the real bundled content: every reference
//! phrase of 000 links where its words say, nothing that looks like a
//! reference is left unlinked, and the level graph of 000's annexes B–M
//! matches the text.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;

use common::{bundled_site, page, repo_root};
use dengji::Analysis;
use dengji::model::{AnnotationKind, Block, Document, ListItem, Text, inline};
use dengji::resolve::levels::Anomaly;

fn analysis() -> &'static Analysis {
    static A: OnceLock<Analysis> = OnceLock::new();
    A.get_or_init(|| match dengji::analyse(&repo_root(), common::as_of()) {
        Ok(a) if !a.diagnostics.has_errors() => a,
        Ok(a) => panic!("bundled content has errors:\n{}", a.diagnostics),
        Err(d) => panic!("bundled content does not load:\n{d}"),
    })
}

fn document(slug: &str, lang: &str) -> &'static Document {
    let a = analysis();
    a.documents
        .iter()
        .chain(&a.translations)
        .find(|d| d.slug == slug && d.lang == lang)
        .unwrap_or_else(|| panic!("no {slug} ({lang})"))
}

/// Every text of a document with the clause it is in.
fn texts(doc: &Document) -> Vec<(&str, &Text)> {
    fn items<'a>(clause: &'a str, list: &'a [ListItem], out: &mut Vec<(&'a str, &'a Text)>) {
        for item in list {
            out.push((clause, &item.text));
            items(clause, &item.children, out);
        }
    }
    let mut out = Vec::new();
    for clause in doc.all_clauses() {
        let c = clause.anchor.as_str();
        for block in &clause.blocks {
            match block {
                Block::Paragraph { text, .. }
                | Block::Note { text, .. }
                | Block::Example { text } => {
                    out.push((c, text));
                }
                Block::List { items: list } => items(c, list, &mut out),
                Block::Table(t) => {
                    for row in t.header_rows.iter().chain(&t.body_rows) {
                        for cell in row {
                            out.push((c, &cell.text));
                        }
                    }
                }
                Block::Editorial { paragraphs, .. } => {
                    out.extend(paragraphs.iter().map(|p| (c, p)))
                }
                _ => {}
            }
        }
    }
    out
}

/// What a phrase's own words name, read independently of the grammar.
fn expected_anchor(phrase: &str, clause: &str) -> Option<String> {
    let compact: String = phrase.chars().filter(|c| !c.is_whitespace()).collect();
    let number = Regex::new(r"[A-M]?\.?\d+(?:\.\d+)*").ok()?;
    if let Some(rest) = compact.strip_prefix("附录") {
        return Some(rest.to_string());
    }
    if let Some(rest) = compact.strip_prefix('图') {
        return Some(format!("figure-{rest}"));
    }
    if let Some(rest) = compact.strip_prefix('表') {
        return Some(format!("table-{rest}"));
    }
    if let Some(caps) = Regex::new(r"^第?([一二三四])级").ok()?.captures(&compact) {
        let n = "一二三四".chars().position(|c| caps[1].starts_with(c))? + 1;
        // The level container beside the clause: the annex letter and N.
        let annex = clause.split('.').next()?;
        return Some(format!("{annex}.{n}"));
    }
    let item = Regex::new(r"^第?(\d+(?:\.\d+)*|[A-M](?:\.\d+)+)章?条?第?([a-z])[）)]").ok()?;
    if let Some(caps) = item.captures(&compact) {
        return Some(format!("{}-{}", &caps[1], &caps[2]));
    }
    number
        .find(&compact)
        .map(|m| m.as_str().trim_start_matches('.').to_string())
}

#[test]
fn every_reference_phrase_of_000_links_where_its_words_say() {
    let doc = document("csi-grading", "zh");
    let anchors: BTreeSet<&str> = doc.units().iter().map(|u| u.anchor).collect();
    let mut checked = 0;
    for (clause, text) in texts(doc) {
        let source = inline::prepare(&text.markdown);
        for a in &text.annotations {
            let phrase = &source[a.range.clone()];
            match &a.kind {
                AnnotationKind::Ref { anchor } => {
                    assert!(
                        anchors.contains(anchor.as_str()),
                        "{phrase} → missing {anchor}"
                    );
                    let expected = expected_anchor(phrase, clause);
                    // The duplicated G.4.2 is published as G.4.8 (see its editorial note).
                    let corrected = expected.as_deref() == Some("G.4.8") && anchor == "G.4.8";
                    assert!(
                        expected.as_deref() == Some(anchor.as_str()) || corrected,
                        "`{phrase}` in {clause} links to {anchor}, its words say {expected:?}"
                    );
                    checked += 1;
                }
                AnnotationKind::Range {
                    from_anchor,
                    to_anchor,
                    members,
                    ..
                } => {
                    let (from, to) = phrase
                        .split_once(['～', '~', '至', '-'])
                        .unwrap_or_else(|| panic!("range `{phrase}` has no operator"));
                    // "附录B-M": the second annex is a bare letter.
                    let to = &if to.len() == 1 && from.starts_with("附录") {
                        format!("附录{to}")
                    } else {
                        to.to_string()
                    };
                    assert_eq!(
                        expected_anchor(from, clause).as_deref(),
                        Some(from_anchor.as_str())
                    );
                    assert_eq!(
                        expected_anchor(to, clause).as_deref(),
                        Some(to_anchor.as_str())
                    );
                    assert_eq!(members.first(), Some(from_anchor));
                    assert_eq!(members.last(), Some(to_anchor));
                    assert!(members.len() >= 2, "{phrase}: {members:?}");
                    for m in members {
                        assert!(anchors.contains(m.as_str()), "{phrase}: member {m} missing");
                    }
                    checked += 1;
                }
                AnnotationKind::Standard { entry, .. } => {
                    let entry = entry
                        .as_deref()
                        .expect("000's standards are in its chapter 2");
                    assert!(
                        anchors.contains(entry) && entry.starts_with("2-"),
                        "{phrase} → {entry}"
                    );
                    checked += 1;
                }
                _ => {}
            }
        }
    }
    assert!(checked > 100, "only {checked} references checked");
}

#[test]
fn nothing_that_looks_like_a_reference_is_left_unlinked() {
    // An independent, deliberately loose pattern: anything it finds must be
    // inside a link or be a suppressed phrase.
    let looks_like = Regex::new(
        r"附录\s*[A-M]|[A-M]\.\d+(?:\.\d+)*|第\s*\d+(?:\.\d+)*\s*[章条]|[表图]\s*[A-Z]?\.?\d+|GB/?T\s*\d+",
    )
    .expect("regex");
    // Author links, and numbers an editorial note quotes as misprinted.
    let author_link = Regex::new(r"\[[^\]]*\]\((?:ref:[^)]*|as-printed:)\)").expect("regex");
    let mut missed = Vec::new();
    for slug in ["csi-grading", "cii-service-capability", "cnitsec-cloud-l1"] {
        let doc = document(slug, "zh");
        let report = analysis()
            .resolution
            .reports
            .iter()
            .find(|r| r.slug == slug && r.lang == "zh")
            .expect("report");
        let suppressed: BTreeSet<&str> = report
            .suppressed
            .iter()
            .map(|s| s.phrase.as_str())
            .collect();
        for (clause, text) in texts(doc) {
            let source = inline::prepare(&text.markdown);
            let explicit: Vec<_> = author_link.find_iter(&source).map(|m| m.range()).collect();
            for m in looks_like.find_iter(&source) {
                let by_author = explicit
                    .iter()
                    .any(|r| r.start <= m.start() && m.end() <= r.end);
                let linked = by_author
                    || text.annotations.iter().any(|a| {
                        a.range.start <= m.start()
                            && m.end() <= a.range.end
                            && !matches!(
                                a.kind,
                                AnnotationKind::Obligation(_) | AnnotationKind::Term { .. }
                            )
                    });
                let is_suppressed = suppressed.iter().any(|s| s.contains(m.as_str()));
                if !(linked || is_suppressed) {
                    missed.push(format!(
                        "{slug} {clause}: `{}` in: {}",
                        m.as_str(),
                        text.markdown
                    ));
                }
            }
        }
    }
    assert!(missed.is_empty(), "not linked:\n{}", missed.join("\n"));
}

#[test]
fn level_graph_of_000_annexes_b_to_m_matches_the_text() {
    let groups = analysis()
        .resolution
        .levels
        .get(&("csi-grading".to_string(), "zh".to_string()))
        .expect("levels of 000");
    let annexes: Vec<&str> = groups.iter().map(|g| g.anchor.as_str()).collect();
    assert_eq!(
        annexes,
        [
            "7", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"
        ]
    );
    let chapter7 = &groups[0];
    assert!(
        !chapter7.cumulative,
        "chapter 7 restates each level in full"
    );
    for group in &groups[1..] {
        let g = group.anchor.as_str();
        assert!(group.cumulative, "{g}");
        let ordinals: Vec<u32> = group.levels.iter().map(|l| l.ordinal).collect();
        assert_eq!(ordinals, [1, 2, 3, 4], "{g}");
        for (i, level) in group.levels.iter().enumerate() {
            assert_eq!(level.anchor, format!("{g}.{}", i + 1));
            if g == "J" && i == 3 {
                // J.4 has only its heading in the source.
                assert!(level.own.is_empty() && level.inherits.is_none());
                assert!(matches!(level.anomalies.as_slice(), [Anomaly::Empty]));
                continue;
            }
            if i == 0 {
                assert_eq!(level.inherits, None, "{g}.1");
                assert_eq!(level.full, level.own, "{g}.1");
                continue;
            }
            assert_eq!(level.inherits, Some(i as u32), "{}", level.anchor);
            // What the level adds is named by its own statement, and lies under it.
            assert!(!level.adds.is_empty(), "{}", level.anchor);
            for added in &level.adds {
                assert!(
                    added.starts_with(&format!("{}.", level.anchor)),
                    "{} adds {added}",
                    level.anchor
                );
            }
            // Cumulative: the full set is the level below's full set plus its own.
            let below = &group.levels[i - 1];
            let expected: BTreeSet<&String> = below.full.iter().chain(&level.own).collect();
            let full: BTreeSet<&String> = level.full.iter().collect();
            assert_eq!(full, expected, "{}", level.anchor);
        }
    }
    // The defects the text has, and no others.
    let mut defects = Vec::new();
    for group in &groups[1..] {
        for level in &group.levels {
            for a in &level.anomalies {
                defects.push(format!("{} {a:?}", level.anchor));
            }
        }
    }
    assert_eq!(
        defects,
        [
            r#"J.2 OutsideRange { anchors: ["J.2.5.1", "J.2.5.2"] }"#,
            "J.4 Empty",
            // Issue 18: b) beside "还要满足K.2.1～K.2.3的评价条件" is K.2's own,
            // outside the range the sentence names.
            r#"K.2 OutsideRange { anchors: ["K.2-b"] }"#,
            r#"K.3 OutsideRange { anchors: ["K.3-b"] }"#,
            r#"K.4 OutsideRange { anchors: ["K.4-b"] }"#,
            r#"L.2 OutsideRange { anchors: ["L.2.1"] }"#,
            r#"L.3 OutsideRange { anchors: ["L.3.1"] }"#,
            r#"L.4 OutsideRange { anchors: ["L.4.1"] }"#,
        ]
    );
}

/// The range annotations of the text of `unit` (a unit anchor's text found
/// by its words), as (phrase, members).
fn ranges_in(slug: &str, lang: &str, words: &str) -> Vec<(String, Vec<String>)> {
    let doc = document(slug, lang);
    let (_, text) = texts(doc)
        .into_iter()
        .find(|(_, t)| t.markdown.contains(words))
        .unwrap_or_else(|| panic!("no text with `{words}` in {slug} ({lang})"));
    let source = inline::prepare(&text.markdown);
    text.annotations
        .iter()
        .filter_map(|a| match &a.kind {
            AnnotationKind::Range { members, .. } => {
                Some((source[a.range.clone()].to_string(), members.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn ranges_of_annexes_and_of_form_items_link_every_member() {
    let annexes: Vec<String> = ('B'..='M').map(String::from).collect();
    assert_eq!(
        ranges_in("csi-grading", "zh", "具体要求见规范性附录B-M"),
        [("附录B-M".to_string(), annexes.clone())]
    );
    assert_eq!(
        ranges_in("csi-grading", "en", "see normative Annex B to Annex M"),
        [("Annex B to Annex M".to_string(), annexes)]
    );
    let items: Vec<String> = (64..=71).map(|n| format!("item-{n}")).collect();
    assert_eq!(
        ranges_in("isom-self-assessment", "zh", "第64～71项的要点"),
        [("第64～71项".to_string(), items.clone())]
    );
    assert_eq!(
        ranges_in("isom-self-assessment", "en", "For items 64 to 71"),
        [("items 64 to 71".to_string(), items)]
    );
    // Both are linked on the pages, with each member listed.
    let site = bundled_site();
    let isom = page(site, "standards/isom-self-assessment/items/index.html");
    let annex = page(site, "standards/csi-grading/6/index.html");
    for (html, member) in [(&isom, "#item-68"), (&annex, "/L/")] {
        let doc = scraper::Html::parse_document(html);
        let select = scraper::Selector::parse(".xref-range .xref-members a").expect("selector");
        assert!(
            doc.select(&select)
                .any(|a| a.value().attr("href").is_some_and(|h| h.ends_with(member))),
            "a range lists {member}"
        );
    }
}

/// The references of the editorial note of `clause` that mention `number`:
/// (byte offset in the note, anchor linked).
fn note_links(slug: &str, lang: &str, clause: &str, number: &str) -> Vec<String> {
    let doc = document(slug, lang);
    let clause = doc
        .all_clauses()
        .into_iter()
        .find(|c| c.anchor == clause)
        .unwrap_or_else(|| panic!("no clause {clause}"));
    let mut out = Vec::new();
    for block in &clause.blocks {
        if let Block::Editorial { paragraphs, .. } = block {
            for text in paragraphs {
                let source = inline::prepare(&text.markdown);
                for a in &text.annotations {
                    if let AnnotationKind::Ref { anchor } = &a.kind
                        && source[a.range.clone()].contains(number)
                    {
                        out.push(anchor.clone());
                    }
                }
            }
        }
    }
    out
}

#[test]
fn a_number_an_editorial_note_quotes_as_misprinted_is_not_a_link() {
    // Issue 18: "编号却为K.4.3.1" means the misprint, not the real K.4.3.1
    // (安全策略); the note's "“K.4.3.1 安全策略”" does mean the real one.
    for lang in ["zh", "en"] {
        for (clause, number, real) in [
            ("K.4.2.1", "K.4.3.1", 1),
            ("K.4.2.2", "K.4.3.2", 1),
            ("J.1.2-K.1.1", "K.1.1", 1),
            ("J.1.2-K.1.2", "K.1.2", 1),
        ] {
            let links = note_links("csi-grading", lang, clause, number);
            assert_eq!(
                links,
                vec![number.to_string(); real],
                "{clause} ({lang}): only the mention of the real {number} links to it"
            );
        }
    }
    let site = bundled_site();
    let html = page(site, "standards/csi-grading/K/index.html");
    let doc = scraper::Html::parse_document(&html);
    let note = scraper::Selector::parse(r#"[id="K.4.2.1"] > aside"#).expect("selector");
    let note = doc.select(&note).next().expect("K.4.2.1's editorial note");
    // The misprint is plain text; the real K.4.3.1 (“K.4.3.1 安全策略”) is the
    // note's one link of that number.
    let inner = note.inner_html();
    assert!(inner.contains("编号却为K.4.3.1，"), "{inner}");
    let links: Vec<String> = note
        .select(&scraper::Selector::parse("a").expect("selector"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        links.iter().filter(|l| *l == "K.4.3.1").count(),
        1,
        "{links:?}"
    );
}

#[test]
fn an_as_printed_mark_outside_an_editorial_note_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::copy_site(dir.path());
    common::edit(
        dir.path(),
        "content/csi-grading/zh/00-standard.md",
        "具体要求见第7章",
        "具体要求见第[7](as-printed:)章",
    );
    let out = common::dengji(dir.path(), &["--quiet", "check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("00-standard.md:123:") && stderr.contains("not an editorial note"),
        "{stderr}"
    );
}

#[test]
fn level_rows_printed_with_the_same_number_say_which_clause_they_are() {
    let site = bundled_site();
    for (path, alias) in [
        (
            "standards/csi-grading/levels/K/index.html",
            "（本站锚点 K.4.2.1）",
        ),
        (
            "en/standards/csi-grading/levels/K/index.html",
            " (anchored as K.4.2.1 on this site)",
        ),
    ] {
        let html = page(site, path);
        let doc = scraper::Html::parse_document(&html);
        let labels = |selector: &str| -> Vec<String> {
            doc.select(&scraper::Selector::parse(selector).expect("selector"))
                .map(|e| e.text().collect::<String>())
                .collect()
        };
        let rows = labels(".level-matrix tbody th");
        let unique: BTreeSet<&String> = rows.iter().collect();
        assert_eq!(
            unique.len(),
            rows.len(),
            "{path}: matrix rows are told apart"
        );
        let level_4 = labels("#level-4 .req-ref");
        let unique: BTreeSet<&String> = level_4.iter().collect();
        assert_eq!(
            unique.len(),
            level_4.len(),
            "{path}: K.4's list rows are told apart"
        );
        assert!(
            rows.iter()
                .any(|r| r.starts_with(&format!("K.4.3.1{alias}"))),
            "{path}: {rows:?}"
        );
        // The note J and L get, now for K.2, K.3 and K.4 too.
        let anomalies = labels("#level-2 .level-anomaly");
        assert!(
            anomalies.iter().any(|a| a.contains("K.2 b)")),
            "{path}: {anomalies:?}"
        );
    }
}

#[test]
fn pages_link_ranges_backlinks_standards_and_terms() {
    let site = bundled_site();
    let annex_b = page(site, "standards/csi-grading/B/index.html");
    let html = scraper::Html::parse_document(&annex_b);
    let select = |s: &str| scraper::Selector::parse(s).expect("selector");
    // B.2.1: "还应满足B.2.2～B.2.4的要求" links both ends and lists B.2.3.
    let statement = html
        .select(&select("#B\\.2\\.1 .xref-range"))
        .next()
        .expect("range in B.2.1");
    let hrefs: Vec<&str> = statement
        .select(&select("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    for target in ["#B.2.2", "#B.2.3", "#B.2.4"] {
        assert!(
            hrefs.iter().any(|h| h.ends_with(target)),
            "{hrefs:?} lacks {target}"
        );
    }
    let level_link = html
        .select(&select("#B\\.2\\.1 a.xref"))
        .find(|a| a.text().collect::<String>() == "一级能力要求")
        .expect("level reference");
    assert!(
        level_link
            .value()
            .attr("href")
            .is_some_and(|h| h.ends_with("/B/#B.1"))
    );
    // B.2.3 is referred to by B.2.1.
    let backlinks: Vec<String> = html
        .select(&select("#B\\.2\\.3 > .backlinks a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(backlinks, ["B.2.1"]);
    // Obligation words are marked with their force.
    assert!(annex_b.contains(r#"<span class="ob ob-shall""#));

    // 001 cites GB/T 32914—2023 clauses: a link to its normative references entry.
    let ch8 = page(site, "standards/cii-service-capability/8/index.html");
    let doc = scraper::Html::parse_document(&ch8);
    let std_link = doc
        .select(&select("a.xref-std"))
        .find(|a| a.text().collect::<String>().starts_with("GB/T 32914—2023"))
        .expect("GB/T 32914 link");
    assert!(
        std_link
            .value()
            .attr("href")
            .is_some_and(|h| h.contains("/cii-service-capability/2/#2-p"))
    );

    // Terms link to their definitions; the glossary lists them.
    let glossary = page(site, "standards/csi-grading/terms/index.html");
    assert!(glossary.contains("网络安全服务机构") && glossary.contains("#term-3.2"));
    assert!(
        site.files
            .keys()
            .any(|k| k == "standards/csi-grading/levels/J/index.html")
    );
    let levels_j = page(site, "standards/csi-grading/levels/J/index.html");
    assert!(
        levels_j.contains("class=\"level-anomaly\""),
        "J.4 is flagged as empty"
    );
}

/// 应对 is either the verb "cope with, respond to" (为应对…, 及时应对, 应对措施)
/// or 应 "shall" + the preposition 对 (应对X进行评估): in the bundled texts
/// the first is left unmarked and the second marked "shall".
#[test]
fn the_verb_yingdui_is_no_obligation_and_ying_dui_is() {
    let marked_at = |text: &Text, at: usize| {
        text.annotations
            .iter()
            .any(|a| a.range.start == at && matches!(a.kind, AnnotationKind::Obligation(_)))
    };
    let (mut verbs, mut shalls) = (Vec::new(), Vec::new());
    for slug in [
        "ccrc-isv-c01",
        "cii-service-capability",
        "cnitsec-cloud-l1",
        "csi-grading",
        "isom-self-assessment",
    ] {
        for (clause, text) in texts(document(slug, "zh")) {
            let md = &text.markdown;
            for (at, _) in md.match_indices("应对") {
                let before: String = md[..at]
                    .chars()
                    .rev()
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let after: String = md[at + "应对".len()..].chars().take(2).collect();
                let seen = format!("{slug} {clause}: …{before}[应对]{after}…");
                if before.ends_with('不') {
                    continue; // 不应 + 对: "shall not", its own word
                }
                if marked_at(text, at) {
                    shalls.push(seen);
                } else {
                    verbs.push(seen);
                }
            }
        }
    }
    for seen in &shalls {
        assert!(
            !["为[", "及时[", "具有[", "的["]
                .iter()
                .any(|w| seen.contains(w))
                && !seen.contains("[应对]措施"),
            "the verb 应对 marked \"shall\": {seen}"
        );
    }
    let verb = "the verb";
    let shall = "\"shall\"";
    for (expected, found, what) in [
        ("ccrc-isv-c01 term-3.3: …为[应对]信息", &verbs, verb),
        ("csi-grading C.4.5.2: …及时[应对]突发", &verbs, verb),
        ("csi-grading 4.5: …对象[应对]各类", &verbs, verb),
        ("cii-service-capability 7.1: …求方[应对]关键", &verbs, verb),
        (
            "cii-service-capability 8.2.1: …以及[应对]措施",
            &verbs,
            verb,
        ),
        ("csi-grading C.4.5.2: …[应对]系统", &shalls, shall),
        ("csi-grading C.3.4.1: …[应对]产品", &shalls, shall),
    ] {
        assert!(
            found.iter().any(|v| v.starts_with(expected)),
            "{expected} is {what}:\n{}",
            found.join("\n")
        );
    }
}
