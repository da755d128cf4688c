//! The page of an edition's changes (`standards/<slug>/editions/<new>/changes/`):
//! the comparison of `crate::compare` with the edition before, clause by
//! clause, unchanged runs folded, and the grading rules' changes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::{Change, ClauseComparison, ClauseSide, Comparison, MatchedBy, SegmentKind};

#[derive(Serialize)]
pub struct ChangesView {
    pub old: String,
    pub new: String,
    pub summary: String,
    /// The new edition's foreword's list of technical changes, each item
    /// linking the clauses it cites to their rows here.
    pub technical: Vec<TechnicalView>,
    /// Changed rows and folded runs of unchanged clauses, in order.
    pub blocks: Vec<BlockView>,
    pub graded: bool,
    pub requirements: Vec<RequirementView>,
    pub other_rules: Vec<String>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockView {
    Row(RowView),
    Unchanged {
        label: String,
        clauses: Vec<ClauseLinkView>,
    },
}

#[derive(Serialize)]
pub struct TechnicalView {
    pub text: String,
    pub links: Vec<ClauseLinkView>,
}

#[derive(Serialize)]
pub struct ClauseLinkView {
    pub label: String,
    /// The label's language when it is not the page's.
    pub lang: Option<String>,
    pub url: Option<String>,
}

impl ChangesContext<'_> {
    /// A clause's heading in the page's language where possible.
    fn label(&self, side: &ClauseSide, in_new: bool) -> (String, Option<String>) {
        if self.original_tag.is_some()
            && in_new
            && let Some(title) = (self.translated_title)(&side.anchor)
        {
            return (side.heading(Some(&title)), None);
        }
        (
            side.heading(side.title.as_deref()),
            self.original_tag.map(str::to_string),
        )
    }
}

#[derive(Serialize)]
pub struct RowView {
    /// `added`, `removed`, `changed` or `renumbered` (a CSS class too).
    pub kind: &'static str,
    pub kind_label: String,
    pub anchor: String,
    /// The clause's number and title in the new edition (the old one if removed).
    pub heading: String,
    /// The heading's language when it is not the page's.
    pub heading_lang: Option<String>,
    pub url: Option<String>,
    /// "Renumbered from 6.4 (same text)" and the like.
    pub note: Option<String>,
    pub diffs: Vec<DiffView>,
}

#[derive(Serialize)]
pub struct DiffView {
    pub lang_tag: String,
    pub lang_name: String,
    pub counts: String,
    pub segments: Vec<SegmentView>,
}

#[derive(Serialize)]
pub struct SegmentView {
    /// `equal`, `inserted` or `deleted`.
    pub kind: &'static str,
    pub text: String,
}

#[derive(Serialize)]
pub struct RequirementView {
    /// The requirement on the grading rules page, unless it was removed.
    pub url: Option<String>,
    pub kind_label: String,
    pub kind: &'static str,
    pub name: String,
    pub summary: Option<String>,
    pub fields: Vec<String>,
}

/// What the page needs besides the comparison.
pub struct ChangesContext<'a> {
    pub strings: &'a BTreeMap<String, String>,
    /// The page's language: the original's diff is always shown, a
    /// translation's only on pages in its language.
    pub lang: &'a str,
    pub original_lang: &'a str,
    /// BCP 47 tag and name of each language.
    pub tags: &'a BTreeMap<String, String>,
    pub names: &'a BTreeMap<String, String>,
    /// The address of a clause of the new edition, if it has pages.
    pub clause_url: &'a dyn Fn(&str) -> Option<String>,
    /// A clause's title in the page's language, where the new edition's
    /// translation has it; otherwise the original's title is shown, marked
    /// with `original_tag`.
    pub translated_title: &'a dyn Fn(&str) -> Option<String>,
    /// The address of a requirement of the new edition on its grading
    /// rules page (part, id), if it has one.
    pub rule_url: &'a dyn Fn(&str, &str) -> Option<String>,
    /// The original's BCP 47 tag when the page is in another language.
    pub original_tag: Option<&'a str>,
}

impl ChangesContext<'_> {
    fn t(&self, key: &str) -> String {
        self.strings.get(key).cloned().unwrap_or_default()
    }
}

pub fn changes(c: &Comparison, cx: &ChangesContext) -> ChangesView {
    let s = &c.summary;
    let summary = cx
        .t("changes_summary")
        .replace("{changed}", &s.changed.to_string())
        .replace("{added}", &s.added.to_string())
        .replace("{removed}", &s.removed.to_string())
        .replace("{renumbered}", &s.renumbered.to_string())
        .replace("{unchanged}", &s.unchanged.to_string());
    let mut blocks = Vec::new();
    let mut folded: Vec<ClauseLinkView> = Vec::new();
    let flush = |folded: &mut Vec<ClauseLinkView>, blocks: &mut Vec<BlockView>| {
        if folded.is_empty() {
            return;
        }
        let key = if folded.len() == 1 {
            "changes_unchanged_one"
        } else {
            "changes_unchanged_run"
        };
        blocks.push(BlockView::Unchanged {
            label: cx.t(key).replace("{count}", &folded.len().to_string()),
            clauses: std::mem::take(folded),
        });
    };
    for clause in &c.clauses {
        if clause.change == Change::Unchanged && !clause.renumbered {
            if let Some(side) = &clause.new {
                let (label, lang) = cx.label(side, true);
                folded.push(ClauseLinkView {
                    label,
                    lang,
                    url: (cx.clause_url)(&side.anchor),
                });
            }
            continue;
        }
        flush(&mut folded, &mut blocks);
        blocks.extend(row(clause, cx).map(BlockView::Row));
    }
    flush(&mut folded, &mut blocks);
    let requirements = c
        .rules
        .requirements
        .iter()
        .map(|r| {
            let (kind, key) = match r.change {
                Change::Added => ("added", "changes_added"),
                Change::Removed => ("removed", "changes_removed"),
                _ => ("changed", "changes_changed"),
            };
            let clause = match (&r.old_clause, &r.new_clause) {
                (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                (_, Some(b)) => b.clone(),
                (Some(a), None) => a.clone(),
                (None, None) => String::new(),
            };
            let level = r.level.clone().unwrap_or_else(|| cx.t("rules_all_levels"));
            RequirementView {
                url: (r.change != Change::Removed)
                    .then(|| (cx.rule_url)(&r.part, &r.id))
                    .flatten(),
                kind_label: cx.t(key),
                kind,
                name: format!("{} · {level} · {} ({clause})", r.part, r.id),
                summary: if cx.lang == "en" {
                    r.summary_en.clone().or(r.summary_zh.clone())
                } else {
                    r.summary_zh.clone().or(r.summary_en.clone())
                },
                fields: r.fields.iter().map(ToString::to_string).collect(),
            }
        })
        .collect();
    ChangesView {
        old: c.old.clone(),
        new: c.new.clone(),
        summary,
        technical: Vec::new(),
        blocks,
        graded: c.rules.graded,
        requirements,
        other_rules: c.rules.other.iter().map(ToString::to_string).collect(),
    }
}

fn row(clause: &ClauseComparison, cx: &ChangesContext) -> Option<RowView> {
    let side = clause.new.as_ref().or(clause.old.as_ref())?;
    let (kind, key) = match clause.change {
        Change::Added => ("added", "changes_added"),
        Change::Removed => ("removed", "changes_removed"),
        Change::Changed => ("changed", "changes_changed"),
        Change::Unchanged => ("renumbered", "changes_renumbered"),
    };
    let note = match (&clause.old, clause.renumbered) {
        (Some(old), true) => {
            let how = match clause.matched_by {
                Some(MatchedBy::IdenticalText) => cx.t("changes_same_text"),
                _ => cx
                    .t("changes_similar_text")
                    .replace("{percent}", &clause.similarity_percent.to_string()),
            };
            Some(
                cx.t("changes_was")
                    .replace("{number}", old.number_or_anchor())
                    .replace("{how}", &how),
            )
        }
        _ => None,
    };
    let diffs = clause
        .text
        .iter()
        .filter(|d| d.lang == cx.original_lang || d.lang == cx.lang)
        .map(|d| DiffView {
            lang_tag: cx
                .tags
                .get(&d.lang)
                .cloned()
                .unwrap_or_else(|| d.lang.clone()),
            lang_name: cx
                .names
                .get(&d.lang)
                .cloned()
                .unwrap_or_else(|| d.lang.clone()),
            counts: if d.lang != cx.original_lang
                && clause.change == Change::Changed
                && d.inserted + d.deleted == 0
            {
                // The original changed, its translation did not.
                cx.t("changes_translation_unchanged")
            } else {
                cx.t(if d.unit == "characters" {
                    "changes_counts_characters"
                } else {
                    "changes_counts_words"
                })
                .replace("{inserted}", &d.inserted.to_string())
                .replace("{deleted}", &d.deleted.to_string())
            },
            segments: d
                .segments
                .iter()
                .map(|s| SegmentView {
                    kind: match s.kind {
                        SegmentKind::Equal => "equal",
                        SegmentKind::Inserted => "inserted",
                        SegmentKind::Deleted => "deleted",
                    },
                    text: s.text.clone(),
                })
                .collect(),
        })
        .collect();
    let (heading, heading_lang) = cx.label(side, clause.new.is_some());
    Some(RowView {
        kind,
        kind_label: cx.t(key),
        // A removed clause's number may belong to another clause now.
        anchor: if clause.change == Change::Removed {
            format!("removed-{}", side.anchor)
        } else {
            side.anchor.clone()
        },
        heading,
        heading_lang,
        url: clause.new.as_ref().and_then(|n| (cx.clause_url)(&n.anchor)),
        note,
        diffs,
    })
}

/// The list items of the new edition's foreword (`foreword`), the list of
/// technical changes a revision's foreword gives, each with the clauses it
/// cites: a link to the clause's row on this page when it has one
/// (`rows`), else to the clause.
pub fn technical_changes(
    new: &crate::model::Document,
    rows: &std::collections::BTreeSet<String>,
    clause_url: &dyn Fn(&str) -> Option<String>,
) -> Vec<TechnicalView> {
    use crate::model::{AnnotationKind, Block};
    let Some(foreword) = new.clauses.iter().find(|c| c.anchor == "foreword") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for block in &foreword.blocks {
        let Block::List { items } = block else {
            continue;
        };
        for item in items {
            let mut anchors: Vec<&str> = Vec::new();
            for a in &item.text.annotations {
                match &a.kind {
                    AnnotationKind::Ref { anchor } => anchors.push(anchor),
                    AnnotationKind::Range { members, .. } => {
                        anchors.extend(members.iter().map(String::as_str));
                    }
                    _ => {}
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            anchors.retain(|a| seen.insert(*a));
            out.push(TechnicalView {
                text: format!("{} {}", item.marker, item.text.markdown),
                links: anchors
                    .into_iter()
                    .map(|a| ClauseLinkView {
                        label: a.to_string(),
                        lang: None,
                        url: if rows.contains(a) {
                            Some(format!("#{a}"))
                        } else {
                            clause_url(a)
                        },
                    })
                    .collect(),
            });
        }
    }
    out
}
