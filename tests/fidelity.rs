//! Fidelity: every fragment of the normative Chinese text of each source
//! document is on the built site, verbatim.
//!
//! The sources are the plain-text extractions in tests/fidelity/sources
//! (copied unchanged from the shared sources). Each tests/fidelity/*.yaml
//! lists, with a reason, the extraction artefacts that are not text:
//! dropped lines, stripped prefixes, merged cells to split. Everything else
//! is cut into fragments at line ends and at 。；！？, whitespace removed, and
//! each fragment must be a substring of the site's text for that standard.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    source: String,
    slug: String,
    /// Only this line range of the source is checked by this file.
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    drop: Vec<Drop>,
    #[serde(default)]
    strip: Vec<Strip>,
    #[serde(default)]
    split: Vec<Split>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Drop {
    #[serde(default)]
    lines: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[allow(dead_code)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Strip {
    pattern: String,
    #[serde(default)]
    lines: Option<String>,
    #[allow(dead_code)]
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Split {
    line: usize,
    at: String,
    #[allow(dead_code)]
    reason: String,
}

fn range(spec: &str) -> (usize, usize) {
    let (a, b) = spec.split_once('-').unwrap_or((spec, spec));
    (
        a.trim().parse().expect("range start"),
        b.trim().parse().expect("range end"),
    )
}

fn in_range(range_spec: &Option<String>, line: usize) -> bool {
    range_spec.as_ref().is_none_or(|r| {
        let (a, b) = range(r);
        (a..=b).contains(&line)
    })
}

/// Fragments of the source that must be on the site, with their line numbers.
fn fragments(spec: &Spec, source: &str) -> Vec<(usize, String)> {
    let bookmark = Regex::new(r"\[bookmark: [^\]]*\]").expect("regex");
    let drop_patterns: Vec<Regex> = spec
        .drop
        .iter()
        .filter_map(|d| d.pattern.as_deref())
        .map(|p| Regex::new(p).expect("drop pattern"))
        .collect();
    let strips: Vec<(Regex, &Option<String>)> = spec
        .strip
        .iter()
        .map(|s| (Regex::new(&s.pattern).expect("strip pattern"), &s.lines))
        .collect();
    let mut out = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        let n = i + 1;
        if !in_range(&spec.scope, n) {
            continue;
        }
        let dropped_by_range = spec
            .drop
            .iter()
            .filter_map(|d| d.lines.as_ref())
            .any(|r| in_range(&Some(r.clone()), n));
        if dropped_by_range || drop_patterns.iter().any(|p| p.is_match(raw)) {
            continue;
        }
        let mut line = bookmark.replace_all(raw, "").into_owned();
        for (pattern, lines) in &strips {
            if in_range(lines, n) {
                line = pattern.replace_all(&line, "").into_owned();
            }
        }
        let mut parts = vec![line];
        for split in spec.split.iter().filter(|s| s.line == n) {
            parts = parts
                .into_iter()
                .flat_map(|p| match p.find(&split.at) {
                    Some(at) => vec![p[..at].to_string(), p[at..].to_string()],
                    None => panic!("{}:{n}: split text `{}` not found", spec.source, split.at),
                })
                .collect();
        }
        for part in parts {
            for fragment in part.split_inclusive(['。', '；', '！', '？']) {
                let compact: String = fragment.chars().filter(|c| !c.is_whitespace()).collect();
                if !compact.is_empty() {
                    out.push((n, compact));
                }
            }
        }
    }
    out
}

#[test]
fn every_sentence_of_every_source_is_on_the_site() {
    let site = common::bundled_site();
    let dir = common::repo_root().join("tests/fidelity");
    let mut site_text: BTreeMap<String, String> = BTreeMap::new();
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut missing = Vec::new();
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fidelity folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 5, "one fidelity file per source at least");
    for path in specs {
        let text = std::fs::read_to_string(&path).expect("read spec");
        let spec: Spec =
            dengji::yaml::from_file_text(&text, &path).unwrap_or_else(|d| panic!("{d}"));
        let source = std::fs::read_to_string(Path::new(&dir).join("sources").join(&spec.source))
            .expect("source file");
        let haystack = site_text.entry(spec.slug.clone()).or_insert_with(|| {
            let prefix = format!("standards/{}/", spec.slug);
            site.files
                .iter()
                .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with(".html"))
                .map(|(_, bytes)| common::main_text(&String::from_utf8_lossy(bytes)))
                .collect::<String>()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        });
        assert!(!haystack.is_empty(), "no pages for {}", spec.slug);
        let frags = fragments(&spec, &source);
        let total = totals.entry(spec.source.clone()).or_default();
        for (line, fragment) in frags {
            total.0 += 1;
            if haystack.contains(&fragment) {
                total.1 += 1;
            } else {
                missing.push(format!("{}:{line}: `{fragment}`", spec.source));
            }
        }
    }
    for (source, (all, found)) in &totals {
        eprintln!(
            "fidelity {source}: {found}/{all} fragments on the site ({:.2}%)",
            *found as f64 * 100.0 / *all as f64
        );
    }
    assert_eq!(totals.len(), 5, "all five sources are covered");
    assert!(
        missing.is_empty(),
        "{} fragment(s) of the sources are not on the site:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
