//! The impact of a revision on grades (after grade, before render): for each
//! edition of a standard after the first, every organisation graded once
//! under that edition's rules and once under the edition before's, on the
//! same date, transitions ignored, and every level that differs, with the
//! requirements whose outcome differs. A pure function of the registry,
//! the rules and the date; render publishes it as a page and as JSON.

use std::collections::BTreeMap;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Serialize;

use crate::grade::{self, GradeResult, State, report::level_name};
use crate::registry::Registry;
use crate::rules::{Scheme, Schemes};

/// How one revision moves the registry's grades.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Impact {
    pub standard: String,
    /// The edition before.
    pub old: String,
    /// The revision.
    pub new: String,
    /// The date both gradings are for.
    pub as_of: String,
    pub summary: Counts,
    /// Per service category (by id), sorted.
    pub by_category: Vec<Tally>,
    /// Per level under the edition before (`none`: no level), lowest first.
    pub by_level: Vec<Tally>,
    /// Every organisation × category whose level differs, by organisation id.
    pub moves: Vec<Move>,
}

/// Organisation × category grades compared, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Counts {
    pub graded: usize,
    pub up: usize,
    pub down: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Tally {
    /// A category id, or a level as the standard writes it (`none`).
    pub key: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Up,
    Down,
}

/// One organisation's level in one category, moved by the revision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Move {
    pub organisation: String,
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    /// The level under the edition before; absent: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_level: Option<String>,
    /// The level under the revision; absent: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_level: Option<String>,
    pub direction: Direction,
    /// The requirements whose outcome differs, at the levels up to the
    /// higher of the two.
    pub requirements: Vec<Responsible>,
}

/// A requirement met under one edition's rules and not the other's.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Responsible {
    pub part: String,
    pub id: String,
    /// The clause it cites in the revision (else in the edition before).
    pub clause: String,
    /// Absent: the requirement is not in that edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_state: Option<State>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_state: Option<State>,
}

/// The impact of every edition after the first of every standard.
pub fn impacts(registry: &Registry, schemes: &Schemes, date: Date) -> Vec<Impact> {
    let mut out = Vec::new();
    for (slug, timeline) in &schemes.editions {
        for pair in timeline.windows(2) {
            let (Some(old), Some(new)) = (
                schemes.edition(slug, Some(&pair[0].label)),
                schemes.edition(slug, Some(&pair[1].label)),
            ) else {
                continue;
            };
            out.push(impact(
                registry,
                schemes,
                slug,
                [old, new],
                date,
                [&pair[0].label, &pair[1].label],
            ));
        }
    }
    out
}

/// The rules with `scheme` as the standard's only edition.
fn pinned(schemes: &Schemes, scheme: &Scheme) -> Schemes {
    let mut pinned = schemes.clone();
    pinned.editions.remove(&scheme.slug);
    for s in &mut pinned.schemes {
        if s.slug == scheme.slug {
            *s = scheme.clone();
        }
    }
    pinned
}

fn impact(
    registry: &Registry,
    schemes: &Schemes,
    slug: &str,
    [old, new]: [&Scheme; 2],
    date: Date,
    [old_label, new_label]: [&str; 2],
) -> Impact {
    let (old_rules, new_rules) = (pinned(schemes, old), pinned(schemes, new));
    let mut summary = Counts::default();
    let mut by_category: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_level: BTreeMap<Option<usize>, Counts> = BTreeMap::new();
    let mut moves = Vec::new();
    for org in &registry.organisations {
        let claims = org.data.certificates.iter().any(|c| c.standard == slug)
            || org.data.assessments.iter().any(|a| a.standard == slug);
        if !claims {
            continue;
        }
        let before = grade::grade_organisation(org, registry, &old_rules, date);
        let after = grade::grade_organisation(org, registry, &new_rules, date);
        for a in before.results.iter().filter(|r| r.standard == slug) {
            let Some(b) = after
                .results
                .iter()
                .find(|r| r.standard == slug && r.category == a.category)
            else {
                continue;
            };
            let direction = match (a.level, b.level) {
                (x, y) if x == y => None,
                (Some(x), Some(y)) if y < x => Some(Direction::Down),
                (Some(_), None) => Some(Direction::Down),
                _ => Some(Direction::Up),
            };
            for counts in [
                &mut summary,
                by_category.entry(a.category.clone()).or_default(),
                by_level.entry(a.level).or_default(),
            ] {
                counts.graded += 1;
                match direction {
                    Some(Direction::Up) => counts.up += 1,
                    Some(Direction::Down) => counts.down += 1,
                    None => counts.unchanged += 1,
                }
            }
            let Some(direction) = direction else { continue };
            moves.push(Move {
                organisation: org.id.clone(),
                name_zh: org.data.names.zh.clone(),
                name_en: org.data.names.en.clone(),
                category: a.category.clone(),
                old_level: level_name(old, a.level),
                new_level: level_name(new, b.level),
                direction,
                requirements: responsible(a, b),
            });
        }
    }
    Impact {
        standard: slug.to_string(),
        old: old_label.to_string(),
        new: new_label.to_string(),
        as_of: date.to_string(),
        summary,
        by_category: by_category
            .into_iter()
            .map(|(key, counts)| Tally { key, counts })
            .collect(),
        by_level: by_level
            .into_iter()
            .map(|(level, counts)| Tally {
                key: level_name(old, level).unwrap_or_else(|| "none".to_string()),
                counts,
            })
            .collect(),
        moves,
    }
}

/// Requirements met under one side's rules and not the other's (a
/// requirement one side lacks counts as met there: it holds nothing back),
/// at the levels up to the higher of the two levels: those decide the move.
fn responsible(old: &GradeResult, new: &GradeResult) -> Vec<Responsible> {
    let top = old.level.max(new.level).unwrap_or(0);
    type Key = (String, usize, String);
    let checks = |r: &GradeResult| -> BTreeMap<Key, (State, String)> {
        let mut out = BTreeMap::new();
        for part in &r.parts {
            for level in part.levels.iter().filter(|l| l.level <= top) {
                for c in level.checks.iter().filter(|c| c.inherited_from.is_none()) {
                    out.insert(
                        (part.id.clone(), level.level, c.id.clone()),
                        (c.state, c.clause.clone()),
                    );
                }
            }
            for group in part.score.iter().flat_map(|s| &s.groups) {
                for c in &group.checks {
                    out.insert(
                        (part.id.clone(), 0, c.id.clone()),
                        (c.state, c.clause.clone()),
                    );
                }
            }
        }
        out
    };
    let (a, b) = (checks(old), checks(new));
    let mut keys: Vec<&Key> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (x, y) = (a.get(key), b.get(key));
            let met = |s: Option<&(State, String)>| s.is_none_or(|(state, _)| state.is_met());
            if met(x) == met(y) {
                return None;
            }
            Some(Responsible {
                part: key.0.clone(),
                id: key.2.clone(),
                clause: y.or(x).map(|(_, c)| c.clone()).unwrap_or_default(),
                old_state: x.map(|(s, _)| *s),
                new_state: y.map(|(s, _)| *s),
            })
        })
        .collect()
}
