//! View models: the document model turned into what templates show, with
//! inline Markdown already rendered to HTML.

use serde::Serialize;

use super::markdown::{inline_html, mathml};
use crate::model::{
    Block, ChecklistItem, Clause, ClauseKind, Document, DocumentKind, ListItem, Text,
};

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

fn html(text: &Text) -> String {
    inline_html(&text.markdown)
}

fn opt_html(text: &Option<Text>) -> String {
    text.as_ref().map(html).unwrap_or_default()
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

pub fn clause(c: &Clause) -> ClauseView {
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
        blocks: blocks(&c.blocks),
        children: c.children.iter().map(clause).collect(),
    }
}

fn items(list: &[ListItem]) -> Vec<ItemView> {
    list.iter()
        .map(|i| ItemView {
            marker: i.marker.clone(),
            anchor: i.anchor.clone(),
            html: html(&i.text),
            children: items(&i.children),
        })
        .collect()
}

fn cells(rows: &[Vec<crate::model::Cell>]) -> Vec<Vec<CellView>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|c| CellView {
                    html: html(&c.text),
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

pub fn blocks(list: &[Block]) -> Vec<BlockView> {
    list.iter()
        .map(|b| match b {
            Block::Paragraph { anchor, text } => BlockView::Paragraph {
                anchor: anchor.clone(),
                html: html(text),
            },
            Block::Note { anchor, text } => BlockView::Note {
                anchor: anchor.clone(),
                html: html(text),
            },
            Block::Example { text } => BlockView::Example { html: html(text) },
            Block::List { items: list } => BlockView::List { items: items(list) },
            Block::Table(t) => BlockView::Table {
                anchor: t.anchor.clone(),
                number: t.number.clone(),
                caption_html: opt_html(&t.caption),
                header_rows: cells(&t.header_rows),
                body_rows: cells(&t.body_rows),
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
                description: description.iter().map(html).collect(),
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
                paragraphs: paragraphs.iter().map(html).collect(),
            },
            Block::Checklist { items, .. } => BlockView::Checklist {
                items: checklist(items),
            },
        })
        .collect()
}
