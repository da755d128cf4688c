//! The grading engine: a pure function of (registry, rules, date).
//!
//! For every organisation × standard × category it claims (by a
//! certificate or an assessment), it computes the level the evidence
//! supports on the date, requirement by requirement, the gap to the next
//! level, each certificate's status, and how the registered level compares.
//! Nothing here reads files or knows about pages.

pub mod certificate;
mod editions;
pub mod report;
pub mod reuse;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod threshold_tests;

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::Serialize;

use crate::exact::Num;
use crate::registry::{
    Assessment, Degree, HeldQualification, Organisation, OrganisationFile, Person, Registry,
    Visible,
};
use crate::rules::{
    Comparison, HoldsCertificate, Kind, Measure, Part, Requirement, Scheme, Schemes, Scope, Since,
    Span, Who,
};

pub use certificate::{CertificateState, Status};
pub use editions::{GradedEdition, grading_edition, scheme_of};
pub use reuse::{Previous, grade_reusing};

/// Every organisation's grades on one date.
///
/// A build does not keep them: each organisation's full grades (every
/// requirement's evaluation, about 120 KB) are graded, turned into findings
/// and dropped, and graded again when its pages are rendered, so memory
/// does not grow with them. `dengji diff`, which compares two sides
/// requirement by requirement, keeps them.
#[derive(Debug, Clone, Serialize)]
pub struct Grades {
    pub as_of: Date,
    /// In registry order (sorted by id), when kept. Shared: `dengji diff`
    /// takes an unchanged organisation's grades from the other side.
    kept: Option<Vec<std::sync::Arc<OrganisationGrades>>>,
}

impl Grades {
    /// Grades kept for every organisation, in registry order.
    pub fn kept(as_of: Date, organisations: Vec<std::sync::Arc<OrganisationGrades>>) -> Self {
        Grades {
            as_of,
            kept: Some(organisations),
        }
    }

    /// Grades on `as_of` that were not kept: [`Grades::organisation`]
    /// grades each organisation again when asked.
    pub fn not_kept(as_of: Date) -> Self {
        Grades { as_of, kept: None }
    }

    /// Every organisation's grades in registry order, if they were kept.
    pub fn all(&self) -> Option<&[std::sync::Arc<OrganisationGrades>]> {
        self.kept.as_deref()
    }

    /// The grades of `org`, at `index` in `registry`: the kept ones, or
    /// graded again under `schemes` on the same date, which gives the same
    /// result (grading is a pure function of the file, the rules and the
    /// date).
    pub fn organisation(
        &self,
        registry: &Registry,
        index: usize,
        org: &Organisation,
        schemes: &Schemes,
    ) -> std::sync::Arc<OrganisationGrades> {
        let kept = self.kept.as_ref().and_then(|all| all.get(index));
        match kept {
            Some(grades) if grades.id == org.id => std::sync::Arc::clone(grades),
            _ => std::sync::Arc::new(grade_organisation(org, registry, schemes, self.as_of)),
        }
    }

    /// Every organisation's grades in registry order (kept, or graded
    /// again), one at a time as the iterator is consumed.
    pub fn every<'a>(
        &'a self,
        registry: &'a Registry,
        schemes: &'a Schemes,
    ) -> impl Iterator<Item = std::sync::Arc<OrganisationGrades>> + 'a {
        registry
            .organisations
            .iter()
            .enumerate()
            .map(move |(index, org)| self.organisation(registry, index, org, schemes))
    }

    /// As [`Grades::organisation`], by the organisation's id.
    pub fn get(
        &self,
        registry: &Registry,
        id: &str,
        schemes: &Schemes,
    ) -> Option<std::sync::Arc<OrganisationGrades>> {
        let (index, org) = registry
            .organisations
            .iter()
            .enumerate()
            .find(|(_, o)| o.id == id)?;
        Some(self.organisation(registry, index, org, schemes))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationGrades {
    pub id: String,
    /// One per certificate, in file order; `None` state for a malformed one.
    pub certificates: Vec<Option<CertificateState>>,
    /// One per standard × category claimed, sorted.
    pub results: Vec<GradeResult>,
}

/// How a registered level compares with the computed one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Agreement {
    /// Registered level equals the computed one.
    Consistent,
    /// Registered level is higher than the evidence supports.
    Unsupported,
    /// The evidence supports a higher level than registered.
    Exceeded,
}

impl Agreement {
    /// The name the JSON and CSV exports use (`consistent`, …).
    pub fn name(self) -> &'static str {
        match self {
            Agreement::Consistent => "consistent",
            Agreement::Unsupported => "unsupported",
            Agreement::Exceeded => "exceeded",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    /// Index of the certificate in the organisation file.
    pub certificate: usize,
    pub level: usize,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, Serialize)]
pub struct GradeResult {
    pub standard: String,
    pub category: String,
    /// Computed level (index, 0 = lowest); `None` when not even the lowest is met.
    pub level: Option<usize>,
    pub parts: Vec<PartResult>,
    /// What the next level (or the lowest, when none is met) still needs.
    pub next: Option<NextLevel>,
    /// The assessment records of this standard and category dated on or
    /// before the grading date, newest first (indices in the file).
    pub assessments: Vec<usize>,
    /// Certificates in force (or suspended) for this standard and category.
    pub registered: Vec<Registered>,
    /// For a standard with several editions, the edition whose rules
    /// graded this (`None`: the standard has one edition).
    pub edition: Option<GradedEdition>,
}

impl GradeResult {
    /// The highest level the text can support for this category at all:
    /// each part's unbroken run of defined levels from the lowest (a scored
    /// part has one level), the lowest of those over the parts. Below what a
    /// registered level may need when the text leaves a level empty
    /// (csi-grading J.4); `None` when not even the lowest is defined.
    pub fn highest_defined(&self) -> Option<usize> {
        let mut highest: Option<usize> = None;
        for (i, part) in self.parts.iter().enumerate() {
            let own = if part.score.is_some() {
                Some(0)
            } else {
                part.levels
                    .iter()
                    .take_while(|l| l.defined)
                    .last()
                    .map(|l| l.level)
            };
            highest = if i == 0 { own } else { highest.min(own) };
        }
        highest
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NextLevel {
    pub level: usize,
    /// Parts whose text defines nothing for that level (so it cannot be reached).
    pub undefined_in: Vec<String>,
    /// Unmet requirements on the way, by part.
    pub missing: Vec<(String, Check)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartResult {
    pub id: String,
    pub level: Option<usize>,
    /// Levels graded by requirements (empty for a scored part).
    pub levels: Vec<LevelResult>,
    pub score: Option<ScoreResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelResult {
    pub level: usize,
    /// False when the part defines nothing for this level (or marks it undefined).
    pub defined: bool,
    pub met: bool,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreResult {
    pub score: Num,
    pub pass_mark: Num,
    pub mandatory_met: bool,
    pub passed: bool,
    pub groups: Vec<GroupResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupResult {
    pub id: String,
    pub weight: Num,
    pub met: usize,
    pub total: usize,
    /// met / total × weight × 100.
    pub points: Num,
    pub checks: Vec<Check>,
}

/// How a requirement stands on the grading date. Only the two "met"
/// states count toward a level: what is not evidenced is not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Computed from the registry's evidence, and met.
    MetByEvidence,
    /// Documentary, and met according to the assessment record that covers it.
    MetByAssessment,
    /// The evidence falls short, or the covering assessment found it unmet.
    NotMet,
    /// Nothing shows it: a figure or date the file does not give, or a
    /// documentary requirement that no assessment record covers.
    NotEvidenced,
}

impl State {
    pub fn is_met(self) -> bool {
        matches!(self, State::MetByEvidence | State::MetByAssessment)
    }

    pub fn name(self) -> &'static str {
        match self {
            State::MetByEvidence => "met-by-evidence",
            State::MetByAssessment => "met-by-assessment",
            State::NotMet => "not-met",
            State::NotEvidenced => "not-evidenced",
        }
    }

    /// A computed requirement's state from whether its evidence exists and
    /// whether it meets the threshold.
    fn computed(evidenced: bool, met: bool) -> State {
        match (evidenced, met) {
            (_, true) => State::MetByEvidence,
            (true, false) => State::NotMet,
            (false, false) => State::NotEvidenced,
        }
    }
}

/// Where a requirement sits: its part, and the lowest level it applies at
/// (the level whose block states it), which an assessment must reach to
/// cover it.
#[derive(Debug, Clone, Copy)]
struct Place<'a> {
    part: &'a str,
    level: usize,
}

/// One requirement, evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: String,
    pub clause: String,
    /// `state.is_met()`.
    pub met: bool,
    pub state: State,
    /// The level whose block defines it, when inherited by a higher level.
    pub inherited_from: Option<usize>,
    pub mandatory: bool,
    pub observed: Observed,
    pub alternatives: Vec<Check>,
}

/// What the evidence says for a requirement.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Observed {
    /// Documentary: decided by the latest assessment record that covers it.
    Documentary {
        /// The deciding record (index in the file); `None`: not evidenced.
        assessment: Option<usize>,
        unmet_in_assessment: bool,
    },
    /// A figure compared with a threshold.
    Figure {
        measure: Measure,
        value: Option<Num>,
        public: bool,
        threshold: Num,
        at_most: bool,
        /// Projects counted (project measures only).
        projects: Option<usize>,
        /// Window start (project measures only).
        window_from: Option<Date>,
        /// People measures: counted from the roster or a declared count.
        form: Option<CountForm>,
        /// People measures with `every`: persons in the role who do not
        /// meet the other conditions (any makes the requirement not met).
        short: Option<usize>,
    },
    /// A duration since a start date.
    Duration {
        of: Since,
        since: Option<Date>,
        public: bool,
        required: Span,
        /// The date the requirement is (or will be) met.
        reached_on: Option<Date>,
    },
    /// A certificate held long enough.
    Certificate {
        /// The standard's slug or the other scheme's id.
        standard: String,
        /// What is asked for, named, when it is not the graded standard's
        /// own category: [Chinese, English].
        of: Option<[String; 2]>,
        /// The lowest level that counts, if the scheme has levels.
        level: Option<String>,
        required: Span,
        /// The qualifying certificate's number, if any.
        number: Option<String>,
    },
    /// Any of the alternatives.
    AnyOf,
    /// All of the parts.
    AllOf,
}

/// A certificate of `category` of the standard `scheme`, in words:
/// [Chinese, English] ("网络安全服务机构等级评定规范（安全咨询服务）").
pub fn certificate_of(scheme: &Scheme, category: &str) -> [String; 2] {
    let named = scheme.category(category);
    let (zh, en) = named.map_or((category, category), |c| (&c.zh, &c.en));
    [
        format!("{}（{zh}）", scheme.title_in("zh")),
        format!("{} ({en})", scheme.title_in("en")),
    ]
}

/// Where a count of people comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CountForm {
    /// Counted person by person from `evidence.roster`.
    Roster,
    /// A plain count the file declares (no roster kept).
    Declared,
}

/// Grades every organisation of `registry` on `date`.
pub fn grade(registry: &Registry, schemes: &Schemes, date: Date) -> Grades {
    use rayon::prelude::*;
    // Each organisation is graded on its own: in parallel, in order.
    let organisations = registry
        .organisations
        .par_iter()
        .map(|org| std::sync::Arc::new(grade_organisation(org, registry, schemes, date)))
        .collect();
    Grades::kept(date, organisations)
}

/// The state on `date` of each of the file's certificates, in file order,
/// under its own standard's lifecycle.
fn certificate_states(
    data: &OrganisationFile,
    schemes: &Schemes,
    date: Date,
) -> Vec<Option<CertificateState>> {
    data.certificates
        .iter()
        .map(|c| {
            let lifecycle = schemes
                .get(&c.standard)
                .and_then(|s| s.rules.certificates.as_ref());
            certificate::state(c, lifecycle, date)
        })
        .collect()
}

/// Grades one organisation; `registry` is there for certificates of other
/// files (not used today: alternatives read the organisation's own).
/// The build cache relies on that: an organisation's pages and directory
/// entry are keyed by its own file and the site only (`cache::Cache::key`),
/// so grading from other files would need their keys in its key.
pub fn grade_organisation(
    org: &Organisation,
    _registry: &Registry,
    schemes: &Schemes,
    date: Date,
) -> OrganisationGrades {
    let data = &org.data;
    let certificates = certificate_states(data, schemes, date);
    let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    for c in &data.certificates {
        pairs.insert((&c.standard, &c.category));
    }
    for a in &data.assessments {
        if let Some(category) = &a.category {
            pairs.insert((&a.standard, category));
        }
    }
    let mut results = Vec::new();
    for (standard, category) in pairs {
        let edition =
            schemes.editions.get(standard).and_then(|timeline| {
                let counted: Vec<(usize, Option<&str>, Date)> =
                    data.certificates
                        .iter()
                        .zip(&certificates)
                        .enumerate()
                        .filter(|(_, (c, _))| c.standard == standard && c.category == category)
                        .filter_map(|(i, (c, state))| {
                            let state = state.as_ref()?;
                            (state.status.in_force() || state.status == Status::Suspended)
                                .then_some((i, c.edition.as_deref(), state.issued))
                        })
                        .collect();
                grading_edition(timeline, &counted, date)
            });
        let Some(scheme) = schemes.edition(standard, edition.as_ref().map(|e| e.label.as_str()))
        else {
            continue;
        };
        if scheme.category(category).is_none() {
            continue;
        }
        let ctx = Context {
            data,
            schemes,
            scheme,
            category,
            date,
            certificates: &certificates,
            assessments: assessments_of(&data.assessments, standard, category, date),
        };
        let mut result = ctx.grade();
        result.edition = edition;
        for (i, (cert, state)) in data.certificates.iter().zip(&certificates).enumerate() {
            if cert.standard != standard || cert.category != category {
                continue;
            }
            let (Some(state), Some(level)) = (state, scheme.level_index(&cert.level)) else {
                continue;
            };
            if !(state.status.in_force() || state.status == Status::Suspended) {
                continue;
            }
            let agreement = match result.level {
                Some(computed) if computed == level => Agreement::Consistent,
                Some(computed) if computed > level => Agreement::Exceeded,
                _ => Agreement::Unsupported,
            };
            result.registered.push(Registered {
                certificate: i,
                level,
                agreement,
            });
        }
        results.push(result);
    }
    OrganisationGrades {
        id: org.id.clone(),
        certificates,
        results,
    }
}

/// The assessments on or before `date` of the standard for the category
/// (or for all categories), newest first; a later entry wins a tie.
fn assessments_of(
    assessments: &[Assessment],
    standard: &str,
    category: &str,
    date: Date,
) -> Vec<usize> {
    let mut out: Vec<usize> = assessments
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            a.standard == standard
                && a.date.0 <= date
                && a.category.as_deref().is_none_or(|c| c == category)
        })
        .map(|(i, _)| i)
        .collect();
    out.sort_by_key(|&i| std::cmp::Reverse((assessments[i].date, i)));
    out
}

struct Context<'a> {
    data: &'a OrganisationFile,
    schemes: &'a Schemes,
    scheme: &'a Scheme,
    category: &'a str,
    date: Date,
    certificates: &'a [Option<CertificateState>],
    assessments: Vec<usize>,
}

impl<'a> Context<'a> {
    fn grade(&self) -> GradeResult {
        let parts: Vec<PartResult> = self
            .scheme
            .parts_for(self.category)
            .map(|p| self.part(p))
            .collect();
        // 000 5.5 and its like: the lowest level of the parts.
        let level = if parts.is_empty() {
            None
        } else {
            parts.iter().map(|p| p.level).min().flatten()
        };
        let next_index = level.map_or(0, |l| l + 1);
        let next = (next_index < self.scheme.rules.levels.len()).then(|| {
            let mut undefined_in = Vec::new();
            let mut missing = Vec::new();
            for part in &parts {
                if part.level.is_some_and(|l| l >= next_index) {
                    continue;
                }
                if let Some(score) = &part.score {
                    for g in &score.groups {
                        missing.extend(
                            g.checks
                                .iter()
                                .filter(|c| !c.met)
                                .map(|c| (part.id.clone(), c.clone())),
                        );
                    }
                    continue;
                }
                for lr in part.levels.iter().filter(|lr| lr.level <= next_index) {
                    if !lr.defined {
                        undefined_in.push(part.id.clone());
                    }
                    for c in lr.checks.iter().filter(|c| !c.met) {
                        // An unmet requirement repeated at several levels is listed once.
                        if !missing
                            .iter()
                            .any(|(p, m): &(String, Check)| *p == part.id && m.id == c.id)
                        {
                            missing.push((part.id.clone(), c.clone()));
                        }
                    }
                }
            }
            NextLevel {
                level: next_index,
                undefined_in,
                missing,
            }
        });
        GradeResult {
            standard: self.scheme.slug.clone(),
            category: self.category.to_string(),
            level,
            parts,
            next,
            assessments: self.assessments.clone(),
            registered: Vec::new(),
            edition: None,
        }
    }

    fn part(&self, part: &Part) -> PartResult {
        if let Some(score) = &part.score {
            let mut groups = Vec::new();
            let mut total_points = Num::zero();
            let mut mandatory_met = true;
            for group in score.groups.iter().filter(|g| g.applies_to(self.category)) {
                let place = Place {
                    part: &part.id,
                    level: 0,
                };
                let checks: Vec<Check> = group
                    .items
                    .iter()
                    .map(|r| self.check(r, place, None))
                    .collect();
                let met = checks.iter().filter(|c| c.met).count();
                let total = checks.len();
                mandatory_met &= checks.iter().all(|c| c.met || !c.mandatory);
                let share = Num::ratio(met as i64, total as i64).unwrap_or_else(Num::zero);
                let points = share.mul(&group.weight).percent();
                total_points = total_points.add(&points);
                groups.push(GroupResult {
                    id: group.id.clone(),
                    weight: group.weight.clone(),
                    met,
                    total,
                    points,
                    checks,
                });
            }
            // 7.4: every mandatory item met, and the score at least the mark (65 passes).
            let passed = mandatory_met && total_points >= score.pass_mark;
            return PartResult {
                id: part.id.clone(),
                level: passed.then_some(0),
                levels: Vec::new(),
                score: Some(ScoreResult {
                    score: total_points,
                    pass_mark: score.pass_mark.clone(),
                    mandatory_met,
                    passed,
                    groups,
                }),
            };
        }
        let mut levels = Vec::new();
        let mut achieved = None;
        let mut ladder_intact = true;
        for (index, def) in self.scheme.rules.levels.iter().enumerate() {
            let block = part.levels.get(&def.id);
            let defined = match block {
                Some(b) => b.undefined.is_none(),
                None => part
                    .all_levels
                    .iter()
                    .any(|r| r.only_at.is_empty() || r.only_at.contains(&def.id)),
            };
            let checks = if defined {
                self.level_checks(part, index)
            } else {
                Vec::new()
            };
            let met = defined && checks.iter().all(|c| c.met);
            ladder_intact &= met;
            if ladder_intact {
                achieved = Some(index);
            }
            levels.push(LevelResult {
                level: index,
                defined,
                met,
                checks,
            });
        }
        PartResult {
            id: part.id.clone(),
            level: achieved,
            levels,
            score: None,
        }
    }

    /// Every requirement that applies at level `index` of `part`: those it
    /// inherits (recursively) and its own, in the standard's order (the
    /// level inherited first, B.1 … B.4), then the shared ones.
    fn level_checks(&self, part: &Part, index: usize) -> Vec<Check> {
        let levels = &self.scheme.rules.levels;
        let mut checks = Vec::new();
        let mut current = Some(index);
        let mut seen = BTreeSet::new();
        let mut chain = Vec::new();
        while let Some(i) = current {
            if !seen.insert(i) {
                break; // inheritance cycles are reported by the rules check
            }
            let Some(block) = part.levels.get(&levels[i].id) else {
                break;
            };
            chain.push((i, block));
            current = block
                .inherits
                .as_deref()
                .and_then(|p| self.scheme.level_index(p));
        }
        for (i, block) in chain.into_iter().rev() {
            let inherited = (i != index).then_some(i);
            let place = Place {
                part: &part.id,
                level: i,
            };
            for r in block
                .requirements
                .iter()
                .filter(|r| r.applies_to(self.category))
            {
                checks.push(self.check(r, place, inherited));
            }
        }
        let id = &levels[index].id;
        for r in &part.all_levels {
            if (r.only_at.is_empty() || r.only_at.contains(id)) && r.applies_to(self.category) {
                let lowest = r
                    .only_at
                    .iter()
                    .filter_map(|l| self.scheme.level_index(l))
                    .min()
                    .unwrap_or(0);
                let place = Place {
                    part: &part.id,
                    level: lowest,
                };
                checks.push(self.check(r, place, None));
            }
        }
        checks
    }

    /// The latest assessment record that covers documentary requirement
    /// `id` at `place`, and whether it found it unmet.
    /// A `named_only` requirement is decided only by records that name it.
    fn assessed(&self, id: &str, named_only: bool, place: Place) -> Option<(usize, bool)> {
        self.assessments.iter().find_map(|&i| {
            let a = self.data.assessments.get(i)?;
            let unmet = a.unmet.iter().any(|u| u == id);
            let covers = unmet
                || a.met.iter().any(|m| m == id)
                || !named_only
                    && a.covers.iter().any(|c| {
                        c.part.as_deref().is_none_or(|p| p == place.part)
                            && self
                                .scheme
                                .level_index(&c.up_to)
                                .is_some_and(|up_to| up_to >= place.level)
                    });
            covers.then_some((i, unmet))
        })
    }

    fn check(&self, r: &Requirement, place: Place, inherited_from: Option<usize>) -> Check {
        let (state, observed, alternatives) = match r.kind() {
            Kind::Documentary => {
                let decided = self.assessed(r.id(), r.named_only, place);
                let state = match decided {
                    Some((_, true)) => State::NotMet,
                    Some((_, false)) => State::MetByAssessment,
                    None => State::NotEvidenced,
                };
                (
                    state,
                    Observed::Documentary {
                        assessment: decided.map(|(i, _)| i),
                        unmet_in_assessment: decided.is_some_and(|(_, unmet)| unmet),
                    },
                    Vec::new(),
                )
            }
            Kind::AtLeast(c) => self.compare(c, false),
            Kind::AtMost(c) => self.compare(c, true),
            Kind::Duration(d) => {
                let (since, public) = self.since(d.of);
                let reached_on = since.and_then(|s| s.checked_add(d.at_least.jiff()).ok());
                let met = since.is_some_and(|s| s <= self.date)
                    && reached_on.is_some_and(|r| r <= self.date);
                (
                    State::computed(since.is_some(), met),
                    Observed::Duration {
                        of: d.of,
                        since,
                        public,
                        required: d.at_least,
                        reached_on,
                    },
                    Vec::new(),
                )
            }
            Kind::HoldsCertificate(h) => {
                let (met, observed) = self.holds(h);
                // The registry lists every certificate: none qualifying is not met.
                (State::computed(true, met), observed, Vec::new())
            }
            Kind::AnyOf(alternatives) => {
                let checks: Vec<Check> = alternatives
                    .iter()
                    .map(|a| self.check(a, place, None))
                    .collect();
                (any_of_state(&checks), Observed::AnyOf, checks)
            }
            Kind::AllOf(parts) => {
                let checks: Vec<Check> = parts.iter().map(|a| self.check(a, place, None)).collect();
                (all_of_state(&checks), Observed::AllOf, checks)
            }
        };
        Check {
            id: r.id().to_string(),
            clause: r.clause.clone(),
            met: state.is_met(),
            state,
            inherited_from,
            mandatory: r.mandatory,
            observed,
            alternatives,
        }
    }

    /// Does the organisation hold the certificate `h` asks for, in force on
    /// the date and held long enough? Levels are compared in the order of
    /// the certificate's own standard or scheme (CCRC's 一级 is its highest).
    fn holds(&self, h: &HoldsCertificate) -> (bool, Observed) {
        let long_enough = |issued: Date| {
            issued
                .checked_add(h.held_for.jiff())
                .is_ok_and(|d| d <= self.date)
        };
        if let Some(id) = &h.scheme {
            let other = self.schemes.other_scheme(id);
            let rank = |level: Option<&String>| {
                other.and_then(|o| o.levels.iter().position(|l| Some(l) == level))
            };
            let required = h.level.as_ref().map(|l| rank(Some(l)));
            let number = self
                .data
                .evidence
                .other_certificates
                .iter()
                .filter(|c| &c.scheme == id)
                .filter(|c| c.issued.0 <= self.date && self.date <= c.valid_until.0)
                .filter(|c| long_enough(c.issued.0))
                .find(|c| match required {
                    None => true,
                    Some(r) => rank(c.level.as_ref()).is_some_and(|l| Some(l) >= r),
                })
                .map(|c| c.number.clone());
            let of = other.map(|o| [o.zh.clone(), o.en.clone()]);
            return (
                number.is_some(),
                Observed::Certificate {
                    standard: id.to_string(),
                    of,
                    level: h.level.clone(),
                    required: h.held_for,
                    number,
                },
            );
        }
        let standard = h.standard.as_deref().unwrap_or(&self.scheme.slug);
        let category = h.category.as_deref().unwrap_or(self.category);
        let scheme = self.schemes.get(standard);
        let required = h
            .level
            .as_ref()
            .map(|l| scheme.and_then(|s| s.level_index(l)).unwrap_or(usize::MAX));
        let qualifying =
            self.data
                .certificates
                .iter()
                .zip(self.certificates)
                .find(|(cert, state)| {
                    cert.standard == standard
                        && cert.category == category
                        && required.is_none_or(|r| {
                            scheme
                                .and_then(|s| s.level_index(&cert.level))
                                .is_some_and(|l| l >= r)
                        })
                        && state
                            .as_ref()
                            .is_some_and(|st| st.status.in_force() && long_enough(st.issued))
                });
        let elsewhere = standard != self.scheme.slug || category != self.category;
        let of = scheme
            .filter(|_| elsewhere)
            .map(|s| certificate_of(s, category));
        (
            qualifying.is_some(),
            Observed::Certificate {
                standard: standard.to_string(),
                of,
                level: h.level.clone(),
                required: h.held_for,
                number: qualifying.map(|(c, _)| c.number.clone()),
            },
        )
    }

    fn since(&self, of: Since) -> (Option<Date>, bool) {
        let e = &self.data.evidence;
        let visible = |v: Option<&Visible<crate::registry::Day>>| match v {
            Some(v) => (Some(v.value.0), v.is_public(true)),
            None => (None, true),
        };
        match of {
            Since::Service => visible(e.services.get(self.category).map(|s| &s.since)),
            Since::HeadManagement => {
                visible(e.head.as_ref().and_then(|h| h.management_since.as_ref()))
            }
            Since::TechnicalLead => visible(
                e.technical_lead
                    .as_ref()
                    .and_then(|t| t.security_work_since.as_ref()),
            ),
            Since::Founded => (Some(self.data.founded.0), true),
        }
    }

    fn compare(&self, c: &Comparison, at_most: bool) -> (State, Observed, Vec<Check>) {
        let threshold = c
            .value
            .for_category(self.category)
            .cloned()
            .unwrap_or_else(Num::zero);
        let mut projects = None;
        let mut window_from = None;
        let mut form = None;
        let mut short = None;
        let e = &self.data.evidence;
        let count = |v: Option<&Visible<u32>>| {
            v.map(|v| (Num::integer(i64::from(v.value)), v.is_public(true)))
        };
        // With a roster, head counts are counted from it, never typed (and
        // only head counts need the persons present).
        let roster =
            (c.measure.counts_staff() && !e.roster.is_empty()).then(|| self.present_persons());
        if c.measure.counts_staff() {
            form = Some(match roster {
                Some(_) => CountForm::Roster,
                None => CountForm::Declared,
            });
        }
        let value: Option<(Num, bool)> = match c.measure {
            Measure::Staff => match &roster {
                Some(persons) => Some((Num::integer(persons.len() as i64), e.roster_counts_public)),
                None => count(e.staff.as_ref()),
            },
            Measure::CertifiedStaff => match &roster {
                // 持申报类别专业技术证书: counted for the category, holding a
                // qualification in force.
                Some(persons) => {
                    let n = persons
                        .iter()
                        .filter(|p| p.categories.iter().any(|c| c == self.category))
                        .filter(|p| p.qualifications.iter().any(|q| self.in_force(q)))
                        .count();
                    Some((Num::integer(n as i64), e.roster_counts_public))
                }
                None => count(
                    e.services
                        .get(self.category)
                        .and_then(|s| s.certified_staff.as_ref()),
                ),
            },
            Measure::QualifiedStaff => match (&roster, c.qualification.as_ref()) {
                (Some(persons), Some(wanted)) => {
                    let n = persons
                        .iter()
                        .filter(|p| {
                            p.qualifications
                                .iter()
                                .any(|q| &q.id == wanted && self.in_force(q))
                        })
                        .count();
                    Some((Num::integer(n as i64), e.roster_counts_public))
                }
                (Some(_), None) => None,
                (None, q) => count(q.and_then(|q| e.qualified_staff.get(q))),
            },
            Measure::BachelorShare => match &roster {
                Some(persons) => {
                    let graduates = persons
                        .iter()
                        .filter(|p| p.degree.is_some_and(|d| d >= Degree::Bachelor))
                        .count();
                    Num::ratio(graduates as i64, persons.len() as i64)
                        .map(|r| (r, e.roster_counts_public))
                }
                None => match (&e.bachelor_staff, &e.staff) {
                    (Some(b), Some(s)) => Num::ratio(i64::from(b.value), i64::from(s.value))
                        .map(|r| (r, b.is_public(true) && s.is_public(true))),
                    _ => None,
                },
            },
            Measure::RegisteredCapital => e
                .registered_capital
                .as_ref()
                .map(|v| (v.value.clone(), v.is_public(true))),
            Measure::People => {
                let (value, used, lacking) = self.people(c);
                form = used;
                short = lacking;
                value
            }
            Measure::Figure => {
                // A per-category figure is read from the graded category only.
                let per_category = c.figure.as_ref().is_some_and(|f| {
                    self.scheme
                        .rules
                        .figures
                        .iter()
                        .any(|d| d.id == *f && d.scope == Scope::Category)
                });
                let figures = if per_category {
                    e.services.get(self.category).map(|s| &s.figures)
                } else {
                    Some(&e.figures)
                };
                c.figure
                    .as_ref()
                    .and_then(|f| figures?.get(f))
                    .map(|v| (v.value.clone(), v.is_public(true)))
            }
            Measure::VulnerabilityReports => {
                let wanted = c.of_type.as_deref().unwrap_or(self.category);
                let n = e
                    .vulnerability_reports
                    .iter()
                    .filter(|v| v.submitted.0 <= self.date && v.types.iter().any(|t| t == wanted))
                    .count();
                // The registry lists every report: none is a count of zero.
                Some((Num::integer(n as i64), true))
            }
            Measure::Projects
            | Measure::ProjectTotal
            | Measure::LargestProject
            | Measure::FailedAcceptances
            | Measure::FeeShare => {
                // `any_time`: no lower bound (the earliest date there is).
                let from = match c.within {
                    _ if c.any_time => Date::MIN,
                    Some(w) => self.date.checked_sub(w.jiff()).unwrap_or(self.date),
                    None => self.date,
                };
                window_from = (!c.any_time).then_some(from);
                let wanted = c.of_type.as_deref().unwrap_or(self.category);
                let in_window: Vec<&crate::registry::Project> = e
                    .projects
                    .iter()
                    .filter(|p| c.any_type || p.types.iter().any(|t| t == wanted))
                    .filter(|p| {
                        // 近N年内签订并完成: signed and completed in the window,
                        // unless the rule counts completion only.
                        p.completed
                            .is_some_and(|done| from <= done.0 && done.0 <= self.date)
                            && (c.completed_only || from <= p.signed.0)
                    })
                    .collect();
                // A count selected by amount tells how many amounts reach
                // it: public only when every amount it looked at is.
                let window_amounts_public = in_window
                    .iter()
                    .all(|p| p.amount.as_ref().is_none_or(|a| a.is_public(false)));
                // A project whose acceptance failed was not completed: it
                // counts only toward failed acceptances.
                let completed: Vec<&crate::registry::Project> = in_window
                    .into_iter()
                    .filter(|p| p.accepted || c.measure == Measure::FailedAcceptances)
                    .collect();
                let selected: Vec<&crate::registry::Project> = completed
                    .iter()
                    .copied()
                    .filter(|p| {
                        c.min_amount
                            .as_ref()
                            .is_none_or(|min| p.amount.as_ref().is_some_and(|a| a.value >= *min))
                    })
                    .filter(|p| !c.in_use || p.in_use)
                    .filter(|p| {
                        c.trial_run.is_none_or(|span| {
                            p.trial_run.is_some_and(|t| {
                                // Both ends are days of the run: [from, to + 1 day).
                                t.from.0.checked_add(span.jiff()).is_ok_and(|end| {
                                    t.to.0.tomorrow().is_ok_and(|after| end <= after)
                                })
                            })
                        })
                    })
                    .filter(|p| c.team_at_least.is_none_or(|n| p.team_size() >= n as usize))
                    .collect();
                projects = Some(selected.len());
                // `every`: each project of the window must meet the selectors.
                if c.every {
                    short = Some(completed.len() - selected.len());
                }
                // A project without an amount adds nothing to the total,
                // so it cannot make the total private.
                let amounts_public = selected
                    .iter()
                    .all(|p| p.amount.as_ref().is_none_or(|a| a.is_public(false)));
                match c.measure {
                    Measure::Projects => Some((
                        Num::integer(selected.len() as i64),
                        c.min_amount.is_none() || window_amounts_public,
                    )),
                    Measure::FailedAcceptances => Some((
                        Num::integer(selected.iter().filter(|p| !p.accepted).count() as i64),
                        true,
                    )),
                    Measure::ProjectTotal => Some((
                        selected
                            .iter()
                            .filter_map(|p| p.amount.as_ref())
                            .fold(Num::zero(), |sum, a| sum.add(&a.value)),
                        amounts_public,
                    )),
                    Measure::FeeShare => fee_share(&selected),
                    _ => selected
                        .iter()
                        .filter_map(|p| p.amount.as_ref())
                        .max_by(|a, b| a.value.cmp(&b.value))
                        .map(|a| (a.value.clone(), a.is_public(false))),
                }
            }
        };
        let met = short.is_none_or(|n| n == 0)
            && value.as_ref().is_some_and(|(v, _)| {
                if at_most {
                    *v <= threshold
                } else {
                    *v >= threshold
                }
            });
        let public = value.as_ref().is_none_or(|(_, p)| *p);
        (
            State::computed(value.is_some(), met),
            Observed::Figure {
                measure: c.measure,
                value: value.map(|(v, _)| v),
                public,
                threshold,
                at_most,
                projects,
                window_from,
                form,
                short,
            },
            Vec::new(),
        )
    }

    /// A `people` count: roster persons meeting `who`, or without a roster
    /// the plain count the file declares under the rule's `count` key. With
    /// `every`, also how many persons in the role fall short.
    fn people(&self, c: &Comparison) -> (Option<(Num, bool)>, Option<CountForm>, Option<usize>) {
        let e = &self.data.evidence;
        let default = Who::default();
        let who = c.who.as_ref().unwrap_or(&default);
        if e.roster.is_empty() {
            let declared = c.count.as_deref().and_then(|key| match who.scope {
                Scope::Category => e.services.get(self.category)?.counts.get(key),
                Scope::Organisation => e.counts.get(key),
            });
            return (
                declared.map(|v| (Num::integer(i64::from(v.value)), v.is_public(true))),
                Some(CountForm::Declared),
                None,
            );
        }
        let n = e.roster.iter().filter(|p| self.counts_as(p, who)).count();
        let short = c.every.then(|| {
            // The holders of the post: same scope and role, no other condition.
            let post = Who {
                scope: who.scope,
                role: who.role.clone(),
                ..Who::default()
            };
            let holders = e.roster.iter().filter(|p| self.counts_as(p, &post)).count();
            holders.saturating_sub(n)
        });
        (
            Some((Num::integer(n as i64), e.roster_counts_public)),
            Some(CountForm::Roster),
            short,
        )
    }

    /// The projects of type `kind` whose team person `id` was in.
    fn projects_with<'b>(
        &'b self,
        id: &'b str,
        kind: &'b str,
    ) -> impl Iterator<Item = &'b crate::registry::Project> + 'b {
        self.data
            .evidence
            .projects
            .iter()
            .filter(move |pr| pr.team.iter().any(|m| m == id) && pr.types.iter().any(|t| t == kind))
    }

    /// Is roster person `p` with the organisation on the date?
    fn is_present(&self, p: &Person) -> bool {
        let d = self.date;
        p.joined.is_none_or(|j| j.0 <= d) && p.left.is_none_or(|l| d <= l.0)
    }

    /// The roster persons with the organisation on the date.
    fn present_persons(&self) -> Vec<&'a Person> {
        self.data
            .evidence
            .roster
            .iter()
            .filter(|p| self.is_present(p))
            .collect()
    }

    /// Is a held qualification obtained and not lapsed on the date?
    fn in_force(&self, q: &HeldQualification) -> bool {
        q.obtained.0 <= self.date && q.expires.is_none_or(|e| self.date <= e.0)
    }

    /// Does roster person `p` meet every condition of `who` on the date?
    fn counts_as(&self, p: &Person, who: &Who) -> bool {
        let d = self.date;
        let reached = |since: Option<Date>, span: &Span| {
            since.is_some_and(|s| s.checked_add(span.jiff()).is_ok_and(|r| r <= d))
        };
        let present = self.is_present(p);
        let scoped =
            who.scope == Scope::Organisation || p.categories.iter().any(|c| c == self.category);
        let experienced = who
            .experience
            .as_ref()
            .is_none_or(|span| reached(p.security_work_since.map(|s| s.0), span));
        let experienced_in = who.experience_in.as_ref().is_none_or(|x| {
            // From the declared start, or the first such project taken part in.
            let first_project = self
                .projects_with(&p.id, &x.of_type)
                .map(|pr| pr.signed.0)
                .min();
            let declared = p.experience.get(&x.of_type).map(|d| d.0);
            let start = match (declared, first_project) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            reached(start, &x.at_least)
        });
        let took_part = who.took_part.as_ref().is_none_or(|t| {
            let here = self
                .projects_with(&p.id, &t.of_type)
                .filter(|pr| pr.completed.is_some_and(|c| c.0 <= d))
                .count();
            let elsewhere = p
                .other_projects
                .iter()
                .filter(|o| o.types.contains(&t.of_type) && o.completed.0 <= d)
                .count();
            here + elsewhere >= t.at_least as usize
        });
        let qualified = who.qualification.is_empty()
            || p.qualifications
                .iter()
                .any(|q| who.qualification.contains(&q.id) && self.in_force(q));
        let in_role = who.role.is_empty() || p.roles.iter().any(|r| who.role.contains(r));
        present && scoped && experienced && experienced_in && took_part && qualified && in_role
    }
}

/// Σ service fees / Σ amounts over the projects with an amount; a project
/// that records no service fees adds its amount only (none of it is taken
/// to be fees). `None` when no project records its service fees. Public
/// only when every amount and fee it reads is.
fn fee_share(projects: &[&crate::registry::Project]) -> Option<(Num, bool)> {
    if projects.iter().all(|p| p.service_fees.is_none()) {
        return None;
    }
    let mut fees = Num::zero();
    let mut total = Num::zero();
    let mut public = true;
    for p in projects {
        let Some(amount) = &p.amount else { continue };
        total = total.add(&amount.value);
        public &= amount.is_public(false);
        if let Some(f) = &p.service_fees {
            fees = fees.add(&f.value);
            public &= f.is_public(false);
        }
    }
    fees.div(&total).map(|share| (share, public))
}

/// Alternatives: met as the first met one is; otherwise not evidenced when
/// one of them is (evidence could still show it), else not met.
fn any_of_state(checks: &[Check]) -> State {
    if let Some(met) = checks.iter().find(|c| c.met) {
        return met.state;
    }
    if checks.iter().any(|c| c.state == State::NotEvidenced) {
        State::NotEvidenced
    } else {
        State::NotMet
    }
}

/// All of: not met if a part is not met, else not evidenced if a part is,
/// else met, by evidence only when every part is.
fn all_of_state(checks: &[Check]) -> State {
    let any = |s: State| checks.iter().any(|c| c.state == s);
    if any(State::NotMet) {
        State::NotMet
    } else if any(State::NotEvidenced) {
        State::NotEvidenced
    } else if any(State::MetByAssessment) {
        State::MetByAssessment
    } else {
        State::MetByEvidence
    }
}

/// The code of a registered level the evidence does not support.
pub const UNSUPPORTED: &str = "grade-unsupported";
/// The code of a computed level above the registered one.
pub const EXCEEDED: &str = "grade-exceeded";

/// "registry/x.yaml" from any path to a registry file.
fn short_path(file: &std::path::Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    match file.parent().and_then(|p| p.file_name()) {
        Some(dir) => format!("{}/{name}", dir.to_string_lossy()),
        None => name.into_owned(),
    }
}

/// Where registered levels and computed ones disagree: a warning (an error
/// under `--strict`) when the registered level is higher, information when
/// the evidence supports more.
///
/// Grades that were not kept are graded again, one organisation at a time
/// ([`Grades::every`]); a build takes each organisation's findings while
/// grading it instead ([`findings_of`]).
pub fn findings(
    registry: &Registry,
    schemes: &Schemes,
    grades: &Grades,
) -> crate::diag::Diagnostics {
    registry
        .organisations
        .iter()
        .zip(grades.every(registry, schemes))
        .flat_map(|(org, og)| organisation_findings(org, &og, schemes, grades.as_of))
        .collect()
}

/// One organisation graded on `date` for its findings alone.
pub fn findings_of(
    org: &Organisation,
    registry: &Registry,
    schemes: &Schemes,
    date: Date,
) -> Vec<crate::diag::Diagnostic> {
    let grades = grade_organisation(org, registry, schemes, date);
    organisation_findings(org, &grades, schemes, date)
}

/// The findings of one organisation's grades (see [`findings`]).
fn organisation_findings(
    org: &Organisation,
    og: &OrganisationGrades,
    schemes: &Schemes,
    as_of: Date,
) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    let mut out = Vec::new();
    {
        for result in &og.results {
            let Some(scheme) = scheme_of(schemes, result) else {
                continue;
            };
            let name = |level: Option<usize>| match level.and_then(|l| scheme.rules.levels.get(l)) {
                Some(l) => l.id.clone(),
                None => "no level".to_string(),
            };
            for reg in &result.registered {
                let Some(cert) = org.data.certificates.get(reg.certificate) else {
                    continue;
                };
                // Locating parses the file's YAML again: only for a finding.
                if reg.agreement == Agreement::Consistent {
                    continue;
                }
                let location = org.location(&[
                    "certificates".into(),
                    reg.certificate.into(),
                    "level".into(),
                ]);
                let message = format!(
                    "certificate {} registers {} ({} / {}); the evidence supports {} on {}",
                    cert.number,
                    cert.level,
                    result.standard,
                    result.category,
                    name(result.level),
                    as_of
                );
                match reg.agreement {
                    Agreement::Consistent => {}
                    // A level the text leaves empty for the category: no
                    // evidence can reach it, so only the level can be wrong.
                    Agreement::Unsupported
                        if result.highest_defined().is_none_or(|h| h < reg.level) =>
                    {
                        out.push(
                            Diagnostic::warning(
                                location,
                                format!(
                                    "{message}; {} defines no {} requirements for {}, so the highest level it can support is {}",
                                    result.standard,
                                    cert.level,
                                    result.category,
                                    name(result.highest_defined())
                                ),
                            )
                            .with_code(UNSUPPORTED)
                            .with_hint("correct the registered level: no evidence can support it"),
                        )
                    }
                    Agreement::Unsupported => out.push(
                        Diagnostic::warning(location, message)
                            .with_code(UNSUPPORTED)
                            .with_hint(format!(
                                "`dengji grade {}` lists the unmet requirements; correct the evidence or the registered level",
                                short_path(&org.file)
                            )),
                    ),
                    Agreement::Exceeded => out.push(
                        Diagnostic::info(location, message)
                            .with_code(EXCEEDED)
                            .with_hint("the organisation may apply for the higher level"),
                    ),
                }
            }
        }
    }
    out
}
