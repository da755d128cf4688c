//! How inline Markdown is read: shared by the resolve stage (which finds
//! phrases in plain text) and the render stage (which turns them into
//! links), so that both agree on byte offsets.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

/// Block-level syntax at the start of a text that must stay literal: the
/// structure was already read by the model stage, so "1. …" or "- …" here is
/// text, not a list.
static LEADING_BLOCK_SYNTAX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)(\d+)([.)])(\s|$)|^(\s*)([#>+*-])").expect("static regex"));

/// The Markdown source as it is given to the inline parser. Annotation
/// offsets are offsets into this string.
pub fn prepare(markdown: &str) -> Cow<'_, str> {
    LEADING_BLOCK_SYNTAX.replace(markdown, |caps: &regex::Captures| {
        if let Some(digits) = caps.get(2) {
            format!(
                "{}{}\\{}{}",
                caps.get(1).map_or("", |m| m.as_str()),
                digits.as_str(),
                caps.get(3).map_or("", |m| m.as_str()),
                caps.get(4).map_or("", |m| m.as_str())
            )
        } else {
            format!(
                "{}\\{}",
                caps.get(5).map_or("", |m| m.as_str()),
                caps.get(6).map_or("", |m| m.as_str())
            )
        }
    })
}

pub fn options() -> Options {
    Options::ENABLE_MATH | Options::ENABLE_STRIKETHROUGH
}

/// What one read of a text's inline Markdown finds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Ranges of the source that are literal plain text outside links:
    /// where references, terms and obligation words may be found. Adjacent
    /// text events are merged.
    pub runs: Vec<Range<usize>>,
    /// Author-written `[text](ref:anchor)` links: the anchor and where the
    /// link starts.
    pub ref_links: Vec<(String, usize)>,
    /// Where each `[K.4.3.1](as-printed:)` starts: a number an editorial
    /// note quotes as the source prints it, which is not a reference.
    pub as_printed: Vec<usize>,
}

/// The link destination that marks its text as a number quoted as the
/// source prints it (a misprint an editorial note talks about): shown as
/// plain text and never read as a reference.
pub const AS_PRINTED: &str = "as-printed:";

/// Reads `source` (as returned by [`prepare`]) once.
pub fn scan(source: &str) -> Scan {
    let mut scan = Scan::default();
    let runs = &mut scan.runs;
    let mut in_link = 0usize;
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                in_link += 1;
                if let Some(anchor) = dest_url.strip_prefix("ref:") {
                    scan.ref_links.push((anchor.to_string(), range.start));
                } else if &*dest_url == AS_PRINTED {
                    scan.as_printed.push(range.start);
                }
            }
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Text(text) if in_link == 0 && source.get(range.clone()) == Some(&*text) => {
                match runs.last_mut() {
                    Some(last) if last.end == range.start => last.end = range.end,
                    _ => runs.push(range),
                }
            }
            _ => {}
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_skip_markup_links_and_code() {
        let src = "见 **7.1** 和 [附录 A](ref:A) 及 `B.1`，表1。";
        let found = scan(src);
        let runs: Vec<&str> = found.runs.into_iter().map(|r| &src[r]).collect();
        assert_eq!(runs, ["见 ", "7.1", " 和 ", " 及 ", "，表1。"]);
        let link_start = src.find('[').expect("link");
        assert_eq!(found.ref_links, [("A".to_string(), link_start)]);
    }

    #[test]
    fn as_printed_numbers_are_not_scanned() {
        let src = "编号却为[K.4.3.1](as-printed:)，应为K.4.2.1";
        let found = scan(src);
        let runs: Vec<&str> = found.runs.into_iter().map(|r| &src[r]).collect();
        assert_eq!(runs, ["编号却为", "，应为K.4.2.1"]);
        assert_eq!(found.as_printed, [src.find('[').expect("link")]);
        assert!(found.ref_links.is_empty());
    }

    #[test]
    fn leading_list_syntax_is_escaped() {
        assert_eq!(prepare("1. 文本"), "1\\. 文本");
        assert_eq!(prepare("- 文本"), "\\- 文本");
    }
}
