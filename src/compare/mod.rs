//! Clause-aligned comparison of two editions of a standard (`dengji
//! compare`): which clauses were added, removed, changed or renumbered,
//! what changed inside each (characters for Chinese, words for other
//! languages), and how the grading rules changed. A pure function of the
//! two editions' models and rules.
//!
//! Clauses are matched in this order, each step taking only clauses the
//! steps before left unmatched:
//! 1. the same anchor and the same text: unchanged;
//! 2. the same text under another number, when that text occurs once in
//!    each edition: renumbered (moved);
//! 3. the same anchor and similar text (at least half of the characters in
//!    common): changed;
//! 4. similar text under another number (at least 60% in common), most
//!    similar pairs first: renumbered and changed;
//! 5. the same anchor whatever the text: changed (rewritten);
//! 6. what is left: removed from the old edition, added in the new.
//!
//! A clause's text is its title and the words of its own paragraphs, list
//! items, notes, tables, figures and formulas, not its number (so that
//! renumbering alone is no change) and not editorial notes (ours, not the
//! standard's).

mod align;
pub mod format;
mod rules;
mod text;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::Document;
use crate::rules::Scheme;

pub use rules::{FieldChange, RequirementChange, RulesComparison};
pub use text::{Segment, SegmentKind, TextDiff};

/// One edition as the comparison reads it.
pub struct EditionText<'a> {
    /// The edition's label (`2023`).
    pub label: &'a str,
    pub original: &'a Document,
    /// Its translations; a language both editions have is compared too.
    pub translations: Vec<&'a Document>,
    pub scheme: Option<&'a Scheme>,
}

/// Two editions of one standard, clause by clause.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Comparison {
    /// The standard's slug.
    pub standard: String,
    /// The older edition's label.
    pub old: String,
    /// The newer edition's label.
    pub new: String,
    pub summary: Summary,
    /// Every clause of either edition, in the new edition's order; a removed
    /// clause follows the clause that came before it in the old edition.
    pub clauses: Vec<ClauseComparison>,
    pub rules: RulesComparison,
}

/// Counts of each kind of change.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct Summary {
    pub unchanged: usize,
    pub added: usize,
    pub removed: usize,
    /// Clauses whose text changed (renumbered or not).
    pub changed: usize,
    /// Clauses matched under another number (changed or not).
    pub renumbered: usize,
    /// Requirements of the grading rules added, removed or changed.
    pub requirements_changed: usize,
    /// Other changes to the rules (levels, categories, scores, lifecycle).
    pub other_rule_changes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Unchanged,
    Added,
    Removed,
    Changed,
}

/// How a clause of the old edition was found in the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// The same anchor (number).
    Anchor,
    /// The same text, found once in each edition.
    IdenticalText,
    /// Similar text under another number.
    SimilarText,
}

/// A clause as one edition has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ClauseSide {
    pub anchor: String,
    /// The number as printed (`5.2`, `附录 A`); empty for unnumbered sections.
    pub number: String,
    /// The title in the original language, if the clause has one.
    pub title: Option<String>,
}

impl ClauseSide {
    /// The number as printed, or the anchor of an unnumbered section.
    pub fn number_or_anchor(&self) -> &str {
        if self.number.is_empty() {
            &self.anchor
        } else {
            &self.number
        }
    }

    /// Number and `title` (the clause's own, or a translation's); an
    /// unnumbered section (前言) by its title alone.
    pub fn heading(&self, title: Option<&str>) -> String {
        match (self.number.is_empty(), title) {
            (true, Some(title)) => title.to_string(),
            (false, Some(title)) => format!("{} {title}", self.number),
            (_, None) => self.number_or_anchor().to_string(),
        }
    }
}

/// One clause across the two editions.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClauseComparison {
    pub change: Change,
    /// `true` when the clause has another anchor in the new edition.
    pub renumbered: bool,
    /// `null` for an added clause.
    pub old: Option<ClauseSide>,
    /// `null` for a removed clause.
    pub new: Option<ClauseSide>,
    /// `null` for an added or removed clause.
    pub matched_by: Option<MatchedBy>,
    /// Share of the old text's and new text's characters in common, in
    /// whole percent (rounded down); 100 for identical text.
    pub similarity_percent: u32,
    /// The text's changes per language, the original first; empty for an
    /// unchanged clause. Added and removed clauses have their whole text.
    pub text: Vec<TextDiff>,
}

/// Compares two editions of one standard.
pub fn compare(slug: &str, old: &EditionText, new: &EditionText) -> Comparison {
    let old_clauses = text::clause_texts(old.original);
    let new_clauses = text::clause_texts(new.original);
    let pairs = align::align(&old_clauses, &new_clauses);
    let languages = shared_translations(old, new);
    let old_translated: Vec<_> = languages
        .iter()
        .map(|(lang, a, _)| (lang.as_str(), text::by_anchor(text::clause_texts(a))))
        .collect();
    let new_translated: Vec<_> = languages
        .iter()
        .map(|(lang, _, b)| (lang.as_str(), text::by_anchor(text::clause_texts(b))))
        .collect();
    let original_lang = new.original.lang.as_str();
    let mut summary = Summary::default();
    let mut clauses = Vec::new();
    for pair in &pairs {
        let a = pair.old.map(|i| &old_clauses[i]);
        let b = pair.new.map(|i| &new_clauses[i]);
        let change = match (a, b) {
            (Some(a), Some(b)) if a.text == b.text => Change::Unchanged,
            (Some(_), Some(_)) => Change::Changed,
            (Some(_), None) => Change::Removed,
            (None, _) => Change::Added,
        };
        let renumbered = matches!((a, b), (Some(a), Some(b)) if a.anchor != b.anchor);
        match change {
            Change::Unchanged => summary.unchanged += 1,
            Change::Added => summary.added += 1,
            Change::Removed => summary.removed += 1,
            Change::Changed => summary.changed += 1,
        }
        summary.renumbered += usize::from(renumbered);
        let mut diffs = Vec::new();
        if change != Change::Unchanged {
            diffs.push(TextDiff::new(
                original_lang,
                a.map(|c| c.text.as_str()).unwrap_or(""),
                b.map(|c| c.text.as_str()).unwrap_or(""),
            ));
            for ((lang, old_map), (_, new_map)) in old_translated.iter().zip(&new_translated) {
                let old_text = a.and_then(|c| old_map.get(c.anchor.as_str()));
                let new_text = b.and_then(|c| new_map.get(c.anchor.as_str()));
                if old_text.is_none() && new_text.is_none() {
                    continue;
                }
                diffs.push(TextDiff::new(
                    lang,
                    old_text.map(|c| c.text.as_str()).unwrap_or(""),
                    new_text.map(|c| c.text.as_str()).unwrap_or(""),
                ));
            }
        }
        clauses.push(ClauseComparison {
            change,
            renumbered,
            old: a.map(text::ClauseText::side),
            new: b.map(text::ClauseText::side),
            matched_by: pair.matched_by,
            similarity_percent: pair.similarity_percent,
            text: diffs,
        });
    }
    let renumbering = align::anchor_map(&old_clauses, &new_clauses, &pairs);
    let rules = rules::compare(old.scheme, new.scheme, &renumbering);
    summary.requirements_changed = rules.requirements.len();
    summary.other_rule_changes = rules.other.len();
    Comparison {
        standard: slug.to_string(),
        old: old.label.to_string(),
        new: new.label.to_string(),
        summary,
        clauses,
        rules,
    }
}

/// Why two editions cannot be compared, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotComparable {
    pub message: String,
    pub hint: String,
}

/// Compares editions `old` and `new` (labels) of the standard `slug` in an
/// analysed site.
pub fn between(
    analysis: &crate::Analysis,
    slug: &str,
    old: &str,
    new: &str,
) -> Result<Comparison, NotComparable> {
    let Some(original) = analysis.documents.iter().find(|d| d.slug == slug) else {
        let slugs: Vec<&str> = analysis.documents.iter().map(|d| d.slug.as_str()).collect();
        return Err(NotComparable {
            message: format!("there is no standard `{slug}`"),
            hint: format!(
                "give a standard's folder name under content/: {}",
                slugs.join(", ")
            ),
        });
    };
    let Some(set) = analysis.editions.get(slug) else {
        return Err(NotComparable {
            message: format!(
                "`{slug}` has one edition{}, so there is nothing to compare it with",
                original
                    .front
                    .edition
                    .as_ref()
                    .map(|e| format!(" (`{e}`)"))
                    .unwrap_or_default()
            ),
            hint: format!(
                "an older edition goes in content/{slug}/editions/<label>/, laid out like the standard's folder (docs/content-format.md, \"Editions\"); if it is there, `dengji check` says why it was not read"
            ),
        });
    };
    let labels = set.labels();
    if old == new {
        return Err(NotComparable {
            message: format!("comparing edition `{old}` of `{slug}` with itself"),
            hint: format!(
                "name two different editions, the older first: {}",
                labels.join(", ")
            ),
        });
    }
    let edition = |label: &str| -> Result<EditionText<'_>, NotComparable> {
        if label == set.current {
            return Ok(EditionText {
                label: &set.current,
                original,
                translations: analysis
                    .translations
                    .iter()
                    .filter(|t| t.slug == slug)
                    .collect(),
                scheme: analysis.schemes.get(slug),
            });
        }
        let Some(older) = set.older.iter().find(|e| e.id == label) else {
            return Err(NotComparable {
                message: format!("`{slug}` has no edition `{label}`"),
                hint: format!("its editions, oldest first: {}", labels.join(", ")),
            });
        };
        Ok(EditionText {
            label: &older.id,
            original: &older.original,
            translations: older.translations.iter().collect(),
            scheme: older.scheme.as_ref(),
        })
    };
    Ok(compare(slug, &edition(old)?, &edition(new)?))
}

/// Every edition of every standard compared with the edition before it
/// (oldest pair first), for the changes pages.
pub fn successive(analysis: &crate::Analysis) -> Vec<Comparison> {
    let mut out = Vec::new();
    for (slug, set) in &analysis.editions.sets {
        for pair in set.labels().windows(2) {
            if let Ok(c) = between(analysis, slug, pair[0], pair[1]) {
                out.push(c);
            }
        }
    }
    out
}

/// Translation languages both editions have, sorted, with each side's document.
fn shared_translations<'a>(
    old: &EditionText<'a>,
    new: &EditionText<'a>,
) -> Vec<(String, &'a Document, &'a Document)> {
    let mut out: Vec<_> = new
        .translations
        .iter()
        .filter_map(|b| {
            let a = old.translations.iter().find(|a| a.lang == b.lang)?;
            Some((b.lang.clone(), *a, *b))
        })
        .collect();
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

#[cfg(test)]
mod tests;
