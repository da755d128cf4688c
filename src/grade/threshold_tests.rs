//! Generated threshold tests (issue 14, item 7).
//!
//! For every computed requirement of the real `content/<slug>/rules.yaml`
//! (level blocks, `all_levels`, score items, and the alternatives and parts
//! nested in `any_of` / `all_of`), a minimal organisation is synthesised for
//! each category the requirement grades and each category its threshold
//! names. Exactly at the threshold the requirement is met by evidence; one
//! step past it, it is not met: one fewer (one more for `at_most`) person,
//! project or head count, 0.01 less money or figure, one fewer bachelor,
//! one day short of a duration or of a certificate held. `people` rules are
//! checked from a roster and from a declared count, and every condition of
//! `who` has a person-level edge (one day short, one project short, a
//! qualification not yet obtained, …) whose person must not be counted.
//!
//! Values that must not count (a project a day outside the window, the same
//! figure in another category, …) are put beside the ones that must, so
//! reading the wrong one fails too.
//!
//! A kind or measure without a generator does not compile (exhaustive
//! matches); a comparison key a generator does not understand panics with
//! the file and the requirement id.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use jiff::civil::{Date, date};
use num_traits::ToPrimitive;

use super::*;
use crate::registry::{
    Certificate, Day, Degree, Event, EventKind, Head, HeldQualification, OrganisationFile,
    OtherProject, Person, Project, Service, TechnicalLead, Visible,
};
use crate::rules::{Duration, Group, HoldsCertificate, RULES_FILE, Threshold, from_text};

/// The grading date of every synthetic organisation.
const DAY: Date = date(2026, 11, 21);

/// Computed requirements exercised per standard today. A lower bound: a
/// rule deleted or turned documentary makes the test fail until this is
/// lowered on purpose.
const EXERCISED: [(&str, usize); 5] = [
    ("ccrc-isv-c01", 5),
    ("cii-service-capability", 108),
    ("cnitsec-cloud-l1", 2),
    ("csi-grading", 125),
    ("isom-self-assessment", 0),
];

/// A project type no rule names: what `any_type` must count and a typed
/// rule must not.
const UNRELATED_TYPE: &str = "unrelated-project-type";

const BASE: &str = r#"
names: {zh: 阈值测试, en: Threshold test}
credit_code: 91350100M000100Y43
region: fujian
founded: 2000-01-01
"#;

#[test]
fn every_quantity_is_met_at_its_threshold_and_not_one_step_past_it() {
    let schemes = real_schemes();
    let base = base();
    let mut counts = BTreeMap::new();
    for scheme in &schemes.schemes {
        let mut exercised = 0;
        for target in targets(scheme) {
            if exercise(&schemes, &base, &target) {
                exercised += 1;
            }
        }
        counts.insert(scheme.slug.clone(), exercised);
    }
    let mut report = String::new();
    for (slug, n) in &counts {
        let expected = EXERCISED
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("{slug}: a standard without an entry in EXERCISED"));
        if *n < expected {
            let _ = writeln!(
                report,
                "{slug}: {n} exercised, at least {expected} expected"
            );
        }
    }
    for (slug, _) in EXERCISED {
        if !counts.contains_key(slug) {
            let _ = writeln!(report, "{slug}: no rules found");
        }
    }
    assert!(
        report.is_empty(),
        "coverage fell:\n{report}counts: {counts:?}"
    );
}

/// A comparison key the generators do not know is a loud failure, naming
/// the file and the requirement, not a silently weaker test.
#[test]
#[should_panic(expected = "content/demo/rules.yaml: requirement `odd-staff`")]
fn a_comparison_the_generators_do_not_understand_panics() {
    let rules = r#"
levels: [{id: 一级, en: Level 1}]
categories: [{id: consulting, zh: 咨询, en: Consulting, clause: "1"}]
parts:
  - id: basic
    zh: 基本
    en: Basic
    clause: "1"
    levels:
      一级:
        clause: "1"
        requirements:
          - {clause: "1", id: odd-staff, at_least: {measure: staff, within: {years: 1}, value: 5}}
"#;
    let schemes = Schemes {
        schemes: vec![from_text("demo", rules).expect("rules parse")],
        ..Default::default()
    };
    let base = base();
    for target in targets(&schemes.schemes[0]) {
        exercise(&schemes, &base, &target);
    }
}

// ---------------------------------------------------------------------
// Loading and walking the rules.

/// Every standard of `content/` that has rules, read with the crate's loader.
fn real_schemes() -> Schemes {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut schemes = Vec::new();
    let entries = std::fs::read_dir(&content).expect("content/ is readable");
    for entry in entries {
        let dir = entry.expect("content/ entry").path();
        let file = dir.join(RULES_FILE);
        if !file.is_file() {
            continue;
        }
        let slug = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a slug is UTF-8")
            .to_string();
        let text = std::fs::read_to_string(&file).expect("rules.yaml is readable");
        let scheme = from_text(&slug, &text)
            .unwrap_or_else(|d| panic!("{}: rules do not parse: {d:?}", file.display()));
        schemes.push(scheme);
    }
    schemes.sort_by(|a, b| a.slug.cmp(&b.slug));
    Schemes {
        schemes,
        ..Default::default()
    }
}

fn base() -> OrganisationFile {
    let org = crate::registry::parse(Path::new("registry/threshold-test.yaml"), BASE.to_string())
        .expect("the base organisation parses");
    std::sync::Arc::unwrap_or_clone(org.data)
}

/// One requirement to exercise (a top-level one or one nested in it), with
/// where it sits and the categories it grades.
struct Target<'a> {
    scheme: &'a Scheme,
    part: &'a Part,
    level: usize,
    requirement: &'a Requirement,
    categories: Vec<&'a str>,
}

/// Every requirement of every part, nested ones included.
fn targets(scheme: &Scheme) -> Vec<Target<'_>> {
    let mut out = Vec::new();
    for part in &scheme.rules.parts {
        for (level_id, block) in &part.levels {
            let level = scheme
                .level_index(level_id)
                .unwrap_or_else(|| panic!("{}: unknown level {level_id}", scheme.file.display()));
            for top in &block.requirements {
                push_nested(&mut out, scheme, part, None, level, top);
            }
        }
        for top in &part.all_levels {
            let level = top
                .only_at
                .iter()
                .filter_map(|l| scheme.level_index(l))
                .min()
                .unwrap_or(0);
            push_nested(&mut out, scheme, part, None, level, top);
        }
        for group in part.score.iter().flat_map(|s| &s.groups) {
            for top in &group.items {
                push_nested(&mut out, scheme, part, Some(group), 0, top);
            }
        }
    }
    out
}

fn push_nested<'a>(
    out: &mut Vec<Target<'a>>,
    scheme: &'a Scheme,
    part: &'a Part,
    group: Option<&'a Group>,
    level: usize,
    top: &'a Requirement,
) {
    for requirement in top.with_nested() {
        let categories = scheme
            .rules
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| {
                part.categories
                    .as_ref()
                    .is_none_or(|cs| cs.iter().any(|x| x == c))
                    && group.is_none_or(|g| g.applies_to(c))
                    && top.applies_to(c)
                    && requirement.applies_to(c)
            })
            .collect();
        out.push(Target {
            scheme,
            part,
            level,
            requirement,
            categories,
        });
    }
}

// ---------------------------------------------------------------------
// Running the cases.

/// Exercises one requirement in every category it concerns; false for one
/// that computes nothing (documentary, or a container whose alternatives
/// and parts are targets of their own).
fn exercise(schemes: &Schemes, base: &OrganisationFile, target: &Target) -> bool {
    let r = target.requirement;
    let threshold = match r.kind() {
        Kind::Documentary | Kind::AnyOf(_) | Kind::AllOf(_) => return false,
        Kind::AtLeast(c) | Kind::AtMost(c) => Some(&c.value),
        Kind::Duration(_) | Kind::HoldsCertificate(_) => None,
    };
    let site = format!("{}: requirement `{}`", target.scheme.file.display(), r.id());
    let mut categories = target.categories.clone();
    // Every category a threshold names, whether or not the part grades it.
    if let Some(Threshold::ByCategory(map)) = threshold {
        for key in map.keys().filter(|k| *k != "default") {
            assert!(
                target.scheme.category(key).is_some(),
                "{site}: threshold names `{key}`, not a category"
            );
            if !categories.contains(&key.as_str()) {
                categories.push(key);
            }
        }
    }
    assert!(!categories.is_empty(), "{site}: grades no category");
    for category in categories {
        let g = Gen {
            scheme: target.scheme,
            category,
            decoy: target
                .scheme
                .rules
                .categories
                .iter()
                .map(|c| c.id.as_str())
                .find(|c| *c != category),
            base,
            site: &site,
        };
        let cases = match r.kind() {
            Kind::Documentary | Kind::AnyOf(_) | Kind::AllOf(_) => unreachable!("returned above"),
            Kind::AtLeast(c) => g.comparison(c, Bound::AtLeast),
            Kind::AtMost(c) => g.comparison(c, Bound::AtMost),
            Kind::Duration(d) => g.duration(d),
            Kind::HoldsCertificate(h) => g.certificate(schemes, h),
        };
        assert!(
            cases.iter().any(|c| c.met) && cases.iter().any(|c| !c.met),
            "{site}: {category}: the generator made no pair of cases"
        );
        for case in cases {
            let check = evaluate(schemes, target, category, &case.org);
            let expected = if case.met {
                State::MetByEvidence
            } else {
                State::NotMet
            };
            assert_eq!(
                check.state, expected,
                "{site} ({}), {category}, {}: {:?}",
                r.clause, case.what, check.observed
            );
            if let Observed::Figure {
                threshold, form, ..
            } = &check.observed
            {
                assert_eq!(
                    Some(threshold),
                    g.threshold_of(r).as_ref(),
                    "{site}, {category}: the engine's threshold"
                );
                assert_eq!(*form, case.form, "{site}, {category}, {}", case.what);
            }
        }
    }
    true
}

/// The requirement alone, for one organisation and category, on [`DAY`].
fn evaluate(schemes: &Schemes, target: &Target, category: &str, org: &OrganisationFile) -> Check {
    let certificates = certificate_states(org, schemes, DAY);
    let ctx = Context {
        data: org,
        schemes,
        scheme: target.scheme,
        category,
        date: DAY,
        certificates: &certificates,
        assessments: Vec::new(),
    };
    let place = Place {
        part: &target.part.id,
        level: target.level,
    };
    ctx.check(target.requirement, place, None)
}

/// One synthetic organisation and what the requirement must say of it.
struct Case {
    what: String,
    org: OrganisationFile,
    met: bool,
    /// For `people`: where the count must come from.
    form: Option<CountForm>,
}

impl Case {
    fn new(what: impl Into<String>, org: OrganisationFile, met: bool) -> Case {
        Case {
            what: what.into(),
            org,
            met,
            form: None,
        }
    }

    fn counted(mut self, form: CountForm) -> Case {
        self.form = Some(form);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    AtLeast,
    AtMost,
}

/// The cases of one requirement in one category.
struct Gen<'a> {
    scheme: &'a Scheme,
    category: &'a str,
    /// Another category of the standard: values that must not count go there.
    decoy: Option<&'a str>,
    base: &'a OrganisationFile,
    site: &'a str,
}

fn v<T>(value: T) -> Visible<T> {
    Visible {
        value,
        public: None,
    }
}

fn num(text: &str) -> Num {
    text.parse().expect("a number")
}

fn next_day(d: Date) -> Date {
    d.tomorrow().expect("a day after")
}

fn previous_day(d: Date) -> Date {
    d.yesterday().expect("a day before")
}

impl Gen<'_> {
    fn fail(&self, why: &str) -> ! {
        panic!("{}: {why}", self.site)
    }

    fn org(&self) -> OrganisationFile {
        self.base.clone()
    }

    /// The threshold for the graded category, read independently of the
    /// engine's `Threshold::for_category`.
    fn threshold(&self, c: &Comparison) -> Num {
        match &c.value {
            Threshold::Number(n) => n.clone(),
            Threshold::ByCategory(map) => map
                .get(self.category)
                .or_else(|| map.get("default"))
                .cloned()
                .unwrap_or_else(|| {
                    self.fail(&format!("no threshold for {} nor a default", self.category))
                }),
        }
    }

    fn threshold_of(&self, r: &Requirement) -> Option<Num> {
        match r.kind() {
            Kind::AtLeast(c) | Kind::AtMost(c) => Some(self.threshold(c)),
            _ => None,
        }
    }

    /// Panics when the comparison sets a key the measure's generator does
    /// not build evidence for.
    fn allow(&self, c: &Comparison, allowed: &[&str]) {
        let set = [
            ("within", c.within.is_some()),
            ("any_time", c.any_time),
            ("of_type", c.of_type.is_some()),
            ("any_type", c.any_type),
            ("completed_only", c.completed_only),
            ("qualification", c.qualification.is_some()),
            ("figure", c.figure.is_some()),
            ("count", c.count.is_some()),
            ("who", c.who.is_some()),
            ("min_amount", c.min_amount.is_some()),
            ("in_use", c.in_use),
            ("trial_run", c.trial_run.is_some()),
            ("team_at_least", c.team_at_least.is_some()),
            ("every", c.every),
        ];
        for (key, present) in set {
            if present && !allowed.contains(&key) {
                self.fail(&format!(
                    "`{key}` on a {} comparison: no generator builds evidence for it",
                    c.measure.name()
                ));
            }
        }
    }

    /// A count threshold and the count one step past it.
    fn counts(&self, bound: Bound, t: &Num) -> (u32, u32) {
        let at = t
            .0
            .is_integer()
            .then(|| t.0.to_integer().to_u32())
            .flatten()
            .unwrap_or_else(|| self.fail(&format!("count threshold {t} is not a whole number")));
        let past = match bound {
            Bound::AtLeast => at
                .checked_sub(1)
                .unwrap_or_else(|| self.fail("at least 0: nothing is below it")),
            Bound::AtMost => at + 1,
        };
        (at, past)
    }

    /// An amount threshold (万元, hours, …) and the amount 0.01 past it.
    fn amounts(&self, bound: Bound, t: &Num) -> (Num, Num) {
        let step = num("0.01");
        let past = match bound {
            Bound::AtLeast => t.add(&step.mul(&Num::integer(-1))),
            Bound::AtMost => t.add(&step),
        };
        if past < Num::zero() {
            self.fail(&format!("at least {t}: nothing is below it"));
        }
        (t.clone(), past)
    }

    /// The date `span` before the grading date, so that `span` is reached
    /// exactly on it.
    fn start_for(&self, span: &Span) -> Date {
        let start = DAY
            .checked_sub(span.jiff())
            .unwrap_or_else(|_| self.fail("span out of range"));
        if start.checked_add(span.jiff()).ok() != Some(DAY) {
            self.fail("the span does not end exactly on the grading date");
        }
        start
    }

    /// The evidence and one step past it, each with the other's value
    /// wherever `build` puts the decoy.
    fn pair<T: std::fmt::Display>(
        &self,
        at: T,
        past: T,
        build: impl Fn(&T, &T) -> OrganisationFile,
    ) -> Vec<Case> {
        vec![
            Case::new(format!("exactly {at}"), build(&at, &past), true),
            Case::new(format!("one step past: {past}"), build(&past, &at), false),
        ]
    }

    fn comparison(&self, c: &Comparison, bound: Bound) -> Vec<Case> {
        let t = self.threshold(c);
        match c.measure {
            Measure::Staff | Measure::CertifiedStaff | Measure::QualifiedStaff => {
                self.head_count(c, bound, &t)
            }
            Measure::BachelorShare => self.bachelor_share(c, bound, &t),
            Measure::RegisteredCapital => self.registered_capital(c, bound, &t),
            Measure::Figure => self.figure(c, bound, &t),
            Measure::Projects
            | Measure::ProjectTotal
            | Measure::LargestProject
            | Measure::FailedAcceptances
            | Measure::FeeShare => self.projects(c, bound, &t),
            Measure::People => self.people(c, bound, &t),
            Measure::VulnerabilityReports => self.vulnerability_reports(c, bound, &t),
        }
    }

    fn service<'o>(&self, org: &'o mut OrganisationFile, category: &str) -> &'o mut Service {
        org.evidence
            .services
            .entry(category.to_string())
            .or_insert_with(|| Service {
                since: v(Day(date(2000, 1, 1))),
                certified_staff: None,
                counts: BTreeMap::new(),
                figures: BTreeMap::new(),
            })
    }

    // -----------------------------------------------------------------
    // One generator per measure family.

    /// `staff`, `certified-staff` (the graded category's), `qualified-staff`
    /// (the rule's qualification).
    fn head_count(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        let mut cases = self.typed_head_count(c, bound, t);
        for case in &mut cases {
            case.form = Some(CountForm::Declared);
        }
        cases.extend(self.roster_head_count(c, bound, t));
        cases
    }

    /// With a roster the head counts are counted from it, and typed counts
    /// (which a file with a roster may not have) are ignored: each case
    /// types the opposite value. Persons who must not count: one who left
    /// the day before, one joining the day after, and per measure one
    /// counted for another category, one whose qualification lapsed the
    /// day before, one holding another qualification.
    fn roster_head_count(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        let (at, past) = self.counts(bound, t);
        let qualification = c.qualification.clone().unwrap_or_else(|| "CISP".into());
        let held = |id: &str, expires: Option<Date>| HeldQualification {
            id: id.to_string(),
            obtained: Day(date(2010, 1, 1)),
            expires: expires.map(Day),
        };
        let person = |id: String| {
            let mut p = Person {
                id,
                ..Person::default()
            };
            p.categories.push(self.category.to_string());
            p.qualifications.push(held(&qualification, None));
            p
        };
        let build = |n: &u32, typed: &u32| {
            let mut org = self.org();
            org.evidence.staff = Some(v(*typed));
            self.service(&mut org, self.category).certified_staff = Some(v(*typed));
            org.evidence
                .qualified_staff
                .insert(qualification.clone(), v(*typed));
            let roster = &mut org.evidence.roster;
            roster.extend((0..*n).map(|i| person(format!("p-{i:03}"))));
            let mut left = person("p-left".into());
            left.left = Some(Day(previous_day(DAY)));
            let mut joins = person("p-joins".into());
            joins.joined = Some(Day(next_day(DAY)));
            roster.extend([left, joins]);
            if c.measure != Measure::Staff {
                let mut lapsed = person("p-lapsed".into());
                lapsed.qualifications = vec![held(&qualification, Some(previous_day(DAY)))];
                roster.push(lapsed);
            }
            match c.measure {
                // Only certified staff needs a qualification of any kind:
                // another one counts there, and a person without any, or
                // counted for another category, does not.
                Measure::CertifiedStaff => {
                    let mut none = person("p-unqualified".into());
                    none.qualifications.clear();
                    roster.push(none);
                    if let Some(decoy) = self.decoy {
                        let mut elsewhere = person("p-elsewhere".into());
                        elsewhere.categories = vec![decoy.to_string()];
                        roster.push(elsewhere);
                    }
                }
                Measure::QualifiedStaff => {
                    let mut other = person("p-other".into());
                    other.qualifications = vec![held(UNRELATED_TYPE, None)];
                    roster.push(other);
                }
                _ => {}
            }
            org
        };
        let mut cases = self.pair(at, past, build);
        for case in &mut cases {
            case.what = format!("roster, {}", case.what);
            case.form = Some(CountForm::Roster);
        }
        cases
    }

    fn typed_head_count(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        let (at, past) = self.counts(bound, t);
        match c.measure {
            Measure::Staff => {
                self.allow(c, &[]);
                self.pair(at, past, |n, decoy| {
                    let mut org = self.org();
                    org.evidence.staff = Some(v(*n));
                    self.service(&mut org, self.category).certified_staff = Some(v(*decoy));
                    org
                })
            }
            Measure::CertifiedStaff => {
                self.allow(c, &[]);
                self.pair(at, past, |n, decoy| {
                    let mut org = self.org();
                    self.service(&mut org, self.category).certified_staff = Some(v(*n));
                    if let Some(other) = self.decoy {
                        self.service(&mut org, other).certified_staff = Some(v(*decoy));
                    }
                    org.evidence.staff = Some(v(*decoy));
                    org
                })
            }
            Measure::QualifiedStaff => {
                self.allow(c, &["qualification"]);
                let q = c
                    .qualification
                    .as_deref()
                    .unwrap_or_else(|| self.fail("qualified-staff without a qualification"));
                self.pair(at, past, |n, decoy| {
                    let mut org = self.org();
                    org.evidence.qualified_staff.insert(q.to_string(), v(*n));
                    org.evidence
                        .qualified_staff
                        .insert(format!("{q}-other"), v(*decoy));
                    org.evidence.staff = Some(v(*decoy));
                    org
                })
            }
            other => self.fail(&format!("{} is not a head count", other.name())),
        }
    }

    /// `bachelor-share`: staff a multiple of the ratio's denominator (at
    /// least 100), one bachelor fewer (more) past it.
    fn bachelor_share(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        self.allow(c, &[]);
        let (p, q) = (t.0.numer().to_u32(), t.0.denom().to_u32());
        let (Some(p), Some(q)) = (p, q) else {
            self.fail(&format!("share {t} is not a ratio of counts"));
        };
        let k = 100u32.div_ceil(q);
        let staff = q * k;
        let at = p * k;
        let past = match bound {
            Bound::AtLeast => at
                .checked_sub(1)
                .unwrap_or_else(|| self.fail("a share of at least 0")),
            Bound::AtMost if at < staff => at + 1,
            Bound::AtMost => self.fail("a share of at most 100%"),
        };
        let mut cases = self.pair(at, past, |b, _| {
            let mut org = self.org();
            org.evidence.staff = Some(v(staff));
            org.evidence.bachelor_staff = Some(v(*b));
            org
        });
        for case in &mut cases {
            case.form = Some(CountForm::Declared);
        }
        // From a roster: `b` graduates (bachelor, master, doctorate in
        // turn) of `staff` present persons; one who left and one joining,
        // both graduates, do not count; typed counts say the opposite.
        let roster = |b: &u32, typed: &u32| {
            let mut org = self.org();
            org.evidence.staff = Some(v(staff));
            org.evidence.bachelor_staff = Some(v(*typed));
            let degrees = [Degree::Bachelor, Degree::Master, Degree::Doctorate];
            for i in 0..staff {
                let degree = if i < *b {
                    Some(degrees[i as usize % 3])
                } else if i % 2 == 0 {
                    Some(Degree::JuniorCollege)
                } else {
                    None
                };
                org.evidence.roster.push(Person {
                    id: format!("p-{i:03}"),
                    degree,
                    ..Person::default()
                });
            }
            for (id, joined, left) in [
                ("p-left", None, Some(previous_day(DAY))),
                ("p-joins", Some(next_day(DAY)), None),
            ] {
                org.evidence.roster.push(Person {
                    id: id.into(),
                    degree: Some(Degree::Doctorate),
                    joined: joined.map(Day),
                    left: left.map(Day),
                    ..Person::default()
                });
            }
            org
        };
        for mut case in self.pair(at, past, roster) {
            case.what = format!("roster, {}", case.what);
            case.form = Some(CountForm::Roster);
            cases.push(case);
        }
        cases
    }

    /// `registered-capital`, 万元.
    fn registered_capital(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        self.allow(c, &[]);
        let (at, past) = self.amounts(bound, t);
        self.pair(at, past, |amount, decoy| {
            let mut org = self.org();
            org.evidence.registered_capital = Some(v(amount.clone()));
            org.evidence
                .figures
                .insert("registered-capital".into(), v(decoy.clone()));
            org
        })
    }

    /// `figure`, at its declared scope; the other scope (and another
    /// category) hold the value that must not count.
    fn figure(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        self.allow(c, &["figure"]);
        let id = c
            .figure
            .as_deref()
            .unwrap_or_else(|| self.fail("figure without `figure`"));
        let declared = self
            .scheme
            .rules
            .figures
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| self.fail(&format!("figure `{id}` is not declared")));
        let (at, past) = self.amounts(bound, t);
        self.pair(at, past, |value, decoy| {
            let mut org = self.org();
            match declared.scope {
                Scope::Category => {
                    let own = self.service(&mut org, self.category);
                    own.figures.insert(id.to_string(), v(value.clone()));
                    if let Some(other) = self.decoy {
                        let other = self.service(&mut org, other);
                        other.figures.insert(id.to_string(), v(decoy.clone()));
                    }
                    org.evidence
                        .figures
                        .insert(id.to_string(), v(decoy.clone()));
                }
                Scope::Organisation => {
                    org.evidence
                        .figures
                        .insert(id.to_string(), v(value.clone()));
                    let own = self.service(&mut org, self.category);
                    own.figures.insert(id.to_string(), v(decoy.clone()));
                }
            }
            org
        })
    }

    /// `projects`, `project-total`, `largest-project`, `failed-acceptances`:
    /// projects on the window's first and last days, beside projects that
    /// must not count (a day outside the window, not completed by the date,
    /// signed before the window, of another type).
    fn projects(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        self.allow(
            c,
            &[
                "within",
                "any_time",
                "of_type",
                "any_type",
                "completed_only",
                "min_amount",
                "in_use",
                "trial_run",
                "team_at_least",
                "every",
            ],
        );
        // `any_time` has no window: the counted projects lie thirty years
        // back, and nothing is before the window.
        let from = match c.within {
            _ if c.any_time => DAY
                .checked_sub(jiff::Span::new().years(30))
                .expect("a date"),
            Some(w) => self.start_for(&w),
            None => DAY,
        };
        let kind = if c.any_type {
            UNRELATED_TYPE
        } else {
            c.of_type.as_deref().unwrap_or(self.category)
        };
        // With completed_only, the signing date does not matter: sign before the window.
        let signed = if c.completed_only {
            previous_day(from)
        } else {
            from
        };
        let counted = |i: usize, amount: Num, accepted: bool| Project {
            types: vec![kind.to_string()],
            name: None,
            client: None,
            signed: Day(signed),
            completed: Some(Day(if i % 2 == 0 { DAY } else { from })),
            amount: Some(v(amount)),
            service_fees: None,
            team_size: None,
            team: (0..c.team_at_least.unwrap_or(0))
                .map(|n| format!("p-team-{n}"))
                .collect(),
            accepted,
            in_use: c.in_use,
            trial_run: c.trial_run.map(|span| trial_run(&span, 0)),
        };
        // Big enough to flip any of the four measures if counted.
        let decoy_amount = t.add(&Num::integer(1));
        let not_counted = |types: &str, signed: Date, completed: Option<Date>| Project {
            types: vec![types.to_string()],
            name: None,
            client: None,
            signed: Day(signed),
            completed: completed.map(Day),
            amount: Some(v(decoy_amount.clone())),
            // All fees: counted by mistake, it would lift a fee share.
            service_fees: (c.measure == Measure::FeeShare).then(|| v(decoy_amount.clone())),
            team: Vec::new(),
            team_size: None,
            accepted: false,
            in_use: false,
            trial_run: None,
        };
        let before = previous_day(from);
        let mut decoys = vec![
            not_counted(kind, signed, Some(next_day(DAY))),
            not_counted(kind, signed, None),
        ];
        if !c.any_time {
            decoys.insert(0, not_counted(kind, previous_day(before), Some(before)));
        }
        if !c.completed_only && !c.any_time {
            decoys.push(not_counted(kind, before, Some(DAY)));
        }
        if !c.any_type {
            decoys.push(not_counted(UNRELATED_TYPE, signed, Some(DAY)));
        }
        // Accepted projects in the window that miss one selector each.
        let before_near_misses = decoys.len();
        let near_miss = |adjust: &dyn Fn(&mut Project)| {
            let mut p = counted(0, c.min_amount.clone().unwrap_or(Num::integer(1)), true);
            adjust(&mut p);
            p
        };
        if let Some(min) = &c.min_amount {
            decoys.push(near_miss(&|p| {
                p.amount = Some(v(min.add(&num("-0.01"))));
            }));
        }
        if c.in_use {
            decoys.push(near_miss(&|p| p.in_use = false));
        }
        if let Some(span) = c.trial_run {
            decoys.push(near_miss(&|p| p.trial_run = Some(trial_run(&span, 1))));
            decoys.push(near_miss(&|p| p.trial_run = None));
        }
        if c.team_at_least.is_some_and(|n| n > 0) {
            decoys.push(near_miss(&|p| {
                p.team.pop();
            }));
        }
        let near_miss_count = decoys.len() - before_near_misses;
        // With `every`, a near miss in the window fails the requirement
        // however many projects meet it: those become cases of their own.
        let near_misses = if c.every {
            decoys.split_off(decoys.len() - near_miss_count)
        } else {
            Vec::new()
        };
        let with_projects = |projects: Vec<Project>| {
            let mut org = self.org();
            org.evidence.projects = projects;
            org.evidence.projects.extend(decoys.iter().cloned());
            org
        };
        match c.measure {
            Measure::Projects => {
                let (at, past) = self.counts(bound, t);
                let meeting = |n: u32| -> Vec<Project> {
                    (0..n as usize)
                        .map(|i| counted(i, c.min_amount.clone().unwrap_or(Num::integer(1)), true))
                        .collect()
                };
                let mut cases = self.pair(at, past, |n, _| with_projects(meeting(*n)));
                for (i, miss) in near_misses.iter().enumerate() {
                    let mut projects = meeting(at);
                    projects.push(miss.clone());
                    cases.push(Case::new(
                        format!("every: {at} projects and near miss {i}"),
                        with_projects(projects),
                        false,
                    ));
                }
                // A file without a roster gives each team's size instead.
                if let Some(n) = c.team_at_least {
                    let plain = |size: u32| {
                        let mut projects = meeting(at);
                        for p in &mut projects {
                            p.team.clear();
                            p.team_size = Some(size);
                        }
                        with_projects(projects)
                    };
                    cases.push(Case::new(format!("team_size {n}"), plain(n), true));
                    if n > 0 {
                        cases.push(Case::new(
                            format!("team_size {}", n - 1),
                            plain(n - 1),
                            false,
                        ));
                    }
                }
                cases
            }
            Measure::FailedAcceptances => {
                let (at, past) = self.counts(bound, t);
                self.pair(at, past, |n, _| {
                    let mut projects: Vec<Project> = (0..*n as usize)
                        .map(|i| counted(i, Num::integer(1), false))
                        .collect();
                    projects.push(counted(1, Num::integer(1), true));
                    with_projects(projects)
                })
            }
            Measure::ProjectTotal => {
                let (at, past) = self.amounts(bound, t);
                // Three amounts summing exactly: half, a quarter, a quarter.
                let half = num("0.5");
                let quarter = num("0.25");
                self.pair(at, past, |total, _| {
                    with_projects(vec![
                        counted(0, total.mul(&half), true),
                        counted(1, total.mul(&quarter), true),
                        counted(2, total.mul(&quarter), true),
                    ])
                })
            }
            Measure::LargestProject => {
                let (at, past) = self.amounts(bound, t);
                self.pair(at, past, |largest, _| {
                    with_projects(vec![
                        counted(0, largest.mul(&num("0.5")), true),
                        counted(1, largest.clone(), true),
                    ])
                })
            }
            Measure::FeeShare => {
                // Amounts 50 + 30 + 20 = 100: the fees are the share in
                // hundredths; the third project records no fees, so only its
                // amount counts.
                let hundred = Num::integer(100);
                let (at, past) = self.amounts(bound, &t.mul(&hundred));
                if at > Num::integer(80) {
                    self.fail(&format!(
                        "a fee share of {t}: above what two projects carry"
                    ));
                }
                self.pair(at, past, |fees, _| {
                    let on_first = if *fees > Num::integer(50) {
                        Num::integer(50)
                    } else {
                        fees.clone()
                    };
                    let rest = fees.add(&on_first.mul(&Num::integer(-1)));
                    let with_fees = |i: usize, amount: i64, fees: Num| {
                        let mut p = counted(i, Num::integer(amount), true);
                        p.service_fees = Some(v(fees));
                        p
                    };
                    with_projects(vec![
                        with_fees(0, 50, on_first),
                        with_fees(1, 30, rest),
                        counted(2, Num::integer(20), true),
                    ])
                })
            }
            other => self.fail(&format!("{} is not a project measure", other.name())),
        }
    }

    /// `vulnerability-reports`: reports of the type submitted by the date;
    /// one submitted the day after and one of another type do not count.
    fn vulnerability_reports(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        self.allow(c, &["of_type"]);
        let kind = c.of_type.as_deref().unwrap_or(self.category);
        let report = |n: usize, types: &str, on: Date| crate::registry::VulnerabilityReport {
            id: format!("CNVD-2026-{n:05}"),
            submitted: Day(on),
            types: vec![types.to_string()],
        };
        let (at, past) = self.counts(bound, t);
        self.pair(at, past, |n, _| {
            let mut org = self.org();
            let reports = &mut org.evidence.vulnerability_reports;
            reports.extend((0..*n as usize).map(|i| report(i, kind, DAY)));
            reports.push(report(90_000, kind, next_day(DAY)));
            reports.push(report(90_001, UNRELATED_TYPE, DAY));
            org
        })
    }

    /// `people`: the declared count (no roster), the roster, and one
    /// near-miss person per condition of `who`.
    fn people(&self, c: &Comparison, bound: Bound, t: &Num) -> Vec<Case> {
        self.allow(c, &["count", "who", "every"]);
        let key = c
            .count
            .as_deref()
            .unwrap_or_else(|| self.fail("people without `count`: no declared form"));
        let who = c.who.clone().unwrap_or_default();
        let (at, past) = self.counts(bound, t);
        // Declared counts, at the rule's scope; the other scope and another
        // category hold the value that must not count.
        let declare = |org: &mut OrganisationFile, n: u32, decoy: u32| match who.scope {
            Scope::Category => {
                self.service(org, self.category)
                    .counts
                    .insert(key.to_string(), v(n));
                if let Some(other) = self.decoy {
                    self.service(org, other)
                        .counts
                        .insert(key.to_string(), v(decoy));
                }
                org.evidence.counts.insert(key.to_string(), v(decoy));
            }
            Scope::Organisation => {
                org.evidence.counts.insert(key.to_string(), v(n));
                self.service(org, self.category)
                    .counts
                    .insert(key.to_string(), v(decoy));
            }
        };
        let mut cases = self.pair(at, past, |n, decoy| {
            let mut org = self.org();
            declare(&mut org, *n, *decoy);
            org
        });
        for case in &mut cases {
            case.what = format!("declared count, {}", case.what);
            case.form = Some(CountForm::Declared);
        }
        // A roster wins over declared counts, which say the opposite. It
        // always has someone (an empty roster is no roster): a person who
        // left long ago, who never counts.
        let roster = |good: u32, flaw: Option<Flaw>, declared: u32| {
            let mut org = self.org();
            org.evidence.roster.push(former_employee());
            for i in 0..good as usize {
                self.person(&mut org, &who, i, None);
            }
            if let Some(flaw) = flaw {
                self.person(&mut org, &who, good as usize, Some(flaw));
            }
            declare(&mut org, declared, declared);
            org
        };
        cases.push(
            Case::new(format!("roster of {at}"), roster(at, None, past), true)
                .counted(CountForm::Roster),
        );
        cases.push(
            Case::new(format!("roster of {past}"), roster(past, None, at), false)
                .counted(CountForm::Roster),
        );
        // The near-miss person must not make up the count (nor, at most,
        // break it).
        let (good, met) = match bound {
            Bound::AtLeast => (past, false),
            Bound::AtMost => (at, true),
        };
        for flaw in self.flaws(&who) {
            // With `every`, a holder of the post who falls short fails the
            // requirement however many others meet it.
            if c.every && flaw.holds_the_post() {
                cases.push(
                    Case::new(
                        format!("every: {at} persons and one {flaw:?} in the role"),
                        roster(at, Some(flaw), past),
                        false,
                    )
                    .counted(CountForm::Roster),
                );
            }
            cases.push(
                Case::new(
                    format!("{good} persons and one {flaw:?}"),
                    roster(good, Some(flaw), at),
                    met,
                )
                .counted(CountForm::Roster),
            );
        }
        cases
    }

    /// The near misses that `who` makes possible.
    fn flaws(&self, who: &Who) -> Vec<Flaw> {
        let mut flaws = vec![Flaw::LeftTheDayBefore, Flaw::JoinsTheDayAfter];
        if who.experience.is_some() {
            flaws.push(Flaw::ExperienceOneDayShort);
        }
        if who.experience_in.is_some() {
            flaws.push(Flaw::ExperienceInOneDayShort);
        }
        if who.took_part.as_ref().is_some_and(|t| t.at_least > 0) {
            flaws.push(Flaw::OneProjectNotYetCompleted);
        }
        if !who.qualification.is_empty() {
            flaws.push(Flaw::QualificationObtainedTheDayAfter);
            flaws.push(Flaw::QualificationExpiredTheDayBefore);
        }
        if who.scope == Scope::Category && self.decoy.is_some() {
            flaws.push(Flaw::CountedForAnotherCategory);
        }
        if !who.role.is_empty() {
            flaws.push(Flaw::WithoutTheRole);
        }
        flaws
    }

    /// Adds roster person `i` meeting every condition of `who` exactly on
    /// the grading date, or missing one by `flaw`. Persons alternate how
    /// they show experience in a type (declared, or from the first project
    /// of the type, earlier than a declared start) and projects taken part
    /// in (in this file, or elsewhere); a flawed person is of the first
    /// kind.
    fn person(&self, org: &mut OrganisationFile, who: &Who, i: usize, flaw: Option<Flaw>) {
        let id = match flaw {
            Some(_) => "p-near-miss".to_string(),
            None => format!("p-{i:03}"),
        };
        let first_kind = flaw.is_some() || i % 2 == 0;
        let mut p = Person {
            id: id.clone(),
            ..Person::default()
        };
        if !who.role.is_empty() && flaw != Some(Flaw::WithoutTheRole) {
            p.roles.push(who.role[i % who.role.len()].clone());
        }
        let project = |kind: &str, signed: Date, completed: Date| Project {
            types: vec![kind.to_string()],
            name: None,
            client: None,
            signed: Day(signed),
            completed: Some(Day(completed)),
            amount: None,
            service_fees: None,
            team: vec![id.clone()],
            team_size: None,
            accepted: true,
            in_use: false,
            trial_run: None,
        };
        let mut projects = Vec::new();
        // Present on the date: some joined that day, some leave that day.
        match (flaw, i % 3) {
            (Some(Flaw::LeftTheDayBefore), _) => p.left = Some(Day(previous_day(DAY))),
            (Some(Flaw::JoinsTheDayAfter), _) => p.joined = Some(Day(next_day(DAY))),
            (None, 1) => p.joined = Some(Day(DAY)),
            (None, 2) => p.left = Some(Day(DAY)),
            _ => {}
        }
        if let Some(span) = &who.experience {
            let mut since = self.start_for(span);
            if flaw == Some(Flaw::ExperienceOneDayShort) {
                since = next_day(since);
            }
            p.security_work_since = Some(Day(since));
        }
        // Projects of the took_part type already counted (a project that
        // starts the experience in the same type).
        let mut taken_part = 0;
        if let Some(x) = &who.experience_in {
            let mut since = self.start_for(&x.at_least);
            if flaw == Some(Flaw::ExperienceInOneDayShort) {
                since = next_day(since);
            }
            if first_kind {
                p.experience.insert(x.of_type.clone(), Day(since));
            } else {
                // A declared start too late to count, and a project of the
                // type signed exactly the span before: the earlier counts.
                p.experience.insert(x.of_type.clone(), Day(DAY));
                projects.push(project(&x.of_type, since, DAY));
                if who
                    .took_part
                    .as_ref()
                    .is_some_and(|t| t.of_type == x.of_type)
                {
                    taken_part = 1;
                }
            }
        }
        if let Some(t) = &who.took_part {
            let needed = t.at_least.saturating_sub(taken_part) as usize;
            if first_kind {
                // Signed on the date, so they never start experience earlier.
                for n in 0..needed {
                    let completed = if flaw == Some(Flaw::OneProjectNotYetCompleted) && n == 0 {
                        next_day(DAY)
                    } else {
                        DAY
                    };
                    projects.push(project(&t.of_type, DAY, completed));
                }
            } else {
                for _ in 0..needed {
                    p.other_projects.push(OtherProject {
                        types: vec![t.of_type.clone()],
                        completed: Day(DAY),
                    });
                }
            }
        }
        if !who.qualification.is_empty() {
            let q = &who.qualification[i % who.qualification.len()];
            let (obtained, expires) = match flaw {
                Some(Flaw::QualificationObtainedTheDayAfter) => (next_day(DAY), None),
                Some(Flaw::QualificationExpiredTheDayBefore) => {
                    (date(2010, 1, 1), Some(previous_day(DAY)))
                }
                _ if i % 2 == 0 => (DAY, Some(DAY)),
                _ => (DAY, None),
            };
            p.qualifications.push(HeldQualification {
                id: q.clone(),
                obtained: Day(obtained),
                expires: expires.map(Day),
            });
        }
        // One category per person, within 001's limit of three.
        p.categories = match (flaw, who.scope, self.decoy) {
            (Some(Flaw::CountedForAnotherCategory), _, Some(other)) => vec![other.to_string()],
            (_, Scope::Category, _) => vec![self.category.to_string()],
            // Organisation-wide: whatever the person's categories.
            (_, Scope::Organisation, Some(other)) => vec![other.to_string()],
            (_, Scope::Organisation, None) => Vec::new(),
        };
        org.evidence.roster.push(p);
        org.evidence.projects.extend(projects);
    }

    /// `duration`: started exactly the span before the date, or a day
    /// later; every other start date of the file holds the other value.
    fn duration(&self, d: &Duration) -> Vec<Case> {
        let start = self.start_for(&d.at_least);
        let short = next_day(start);
        let build = |since: &Date, decoy: &Date| {
            let pick = |of: Since| if of == d.of { *since } else { *decoy };
            let mut org = self.org();
            org.founded = Day(pick(Since::Founded));
            org.evidence.head = Some(Head {
                name: None,
                management_since: Some(v(Day(pick(Since::HeadManagement)))),
            });
            org.evidence.technical_lead = Some(TechnicalLead {
                name: None,
                security_work_since: Some(v(Day(pick(Since::TechnicalLead)))),
            });
            self.service(&mut org, self.category).since = v(Day(pick(Since::Service)));
            if let Some(other) = self.decoy {
                self.service(&mut org, other).since = v(Day(*decoy));
            }
            org
        };
        self.pair(start, short, build)
    }

    /// `holds_certificate`: a certificate of the level issued exactly the
    /// span before the date, or a day later; a lower level and another
    /// category, held long enough, must not count; a higher level does.
    fn certificate(&self, schemes: &Schemes, h: &HoldsCertificate) -> Vec<Case> {
        if let Some(id) = &h.scheme {
            return self.other_certificate(schemes, id, h);
        }
        let standard = h.standard.as_deref().unwrap_or(&self.scheme.slug);
        let category = h.category.as_deref().unwrap_or(self.category);
        let scheme = schemes
            .get(standard)
            .unwrap_or_else(|| self.fail(&format!("unknown standard {standard}")));
        let wanted = h
            .level
            .as_deref()
            .unwrap_or_else(|| self.fail("a standard's certificate without `level`"));
        let level = scheme
            .level_index(wanted)
            .unwrap_or_else(|| self.fail(&format!("unknown level {wanted}")));
        let has_validity = scheme
            .rules
            .certificates
            .as_ref()
            .is_some_and(|l| l.validity.is_some());
        let issued = self.start_for(&h.held_for);
        let long_ago = previous_day(issued);
        let cert = |n: usize, category: &str, level: usize, on: Date| Certificate {
            standard: standard.to_string(),
            edition: None,
            category: category.to_string(),
            level: scheme.rules.levels[level].id.clone(),
            number: format!("T-{n}"),
            body: "测试中心".to_string(),
            body_en: None,
            valid_until: (!has_validity).then(|| Day(date(2030, 12, 31))),
            events: vec![Event {
                date: Day(on),
                kind: EventKind::Issued,
                valid_until: None,
                note: None,
                note_en: None,
            }],
        };
        // Decoys: the level below, held long; the same level in a category
        // that is not the one asked for.
        let other_category = scheme
            .rules
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .find(|c| *c != category);
        let build = |on: Date| {
            let mut org = self.org();
            org.certificates.push(cert(0, category, level, on));
            if level > 0 {
                org.certificates
                    .push(cert(1, category, level - 1, long_ago));
            }
            if let Some(other) = other_category {
                org.certificates.push(cert(2, other, level, long_ago));
            }
            org
        };
        let mut cases = vec![
            Case::new(format!("issued {issued}"), build(issued), true),
            Case::new(
                format!("issued {}, a day short", next_day(issued)),
                build(next_day(issued)),
                false,
            ),
        ];
        if level + 1 < scheme.rules.levels.len() {
            let mut org = self.org();
            org.certificates.push(cert(0, category, level + 1, issued));
            cases.push(Case::new("a higher level, issued exactly", org, true));
        }
        cases
    }

    /// A certificate of a scheme outside the site: in force on the date
    /// (issued that day, or valid until that day) counts; one issued the
    /// day after, one that lapsed the day before, one a level below, or one
    /// of another scheme does not.
    fn other_certificate(&self, schemes: &Schemes, id: &str, h: &HoldsCertificate) -> Vec<Case> {
        let scheme = schemes
            .other_scheme(id)
            .unwrap_or_else(|| self.fail(&format!("undeclared scheme {id}")));
        let level = h.level.as_ref().map(|l| {
            scheme
                .levels
                .iter()
                .position(|x| x == l)
                .unwrap_or_else(|| self.fail(&format!("unknown level {l} of {id}")))
        });
        let issued = self.start_for(&h.held_for);
        let cert = |scheme_id: &str, level: Option<usize>, issued: Date, until: Date| {
            crate::registry::OtherCertificate {
                scheme: scheme_id.to_string(),
                level: level.map(|l| scheme.levels[l].clone()),
                number: "X-1".to_string(),
                body: "测试机构".to_string(),
                body_en: None,
                issued: Day(issued),
                valid_until: Day(until),
            }
        };
        let with = |certs: Vec<crate::registry::OtherCertificate>| {
            let mut org = self.org();
            org.evidence.other_certificates = certs;
            org
        };
        let far = date(2030, 12, 31);
        let mut cases = vec![
            Case::new(
                "in force, held exactly",
                with(vec![cert(id, level, issued, far)]),
                true,
            ),
            Case::new(
                "valid until the grading date",
                with(vec![cert(id, level, date(2001, 1, 1), DAY)]),
                true,
            ),
            Case::new(
                "issued a day short",
                with(vec![cert(id, level, next_day(issued), far)]),
                false,
            ),
            Case::new(
                "lapsed the day before",
                with(vec![cert(id, level, date(2001, 1, 1), previous_day(DAY))]),
                false,
            ),
            Case::new(
                "another scheme",
                with(vec![cert(UNRELATED_TYPE, level, issued, far)]),
                false,
            ),
        ];
        if let Some(l) = level {
            if l > 0 {
                cases.push(Case::new(
                    "a level below",
                    with(vec![cert(id, Some(l - 1), issued, far)]),
                    false,
                ));
            }
            if l + 1 < scheme.levels.len() {
                cases.push(Case::new(
                    "a level above",
                    with(vec![cert(id, Some(l + 1), issued, far)]),
                    true,
                ));
            }
        }
        cases
    }
}

/// A roster person who left before any grading date the tests use.
fn former_employee() -> Person {
    Person {
        id: "p-former".to_string(),
        name: None,
        joined: Some(Day(date(2001, 1, 1))),
        left: Some(Day(date(2002, 1, 1))),
        ..Person::default()
    }
}

/// A trial run of exactly `span` (both days included) ending on the
/// grading date, or `short` days shorter.
fn trial_run(span: &Span, short: i64) -> crate::registry::Period {
    let from = DAY
        .checked_sub(span.jiff())
        .map(next_day)
        .unwrap_or(DAY)
        .checked_add(jiff::Span::new().days(short))
        .unwrap_or(DAY);
    crate::registry::Period {
        from: Day(from),
        to: Day(DAY),
    }
}

/// How a roster person misses being counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    LeftTheDayBefore,
    JoinsTheDayAfter,
    ExperienceOneDayShort,
    ExperienceInOneDayShort,
    OneProjectNotYetCompleted,
    QualificationObtainedTheDayAfter,
    QualificationExpiredTheDayBefore,
    CountedForAnotherCategory,
    WithoutTheRole,
}

impl Flaw {
    /// Is the flawed person still present, in scope and in the role?
    fn holds_the_post(self) -> bool {
        !matches!(
            self,
            Flaw::LeftTheDayBefore
                | Flaw::JoinsTheDayAfter
                | Flaw::CountedForAnotherCategory
                | Flaw::WithoutTheRole
        )
    }
}
