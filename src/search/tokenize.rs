//! Text normalisation and tokenisation shared by the index and the browser
//! client (`themes/default/static/search-core.js` implements the same rules;
//! `tests/browser/fixtures/search/vectors.json` holds the cases both check).
//!
//! Normalisation, one character at a time (so offsets map back to the text):
//! full-width ASCII forms (U+FF01–U+FF5E) become ASCII, the ideographic space
//! becomes a space, and a character whose lower case is one character (of
//! the same UTF-16 length) is lower-cased.
//!
//! Characters then fall in three classes: *CJK* (Han ideographs, kana, 〇),
//! *word* (any other alphabetic or numeric character) and *separators*
//! (everything else). A CJK run yields every character (unigram) and every
//! pair of neighbours (bigram); a word run yields its prefixes of 1 to
//! [`MAX_PREFIX`] characters. So "络安" finds "网络安全", "北" finds "北京",
//! "cyber" finds "Cybersecurity" and "YJ-0062" finds "CSI-2021-YJ-0062"
//! (as the words "yj" and "0062").

/// The longest word prefix indexed; longer query words are looked up by
/// their first `MAX_PREFIX` characters and checked against the text.
pub const MAX_PREFIX: usize = 12;

/// The class of a (normalised) character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    Cjk,
    Word,
    Separator,
}

/// One character normalised: full-width forms to ASCII, lower case.
pub fn normalise_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        // Same UTF-16 length, so offsets in the browser map back unchanged.
        (Some(l), None) if l.len_utf16() == c.len_utf16() => l,
        _ => c,
    }
}

/// Normalises a whole text (same length in characters as the input).
pub fn normalise(text: &str) -> String {
    text.chars().map(normalise_char).collect()
}

pub fn char_class(c: char) -> CharClass {
    let cp = c as u32;
    let cjk = matches!(cp,
        0x3007 | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0x20000..=0x323AF);
    if cjk {
        CharClass::Cjk
    } else if c.is_alphanumeric() {
        CharClass::Word
    } else {
        CharClass::Separator
    }
}

/// A maximal run of normalised characters of one class (CJK or word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub class: CharClass,
    pub chars: Vec<char>,
}

/// The CJK and word runs of a text, in order, after normalisation.
pub fn runs(text: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut current: Option<Run> = None;
    for c in text.chars().map(normalise_char) {
        let class = char_class(c);
        match (&mut current, class) {
            (_, CharClass::Separator) => {
                if let Some(run) = current.take() {
                    out.push(run);
                }
            }
            (Some(run), class) if run.class == class => run.chars.push(c),
            (_, class) => {
                if let Some(run) = current.take() {
                    out.push(run);
                }
                current = Some(Run {
                    class,
                    chars: vec![c],
                });
            }
        }
    }
    if let Some(run) = current {
        out.push(run);
    }
    out
}

/// A run found in a normalised text: its class and the byte offset of each
/// character, then of the run's end (so `bounds.len()` is characters + 1).
struct Span {
    class: CharClass,
    bounds: Vec<usize>,
}

fn spans(norm: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut current: Option<Span> = None;
    for (at, c) in norm.char_indices() {
        let class = char_class(c);
        match &mut current {
            Some(span) if span.class == class => span.bounds.push(at),
            _ => {
                if let Some(mut span) = current.take() {
                    span.bounds.push(at);
                    out.push(span);
                }
                if class != CharClass::Separator {
                    current = Some(Span {
                        class,
                        bounds: vec![at],
                    });
                }
            }
        }
    }
    if let Some(mut span) = current {
        span.bounds.push(norm.len());
        out.push(span);
    }
    out
}

fn span_tokens(span: &Span, out: &mut Vec<(usize, usize)>) {
    let b = &span.bounds;
    let chars = b.len() - 1;
    match span.class {
        CharClass::Cjk => {
            for i in 0..chars {
                out.push((b[i], b[i + 1]));
                if i + 2 <= chars {
                    out.push((b[i], b[i + 2]));
                }
            }
        }
        CharClass::Word => {
            for len in 1..=chars.min(MAX_PREFIX) {
                out.push((b[0], b[len]));
            }
        }
        CharClass::Separator => {}
    }
}

/// The tokens of a *normalised* text as byte ranges of it, in order of
/// appearance: what [`index_tokens`] returns, without allocating each.
pub fn index_token_ranges(norm: &str, out: &mut Vec<(usize, usize)>) {
    for span in spans(norm) {
        span_tokens(&span, out);
    }
}

/// [`start_tokens`] as byte ranges of a normalised text.
pub fn start_token_ranges(norm: &str, out: &mut Vec<(usize, usize)>) {
    if let Some(span) = spans(norm).first() {
        match span.class {
            CharClass::Cjk => {
                let b = &span.bounds;
                out.push((b[0], b[1]));
                if b.len() > 2 {
                    out.push((b[0], b[2]));
                }
            }
            _ => span_tokens(span, out),
        }
    }
}

fn ranges_to_strings(norm: &str, ranges: &[(usize, usize)]) -> Vec<String> {
    ranges
        .iter()
        .map(|&(a, b)| norm[a..b].to_string())
        .collect()
}

/// Every token of a text, as indexed: CJK unigrams and bigrams, word
/// prefixes. In order of appearance, duplicates kept.
pub fn index_tokens(text: &str) -> Vec<String> {
    let norm = normalise(text);
    let mut ranges = Vec::new();
    index_token_ranges(&norm, &mut ranges);
    ranges_to_strings(&norm, &ranges)
}

/// The tokens that mark the start of a field (for ranking matches at the
/// start of a name first): the first unigram and bigram of a leading CJK
/// run, or every prefix of a leading word.
pub fn start_tokens(text: &str) -> Vec<String> {
    let norm = normalise(text);
    let mut ranges = Vec::new();
    start_token_ranges(&norm, &mut ranges);
    ranges_to_strings(&norm, &ranges)
}

/// The tokens to look up for one query term: the bigrams of each CJK run
/// (its one character when a run has one), and each word's prefix of at most
/// [`MAX_PREFIX`] characters. A record holding the term holds every token.
pub fn query_tokens(term: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for run in runs(term) {
        match run.class {
            CharClass::Cjk if run.chars.len() == 1 => out.push(run.chars[0].to_string()),
            CharClass::Cjk => {
                for pair in run.chars.windows(2) {
                    out.push(pair.iter().collect());
                }
            }
            _ => out.push(
                run.chars[..run.chars.len().min(MAX_PREFIX)]
                    .iter()
                    .collect(),
            ),
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|t| seen.insert(t.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_and_case_are_normalised() {
        assert_eq!(normalise("ＣＳＩ－２０２１　Ab"), "csi-2021 ab");
        // Characters whose lower case is longer stay as they are.
        assert_eq!(normalise("İ"), "İ");
        assert_eq!(normalise("网络"), "网络");
    }

    #[test]
    fn classes() {
        assert_eq!(char_class('网'), CharClass::Cjk);
        assert_eq!(char_class('カ'), CharClass::Cjk);
        assert_eq!(char_class('a'), CharClass::Word);
        assert_eq!(char_class('9'), CharClass::Word);
        assert_eq!(char_class('é'), CharClass::Word);
        assert_eq!(char_class('-'), CharClass::Separator);
        assert_eq!(char_class('，'), CharClass::Separator);
        assert_eq!(char_class('（'), CharClass::Separator);
    }

    #[test]
    fn cjk_runs_give_unigrams_and_bigrams() {
        assert_eq!(
            index_tokens("网络安全"),
            ["网", "网络", "络", "络安", "安", "安全", "全"]
        );
        // Punctuation breaks runs; a lone character is one unigram.
        assert_eq!(index_tokens("北京（东）"), ["北", "北京", "京", "东"]);
    }

    #[test]
    fn words_give_prefixes_and_mixed_text_splits_by_class() {
        assert_eq!(index_tokens("Ab-9"), ["a", "ab", "9"]);
        assert_eq!(
            index_tokens("CSI-2021-YJ-0062"),
            [
                "c", "cs", "csi", "2", "20", "202", "2021", "y", "yj", "0", "00", "006", "0062"
            ]
        );
        assert_eq!(index_tokens("ISO27001认证"), {
            let mut v: Vec<String> = (1..=8).map(|n| "iso27001"[..n].to_string()).collect();
            v.extend(["认", "认证", "证"].map(String::from));
            v
        });
        let long = index_tokens("Cybersecuritytechnology");
        assert_eq!(long.len(), MAX_PREFIX);
        assert_eq!(long.last().map(String::as_str), Some("cybersecurit"));
    }

    #[test]
    fn query_tokens_are_bigrams_unigrams_and_prefixes() {
        assert_eq!(query_tokens("络安"), ["络安"]);
        assert_eq!(query_tokens("网络安全"), ["网络", "络安", "安全"]);
        assert_eq!(query_tokens("北"), ["北"]);
        assert_eq!(query_tokens("YJ-0062"), ["yj", "0062"]);
        assert_eq!(query_tokens("Cybersecuritytechnology"), ["cybersecurit"]);
        assert_eq!(query_tokens("ＣＳＩ－２０２１"), ["csi", "2021"]);
        assert_eq!(query_tokens("安全安全"), ["安全", "全安"]);
        assert!(query_tokens("—，").is_empty());
    }

    #[test]
    fn every_query_token_of_a_substring_is_indexed() {
        let text = "北溟示例网络安全技术有限公司 Beiming Example Cybersecurity CSI-2021-YJ-0062";
        let indexed = index_tokens(text);
        for term in [
            "络安",
            "北溟示例",
            "司",
            "cyber",
            "beim",
            "yj-0062",
            "csi-2021",
        ] {
            for t in query_tokens(term) {
                assert!(indexed.contains(&t), "{term}: {t}");
            }
        }
    }

    #[test]
    fn start_tokens_mark_the_first_run() {
        assert_eq!(start_tokens("  北溟示例"), ["北", "北溟"]);
        assert_eq!(start_tokens("北"), ["北"]);
        assert_eq!(start_tokens("Bei ming"), ["b", "be", "bei"]);
        assert!(start_tokens("——").is_empty());
    }
}
