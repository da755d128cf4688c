//! The document model: a standard as a tree of clauses holding blocks.
//!
//! Built by [`parse`] from the Markdown sources, consumed by the later stages.
//! Text is kept as inline Markdown ([`Text`]); rendering it to HTML is the
//! render stage's job.

pub mod inline;
pub mod math;
mod numbering;
pub mod parse;

use std::path::PathBuf;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::diag::Location;

pub use parse::parse_standard;

/// What a document is; shown on its cover and used to pick wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Standard,
    Specification,
    Guide,
    Checklist,
}

/// Front matter of a standard, from the first Markdown file of its language folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The code as printed, e.g. "CCRC-ISV-C01:2025"; some documents have none.
    #[serde(default)]
    pub code: Option<String>,
    pub title: String,
    /// A shorter name for places that repeat it row after row (listings,
    /// search results); the title where absent.
    #[serde(default)]
    pub short_title: Option<String>,
    pub kind: DocumentKind,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub edition: Option<String>,
    #[serde(default)]
    pub published: Option<Date>,
    #[serde(default)]
    pub effective: Option<Date>,
    /// When the edition ceased to be in force (replaced or abolished); for
    /// an older edition without it, the next edition's `effective` date.
    #[serde(default)]
    pub withdrawn: Option<Date>,
    /// Until this date a certificate issued under the edition before this
    /// one is still graded under that edition's rules (the transition
    /// period a revision gives); from it on, under this edition's.
    #[serde(default)]
    pub transition_until: Option<Date>,
    /// The file in the shared sources it was converted from.
    #[serde(default)]
    pub source: Option<String>,
    /// Level names, lowest first.
    #[serde(default)]
    pub levels: Vec<String>,
}

/// Inline Markdown text with the place it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub markdown: String,
    #[serde(skip)]
    pub location: Location,
    /// What the resolve stage found in the text (references, terms,
    /// obligation words); empty until then.
    #[serde(skip)]
    pub annotations: Vec<Annotation>,
}

impl Text {
    pub fn new(markdown: String, location: Location) -> Self {
        Text {
            markdown,
            location,
            annotations: Vec::new(),
        }
    }
}

/// A span of a [`Text`] with a meaning. `range` is a byte range of the
/// prepared source ([`inline::prepare`]); annotations of one text never overlap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub range: std::ops::Range<usize>,
    pub kind: AnnotationKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnnotationKind {
    /// A link to a unit of this document.
    Ref { anchor: String },
    /// A range of clauses: the two ends link to their clauses, and every
    /// clause the range covers is listed.
    Range {
        from: std::ops::Range<usize>,
        from_anchor: String,
        to: std::ops::Range<usize>,
        to_anchor: String,
        members: Vec<String>,
    },
    /// A standard's code or a clause of another standard: links to the entry
    /// in this document's normative references and to the standard's page
    /// when the site hosts it.
    Standard {
        entry: Option<String>,
        hosted: Option<String>,
    },
    /// A use of a defined term: links to its definition.
    Term { anchor: String },
    /// An obligation word and its force.
    Obligation(Force),
}

/// The force of an obligation word (GB/T 1.1 and ISO/IEC Directives Part 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Force {
    /// 应 / shall: a requirement.
    Shall,
    /// 不应 / shall not.
    ShallNot,
    /// 宜 / should: a recommendation.
    Should,
    /// 不宜 / should not.
    ShouldNot,
    /// 可 / may: a permission.
    May,
    /// 能 / can: a possibility or capability.
    Can,
}

impl Force {
    pub fn class(self) -> &'static str {
        match self {
            Force::Shall => "shall",
            Force::ShallNot => "shall-not",
            Force::Should => "should",
            Force::ShouldNot => "should-not",
            Force::May => "may",
            Force::Can => "can",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClauseKind {
    /// A numbered clause or chapter ("7", "7.1.4", "B.2.3").
    Numbered,
    /// An annex ("附录 A"), with its designation as printed, brackets
    /// included ("（规范性）", "(规范性附录）") since sources mix bracket widths.
    Annex { designation: Option<String> },
    /// An unnumbered section (前言, 引言) with an author-given id.
    Unnumbered,
    /// A term entry in the terms-and-definitions chapter.
    Term { english: Option<String> },
}

#[derive(Clone, Debug, Serialize)]
pub struct Clause {
    /// Stable, language-neutral anchor, e.g. "7.1.4", "B", "term-3.1", "foreword".
    pub anchor: String,
    /// The number as written in the source ("4.1.", "1、", "附录 A"); empty for unnumbered.
    pub number_text: String,
    /// The number normalised for comparison ("4.1", "1", "A").
    pub number: Option<String>,
    pub title: Option<Text>,
    pub kind: ClauseKind,
    /// 1 for chapters and annexes.
    pub depth: usize,
    pub blocks: Vec<Block>,
    pub children: Vec<Clause>,
    #[serde(skip)]
    pub location: Location,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Anchored "<clause>-p<n>" so that rules can cite an unnumbered paragraph.
    Paragraph {
        anchor: String,
        text: Text,
    },
    Note {
        anchor: String,
        text: Text,
    },
    Example {
        text: Text,
    },
    List {
        items: Vec<ListItem>,
    },
    Table(Table),
    Figure {
        anchor: String,
        number: Option<String>,
        caption: Option<Text>,
        description: Vec<Text>,
        #[serde(skip)]
        location: Location,
    },
    Formula {
        anchor: String,
        number: Option<String>,
        tex: String,
        #[serde(skip)]
        location: Location,
    },
    Editorial {
        anchor: String,
        paragraphs: Vec<Text>,
    },
    Checklist {
        items: Vec<ChecklistItem>,
        #[serde(skip)]
        location: Location,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct ListItem {
    /// The marker as written ("a）", "1)", "——"); `None` never happens for
    /// numbered items.
    pub marker: String,
    /// Anchor for numbered items ("7.1.4-a", "7.1.4-a-1"); unnumbered items have none.
    pub anchor: Option<String>,
    pub text: Text,
    pub children: Vec<ListItem>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Table {
    pub anchor: String,
    pub number: Option<String>,
    pub caption: Option<Text>,
    pub header_rows: Vec<Vec<Cell>>,
    pub body_rows: Vec<Vec<Cell>>,
    #[serde(skip)]
    pub location: Location,
}

/// A table cell after row and column spans have been merged: covered cells
/// are removed, the covering cell carries the span.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub text: Text,
    pub rowspan: usize,
    pub colspan: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub no: u32,
    pub phase: String,
    #[serde(default)]
    pub level: Option<String>,
    pub requirement: String,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(skip_deserializing, default)]
    pub anchor: String,
}

/// One language version of one standard.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub slug: String,
    pub lang: String,
    pub front: FrontMatter,
    /// Blocks before the first heading (rare).
    pub preamble: Vec<Block>,
    pub clauses: Vec<Clause>,
    #[serde(skip)]
    pub files: Vec<PathBuf>,
}

impl Clause {
    /// This clause and all below it, in document order.
    pub fn walk(&self) -> Vec<&Clause> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

impl Document {
    /// Every clause in document order.
    pub fn all_clauses(&self) -> Vec<&Clause> {
        self.clauses.iter().flat_map(Clause::walk).collect()
    }
}

/// One addressable unit of a document: a clause, paragraph, note, list item,
/// table, figure, formula, editorial note or checklist item.
#[derive(Clone, Copy, Debug)]
pub struct Unit<'a> {
    pub anchor: &'a str,
    pub location: &'a Location,
    pub source: UnitSource<'a>,
}

/// The part of the model a [`Unit`] stands for.
#[derive(Clone, Copy, Debug)]
pub enum UnitSource<'a> {
    /// A clause's heading (and its unanchored examples).
    Clause(&'a Clause),
    Block(&'a Block),
    Item(&'a ListItem),
    ChecklistItem(&'a ChecklistItem),
}

impl Unit<'_> {
    /// The unit's own words, as written in the source, with runs of white
    /// space collapsed: what a translation of the unit translates. Text of
    /// sub-units (nested list items, child clauses) is not included.
    pub fn content(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        match self.source {
            UnitSource::Clause(c) => {
                parts.push(&c.number_text);
                parts.extend(c.title.as_ref().map(|t| t.markdown.as_str()));
                if let ClauseKind::Term { english: Some(e) } = &c.kind {
                    parts.push(e);
                }
                for b in &c.blocks {
                    if let Block::Example { text } = b {
                        parts.push(&text.markdown);
                    }
                }
            }
            UnitSource::Block(b) => match b {
                Block::Paragraph { text, .. } | Block::Note { text, .. } => {
                    parts.push(&text.markdown)
                }
                Block::Table(t) => {
                    parts.extend(t.number.as_deref());
                    parts.extend(t.caption.as_ref().map(|c| c.markdown.as_str()));
                    for row in t.header_rows.iter().chain(&t.body_rows) {
                        parts.extend(row.iter().map(|c| c.text.markdown.as_str()));
                    }
                }
                Block::Figure {
                    number,
                    caption,
                    description,
                    ..
                } => {
                    parts.extend(number.as_deref());
                    parts.extend(caption.as_ref().map(|c| c.markdown.as_str()));
                    parts.extend(description.iter().map(|d| d.markdown.as_str()));
                }
                Block::Formula { number, tex, .. } => {
                    parts.extend(number.as_deref());
                    parts.push(tex);
                }
                Block::Editorial { paragraphs, .. } => {
                    parts.extend(paragraphs.iter().map(|p| p.markdown.as_str()))
                }
                Block::Example { .. } | Block::List { .. } | Block::Checklist { .. } => {}
            },
            UnitSource::Item(i) => {
                parts.push(&i.marker);
                parts.push(&i.text.markdown);
            }
            UnitSource::ChecklistItem(i) => {
                parts.push(&i.phase);
                parts.extend(i.level.as_deref());
                parts.push(&i.requirement);
                parts.extend(i.evidence.iter().map(String::as_str));
            }
        }
        let mut out = String::new();
        for part in parts {
            for word in part.split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        out
    }
}

impl Document {
    /// Every anchored unit in document order.
    pub fn units(&self) -> Vec<Unit<'_>> {
        let mut out = Vec::new();
        collect_block_units(&self.preamble, &mut out);
        for clause in self.all_clauses() {
            out.push(Unit {
                anchor: &clause.anchor,
                location: &clause.location,
                source: UnitSource::Clause(clause),
            });
            collect_block_units(&clause.blocks, &mut out);
        }
        out
    }
}

/// The anchored units of some blocks (not of clauses below them).
pub fn block_units(blocks: &[Block]) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    collect_block_units(blocks, &mut out);
    out
}

fn collect_block_units<'a>(blocks: &'a [Block], out: &mut Vec<Unit<'a>>) {
    for block in blocks {
        match block {
            Block::Paragraph { anchor, text } | Block::Note { anchor, text } => out.push(Unit {
                anchor,
                location: &text.location,
                source: UnitSource::Block(block),
            }),
            Block::Example { .. } => {}
            Block::List { items } => collect_items(items, out),
            Block::Table(table) => out.push(Unit {
                anchor: &table.anchor,
                location: &table.location,
                source: UnitSource::Block(block),
            }),
            Block::Figure {
                anchor, location, ..
            }
            | Block::Formula {
                anchor, location, ..
            } => out.push(Unit {
                anchor,
                location,
                source: UnitSource::Block(block),
            }),
            Block::Editorial { anchor, paragraphs } => {
                if let Some(first) = paragraphs.first() {
                    out.push(Unit {
                        anchor,
                        location: &first.location,
                        source: UnitSource::Block(block),
                    });
                }
            }
            Block::Checklist { items, location } => {
                for item in items {
                    out.push(Unit {
                        anchor: &item.anchor,
                        location,
                        source: UnitSource::ChecklistItem(item),
                    });
                }
            }
        }
    }
}

fn collect_items<'a>(items: &'a [ListItem], out: &mut Vec<Unit<'a>>) {
    for item in items {
        if let Some(anchor) = &item.anchor {
            out.push(Unit {
                anchor,
                location: &item.text.location,
                source: UnitSource::Item(item),
            });
        }
        collect_items(&item.children, out);
    }
}
