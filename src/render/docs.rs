//! Documentation pages of the site (the API reference, the registry file
//! format): whole Markdown documents, with every heading given an id, a
//! table of contents, and fenced code highlighted at build time by syntect
//! into `<span>`s with CSS classes (no inline styles, no JavaScript).
//!
//! The sources are the tool's own docs, compiled into the binary
//! ([`SOURCES`]): the API and file format they describe are the tool's, so
//! every site built with it documents them.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use rayon::prelude::*;
use serde::Serialize;
use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class names are prefixed so they cannot meet the theme's own classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The light theme the colours come from, made to meet WCAG AA contrast.
const THEME: &str = "InspiredGitHub";

/// syntect's bundled grammars, loaded once on first use (only builds that
/// render a documentation page pay for it).
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// One documentation page's source, in one language.
#[derive(Debug, Clone, Copy)]
pub struct DocSource {
    /// The page's key under the language root: `docs/<slug>/`.
    pub slug: &'static str,
    /// Language code of the text (`zh`, `en`).
    pub lang: &'static str,
    pub markdown: &'static str,
}

/// The documentation pages, each in Chinese and English.
pub const SOURCES: &[DocSource] = &[
    DocSource {
        slug: "api",
        lang: "zh",
        markdown: include_str!("../../docs/api.zh.md"),
    },
    DocSource {
        slug: "api",
        lang: "en",
        markdown: include_str!("../../docs/api.md"),
    },
    DocSource {
        slug: "registry-format",
        lang: "zh",
        markdown: include_str!("../../docs/registry.zh.md"),
    },
    DocSource {
        slug: "registry-format",
        lang: "en",
        markdown: include_str!("../../docs/registry.md"),
    },
];

/// A rendered page: `doc.html` gets it as `doc`.
#[derive(Debug, Clone, Serialize)]
pub struct DocHtml {
    /// The text of the first level-1 heading (not repeated in `html`).
    pub title: String,
    pub html: String,
    /// Level-2 headings, each with its level-3 headings.
    pub toc: Vec<TocEntry>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub id: String,
    pub text: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("the document has no level-1 heading to title the page")]
    NoTitle,
    #[error("cannot highlight a `{lang}` code block: {message}")]
    Highlight { lang: String, message: String },
    #[error("cannot make the highlighting stylesheet: {0}")]
    Theme(String),
}

/// Renders one Markdown document.
pub fn render_doc(markdown: &str) -> Result<DocHtml, DocError> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut title: Option<String> = None;
    let mut toc: Vec<TocEntry> = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<Event> = Vec::new();
    // A heading or code block being collected.
    let mut heading: Option<(HeadingLevel, Vec<Event>, String)> = None;
    let mut code: Option<(String, String)> = None;
    // The heading a table is under names its scrolling region.
    let mut section = String::new();
    for event in Parser::new_ext(markdown, options) {
        if let Some((lang, text)) = &mut code {
            match event {
                Event::End(TagEnd::CodeBlock) => {
                    let html = highlight(text, lang)?;
                    out.push(Event::Html(CowStr::from(html)));
                    code = None;
                }
                Event::Text(t) => text.push_str(&t),
                _ => {}
            }
            continue;
        }
        if let Some((level, inner, text)) = &mut heading {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    let level = *level;
                    let text = text.trim().to_string();
                    let inner = std::mem::take(inner);
                    heading = None;
                    if level == HeadingLevel::H1 && title.is_none() {
                        section = text.clone();
                        title = Some(text);
                        continue;
                    }
                    let id = unique_id(&slug(&text), &mut ids);
                    section = text.clone();
                    match level {
                        HeadingLevel::H2 => toc.push(TocEntry {
                            id: id.clone(),
                            text,
                            children: Vec::new(),
                        }),
                        HeadingLevel::H3 => {
                            if let Some(parent) = toc.last_mut() {
                                parent.children.push(TocEntry {
                                    id: id.clone(),
                                    text,
                                    children: Vec::new(),
                                });
                            }
                        }
                        _ => {}
                    }
                    out.push(Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id)),
                        classes: Vec::new(),
                        attrs: Vec::new(),
                    }));
                    out.extend(inner);
                    out.push(Event::End(TagEnd::Heading(level)));
                }
                Event::Text(t) => {
                    text.push_str(&t);
                    inner.push(Event::Text(t));
                }
                Event::Code(t) => {
                    text.push_str(&t);
                    inner.push(Event::Code(t));
                }
                other => inner.push(safe(other)),
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, Vec::new(), String::new()))
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            // Wide tables scroll inside the page, not the page itself.
            Event::Start(Tag::Table(alignments)) => {
                let mut label = String::new();
                let _ = escape_html(&mut label, &section);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\">"
                ))));
                out.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            other => out.push(safe(other)),
        }
    }
    let title = title.ok_or(DocError::NoTitle)?;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Ok(DocHtml { title, html, toc })
}

/// Raw HTML in a document is shown as text; links keep their targets.
fn safe(event: Event) -> Event {
    match event {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    }
}

/// An id from a heading's text: lower case, letters and digits of any
/// script kept, everything else folded into single hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if hyphen && !out.is_empty() {
                out.push('-');
            }
            hyphen = false;
            out.extend(c.to_lowercase());
        } else {
            hyphen = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

fn unique_id(base: &str, used: &mut BTreeSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// A code block: highlighted when its language is one syntect knows,
/// escaped text otherwise. The block scrolls sideways, so it takes focus
/// for keyboard users.
fn highlight(code: &str, lang: &str) -> Result<String, DocError> {
    let mut escaped_lang = String::new();
    let _ = escape_href(&mut escaped_lang, lang);
    let syntax = (!lang.is_empty())
        .then(|| SYNTAXES.find_syntax_by_token(lang))
        .flatten();
    let body = match syntax {
        Some(syntax) => {
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .map_err(|e| DocError::Highlight {
                        lang: lang.to_string(),
                        message: e.to_string(),
                    })?;
            }
            generator.finalize()
        }
        None => {
            let mut s = String::new();
            let _ = escape_html(&mut s, code);
            s
        }
    };
    let class = if escaped_lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{escaped_lang}\"")
    };
    Ok(format!(
        "<pre class=\"hl-code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n"
    ))
}

/// WCAG relative luminance of a colour.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// `fg` darkened step by step until it reads on `bg` at 4.5:1 (WCAG AA
/// for normal text). The theme is light, so darkening always gets there.
fn readable(fg: Color, bg: Color) -> Color {
    let mut c = fg;
    for _ in 0..64 {
        if contrast(c, bg) >= 4.5 {
            break;
        }
        let darker = |v: u8| (f64::from(v) * 0.9).floor() as u8;
        c = Color {
            r: darker(c.r),
            g: darker(c.g),
            b: darker(c.b),
            a: c.a,
        };
    }
    c
}

/// The theme the stylesheet is made from, with every foreground colour
/// readable on its background.
fn theme() -> Result<Theme, DocError> {
    let mut themes = ThemeSet::load_defaults();
    let mut theme = themes
        .themes
        .remove(THEME)
        .ok_or_else(|| DocError::Theme(format!("syntect has no theme `{THEME}`")))?;
    let white = Color::WHITE;
    let page = theme.settings.background.unwrap_or(white);
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(readable(fg, page));
    }
    for item in &mut theme.scopes {
        let bg = item.style.background.unwrap_or(page);
        if let Some(fg) = item.style.foreground {
            item.style.foreground = Some(readable(fg, bg));
        }
    }
    Ok(theme)
}

/// The documentation pages of the languages `langs` (in [`SOURCES`]
/// order, `None` for a language not wanted) and the highlighting
/// stylesheet. They owe nothing to the site, so a build makes them beside
/// the standards' pages, the pages in parallel.
pub struct RenderedDocs {
    pub pages: Vec<Option<Result<DocHtml, DocError>>>,
    pub css: Result<String, DocError>,
}

pub fn render_all(langs: &[&str]) -> RenderedDocs {
    let (pages, css) = rayon::join(
        || {
            SOURCES
                .par_iter()
                .map(|source| {
                    langs
                        .contains(&source.lang)
                        .then(|| render_doc(source.markdown))
                })
                .collect()
        },
        highlight_css,
    );
    RenderedDocs { pages, css }
}

/// The stylesheet for highlighted code (`static/highlight.css`): the
/// colours of each class, and the code block's box. Light only: the site
/// has no dark scheme for the code to follow.
pub fn highlight_css() -> Result<String, DocError> {
    let theme = theme()?;
    let mut css = css_for_theme_with_class_style(&theme, CLASS_STYLE)
        .map_err(|e| DocError::Theme(e.to_string()))?;
    css.push_str(
        "\npre.hl-code { overflow-x: auto; padding: .75rem 1rem; border: 1px solid #d0d7de; border-radius: 6px; line-height: 1.45; font-size: .9rem; }\n\
         pre.hl-code:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }\n\
         pre.hl-code code { font-family: ui-monospace, \"SFMono-Regular\", Menlo, Consolas, monospace; }\n",
    );
    Ok(css)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn headings_get_ids_and_a_toc() {
        let doc = render_doc(
            "# The API\n\nIntro.\n\n## Endpoints\n\n### `GET /api/v1/index.json`\n\n## 字段 说明\n\n## Endpoints\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.title, "The API");
        assert!(!doc.html.contains("<h1"));
        assert!(
            doc.html.contains("<h2 id=\"endpoints\">Endpoints</h2>"),
            "{}",
            doc.html
        );
        assert!(
            doc.html.contains(
                "<h3 id=\"get-api-v1-index-json\"><code>GET /api/v1/index.json</code></h3>"
            ),
            "{}",
            doc.html
        );
        assert!(doc.html.contains("<h2 id=\"字段-说明\">"));
        assert!(doc.html.contains("<h2 id=\"endpoints-2\">"));
        let top: Vec<(&str, &str)> = doc
            .toc
            .iter()
            .map(|e| (e.id.as_str(), e.text.as_str()))
            .collect();
        assert_eq!(
            top,
            [
                ("endpoints", "Endpoints"),
                ("字段-说明", "字段 说明"),
                ("endpoints-2", "Endpoints")
            ]
        );
        assert_eq!(doc.toc[0].children[0].text, "GET /api/v1/index.json");
        assert!(matches!(
            render_doc("## No title\n"),
            Err(DocError::NoTitle)
        ));
    }

    #[test]
    fn code_is_highlighted_with_classes_and_no_styles() {
        let doc = render_doc(
            "# T\n\n```yaml\nregion: beijing   # a comment\nstaff: 48\n```\n\n```json\n{\"a\": [1, \"<b>\"]}\n```\n\n```text\n<script>x</script>\n```\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let html = &doc.html;
        assert!(
            html.contains("<pre class=\"hl-code\" tabindex=\"0\"><code class=\"language-yaml\">")
        );
        assert!(html.contains("class=\"hl-source hl-yaml\""), "{html}");
        assert!(html.contains("hl-comment"), "{html}");
        assert!(html.contains("hl-constant hl-numeric"), "{html}");
        assert!(html.contains("class=\"hl-source hl-json\""), "{html}");
        assert!(!html.contains("style="));
        // Text is escaped, in highlighted and plain blocks alike.
        assert!(html.contains("&lt;b&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
    }

    #[test]
    fn tables_scroll_in_a_region_named_by_their_section() {
        let doc = render_doc("# T\n\n## Fields & types\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            doc.html.contains(
                "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Fields &amp; types\"><table>"
            ),
            "{}",
            doc.html
        );
        assert!(doc.html.contains("</table>\n</div>"), "{}", doc.html);
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let doc = render_doc("# T\n\n<div onclick=\"x\">hi</div>\n\nA <b>b</b> c.\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!doc.html.contains("<div"));
        assert!(!doc.html.contains("<b>"));
        assert!(doc.html.contains("&lt;b&gt;"));
    }

    #[test]
    fn the_stylesheet_has_the_classes_and_readable_colours() {
        let css = highlight_css().unwrap_or_else(|e| panic!("{e}"));
        assert!(css.contains(".hl-code {"));
        assert!(css.contains(".hl-comment"));
        assert!(css.contains("pre.hl-code"));
        let theme = theme().unwrap_or_else(|e| panic!("{e}"));
        let page = theme.settings.background.unwrap_or(Color::WHITE);
        for item in &theme.scopes {
            if let Some(fg) = item.style.foreground {
                let bg = item.style.background.unwrap_or(page);
                assert!(contrast(fg, bg) >= 4.5, "{fg:?} on {bg:?}");
            }
        }
        // The adjustment darkens only what needs it.
        let grey = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xff,
        };
        assert!(contrast(grey, Color::WHITE) < 4.5);
        let fixed = readable(grey, Color::WHITE);
        assert!(contrast(fixed, Color::WHITE) >= 4.5);
        let black = Color::BLACK;
        assert_eq!(readable(black, Color::WHITE), black);
    }

    #[test]
    fn every_documentation_page_renders() {
        let start = Instant::now();
        let mut blocks = 0;
        for source in SOURCES {
            let doc = render_doc(source.markdown)
                .unwrap_or_else(|e| panic!("{} ({}): {e}", source.slug, source.lang));
            assert!(!doc.title.is_empty());
            assert!(!doc.toc.is_empty(), "{}", source.slug);
            blocks += doc.html.matches("<pre class=\"hl-code\"").count();
            // Every YAML and JSON example is highlighted.
            assert!(!doc.html.contains("language-yaml\"><span class=\"hl-text"));
            assert!(
                doc.html.contains("hl-source hl-yaml") || doc.html.contains("hl-source hl-json")
            );
        }
        assert!(blocks >= 8, "{blocks} code blocks");
        eprintln!(
            "docs: {} pages, {blocks} code blocks, loaded and highlighted in {:?}",
            SOURCES.len(),
            start.elapsed()
        );
    }

    #[test]
    fn english_and_chinese_pages_have_the_same_structure() {
        for pair in SOURCES.chunks(2) {
            let a = render_doc(pair[0].markdown).unwrap_or_else(|e| panic!("{e}"));
            let b = render_doc(pair[1].markdown).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(pair[0].slug, pair[1].slug);
            assert_eq!(a.toc.len(), b.toc.len(), "{}: sections", pair[0].slug);
            for (x, y) in a.toc.iter().zip(&b.toc) {
                assert_eq!(
                    x.children.len(),
                    y.children.len(),
                    "{} / {}",
                    x.text,
                    y.text
                );
            }
            let count = |d: &DocHtml| d.html.matches("<pre class=\"hl-code\"").count();
            assert_eq!(count(&a), count(&b), "{}: code blocks", pair[0].slug);
        }
    }
}
