//! The termbase (`content/termbase.yaml`): how recurring Chinese terms are
//! rendered in English, checked unit by unit.
//!
//! ```yaml
//! terms:
//!   - zh: 服务机构
//!     en: service provider
//!     also: [provider]        # other accepted renderings (optional)
//!     note: why, or how to use it (optional)
//! ```
//!
//! A unit whose original uses a term must use one of the term's renderings.
//! Matching is by longest term first, so 网络安全服务机构 is one term, not
//! 网络安全 plus 服务机构. English matches ignore case and hyphens and start
//! at a word boundary, so "service providers" and "Service-provider" count.

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::model::parse::SourceFile;
use crate::yaml;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    terms: Vec<Term>,
}

#[derive(Clone, Debug, Default)]
pub struct Termbase {
    /// Longest Chinese term first.
    terms: Vec<Term>,
}

pub fn parse(file: &SourceFile) -> Result<Termbase, Diagnostic> {
    let parsed: FileFormat = yaml::from_file_text(&file.text, &file.path)?;
    let mut terms = parsed.terms;
    for term in &terms {
        if term.zh.trim().is_empty() || term.en.trim().is_empty() {
            let line = file
                .text
                .lines()
                .position(|l| l.contains(&term.zh) && !term.zh.is_empty())
                .map_or(1, |i| i + 1);
            return Err(Diagnostic::error(
                crate::diag::Location::new(&file.path, line, 1),
                "a termbase entry has an empty `zh` or `en`",
            )
            .with_hint("give both the Chinese term and its English rendering"));
        }
    }
    terms.sort_by(|a, b| {
        b.zh.chars()
            .count()
            .cmp(&a.zh.chars().count())
            .then_with(|| a.zh.cmp(&b.zh))
    });
    terms.dedup_by(|a, b| a.zh == b.zh);
    Ok(Termbase { terms })
}

/// Lower case, hyphens as spaces, runs of white space as one space.
fn normalise(text: &str) -> String {
    let lowered = text
        .to_lowercase()
        .replace(['-', '\u{2010}', '\u{2011}'], " ");
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `needle` occurs in `haystack` at the start of a word.
fn has_word(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(i, _)| {
        haystack[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

impl Termbase {
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms the original uses that the translation renders otherwise.
    pub fn mismatches<'t>(&'t self, original: &str, translation: &str) -> Vec<&'t Term> {
        let mut taken = vec![false; original.len()];
        let mut used: Vec<&Term> = Vec::new();
        for term in &self.terms {
            let mut found = false;
            for (i, m) in original.match_indices(term.zh.as_str()) {
                let span = i..i + m.len();
                if taken[span.clone()].iter().any(|t| *t) {
                    continue;
                }
                taken[span].iter_mut().for_each(|t| *t = true);
                found = true;
            }
            if found {
                used.push(term);
            }
        }
        if used.is_empty() {
            return used;
        }
        let translation = normalise(translation);
        used.retain(|term| {
            !std::iter::once(&term.en)
                .chain(&term.also)
                .any(|form| has_word(&translation, &normalise(form)))
        });
        used.sort_by(|a, b| a.zh.cmp(&b.zh));
        used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn termbase() -> Termbase {
        parse(&SourceFile {
            path: "termbase.yaml".into(),
            text: "terms:\n  - { zh: 服务机构, en: service provider, also: [provider] }\n  - { zh: 网络安全服务机构, en: cybersecurity service provider }\n  - { zh: 网络安全, en: cybersecurity }\n  - { zh: 等级, en: grade }\n".into(),
        })
        .expect("termbase")
    }

    #[test]
    fn renderings_match_whatever_the_case_hyphens_or_plural() {
        let tb = termbase();
        assert!(
            tb.mismatches("服务机构应", "Service-Providers shall")
                .is_empty()
        );
        assert!(tb.mismatches("服务机构应", "The provider shall").is_empty());
        let found = tb.mismatches("服务机构应", "The organization shall");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].en, "service provider");
    }

    #[test]
    fn the_longest_term_wins() {
        let tb = termbase();
        // 网络安全服务机构 is one term; 网络安全 and 服务机构 inside it are not checked.
        assert!(
            tb.mismatches("网络安全服务机构", "cybersecurity service provider")
                .is_empty()
        );
        let found = tb.mismatches("网络安全服务机构和网络安全", "security firms and networks");
        let zh: Vec<&str> = found.iter().map(|t| t.zh.as_str()).collect();
        assert_eq!(zh, ["网络安全", "网络安全服务机构"]);
    }

    #[test]
    fn words_match_only_at_their_start() {
        let tb = termbase();
        assert_eq!(tb.mismatches("等级", "an upgrade").len(), 1);
        assert!(tb.mismatches("等级", "the grades").is_empty());
    }
}
