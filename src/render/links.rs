//! Turning annotations into links: URLs of anchors, and the theme's inline
//! templates (`templates/inline/*.html`) filled in without a full template
//! render per link.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use pulldown_cmark_escape::{escape_href, escape_html};
use tera::{Context, Tera};

use crate::model::{Annotation, AnnotationKind, Document};

/// An inline template, rendered once with placeholders and then filled by
/// substitution: links are many, and each is a few bytes of markup.
#[derive(Clone, Debug)]
pub struct MicroTemplate {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
enum Piece {
    Literal(String),
    Slot(usize),
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl MicroTemplate {
    pub fn compile(tera: &Tera, name: &str, vars: &[&'static str]) -> Result<Self, tera::Error> {
        let mut context = Context::new();
        for (i, var) in vars.iter().enumerate() {
            context.insert(*var, &format!("{OPEN}{i}{CLOSE}"));
        }
        let rendered = tera.render(name, &context)?;
        let mut pieces = Vec::new();
        let mut rest = rendered.as_str();
        while let Some(start) = rest.find(OPEN) {
            pieces.push(Piece::Literal(rest[..start].to_string()));
            let after = &rest[start + OPEN.len_utf8()..];
            let Some(end) = after.find(CLOSE) else {
                break;
            };
            let index = after[..end].parse().unwrap_or(usize::MAX);
            pieces.push(Piece::Slot(index));
            rest = &after[end + CLOSE.len_utf8()..];
        }
        pieces.push(Piece::Literal(rest.to_string()));
        Ok(MicroTemplate { pieces })
    }

    /// Fills the slots with values that are already HTML.
    pub fn fill(&self, values: &[&str]) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Slot(i) => out.push_str(values.get(*i).copied().unwrap_or("")),
            }
        }
        out
    }
}

/// The theme's inline templates.
#[derive(Clone, Debug)]
pub struct InlineTemplates {
    reference: MicroTemplate,
    range: MicroTemplate,
    standard: MicroTemplate,
    term: MicroTemplate,
    obligation: MicroTemplate,
    /// A run of text in another language than its surroundings.
    foreign: MicroTemplate,
}

impl InlineTemplates {
    pub fn load(tera: &Tera) -> Result<Self, tera::Error> {
        Ok(InlineTemplates {
            reference: MicroTemplate::compile(tera, "inline/ref.html", &["href", "text"])?,
            range: MicroTemplate::compile(
                tera,
                "inline/range.html",
                &[
                    "from_href",
                    "from_text",
                    "op",
                    "to_href",
                    "to_text",
                    "members",
                    "label",
                ],
            )?,
            standard: MicroTemplate::compile(tera, "inline/standard.html", &["href", "text"])?,
            term: MicroTemplate::compile(tera, "inline/term.html", &["href", "text", "label"])?,
            obligation: MicroTemplate::compile(
                tera,
                "inline/obligation.html",
                &["class", "text", "label"],
            )?,
            foreign: MicroTemplate::compile(tera, "inline/foreign.html", &["lang", "text"])?,
        })
    }
}

/// Where each anchor of a document lives: the top-level clause whose page holds it.
/// The URL of `anchor` in the document whose cover is at `doc_url`, given
/// the page each anchor lives on ([`pages_of`]): the page itself for a
/// top-level clause, the page and a fragment for what is inside one.
pub fn anchor_url(doc_url: &str, pages: &BTreeMap<String, String>, anchor: &str) -> String {
    match pages.get(anchor) {
        Some(top) if top == anchor => format!("{doc_url}{top}/"),
        Some(top) => format!("{doc_url}{top}/#{anchor}"),
        None => format!("{doc_url}#{anchor}"),
    }
}

pub fn pages_of(doc: &Document) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for top in &doc.clauses {
        for clause in top.walk() {
            out.insert(clause.anchor.clone(), top.anchor.clone());
            for unit in crate::model::block_units(&clause.blocks) {
                out.insert(unit.anchor.to_string(), top.anchor.clone());
            }
        }
    }
    out
}

/// Makes URLs and inline markup for one document's pages.
#[derive(Clone, Copy)]
pub struct Linker<'a> {
    /// The site's base path, ending in `/`.
    pub base: &'a str,
    pub slug: &'a str,
    pub pages: &'a BTreeMap<String, String>,
    pub templates: &'a InlineTemplates,
    pub strings: &'a BTreeMap<String, String>,
    /// Slug → the URL of each hosted standard in this language.
    pub hosted: &'a BTreeMap<String, String>,
    /// In a translation: the language tag to mark runs of Chinese with
    /// (names given in the original beside their translation).
    pub foreign_tag: Option<&'a str>,
}

fn html(text: &str) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, text);
    out
}

fn href(url: &str) -> String {
    let mut out = String::new();
    let _ = escape_href(&mut out, url);
    out
}

/// Matches a run of Chinese: a Han character, then Han characters and CJK
/// punctuation.
static CHINESE_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{Han}[\p{Han}\u{3000}-\u{303F}\u{FF01}-\u{FF0F}\u{FF1A}-\u{FF1F}]*")
        .expect("static regex")
});

/// `text` as HTML with each run of Chinese wrapped in the theme's
/// `inline/foreign.html` with `tag`; `None` if it has no Chinese.
pub fn mark_foreign(templates: &InlineTemplates, tag: &str, text: &str) -> Option<String> {
    if !CHINESE_RUN.is_match(text) {
        return None;
    }
    let mut out = String::new();
    let mut pos = 0;
    for m in CHINESE_RUN.find_iter(text) {
        out.push_str(&html(&text[pos..m.start()]));
        out.push_str(&templates.foreign.fill(&[tag, &html(m.as_str())]));
        pos = m.end();
    }
    out.push_str(&html(&text[pos..]));
    Some(out)
}

/// `text` as HTML, with Chinese marked when `tag` is given.
pub fn text_html(templates: &InlineTemplates, tag: Option<&str>, text: &str) -> String {
    tag.and_then(|tag| mark_foreign(templates, tag, text))
        .unwrap_or_else(|| html(text))
}

impl<'a> Linker<'a> {
    /// This document's cover in the current edition.
    pub fn doc_url(&self) -> String {
        format!("{}standards/{}/", self.base, self.slug)
    }

    /// The URL of an anchor of this document.
    pub fn url(&self, anchor: &str) -> String {
        anchor_url(&self.doc_url(), self.pages, anchor)
    }

    /// Plain text as HTML, with runs of Chinese in a translation marked with
    /// their language (`None` when nothing needs marking).
    pub fn mark_foreign(&self, text: &str) -> Option<String> {
        mark_foreign(self.templates, self.foreign_tag?, text)
    }

    fn string<'s>(&'s self, key: &'s str) -> &'s str {
        self.strings.get(key).map_or(key, String::as_str)
    }

    pub fn annotation(&self, source: &str, a: &Annotation) -> String {
        let text = html(&source[a.range.clone()]);
        match &a.kind {
            AnnotationKind::Ref { anchor } => self
                .templates
                .reference
                .fill(&[&href(&self.url(anchor)), &text]),
            AnnotationKind::Range {
                from,
                from_anchor,
                to,
                to_anchor,
                members,
            } => {
                let members_html: Vec<String> = members
                    .iter()
                    .map(|m| {
                        // A numbered item of a form ("item-64") is shown by its number.
                        let label = m.strip_prefix("item-").unwrap_or(m);
                        self.templates
                            .reference
                            .fill(&[&href(&self.url(m)), &html(label)])
                    })
                    .collect();
                self.templates.range.fill(&[
                    &href(&self.url(from_anchor)),
                    &html(&source[from.clone()]),
                    &html(&source[from.end..to.start]),
                    &href(&self.url(to_anchor)),
                    &html(&source[to.clone()]),
                    &members_html.join(" "),
                    &html(self.string("range_members")),
                ])
            }
            AnnotationKind::Standard { entry, hosted } => {
                let url = match (entry, hosted) {
                    (Some(anchor), _) => self.url(anchor),
                    (None, Some(slug)) => match self.hosted.get(slug) {
                        Some(url) => url.clone(),
                        None => return text,
                    },
                    (None, None) => return text,
                };
                self.templates.standard.fill(&[&href(&url), &text])
            }
            AnnotationKind::Term { anchor } => self.templates.term.fill(&[
                &href(&self.url(anchor)),
                &text,
                &html(self.string("term_definition")),
            ]),
            AnnotationKind::Obligation(force) => {
                let label_key = format!("force_{}", force.class().replace('-', "_"));
                self.templates.obligation.fill(&[
                    force.class(),
                    &text,
                    &html(self.string(&label_key)),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_templates_fill_their_slots() {
        let mut tera = Tera::default();
        tera.add_raw_template("t.html", r#"<a href="{{ href }}">{{ text }}</a>"#)
            .expect("template");
        let t = MicroTemplate::compile(&tera, "t.html", &["href", "text"]).expect("compile");
        assert_eq!(
            t.fill(&["/x/#7.1", "第 7.1 条"]),
            r#"<a href="/x/#7.1">第 7.1 条</a>"#
        );
    }
}
