//! The text of a clause as compared, and the marks of what changed in it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use similar::{ChangeTag, TextDiffConfig};

use super::ClauseSide;
use crate::model::{Block, ClauseKind, Document, block_units};

/// One clause's comparable text.
#[derive(Debug, Clone)]
pub struct ClauseText {
    pub anchor: String,
    pub number: String,
    pub title: Option<String>,
    /// Title and own words, one line per unit (see the module doc).
    pub text: String,
}

impl ClauseText {
    pub fn side(&self) -> ClauseSide {
        ClauseSide {
            anchor: self.anchor.clone(),
            number: self.number.clone(),
            title: self.title.clone(),
        }
    }
}

/// Every clause of `doc` in document order, with its comparable text.
pub fn clause_texts(doc: &Document) -> Vec<ClauseText> {
    doc.all_clauses()
        .into_iter()
        .map(|clause| {
            let title = clause.title.as_ref().map(|t| t.markdown.clone());
            let mut lines: Vec<String> = Vec::new();
            lines.extend(title.clone());
            if let ClauseKind::Term { english: Some(e) } = &clause.kind {
                lines.push(e.clone());
            }
            for block in &clause.blocks {
                if let Block::Example { text } = block {
                    lines.push(text.markdown.clone());
                }
            }
            for unit in block_units(&clause.blocks) {
                if matches!(
                    unit.source,
                    crate::model::UnitSource::Block(Block::Editorial { .. })
                ) {
                    continue;
                }
                lines.push(unit.content());
            }
            ClauseText {
                anchor: clause.anchor.clone(),
                number: clause.number_text.clone(),
                title,
                text: lines.join("\n"),
            }
        })
        .collect()
}

pub fn by_anchor(texts: Vec<ClauseText>) -> BTreeMap<String, ClauseText> {
    texts.into_iter().map(|t| (t.anchor.clone(), t)).collect()
}

/// Whether a language is compared character by character (Chinese,
/// Japanese: no spaces between words) or word by word.
fn by_characters(lang: &str) -> bool {
    let base = lang.split('-').next().unwrap_or(lang);
    matches!(base, "zh" | "ja")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentKind {
    Equal,
    Inserted,
    Deleted,
}

/// A run of text that is in both editions, or only in one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Segment {
    pub kind: SegmentKind,
    pub text: String,
}

/// What changed in one language of one clause.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TextDiff {
    pub lang: String,
    /// `characters` (Chinese) or `words`: what the counts count.
    pub unit: String,
    /// Characters or words only in the new text.
    pub inserted: usize,
    /// Characters or words only in the old text.
    pub deleted: usize,
    /// The new text with the old text's deleted runs in their place; runs
    /// of the same kind are merged.
    pub segments: Vec<Segment>,
}

impl TextDiff {
    pub fn new(lang: &str, old: &str, new: &str) -> TextDiff {
        let characters = by_characters(lang);
        let config = TextDiffConfig::default();
        let diff = if characters {
            config.diff_chars(old, new)
        } else {
            config.diff_words(old, new)
        };
        let mut segments: Vec<Segment> = Vec::new();
        let (mut inserted, mut deleted) = (0, 0);
        for change in diff.iter_all_changes() {
            let kind = match change.tag() {
                ChangeTag::Equal => SegmentKind::Equal,
                ChangeTag::Insert => SegmentKind::Inserted,
                ChangeTag::Delete => SegmentKind::Deleted,
            };
            let value = change.value();
            // Word diffs keep white space as tokens; it is not a word.
            let counted = usize::from(characters || !value.trim().is_empty());
            match kind {
                SegmentKind::Inserted => inserted += counted,
                SegmentKind::Deleted => deleted += counted,
                SegmentKind::Equal => {}
            }
            match segments.last_mut() {
                Some(last) if last.kind == kind => last.text.push_str(value),
                _ => segments.push(Segment {
                    kind,
                    text: value.to_string(),
                }),
            }
        }
        TextDiff {
            lang: lang.to_string(),
            unit: if characters { "characters" } else { "words" }.to_string(),
            inserted,
            deleted,
            segments,
        }
    }
}

/// How much of two texts is in common, as (common characters × 2, total
/// characters): compared with a percentage in integers, never as a float.
pub fn overlap(old: &str, new: &str) -> (usize, usize) {
    let total = old.chars().count() + new.chars().count();
    if total == 0 {
        return (0, 0);
    }
    let diff = TextDiffConfig::default().diff_chars(old, new);
    let common: usize = diff
        .ops()
        .iter()
        .map(|op| match op {
            similar::DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum();
    (common * 2, total)
}

/// `overlap` as a whole percentage, rounded down.
pub fn percent((common, total): (usize, usize)) -> u32 {
    if total == 0 {
        return 100;
    }
    u32::try_from(common * 100 / total).unwrap_or(100)
}
