//! Property tests: the parsers that read what contributors write never
//! panic, whatever they are given. Four readers: the YAML loader (registry
//! files and the value locator), the clause-structure parser of standards,
//! the reference-phrase grammar, and `serve`'s URL path decoder.
//!
//! CI runs a short pass (the default below). A long run:
//! `PROPTEST_CASES=100000 cargo test --release --test properties`
//! (README, "Reliability", gives its last figure).

mod common;

use std::path::Path;

use proptest::prelude::*;

use dengji::model::parse::{SourceFile, parse_standard};
use dengji::resolve::grammar::{Phrase, Target, find_phrases};

/// Cases per property when `PROPTEST_CASES` is not set.
const SHORT_RUN: u32 = 300;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(SHORT_RUN);
    ProptestConfig {
        cases,
        // Shrunk failures are printed; no regression files in the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text made of the pieces a file of the given kind is made of, in any
/// order: closer to real input than random characters, so the parsers go
/// deep.
fn soup(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(pieces).prop_map(str::to_string),
            1 => any::<char>().prop_map(|c| c.to_string()),
            1 => "[a-z0-9 ]{0,6}",
            1 => "[\u{4e00}-\u{4e20}]{1,3}",
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

const YAML_PIECES: &[&str] = &[
    "\n",
    "  ",
    "- ",
    ": ",
    "names:",
    "zh: ",
    "en: ",
    "credit_code: ",
    "91620102MA16LLXDEP",
    "region: ",
    "gansu",
    "founded: ",
    "2017-08-14",
    "2025-02-29",
    "evidence:",
    "staff: ",
    "11",
    "-1",
    "1e400",
    ".inf",
    ".nan",
    "certificates:",
    "standard: ",
    "ccrc-isv-c01",
    "level: ",
    "二级",
    "number: ",
    "events:",
    "{date: 2024-07-31, type: issued}",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!binary ",
    "!tag ",
    "? ",
    "|\n",
    ">\n",
    "\"",
    "'",
    "#",
    "---\n",
    "...\n",
    "\t",
    "\r\n",
    "public: false",
    "value: ",
    "website: ",
    "javascript:x",
    "https://x.example",
];

const MARKDOWN_PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "# ",
    "## ",
    "### ",
    "1 ",
    "7.1 ",
    "7.1.4 ",
    "B.2.2 ",
    "附录A",
    "附录B",
    "（规范性）",
    "a）",
    "b）",
    "1)",
    "——",
    "注：",
    "注1：",
    "示例：",
    "::: table 表1 标题\n",
    "::: formula (1)\n",
    "::: figure 图1\n",
    "::: editorial\n",
    "::: checklist\n",
    ":::\n",
    "| a | b |\n",
    "|---|---|\n",
    "| ^ | < |\n",
    "$x^2$",
    "$a^b^c$",
    "\\frac{1}{2}",
    "见第 5 章",
    "按照第 8.1 条",
    "还应满足B.2.2～B.2.4的要求",
    "GB/T 30271",
    "[链接](ref:7.1)",
    "**粗**",
    "<br>",
    "<script>",
    "{#anchor}",
    "应",
    "宜",
    "可",
    "shall",
    "一级",
    "二级",
    "三级",
];

const PHRASE_PIECES: &[&str] = &[
    "第",
    "章",
    "条",
    "节",
    "项",
    "款",
    "附录",
    "表",
    "图",
    "5",
    "7.1",
    "8.1",
    "B.2.2",
    "B.2.4",
    "C",
    "a）",
    "b)",
    "～",
    "~",
    "至",
    "to",
    "–",
    "、",
    "和",
    "及",
    "与",
    "以及",
    "或",
    ",",
    "and",
    "or",
    "of",
    "Clause ",
    "Annex ",
    "Table ",
    "Figure ",
    "item ",
    "GB/T ",
    "32914",
    "—2023",
    "的",
    "一",
    "二",
    "五",
    "级",
    "能力",
    "保护",
    "要求",
    "Level ",
    "capability ",
    " ",
    "见",
    "按照",
    "还应满足",
    "（",
    "）",
    "\u{3000}",
    "第64～71项",
    "规范性附录B-M",
];

fn front_matter() -> &'static str {
    "---\ntitle: 标准\nkind: specification\nlevels: [一级, 二级]\n---\n"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn registry_files_never_panic(text in prop_oneof![soup(YAML_PIECES), any::<String>()]) {
        let _ = dengji::registry::parse(Path::new("registry/case.yaml"), text);
    }

    #[test]
    fn edits_of_a_real_registry_file_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = std::fs::read(common::repo_root().join("registry/guifan-cyber.yaml"))
            .expect("read");
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = dengji::registry::parse(Path::new("registry/case.yaml"), text);
    }

    #[test]
    fn the_value_locator_never_panics(
        text in soup(YAML_PIECES),
        path in prop::collection::vec(prop_oneof![
            "[a-z_]{1,8}".prop_map(dengji::yaml::Step::Key),
            (0usize..4).prop_map(dengji::yaml::Step::Index),
        ], 0..4),
    ) {
        if let Some((line, column)) = dengji::yaml::locate(&text, &path) {
            prop_assert!(line >= 1 && column >= 1);
        }
    }

    #[test]
    fn the_clause_parser_never_panics(body in prop_oneof![soup(MARKDOWN_PIECES), any::<String>()]) {
        let files = [SourceFile {
            path: "content/s/zh/00.md".into(),
            text: format!("{}{body}", front_matter()),
        }];
        let (doc, diagnostics) = parse_standard("s", "zh", &files);
        // Whatever went wrong is located in the file that was read.
        for d in diagnostics.iter() {
            prop_assert!(d.location.file.ends_with("00.md") || d.location.file.ends_with(".md"));
            prop_assert!(d.location.line >= 1);
        }
        if let Some(doc) = doc {
            // Every unit has an anchor that is safe in a URL fragment.
            for unit in doc.units() {
                prop_assert!(!unit.anchor.contains(['<', '>', '"', ' ', '#']), "{}", unit.anchor);
            }
        }
    }

    #[test]
    fn the_reference_grammar_never_panics_and_stays_in_bounds(
        text in prop_oneof![soup(PHRASE_PIECES), any::<String>()]
    ) {
        let phrases = find_phrases(&text);
        let mut last_end = 0;
        for phrase in &phrases {
            let range = phrase.range();
            prop_assert!(range.start <= range.end && range.end <= text.len());
            prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
            prop_assert!(range.start >= last_end, "phrases do not overlap");
            last_end = range.end;
            let inner: Vec<std::ops::Range<usize>> = match phrase {
                Phrase::Local { targets, .. } => targets
                    .iter()
                    .flat_map(|t| match t {
                        Target::Single(p) => vec![p.range.clone()],
                        Target::Range { from, to } => vec![from.range.clone(), to.range.clone()],
                    })
                    .collect(),
                Phrase::External { code, clauses, .. } => {
                    std::iter::once(code.clone()).chain(clauses.iter().cloned()).collect()
                }
            };
            for piece in inner {
                prop_assert!(piece.start >= range.start && piece.end <= range.end);
                prop_assert!(text.is_char_boundary(piece.start) && text.is_char_boundary(piece.end));
            }
        }
    }

    #[test]
    fn the_serve_path_decoder_never_panics_and_round_trips(
        raw in any::<String>(),
        plain in "[^%]{0,40}",
    ) {
        let _ = dengji::serve::decode_path(&raw);
        prop_assert_eq!(dengji::serve::decode_path(&plain), Some(plain.clone()));
        let encoded: String = plain.bytes().map(|b| format!("%{b:02X}")).collect();
        prop_assert_eq!(dengji::serve::decode_path(&encoded), Some(plain));
    }
}
