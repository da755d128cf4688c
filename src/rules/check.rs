//! Checks grading rules against the standard they grade and against
//! themselves: every clause must exist, every level, category, figure and
//! project type must be defined, and score weights must add up.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics};
use crate::exact::Num;
use crate::model::Document;
use crate::yaml::Step;

use super::{Kind, Measure, Requirement, Scheme, Schemes, Threshold};

/// Checks every scheme; `documents` are the normative (Chinese) documents.
pub fn check(schemes: &Schemes, documents: &[Document], diagnostics: &mut Diagnostics) {
    for scheme in &schemes.schemes {
        let Some(document) = documents.iter().find(|d| d.slug == scheme.slug) else {
            continue;
        };
        let anchors: BTreeSet<&str> = document.units().iter().map(|u| u.anchor).collect();
        let mut checker = Checker {
            scheme,
            schemes,
            anchors,
            diagnostics,
        };
        checker.check_scheme(document);
    }
}

struct Checker<'a> {
    scheme: &'a Scheme,
    schemes: &'a Schemes,
    anchors: BTreeSet<&'a str>,
    diagnostics: &'a mut Diagnostics,
}

type Path = Vec<Step>;

fn at(path: &[Step], step: impl Into<Step>) -> Path {
    let mut p = path.to_vec();
    p.push(step.into());
    p
}

impl Checker<'_> {
    fn error(&mut self, path: &[Step], message: String, hint: &str) {
        let location = self.scheme.location(path);
        self.diagnostics
            .push(Diagnostic::error(location, message).with_hint(hint));
    }

    fn clause(&mut self, path: &[Step], anchor: &str) {
        if !self.anchors.contains(anchor) {
            self.error(
                path,
                format!("clause `{anchor}` does not exist in {}", self.scheme.slug),
                "cite an anchor of the Chinese text, e.g. `7.1.4-a` for list item a) of 7.1.4",
            );
        }
    }

    fn level(&mut self, path: &[Step], id: &str) {
        if self.scheme.level_index(id).is_none() {
            let known = self.level_list();
            self.error(
                path,
                format!("unknown level `{id}`"),
                &format!("levels of this standard: {known}"),
            );
        }
    }

    fn level_list(&self) -> String {
        let ids: Vec<&str> = self
            .scheme
            .rules
            .levels
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        ids.join(", ")
    }

    fn category(&mut self, path: &[Step], id: &str) {
        if self.scheme.category(id).is_none() {
            let ids: Vec<&str> = self
                .scheme
                .rules
                .categories
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            self.error(
                path,
                format!("unknown category `{id}`"),
                &format!("categories of this standard: {}", ids.join(", ")),
            );
        }
    }

    fn check_scheme(&mut self, document: &Document) {
        let rules = &self.scheme.rules;
        let front = &document.front.levels;
        let ids: Vec<&str> = rules.levels.iter().map(|l| l.id.as_str()).collect();
        if rules.levels.is_empty() {
            self.error(
                &[],
                "no levels declared".into(),
                "add `levels:` (lowest first)",
            );
        } else if !front.is_empty() && front.iter().map(String::as_str).ne(ids.iter().copied()) {
            self.error(
                &["levels".into()],
                format!(
                    "levels {} differ from the standard's front matter ({})",
                    ids.join(", "),
                    front.join(", ")
                ),
                "list the standard's levels in the same order, lowest first",
            );
        } else if front.is_empty() && rules.levels.len() > 1 {
            self.error(
                &["levels".into()],
                "the standard declares no levels, so its rules can have only one (pass)".into(),
                "declare a single level, e.g. `{id: 通过, en: Pass}`",
            );
        }
        self.unique(
            &["levels"],
            rules.levels.iter().map(|l| l.id.as_str()),
            "level",
        );
        self.unique(
            &["categories"],
            rules.categories.iter().map(|c| c.id.as_str()),
            "category",
        );
        for (list, named) in [
            ("categories", &rules.categories),
            ("project_types", &rules.project_types),
        ] {
            for (i, c) in named.iter().enumerate() {
                let path = vec![list.into(), i.into(), "clause".into()];
                self.clause(&path, &c.clause);
                if !is_registry_id(&c.id) {
                    self.error(
                        &[list.into(), i.into(), "id".into()],
                        format!("`{}` is not a valid id", c.id),
                        "use lowercase letters, digits and hyphens",
                    );
                }
            }
        }
        if rules.parts.is_empty() {
            self.error(
                &[],
                "no parts declared".into(),
                "add `parts:` with the requirements",
            );
        }
        self.unique(
            &["parts"],
            rules.parts.iter().map(|p| p.id.as_str()),
            "part",
        );
        for i in 0..rules.parts.len() {
            self.check_part(&["parts".into(), i.into()], i);
        }
        match &rules.combine {
            Some(c) => self.clause(&["combine".into(), "clause".into()], &c.clause),
            None if rules.parts.len() > 1 => self.error(
                &["parts".into()],
                "several parts but no `combine`".into(),
                "add `combine: {rule: lowest, clause: ...}`",
            ),
            None => {}
        }
        if let Some(life) = &rules.certificates {
            let base: Path = vec!["certificates".into()];
            self.clause(&at(&base, "clause"), &life.clause);
            if let Some(a) = &life.annual_confirmation {
                self.clause(
                    &[
                        base.clone(),
                        vec!["annual_confirmation".into(), "clause".into()],
                    ]
                    .concat(),
                    &a.clause,
                );
            }
            if let Some(r) = &life.renewal {
                self.clause(
                    &[base.clone(), vec!["renewal".into(), "clause".into()]].concat(),
                    &r.clause,
                );
            }
            if let Some(s) = &life.sanctions_clause {
                self.clause(&at(&base, "sanctions_clause"), s);
            }
            if life.validity.is_some_and(|v| v.is_empty()) {
                self.error(
                    &at(&base, "validity"),
                    "validity is zero".into(),
                    "write e.g. `{years: 3}`",
                );
            }
        }
    }

    fn unique<'s>(&mut self, path: &[&str], ids: impl Iterator<Item = &'s str>, what: &str) {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.enumerate() {
            if !seen.insert(id) {
                let mut p: Path = path.iter().map(|s| Step::from(*s)).collect();
                p.push(i.into());
                self.error(
                    &p,
                    format!("duplicate {what} `{id}`"),
                    "give each a different id",
                );
            }
        }
    }

    fn check_part(&mut self, path: &[Step], index: usize) {
        let part = &self.scheme.rules.parts[index];
        self.clause(&at(path, "clause"), &part.clause);
        if let Some(categories) = &part.categories {
            for (i, c) in categories.iter().enumerate() {
                self.category(
                    &[path.to_vec(), vec!["categories".into(), i.into()]].concat(),
                    c,
                );
            }
        }
        let mut ids = BTreeMap::new();
        match &part.score {
            Some(score) => {
                if !part.levels.is_empty() || !part.all_levels.is_empty() {
                    self.error(
                        &at(path, "score"),
                        "a part is either scored or graded by levels, not both".into(),
                        "move the level requirements to another part",
                    );
                }
                if self.scheme.rules.levels.len() != 1 {
                    self.error(
                        &at(path, "score"),
                        "a scored part needs a standard with exactly one level (pass)".into(),
                        "declare a single level",
                    );
                }
                let sp = at(path, "score");
                self.clause(&at(&sp, "clause"), &score.clause);
                for (g, group) in score.groups.iter().enumerate() {
                    let gp = [sp.clone(), vec!["groups".into(), g.into()]].concat();
                    self.clause(&at(&gp, "clause"), &group.clause);
                    if let Some(categories) = &group.categories {
                        for (i, c) in categories.iter().enumerate() {
                            self.category(
                                &[gp.clone(), vec!["categories".into(), i.into()]].concat(),
                                c,
                            );
                        }
                    }
                    if group.items.is_empty() {
                        self.error(
                            &gp,
                            format!("group `{}` has no items", group.id),
                            "add its items",
                        );
                    }
                    for (i, item) in group.items.iter().enumerate() {
                        self.requirement(
                            &[gp.clone(), vec!["items".into(), i.into()]].concat(),
                            item,
                            &mut ids,
                            true,
                        );
                    }
                }
                // The weights of the groups that count for one category make 100%.
                for category in &self.scheme.rules.categories {
                    if part
                        .categories
                        .as_ref()
                        .is_some_and(|c| !c.contains(&category.id))
                    {
                        continue;
                    }
                    let total = score
                        .groups
                        .iter()
                        .filter(|g| g.applies_to(&category.id))
                        .fold(Num::zero(), |sum, g| sum.add(&g.weight));
                    if total != Num::integer(1) {
                        self.error(
                            &at(&sp, "groups"),
                            format!(
                                "the weights of the groups scoring `{}` add up to {}%, not 100%",
                                category.id,
                                total.percent()
                            ),
                            "check each group's `weight` and `categories`",
                        );
                    }
                }
            }
            None => {
                if part.levels.is_empty() && part.all_levels.is_empty() {
                    self.error(
                        path,
                        format!("part `{}` has no requirements", part.id),
                        "add `levels:` or `score:`",
                    );
                }
                for (level, block) in &part.levels {
                    let lp = [path.to_vec(), vec!["levels".into(), level.as_str().into()]].concat();
                    if self.scheme.level_index(level).is_none() {
                        let known = self.level_list();
                        self.error(
                            &lp,
                            format!("unknown level `{level}`"),
                            &format!("levels of this standard: {known}"),
                        );
                        continue;
                    }
                    self.clause(&at(&lp, "clause"), &block.clause);
                    if let Some(parent) = &block.inherits {
                        self.level(&at(&lp, "inherits"), parent);
                        if let (Some(p), Some(l)) = (
                            self.scheme.level_index(parent),
                            self.scheme.level_index(level),
                        ) && p >= l
                        {
                            self.error(
                                &at(&lp, "inherits"),
                                format!("`{level}` inherits `{parent}`, which is not lower"),
                                "a level can inherit only a lower level",
                            );
                        }
                        if !part.levels.contains_key(parent) {
                            self.error(
                                &at(&lp, "inherits"),
                                format!("`{parent}` has no requirements in this part"),
                                "define the inherited level too",
                            );
                        }
                    }
                    if let Some(c) = &block.inherits_clause {
                        self.clause(&at(&lp, "inherits_clause"), c);
                    }
                    if block.undefined.is_some() && !block.requirements.is_empty() {
                        self.error(
                            &at(&lp, "undefined"),
                            "an undefined level cannot have requirements".into(),
                            "remove one of them",
                        );
                    }
                    for (i, r) in block.requirements.iter().enumerate() {
                        self.requirement(
                            &[lp.clone(), vec!["requirements".into(), i.into()]].concat(),
                            r,
                            &mut ids,
                            false,
                        );
                    }
                }
                for (i, r) in part.all_levels.iter().enumerate() {
                    let rp = [path.to_vec(), vec!["all_levels".into(), i.into()]].concat();
                    self.requirement(&rp, r, &mut ids, false);
                    for (j, level) in r.only_at.iter().enumerate() {
                        self.level(
                            &[rp.clone(), vec!["only_at".into(), j.into()]].concat(),
                            level,
                        );
                    }
                }
            }
        }
    }

    fn requirement(
        &mut self,
        path: &[Step],
        r: &Requirement,
        ids: &mut BTreeMap<String, ()>,
        scored: bool,
    ) {
        self.clause(&at(path, "clause"), &r.clause);
        if ids.insert(r.id().to_string(), ()).is_some()
            && !path
                .iter()
                .any(|s| matches!(s, Step::Key(k) if k == "any_of" || k == "all_of"))
        {
            self.error(
                path,
                format!("duplicate requirement id `{}` in this part", r.id()),
                "give it a distinct `id`",
            );
        }
        if let Some(categories) = &r.categories {
            for (i, c) in categories.iter().enumerate() {
                self.category(
                    &[path.to_vec(), vec!["categories".into(), i.into()]].concat(),
                    c,
                );
            }
        }
        if r.mandatory && !scored {
            self.error(
                &at(path, "mandatory"),
                "`mandatory` applies only to score items".into(),
                "remove it",
            );
        }
        if r.named_only && !matches!(r.kind(), Kind::Documentary) {
            self.error(
                &at(path, "named_only"),
                "`named_only` applies only to documentary requirements".into(),
                "remove it, or the kind key",
            );
        }
        if r.kinds().len() > 1 {
            self.error(path, "a requirement can have only one kind (at_least, at_most, duration, holds_certificate, any_of, all_of)".into(), "split it into several requirements");
        }
        match r.kind() {
            Kind::Documentary | Kind::Duration(_) => {}
            Kind::AtLeast(c) | Kind::AtMost(c) => {
                let key = if r.at_least.is_some() {
                    "at_least"
                } else {
                    "at_most"
                };
                let cp = at(path, key);
                if c.measure.counts_projects() {
                    let window = c.within.is_some_and(|w| !w.is_empty());
                    if window == c.any_time {
                        self.error(
                            &cp,
                            if c.any_time {
                                format!(
                                    "measure `{}` has both a window and `any_time`",
                                    c.measure.name()
                                )
                            } else {
                                format!("measure `{}` needs a window", c.measure.name())
                            },
                            "give either `within: {years: N}` or, when the text sets no time limit, `any_time: true`",
                        );
                    }
                    if let Some(t) = &c.of_type
                        && !self.schemes.knows_project_type(t)
                    {
                        self.error(
                            &at(&cp, "of_type"),
                            format!("unknown project type `{t}`"),
                            "declare it under `project_types:` or use a category id",
                        );
                    }
                } else if c.within.is_some()
                    || c.any_time
                    || c.of_type.is_some() && c.measure != Measure::VulnerabilityReports
                    || c.any_type
                    || c.completed_only
                {
                    self.error(
                        &cp,
                        format!("measure `{}` does not count projects", c.measure.name()),
                        "remove `within`, `any_time`, `of_type`, `any_type` and `completed_only`",
                    );
                }
                if !c.measure.counts_projects()
                    && (c.min_amount.is_some()
                        || c.in_use
                        || c.trial_run.is_some()
                        || c.team_at_least.is_some())
                {
                    self.error(
                        &cp,
                        format!("measure `{}` does not count projects", c.measure.name()),
                        "`min_amount`, `in_use`, `trial_run` and `team_at_least` select projects",
                    );
                }
                if c.measure == Measure::VulnerabilityReports
                    && let Some(t) = &c.of_type
                    && !self.schemes.knows_project_type(t)
                {
                    self.error(
                        &at(&cp, "of_type"),
                        format!("unknown category or project type `{t}`"),
                        "use a category id or a declared project type",
                    );
                }
                if (c.measure == Measure::QualifiedStaff) != c.qualification.is_some() {
                    self.error(
                        &cp,
                        "`qualification` goes with measure `qualified-staff`, and only with it"
                            .into(),
                        "e.g. `measure: qualified-staff, qualification: CISP`",
                    );
                }
                if c.measure == Measure::People {
                    if c.count.is_none() {
                        self.error(
                            &cp,
                            "measure `people` needs a `count` id".into(),
                            "the key under which a file without a roster gives the plain count, e.g. `count: protection-baseline-c`",
                        );
                    }
                    if let Some(who) = &c.who {
                        let types = who
                            .experience_in
                            .iter()
                            .map(|x| (&x.of_type, "experience_in"))
                            .chain(who.took_part.iter().map(|t| (&t.of_type, "took_part")));
                        for (t, key) in types {
                            if !self.schemes.knows_project_type(t) {
                                self.error(
                                    &at(&at(&cp, "who"), key),
                                    format!("unknown project type `{t}`"),
                                    "declare it under `project_types:` or use a category id",
                                );
                            }
                        }
                        for role in &who.role {
                            if !self.scheme.rules.roles.iter().any(|x| &x.id == role) {
                                self.error(
                                    &at(&at(&cp, "who"), "role"),
                                    format!("undeclared role `{role}`"),
                                    "declare it under `roles:`",
                                );
                            }
                        }
                        for q in &who.qualification {
                            if !self.scheme.rules.qualifications.iter().any(|x| &x.id == q) {
                                self.error(
                                    &at(&at(&cp, "who"), "qualification"),
                                    format!("undeclared qualification `{q}`"),
                                    "declare it under `qualifications:`",
                                );
                            }
                        }
                    }
                } else if c.count.is_some() || c.who.is_some() {
                    self.error(
                        &cp,
                        "`count` and `who` go with measure `people`, and only with it".into(),
                        "e.g. `measure: people, count: <id>, who: {scope: category}`",
                    );
                }
                let selects = c.min_amount.is_some()
                    || c.in_use
                    || c.trial_run.is_some()
                    || c.team_at_least.is_some();
                let every_fits = match c.measure {
                    Measure::People => c.who.as_ref().is_some_and(|w| !w.role.is_empty()),
                    Measure::Projects => selects,
                    _ => false,
                };
                if c.every && !every_fits {
                    self.error(
                        &at(&cp, "every"),
                        "`every` goes with measure `people` and a `who.role`, or with `projects` and a selector".into(),
                        "`every: true` asks that every holder of the role, or every project of the window, meet the conditions",
                    );
                }
                if c.measure == Measure::QualifiedStaff
                    && let Some(q) = &c.qualification
                    && !self
                        .schemes
                        .schemes
                        .iter()
                        .flat_map(|s| &s.rules.qualifications)
                        .any(|x| &x.id == q)
                {
                    self.error(
                        &at(&cp, "qualification"),
                        format!("undeclared qualification `{q}`"),
                        "declare it under `qualifications:` (a roster person holds it by this id)",
                    );
                }
                if let Some(f) = &c.figure
                    && self
                        .scheme
                        .rules
                        .figures
                        .iter()
                        .any(|x| &x.id == f && x.derived.is_some())
                {
                    self.error(
                        &at(&cp, "figure"),
                        format!("figure `{f}` is declared derived"),
                        "a derived figure is computed by a measure (e.g. `fee-share`, `people`); read that measure instead",
                    );
                }
                match (&c.figure, c.measure == Measure::Figure) {
                    (Some(f), true) if !self.scheme.rules.figures.iter().any(|x| &x.id == f) => {
                        self.error(
                            &at(&cp, "figure"),
                            format!("unknown figure `{f}`"),
                            "declare it under `figures:`",
                        );
                    }
                    (None, true) | (Some(_), false) => {
                        self.error(
                            &cp,
                            "`figure` goes with measure `figure`, and only with it".into(),
                            "e.g. `measure: figure, figure: <id>`",
                        );
                    }
                    _ => {}
                }
                if let Threshold::ByCategory(map) = &c.value {
                    for key in map.keys() {
                        if key != "default" && self.scheme.category(key).is_none() {
                            self.error(
                                &at(&cp, "value"),
                                format!("unknown category `{key}` in thresholds"),
                                "use a category id or `default`",
                            );
                        }
                    }
                    let uncovered: Vec<&str> = self
                        .scheme
                        .rules
                        .categories
                        .iter()
                        .filter(|cat| c.value.for_category(&cat.id).is_none())
                        .map(|cat| cat.id.as_str())
                        .collect();
                    if !uncovered.is_empty() {
                        self.error(
                            &at(&cp, "value"),
                            format!("no threshold for {}", uncovered.join(", ")),
                            "add a `default`",
                        );
                    }
                }
            }
            Kind::HoldsCertificate(h) => {
                let hp = at(path, "holds_certificate");
                if let Some(id) = &h.scheme {
                    if h.standard.is_some() || h.category.is_some() {
                        self.error(
                            &hp,
                            "`scheme` names a certificate outside the site; `standard` and `category` name one of its standards".into(),
                            "keep one of them",
                        );
                    }
                    match self.schemes.other_scheme(id) {
                        None => self.error(
                            &at(&hp, "scheme"),
                            format!("undeclared scheme `{id}`"),
                            "declare it under `other_schemes:` (id, zh, en, levels)",
                        ),
                        Some(o) => {
                            if let Some(level) = &h.level
                                && !o.levels.contains(level)
                            {
                                self.error(
                                    &at(&hp, "level"),
                                    format!("unknown level `{level}` of scheme {id}"),
                                    &o.levels_hint(),
                                );
                            }
                        }
                    }
                } else {
                    let target = match &h.standard {
                        Some(slug) => match self.schemes.get(slug) {
                            Some(s) => Some(s),
                            None => {
                                self.error(
                                    &at(&hp, "standard"),
                                    format!("no grading rules for standard `{slug}`"),
                                    "name a standard with a rules.yaml, or a `scheme` under `other_schemes`",
                                );
                                None
                            }
                        },
                        None => Some(self.scheme),
                    };
                    if let Some(target) = target {
                        match &h.level {
                            None => self.error(
                                &hp,
                                "a certificate of a standard needs a `level`".into(),
                                "add the lowest level that counts, e.g. `level: 二级`",
                            ),
                            Some(level) if target.level_index(level).is_none() => self.error(
                                &at(&hp, "level"),
                                format!("unknown level `{level}` of {}", target.slug),
                                "use one of that standard's levels",
                            ),
                            Some(_) => {}
                        }
                        if let Some(c) = &h.category
                            && target.category(c).is_none()
                        {
                            self.error(
                                &at(&hp, "category"),
                                format!("unknown category `{c}` of {}", target.slug),
                                "use one of that standard's categories",
                            );
                        }
                    }
                }
            }
            Kind::AnyOf(children) | Kind::AllOf(children) => {
                let key = if r.any_of.is_some() {
                    "any_of"
                } else {
                    "all_of"
                };
                if children.len() < 2 {
                    self.error(
                        &at(path, key),
                        format!("`{key}` needs at least two requirements"),
                        &format!("add the other requirement or drop `{key}`"),
                    );
                }
                for (i, child) in children.iter().enumerate() {
                    self.requirement(
                        &[path.to_vec(), vec![key.into(), i.into()]].concat(),
                        child,
                        ids,
                        false,
                    );
                }
            }
        }
    }
}

/// Ids used in registry files: lowercase ASCII letters, digits, hyphens.
pub fn is_registry_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
