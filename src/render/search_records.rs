//! What the search indexes hold: one record per organisation (its names in
//! both languages, former names, certificate numbers, region and services)
//! and one per clause of each standard in each language (number, heading
//! and the clause's own text). Records carry what a result shows, in both
//! languages, so one index serves both editions.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use serde_json::json;

use crate::model::{Block, Clause, Document, block_units};

use super::directory::Entry;
use super::registry::Views;

/// A record before indexing: searchable fields, facet tokens, and what a
/// result shows.
pub struct Source {
    pub fields: Vec<(&'static str, String)>,
    pub facets: Vec<String>,
    pub display: serde_json::Value,
}

/// Fields whose matches rank first: names and headings.
const PRIMARY: [&str; 4] = ["name_zh", "name_en", "former_name", "heading"];

impl Source {
    /// The record as the index takes it.
    pub fn into_record(self, date: Option<jiff::civil::Date>) -> crate::search::Record {
        crate::search::Record {
            fields: self
                .fields
                .into_iter()
                .map(|(name, text)| crate::search::Field {
                    name,
                    text,
                    primary: PRIMARY.contains(&name),
                })
                .collect(),
            facets: self.facets,
            date,
            display: self.display,
        }
    }
}

/// The record of one organisation; `zh` and `en` are the two editions'
/// views (for names of standards, categories, levels and URLs).
pub fn organisation(entry: &Entry, zh: &Views, en: &Views) -> Source {
    let e = &entry.row;
    let mut fields = vec![
        ("name_zh", e.name_zh.clone()),
        ("name_en", e.name_en.clone()),
    ];
    fields.extend(
        e.former_names_zh
            .iter()
            .chain(&entry.former_names_en)
            .map(|n| ("former_name", n.clone())),
    );
    fields.extend(
        e.certificates
            .iter()
            .map(|c| ("certificate", c.number.clone())),
    );
    fields.push(("region", format!("{} {}", e.region_zh, e.region_en)));
    // Services: each certified or graded category, in both languages.
    let mut services: Vec<String> = Vec::new();
    let categories = e
        .certificates
        .iter()
        .map(|c| (&c.standard, &c.category))
        .chain(e.grades.iter().map(|g| (&g.standard, &g.category)));
    for (standard, category) in categories {
        for views in [zh, en] {
            let name = views.category_name(standard, category);
            if !services.contains(&name) {
                services.push(name);
            }
        }
    }
    fields.extend(services.into_iter().map(|s| ("service", s)));
    let holdings: Vec<serde_json::Value> = e
        .certificates
        .iter()
        .map(|c| {
            let slug = crate::registry::number_slug(&c.number);
            let mut holding = json!({
                "zh": zh.holding_text(&c.standard, &c.category, &c.level),
                "en": en.holding_text(&c.standard, &c.category, &c.level),
                "status": super::directory::status_name(c),
                "number": c.number,
                "url": {"zh": zh.verify_url(&slug), "en": en.verify_url(&slug)},
            });
            // As the static rows show them; left out when absent, which is
            // nearly always, to keep the records small.
            let ((computed_zh, flag_zh), (computed_en, flag_en)) =
                (zh.holding_levels(c), en.holding_levels(c));
            if let (Some(zh), Some(en)) = (computed_zh, computed_en) {
                holding["computed"] = json!({"zh": zh, "en": en});
            }
            if let (Some(zh), Some(en)) = (flag_zh, flag_en) {
                holding["level_flag"] = json!({"zh": zh, "en": en});
            }
            holding
        })
        .collect();
    Source {
        fields,
        facets: entry.facets.iter().cloned().collect(),
        display: json!({
            "id": e.id,
            "name": {"zh": e.name_zh, "en": e.name_en},
            "url": {"zh": zh.org_url(&e.id), "en": en.org_url(&e.id)},
            "region": {"zh": e.region_zh, "en": e.region_en},
            "holdings": holdings,
            "date": entry.date,
        }),
    }
}

/// Plain text of inline Markdown: what a reader sees, without markup.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The records of every clause of `doc`. `root` is the language's root
/// ("/" or "/en/"); `pages` maps an anchor to the page it is on.
pub fn clauses(
    doc: &Document,
    standard_title: &str,
    root: &str,
    pages: &BTreeMap<String, String>,
) -> Vec<Source> {
    doc.all_clauses()
        .into_iter()
        .filter_map(|c| clause(doc, c, standard_title, root, pages))
        .collect()
}

fn clause(
    doc: &Document,
    c: &Clause,
    standard_title: &str,
    root: &str,
    pages: &BTreeMap<String, String>,
) -> Option<Source> {
    let heading = c
        .title
        .as_ref()
        .map(|t| plain(&t.markdown))
        .unwrap_or_default();
    let mut text = Vec::new();
    for block in &c.blocks {
        if let Block::Example { text: t } = block {
            text.push(plain(&t.markdown));
        }
    }
    text.extend(block_units(&c.blocks).iter().map(|u| plain(&u.content())));
    let text = text.join(" ");
    if heading.is_empty() && text.is_empty() {
        return None;
    }
    let base = format!("{root}standards/{}/", doc.slug);
    let url = match pages.get(&c.anchor) {
        Some(top) if *top == c.anchor => format!("{base}{top}/"),
        Some(top) => format!("{base}{top}/#{}", c.anchor),
        None => format!("{base}all/#{}", c.anchor),
    };
    let title = [c.number_text.trim(), heading.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    Some(Source {
        fields: vec![
            ("number", c.number_text.trim().to_string()),
            ("heading", heading),
            ("text", text),
        ],
        facets: vec![
            format!("standard={}", doc.slug),
            format!("lang={}", doc.lang),
        ],
        display: json!({
            "title": title,
            "url": url,
            "lang": doc.lang,
            "standard": standard_title,
            "anchor": c.anchor,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup_but_keeps_words() {
        assert_eq!(
            plain("应满足 **B.2.2** 的要求，见 [附录 C](#C)。"),
            "应满足 B.2.2 的要求，见 附录 C。"
        );
        assert_eq!(plain("a\nb `c`"), "a b c");
    }
}
