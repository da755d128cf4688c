//! Alignment of a translation with the normative text, by anchor.
//!
//! A translation is a second [`Document`](crate::model::Document) parsed from
//! `content/<slug>/<lang>/`. Units are matched by their language-neutral
//! anchor, never by position in the file, so a translator may split files
//! differently from the original.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Unit;

/// Units of an original and a translation, matched by anchor.
pub struct Alignment<'a> {
    /// (original, translation), in the original's order.
    pub pairs: Vec<(Unit<'a>, Unit<'a>)>,
    /// Units of the original with no translation.
    pub missing: Vec<Unit<'a>>,
    /// Units only the translation has.
    pub extra: Vec<Unit<'a>>,
}

pub fn align<'a>(original: &[Unit<'a>], translation: &[Unit<'a>]) -> Alignment<'a> {
    let translated: BTreeMap<&str, Unit<'a>> = translation.iter().map(|u| (u.anchor, *u)).collect();
    let originals: BTreeMap<&str, Unit<'a>> = original.iter().map(|u| (u.anchor, *u)).collect();
    let mut alignment = Alignment {
        pairs: Vec::new(),
        missing: Vec::new(),
        extra: Vec::new(),
    };
    for unit in original {
        match translated.get(unit.anchor) {
            Some(t) => alignment.pairs.push((*unit, *t)),
            None => alignment.missing.push(*unit),
        }
    }
    alignment.extra = translation
        .iter()
        .filter(|u| !originals.contains_key(u.anchor))
        .copied()
        .collect();
    alignment
}

/// Warnings for units missing from the translation and units that exist
/// only in it.
pub fn diagnostics(
    alignment: &Alignment,
    slug: &str,
    original_lang: &str,
    lang: &str,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let folder = format!("content/{slug}/{lang}/");
    for unit in &alignment.missing {
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
    for unit in &alignment.extra {
        diags.push(
            Diagnostic::warning(
                unit.location.clone(),
                format!(
                    "`{}` exists only in the `{lang}` translation, not in the `{original_lang}` original",
                    unit.anchor
                ),
            )
            .with_hint("check its number or list marker against the original, or remove it"),
        );
    }
    diags
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Document;
    use crate::model::parse::{SourceFile, parse_standard};

    pub(crate) fn doc(lang: &str, body: &str) -> Document {
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
        let (zh_units, en_units) = (zh.units(), en.units());
        let alignment = align(&zh_units, &en_units);
        assert!(alignment.missing.is_empty() && alignment.extra.is_empty());
        assert_eq!(alignment.pairs.len(), zh_units.len());
    }

    #[test]
    fn missing_and_extra_units_are_reported_with_their_place() {
        let zh = doc("zh", "# 1 范围\n\na） 甲；\nb） 乙。\n");
        let en = doc("en", "# 1 Scope\n\na) A.\n\n# 2 Extra\n");
        let (zh_units, en_units) = (zh.units(), en.units());
        let text = diagnostics(&align(&zh_units, &en_units), "s", "zh", "en").to_string();
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
