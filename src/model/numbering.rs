//! Clause numbers: reading them from headings, and checking their sequence.

use std::sync::LazyLock;

use regex::Regex;

use super::ClauseKind;

/// What a heading line says, before anchors are assigned.
#[derive(Debug, PartialEq, Eq)]
pub struct HeadingParts {
    pub number_text: String,
    pub number: Option<String>,
    pub title: String,
    pub kind: ClauseKind,
    pub id: Option<String>,
}

static ATTRIBUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\{([^{}]*)\}\s*$").expect("static regex"));
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"#([A-Za-z0-9_.-]+)|\.([A-Za-z0-9_-]+)|([A-Za-z_]+)="([^"]*)""#)
        .expect("static regex")
});
static ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:附\s*录|Annex)\s*([A-Z]))\s*([（(][^）)]*[）)])?\s*[:：]?\s*(.*)$")
        .expect("static regex")
});
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z](?:\.\d+)+|\d+(?:\.\d+)*)([.、]?)(?:\s+(.*)|\s*$|([^\d.].*))$")
        .expect("static regex")
});

/// Splits a heading's text into number, title and attributes.
/// Returns an error message for attributes it does not understand.
pub fn parse_heading(text: &str) -> Result<HeadingParts, String> {
    let mut text = text.trim();
    let mut id = None;
    let mut is_term = false;
    let mut english = None;
    if let Some(caps) = ATTRIBUTES.captures(text) {
        let whole = caps.get(0).map_or(0..0, |m| m.range());
        let inner = caps.get(1).map_or("", |m| m.as_str());
        let mut rest = inner.to_string();
        for attr in ATTRIBUTE.captures_iter(inner) {
            if let Some(m) = attr.get(1) {
                id = Some(m.as_str().to_string());
            } else if let Some(m) = attr.get(2) {
                if m.as_str() == "term" {
                    is_term = true;
                } else {
                    return Err(format!("unknown heading class `.{}`", m.as_str()));
                }
            } else if let (Some(k), Some(v)) = (attr.get(3), attr.get(4)) {
                if k.as_str() == "en" {
                    english = Some(v.as_str().to_string());
                } else {
                    return Err(format!("unknown heading attribute `{}`", k.as_str()));
                }
            }
            if let Some(m) = attr.get(0) {
                rest = rest.replacen(m.as_str(), "", 1);
            }
        }
        if !rest.trim().is_empty() {
            return Err(format!("cannot read heading attributes `{{{inner}}}`"));
        }
        text = text[..whole.start].trim_end();
    }

    if let Some(caps) = ANNEX.captures(text) {
        let cap = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let designation = caps.get(3).map(|m| m.as_str().to_string());
        return Ok(HeadingParts {
            number_text: cap(1).to_string(),
            number: Some(cap(2).to_string()),
            title: cap(4).trim().to_string(),
            kind: ClauseKind::Annex { designation },
            id,
        });
    }
    if let Some(caps) = NUMBERED.captures(text) {
        let cap = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let number = cap(1).to_string();
        let title = if caps.get(3).is_some() {
            cap(3)
        } else {
            cap(4)
        };
        let kind = if is_term {
            ClauseKind::Term { english }
        } else {
            ClauseKind::Numbered
        };
        return Ok(HeadingParts {
            number_text: format!("{}{}", number, cap(2)),
            number: Some(number),
            title: title.trim().to_string(),
            kind,
            id,
        });
    }
    Ok(HeadingParts {
        number_text: String::new(),
        number: None,
        title: text.to_string(),
        kind: ClauseKind::Unnumbered,
        id,
    })
}

/// The last component of a clause number as an ordinal: "7.1.4" → 4, "B" → 2.
pub fn last_ordinal(number: &str) -> Option<u32> {
    let last = number.rsplit('.').next()?;
    if let Ok(n) = last.parse::<u32>() {
        return Some(n);
    }
    let mut chars = last.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Some(c as u32 - 'A' as u32 + 1),
        _ => None,
    }
}

/// The number of the clause a number belongs under: "7.1.4" → "7.1", "B.2" → "B".
pub fn parent_number(number: &str) -> Option<&str> {
    number.rsplit_once('.').map(|(parent, _)| parent)
}

/// The ordinal of a list marker: "a）" → 1, "3)" → 3, "（2）" → 2; None for bullets.
pub fn marker_ordinal(marker: &str) -> Option<u32> {
    let core: String = marker
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if let Ok(n) = core.parse::<u32>() {
        return Some(n);
    }
    let mut chars = core.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => Some(c as u32 - 'a' as u32 + 1),
        _ => None,
    }
}

/// The anchor fragment of a list marker: "a）" → "a", "（2）" → "2".
pub fn marker_key(marker: &str) -> Option<String> {
    marker_ordinal(marker)?;
    Some(
        marker
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_clause_with_title() {
        let h = parse_heading("7.1.4 基本要求").expect("valid");
        assert_eq!(h.number.as_deref(), Some("7.1.4"));
        assert_eq!(h.number_text, "7.1.4");
        assert_eq!(h.title, "基本要求");
        assert_eq!(h.kind, ClauseKind::Numbered);
    }

    #[test]
    fn numbers_written_with_trailing_separator_are_kept() {
        let h = parse_heading("4.1. 三级评价要求").expect("valid");
        assert_eq!(h.number.as_deref(), Some("4.1"));
        assert_eq!(h.number_text, "4.1.");
        let h = parse_heading("1、 认定依据").expect("valid");
        assert_eq!(h.number.as_deref(), Some("1"));
        assert_eq!(h.number_text, "1、");
        assert_eq!(h.title, "认定依据");
    }

    #[test]
    fn untitled_clause() {
        let h = parse_heading("B.2.3").expect("valid");
        assert_eq!(h.number.as_deref(), Some("B.2.3"));
        assert_eq!(h.title, "");
    }

    #[test]
    fn annex_with_designation() {
        let h = parse_heading("附录 C（规范性）服务机构安全服务能力评价指标").expect("valid");
        assert_eq!(h.number.as_deref(), Some("C"));
        assert_eq!(h.number_text, "附录 C");
        assert_eq!(
            h.kind,
            ClauseKind::Annex {
                designation: Some("（规范性）".into())
            }
        );
        assert_eq!(h.title, "服务机构安全服务能力评价指标");
        let h = parse_heading("附录H：信息安全服务人员能力要求").expect("valid");
        assert_eq!(h.number.as_deref(), Some("H"));
        assert_eq!(h.kind, ClauseKind::Annex { designation: None });
    }

    #[test]
    fn term_heading_with_english() {
        let h = parse_heading(r#"3.1 网络安全服务 {.term en="cyber security service"}"#)
            .expect("valid");
        assert_eq!(h.title, "网络安全服务");
        assert_eq!(
            h.kind,
            ClauseKind::Term {
                english: Some("cyber security service".into())
            }
        );
    }

    #[test]
    fn unnumbered_heading_with_id() {
        let h = parse_heading("前  言 {#foreword}").expect("valid");
        assert_eq!(h.kind, ClauseKind::Unnumbered);
        assert_eq!(h.id.as_deref(), Some("foreword"));
        assert_eq!(h.title, "前  言");
    }

    #[test]
    fn unknown_attribute_is_an_error() {
        assert!(parse_heading("前言 {#foreword lang=zh}").is_err());
        assert!(parse_heading("前言 {.weird}").is_err());
    }

    #[test]
    fn year_like_titles_are_not_numbers() {
        let h = parse_heading("2017年6月").expect("valid");
        assert_eq!(h.number.as_deref(), Some("2017"));
        // A heading that starts with digits is read as numbered; authors
        // write unnumbered headings with an id, which the parser requires.
        assert_eq!(h.title, "年6月");
    }

    #[test]
    fn ordinals() {
        assert_eq!(last_ordinal("7.1.4"), Some(4));
        assert_eq!(last_ordinal("C"), Some(3));
        assert_eq!(parent_number("B.2.3"), Some("B.2"));
        assert_eq!(parent_number("7"), None);
        assert_eq!(marker_ordinal("a）"), Some(1));
        assert_eq!(marker_ordinal("（12）"), Some(12));
        assert_eq!(marker_ordinal("——"), None);
        assert_eq!(marker_key("b)").as_deref(), Some("b"));
    }
}
