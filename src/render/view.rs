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
    pub publisher: Option<String>,
    pub edition: Option<String>,
    pub published: Option<String>,
    pub effective: Option<String>,
    pub levels: Vec<String>,
    pub url: String,
    pub full_url: String,
    pub clause_count: usize,
    pub editorial_count: usize,
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
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub marker: String,
    pub anchor: Option<String>,
    pub html: String,
    pub children: Vec<ItemView>,
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
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockView {
    Paragraph {
        anchor: String,
        html: String,
    },
    Note {
        anchor: String,
        html: String,
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
    },
    Figure {
        anchor: String,
        number: Option<String>,
        caption_html: String,
        description: Vec<String>,
    },
    Formula {
        anchor: String,
        number: Option<String>,
        mathml: String,
    },
    Editorial {
        anchor: String,
        paragraphs: Vec<String>,
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

pub fn summary(doc: &Document, url: String) -> DocSummary {
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
        publisher: doc.front.publisher.clone(),
        edition: doc.front.edition.clone(),
        published: doc.front.published.map(|d| d.to_string()),
        effective: doc.front.effective.map(|d| d.to_string()),
        levels: doc.front.levels.clone(),
        full_url: format!("{url}all/"),
        url,
        clause_count: clauses.len(),
        editorial_count,
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
        children: c.children.iter().map(|child| clause(child, cx)).collect(),
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
    }
}

fn items(list: &[ListItem], cx: &ViewContext) -> Vec<ItemView> {
    list.iter()
        .map(|i| ItemView {
            marker: i.marker.clone(),
            anchor: i.anchor.clone(),
            html: html(&i.text, cx),
            children: items(&i.children, cx),
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

fn checklist(list: &[ChecklistItem]) -> Vec<ChecklistView> {
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
            },
            Block::Note { anchor, text } => BlockView::Note {
                anchor: anchor.clone(),
                html: html(text, cx),
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
            },
            Block::Editorial { anchor, paragraphs } => BlockView::Editorial {
                anchor: anchor.clone(),
                paragraphs: paragraphs.iter().map(|p| html(p, cx)).collect(),
            },
            Block::Checklist { items, .. } => BlockView::Checklist {
                items: checklist(items),
            },
        })
        .collect()
}

/// Links from a standard's pages to its glossary and level pages.
#[derive(Clone, Debug, Serialize)]
pub struct DocExtras {
    pub glossary_url: Option<String>,
    pub levels_url: Option<String>,
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
    let doc_url = cx.linker.doc_url(cx.linker.slug);
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
            let requirement =
                |r: &crate::resolve::levels::Requirement, own: bool| RequirementView {
                    anchor: r.anchor.clone(),
                    url: cx.linker.url(&r.anchor),
                    clause_label: r.clause_label.clone(),
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
                            Anomaly::OutsideRange { clauses } => AnomalyView {
                                kind: "outside-range",
                                clauses: clauses
                                    .iter()
                                    .map(|c| LinkView {
                                        url: cx.linker.url(c),
                                        label: c.clone(),
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
