//! `api/v2/organisations/<id>.json`: one organisation's identity,
//! certificates and grades, without the standard's text.
//!
//! What a requirement *is* (its summary, kind, fixed threshold, reading)
//! belongs to the standard and is published once in
//! `api/v2/standards/<slug>.json` ([`super::standard`]); this file holds
//! only how the organisation stands against it: each requirement's state,
//! value and threshold, once per part (its clause is the standard's);
//! the many documentary requirements met by the grade's newest assessment
//! record, with nothing more to say, as one list of ids per part. Nothing
//! is `null`: a field that does not apply is left out, and so is an empty
//! list wherever "none" is the only reading of its absence (the schema
//! says which).
//! Private values are left out exactly as the report leaves them out
//! (`"private": true` says one was withheld).

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;

use crate::grade::report::{self, Report};
use crate::grade::{Agreement, Check, CountForm, GradeResult, Observed, OrganisationGrades};
use crate::grade::{State, Status};
use crate::registry::Organisation as Source;
use crate::rules::{Scheme, Schemes};

use super::{SCHEMA_VERSION, is_false};

/// One organisation's grades as data: the file
/// `api/v2/organisations/<id>.json`, and what `dengji grade --format json`
/// prints. It carries the grading date (`as_of`) but not the build's time,
/// so the file changes only when what it says does (a site rebuilt on every
/// registry commit rewrites only the files of what changed).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Organisation")]
pub struct OrganisationFile<'a> {
    /// Version of this document's shape (2); bumped on any incompatible change.
    pub schema_version: u32,
    /// The grading date (`YYYY-MM-DD`): statuses and levels hold on this day.
    pub as_of: &'a str,
    pub organisation: Identity<'a>,
    /// The organisation's certificates, in the order of its registry file.
    /// Absent: it has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Certificate<'a>>,
    /// The assessment records the grades use (dated on or before `as_of`),
    /// in the order of the registry file. Grades and requirements refer to
    /// them by position in this list. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<AssessmentRecord<'a>>,
    /// One per standard and service category the organisation claims.
    /// Absent: it claims none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<Grade>,
}

#[derive(Serialize, JsonSchema)]
pub struct Identity<'a> {
    /// Permanent id: the registry file's name without `.yaml`.
    pub id: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    /// Former names, oldest first. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<FormerName<'a>>,
    /// Unified social credit code (GB 32100).
    pub credit_code: &'a str,
    /// Province-level region id (`beijing`, `hong-kong`, …).
    pub region: &'a str,
    pub region_zh: &'a str,
    pub region_en: &'a str,
    pub founded: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
pub struct FormerName<'a> {
    pub zh: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<&'a str>,
    /// Last day the name was used.
    pub until: &'a str,
}

#[derive(Serialize, JsonSchema)]
pub struct Certificate<'a> {
    /// Certificate number, unique in the registry.
    pub number: &'a str,
    /// Slug of the standard the certificate is issued under.
    pub standard: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<&'a str>,
    /// Service category id of the standard.
    pub category: &'a str,
    /// Registered level as the standard writes it (`三级`).
    pub level: &'a str,
    /// Present when the certificate is in force or suspended and the
    /// evidence does not support its registered level on `as_of`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsupported_level: Option<UnsupportedLevel<'a>>,
    /// The body that issued the certificate, by its Chinese name, and its
    /// English name when the registry gives one.
    pub body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_en: Option<&'a str>,
    /// Status on the grading date; absent only for a malformed certificate
    /// (which fails the build).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The day the status started (suspension, revocation, expiry), the
    /// anniversary a confirmation is due before, the end of validity for
    /// `expiring-soon`, the issue date for `not-yet-issued`; absent for
    /// `valid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<&'a str>,
    /// Last day of validity, after renewals up to the grading date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<&'a str>,
    /// Present (`true`) while renewal may be applied for.
    #[serde(skip_serializing_if = "is_false")]
    pub renewal_window_open: bool,
    /// The anniversary the next annual confirmation is due before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_confirmation: Option<&'a str>,
    /// Warnings and rectification orders in the current validity period
    /// (each also among `events`). Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sanctions: Vec<Event<'a>>,
    /// The certificate's dated events up to the grading date, oldest first.
    pub events: Vec<Event<'a>>,
}

/// A registered level the evidence does not support.
#[derive(Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UnsupportedLevel<'a> {
    /// The registered level (`三级`).
    pub registered: &'a str,
    /// The level the evidence supports for the certificate's standard and
    /// category; absent when not even the lowest is met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported: Option<&'a str>,
    /// Present when the standard defines no requirements at the registered
    /// level for this category, so no evidence can support it: the highest
    /// level the standard can support there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highest_defined: Option<&'a str>,
}

impl<'a> UnsupportedLevel<'a> {
    pub fn of(u: &'a report::UnsupportedLevel) -> Self {
        UnsupportedLevel {
            registered: &u.registered,
            supported: u.supported.as_deref(),
            highest_defined: u.highest_defined.as_deref(),
        }
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Event<'a> {
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["issued", "annual-confirmation", "warning", "rectification-ordered", "suspended", "reinstated", "revoked", "renewed", "expired"]))]
    pub kind: &'a str,
    pub date: &'a str,
    /// The registry's note, and its English version, when there are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note_en: Option<&'a str>,
}

/// An assessment record of the registry file.
#[derive(Serialize, JsonSchema)]
pub struct AssessmentRecord<'a> {
    /// Slug of the standard assessed against.
    pub standard: &'a str,
    /// The category assessed; absent: every category of the standard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'a str>,
    pub date: String,
    pub body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_en: Option<&'a str>,
    /// What it examined: the documentary requirements of a part (every
    /// part when `part` is absent) up to a level. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<Cover<'a>>,
    /// Requirement ids found met outside `covers`. Absent: none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub met: &'a [String],
    /// Requirement ids found unmet. Absent: none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub unmet: &'a [String],
}

#[derive(Serialize, JsonSchema)]
pub struct Cover<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<&'a str>,
    pub up_to: &'a str,
}

/// The computed level of one standard and category, part by part.
#[derive(Serialize, JsonSchema)]
pub struct Grade {
    pub standard: String,
    pub category: String,
    /// The computed level as the standard writes it; absent when none is met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Its rank, 0 for the standard's lowest level (see the standard's
    /// `levels`); absent with `level`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_index: Option<usize>,
    /// Each certificate of this standard and category in force (or
    /// suspended), against the computed level. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub registered: Vec<Registered>,
    /// The assessment records of this standard and category, newest first,
    /// as positions in the file's `assessments`; the first is the one
    /// whose findings count. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<usize>,
    pub parts: Vec<Part>,
    /// What the next level (the lowest, when none is met) still needs;
    /// absent at the standard's highest level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_level: Option<NextLevel>,
    /// For a standard with several editions, the edition whose rules
    /// computed this grade; absent for a standard with one edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<Edition>,
}

/// The edition a grade was computed under.
#[derive(Serialize, JsonSchema)]
pub struct Edition {
    pub label: String,
    /// It is the standard's current edition.
    pub current: bool,
    /// During a revision's transition period: the certificate issued under
    /// this earlier edition, which keeps its rules until `until`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct Registered {
    /// The certificate's number.
    pub certificate: String,
    /// Its registered level.
    pub level: String,
    pub agreement: Agreement,
}

/// One part of the standard (basic, professional, a scored annex).
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "GradePart")]
pub struct Part {
    /// The part's id in the standard's file.
    pub id: String,
    /// The highest level whose requirements (and those of every level
    /// below) are met; absent when not even the lowest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The levels evaluated, lowest first, up to the one after `level` (or
    /// the next level of the grade, if higher). Absent for a scored part.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelState>,
    /// For a scored part: the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// The documentary requirements evaluated at those levels (or in the
    /// score's groups) that the grade's newest assessment record
    /// (`grades[].assessments[0]`) found met, with nothing more to say:
    /// ids, sorted. Each stands for `{"state": "met-by-assessment"}`.
    /// Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub met_by_assessment: Vec<String>,
    /// The requirements evaluated at those levels (or in the score's
    /// groups) that nothing in the registry shows, with nothing more to
    /// say (most often documentary requirements above the levels an
    /// assessment record covers): ids, sorted. Each stands for
    /// `{"state": "not-evidenced"}`. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_evidenced: Vec<String>,
    /// Every other requirement evaluated at those levels (or in the
    /// score's groups), once, by id. Which level lists which requirement,
    /// and in what order, is the standard's (`parts[].levels[].adds`).
    pub requirements: BTreeMap<String, Evaluation>,
}

#[derive(Serialize, JsonSchema)]
pub struct LevelState {
    pub level: String,
    /// All of the level's requirements hold.
    pub met: bool,
    /// Present (`true`) when the standard defines no requirements for the
    /// level in this part (so it cannot be met).
    #[serde(skip_serializing_if = "is_false")]
    pub undefined: bool,
}

#[derive(Serialize, JsonSchema)]
#[schemars(rename = "GradeScore")]
pub struct Score {
    /// Exact decimal text (or "≈" and two places when it doesn't terminate).
    pub score: String,
    /// Every mandatory item is met.
    pub mandatory_met: bool,
    /// `mandatory_met` and `score` at least the standard's pass mark.
    pub passed: bool,
    pub groups: Vec<GroupScore>,
}

#[derive(Serialize, JsonSchema)]
pub struct GroupScore {
    /// The group's id in the standard's file (its items and weight are there).
    pub id: String,
    /// Items met, of `total`.
    pub met: usize,
    pub total: usize,
    /// met / total × weight × 100, exact decimal text.
    pub points: String,
}

#[derive(Serialize, JsonSchema)]
pub struct NextLevel {
    pub level: String,
    /// Parts whose text defines nothing for that level, so it cannot be
    /// reached. Absent: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undefined_in: Vec<String>,
    /// The requirements still unmet, by part id: ids of the part's
    /// `requirements`. Absent: nothing is missing.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub missing: BTreeMap<String, Vec<String>>,
}

/// How the organisation stands against one requirement of the standard.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Evaluation {
    /// In `children` only: the child's id (elsewhere the id is the key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Met by evidence (computed from the registry), met by assessment
    /// (documentary), not met, or not evidenced (which is not met either).
    pub state: State,
    /// Documentary requirements decided by an assessment record (states
    /// `met-by-assessment` and `not-met`): the record, as a position in the
    /// file's `assessments`, when it is not the grade's newest record
    /// (`grades[].assessments[0]`), which decides all the others. A
    /// documentary requirement no record covers is `not-evidenced`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<usize>,
    /// Figures: the observed value as exact text (ratios as percentages);
    /// absent when private or not recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Present (`true`) when the evidence is private: the value (or start
    /// date) is withheld, the state still says whether it is met.
    #[serde(skip_serializing_if = "is_false")]
    pub private: bool,
    /// Present (`true`) when the registry records no value at all.
    #[serde(skip_serializing_if = "is_false")]
    pub missing_evidence: bool,
    /// Figures: the threshold that applies to this category, exact text
    /// (whether at least or at most is the standard's `comparison`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// Durations: the start date (absent when private) and the day the
    /// requirement is (or will be) met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached_on: Option<String>,
    /// Project measures: projects counted, and the window's first day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projects: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_from: Option<String>,
    /// People measures: `roster` (counted person by person) or `declared`
    /// (a plain count, no roster kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_form: Option<CountForm>,
    /// Requirements with `every`: persons in the role, or projects of the
    /// window, that fall short (any makes the requirement not met).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub falling_short: Option<usize>,
    /// Certificates held: the qualifying certificate's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// `any-of` and `all-of`: each alternative (or each part) evaluated,
    /// in the order of the standard's `children`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Evaluation>,
    /// Only where the requirement was evaluated differently at some levels
    /// of the part (never in the bundled standards: an inherited requirement
    /// is evaluated where it is defined): the evaluation at each such
    /// level; this one holds at the others.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub at: BTreeMap<String, Evaluation>,
}

/// The organisation file for `source`, whose report is `report` and
/// grades `og`.
pub fn build<'a>(
    report: &'a Report,
    source: &'a Source,
    og: &OrganisationGrades,
    schemes: &Schemes,
) -> OrganisationFile<'a> {
    let o = &report.organisation;
    let records = &source.data.assessments;
    // The records some grade uses, in file order; a grade or a requirement
    // names one by its position here.
    let used: BTreeSet<usize> = og
        .results
        .iter()
        .flat_map(|r| r.assessments.iter().copied())
        .filter(|&i| i < records.len())
        .collect();
    let position: BTreeMap<usize, usize> = used.iter().enumerate().map(|(p, &i)| (i, p)).collect();
    let assessments = used
        .iter()
        .map(|&i| {
            let a = &records[i];
            AssessmentRecord {
                standard: &a.standard,
                category: a.category.as_deref(),
                date: a.date.to_string(),
                body: &a.body,
                body_en: a.body_en.as_deref(),
                covers: a
                    .covers
                    .iter()
                    .map(|c| Cover {
                        part: c.part.as_deref(),
                        up_to: &c.up_to,
                    })
                    .collect(),
                met: &a.met,
                unmet: &a.unmet,
            }
        })
        .collect();
    let grades = og
        .results
        .iter()
        .filter_map(|r| {
            let scheme = crate::grade::scheme_of(schemes, r)?;
            Some(grade(r, scheme, source, &position))
        })
        .collect();
    OrganisationFile {
        schema_version: SCHEMA_VERSION,
        as_of: &report.as_of,
        organisation: Identity {
            id: &o.id,
            name_zh: &o.name_zh,
            name_en: &o.name_en,
            former_names: o
                .former_names
                .iter()
                .map(|f| FormerName {
                    zh: &f.zh,
                    en: f.en.as_deref(),
                    until: &f.until,
                })
                .collect(),
            credit_code: &o.credit_code,
            region: &o.region,
            region_zh: &o.region_zh,
            region_en: &o.region_en,
            founded: &o.founded,
            website: o.website.as_deref(),
        },
        certificates: report.certificates.iter().map(certificate).collect(),
        assessments,
        grades,
    }
}

fn event(e: &report::EventReport) -> Event<'_> {
    Event {
        kind: e.kind,
        date: &e.date,
        note: e.note.as_deref(),
        note_en: e.note_en.as_deref(),
    }
}

fn certificate(c: &report::CertificateReport) -> Certificate<'_> {
    Certificate {
        number: &c.number,
        standard: &c.standard,
        edition: c.edition.as_deref(),
        category: &c.category,
        level: &c.level,
        unsupported_level: c.unsupported_level.as_ref().map(UnsupportedLevel::of),
        body: &c.body,
        body_en: c.body_en.as_deref(),
        status: c.status,
        status_date: c.status_date.as_deref(),
        issued: c.issued.as_deref(),
        valid_until: c.valid_until.as_deref(),
        renewal_window_open: c.renewal_window_open,
        next_confirmation: c.next_confirmation.as_deref(),
        sanctions: c.sanctions.iter().map(event).collect(),
        events: c.events.iter().map(event).collect(),
    }
}

/// Positions of assessment records in the file's `assessments`, by their
/// index in the registry file.
type Positions = BTreeMap<usize, usize>;

/// What an evaluation needs to name assessment records.
#[derive(Clone, Copy)]
struct Records<'a> {
    position: &'a Positions,
    /// The grade's newest record (its position), which evaluations leave
    /// unnamed.
    newest: Option<usize>,
}

fn grade(r: &GradeResult, scheme: &Scheme, source: &Source, position: &Positions) -> Grade {
    let level_name = |i: Option<usize>| report::level_name(scheme, i);
    let next_index = r.next.as_ref().map(|n| n.level);
    let assessments: Vec<usize> = r
        .assessments
        .iter()
        .filter_map(|i| position.get(i).copied())
        .collect();
    let records = Records {
        position,
        newest: assessments.first().copied(),
    };
    let mut parts: Vec<Part> = r
        .parts
        .iter()
        .map(|p| {
            let up_to = report::levels_shown(p.level, next_index);
            let shown: Vec<_> = p.levels.iter().filter(|l| l.level <= up_to).collect();
            let mut requirements = Evaluations::default();
            for l in &shown {
                let name = level_name(Some(l.level)).unwrap_or_default();
                for c in &l.checks {
                    requirements.add(&c.id, evaluation(c, records, false), &name);
                }
            }
            let score = p.score.as_ref().map(|s| {
                // Ids are unique in a part, so each item is evaluated once.
                for g in &s.groups {
                    for c in &g.checks {
                        requirements.add(&c.id, evaluation(c, records, false), "");
                    }
                }
                Score {
                    score: s.score.to_decimal(),
                    mandatory_met: s.mandatory_met,
                    passed: s.passed,
                    groups: s
                        .groups
                        .iter()
                        .map(|g| GroupScore {
                            id: g.id.clone(),
                            met: g.met,
                            total: g.total,
                            points: g.points.to_decimal(),
                        })
                        .collect(),
                }
            });
            let (met_by_assessment, not_evidenced, requirements) =
                requirements.into_listed_and_evaluated();
            Part {
                id: p.id.clone(),
                level: level_name(p.level),
                levels: shown
                    .iter()
                    .map(|l| LevelState {
                        level: level_name(Some(l.level)).unwrap_or_default(),
                        met: l.met,
                        undefined: !l.defined,
                    })
                    .collect(),
                score,
                met_by_assessment,
                not_evidenced,
                requirements,
            }
        })
        .collect();
    let next_level = r.next.as_ref().map(|n| {
        let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (part, c) in &n.missing {
            // Every missing requirement is one of its part's evaluations
            // (the part shows the levels up to the next one); should the
            // engine ever report one beyond, it is added, not lost.
            if let Some(p) = parts.iter_mut().find(|p| &p.id == part)
                && !p.met_by_assessment.contains(&c.id)
                && !p.not_evidenced.contains(&c.id)
            {
                p.requirements
                    .entry(c.id.clone())
                    .or_insert_with(|| evaluation(c, records, false));
            }
            let ids = missing.entry(part.clone()).or_default();
            if !ids.contains(&c.id) {
                ids.push(c.id.clone());
            }
        }
        NextLevel {
            level: level_name(Some(n.level)).unwrap_or_default(),
            undefined_in: n.undefined_in.clone(),
            missing,
        }
    });
    Grade {
        edition: r.edition.as_ref().map(|e| Edition {
            label: e.label.clone(),
            current: e.current,
            certificate: e
                .transition
                .and_then(|(i, _)| source.data.certificates.get(i))
                .map(|c| c.number.clone()),
            until: e.transition.map(|(_, until)| until.to_string()),
        }),
        standard: r.standard.clone(),
        category: r.category.clone(),
        level: level_name(r.level),
        level_index: r.level,
        registered: r
            .registered
            .iter()
            .filter_map(|reg| {
                let cert = source.data.certificates.get(reg.certificate)?;
                Some(Registered {
                    certificate: cert.number.clone(),
                    level: cert.level.clone(),
                    agreement: reg.agreement,
                })
            })
            .collect(),
        assessments,
        parts,
        next_level,
    }
}

/// A part's evaluations by id: each once, unless it was evaluated
/// differently at some level (then that level's is under `at`).
#[derive(Default)]
struct Evaluations {
    /// Per id, each distinct evaluation with the levels it was found at,
    /// lowest level first.
    by_id: BTreeMap<String, Vec<(Evaluation, Vec<String>)>>,
}

impl Evaluations {
    fn add(&mut self, id: &str, e: Evaluation, level: &str) {
        let variants = self.by_id.entry(id.to_string()).or_default();
        let i = match variants.iter().position(|(x, _)| *x == e) {
            Some(i) => i,
            None => {
                variants.push((e, Vec::new()));
                variants.len() - 1
            }
        };
        let levels = &mut variants[i].1;
        if !level.is_empty() && !levels.iter().any(|l| l == level) {
            levels.push(level.to_string());
        }
    }

    /// The ids met by the newest record with nothing more to say, those
    /// not evidenced with nothing more to say, and every other evaluation
    /// by id.
    fn into_listed_and_evaluated(self) -> (Vec<String>, Vec<String>, BTreeMap<String, Evaluation>) {
        let mut plain = Vec::new();
        let mut unshown = Vec::new();
        let mut map = BTreeMap::new();
        for (id, variants) in self.by_id {
            let mut variants = variants.into_iter();
            let Some((mut first, _)) = variants.next() else {
                continue;
            };
            for (other, levels) in variants {
                for level in levels {
                    first.at.insert(level, other.clone());
                }
            }
            if first == Evaluation::of_state(State::MetByAssessment) {
                plain.push(id);
            } else if first == Evaluation::of_state(State::NotEvidenced) {
                unshown.push(id);
            } else {
                map.insert(id, first);
            }
        }
        (plain, unshown, map)
    }
}

impl Evaluation {
    /// An evaluation that says only `state`.
    fn of_state(state: State) -> Self {
        Evaluation {
            id: None,
            state,
            assessment: None,
            value: None,
            private: false,
            missing_evidence: false,
            threshold: None,
            since: None,
            reached_on: None,
            projects: None,
            window_from: None,
            count_form: None,
            falling_short: None,
            certificate: None,
            children: Vec::new(),
            at: BTreeMap::new(),
        }
    }
}

/// The public evaluation of one check (`child`: an alternative or a part
/// of another). Private values stay out, as in the report: a private
/// figure has no `value`, a private duration no `since` nor `reached_on`
/// (which would give the start date away).
fn evaluation(c: &Check, records: Records, child: bool) -> Evaluation {
    let mut out = Evaluation {
        id: child.then(|| c.id.clone()),
        children: c
            .alternatives
            .iter()
            .map(|a| evaluation(a, records, true))
            .collect(),
        ..Evaluation::of_state(c.state)
    };
    match &c.observed {
        Observed::Documentary { assessment, .. } => {
            out.assessment = assessment
                .and_then(|i| records.position.get(&i).copied())
                .filter(|&p| Some(p) != records.newest);
        }
        Observed::Figure {
            measure,
            value,
            public,
            threshold,
            projects,
            window_from,
            form,
            short,
            ..
        } => {
            let show = report::display_value(*measure);
            out.private = !public;
            out.missing_evidence = value.is_none();
            out.value = value.as_ref().filter(|_| *public).map(&show);
            out.threshold = Some(show(threshold));
            out.projects = *projects;
            out.window_from = window_from.map(|d| d.to_string());
            out.count_form = *form;
            out.falling_short = *short;
        }
        Observed::Duration {
            since,
            public,
            reached_on,
            ..
        } => {
            out.private = !public;
            out.missing_evidence = since.is_none();
            out.since = since.filter(|_| *public).map(|d| d.to_string());
            out.reached_on = reached_on.filter(|_| *public).map(|d| d.to_string());
        }
        Observed::Certificate { number, .. } => out.certificate = number.clone(),
        Observed::AnyOf | Observed::AllOf => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn met(state: State) -> Evaluation {
        let mut e = evaluation(
            &Check {
                id: "7.1.1".into(),
                clause: "7.1.1".into(),
                met: state.is_met(),
                state,
                inherited_from: None,
                mandatory: false,
                observed: Observed::AnyOf,
                alternatives: Vec::new(),
            },
            Records {
                position: &Positions::new(),
                newest: None,
            },
            false,
        );
        e.children.clear();
        e
    }

    #[test]
    fn a_requirement_evaluated_alike_at_several_levels_is_written_once() {
        let mut list = Evaluations::default();
        list.add("7.1.1", met(State::MetByEvidence), "一级");
        list.add("7.1.1", met(State::MetByEvidence), "二级");
        list.add("7.2.1", met(State::NotMet), "二级");
        let (plain, unshown, map) = list.into_listed_and_evaluated();
        assert!(plain.is_empty() && unshown.is_empty());
        assert_eq!(map.len(), 2);
        assert!(map["7.1.1"].at.is_empty());
        assert_eq!(map["7.1.1"].id, None, "the id is the key");
    }

    #[test]
    fn a_requirement_evaluated_differently_keeps_each_level_s_evaluation() {
        let mut list = Evaluations::default();
        list.add("7.1.1", met(State::MetByEvidence), "一级");
        list.add("7.1.1", met(State::NotMet), "二级");
        list.add("7.1.1", met(State::NotMet), "三级");
        list.add("7.1.1", met(State::MetByEvidence), "四级");
        let (_, _, map) = list.into_listed_and_evaluated();
        let e = &map["7.1.1"];
        assert_eq!(e.state, State::MetByEvidence);
        let at: Vec<(&str, State)> = e.at.iter().map(|(l, x)| (l.as_str(), x.state)).collect();
        assert_eq!(at, [("三级", State::NotMet), ("二级", State::NotMet)]);
    }

    #[test]
    fn requirements_met_by_the_newest_record_or_not_evidenced_alone_are_listed_by_id() {
        let mut list = Evaluations::default();
        list.add("7.1.2", met(State::MetByAssessment), "一级");
        list.add("7.1.1", met(State::MetByAssessment), "一级");
        // Decided by an older record: the record is named, so it stays.
        let mut older = met(State::MetByAssessment);
        older.assessment = Some(1);
        list.add("7.1.3", older, "一级");
        // Met at one level, unmet at another: both are kept.
        list.add("7.1.4", met(State::MetByAssessment), "一级");
        list.add("7.1.4", met(State::NotMet), "二级");
        list.add("7.1.5", met(State::NotEvidenced), "一级");
        // Not evidenced at one level, met at another: kept.
        list.add("7.1.6", met(State::NotEvidenced), "一级");
        list.add("7.1.6", met(State::MetByAssessment), "二级");
        // Missing evidence said: kept.
        let mut missing = met(State::NotEvidenced);
        missing.missing_evidence = true;
        list.add("7.1.7", missing, "一级");
        let (plain, unshown, map) = list.into_listed_and_evaluated();
        assert_eq!(plain, ["7.1.1", "7.1.2"]);
        assert_eq!(unshown, ["7.1.5"]);
        let kept: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(kept, ["7.1.3", "7.1.4", "7.1.6", "7.1.7"]);
        assert_eq!(map["7.1.4"].at["二级"].state, State::NotMet);
    }
}
