//! Other standards: the normative-references list of a document, and
//! matching a mention of a code however it is written (— or -, ∕ or /,
//! with or without spaces, with or without the year).

use serde::Serialize;

use super::grammar::{Phrase, find_phrases};
use crate::model::{Block, Document, inline};

/// A standard's code reduced to a comparable key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CodeKey {
    /// "GB/T32914": issuer and number, no spaces, ASCII slash.
    pub base: String,
    /// "2023" when the year is given.
    pub year: Option<String>,
}

pub fn code_key(code: &str) -> CodeKey {
    let mut s: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '∕' | '／' => '/',
            '—' | '－' | '–' => '-',
            other => other.to_ascii_uppercase(),
        })
        .collect();
    let mut year = None;
    if let Some((base, y)) = s.rsplit_once('-')
        && y.len() == 4
        && y.chars().all(|c| c.is_ascii_digit())
        && base.chars().any(|c| c.is_ascii_digit())
    {
        year = Some(y.to_string());
        s = base.to_string();
    }
    // Hosted documents' codes use ":" before the year ("CCRC-ISV-C01:2025").
    if year.is_none()
        && let Some((base, y)) = s.rsplit_once(':')
        && y.len() == 4
        && y.chars().all(|c| c.is_ascii_digit())
    {
        year = Some(y.to_string());
        s = base.to_string();
    }
    CodeKey { base: s, year }
}

impl CodeKey {
    /// A mention matches an entry when the bases agree and, if both give a
    /// year, the years agree.
    pub fn matches(&self, other: &CodeKey) -> bool {
        self.base == other.base
            && match (&self.year, &other.year) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// One entry of a document's normative references.
#[derive(Clone, Debug, Serialize)]
pub struct ReferenceEntry {
    pub code: String,
    pub key: CodeKey,
    /// The anchor of the paragraph or list item that lists it.
    pub anchor: String,
    /// The slug of the site document with this code, if the site hosts it.
    pub hosted: Option<String>,
}

/// Is this the normative-references clause?
pub fn is_references_title(title: &str) -> bool {
    title.contains("规范性引用文件") || title.to_ascii_lowercase().contains("normative references")
}

/// The entries of the normative-references clause: each paragraph or list
/// item that starts with a standard's code.
pub fn normative_references(doc: &Document, hosted: &[(CodeKey, String)]) -> Vec<ReferenceEntry> {
    let mut out = Vec::new();
    for clause in doc.all_clauses() {
        let title = clause.title.as_ref().map_or("", |t| t.markdown.as_str());
        if !is_references_title(title) {
            continue;
        }
        let mut texts = Vec::new();
        for block in &clause.blocks {
            match block {
                Block::Paragraph { anchor, text } => texts.push((anchor.clone(), text)),
                Block::List { items } => {
                    for item in items {
                        if let Some(anchor) = &item.anchor {
                            texts.push((anchor.clone(), &item.text));
                        }
                    }
                }
                _ => {}
            }
        }
        for (anchor, text) in texts {
            let source = inline::prepare(&text.markdown);
            let leading = source.trim_start();
            let offset = source.len() - leading.len();
            if let Some(Phrase::External { code, .. }) = find_phrases(leading)
                .into_iter()
                .next()
                .filter(|p| p.range().start == 0)
            {
                let code_text = source[offset + code.start..offset + code.end].to_string();
                let key = code_key(&code_text);
                let hosted_slug = hosted
                    .iter()
                    .find(|(k, _)| k.matches(&key))
                    .map(|(_, slug)| slug.clone());
                out.push(ReferenceEntry {
                    code: code_text,
                    key,
                    anchor,
                    hosted: hosted_slug,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_a_code_match() {
        let a = code_key("GB/T 30283—2022");
        let b = code_key("GB/T 30283-2022");
        let c = code_key("GB/T30283");
        assert_eq!(a, b);
        assert!(a.matches(&c));
        assert!(!a.matches(&code_key("GB/T 30283—2008")));
        assert_eq!(
            code_key("T∕CIIPA 00007").base,
            code_key("T/CIIPA 00007").base
        );
        assert_eq!(code_key("CCRC-ISV-C01:2025").year.as_deref(), Some("2025"));
        assert_eq!(code_key("CCRC-ISV-C01:2025").base, "CCRC-ISV-C01");
    }
}
