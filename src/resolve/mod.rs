//! The resolve stage: turns reference phrases, standard codes, defined
//! terms and obligation words in the text into annotations, and collects
//! what the reader needs around them (backlinks, glossary, normative
//! references, level graph) and a report per document.
//!
//! Runs after the model stage and before render; it fills
//! [`Text::annotations`] and returns a [`Resolution`]. Nothing here knows
//! about HTML or URLs.

pub mod grammar;
mod index;
pub mod levels;
mod obligations;
pub mod report;
pub mod standards;
mod suppress;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use self::grammar::{Name, Phrase, Target, find_phrases};
use self::index::DocIndex;
pub use self::levels::LevelGroup;
use self::standards::{CodeKey, ReferenceEntry, code_key};
use self::suppress::ReferenceConfig;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::StandardSources;
use crate::model::{
    Annotation, AnnotationKind, Block, Clause, ClauseKind, Document, ListItem, Text, inline,
};

/// A clause that refers to another.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Backlink {
    /// The referring clause's anchor.
    pub clause: String,
    /// Its number (or title, for unnumbered clauses), for display.
    pub label: String,
}

/// A defined term of a document.
#[derive(Clone, Debug, Serialize)]
pub struct GlossaryEntry {
    pub anchor: String,
    pub number: String,
    pub term: String,
    /// The English the original prints beside the term, if any.
    pub english: Option<String>,
    pub uses: usize,
}

/// A suppressed phrase, as reported.
#[derive(Clone, Debug, Serialize)]
pub struct SuppressedPhrase {
    pub phrase: String,
    pub unit: String,
    pub location: String,
    pub reason: String,
}

/// The reference report of one language version of one document.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReferenceReport {
    pub slug: String,
    pub lang: String,
    /// Resolved links by kind: clause, annex, table, figure, item, level,
    /// range, standard, explicit.
    pub counts: BTreeMap<String, usize>,
    pub terms_linked: usize,
    pub obligations: BTreeMap<String, usize>,
    pub suppressed: Vec<SuppressedPhrase>,
    pub unresolved: Vec<String>,
}

/// Everything the resolve stage found, per document and language.
#[derive(Debug, Default)]
pub struct Resolution {
    /// (slug, lang) → target clause anchor → clauses referring to it.
    pub backlinks: BTreeMap<(String, String), BTreeMap<String, BTreeSet<Backlink>>>,
    pub glossaries: BTreeMap<(String, String), Vec<GlossaryEntry>>,
    pub levels: BTreeMap<(String, String), Vec<LevelGroup>>,
    pub reports: Vec<ReferenceReport>,
}

/// Resolves every document (originals and translations alike).
pub fn resolve(
    documents: &mut [Document],
    translations: &mut [Document],
    standards: &[StandardSources],
    diags: &mut Diagnostics,
) -> Resolution {
    let hosted: Vec<(CodeKey, String)> = documents
        .iter()
        .filter_map(|d| d.front.code.as_ref().map(|c| (code_key(c), d.slug.clone())))
        .collect();
    let mut configs: BTreeMap<&str, ReferenceConfig> = BTreeMap::new();
    for standard in standards {
        if let Some(file) = &standard.references {
            match suppress::parse(file) {
                Ok(config) => {
                    configs.insert(standard.slug.as_str(), config);
                }
                Err(d) => diags.push(d),
            }
        }
    }
    let empty = ReferenceConfig::default();
    // Documents resolve independently: in parallel, results kept in order.
    let results: Vec<DocResolution> = documents
        .par_iter_mut()
        .chain(translations.par_iter_mut())
        .map(|doc| {
            let config = configs.get(doc.slug.as_str()).unwrap_or(&empty);
            let key = (doc.slug.clone(), doc.lang.clone());
            let index = DocIndex::new(doc);
            let entries = standards::normative_references(doc, &hosted);
            let glossary = glossary(doc);
            let mut resolver = Resolver {
                index: &index,
                lang: doc.lang.clone(),
                entries: &entries,
                hosted: &hosted,
                config,
                used_suppressions: BTreeSet::new(),
                used_explicit: BTreeSet::new(),
                glossary: &glossary,
                term_order: longest_first(&glossary),
                term_uses: vec![0; glossary.len()],
                terms_in_clause: BTreeSet::new(),
                links: Vec::new(),
                report: ReferenceReport {
                    slug: doc.slug.clone(),
                    lang: doc.lang.clone(),
                    ..ReferenceReport::default()
                },
                diags: Diagnostics::new(),
            };
            visit_texts(doc, &mut |place, text| resolver.text(place, text));
            resolver.report_unused_config(&doc.slug);
            let Resolver {
                links,
                report,
                diags: found,
                term_uses,
                ..
            } = resolver;

            let mut backlinks: BTreeMap<String, BTreeSet<Backlink>> = BTreeMap::new();
            for (target, source_clause) in links {
                let Some(target_clause) = index.clause_of.get(&target) else {
                    continue;
                };
                if *target_clause == source_clause || source_clause.is_empty() {
                    continue;
                }
                let label = index
                    .entry(&source_clause)
                    .map_or_else(|| source_clause.clone(), |e| e.label.clone());
                backlinks
                    .entry(target_clause.clone())
                    .or_default()
                    .insert(Backlink {
                        clause: source_clause,
                        label,
                    });
            }
            let glossary = glossary
                .into_iter()
                .zip(term_uses)
                .map(|(mut entry, uses)| {
                    entry.uses = uses;
                    entry
                })
                .collect();
            let level_groups = levels::level_groups(doc, &index);
            DocResolution {
                key,
                backlinks,
                glossary,
                level_groups,
                report,
                diags: found,
            }
        })
        .collect();
    let mut resolution = Resolution::default();
    for r in results {
        diags.extend(r.diags);
        resolution.backlinks.insert(r.key.clone(), r.backlinks);
        resolution.glossaries.insert(r.key.clone(), r.glossary);
        resolution.levels.insert(r.key, r.level_groups);
        resolution.reports.push(r.report);
    }
    resolution
}

/// What resolving one document produced.
struct DocResolution {
    key: (String, String),
    backlinks: BTreeMap<String, BTreeSet<Backlink>>,
    glossary: Vec<GlossaryEntry>,
    level_groups: Vec<LevelGroup>,
    report: ReferenceReport,
    diags: Diagnostics,
}

/// Where a text sits: its clause, and the unit whose anchor it shares.
struct Place {
    clause: String,
    unit: String,
    /// Editorial notes are ours, not the standard's: no obligation words.
    editorial: bool,
}

fn visit_texts(doc: &mut Document, f: &mut dyn FnMut(&Place, &mut Text)) {
    visit_blocks(&mut doc.preamble, "", f);
    for clause in &mut doc.clauses {
        visit_clause(clause, f);
    }
}

fn visit_clause(clause: &mut Clause, f: &mut dyn FnMut(&Place, &mut Text)) {
    visit_blocks(&mut clause.blocks, &clause.anchor, f);
    for child in &mut clause.children {
        visit_clause(child, f);
    }
}

fn visit_blocks(blocks: &mut [Block], clause: &str, f: &mut dyn FnMut(&Place, &mut Text)) {
    let place = |unit: &str, editorial: bool| Place {
        clause: clause.to_string(),
        unit: unit.to_string(),
        editorial,
    };
    for block in blocks {
        match block {
            Block::Paragraph { anchor, text } | Block::Note { anchor, text } => {
                f(&place(anchor, false), text);
            }
            Block::Example { text } => f(&place(clause, false), text),
            Block::List { items } => visit_items(items, clause, f),
            Block::Table(table) => {
                let p = place(&table.anchor, false);
                for row in table.header_rows.iter_mut().chain(&mut table.body_rows) {
                    for cell in row {
                        f(&p, &mut cell.text);
                    }
                }
            }
            Block::Figure {
                anchor,
                description,
                ..
            } => {
                let p = place(anchor, false);
                for text in description {
                    f(&p, text);
                }
            }
            Block::Editorial { anchor, paragraphs } => {
                let p = place(anchor, true);
                for text in paragraphs {
                    f(&p, text);
                }
            }
            Block::Formula { .. } | Block::Checklist { .. } => {}
        }
    }
}

fn visit_items(items: &mut [ListItem], clause: &str, f: &mut dyn FnMut(&Place, &mut Text)) {
    for item in items {
        let unit = item.anchor.clone().unwrap_or_else(|| clause.to_string());
        f(
            &Place {
                clause: clause.to_string(),
                unit,
                editorial: false,
            },
            &mut item.text,
        );
        visit_items(&mut item.children, clause, f);
    }
}

fn glossary(doc: &Document) -> Vec<GlossaryEntry> {
    doc.all_clauses()
        .into_iter()
        .filter_map(|c| match &c.kind {
            ClauseKind::Term { english } => Some(GlossaryEntry {
                anchor: c.anchor.clone(),
                number: c.number_text.clone(),
                term: c
                    .title
                    .as_ref()
                    .map(|t| t.markdown.trim().to_string())
                    .unwrap_or_default(),
                english: english.clone(),
                uses: 0,
            }),
            _ => None,
        })
        .filter(|e| !e.term.is_empty())
        .collect()
}

struct Resolver<'a> {
    index: &'a DocIndex,
    lang: String,
    entries: &'a [ReferenceEntry],
    hosted: &'a [(CodeKey, String)],
    config: &'a ReferenceConfig,
    used_suppressions: BTreeSet<usize>,
    used_explicit: BTreeSet<usize>,
    glossary: &'a [GlossaryEntry],
    /// Glossary indices, longest term first, so "网络安全服务机构" wins over
    /// "网络安全服务".
    term_order: Vec<usize>,
    term_uses: Vec<usize>,
    /// (clause, term index) already linked: terms link at first use per clause.
    terms_in_clause: BTreeSet<(String, usize)>,
    /// (target unit anchor, referring clause anchor).
    links: Vec<(String, String)>,
    report: ReferenceReport,
    diags: Diagnostics,
}

impl Resolver<'_> {
    fn text(&mut self, place: &Place, text: &mut Text) {
        let source = inline::prepare(&text.markdown).into_owned();
        let inline::Scan {
            runs,
            ref_links,
            as_printed,
        } = inline::scan(&source);
        let mut annotations: Vec<Annotation> = Vec::new();
        let mut covered: Vec<Range<usize>> = Vec::new();

        self.author_links(&ref_links, &source, place, text);
        if !place.editorial {
            for start in as_printed {
                self.diags.push(
                    Diagnostic::error(
                        location_in(text, &source, start),
                        format!(
                            "`({})` marks a number quoted in an editorial note; this text is not an editorial note",
                            inline::AS_PRINTED
                        ),
                    )
                    .with_hint(format!(
                        "the standard's own text is verbatim: to keep a phrase of it from being read as a reference, list it under `suppress:` with a reason in content/{}/references.yaml (see docs/references.md)",
                        self.index.slug
                    )),
                );
            }
        }
        for run in &runs {
            for phrase in find_phrases(&source[run.clone()]) {
                let range = shift(phrase.range(), run.start);
                let phrase_text = &source[range.clone()];
                covered.push(range.clone());
                if let Some(reason) = self.suppressed(place, phrase_text) {
                    self.report.suppressed.push(SuppressedPhrase {
                        phrase: phrase_text.to_string(),
                        unit: place.unit.clone(),
                        location: location_in(text, &source, range.start).to_string(),
                        reason,
                    });
                    continue;
                }
                self.phrase(place, text, &source, run.start, phrase, &mut annotations);
            }
        }
        self.explicit(place, text, &source, &runs, &mut covered, &mut annotations);
        self.terms(place, &source, &runs, &mut covered, &mut annotations);
        if !place.editorial {
            for run in &runs {
                for (range, force) in obligations::find(&source[run.clone()], &self.lang) {
                    let range = shift(range, run.start);
                    if !overlaps(&covered, &range) {
                        *self
                            .report
                            .obligations
                            .entry(force.class().to_string())
                            .or_default() += 1;
                        annotations.push(Annotation {
                            range,
                            kind: AnnotationKind::Obligation(force),
                        });
                    }
                }
            }
        }
        annotations.sort_by_key(|a| a.range.start);
        text.annotations = annotations;
    }

    fn count(&mut self, kind: &str) {
        *self.report.counts.entry(kind.to_string()).or_default() += 1;
    }

    fn phrase(
        &mut self,
        place: &Place,
        text: &Text,
        source: &str,
        offset: usize,
        phrase: Phrase,
        annotations: &mut Vec<Annotation>,
    ) {
        match phrase {
            Phrase::External { range, code, .. } => {
                let code_text = &source[shift(code, offset)];
                let key = code_key(code_text);
                let entry = self.entries.iter().find(|e| e.key.matches(&key));
                let hosted = entry.and_then(|e| e.hosted.clone()).or_else(|| {
                    self.hosted
                        .iter()
                        .find(|(k, _)| k.matches(&key))
                        .map(|(_, slug)| slug.clone())
                });
                let range = shift(range, offset);
                if entry.is_none() && hosted.is_none() {
                    self.unresolved(
                        text,
                        source,
                        range.start,
                        code_text,
                        "this standard is not in the document's normative references and not on this site",
                    );
                    return;
                }
                self.count("standard");
                annotations.push(Annotation {
                    range,
                    kind: AnnotationKind::Standard {
                        entry: entry.map(|e| e.anchor.clone()),
                        hosted,
                    },
                });
            }
            Phrase::Local { targets, .. } => {
                for target in targets {
                    match target {
                        Target::Single(piece) => {
                            let range = shift(piece.range, offset);
                            match self.index.lookup(&piece.name, &place.clause) {
                                Ok(anchor) => {
                                    self.count(kind_name(&piece.name));
                                    self.links.push((anchor.clone(), place.clause.clone()));
                                    annotations.push(Annotation {
                                        range,
                                        kind: AnnotationKind::Ref { anchor },
                                    });
                                }
                                Err(why) => {
                                    let phrase = source[range.clone()].to_string();
                                    self.unresolved(text, source, range.start, &phrase, &why);
                                }
                            }
                        }
                        Target::Range { from, to } => {
                            let from_range = shift(from.range, offset);
                            let to_range = shift(to.range, offset);
                            let whole = from_range.start..to_range.end;
                            let phrase = source[whole.clone()].to_string();
                            let members = match self.index.lookup_range(
                                &from.name,
                                &to.name,
                                &place.clause,
                            ) {
                                Ok(members) => members,
                                Err(why) => {
                                    self.unresolved(text, source, whole.start, &phrase, &why);
                                    continue;
                                }
                            };
                            let (Some(from_anchor), Some(to_anchor)) =
                                (members.first().cloned(), members.last().cloned())
                            else {
                                continue;
                            };
                            self.count("range");
                            for member in &members {
                                self.links.push((member.clone(), place.clause.clone()));
                            }
                            annotations.push(Annotation {
                                range: whole,
                                kind: AnnotationKind::Range {
                                    from: from_range,
                                    from_anchor,
                                    to: to_range,
                                    to_anchor,
                                    members,
                                },
                            });
                        }
                    }
                }
            }
        }
    }

    fn unresolved(&mut self, text: &Text, source: &str, offset: usize, phrase: &str, why: &str) {
        let location = location_in(text, source, offset);
        self.report
            .unresolved
            .push(format!("{location}: {phrase}: {why}"));
        self.diags.push(
            Diagnostic::error(location, format!("unresolved reference `{phrase}`: {why}"))
                .with_hint(format!(
                    "if the phrase is not a reference to this document, or its target is missing from the source, list it under `suppress:` with a reason in content/{}/references.yaml (see docs/references.md)",
                    self.index.slug
                )),
        );
    }

    fn suppressed(&mut self, place: &Place, phrase: &str) -> Option<String> {
        let (i, entry) = self.config.suppress.iter().enumerate().find(|(_, s)| {
            s.phrase == phrase
                && (s.unit == place.unit || s.unit == place.clause)
                && s.lang.as_deref().is_none_or(|l| l == self.lang)
        })?;
        self.used_suppressions.insert(i);
        Some(entry.reason.clone())
    }

    /// Author-written links `[text](ref:anchor)`: the anchor must exist.
    fn author_links(
        &mut self,
        links: &[(String, usize)],
        source: &str,
        place: &Place,
        text: &Text,
    ) {
        for (anchor, start) in links {
            if self.index.has(anchor) {
                self.count("explicit");
                self.links.push((anchor.clone(), place.clause.clone()));
            } else {
                let location = location_in(text, source, *start);
                self.diags.push(
                    Diagnostic::error(
                        location,
                        format!("explicit reference to `{anchor}`, which is not an anchor of this document"),
                    )
                    .with_hint("write `[text](ref:<anchor>)` with an anchor from docs/content-format.md, e.g. `ref:7.1.4-a`"),
                );
            }
        }
    }

    /// Explicit references from references.yaml: a phrase in a unit that
    /// detection cannot decide, with its target.
    fn explicit(
        &mut self,
        place: &Place,
        text: &Text,
        source: &str,
        runs: &[Range<usize>],
        covered: &mut Vec<Range<usize>>,
        annotations: &mut Vec<Annotation>,
    ) {
        for (i, entry) in self.config.explicit.iter().enumerate() {
            if entry.unit != place.unit
                || entry.lang.as_deref().is_some_and(|l| l != self.lang)
                || self.used_explicit.contains(&i)
            {
                continue;
            }
            let Some(range) = find_free(source, runs, covered, &entry.phrase) else {
                continue;
            };
            self.used_explicit.insert(i);
            if !self.index.has(&entry.target) {
                let location = location_in(text, source, range.start);
                self.diags.push(
                    Diagnostic::error(
                        location,
                        format!(
                            "explicit reference `{}` points to `{}`, which is not an anchor of this document",
                            entry.phrase, entry.target
                        ),
                    )
                    .with_hint(format!("correct `target:` in {}", self.config.file.display())),
                );
                continue;
            }
            self.count("explicit");
            self.links
                .push((entry.target.clone(), place.clause.clone()));
            covered.push(range.clone());
            annotations.push(Annotation {
                range,
                kind: AnnotationKind::Ref {
                    anchor: entry.target.clone(),
                },
            });
        }
    }

    fn terms(
        &mut self,
        place: &Place,
        source: &str,
        runs: &[Range<usize>],
        covered: &mut Vec<Range<usize>>,
        annotations: &mut Vec<Annotation>,
    ) {
        for i in self.term_order.clone() {
            let term = &self.glossary[i];
            if place.clause == term.anchor
                || place.editorial
                || self.terms_in_clause.contains(&(place.clause.clone(), i))
            {
                continue;
            }
            let found = if self.lang == "zh" {
                find_free(source, runs, covered, &term.term)
            } else {
                find_free_word(source, runs, covered, &term.term)
            };
            if let Some(range) = found {
                self.terms_in_clause.insert((place.clause.clone(), i));
                self.term_uses[i] += 1;
                self.report.terms_linked += 1;
                covered.push(range.clone());
                annotations.push(Annotation {
                    range,
                    kind: AnnotationKind::Term {
                        anchor: term.anchor.clone(),
                    },
                });
            }
        }
    }

    fn report_unused_config(&mut self, slug: &str) {
        for (i, s) in self.config.suppress.iter().enumerate() {
            if !self.used_suppressions.contains(&i)
                && s.lang.as_deref().is_none_or(|l| l == self.lang)
            {
                self.diags.push(
                    Diagnostic::warning(
                        s.location.clone(),
                        format!("suppression of `{}` in `{}` matches no phrase of {slug} ({})", s.phrase, s.unit, self.lang),
                    )
                    .with_hint("the text or the grammar changed: remove the entry or correct `in:` and `phrase:`"),
                );
            }
        }
        for (i, e) in self.config.explicit.iter().enumerate() {
            if !self.used_explicit.contains(&i) && e.lang.as_deref().is_none_or(|l| l == self.lang)
            {
                self.diags.push(
                    Diagnostic::warning(
                        e.location.clone(),
                        format!(
                            "explicit reference `{}` in `{}` matches no text of {slug} ({})",
                            e.phrase, e.unit, self.lang
                        ),
                    )
                    .with_hint(
                        "correct `in:` and `phrase:` so they name a unit and a phrase in its text",
                    ),
                );
            }
        }
    }
}

fn longest_first(glossary: &[GlossaryEntry]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..glossary.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(glossary[i].term.chars().count()));
    order
}

fn kind_name(name: &Name) -> &'static str {
    match name {
        Name::Clause(n) if !n.contains('.') => "chapter",
        Name::Clause(_) => "clause",
        Name::Annex(_) => "annex",
        Name::Table(_) => "table",
        Name::Figure(_) => "figure",
        Name::Item { .. } => "item",
        Name::Level(_) => "level",
        Name::Numbered(_) => "numbered-item",
    }
}

fn shift(range: Range<usize>, by: usize) -> Range<usize> {
    range.start + by..range.end + by
}

fn overlaps(covered: &[Range<usize>], range: &Range<usize>) -> bool {
    covered
        .iter()
        .any(|c| c.start < range.end && range.start < c.end)
}

/// The first occurrence of `needle` inside a plain run, not overlapping
/// anything already annotated.
fn find_free(
    source: &str,
    runs: &[Range<usize>],
    covered: &[Range<usize>],
    needle: &str,
) -> Option<Range<usize>> {
    for run in runs {
        let text = &source[run.clone()];
        for (i, _) in text.match_indices(needle) {
            let range = run.start + i..run.start + i + needle.len();
            if !overlaps(covered, &range) {
                return Some(range);
            }
        }
    }
    None
}

/// Like [`find_free`], case-insensitive and on word boundaries (English terms).
fn find_free_word(
    source: &str,
    runs: &[Range<usize>],
    covered: &[Range<usize>],
    needle: &str,
) -> Option<Range<usize>> {
    let needle = needle.to_ascii_lowercase();
    for run in runs {
        let text = source[run.clone()].to_ascii_lowercase();
        for (i, _) in text.match_indices(&needle) {
            let before = text[..i].chars().next_back();
            let after = text[i + needle.len()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
            let range = run.start + i..run.start + i + needle.len();
            if boundary(before) && boundary(after) && !overlaps(covered, &range) {
                return Some(range);
            }
        }
    }
    None
}

/// The file position of byte `offset` of a text's prepared source.
fn location_in(text: &Text, source: &str, offset: usize) -> Location {
    let before = &source[..offset.min(source.len())];
    let newlines = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count();
    let mut location = text.location.clone();
    location.line += newlines;
    location.column = if newlines == 0 {
        location.column + column
    } else {
        column + 1
    };
    location
}
