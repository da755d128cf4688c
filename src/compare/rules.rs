//! The grading rules of two editions compared: requirements added, removed
//! or changed (each changed field with its old and new value: thresholds,
//! windows, levels), and every other change to the rules (levels,
//! categories, score weights, lifecycle).
//!
//! Requirements are matched by part, level and id. An id that is only the
//! clause it cites (no `id:` key) follows the clause's renumbering, so a
//! requirement whose clause moved is the same requirement, not one removed
//! and one added.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::Change;
use crate::rules::{Requirement, Rules, Scheme};

/// What changed in the rules.
#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct RulesComparison {
    /// `false` when neither edition has grading rules.
    pub graded: bool,
    pub requirements: Vec<RequirementChange>,
    /// Changes outside the requirements, as paths into the rules file.
    pub other: Vec<FieldChange>,
}

/// A requirement added, removed or changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RequirementChange {
    pub change: Change,
    pub part: String,
    /// The level whose block states it; `null` for a requirement of every
    /// level or a scored group's item.
    pub level: Option<String>,
    /// The requirement's id in the new edition (else the old).
    pub id: String,
    pub old_clause: Option<String>,
    pub new_clause: Option<String>,
    pub summary_zh: Option<String>,
    pub summary_en: Option<String>,
    /// For a changed requirement, each field that differs (`at_least.value`).
    pub fields: Vec<FieldChange>,
}

/// One value that differs; `null` where the field is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldChange {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// `at_least.value: 5 → 8`; an absent value is `—`.
impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} → {}",
            self.path,
            self.old.as_deref().unwrap_or("—"),
            self.new.as_deref().unwrap_or("—")
        )
    }
}

type Key = (String, Option<String>, String);

/// Prefix of the key of a requirement whose clause the new edition removed.
const REMOVED: &str = "\u{0}removed ";

/// Compares the rules; `renumbered` maps an old clause anchor to its new one.
pub fn compare(
    old: Option<&Scheme>,
    new: Option<&Scheme>,
    renumbered: &BTreeMap<String, String>,
) -> RulesComparison {
    let follow = |clause: &str| -> String {
        if let Some(to) = renumbered.get(clause) {
            return to.clone();
        }
        // A list item or paragraph (`5.2-a`) follows its clause (`5.2`).
        let mut cut = clause.len();
        while let Some(dash) = clause[..cut].rfind('-') {
            if let Some(to) = renumbered.get(&clause[..dash]) {
                return format!("{to}{}", &clause[dash..]);
            }
            cut = dash;
        }
        // A removed clause: never the same as a new clause of that number.
        format!("{REMOVED}{clause}")
    };
    let old_defs = old
        .map(|s| requirements(&s.rules, &follow))
        .unwrap_or_default();
    let same = |c: &str| c.to_string();
    let new_defs = new
        .map(|s| requirements(&s.rules, &same))
        .unwrap_or_default();
    let keys: BTreeSet<&Key> = old_defs.keys().chain(new_defs.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (a, b) = (old_defs.get(key), new_defs.get(key));
        let (change, fields) = match (a, b) {
            (None, Some(_)) => (Change::Added, Vec::new()),
            (Some(_), None) => (Change::Removed, Vec::new()),
            (Some(a), Some(b)) => {
                let mut fields = Vec::new();
                diff_values("", &a.followed, &b.followed, &mut fields);
                if fields.is_empty() {
                    continue;
                }
                (Change::Changed, fields)
            }
            (None, None) => continue,
        };
        let shown = b.or(a);
        out.push(RequirementChange {
            change,
            part: key.0.clone(),
            level: key.1.clone(),
            id: shown
                .map(|d| d.requirement.id().to_string())
                .unwrap_or_default(),
            old_clause: a.map(|d| d.requirement.clause.clone()),
            new_clause: b.map(|d| d.requirement.clause.clone()),
            summary_zh: shown.and_then(|d| d.requirement.zh.clone()),
            summary_en: shown.and_then(|d| d.requirement.en.clone()),
            fields,
        });
    }
    let mut other = Vec::new();
    diff_values(
        "",
        &old.and_then(|s| serde_json::to_value(s.rules.without_requirements()).ok())
            .unwrap_or(Value::Null),
        &new.and_then(|s| serde_json::to_value(s.rules.without_requirements()).ok())
            .unwrap_or(Value::Null),
        &mut other,
    );
    RulesComparison {
        graded: old.is_some() || new.is_some(),
        requirements: out,
        other,
    }
}

struct Definition<'a> {
    requirement: &'a Requirement,
    /// The requirement as JSON, its clauses followed to the new numbering.
    followed: Value,
}

/// Every requirement by (part, level, id), ids and clauses passed through
/// `follow`.
fn requirements<'a>(
    rules: &'a Rules,
    follow: &dyn Fn(&str) -> String,
) -> BTreeMap<Key, Definition<'a>> {
    let mut out = BTreeMap::new();
    for part in &rules.parts {
        for (level, r) in part.requirements_by_level() {
            let id = match &r.id {
                Some(id) => id.clone(),
                None => follow(&r.clause),
            };
            let mut followed = serde_json::to_value(r).unwrap_or(Value::Null);
            follow_clauses(&mut followed, follow);
            out.insert(
                (part.id.clone(), level.map(str::to_string), id),
                Definition {
                    requirement: r,
                    followed,
                },
            );
        }
    }
    out
}

/// Every `clause` value in a requirement (nested alternatives included)
/// passed through `follow`.
fn follow_clauses(value: &mut Value, follow: &dyn Fn(&str) -> String) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "clause" => *s = follow(s),
                    _ => follow_clauses(v, follow),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| follow_clauses(v, follow)),
        _ => {}
    }
}

/// Every leaf that differs between `a` and `b`, by path. Lists of maps with
/// an `id` are matched by id (`parts[basic]`), other lists by position when
/// their lengths agree, else compared whole.
fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                diff_values(
                    &join(key),
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            let ids = |items: &[Value]| -> Option<BTreeMap<String, Value>> {
                items
                    .iter()
                    .map(|v| Some((v.get("id")?.as_str()?.to_string(), v.clone())))
                    .collect::<Option<BTreeMap<_, _>>>()
                    .filter(|m| m.len() == items.len())
            };
            if let (Some(x), Some(y)) = (ids(x), ids(y)) {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for key in keys {
                    diff_values(
                        &format!("{path}[{key}]"),
                        x.get(key).unwrap_or(&Value::Null),
                        y.get(key).unwrap_or(&Value::Null),
                        out,
                    );
                }
            } else if x.len() == y.len() {
                for (i, (v, w)) in x.iter().zip(y).enumerate() {
                    diff_values(&format!("{path}[{i}]"), v, w, out);
                }
            } else {
                out.push(leaf(path, a, b));
            }
        }
        _ => out.push(leaf(path, a, b)),
    }
}

fn leaf(path: &str, a: &Value, b: &Value) -> FieldChange {
    let show = |v: &Value| match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    };
    FieldChange {
        path: path.to_string(),
        old: show(a),
        new: show(b),
    }
}
