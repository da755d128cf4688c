//! Grading a second time (`dengji diff`'s other side) without grading
//! again what cannot have changed: an organisation whose file has the same
//! text, graded on the same date under the same rules, has the same grades.
//!
//! "The same rules" is decided per standard: a standard whose `rules.yaml`
//! text or titles differ between the two sides, or that is on one side
//! only, is changed; so is a standard whose rules ask for a certificate of a
//! changed one (`holds_certificate: {standard: …}`), and so on. An
//! organisation is graded again when it claims (by a certificate or an
//! assessment) a changed standard. When a changed standard declares
//! `other_schemes` (which any standard's rules may name), everything is
//! graded again.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;

use super::{Grades, grade_organisation};
use crate::registry::{Organisation, Registry};
use crate::rules::{Kind, Scheme, Schemes};

/// A first grading that a second may take grades from.
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    pub registry: &'a Registry,
    pub schemes: &'a Schemes,
    pub grades: &'a Grades,
}

/// A standard's editions, their dates and older editions' rules are the
/// same on both sides (they decide which rules grade a certificate).
fn same_editions(old: &Schemes, new: &Schemes, slug: &str) -> bool {
    let key = |s: &Schemes| {
        s.editions.get(slug).map(|timeline| {
            timeline
                .iter()
                .map(|e| {
                    (
                        e.label.clone(),
                        e.effective,
                        e.transition_until,
                        e.scheme.as_ref().map(|s| (s.text.clone(), s.title.clone())),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    key(old) == key(new)
}

/// The standards whose grades may differ between `old` and `new` (see the
/// module's documentation); `None` when every grade may.
pub fn changed_standards(old: &Schemes, new: &Schemes) -> Option<BTreeSet<String>> {
    let mut changed = BTreeSet::new();
    let slugs: BTreeSet<&str> = old
        .schemes
        .iter()
        .chain(&new.schemes)
        .map(|s| s.slug.as_str())
        .collect();
    for slug in slugs {
        let (a, b) = (old.get(slug), new.get(slug));
        let same = match (a, b) {
            (Some(a), Some(b)) => {
                a.text == b.text && a.title == b.title && same_editions(old, new, slug)
            }
            _ => false,
        };
        if !same {
            if a.into_iter()
                .chain(b)
                .any(|s| !s.rules.other_schemes.is_empty())
            {
                return None;
            }
            changed.insert(slug.to_string());
        }
    }
    // A standard that asks for a certificate of a changed one changes too.
    loop {
        let more: Vec<String> = new
            .schemes
            .iter()
            .filter(|s| !changed.contains(&s.slug))
            .filter(|s| asks_for_any(s, &changed))
            .map(|s| s.slug.clone())
            .collect();
        if more.is_empty() {
            return Some(changed);
        }
        changed.extend(more);
    }
}

/// Does one of `scheme`'s requirements ask for a certificate of a standard
/// in `standards`?
fn asks_for_any(scheme: &Scheme, standards: &BTreeSet<String>) -> bool {
    scheme.rules.parts.iter().any(|part| {
        part.requirements()
            .flat_map(|r| r.with_nested())
            .any(|r| match r.kind() {
                Kind::HoldsCertificate(h) => {
                    h.standard.as_ref().is_some_and(|s| standards.contains(s))
                }
                _ => false,
            })
    })
}

/// Does `org` claim (by a certificate or an assessment) a standard in
/// `standards`?
fn claims_any(org: &Organisation, standards: &BTreeSet<String>) -> bool {
    let data = &org.data;
    data.certificates
        .iter()
        .map(|c| &c.standard)
        .chain(data.assessments.iter().map(|a| &a.standard))
        .any(|s| standards.contains(s))
}

/// As [`super::grade`], taking from `previous` the grades of each
/// organisation that cannot have changed: same id and text, same date, no
/// changed standard claimed. Returns the grades and how many organisations
/// were graded (not taken).
pub fn grade_reusing(
    registry: &Registry,
    schemes: &Schemes,
    date: Date,
    previous: Option<Previous>,
) -> (Grades, usize) {
    let usable = previous
        .filter(|p| p.grades.as_of == date)
        .filter(|p| {
            p.grades
                .all()
                .is_some_and(|all| all.len() == p.registry.organisations.len())
        })
        .and_then(|p| changed_standards(p.schemes, schemes).map(|c| (p, c)));
    let index: HashMap<&str, usize> = match &usable {
        Some((p, _)) => p
            .registry
            .organisations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect(),
        None => HashMap::new(),
    };
    let taken = |org: &Organisation| {
        let (p, changed) = usable.as_ref()?;
        let &i = index.get(org.id.as_str())?;
        let before = p.registry.organisations.get(i)?;
        let grades = p.grades.all()?.get(i)?;
        (grades.id == org.id && before.text == org.text && !claims_any(org, changed))
            .then(|| Arc::clone(grades))
    };
    let graded: Vec<(Arc<super::OrganisationGrades>, bool)> = registry
        .organisations
        .par_iter()
        .map(|org| match taken(org) {
            Some(grades) => (grades, false),
            None => (
                Arc::new(grade_organisation(org, registry, schemes, date)),
                true,
            ),
        })
        .collect();
    let count = graded.iter().filter(|(_, fresh)| *fresh).count();
    let grades = Grades::kept(date, graded.into_iter().map(|(g, _)| g).collect());
    (grades, count)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jiff::civil::date;

    use super::*;
    use crate::registry::parse;
    use crate::rules::from_text;

    const RULES: &str = r#"
levels: [{id: 一级, en: Level 1}, {id: 二级, en: Level 2}]
categories:
  - {id: consulting, zh: 咨询, en: Consulting, clause: "1"}
parts:
  - id: basic
    zh: 基本
    en: Basic
    clause: "1"
    levels:
      一级:
        clause: "1"
        requirements:
          - {clause: "1", id: staff, at_least: {measure: staff, value: 5}}
      二级:
        clause: "2"
        inherits: 一级
        requirements:
          - {clause: "2", id: staff-2, at_least: {measure: staff, value: 10}}
certificates:
  clause: "1"
  validity: {years: 3}
"#;

    /// An organisation with `staff` staff and a certificate of `standard`.
    fn org(id: &str, staff: u32, standard: &str) -> Organisation {
        let text = format!(
            "names: {{zh: 示例, en: Example}}\ncredit_code: 91350100M000100Y43\nregion: fujian\nfounded: 2010-01-01\nevidence:\n  staff: {{value: {staff}, public: true}}\ncertificates:\n  - standard: {standard}\n    category: consulting\n    level: 二级\n    number: {id}-1\n    body: 示例中心\n    events:\n      - {{date: 2025-01-10, type: issued}}\n"
        );
        parse(&Path::new("registry").join(format!("{id}.yaml")), text)
            .unwrap_or_else(|d| panic!("{d}"))
    }

    fn schemes(list: &[(&str, &str)]) -> Schemes {
        Schemes {
            schemes: list
                .iter()
                .map(|(slug, text)| from_text(slug, text).unwrap_or_else(|d| panic!("{d}")))
                .collect(),
            ..Default::default()
        }
    }

    fn json(grades: &Grades) -> String {
        serde_json::to_string(grades).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The computed level of each organisation's first result.
    fn levels(grades: &Grades) -> Vec<Option<usize>> {
        grades
            .all()
            .expect("kept")
            .iter()
            .map(|o| o.results.first().and_then(|r| r.level))
            .collect()
    }

    const DAY: Date = date(2026, 11, 21);

    #[test]
    fn only_changed_organisations_are_graded_again_and_the_result_is_the_same() {
        let rules = schemes(&[("demo", RULES)]);
        let before = Registry {
            organisations: vec![
                org("a", 12, "demo"),
                org("b", 12, "demo"),
                org("c", 3, "demo"),
            ],
            ..Registry::default()
        };
        let old_grades = super::super::grade(&before, &rules, DAY);
        // b loses staff; c is unchanged; d is new; a is gone.
        let after = Registry {
            organisations: vec![
                org("b", 6, "demo"),
                org("c", 3, "demo"),
                org("d", 12, "demo"),
            ],
            ..Registry::default()
        };
        let previous = Previous {
            registry: &before,
            schemes: &rules,
            grades: &old_grades,
        };
        let (grades, graded) = grade_reusing(&after, &rules, DAY, Some(previous));
        assert_eq!(graded, 2, "b and d");
        assert_eq!(
            json(&grades),
            json(&super::super::grade(&after, &rules, DAY))
        );
        // c's grades are shared, not copied.
        assert!(Arc::ptr_eq(
            &grades.all().expect("kept")[1],
            &old_grades.all().expect("kept")[2]
        ));

        // What is taken is taken: previous grades that say otherwise show.
        let mut told = old_grades.clone();
        for o in told.kept.iter_mut().flatten() {
            for r in &mut Arc::make_mut(o).results {
                r.level = Some(1);
            }
        }
        let previous = Previous {
            grades: &told,
            ..previous
        };
        let (grades, _) = grade_reusing(&after, &rules, DAY, Some(previous));
        assert_eq!(levels(&grades), [Some(0), Some(1), Some(1)], "c taken");
        // On another date, everything is graded.
        let later = date(2026, 12, 21);
        let (grades, graded) = grade_reusing(&after, &rules, later, Some(previous));
        assert_eq!(graded, 3);
        assert_eq!(
            json(&grades),
            json(&super::super::grade(&after, &rules, later))
        );
    }

    #[test]
    fn a_rules_change_grades_again_everyone_under_that_standard_only() {
        let old_rules = schemes(&[("demo", RULES), ("other", RULES)]);
        // demo's second level now needs 20 staff: a falls to the first.
        let new_rules = schemes(&[
            ("demo", &RULES.replace("value: 10", "value: 20")),
            ("other", RULES),
        ]);
        let registry = Registry {
            organisations: vec![org("a", 12, "demo"), org("b", 12, "other")],
            ..Registry::default()
        };
        let mut told = super::super::grade(&registry, &old_rules, DAY);
        for o in told.kept.iter_mut().flatten() {
            for r in &mut Arc::make_mut(o).results {
                r.level = None;
            }
        }
        let previous = Previous {
            registry: &registry,
            schemes: &old_rules,
            grades: &told,
        };
        let (grades, graded) = grade_reusing(&registry, &new_rules, DAY, Some(previous));
        assert_eq!(graded, 1, "a only");
        assert_eq!(levels(&grades), [Some(0), None], "a graded, b taken");
    }

    #[test]
    fn changed_standards_follow_certificates_asked_for_and_titles() {
        let asks = RULES.replace(
            "certificates:\n",
            "  - id: extra\n    zh: 附加\n    en: Extra\n    clause: \"2\"\n    levels:\n      一级:\n        clause: \"2\"\n        requirements:\n          - {clause: \"2\", id: holds, holds_certificate: {standard: demo, category: consulting}}\ncertificates:\n",
        );
        let old = schemes(&[("asks", &asks), ("demo", RULES), ("plain", RULES)]);
        let same = changed_standards(&old, &old).expect("no other_schemes");
        assert!(same.is_empty());
        let new = schemes(&[
            ("asks", &asks),
            ("demo", &RULES.replace("value: 5", "value: 6")),
            ("plain", RULES),
        ]);
        let changed = changed_standards(&old, &new).expect("no other_schemes");
        assert_eq!(
            changed.into_iter().collect::<Vec<_>>(),
            ["asks", "demo"],
            "asks asks for a demo certificate"
        );
        // A new title changes grades (they name the standard).
        let mut titled = old.clone();
        titled.schemes[2].title.insert("zh".into(), "新".into());
        let changed = changed_standards(&old, &titled).expect("no other_schemes");
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), ["plain"]);
        // A standard on one side only.
        let fewer = schemes(&[("asks", &asks), ("demo", RULES)]);
        let changed = changed_standards(&old, &fewer).expect("no other_schemes");
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), ["plain"]);
        // A changed standard declaring other schemes changes everything.
        let others = format!(
            "{RULES}other_schemes:\n  - {{id: iso27001, zh: 信息安全管理体系, en: ISO/IEC 27001}}\n"
        );
        let with_others = schemes(&[("asks", &asks), ("demo", RULES), ("plain", &others)]);
        assert!(changed_standards(&old, &with_others).is_none());
    }
}
