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
use crate::exact::Num;
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
    /// Finds every term's Chinese in one pass (pattern `i` is `terms[i]`);
    /// `None` without terms.
    finder: Option<aho_corasick::AhoCorasick>,
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
    let finder = match aho_corasick::AhoCorasick::new(terms.iter().map(|t| &t.zh)) {
        Ok(finder) => Some(finder),
        Err(e) => {
            return Err(Diagnostic::error(
                crate::diag::Location::file(&file.path),
                format!("the termbase's terms cannot be searched for: {e}"),
            )
            .with_hint("shorten or split the longest terms"));
        }
    };
    Ok(Termbase { terms, finder })
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
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        // Each term's occurrences, left to right, none overlapping another
        // of the same term (as `str::match_indices` finds them).
        let mut occurrences: Vec<Vec<std::ops::Range<usize>>> = vec![Vec::new(); self.terms.len()];
        for m in finder.find_overlapping_iter(original) {
            let mine = &mut occurrences[m.pattern().as_usize()];
            if mine.last().is_none_or(|last| last.end <= m.start()) {
                mine.push(m.range());
            }
        }
        // Longest term first: a shorter term inside a longer one found
        // there is not found again.
        let mut taken = vec![false; original.len()];
        let mut used: Vec<&Term> = Vec::new();
        for (term, spans) in self.terms.iter().zip(occurrences) {
            let mut found = false;
            for span in spans {
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

/// A wording of the translation that contradicts the original beyond
/// terms: a bound the original includes that the translation excludes
/// ("6个月以上" as "more than 6 months"), or a prohibition worded "may not".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misrendering {
    /// What the original says ("6个月以上", "不可").
    pub zh: String,
    /// What the translation says instead ("more than 6", "may not").
    pub found: String,
    /// The English forms to use instead.
    pub want: &'static str,
    /// Why ("以上 includes its number").
    pub why: String,
}

/// Bounds that include their number, with the English that says so.
const INCLUSIVE_AT_LEAST: &str = "\"N or more\", \"at least N\", \"no fewer than N\"";
const INCLUSIVE_AT_MOST: &str = "\"N or less\", \"at most N\", \"not more than N\"";

/// Chinese words before a number that bound it: (word, includes the number,
/// is a lower bound). The scan reads left to right and steps over a word it
/// matched, so the 超过 of 不超过 is not read again as a bound of its own.
const ZH_BEFORE: &[(&str, bool, bool)] = &[
    ("不少于", true, true),
    ("不低于", true, true),
    ("不小于", true, true),
    ("不超过", true, false),
    ("不多于", true, false),
    ("不高于", true, false),
    ("不大于", true, false),
    ("未超过", true, false),
    ("至少", true, true),
    ("最少", true, true),
    ("至多", true, false),
    ("最多", true, false),
    ("不足", false, false),
    ("未满", false, false),
    ("超过", false, true),
    ("多于", false, true),
    ("大于", false, true),
    ("高于", false, true),
    ("少于", false, false),
    ("小于", false, false),
    ("低于", false, false),
];

/// Chinese words after a number (and its measure word) that bound it.
const ZH_AFTER: &[(&str, bool)] = &[("以上", true), ("以下", false)];

/// English wordings that exclude the number they bound.
const EN_EXCLUSIVE: &[&str] = &[
    "more than",
    "greater than",
    "higher than",
    "longer than",
    "less than",
    "fewer than",
    "lower than",
    "shorter than",
    "over",
    "above",
    "under",
    "below",
    "exceeding",
];

/// Words that may stand between an English bound and its number.
const EN_CURRENCY: &[&str] = &["rmb", "cny", "¥", "yuan"];

fn is_zh_numeral(c: char) -> bool {
    "〇零一二两三四五六七八九十百千万亿".contains(c)
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == ',' || is_zh_numeral(c)
}

/// The value of a number as Chinese writes it: `6`, `2.5`, `500 万`, `一`,
/// `十五`, `三千`, `1万`. Spaces and thousands separators are ignored.
fn zh_number(text: &str) -> Option<Num> {
    let text: String = text.chars().filter(|c| *c != ' ' && *c != ',').collect();
    if text.is_empty() {
        return None;
    }
    let digit = |c: char| match c {
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let mut total = Num::zero(); // completed 万/亿 groups
    let mut section = Num::zero(); // below the current 万
    let mut current: Option<Num> = None; // the digits just read
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() || c == '.' {
            let mut arabic = String::new();
            while let Some(&d) = chars.peek() {
                if !(d.is_ascii_digit() || d == '.') {
                    break;
                }
                arabic.push(d);
                chars.next();
            }
            current = Some(arabic.parse().ok()?);
            continue;
        }
        chars.next();
        if let Some(d) = digit(c) {
            current = Some(Num::integer(d));
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            '亿' => 100_000_000,
            _ => return None,
        };
        let value = current.take();
        if unit >= 10_000 {
            let group = section.add(&value.unwrap_or_else(Num::zero));
            let group = if group.is_zero() {
                Num::integer(1)
            } else {
                group
            };
            total = total.add(&group.mul(&Num::integer(unit)));
            section = Num::zero();
        } else {
            let value = value.unwrap_or_else(|| Num::integer(1));
            section = section.add(&value.mul(&Num::integer(unit)));
        }
    }
    let value = total.add(&section).add(&current.unwrap_or_else(Num::zero));
    Some(value)
}

/// A bound of the original: its words, its number, whether it includes the
/// number.
struct Bound {
    text: String,
    word: &'static str,
    value: Num,
    inclusive: bool,
    at_least: bool,
}

/// The numeric bounds of a Chinese text: 不少于 15, 3 年以上, 一个月以上,
/// 二级及以上, 超过 5 (which excludes 5).
fn zh_bounds(text: &str) -> Vec<Bound> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        if let Some(&(word, inclusive, at_least)) =
            ZH_BEFORE.iter().find(|(w, ..)| rest.starts_with(w))
        {
            let after = &rest[word.len()..];
            let number: String = after
                .chars()
                .take_while(|c| is_number_char(*c) || *c == ' ')
                .collect();
            if let Some(value) = zh_number(number.trim()) {
                out.push(Bound {
                    text: format!("{word}{}", number.trim_end()),
                    word,
                    value,
                    inclusive,
                    at_least,
                });
            }
            pos += word.len();
            continue;
        }
        if let Some(&(word, at_least)) = ZH_AFTER.iter().find(|(w, _)| rest.starts_with(w))
            && let Some(bound) = bound_before(text, pos, word, at_least)
        {
            out.push(bound);
        }
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// The number (with up to four characters of measure word, and 及 or 或)
/// before 以上 / 以下 at `pos`: "3 年以上", "6个月以上", "二级及以上". A
/// 以上 with no number before it ("以上要求", "the above") is no bound.
fn bound_before(text: &str, pos: usize, word: &'static str, at_least: bool) -> Option<Bound> {
    let before = &text[..pos];
    let mut chars = before.char_indices().rev().peekable();
    if let Some(&(_, c)) = chars.peek()
        && (c == '及' || c == '或')
    {
        chars.next();
    }
    let mut measure = 0;
    while let Some(&(_, c)) = chars.peek() {
        if is_number_char(c) || c == ' ' || measure == 4 {
            break;
        }
        if !c.is_alphabetic() {
            return None;
        }
        measure += 1;
        chars.next();
    }
    let mut start = None;
    while let Some(&(i, c)) = chars.peek() {
        if !(is_number_char(c) || c == ' ') {
            break;
        }
        start = Some(i);
        chars.next();
    }
    let start = start?;
    let numeral_end = before[start..]
        .char_indices()
        .find(|(_, c)| !(is_number_char(*c) || *c == ' '))
        .map_or(before.len(), |(i, _)| start + i);
    let value = zh_number(before[start..numeral_end].trim())?;
    let after = &text[pos + word.len()..];
    // "5年以上（不含5年）" excludes its number.
    let inclusive = !(after.starts_with("（不含") || after.starts_with("(不含"));
    Some(Bound {
        text: format!("{}{word}", before[start..].trim_start()),
        word,
        value,
        inclusive,
        at_least,
    })
}

/// The value of an English number at the start of `words`: "6", "2.5",
/// "5,000,000", "one", "twelve", "5 million"; with how many words it took.
fn en_number(words: &[&str]) -> Option<(Num, usize)> {
    const SMALL: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    let first = words.first()?.trim_end_matches('%');
    let value = if first.starts_with(|c: char| c.is_ascii_digit()) {
        first.replace(',', "").trim_end_matches('.').parse().ok()?
    } else {
        let n = SMALL.iter().position(|w| *w == first)?;
        Num::integer(i64::try_from(n).ok()?)
    };
    let scale = match words.get(1).copied() {
        Some("hundred") => Some(100),
        Some("thousand") => Some(1000),
        Some("million") => Some(1_000_000),
        Some("billion") => Some(1_000_000_000),
        _ => None,
    };
    Some(match scale {
        Some(s) => (value.mul(&Num::integer(s)), 2),
        None => (value, 1),
    })
}

/// English bounds that exclude their number ("more than 6", "over RMB 5
/// million"), unless negated ("no more than 6", "does not, in principle,
/// exceed 30%"): the wording and the value.
fn en_exclusive_bounds(text: &str) -> Vec<(String, Num)> {
    let lowered = text.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|c: char| c.is_whitespace() || "();:\"“”".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    // Each word without the comma or semicolon that may follow it.
    let bare: Vec<&str> = words
        .iter()
        .map(|w| w.trim_end_matches([',', ';']))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let found = EN_EXCLUSIVE.iter().find_map(|phrase| {
            let len = phrase.split(' ').count();
            (len <= words.len() - i
                && phrase.split(' ').zip(&bare[i..]).all(|(p, w)| p == *w)
                // "over" and "under" end their phrase; "more, than" is not one.
                && !words[i + len - 1].ends_with([',', ';']))
            .then_some(len)
        });
        let Some(len) = found else {
            i += 1;
            continue;
        };
        let negated = (i.saturating_sub(3)..i)
            .any(|k| matches!(bare[k], "no" | "not" | "never") || words[k].ends_with("n't"));
        let mut j = i + len;
        while j < words.len() && EN_CURRENCY.contains(&bare[j]) {
            j += 1;
        }
        let number_words = &bare[j.min(words.len())..(j + 2).min(words.len())];
        if !negated && let Some((value, taken)) = en_number(number_words) {
            let shown = bare[i..j + taken].join(" ");
            out.push((shown, value));
        }
        i += len;
    }
    out
}

/// Wordings of `translation` that contradict `original` (Chinese into
/// English): a bound the original includes (以上, 以下, 不少于, 不超过 …
/// with a number) rendered with an English form that excludes the number,
/// and a prohibition (不可, 不得, 不应, 禁止, 严禁) rendered "may not",
/// which ISO/IEC Directives Part 2 (7.2) forbids: a prohibition is "shall not".
pub fn misrenderings(original: &str, translation: &str) -> Vec<Misrendering> {
    let mut out = Vec::new();
    let bounds = zh_bounds(original);
    for (found, value) in en_exclusive_bounds(translation) {
        let excluded_too = bounds.iter().any(|b| !b.inclusive && b.value == value);
        if excluded_too {
            continue;
        }
        if let Some(bound) = bounds.iter().find(|b| b.inclusive && b.value == value) {
            out.push(Misrendering {
                zh: bound.text.clone(),
                found,
                why: format!("{} includes its number", bound.word),
                want: if bound.at_least {
                    INCLUSIVE_AT_LEAST
                } else {
                    INCLUSIVE_AT_MOST
                },
            });
        }
    }
    const PROHIBITIONS: &[&str] = &["不可", "不得", "不应", "不准", "禁止", "严禁"];
    if let Some(word) = PROHIBITIONS.iter().find(|w| original.contains(**w))
        && has_word(&normalise(translation), "may not")
    {
        out.push(Misrendering {
            zh: (*word).to_string(),
            found: "may not".into(),
            want: "\"shall not\"",
            why: format!(
                "{word} is a prohibition, and ISO/IEC Directives Part 2 (7.2) words a prohibition \"shall not\", never \"may not\""
            ),
        });
    }
    out
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

    const NONE: [(String, String); 0] = [];

    fn found(original: &str, translation: &str) -> Vec<(String, String)> {
        misrenderings(original, translation)
            .into_iter()
            .map(|m| (m.zh, m.found))
            .collect()
    }

    #[test]
    fn chinese_numbers_are_read_with_their_multipliers() {
        for (text, value) in [
            ("6", 6),
            ("一", 1),
            ("十", 10),
            ("十五", 15),
            ("二十", 20),
            ("三千", 3000),
            ("500 万", 5_000_000),
            ("一万五千", 15_000),
            ("2,000", 2000),
        ] {
            assert_eq!(zh_number(text), Some(Num::integer(value)), "{text}");
        }
        assert_eq!(zh_number("2.5万"), Some(Num::integer(25_000)));
        assert_eq!(zh_number(""), None);
        assert_eq!(zh_number("5.1.2"), None);
    }

    // ccrc-isv-c01 4.1.3 a) and 4.2.3 a), as they were translated.
    #[test]
    fn yishang_rendered_more_than_is_reported() {
        assert_eq!(
            found(
                "a) 从事信息安全服务（与申报类别一致）6个月以上。",
                "a) Has been engaged in information security services (matching the application category) for more than 6 months."
            ),
            [("6个月以上".to_string(), "more than 6".to_string())]
        );
        assert_eq!(
            found(
                "a) 从事信息安全服务（与申报类别一致）3年以上，或取得信息安全服务（与申报类别一致）三级1年以上。",
                "a) Has been engaged in information security services (matching the application category) for more than 3 years, or has held Level 3 in information security services (matching the application category) for more than 1 year."
            ),
            [
                ("3年以上".to_string(), "more than 3".to_string()),
                ("1年以上".to_string(), "more than 1".to_string())
            ]
        );
        // csi-grading C.3.5.2 a): a number written in Chinese.
        assert_eq!(
            found(
                "a) 应提供一个月以上的试运行记录；",
                "a) Trial operation records covering more than one month shall be provided;"
            ),
            [("一个月以上".to_string(), "more than one".to_string())]
        );
        // The same bound in money, and the lower side.
        assert_eq!(
            found(
                "注册资金 500 万元以上",
                "registered capital of over RMB 5 million"
            ),
            [("500 万元以上".to_string(), "over rmb 5 million".to_string())]
        );
        assert_eq!(
            found("不超过 30%", "less than 30%").len()
                + found("3人以下", "fewer than 3 people").len(),
            2
        );
    }

    #[test]
    fn inclusive_renderings_pass() {
        for (original, translation) in [
            (
                "a) 从事信息安全服务（与申报类别一致）6个月以上。",
                "for 6 months or more.",
            ),
            (
                "a) 应提供一个月以上的试运行记录；",
                "covering at least one month",
            ),
            // cii-service-capability 6.3 g) and e), csi-grading I.3.3.1 c): negated exclusive forms.
            (
                "g） 驻场服务人员每年或单个项目服务期间更换比例原则上不超过 30%；",
                "The replacement rate ... does not, in principle, exceed 30%;",
            ),
            (
                "e） 具有不少于 15 人",
                "Have not fewer than 15 technical and managerial staff",
            ),
            (
                "日志留存不少于六个月",
                "Logs shall be retained for no less than six months",
            ),
            ("二级及以上", "Level 2 or above"),
        ] {
            assert_eq!(found(original, translation), NONE, "{original}");
        }
    }

    #[test]
    fn exclusive_chinese_and_bounds_without_a_number_are_left_alone() {
        // 超过 excludes its number: "more than" is right.
        assert_eq!(found("超过5年", "more than 5 years"), NONE);
        assert_eq!(found("5年以上（不含5年）", "more than 5 years"), NONE);
        // 以上 with no number before it is "the above".
        assert_eq!(found("以上要求，共3项", "more than 3 of the above"), NONE);
        // A different number is a different bound.
        assert_eq!(found("3年以上", "over 2 sites, for 3 years or more"), NONE);
    }

    // csi-grading K.4.3.2 b), as it was translated.
    #[test]
    fn a_prohibition_rendered_may_not_is_reported() {
        let zh = "b) 应设立专职的数据保护官，不可兼任；";
        assert_eq!(
            found(
                zh,
                "b) A full-time data protection officer shall be appointed, and the post may not be held concurrently with another;"
            ),
            [("不可".to_string(), "may not".to_string())]
        );
        assert_eq!(
            found(
                zh,
                "b) A full-time data protection officer shall be appointed, and the post shall not be held concurrently with another;"
            ),
            NONE
        );
        // Without a prohibition in the original there is nothing to contradict.
        assert_eq!(found("可兼任", "may not"), NONE);
    }
}
