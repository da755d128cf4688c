//! View models: the document model turned into what templates show, with
//! inline Markdown already rendered to HTML.

use serde::Serialize;

use std::collections::{BTreeMap, BTreeSet};

use super::links::Linker;
use super::markdown::{inline_html, mathml, text_html};
use crate::model::{
    Block, ChecklistItem, Clause, ClauseKind, Document, DocumentKind, ListItem, Text,
};
use crate::resolve::Backlink;

/// What the views of one document need besides the model.
pub struct ViewContext<'a> {
    pub linker: Linker<'a>,
    pub backlinks: Option<&'a BTreeMap<String, BTreeSet<Backlink>>>,
    /// In a translation: which units are stale, and where their original is.
    pub stale: Option<StaleContext<'a>>,
}

pub struct StaleContext<'a> {
    pub anchors: &'a BTreeSet<String>,
    /// Links to the original text.
    pub original: &'a Linker<'a>,
}

impl ViewContext<'_> {
    /// For a stale translated unit, the URL of its original.
    fn stale(&self, anchor: &str) -> Option<String> {
        self.stale
            .as_ref()
            .filter(|s| s.anchors.contains(anchor))
            .map(|s| s.original.url(anchor))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub url: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DocSummary {
    pub slug: String,
    pub title: String,
    pub code: Option<String>,
    pub kind: DocumentKind,
    pub publisher_html: Option<String>,
    pub edition: Option<String>,
    pub published: Option<String>,
    pub effective: Option<String>,
    pub levels: Vec<String>,
    pub url: String,
    pub full_url: String,
    pub clause_count: usize,
    pub editorial_count: usize,
    /// False when listed in a language it has no translation into.
    pub translated: bool,
    /// For a standard with several editions: which edition this is, in
    /// words, and every edition, oldest first (empty otherwise).
    pub edition_note: Option<String>,
    pub editions: Vec<EditionLink>,
}

/// One edition of a standard, as the edition bar lists it.
#[derive(Clone, Debug, Serialize)]
pub struct EditionLink {
    pub label: String,
    /// Its cover.
    pub url: String,
    pub current: bool,
    /// The edition the page shows.
    pub this: bool,
    /// Its chapters' anchors, so a chapter page links the same chapter.
    pub chapters: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TocEntry {
    pub anchor: String,
    pub number_text: String,
    pub title_html: String,
    pub url: String,
    pub children: Vec<TocEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClauseView {
    pub anchor: String,
    pub number_text: String,
    pub title_html: String,
    /// The title as plain text, for `<title>` and labels.
    pub title_text: String,
    pub kind: &'static str,
    pub designation: Option<String>,
    pub english: Option<String>,
    pub depth: usize,
    pub blocks: Vec<BlockView>,
    pub children: Vec<ClauseView>,
    /// Clauses that refer to this one.
    pub backlinks: Vec<LinkView>,
    /// In a translation whose original has changed: the original's URL.
    pub stale: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub marker: String,
    pub anchor: Option<String>,
    pub html: String,
    pub children: Vec<ItemView>,
    pub stale: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CellView {
    pub html: String,
    pub rowspan: usize,
    pub colspan: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistView {
    pub no: u32,
    pub anchor: String,
    pub phase: String,
    /// Rows this item's phase cell spans (0 when an earlier item shows it).
    pub phase_rowspan: usize,
    pub level: Option<String>,
    pub requirement_html: String,
    pub evidence: Vec<String>,
    pub stale: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockView {
    Paragraph {
        anchor: String,
        html: String,
        stale: Option<String>,
    },
    Note {
        anchor: String,
        html: String,
        stale: Option<String>,
    },
    Example {
        html: String,
    },
    List {
        items: Vec<ItemView>,
    },
    Table {
        anchor: String,
        number: Option<String>,
        caption_html: String,
        header_rows: Vec<Vec<CellView>>,
        body_rows: Vec<Vec<CellView>>,
        /// Too many columns to squeeze into a phone's width.
        wide: bool,
        stale: Option<String>,
    },
    Figure {
        anchor: String,
        number: Option<String>,
        caption_html: String,
        description: Vec<String>,
        stale: Option<String>,
    },
    Formula {
        anchor: String,
        number: Option<String>,
        mathml: String,
        stale: Option<String>,
    },
    Editorial {
        anchor: String,
        paragraphs: Vec<String>,
        stale: Option<String>,
    },
    Checklist {
        items: Vec<ChecklistView>,
    },
}

fn html(text: &Text, cx: &ViewContext) -> String {
    text_html(text, &cx.linker)
}

/// Titles and captions carry no links: they are repeated inside links (the
/// contents, prev/next).
fn opt_html(text: &Option<Text>) -> String {
    text.as_ref()
        .map(|t| inline_html(&t.markdown))
        .unwrap_or_default()
}

/// `text_html` turns front-matter text into HTML (marking Chinese in a
/// translation).
pub fn summary(
    doc: &Document,
    url: String,
    translated: bool,
    text_html: &dyn Fn(&str) -> String,
) -> DocSummary {
    let clauses = doc.all_clauses();
    let editorial_count = clauses
        .iter()
        .flat_map(|c| c.blocks.iter())
        .chain(doc.preamble.iter())
        .filter(|b| matches!(b, Block::Editorial { .. }))
        .count();
    DocSummary {
        slug: doc.slug.clone(),
        title: doc.front.title.clone(),
        code: doc.front.code.clone(),
        kind: doc.front.kind,
        publisher_html: doc.front.publisher.as_deref().map(text_html),
        edition: doc.front.edition.clone(),
        published: doc.front.published.map(|d| d.to_string()),
        effective: doc.front.effective.map(|d| d.to_string()),
        levels: doc.front.levels.clone(),
        full_url: format!("{url}all/"),
        url,
        clause_count: clauses.len(),
        editorial_count,
        translated,
        edition_note: None,
        editions: Vec::new(),
    }
}

/// The table of contents; `page_url(top_anchor)` gives the page a top-level clause lives on.
pub fn toc(
    clauses: &[Clause],
    page_url: &dyn Fn(&str) -> String,
    top: Option<&str>,
) -> Vec<TocEntry> {
    clauses
        .iter()
        .map(|c| {
            let page = top.unwrap_or(&c.anchor);
            TocEntry {
                anchor: c.anchor.clone(),
                number_text: c.number_text.clone(),
                title_html: opt_html(&c.title),
                url: format!("{}#{}", page_url(page), c.anchor),
                children: toc(&c.children, page_url, Some(page)),
            }
        })
        .collect()
}

pub fn clause(c: &Clause, cx: &ViewContext) -> ClauseView {
    clause_view(c, cx, true)
}

/// A clause's view, with or without the clauses below it.
fn clause_view(c: &Clause, cx: &ViewContext, with_children: bool) -> ClauseView {
    let (kind, designation, english) = match &c.kind {
        ClauseKind::Numbered => ("numbered", None, None),
        ClauseKind::Annex { designation } => ("annex", designation.clone(), None),
        ClauseKind::Unnumbered => ("unnumbered", None, None),
        ClauseKind::Term { english } => ("term", None, english.clone()),
    };
    ClauseView {
        anchor: c.anchor.clone(),
        number_text: c.number_text.clone(),
        title_html: opt_html(&c.title),
        title_text: c
            .title
            .as_ref()
            .map(|t| t.markdown.clone())
            .unwrap_or_default(),
        kind,
        designation,
        english,
        depth: c.depth,
        blocks: blocks(&c.blocks, cx),
        children: if with_children {
            c.children.iter().map(|child| clause(child, cx)).collect()
        } else {
            Vec::new()
        },
        backlinks: cx
            .backlinks
            .and_then(|b| b.get(&c.anchor))
            .map(|set| {
                set.iter()
                    .map(|b| LinkView {
                        url: cx.linker.url(&b.clause),
                        label: b.label.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        stale: cx.stale(&c.anchor),
    }
}

fn items(list: &[ListItem], cx: &ViewContext) -> Vec<ItemView> {
    list.iter()
        .map(|i| ItemView {
            marker: i.marker.clone(),
            anchor: i.anchor.clone(),
            html: html(&i.text, cx),
            children: items(&i.children, cx),
            stale: i.anchor.as_deref().and_then(|a| cx.stale(a)),
        })
        .collect()
}

fn cells(rows: &[Vec<crate::model::Cell>], cx: &ViewContext) -> Vec<Vec<CellView>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|c| CellView {
                    html: html(&c.text, cx),
                    rowspan: c.rowspan,
                    colspan: c.colspan,
                })
                .collect()
        })
        .collect()
}

fn checklist(list: &[ChecklistItem], cx: &ViewContext) -> Vec<ChecklistView> {
    let mut out: Vec<ChecklistView> = Vec::with_capacity(list.len());
    let mut phase_start = 0;
    for (i, item) in list.iter().enumerate() {
        let same_phase = i > 0 && list[i - 1].phase == item.phase;
        if !same_phase {
            phase_start = i;
        }
        out.push(ChecklistView {
            no: item.no,
            anchor: item.anchor.clone(),
            phase: item.phase.clone(),
            phase_rowspan: if same_phase { 0 } else { 1 },
            level: item.level.clone(),
            requirement_html: inline_html(&item.requirement),
            evidence: item.evidence.iter().map(|e| inline_html(e)).collect(),
            stale: cx.stale(&item.anchor),
        });
        if same_phase {
            out[phase_start].phase_rowspan += 1;
        }
    }
    out
}

pub fn blocks(list: &[Block], cx: &ViewContext) -> Vec<BlockView> {
    list.iter()
        .map(|b| match b {
            Block::Paragraph { anchor, text } => BlockView::Paragraph {
                anchor: anchor.clone(),
                html: html(text, cx),
                stale: cx.stale(anchor),
            },
            Block::Note { anchor, text } => BlockView::Note {
                anchor: anchor.clone(),
                html: html(text, cx),
                stale: cx.stale(anchor),
            },
            Block::Example { text } => BlockView::Example {
                html: html(text, cx),
            },
            Block::List { items: list } => BlockView::List {
                items: items(list, cx),
            },
            Block::Table(t) => BlockView::Table {
                anchor: t.anchor.clone(),
                number: t.number.clone(),
                caption_html: opt_html(&t.caption),
                header_rows: cells(&t.header_rows, cx),
                body_rows: cells(&t.body_rows, cx),
                wide: t
                    .header_rows
                    .iter()
                    .chain(&t.body_rows)
                    .map(|r| r.iter().map(|c| c.colspan).sum::<usize>())
                    .max()
                    .unwrap_or(0)
                    >= WIDE_TABLE_COLUMNS,
                stale: cx.stale(&t.anchor),
            },
            Block::Figure {
                anchor,
                number,
                caption,
                description,
                ..
            } => BlockView::Figure {
                anchor: anchor.clone(),
                number: number.clone(),
                caption_html: opt_html(caption),
                description: description.iter().map(|d| html(d, cx)).collect(),
                stale: cx.stale(anchor),
            },
            Block::Formula {
                anchor,
                number,
                tex,
                ..
            } => BlockView::Formula {
                anchor: anchor.clone(),
                number: number.clone(),
                mathml: mathml(tex, true),
                stale: cx.stale(anchor),
            },
            Block::Editorial { anchor, paragraphs } => BlockView::Editorial {
                anchor: anchor.clone(),
                paragraphs: paragraphs.iter().map(|p| html(p, cx)).collect(),
                stale: cx.stale(anchor),
            },
            Block::Checklist { items, .. } => BlockView::Checklist {
                items: checklist(items, cx),
            },
        })
        .collect()
}

/// Links from a standard's pages to its glossary and level pages.
#[derive(Clone, Debug, Serialize)]
pub struct DocExtras {
    pub glossary_url: Option<String>,
    pub levels_url: Option<String>,
    pub translation_url: Option<String>,
    /// The standard's grading rules, when it has them.
    pub rules_url: Option<String>,
    /// The current edition's changes from the edition before, if it has one.
    pub changes: Option<LinkLabel>,
    /// The current edition's effect on the registry's grades, if it has one.
    pub impact: Option<LinkLabel>,
    /// The language of the document's text, as a BCP 47 tag.
    pub doc_lang_tag: String,
}

/// A link and its words.
#[derive(Clone, Debug, Serialize)]
pub struct LinkLabel {
    pub url: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TermView {
    pub number: String,
    pub term: String,
    pub english: Option<String>,
    pub url: String,
    pub uses: usize,
}

pub fn glossary(
    entries: Option<&Vec<crate::resolve::GlossaryEntry>>,
    cx: &ViewContext,
) -> Vec<TermView> {
    entries
        .into_iter()
        .flatten()
        .map(|e| TermView {
            number: e.number.clone(),
            term: e.term.clone(),
            english: e.english.clone(),
            url: cx.linker.url(&e.anchor),
            uses: e.uses,
        })
        .collect()
}

#[derive(Clone, Debug, Serialize)]
pub struct LevelGroupView {
    pub anchor: String,
    pub label: String,
    pub title: String,
    pub url: String,
    pub cumulative: bool,
    pub levels: Vec<LevelView>,
    /// The requirement × level matrix, one row per requirement.
    pub rows: Vec<MatrixRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LevelView {
    pub ordinal: u32,
    pub label: String,
    pub title: String,
    pub url: String,
    pub inherits: Option<String>,
    pub statement_url: Option<String>,
    pub own_count: usize,
    pub full_count: usize,
    pub anomalies: Vec<AnomalyView>,
    /// Every requirement that applies, own ones marked.
    pub full: Vec<RequirementView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AnomalyView {
    pub kind: &'static str,
    pub clauses: Vec<LinkView>,
    pub inherits: Option<String>,
    pub expected: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RequirementView {
    pub anchor: String,
    pub url: String,
    pub clause_label: String,
    /// The clause's anchor, when another clause of the group is printed
    /// with the same number (K.4.3.1 under K.4.2, anchored K.4.2.1, and
    /// K.4.3.1 under K.4.3): shown beside the number so rows differ.
    pub alias: Option<String>,
    pub marker: String,
    pub html: String,
    /// The label of the level that introduces it.
    pub level_label: String,
    pub own: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    pub requirement: RequirementView,
    /// Per level, in the group's order: "own", "inherited" or "".
    pub cells: Vec<&'static str>,
}

pub fn level_groups(
    groups: Option<&Vec<crate::resolve::LevelGroup>>,
    cx: &ViewContext,
) -> Vec<LevelGroupView> {
    use crate::resolve::levels::Anomaly;
    let doc_url = cx.linker.doc_url();
    groups
        .into_iter()
        .flatten()
        .map(|g| {
            let label_of = |ordinal: u32| {
                g.levels
                    .iter()
                    .find(|l| l.ordinal == ordinal)
                    .map_or_else(|| ordinal.to_string(), |l| l.title.clone())
            };
            // Printed numbers that more than one clause of the group carries.
            let mut clauses_of_label: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for r in &g.requirements {
                clauses_of_label
                    .entry(r.clause_label.as_str())
                    .or_default()
                    .insert(r.clause.as_str());
            }
            let requirement =
                |r: &crate::resolve::levels::Requirement, own: bool| RequirementView {
                    anchor: r.anchor.clone(),
                    url: cx.linker.url(&r.anchor),
                    clause_label: r.clause_label.clone(),
                    alias: clauses_of_label
                        .get(r.clause_label.as_str())
                        .filter(|clauses| clauses.len() > 1 && r.clause != r.clause_label)
                        .map(|_| r.clause.clone()),
                    marker: r.marker.clone(),
                    html: html(&r.text, cx),
                    level_label: label_of(r.level),
                    own,
                };
            let levels = g
                .levels
                .iter()
                .map(|l| LevelView {
                    ordinal: l.ordinal,
                    label: l.label.clone(),
                    title: l.title.clone(),
                    url: cx.linker.url(&l.anchor),
                    inherits: l.inherits.map(label_of),
                    statement_url: l.statement.as_ref().map(|s| cx.linker.url(s)),
                    own_count: l.own.len(),
                    full_count: l.full.len(),
                    anomalies: l
                        .anomalies
                        .iter()
                        .map(|a| match a {
                            Anomaly::Empty => AnomalyView {
                                kind: "empty",
                                clauses: Vec::new(),
                                inherits: None,
                                expected: None,
                            },
                            Anomaly::OutsideRange { anchors } => AnomalyView {
                                kind: "outside-range",
                                clauses: anchors
                                    .iter()
                                    .map(|a| LinkView {
                                        url: cx.linker.url(a),
                                        // A requirement by its clause and marker ("K.2 b)").
                                        label: g
                                            .requirements
                                            .iter()
                                            .find(|r| r.anchor == *a)
                                            .map_or_else(
                                                || a.clone(),
                                                |r| format!("{} {}", r.clause_label, r.marker),
                                            ),
                                    })
                                    .collect(),
                                inherits: None,
                                expected: None,
                            },
                            Anomaly::InheritsNonAdjacent { inherits, expected } => AnomalyView {
                                kind: "inherits-non-adjacent",
                                clauses: Vec::new(),
                                inherits: Some(label_of(*inherits)),
                                expected: Some(label_of(*expected)),
                            },
                            Anomaly::NoInheritanceStatement => AnomalyView {
                                kind: "no-statement",
                                clauses: Vec::new(),
                                inherits: None,
                                expected: None,
                            },
                        })
                        .collect(),
                    full: g
                        .requirements
                        .iter()
                        .filter(|r| l.full.contains(&r.anchor))
                        .map(|r| requirement(r, l.own.contains(&r.anchor)))
                        .collect(),
                })
                .collect();
            let rows = g
                .requirements
                .iter()
                .map(|r| MatrixRow {
                    requirement: requirement(r, true),
                    cells: g
                        .levels
                        .iter()
                        .map(|l| {
                            if l.own.contains(&r.anchor) {
                                "own"
                            } else if l.full.contains(&r.anchor) {
                                "inherited"
                            } else {
                                ""
                            }
                        })
                        .collect(),
                })
                .collect();
            LevelGroupView {
                anchor: g.anchor.clone(),
                label: g.label.clone(),
                title: g.title.clone(),
                url: format!("{doc_url}levels/{}/", g.anchor),
                cumulative: g.cumulative,
                levels,
                rows,
            }
        })
        .collect()
}

/// A translation's state, for the cover and the status page.
#[derive(Clone, Debug, Serialize)]
pub struct TranslationStatusView {
    pub lang: String,
    pub lang_tag: String,
    /// The language's name in that language ("English").
    pub name: String,
    pub units: usize,
    pub current: usize,
    pub coverage: String,
    pub complete: bool,
    pub missing: Vec<LinkView>,
    pub stale: Vec<LinkView>,
    pub unstamped: Vec<LinkView>,
    pub extra: Vec<String>,
    pub term_mismatches: usize,
}

/// `linker` gives the page each named unit opens on.
pub fn translation_status(
    status: &crate::translation::TranslationStatus,
    linker: &Linker,
    lang_tag: String,
    name: String,
) -> TranslationStatusView {
    let links = |anchors: &mut dyn Iterator<Item = &String>| -> Vec<LinkView> {
        anchors
            .map(|a| LinkView {
                url: linker.url(a),
                label: a.clone(),
            })
            .collect()
    };
    TranslationStatusView {
        lang: status.lang.clone(),
        lang_tag,
        name,
        units: status.units,
        current: status.current(),
        coverage: status.coverage_percent(),
        complete: status.is_complete(),
        missing: links(&mut status.missing.iter()),
        stale: links(&mut status.stale.iter()),
        unstamped: links(&mut status.unstamped.iter()),
        extra: status.extra.clone(),
        term_mismatches: status.term_mismatches.len(),
    }
}

/// BCP 47 tags of the two columns of the side-by-side view.
#[derive(Clone, Debug, Serialize)]
pub struct PairLangs {
    pub original: String,
    pub translation: String,
}

/// A clause of the original beside its translation; its blocks are paired
/// row by row where both have the same units, else shown as one row.
#[derive(Clone, Debug, Serialize)]
pub struct PairView {
    pub anchor: String,
    pub depth: usize,
    /// The clause's heading: no blocks (they are in `rows`) and no children
    /// (they are pairs of their own).
    pub original: ClauseView,
    pub translation: Option<ClauseView>,
    pub rows: Vec<BlockPair>,
    pub children: Vec<PairView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BlockPair {
    pub original: Vec<BlockView>,
    pub translation: Vec<BlockView>,
    /// Holds a table too wide to halve: the two are shown one above the other.
    pub wide: bool,
}

/// Tables with this many columns or more are shown full width.
const WIDE_TABLE_COLUMNS: usize = 4;

fn is_wide(b: &BlockView) -> bool {
    match b {
        BlockView::Table { wide, .. } => *wide,
        BlockView::Checklist { .. } => true,
        _ => false,
    }
}

impl BlockPair {
    fn new(original: Vec<BlockView>, translation: Vec<BlockView>) -> Self {
        let wide = original.iter().chain(&translation).any(is_wide);
        BlockPair {
            original,
            translation,
            wide,
        }
    }
}

/// What identifies a block across languages: its anchor, or its kind.
fn block_key(b: &BlockView) -> String {
    match b {
        BlockView::Paragraph { anchor, .. }
        | BlockView::Note { anchor, .. }
        | BlockView::Table { anchor, .. }
        | BlockView::Figure { anchor, .. }
        | BlockView::Formula { anchor, .. }
        | BlockView::Editorial { anchor, .. } => anchor.clone(),
        BlockView::List { items } => items
            .first()
            .and_then(|i| i.anchor.clone())
            .unwrap_or_else(|| "list".into()),
        BlockView::Example { .. } => "example".into(),
        BlockView::Checklist { .. } => "checklist".into(),
    }
}

pub fn pair(
    original: &Clause,
    translated: &BTreeMap<&str, &Clause>,
    original_cx: &ViewContext,
    translation_cx: &ViewContext,
) -> PairView {
    let shallow = |c: &Clause, cx: &ViewContext| clause_view(c, cx, false);
    // The blocks move into the rows; the clause views keep the heading.
    let mut original_view = shallow(original, original_cx);
    let mut translation_view = translated
        .get(original.anchor.as_str())
        .map(|t| shallow(t, translation_cx));
    let theirs = translation_view
        .as_mut()
        .map(|t| std::mem::take(&mut t.blocks))
        .unwrap_or_default();
    let ours = std::mem::take(&mut original_view.blocks);
    let same_units = ours.len() == theirs.len()
        && ours
            .iter()
            .zip(&theirs)
            .all(|(a, b)| block_key(a) == block_key(b));
    let rows = if same_units {
        ours.into_iter()
            .zip(theirs)
            .map(|(o, t)| BlockPair::new(vec![o], vec![t]))
            .collect()
    } else if ours.is_empty() && theirs.is_empty() {
        Vec::new()
    } else {
        vec![BlockPair::new(ours, theirs)]
    };
    PairView {
        anchor: original.anchor.clone(),
        depth: original.depth,
        original: original_view,
        translation: translation_view,
        rows,
        children: original
            .children
            .iter()
            .map(|c| pair(c, translated, original_cx, translation_cx))
            .collect(),
    }
}
