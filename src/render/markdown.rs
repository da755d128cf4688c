//! Inline Markdown and TeX to HTML, with pulldown-cmark and pulldown-latex.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::{RenderConfig, Storage};
use regex::Regex;

/// Block-level syntax at the start of a text that must stay literal: the
/// structure was already read by the model stage, so "1. …" or "- …" here is
/// text, not a list.
static LEADING_BLOCK_SYNTAX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*)(\d+)([.)])(\s|$)|^(\s*)([#>+*-])").expect("static regex"));

fn escape_leading_block_syntax(text: &str) -> String {
    LEADING_BLOCK_SYNTAX
        .replace(text, |caps: &regex::Captures| {
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
        .into_owned()
}

/// Renders one piece of inline Markdown (a paragraph, list item, cell or
/// title) to HTML without the surrounding `<p>`.
pub fn inline_html(markdown: &str) -> String {
    let source = escape_leading_block_syntax(markdown);
    let options = Options::ENABLE_MATH | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(&source, options).filter_map(|event| match event {
        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => None,
        Event::InlineMath(tex) => Some(Event::InlineHtml(CowStr::from(mathml(&tex, false)))),
        Event::DisplayMath(tex) => Some(Event::InlineHtml(CowStr::from(mathml(&tex, true)))),
        // Only line breaks are allowed as raw HTML; anything else is shown as text.
        Event::Html(html) | Event::InlineHtml(html) => {
            if is_line_break(&html) {
                Some(Event::InlineHtml(CowStr::from("<br>")))
            } else {
                Some(Event::Text(html))
            }
        }
        Event::SoftBreak => Some(Event::Text(CowStr::from(" "))),
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out.trim_end().to_string()
}

fn is_line_break(html: &str) -> bool {
    matches!(
        html.trim().to_ascii_lowercase().as_str(),
        "<br>" | "<br/>" | "<br />"
    )
}

/// TeX to MathML Core.
pub fn mathml(tex: &str, display: bool) -> String {
    let storage = Storage::new();
    let parser = pulldown_latex::Parser::new(tex, &storage);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut out = String::new();
    if pulldown_latex::push_mathml(&mut out, parser, config).is_err() {
        // push_mathml only fails on a failing writer, which a String is not.
        out.clear();
    }
    escape_token_text(&out)
}

/// pulldown-latex writes the characters of a token unescaped, so a `<`
/// relation becomes `<mo><</mo>`, which breaks the HTML around it.
fn escape_token_text(mathml: &str) -> String {
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(<(mo|mi|mn|mtext)(?: [^>]*)?>)([^<]*?|<|<=)(</(?:mo|mi|mn|mtext)>)")
            .expect("static regex")
    });
    TOKEN
        .replace_all(mathml, |caps: &regex::Captures| {
            let text = caps.get(3).map_or("", |m| m.as_str());
            let escaped = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!(
                "{}{}{}",
                caps.get(1).map_or("", |m| m.as_str()),
                escaped,
                caps.get(4).map_or("", |m| m.as_str())
            )
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_has_no_paragraph_wrapper() {
        assert_eq!(inline_html("应**满足**要求"), "应<strong>满足</strong>要求");
    }

    #[test]
    fn text_is_escaped_and_raw_html_is_not_trusted() {
        assert_eq!(
            inline_html("a < b & <script>x</script>"),
            "a &lt; b &amp; &lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(inline_html("一<br>二"), "一<br>二");
    }

    #[test]
    fn leading_numbers_and_dashes_stay_text() {
        assert_eq!(inline_html("1. 开展漏洞分析"), "1. 开展漏洞分析");
        assert_eq!(inline_html("- 项"), "- 项");
        assert_eq!(inline_html("2017年6月1日"), "2017年6月1日");
    }

    #[test]
    fn relations_in_math_are_escaped() {
        let html = mathml("x < 65", false);
        assert!(!html.contains("<mo><</mo>"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    #[test]
    fn math_becomes_mathml() {
        let html = inline_html(r"分值 $\frac{a}{b}\geq 65$");
        assert!(html.contains("<math"), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
    }
}
