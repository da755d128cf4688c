//! The grading rules of one standard as a page (`standards/<slug>/rules/`):
//! every requirement the engine checks, with its clause, its words, what it
//! asks and the recorded reading of the text. Organisation pages state each
//! requirement's outcome and link here for the words, so the text is
//! published once per standard instead of once per organisation.

use serde::Serialize;

use crate::grade::report::{self, display_value};
use crate::rules::{Kind, LevelBlock, Part, Requirement, Scheme, Threshold};

use super::registry::{LinkView, ReadingView, Views};

#[derive(Serialize)]
pub struct RulesView {
    pub level_scale: Option<String>,
    /// "the lower of …" and its clause, when parts are combined.
    pub combine: Option<LinkView>,
    pub parts: Vec<RulePartView>,
}

#[derive(Serialize)]
pub struct RulePartView {
    pub anchor: String,
    pub name: String,
    pub clause: LinkView,
    /// The service categories the part applies to (empty: all).
    pub categories: Vec<String>,
    pub reading: Option<ReadingView>,
    /// Requirements of every level.
    pub all_levels: Vec<RuleView>,
    pub levels: Vec<RuleLevelView>,
    pub score: Option<RuleScoreView>,
}

#[derive(Serialize)]
pub struct RuleLevelView {
    pub anchor: String,
    pub level: String,
    pub clause: LinkView,
    /// The level whose requirements this one adds to.
    pub inherits: Option<String>,
    pub undefined: Option<String>,
    pub reading: Option<ReadingView>,
    pub requirements: Vec<RuleView>,
}

#[derive(Serialize)]
pub struct RuleScoreView {
    pub pass_mark: String,
    pub clause: LinkView,
    pub groups: Vec<RuleGroupView>,
}

#[derive(Serialize)]
pub struct RuleGroupView {
    pub name: String,
    pub clause: LinkView,
    pub weight: String,
    pub categories: Vec<String>,
    pub items: Vec<RuleView>,
}

#[derive(Serialize)]
pub struct RuleView {
    /// The requirement's place on this page (`part-id`), for links from
    /// organisation pages; empty for alternatives nested in a requirement.
    pub anchor: String,
    pub clause: LinkView,
    pub summary: Option<String>,
    /// What is checked: "computed from the registry: at least 10 people",
    /// "checked by the grading body", ….
    pub asks: String,
    pub mandatory: bool,
    pub only_at: Vec<String>,
    pub categories: Vec<String>,
    pub reading: Option<ReadingView>,
    pub children: Vec<RuleView>,
    pub all_of: bool,
}

/// The anchor of level `level` of part `part` on the rules page.
pub fn level_anchor(part: &str, level: &str) -> String {
    format!("{part}--{level}")
}

/// The anchor of requirement `id` of part `part` on the rules page.
pub fn rule_anchor(part: &str, id: &str) -> String {
    format!("{part}-{id}")
}

impl Views<'_> {
    pub fn rules(&self, scheme: &Scheme) -> RulesView {
        let slug = scheme.slug.as_str();
        RulesView {
            level_scale: self.level_scale(slug),
            combine: scheme.rules.combine.as_ref().map(|c| LinkView {
                label: self.t("rules_combine_lowest"),
                url: self.clause(slug, &c.clause).url,
            }),
            parts: scheme
                .rules
                .parts
                .iter()
                .map(|p| self.rule_part(scheme, p))
                .collect(),
        }
    }

    fn rule_part(&self, scheme: &Scheme, p: &Part) -> RulePartView {
        let slug = scheme.slug.as_str();
        let rule = |r: &Requirement| self.rule(scheme, Some(&p.id), r);
        RulePartView {
            anchor: p.id.clone(),
            name: self.pick(&p.zh, &p.en),
            clause: self.clause(slug, &p.clause),
            categories: self.category_names(slug, p.categories.as_deref()),
            reading: p.reading.as_ref().map(|r| self.reading(r)),
            all_levels: p.all_levels.iter().map(rule).collect(),
            // The scheme's level order, lowest first.
            levels: scheme
                .rules
                .levels
                .iter()
                .filter_map(|l| p.levels.get(&l.id).map(|b| (l.id.as_str(), b)))
                .map(|(level, b)| self.rule_level(scheme, p, level, b))
                .collect(),
            score: p.score.as_ref().map(|s| RuleScoreView {
                pass_mark: s.pass_mark.to_decimal(),
                clause: self.clause(slug, &s.clause),
                groups: s
                    .groups
                    .iter()
                    .map(|g| RuleGroupView {
                        name: self.pick(&g.zh, &g.en),
                        clause: self.clause(slug, &g.clause),
                        weight: g.weight.percent().to_decimal(),
                        categories: self.category_names(slug, g.categories.as_deref()),
                        items: g.items.iter().map(rule).collect(),
                    })
                    .collect(),
            }),
        }
    }

    fn rule_level(&self, scheme: &Scheme, p: &Part, level: &str, b: &LevelBlock) -> RuleLevelView {
        let slug = scheme.slug.as_str();
        RuleLevelView {
            anchor: level_anchor(&p.id, level),
            level: self.level_name(slug, level),
            clause: self.clause(slug, &b.clause),
            inherits: b.inherits.as_ref().map(|l| self.level_name(slug, l)),
            undefined: b.undefined.as_ref().map(|u| self.pick(&u.zh, &u.en)),
            reading: b.reading.as_ref().map(|r| self.reading(r)),
            requirements: b
                .requirements
                .iter()
                .map(|r| self.rule(scheme, Some(&p.id), r))
                .collect(),
        }
    }

    /// One requirement; `part` is `None` for alternatives nested in one.
    fn rule(&self, scheme: &Scheme, part: Option<&str>, r: &Requirement) -> RuleView {
        let slug = scheme.slug.as_str();
        let (children, all_of) = match r.kind() {
            Kind::AnyOf(c) => (c, false),
            Kind::AllOf(c) => (c, true),
            _ => (&[][..], false),
        };
        RuleView {
            anchor: part.map_or_else(String::new, |p| rule_anchor(p, r.id())),
            clause: self.clause(slug, &r.clause),
            summary: match (&r.zh, &r.en) {
                (Some(zh), Some(en)) => Some(self.pick(zh, en)),
                (zh, en) => zh.clone().or_else(|| en.clone()),
            },
            asks: self.asks(scheme, r),
            mandatory: r.mandatory,
            only_at: r.only_at.iter().map(|l| self.level_name(slug, l)).collect(),
            categories: self.category_names(slug, r.categories.as_deref()),
            reading: r.reading.as_ref().map(|x| self.reading(x)),
            children: children
                .iter()
                .map(|c| self.rule(scheme, None, c))
                .collect(),
            all_of,
        }
    }

    /// What the engine checks for `r`, in words.
    fn asks(&self, scheme: &Scheme, r: &Requirement) -> String {
        let slug = scheme.slug.as_str();
        match r.kind() {
            Kind::Documentary if r.named_only => self.t("rules_asks_named"),
            Kind::Documentary => self.t("rules_asks_documentary"),
            Kind::AtLeast(c) | Kind::AtMost(c) => {
                let key = if matches!(r.kind(), Kind::AtMost(_)) {
                    "threshold_at_most"
                } else {
                    "threshold_at_least"
                };
                let unit = report::unit_key(c.measure.name()).map_or(String::new(), |k| self.t(k));
                let show = display_value(c.measure);
                let value = match &c.value {
                    Threshold::Number(n) => format!("{}{unit}", show(n)),
                    Threshold::ByCategory(map) => map
                        .iter()
                        .map(|(category, n)| {
                            let name = if category == "default" {
                                self.t("rules_other_categories")
                            } else {
                                self.category_name(slug, category)
                            };
                            format!("{name}{}{}{unit}", self.t("colon"), show(n))
                        })
                        .collect::<Vec<_>>()
                        .join(&self.t("semicolon")),
                };
                let mut text = self.t(key).replace("{value}", &value);
                if let Some(span) = c.within {
                    text.push_str(
                        &self
                            .t("rules_within")
                            .replace("{span}", &report::span_text(span, self.zh())),
                    );
                }
                if c.any_time {
                    text.push_str(&self.t("rules_any_time"));
                }
                self.t("rules_asks_computed").replace("{what}", &text)
            }
            Kind::Duration(d) => self.t("rules_asks_computed").replace(
                "{what}",
                &self
                    .t("threshold_at_least")
                    .replace("{value}", &report::span_text(d.at_least, self.zh())),
            ),
            Kind::HoldsCertificate(h) => {
                let Some(level) = &h.level else {
                    let of = match (&h.scheme, &h.standard) {
                        (Some(id), _) => self
                            .input
                            .schemes
                            .other_scheme(id)
                            .map_or_else(|| id.clone(), |o| self.pick(&o.zh, &o.en)),
                        (None, Some(standard)) => self.standard_title(standard),
                        (None, None) => self.standard_title(slug),
                    };
                    return self.t("rules_asks_computed").replace(
                        "{what}",
                        &self.t("holds_in_force_any_level").replace("{of}", &of),
                    );
                };
                let level = self.level_name(h.standard.as_deref().unwrap_or(slug), level);
                let text = if h.held_for.is_empty() {
                    self.t("holds_in_force").replace("{level}", &level)
                } else {
                    self.t("held_for")
                        .replace("{level}", &level)
                        .replace("{span}", &report::span_text(h.held_for, self.zh()))
                };
                self.t("rules_asks_computed").replace("{what}", &text)
            }
            Kind::AnyOf(_) => self.t("alternatives"),
            Kind::AllOf(_) => self.t("all_of"),
        }
    }

    fn category_names(&self, slug: &str, ids: Option<&[String]>) -> Vec<String> {
        ids.unwrap_or_default()
            .iter()
            .map(|c| self.category_name(slug, c))
            .collect()
    }
}
