//! Inline Markdown and TeX to HTML, with pulldown-cmark and pulldown-latex.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::{RenderConfig, Storage};
use regex::Regex;

use super::links::Linker;
use crate::model::{Annotation, Text, inline};

/// Renders one piece of inline Markdown (a paragraph, list item, cell or
/// title) to HTML without the surrounding `<p>`, with no annotations.
pub fn inline_html(markdown: &str) -> String {
    render_inline(markdown, &[], None)
}

/// Renders a text with its annotations (links, terms, obligation words).
pub fn text_html(text: &Text, linker: &Linker) -> String {
    render_inline(&text.markdown, &text.annotations, Some(linker))
}

fn render_inline(markdown: &str, annotations: &[Annotation], linker: Option<&Linker>) -> String {
    let source = inline::prepare(markdown);
    let mut events: Vec<Event> = Vec::new();
    let mut pending: Option<std::ops::Range<usize>> = None;
    let mut in_link = 0usize;
    // Per open link: whether it is an `as-printed:` mark, shown as its text alone.
    let mut printed: Vec<bool> = Vec::new();
    for (event, range) in Parser::new_ext(&source, inline::options()).into_offset_iter() {
        let plain = in_link == 0
            && matches!(&event, Event::Text(t) if source.get(range.clone()) == Some(&**t));
        if plain {
            pending = match pending.take() {
                Some(run) if run.end == range.start => Some(run.start..range.end),
                Some(run) => {
                    flush(&source, run, annotations, linker, &mut events);
                    Some(range)
                }
                None => Some(range),
            };
            continue;
        }
        if let Some(run) = pending.take() {
            flush(&source, run, annotations, linker, &mut events);
        }
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link += 1;
                let as_printed = &*dest_url == inline::AS_PRINTED;
                printed.push(as_printed);
                if as_printed {
                    continue;
                }
                // `[text](ref:7.1.4)`: an author's explicit reference.
                let dest_url = match (dest_url.strip_prefix("ref:"), linker) {
                    (Some(anchor), Some(linker)) => CowStr::from(linker.url(anchor)),
                    _ => dest_url,
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                if !printed.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::InlineMath(tex) => {
                events.push(Event::InlineHtml(CowStr::from(mathml(&tex, false))))
            }
            Event::DisplayMath(tex) => {
                events.push(Event::InlineHtml(CowStr::from(mathml(&tex, true))))
            }
            // Only line breaks are allowed as raw HTML; anything else is shown as text.
            Event::Html(html) | Event::InlineHtml(html) => {
                if is_line_break(&html) {
                    events.push(Event::InlineHtml(CowStr::from("<br>")));
                } else {
                    events.push(Event::Text(html));
                }
            }
            Event::SoftBreak => events.push(Event::Text(CowStr::from(" "))),
            other => events.push(other),
        }
    }
    if let Some(run) = pending.take() {
        flush(&source, run, annotations, linker, &mut events);
    }
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out.trim_end().to_string()
}

/// Emits one run of plain text, with the annotations inside it rendered.
fn flush<'s>(
    source: &'s str,
    run: std::ops::Range<usize>,
    annotations: &[Annotation],
    linker: Option<&Linker>,
    events: &mut Vec<Event<'s>>,
) {
    let mut pos = run.start;
    if let Some(linker) = linker {
        for a in annotations
            .iter()
            .filter(|a| a.range.start >= run.start && a.range.end <= run.end)
        {
            if a.range.start < pos {
                continue;
            }
            if a.range.start > pos {
                push_text(&source[pos..a.range.start], Some(linker), events);
            }
            events.push(Event::InlineHtml(CowStr::from(
                linker.annotation(source, a),
            )));
            pos = a.range.end;
        }
    }
    if pos < run.end {
        push_text(&source[pos..run.end], linker, events);
    }
}

/// Plain text, with Chinese in a translation marked with its language.
fn push_text<'s>(text: &'s str, linker: Option<&Linker>, events: &mut Vec<Event<'s>>) {
    match linker.and_then(|l| l.mark_foreign(text)) {
        Some(html) => events.push(Event::InlineHtml(CowStr::from(html))),
        None => events.push(Event::Text(CowStr::Borrowed(text))),
    }
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
    fn as_printed_marks_are_plain_text() {
        assert_eq!(
            inline_html("编号却为[K.4.3.1](as-printed:)，见[附录](https://example.org/)"),
            "编号却为K.4.3.1，见<a href=\"https://example.org/\">附录</a>"
        );
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
