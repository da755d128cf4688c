//! Checks of the staff roster and of plain head counts: ids that are
//! opaque and unique, team members that exist, qualifications and
//! categories the rules know, nothing dated after the grading date, one
//! form of count per file, and a standard's limit on how many of its
//! categories one person may be counted toward (001 7.4).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use super::{Organisation, Registry};
use crate::diag::{Diagnostic, Diagnostics};
use crate::rules::{Kind, Measure, Requirement, Schemes};
use crate::yaml::Step;

/// Is `id` a well-formed roster id: `[a-z0-9][a-z0-9-]{2,31}`?
pub fn is_person_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=32).contains(&id.len())
        && first_ok
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Every `count` key a `people` rule declares, with whether it is per
/// category.
pub(crate) fn count_keys(schemes: &Schemes) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    let requirements = schemes
        .schemes
        .iter()
        .flat_map(|s| &s.rules.parts)
        .flat_map(|p| p.requirements())
        .flat_map(Requirement::with_nested);
    for r in requirements {
        if let Kind::AtLeast(c) | Kind::AtMost(c) = r.kind()
            && c.measure == Measure::People
            && let Some(key) = &c.count
        {
            let per_category = c
                .who
                .as_ref()
                .is_some_and(|w| w.scope == crate::rules::Scope::Category);
            out.insert(key.clone(), per_category);
        }
    }
    out
}

/// Checks every organisation's roster and counts on grading date `as_of`.
pub fn check(registry: &Registry, schemes: &Schemes, as_of: Date, diagnostics: &mut Diagnostics) {
    let keys = count_keys(schemes);
    let qualifications = qualifications(schemes);
    for org in &registry.organisations {
        check_organisation(org, schemes, &keys, &qualifications, as_of, diagnostics);
    }
}

/// The ids of every qualification the rules name.
pub(crate) fn qualifications(schemes: &Schemes) -> BTreeSet<&str> {
    schemes
        .schemes
        .iter()
        .flat_map(|s| &s.rules.qualifications)
        .map(|q| q.id.as_str())
        .collect()
}

/// One organisation's evidence (what [`check`] finds in it); `keys` is
/// [`count_keys`] and `qualifications` [`qualifications`] of `schemes`.
pub(crate) fn check_organisation(
    org: &Organisation,
    schemes: &Schemes,
    keys: &BTreeMap<String, bool>,
    qualifications: &BTreeSet<&str>,
    as_of: Date,
    diagnostics: &mut Diagnostics,
) {
    let e = &org.data.evidence;
    let mut error = |path: Vec<Step>, message: String, hint: &str| {
        diagnostics.push(Diagnostic::error(org.location(&path), message).with_hint(hint));
    };
    let at = |steps: &[Step]| -> Vec<Step> {
        let mut path: Vec<Step> = vec!["evidence".into()];
        path.extend_from_slice(steps);
        path
    };
    // Plain counts: known keys, at the scope the rule counts at, and only
    // without a roster (one source per figure).
    let has_roster = !e.roster.is_empty();
    let count_maps = std::iter::once((None, &e.counts)).chain(
        e.services
            .iter()
            .map(|(category, s)| (Some(category.as_str()), &s.counts)),
    );
    for (category, counts) in count_maps {
        for key in counts.keys() {
            let path = match category {
                None => at(&["counts".into(), key.as_str().into()]),
                Some(c) => at(&[
                    "services".into(),
                    c.into(),
                    "counts".into(),
                    key.as_str().into(),
                ]),
            };
            match keys.get(key) {
                _ if has_roster => error(
                    path,
                    format!("count `{key}` is derived from evidence.roster"),
                    "a file with a roster has its counts computed from it: remove the plain count",
                ),
                None => error(
                    path,
                    format!("unknown count `{key}`"),
                    "use the `count` id of a `people` rule in a standard's rules.yaml",
                ),
                Some(true) if category.is_none() => error(
                    path,
                    format!("count `{key}` is per service category"),
                    &format!("write it under services.<category>.counts.{key}"),
                ),
                Some(false) if category.is_some() => error(
                    path,
                    format!("count `{key}` is organisation-wide"),
                    &format!("write it under evidence.counts.{key}"),
                ),
                Some(_) => {}
            }
        }
    }
    // Head counts a roster gives: typed beside one, they could disagree.
    if has_roster {
        let typed = [
            (
                e.staff.is_some(),
                at(&["staff".into()]),
                "staff",
                "the persons of the roster present on the grading date",
            ),
            (
                e.bachelor_staff.is_some(),
                at(&["bachelor_staff".into()]),
                "bachelor_staff",
                "the roster persons whose `degree` is bachelor or above",
            ),
            (
                !e.qualified_staff.is_empty(),
                at(&["qualified_staff".into()]),
                "qualified_staff",
                "the roster persons' `qualifications`",
            ),
        ];
        let certified = e.services.iter().filter(|(_, s)| s.certified_staff.is_some()).map(|(c, _)| {
            (true, at(&["services".into(), c.as_str().into(), "certified_staff".into()]), "certified_staff", "the roster persons counted for the category (`categories`) who hold a qualification in force")
        });
        for (present, path, field, from) in typed.into_iter().chain(certified) {
            if present {
                error(
                    path,
                    format!("`{field}` is derived from evidence.roster, not typed in"),
                    &format!("a file with a roster has it counted from {from}: remove `{field}`"),
                );
            }
        }
    }
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for (i, person) in e.roster.iter().enumerate() {
        let base = |steps: &[Step]| -> Vec<Step> {
            let mut path = at(&["roster".into(), i.into()]);
            path.extend_from_slice(steps);
            path
        };
        if !is_person_id(&person.id) {
            error(
                base(&["id".into()]),
                format!("`{}` is not a roster id", person.id),
                "use an opaque id of 3 to 32 lower-case letters, digits and `-` (e.g. `r-7f3a2c`), never a name or an ID number",
            );
        } else if !ids.insert(&person.id) {
            error(
                base(&["id".into()]),
                format!("roster id `{}` is used twice", person.id),
                "give each person their own id, and never reuse one",
            );
        }
        let mut after = |steps: &[Step], what: &str, day: Date| {
            if day > as_of {
                error(
                    base(steps),
                    format!("{what} {day} is after the grading date {as_of}"),
                    "a fact cannot be dated after the day the grade is computed for: check the date, or grade a later day with --as-of",
                );
            }
        };
        if let Some(d) = person.security_work_since {
            after(&["security_work_since".into()], "security work since", d.0);
        }
        if let Some(d) = person.joined {
            after(&["joined".into()], "joined", d.0);
        }
        for (kind, d) in &person.experience {
            after(
                &["experience".into(), kind.as_str().into()],
                "experience since",
                d.0,
            );
        }
        for (j, q) in person.qualifications.iter().enumerate() {
            after(
                &["qualifications".into(), j.into(), "obtained".into()],
                "qualification obtained",
                q.obtained.0,
            );
        }
        for kind in person.experience.keys() {
            if !schemes.knows_project_type(kind) {
                error(
                    base(&["experience".into(), kind.as_str().into()]),
                    format!("unknown project type `{kind}`"),
                    "use a category or project type id from a standard's rules.yaml",
                );
            }
        }
        for (j, q) in person.qualifications.iter().enumerate() {
            if !qualifications.contains(q.id.as_str()) {
                let known: Vec<&str> = qualifications.iter().copied().collect();
                error(
                    base(&["qualifications".into(), j.into(), "id".into()]),
                    format!("unknown qualification `{}`", q.id),
                    &format!("qualifications the rules declare: {}", known.join(", ")),
                );
            }
        }
        for (j, c) in person.categories.iter().enumerate() {
            if !schemes.schemes.iter().any(|s| s.category(c).is_some()) {
                error(
                    base(&["categories".into(), j.into()]),
                    format!("unknown service category `{c}`"),
                    "use a category id from a standard's rules.yaml",
                );
            }
        }
        for (j, role) in person.roles.iter().enumerate() {
            if !schemes.knows_role(role) {
                error(
                    base(&["roles".into(), j.into()]),
                    format!("unknown role `{role}`"),
                    "use a role id a standard's rules.yaml declares under `roles:`",
                );
            }
        }
        for (j, o) in person.other_projects.iter().enumerate() {
            for (k, t) in o.types.iter().enumerate() {
                if !schemes.knows_project_type(t) {
                    error(
                        base(&["other_projects".into(), j.into(), "types".into(), k.into()]),
                        format!("unknown project type `{t}`"),
                        "use a category or project type id from a standard's rules.yaml",
                    );
                }
            }
        }
        // 001 7.4 and its like: one person, at most N of the standard's classes.
        for scheme in &schemes.schemes {
            let Some(limit) = scheme.rules.people.as_ref().map(|p| &p.class_limit) else {
                continue;
            };
            let classes: Vec<&str> = person
                .categories
                .iter()
                .filter(|c| scheme.category(c).is_some())
                .map(String::as_str)
                .collect();
            if classes.len() > limit.max {
                error(
                    base(&["categories".into()]),
                    format!(
                        "{} is counted toward {} service classes of {} ({}); {} allows at most {}",
                        person.id,
                        classes.len(),
                        scheme.slug,
                        classes.join(", "),
                        limit.clause,
                        limit.max
                    ),
                    "remove the person from the classes they are not counted for",
                );
            }
        }
    }
    for (i, project) in e.projects.iter().enumerate() {
        if project.team_size.is_some() && has_roster {
            error(
                at(&["projects".into(), i.into(), "team_size".into()]),
                "`team_size` is derived from `team` in a file with a roster".into(),
                "list the people who took part as `team: [<roster id>, …]` and remove `team_size`",
            );
        }
        for (j, member) in project.team.iter().enumerate() {
            if !ids.contains(member.as_str()) {
                error(
                    at(&["projects".into(), i.into(), "team".into(), j.into()]),
                    format!("`{member}` is not in evidence.roster"),
                    "list the person in evidence.roster with this id, or correct the id",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_person_id;

    #[test]
    fn roster_ids_are_opaque_short_and_lower_case() {
        assert!(is_person_id("r-7f3a2c"));
        assert!(is_person_id("p01"));
        assert!(!is_person_id("ab"), "too short");
        assert!(!is_person_id("-abc"), "starts with a hyphen");
        assert!(!is_person_id("Zhang-San"), "upper case");
        assert!(!is_person_id("张三"), "a name");
        assert!(!is_person_id(&"a".repeat(33)), "too long");
    }
}
