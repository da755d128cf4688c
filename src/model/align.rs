//! Alignment of a translation with the normative text, by anchor.
//!
//! A translation is a second [`Document`] parsed from `content/<slug>/<lang>/`.
//! Units are matched by their language-neutral anchor, never by position in
//! the file, so a translator may split files differently from the original.

use std::collections::BTreeSet;

use super::Document;
use crate::diag::{Diagnostic, Diagnostics};

/// Reports units of the original missing from the translation, and units
/// that exist only in the translation.
pub fn check_alignment(original: &Document, translation: &Document) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let original_units = original.units();
    let translated_units = translation.units();
    let translated: BTreeSet<&str> = translated_units.iter().map(|u| u.anchor).collect();
    let originals: BTreeSet<&str> = original_units.iter().map(|u| u.anchor).collect();
    let lang = &translation.lang;
    let folder = format!("content/{}/{lang}/", original.slug);
    for unit in &original_units {
        if !translated.contains(unit.anchor) {
            diags.push(
                Diagnostic::warning(
                    unit.location.clone(),
                    format!("`{}` has no `{lang}` translation", unit.anchor),
                )
                .with_hint(format!(
                    "translate it in {folder} with the same number, marker or position so it gets the same anchor"
                )),
            );
        }
    }
    for unit in &translated_units {
        if !originals.contains(unit.anchor) {
            diags.push(
                Diagnostic::warning(
                    unit.location.clone(),
                    format!(
                        "`{}` exists only in the `{lang}` translation, not in the `{}` original",
                        unit.anchor, original.lang
                    ),
                )
                .with_hint("check its number or list marker against the original, or remove it"),
            );
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse::{SourceFile, parse_standard};

    fn doc(lang: &str, body: &str) -> Document {
        let text = format!("---\ntitle: t\nkind: standard\n---\n\n{body}");
        let files = [SourceFile {
            path: format!("{lang}.md").into(),
            text,
        }];
        let (doc, diags) = parse_standard("s", lang, &files);
        assert!(!diags.has_errors(), "{diags}");
        doc.expect("document")
    }

    #[test]
    fn matching_anchors_align_whatever_the_wording() {
        let zh = doc(
            "zh",
            "# 1 范围\n\n本文件。\n\na） 甲；\nb） 乙。\n\n# 附录 A（规范性）表\n",
        );
        let en = doc(
            "en",
            "# 1 Scope\n\nThis document.\n\na) A;\nb) B.\n\n# Annex A (normative) Table\n",
        );
        let diags = check_alignment(&zh, &en);
        assert!(diags.is_empty(), "{diags}");
    }

    #[test]
    fn missing_and_extra_units_are_reported_with_their_place() {
        let zh = doc("zh", "# 1 范围\n\na） 甲；\nb） 乙。\n");
        let en = doc("en", "# 1 Scope\n\na) A.\n\n# 2 Extra\n");
        let text = check_alignment(&zh, &en).to_string();
        assert!(
            text.contains("zh.md:9:1: warning: `1-b` has no `en` translation"),
            "{text}"
        );
        assert!(
            text.contains("en.md:10:1: warning: `2` exists only in the `en` translation"),
            "{text}"
        );
    }
}
