//! `api/v2/standards/<slug>.json`: a standard's grading rules as data,
//! once for the whole site: its levels, parts, which requirements each
//! level adds and inherits, and every requirement by id with its clause
//! (anchor and URL), summary in both languages, kind, fixed threshold and
//! recorded reading. The organisation files name requirements by part and
//! id and carry only how each organisation stands against them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::grade::report::display_value;
use crate::rules::{Kind, Reading, Requirement, Scheme, Schemes, Span, Threshold};

use super::{SCHEMA_VERSION, is_false};

/// The file `api/v2/standards/<slug>.json`.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Standard")]
pub struct StandardDocument<'a> {
    /// When the file was generated (RFC 3339).
    pub generated_at: &'a str,
    pub schema_version: u32,
    /// The standard's slug on this site (the organisation files'
    /// `grades[].standard`).
    pub id: &'a str,
    pub title_zh: String,
    pub title_en: String,
    /// The standard's page.
    pub url: String,
    /// The levels, lowest first (a grade's `level_index` is the position
    /// here). `id` is the level as the standard writes it, its Chinese name.
    pub levels: Vec<Level<'a>>,
    /// The service categories graded.
    pub categories: Vec<Category<'a>>,
    /// How the parts' levels make the grade; absent: a single part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub combine: Option<Combine<'a>>,
    pub parts: Vec<Part<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StandardLevel")]
pub struct Level<'a> {
    pub id: &'a str,
    pub zh: &'a str,
    pub en: &'a str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StandardCategory")]
pub struct Category<'a> {
    pub id: &'a str,
    pub zh: &'a str,
    pub en: &'a str,
}

#[derive(Serialize, JsonSchema)]
pub struct Combine<'a> {
    /// `lowest`: the grade is the lowest of the parts' levels.
    #[schemars(extend("enum" = ["lowest"]))]
    pub rule: &'static str,
    pub clause: &'a str,
    pub url: String,
}

/// A part of the standard: basic or professional requirements, or a
/// scored annex.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StandardPart")]
pub struct Part<'a> {
    pub id: &'a str,
    pub zh: &'a str,
    pub en: &'a str,
    pub clause: &'a str,
    pub url: String,
    /// The categories the part grades; absent: every category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<&'a [String]>,
    /// How the part's text is read where it is ambiguous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'a Reading>,
    /// The part's level blocks, lowest first. The requirements of a level
    /// are those it `adds`, after those of the level it `inherits` (and so
    /// on down), then the part's `shared` ones whose `only_at` is absent or
    /// names the level; each only where its `categories` is absent or
    /// names the category graded. A level without a block has only the
    /// shared ones (none: the level is undefined). Absent for a scored part.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<PartLevel<'a>>,
    /// Requirements that apply at every level (or at those of their
    /// `only_at`), in order. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared: Vec<&'a str>,
    /// For a scored part: the groups and pass mark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Score<'a>>,
    /// Every requirement of the part, by id.
    pub requirements: BTreeMap<&'a str, Definition<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct PartLevel<'a> {
    pub level: &'a str,
    pub clause: &'a str,
    pub url: String,
    /// The level whose requirements this one includes, and the clause that
    /// says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherits: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherits_clause: Option<&'a str>,
    /// Ids of the requirements the level adds, in the standard's order.
    /// Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adds: Vec<&'a str>,
    /// Present when the text defines nothing at this level: what it says
    /// instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'a Reading>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StandardText")]
pub struct Text<'a> {
    pub zh: &'a str,
    pub en: &'a str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StandardScore")]
pub struct Score<'a> {
    /// The score needed to pass, every mandatory item met as well.
    pub pass_mark: String,
    pub clause: &'a str,
    pub url: String,
    pub groups: Vec<Group<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "StandardGroup")]
pub struct Group<'a> {
    pub id: &'a str,
    pub zh: &'a str,
    pub en: &'a str,
    pub clause: &'a str,
    pub url: String,
    pub weight_percent: String,
    /// The categories the group counts for; absent: every category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<&'a [String]>,
    /// Ids of the group's items.
    pub items: Vec<&'a str>,
}

/// One requirement as the standard states it.
#[derive(Serialize, JsonSchema)]
pub struct Definition<'a> {
    /// The id, in `children` only (elsewhere it is the key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    /// Anchor of the clause it cites, the same in every language.
    pub clause: &'a str,
    /// The clause on the standard's pages.
    pub url: String,
    /// Summary of what it asks, in Chinese and in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_zh: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_en: Option<&'a str>,
    /// `documentary` (met only through an assessment record), `figure`,
    /// `duration`, `certificate`, `any-of` or `all-of` (see `children`).
    #[schemars(extend("enum" = ["documentary", "figure", "duration", "certificate", "any-of", "all-of"]))]
    pub kind: &'static str,
    /// Present (`true`) for a mandatory item of a score.
    #[serde(skip_serializing_if = "is_false")]
    pub mandatory: bool,
    /// Present (`true`) for a documentary requirement met only by a record
    /// that names it, not by one covering the whole part.
    #[serde(skip_serializing_if = "is_false")]
    pub named_only: bool,
    /// A shared requirement: the levels it applies at. Absent: every level.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub only_at: &'a [String],
    /// The categories it applies to; absent: every category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<&'a [String]>,
    /// Figures: what is measured (`staff`, `project-total`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<&'static str>,
    /// Figures: `at-least` or `at-most`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["at-least", "at-most"]))]
    pub comparison: Option<&'static str>,
    /// Figures: the threshold, when it is one for every category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// Figures: the threshold by category id (`default`: any other).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub thresholds: BTreeMap<&'a str, String>,
    /// Figures over projects: the window, back from the grading date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<Span>,
    /// Figures over projects: present (`true`) when every project up to
    /// the grading date counts, however long ago (no window).
    #[serde(skip_serializing_if = "is_false")]
    pub any_time: bool,
    /// Present (`true`) when every person in the role, or every project of
    /// the window, must qualify.
    #[serde(skip_serializing_if = "is_false")]
    pub every: bool,
    /// Durations: since what (`service`, `head-management`,
    /// `technical-lead`, `founded`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["service", "head-management", "technical-lead", "founded"]))]
    pub since: Option<&'static str>,
    /// Durations: the length required; certificates: how long it must have
    /// been held (absent: in force on the date is enough).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Certificates: the certificate asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateAsked<'a>>,
    /// How an ambiguous text is read: the reading chosen, the alternative
    /// and why, in both languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<&'a Reading>,
    /// `any-of`: the alternatives; `all-of`: the conditions, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Definition<'a>>,
}

#[derive(Serialize, JsonSchema)]
pub struct CertificateAsked<'a> {
    /// A standard of this site: its slug (this standard, unless another is
    /// named).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard: Option<&'a str>,
    /// That standard's category; absent: the category graded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a str>,
    /// Or a scheme outside the site (ISO/IEC 27001, CMMI): its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<&'a str>,
    /// At or above this level, in the certificate's own order; absent: any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'a str>,
    /// What is asked for in words, when it is another standard's category
    /// or another scheme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_zh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of_en: Option<String>,
}

/// Where a standard's clauses are published.
pub struct Clauses<'a> {
    /// The standard's pages, absolute: `https://…/standards/<slug>/`.
    pub base: String,
    /// Each anchor → the top-level page it is on.
    pub pages: Option<&'a BTreeMap<String, String>>,
}

impl Clauses<'_> {
    /// The URL of clause `anchor`: its own page when it has one, else the
    /// page it is on with the anchor.
    pub fn url(&self, anchor: &str) -> String {
        match self.pages.and_then(|p| p.get(anchor)) {
            Some(top) if top == anchor => format!("{}{top}/", self.base),
            Some(top) => format!("{}{top}/#{anchor}", self.base),
            None => format!("{}#{anchor}", self.base),
        }
    }
}

/// The standard file of `scheme`; `clauses` says where its clauses are.
pub fn build<'a>(
    scheme: &'a Scheme,
    schemes: &'a Schemes,
    clauses: &Clauses,
    generated_at: &'a str,
) -> StandardDocument<'a> {
    let rules = &scheme.rules;
    let def = |r: &'a Requirement| definition(r, scheme, schemes, clauses, false);
    let parts = rules
        .parts
        .iter()
        .map(|p| {
            let mut requirements = BTreeMap::new();
            for r in p.requirements() {
                requirements.insert(r.id(), def(r));
            }
            // Blocks in level order, lowest first.
            let levels = rules
                .levels
                .iter()
                .filter_map(|l| Some((l, p.levels.get(&l.id)?)))
                .map(|(l, b)| PartLevel {
                    level: &l.id,
                    clause: &b.clause,
                    url: clauses.url(&b.clause),
                    inherits: b.inherits.as_deref(),
                    inherits_clause: b.inherits_clause.as_deref(),
                    adds: b.requirements.iter().map(Requirement::id).collect(),
                    undefined: b.undefined.as_ref().map(|t| Text {
                        zh: &t.zh,
                        en: &t.en,
                    }),
                    reading: b.reading.as_ref(),
                })
                .collect();
            Part {
                id: &p.id,
                zh: &p.zh,
                en: &p.en,
                clause: &p.clause,
                url: clauses.url(&p.clause),
                categories: p.categories.as_deref(),
                reading: p.reading.as_ref(),
                levels,
                shared: p.all_levels.iter().map(Requirement::id).collect(),
                score: p.score.as_ref().map(|s| Score {
                    pass_mark: s.pass_mark.to_decimal(),
                    clause: &s.clause,
                    url: clauses.url(&s.clause),
                    groups: s
                        .groups
                        .iter()
                        .map(|g| Group {
                            id: &g.id,
                            zh: &g.zh,
                            en: &g.en,
                            clause: &g.clause,
                            url: clauses.url(&g.clause),
                            weight_percent: g.weight.percent().to_decimal(),
                            categories: g.categories.as_deref(),
                            items: g.items.iter().map(Requirement::id).collect(),
                        })
                        .collect(),
                }),
                requirements,
            }
        })
        .collect();
    StandardDocument {
        generated_at,
        schema_version: SCHEMA_VERSION,
        id: &scheme.slug,
        title_zh: scheme.title_in("zh"),
        title_en: scheme.title_in("en"),
        url: clauses.base.clone(),
        levels: rules
            .levels
            .iter()
            .map(|l| Level {
                id: &l.id,
                zh: &l.id,
                en: &l.en,
            })
            .collect(),
        categories: rules
            .categories
            .iter()
            .map(|c| Category {
                id: &c.id,
                zh: &c.zh,
                en: &c.en,
            })
            .collect(),
        combine: rules.combine.as_ref().map(|c| Combine {
            rule: match c.rule {
                crate::rules::CombineRule::Lowest => "lowest",
            },
            clause: &c.clause,
            url: clauses.url(&c.clause),
        }),
        parts,
    }
}

fn definition<'a>(
    r: &'a Requirement,
    scheme: &'a Scheme,
    schemes: &'a Schemes,
    clauses: &Clauses,
    child: bool,
) -> Definition<'a> {
    let mut out = Definition {
        id: child.then(|| r.id()),
        clause: &r.clause,
        url: clauses.url(&r.clause),
        summary_zh: r.zh.as_deref(),
        summary_en: r.en.as_deref(),
        kind: "documentary",
        mandatory: r.mandatory,
        named_only: r.named_only,
        only_at: &r.only_at,
        categories: r.categories.as_deref(),
        measure: None,
        comparison: None,
        threshold: None,
        thresholds: BTreeMap::new(),
        within: None,
        any_time: false,
        every: false,
        since: None,
        span: None,
        certificate: None,
        reading: r.reading.as_ref(),
        children: Vec::new(),
    };
    match r.kind() {
        Kind::Documentary => {}
        Kind::AtLeast(c) | Kind::AtMost(c) => {
            let show = display_value(c.measure);
            out.kind = "figure";
            out.measure = Some(c.measure.name());
            out.comparison = Some(if matches!(r.kind(), Kind::AtMost(_)) {
                "at-most"
            } else {
                "at-least"
            });
            match &c.value {
                Threshold::Number(n) => out.threshold = Some(show(n)),
                Threshold::ByCategory(map) => {
                    out.thresholds = map.iter().map(|(k, v)| (k.as_str(), show(v))).collect();
                }
            }
            out.within = c.within;
            out.any_time = c.any_time;
            out.every = c.every;
        }
        Kind::Duration(d) => {
            out.kind = "duration";
            out.since = Some(match d.of {
                crate::rules::Since::Service => "service",
                crate::rules::Since::HeadManagement => "head-management",
                crate::rules::Since::TechnicalLead => "technical-lead",
                crate::rules::Since::Founded => "founded",
            });
            out.span = Some(d.at_least);
        }
        Kind::HoldsCertificate(h) => {
            out.kind = "certificate";
            out.span = (!h.held_for.is_empty()).then_some(h.held_for);
            let (of_zh, of_en) = if let Some(id) = &h.scheme {
                schemes
                    .other_scheme(id)
                    .map_or((None, None), |o| (Some(o.zh.clone()), Some(o.en.clone())))
            } else {
                // A category named in the rule (of another standard, or another
                // of this one's), in words.
                let standard = h.standard.as_deref().unwrap_or(&scheme.slug);
                match (&h.category, schemes.get(standard)) {
                    (Some(category), Some(s)) => {
                        let [zh, en] = crate::grade::certificate_of(s, category);
                        (Some(zh), Some(en))
                    }
                    _ => (None, None),
                }
            };
            out.certificate = Some(CertificateAsked {
                standard: h
                    .scheme
                    .is_none()
                    .then(|| h.standard.as_deref().unwrap_or(&scheme.slug)),
                category: h.category.as_deref(),
                scheme: h.scheme.as_deref(),
                level: h.level.as_deref(),
                of_zh,
                of_en,
            });
        }
        Kind::AnyOf(children) | Kind::AllOf(children) => {
            out.kind = if matches!(r.kind(), Kind::AnyOf(_)) {
                "any-of"
            } else {
                "all-of"
            };
            out.children = children
                .iter()
                .map(|c| definition(c, scheme, schemes, clauses, true))
                .collect();
        }
    }
    out
}
