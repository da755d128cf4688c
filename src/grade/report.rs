//! The public explanation of one organisation's grades: what `dengji grade`
//! prints (text or JSON) and what the organisation pages show.
//!
//! Built from the engine's results with the rules' summaries and readings
//! attached. Private evidence never enters it: a private value appears as
//! `null` with `"private": true`, so nothing downstream can leak it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::{
    Agreement, Check, CountForm, GradeResult, Grades, Observed, OrganisationGrades, State, Status,
};
use crate::exact::Num;
use crate::registry::{Assessment, Organisation};
use crate::rules::{Reading, Requirement, Scheme, Schemes, Span};

/// Version of the JSON below; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    /// Version of this document's shape; bumped on any incompatible change.
    pub schema_version: u32,
    /// The grading date (`YYYY-MM-DD`): statuses and levels hold on this day.
    pub as_of: String,
    pub organisation: Identity,
    pub certificates: Vec<CertificateReport>,
    pub grades: Vec<GradeReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Identity {
    /// Permanent id: the registry file's name without `.yaml`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub former_names: Vec<FormerNameReport>,
    /// Unified social credit code (GB 32100).
    pub credit_code: String,
    /// Province-level region id (`beijing`, `hong-kong`, …).
    pub region: String,
    pub region_zh: String,
    pub region_en: String,
    pub founded: String,
    pub website: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FormerNameReport {
    pub zh: String,
    pub en: Option<String>,
    /// Last day the name was used.
    pub until: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CertificateReport {
    /// Certificate number, unique in the registry.
    pub number: String,
    /// Slug of the standard the certificate is issued under.
    pub standard: String,
    pub edition: Option<String>,
    /// Service category id of the standard.
    pub category: String,
    /// Registered level as the standard writes it (`三级`).
    pub level: String,
    /// Set when the certificate is in force or suspended and the evidence
    /// does not support its registered level on the grading date; `null`
    /// otherwise.
    pub unsupported_level: Option<UnsupportedLevel>,
    /// The body that issued the certificate, by its Chinese name, and its
    /// English name when the registry gives one.
    pub body: String,
    pub body_en: Option<String>,
    /// Status on the grading date; `null` only for a malformed certificate.
    pub status: Option<Status>,
    /// The day the status started (suspension, revocation, expiry), the
    /// anniversary a confirmation is due before (its window is the days before
    /// it; from it on the confirmation is overdue), the end of validity for
    /// `expiring-soon`, the issue date for `not-yet-issued`; `null` for `valid`.
    pub status_date: Option<String>,
    pub issued: Option<String>,
    /// Last day of validity, after renewals up to the grading date.
    pub valid_until: Option<String>,
    pub renewal_window_open: bool,
    /// The anniversary the next annual confirmation is due before.
    pub next_confirmation: Option<String>,
    /// Warnings and rectification orders in the current validity period.
    pub sanctions: Vec<EventReport>,
    /// The certificate's dated events up to the grading date, oldest first.
    pub events: Vec<EventReport>,
}

/// A registered level the evidence does not support: the one finding
/// every page and export shows for such a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UnsupportedLevel {
    /// The registered level (`三级`).
    pub registered: String,
    /// The level the evidence supports for the certificate's standard and
    /// category; `null` when not even the lowest is met.
    pub supported: Option<String>,
    /// Set when the standard defines no requirements at the registered
    /// level for this category (csi-grading annex J has no 四级), so no
    /// evidence can support it: the highest level the standard can support
    /// there. `null` when the registered level is defined.
    pub highest_defined: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EventReport {
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["issued", "annual-confirmation", "warning", "rectification-ordered", "suspended", "reinstated", "revoked", "renewed", "expired"]))]
    pub kind: &'static str,
    pub date: String,
    /// The registry's note, and its English version when there is one.
    pub note: Option<String>,
    pub note_en: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GradeReport {
    pub standard: String,
    pub category: String,
    /// The computed level as the standard writes it; `null` when none is met.
    pub level: Option<String>,
    pub level_index: Option<usize>,
    pub registered: Vec<RegisteredReport>,
    /// The newest assessment record of this standard and category.
    pub assessment: Option<AssessmentReport>,
    /// Every assessment record of this standard and category dated on or
    /// before the grading date, newest first.
    pub assessments: Vec<AssessmentReport>,
    pub parts: Vec<PartReport>,
    pub next_level: Option<NextLevelReport>,
    /// For a standard with several editions, the edition whose rules
    /// computed this grade; `null` for a standard with one edition.
    pub edition: Option<EditionReport>,
}

/// The edition a grade was computed under.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EditionReport {
    pub label: String,
    /// The standard's current edition.
    pub current: bool,
    /// During a revision's transition period: the certificate issued under
    /// this earlier edition, which keeps its rules until `until`.
    pub certificate: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RegisteredReport {
    pub certificate: String,
    pub level: String,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssessmentReport {
    pub date: String,
    pub body: String,
    pub body_en: Option<String>,
    /// What it examined: documentary requirements of a part (`null`: of
    /// every part) up to a level.
    pub covers: Vec<CoverReport>,
    pub met: Vec<String>,
    pub unmet: Vec<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CoverReport {
    pub part: Option<String>,
    pub up_to: String,
}

impl AssessmentReport {
    fn of(a: &Assessment) -> Self {
        AssessmentReport {
            date: a.date.to_string(),
            body: a.body.clone(),
            body_en: a.body_en.clone(),
            covers: a
                .covers
                .iter()
                .map(|c| CoverReport {
                    part: c.part.clone(),
                    up_to: c.up_to.clone(),
                })
                .collect(),
            met: a.met.clone(),
            unmet: a.unmet.clone(),
        }
    }
}

/// The assessment record that decided a documentary requirement.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DecidedBy {
    pub date: String,
    pub body: String,
    pub body_en: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PartReport {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub clause: String,
    pub level: Option<String>,
    pub reading: Option<Reading>,
    /// The requirements of every level up to the next one, by level.
    pub levels: Vec<LevelReport>,
    pub score: Option<ScoreReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LevelReport {
    pub level: String,
    pub defined: bool,
    pub met: bool,
    pub clause: Option<String>,
    pub undefined_zh: Option<String>,
    pub undefined_en: Option<String>,
    pub reading: Option<Reading>,
    pub requirements: Vec<RequirementReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScoreReport {
    /// Exact decimal text (or "≈" and two places when it doesn't terminate).
    pub score: String,
    pub pass_mark: String,
    pub mandatory_met: bool,
    pub passed: bool,
    pub groups: Vec<GroupReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GroupReport {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub clause: String,
    pub weight_percent: String,
    pub met: usize,
    pub total: usize,
    pub points: String,
    pub requirements: Vec<RequirementReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NextLevelReport {
    pub level: String,
    pub undefined_in: Vec<String>,
    pub missing: Vec<MissingReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MissingReport {
    pub part: String,
    pub requirement: RequirementReport,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RequirementReport {
    pub id: String,
    pub clause: String,
    pub summary_zh: Option<String>,
    pub summary_en: Option<String>,
    /// `state` is one of the two met states.
    pub met: bool,
    /// Met by evidence (computed), met by assessment (documentary), not
    /// met, or not evidenced (which is not met either).
    pub state: State,
    /// For documentary requirements: the assessment record that decided it
    /// (`null`: none covers it, so it is not evidenced).
    pub assessment: Option<DecidedBy>,
    pub mandatory: bool,
    /// The lower level this requirement is inherited from.
    pub inherited_from: Option<String>,
    /// `documentary`, `figure`, `duration`, `certificate`, `any-of` or
    /// `all-of` (the parts are in `alternatives`).
    #[schemars(extend("enum" = ["documentary", "figure", "duration", "certificate", "any-of", "all-of"]))]
    pub kind: &'static str,
    /// For figures: the measure (`staff`, `project-total`, …).
    pub measure: Option<&'static str>,
    /// The observed value as exact text; `null` when private or missing.
    pub value: Option<String>,
    pub private: bool,
    pub missing_evidence: bool,
    /// `at-least` or `at-most` for figures.
    #[schemars(extend("enum" = ["at-least", "at-most", null]))]
    pub comparison: Option<&'static str>,
    pub threshold: Option<String>,
    /// For durations and certificates held: the length required.
    pub required_span: Option<Span>,
    /// For durations: the start date (null when private) and the day the
    /// requirement is (or will be) met.
    pub since: Option<String>,
    pub reached_on: Option<String>,
    /// For project measures: projects counted, and the window's first day.
    pub projects: Option<usize>,
    pub window_from: Option<String>,
    /// For people measures: `roster` (counted person by person) or
    /// `declared` (a plain count, no roster kept); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_form: Option<CountForm>,
    /// With `every`: persons in the role, or projects of the window, that
    /// fall short (any makes the requirement not met).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub falling_short: Option<usize>,
    /// For certificates held: the level required and the qualifying certificate.
    pub standard: Option<String>,
    pub certificate_level: Option<String>,
    pub certificate: Option<String>,
    /// For a certificate of another standard's category or of a scheme
    /// outside the site: what is asked for, in Chinese and English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_of_zh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_of_en: Option<String>,
    pub unmet_in_assessment: bool,
    pub reading: Option<Reading>,
    pub alternatives: Vec<RequirementReport>,
}

impl RequirementReport {
    /// The UI string key and count for holders or projects that fall short
    /// of an `every` rule, when some do.
    pub fn falling_short_text(&self) -> Option<(&'static str, usize)> {
        let n = self.falling_short.filter(|n| *n > 0)?;
        let key = if self.measure == Some("people") {
            "role_short"
        } else {
            "projects_short"
        };
        Some((key, n))
    }
}

/// Every requirement of a scheme by (part id, requirement id): how a check
/// finds its summary and reading.
type RequirementIndex<'a> = BTreeMap<(&'a str, &'a str), &'a Requirement>;

/// Makes reports on one grading; each standard's requirement index is built
/// once, not once per organisation.
pub struct Reporter<'a> {
    schemes: &'a Schemes,
    grades: &'a Grades,
    /// By standard and, for an older edition's rules, its label.
    indexes: BTreeMap<(&'a str, Option<&'a str>), RequirementIndex<'a>>,
}

impl<'a> Reporter<'a> {
    pub fn new(schemes: &'a Schemes, grades: &'a Grades) -> Self {
        let index_of = |scheme: &'a Scheme| {
            let mut index = BTreeMap::new();
            for part in &scheme.rules.parts {
                for r in part.requirements() {
                    index.insert((part.id.as_str(), r.id()), r);
                }
            }
            index
        };
        let mut indexes: BTreeMap<(&str, Option<&str>), RequirementIndex> = schemes
            .schemes
            .iter()
            .map(|scheme| ((scheme.slug.as_str(), None), index_of(scheme)))
            .collect();
        for (slug, timeline) in &schemes.editions {
            for edition in timeline {
                if let Some(scheme) = &edition.scheme {
                    indexes.insert(
                        (slug.as_str(), Some(edition.label.as_str())),
                        index_of(scheme),
                    );
                }
            }
        }
        Reporter {
            schemes,
            grades,
            indexes,
        }
    }

    /// The requirements of the rules a result was graded under.
    fn index_of(&self, result: &GradeResult) -> Option<&RequirementIndex<'a>> {
        let older = result
            .edition
            .as_ref()
            .filter(|e| !e.current)
            .map(|e| e.label.as_str());
        self.indexes
            .iter()
            .find(|((slug, label), _)| *slug == result.standard && *label == older)
            .map(|(_, index)| index)
    }

    /// The report for organisation `org`, whose grades are `og`.
    pub fn report(&self, org: &Organisation, og: &OrganisationGrades) -> Report {
        report(org, og, self)
    }

    /// One evaluated requirement of `org` in `part` of a result, in the
    /// public form (private values `null`), as the report would show it.
    pub fn requirement(
        &self,
        org: &Organisation,
        result: &GradeResult,
        part: &str,
        check: &Check,
    ) -> Option<RequirementReport> {
        let scheme = super::scheme_of(self.schemes, result)?;
        let def = self
            .index_of(result)
            .and_then(|index| index.get(&(part, check.id.as_str())))
            .copied();
        Some(requirement_report(
            check,
            def,
            scheme,
            &org.data.assessments,
        ))
    }
}

fn report(org: &Organisation, og: &OrganisationGrades, reporter: &Reporter) -> Report {
    let grades = reporter.grades;
    let d = &org.data;
    let certificates = d
        .certificates
        .iter()
        .zip(&og.certificates)
        .enumerate()
        .map(|(i, (c, state))| CertificateReport {
            number: c.number.clone(),
            standard: c.standard.clone(),
            edition: c.edition.clone(),
            category: c.category.clone(),
            level: c.level.clone(),
            unsupported_level: unsupported_level(og, i, reporter.schemes),
            body: c.body.clone(),
            body_en: c.body_en.clone(),
            status: state.as_ref().map(|s| s.status),
            status_date: state
                .as_ref()
                .and_then(|s| s.status_date)
                .map(|d| d.to_string()),
            issued: state.as_ref().map(|s| s.issued.to_string()),
            valid_until: state.as_ref().map(|s| s.valid_until.to_string()),
            renewal_window_open: state.as_ref().is_some_and(|s| s.renewal_window_open),
            next_confirmation: state
                .as_ref()
                .and_then(|s| s.next_confirmation)
                .map(|d| d.to_string()),
            sanctions: state
                .as_ref()
                .map(|s| {
                    s.sanctions
                        .iter()
                        .map(|s| EventReport {
                            kind: s.kind.name(),
                            date: s.date.to_string(),
                            note: s.note.clone(),
                            note_en: s.note_en.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            events: c
                .events
                .iter()
                .filter(|e| e.date.0 <= grades.as_of)
                .map(|e| EventReport {
                    kind: e.kind.name(),
                    date: e.date.to_string(),
                    note: e.note.clone(),
                    note_en: e.note_en.clone(),
                })
                .collect(),
        })
        .collect();
    let grade_reports = og
        .results
        .iter()
        .filter_map(|r| {
            let scheme = super::scheme_of(reporter.schemes, r)?;
            let index = reporter.index_of(r)?;
            Some(grade_report(org, r, scheme, index))
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        as_of: grades.as_of.to_string(),
        organisation: Identity {
            id: org.id.clone(),
            name_zh: d.names.zh.clone(),
            name_en: d.names.en.clone(),
            former_names: d
                .former_names
                .iter()
                .map(|f| FormerNameReport {
                    zh: f.zh.clone(),
                    en: f.en.clone(),
                    until: f.until.to_string(),
                })
                .collect(),
            credit_code: d.credit_code.0.clone(),
            region: d.region.id().to_string(),
            region_zh: d.region.zh().to_string(),
            region_en: d.region.en().to_string(),
            founded: d.founded.to_string(),
            website: d.website.as_ref().map(|w| w.as_str().to_string()),
        },
        certificates,
        grades: grade_reports,
    }
}

/// The finding on certificate `index` of the organisation, when the
/// engine found its registered level unsupported.
fn unsupported_level(
    og: &OrganisationGrades,
    index: usize,
    schemes: &Schemes,
) -> Option<UnsupportedLevel> {
    let (result, registered) = og.results.iter().find_map(|r| {
        r.registered
            .iter()
            .find(|x| x.certificate == index && x.agreement == Agreement::Unsupported)
            .map(|x| (r, x))
    })?;
    let scheme = super::scheme_of(schemes, result)?;
    let highest = result.highest_defined();
    Some(UnsupportedLevel {
        registered: level_name(scheme, Some(registered.level))?,
        supported: level_name(scheme, result.level),
        highest_defined: if highest.is_none_or(|h| h < registered.level) {
            level_name(scheme, highest)
        } else {
            None
        },
    })
}

/// The id (Chinese name) of level `index` of `scheme`.
pub fn level_name(scheme: &Scheme, index: Option<usize>) -> Option<String> {
    index
        .and_then(|i| scheme.rules.levels.get(i))
        .map(|l| l.id.clone())
}

fn grade_report(
    org: &Organisation,
    r: &GradeResult,
    scheme: &Scheme,
    index: &RequirementIndex,
) -> GradeReport {
    let next_index = r.next.as_ref().map(|n| n.level);
    let assessments = org.data.assessments.as_slice();
    let parts = r
        .parts
        .iter()
        .filter_map(|p| {
            let part = scheme.rules.parts.iter().find(|x| x.id == p.id)?;
            let lookup = |c: &Check| index.get(&(part.id.as_str(), c.id.as_str())).copied();
            let show_up_to = levels_shown(p.level, next_index);
            let levels = p
                .levels
                .iter()
                .filter(|lr| lr.level <= show_up_to)
                .map(|lr| {
                    let def = &scheme.rules.levels[lr.level];
                    let block = part.levels.get(&def.id);
                    LevelReport {
                        level: def.id.clone(),
                        defined: lr.defined,
                        met: lr.met,
                        clause: block.map(|b| b.clause.clone()),
                        undefined_zh: block
                            .and_then(|b| b.undefined.as_ref())
                            .map(|t| t.zh.clone()),
                        undefined_en: block
                            .and_then(|b| b.undefined.as_ref())
                            .map(|t| t.en.clone()),
                        reading: block.and_then(|b| b.reading.clone()),
                        requirements: lr
                            .checks
                            .iter()
                            .map(|c| requirement_report(c, lookup(c), scheme, assessments))
                            .collect(),
                    }
                })
                .collect();
            let score = p
                .score
                .as_ref()
                .zip(part.score.as_ref())
                .map(|(s, def)| ScoreReport {
                    score: s.score.to_decimal(),
                    pass_mark: s.pass_mark.to_decimal(),
                    mandatory_met: s.mandatory_met,
                    passed: s.passed,
                    groups: s
                        .groups
                        .iter()
                        .filter_map(|g| {
                            let gdef = def.groups.iter().find(|x| x.id == g.id)?;
                            Some(GroupReport {
                                id: g.id.clone(),
                                name_zh: gdef.zh.clone(),
                                name_en: gdef.en.clone(),
                                clause: gdef.clause.clone(),
                                weight_percent: g.weight.percent().to_decimal(),
                                met: g.met,
                                total: g.total,
                                points: g.points.to_decimal(),
                                requirements: g
                                    .checks
                                    .iter()
                                    .map(|c| requirement_report(c, lookup(c), scheme, assessments))
                                    .collect(),
                            })
                        })
                        .collect(),
                });
            Some(PartReport {
                id: p.id.clone(),
                name_zh: part.zh.clone(),
                name_en: part.en.clone(),
                clause: part.clause.clone(),
                level: level_name(scheme, p.level),
                reading: part.reading.clone(),
                levels,
                score,
            })
        })
        .collect();
    let next_level = r.next.as_ref().map(|n| NextLevelReport {
        level: level_name(scheme, Some(n.level)).unwrap_or_default(),
        undefined_in: n.undefined_in.clone(),
        missing: n
            .missing
            .iter()
            .map(|(part, c)| MissingReport {
                part: part.clone(),
                requirement: requirement_report(
                    c,
                    index.get(&(part.as_str(), c.id.as_str())).copied(),
                    scheme,
                    assessments,
                ),
            })
            .collect(),
    });
    GradeReport {
        edition: r.edition.as_ref().map(|e| EditionReport {
            label: e.label.clone(),
            current: e.current,
            certificate: e
                .transition
                .and_then(|(i, _)| org.data.certificates.get(i))
                .map(|c| c.number.clone()),
            until: e.transition.map(|(_, until)| until.to_string()),
        }),
        standard: r.standard.clone(),
        category: r.category.clone(),
        level: level_name(scheme, r.level),
        level_index: r.level,
        registered: r
            .registered
            .iter()
            .filter_map(|reg| {
                let cert = org.data.certificates.get(reg.certificate)?;
                Some(RegisteredReport {
                    certificate: cert.number.clone(),
                    level: cert.level.clone(),
                    agreement: reg.agreement,
                })
            })
            .collect(),
        assessment: r
            .assessments
            .first()
            .and_then(|&i| org.data.assessments.get(i))
            .map(AssessmentReport::of),
        assessments: r
            .assessments
            .iter()
            .filter_map(|&i| org.data.assessments.get(i))
            .map(AssessmentReport::of)
            .collect(),
        parts,
        next_level,
    }
}

fn requirement_report(
    c: &Check,
    def: Option<&Requirement>,
    scheme: &Scheme,
    assessments: &[Assessment],
) -> RequirementReport {
    let mut out = RequirementReport {
        id: c.id.clone(),
        clause: c.clause.clone(),
        summary_zh: def.and_then(|r| r.zh.clone()),
        summary_en: def.and_then(|r| r.en.clone()),
        met: c.met,
        state: c.state,
        assessment: None,
        mandatory: c.mandatory,
        inherited_from: level_name(scheme, c.inherited_from),
        kind: "documentary",
        measure: None,
        value: None,
        private: false,
        missing_evidence: false,
        comparison: None,
        threshold: None,
        required_span: None,
        since: None,
        reached_on: None,
        projects: None,
        window_from: None,
        count_form: None,
        falling_short: None,
        standard: None,
        certificate_level: None,
        certificate: None,
        certificate_of_zh: None,
        certificate_of_en: None,
        unmet_in_assessment: false,
        reading: def.and_then(|r| r.reading.clone()),
        alternatives: Vec::new(),
    };
    match &c.observed {
        Observed::Documentary {
            assessment,
            unmet_in_assessment,
        } => {
            out.unmet_in_assessment = *unmet_in_assessment;
            out.assessment = assessment
                .and_then(|i| assessments.get(i))
                .map(|a| DecidedBy {
                    date: a.date.to_string(),
                    body: a.body.clone(),
                    body_en: a.body_en.clone(),
                });
        }
        Observed::Figure {
            measure,
            value,
            public,
            threshold,
            at_most,
            projects,
            window_from,
            form,
            short,
        } => {
            out.count_form = *form;
            out.falling_short = *short;
            out.kind = "figure";
            out.measure = Some(measure.name());
            out.private = !public;
            out.missing_evidence = value.is_none();
            out.value = value
                .as_ref()
                .filter(|_| *public)
                .map(display_value(*measure));
            out.comparison = Some(if *at_most { "at-most" } else { "at-least" });
            out.threshold = Some(display_value(*measure)(threshold));
            out.projects = *projects;
            out.window_from = window_from.map(|d| d.to_string());
        }
        Observed::Duration {
            since,
            public,
            required,
            reached_on,
            ..
        } => {
            out.kind = "duration";
            out.private = !public;
            out.missing_evidence = since.is_none();
            out.since = since.filter(|_| *public).map(|d| d.to_string());
            // The day it is met gives the start date away; hide it with it.
            out.reached_on = reached_on.filter(|_| *public).map(|d| d.to_string());
            out.required_span = Some(*required);
        }
        Observed::Certificate {
            standard,
            of,
            level,
            required,
            number,
        } => {
            out.kind = "certificate";
            out.standard = Some(standard.clone());
            out.certificate_level = level.clone();
            if let Some([zh, en]) = of {
                out.certificate_of_zh = Some(zh.clone());
                out.certificate_of_en = Some(en.clone());
            }
            out.certificate = number.clone();
            out.required_span = Some(*required);
        }
        Observed::AnyOf | Observed::AllOf => {
            let any = matches!(c.observed, Observed::AnyOf);
            out.kind = if any { "any-of" } else { "all-of" };
            let alts = def
                .and_then(|r| {
                    if any {
                        r.any_of.as_deref()
                    } else {
                        r.all_of.as_deref()
                    }
                })
                .unwrap_or(&[]);
            out.alternatives = c
                .alternatives
                .iter()
                .enumerate()
                .map(|(i, a)| requirement_report(a, alts.get(i), scheme, assessments))
                .collect();
        }
    }
    out
}

/// The highest level a part's explanation shows, for a part at `level`
/// when the grade's next level is `next`: up to the one after the part's
/// level, what holds and what comes next.
pub fn levels_shown(level: Option<usize>, next: Option<usize>) -> usize {
    level.map_or(0, |l| l + 1).max(next.unwrap_or(0))
}

/// Ratios are shown as percentages; everything else as it is.
pub fn display_value(measure: crate::rules::Measure) -> impl Fn(&Num) -> String {
    move |n: &Num| {
        if measure.is_ratio() {
            format!("{}%", n.percent().to_decimal())
        } else {
            n.to_decimal()
        }
    }
}

/// The UI string key of the unit a figure of `measure` is counted in
/// (`unit_wan_yuan` for money, in 万元 as the standards state it), if any.
pub fn unit_key(measure: &str) -> Option<&'static str> {
    match measure {
        "staff" | "certified-staff" | "qualified-staff" | "failed-acceptances" | "people" => {
            Some("unit_people")
        }
        "projects" => Some("unit_projects"),
        "registered-capital" | "project-total" | "largest-project" => Some("unit_wan_yuan"),
        _ => None,
    }
}

/// The theme's UI strings of one language, for the terminal text.
pub type Strings = std::collections::BTreeMap<String, String>;

fn ui(strings: &Strings, key: &str) -> String {
    strings.get(key).cloned().unwrap_or_else(|| key.to_string())
}

/// The report as terminal text, in English (`en`) or Chinese (`zh`); status,
/// event and unit names are the theme's UI `strings` of that language, the
/// words the pages use.
pub fn text(report: &Report, lang: &str, strings: &Strings) -> String {
    use std::fmt::Write;
    let zh = lang == "zh";
    let o = &report.organisation;
    let mut out = String::new();
    let (name, other) = if zh {
        (&o.name_zh, &o.name_en)
    } else {
        (&o.name_en, &o.name_zh)
    };
    let _ = writeln!(out, "{name} ({other})  [{}]", o.id);
    let _ = writeln!(
        out,
        "{} {}, {}, {} {}",
        if zh {
            "统一社会信用代码"
        } else {
            "credit code"
        },
        o.credit_code,
        if zh { &o.region_zh } else { &o.region_en },
        if zh { "成立于" } else { "founded" },
        o.founded
    );
    let _ = writeln!(
        out,
        "{} {}",
        if zh { "评定日期" } else { "graded as of" },
        report.as_of
    );
    let _ = writeln!(out, "\n{}", if zh { "证书" } else { "Certificates" });
    if report.certificates.is_empty() {
        let _ = writeln!(out, "  {}", if zh { "（无）" } else { "(none)" });
    }
    for c in &report.certificates {
        let status = ui(
            strings,
            &format!(
                "status_{}",
                c.status.map_or("invalid", |s| s.name()).replace('-', "_")
            ),
        );
        let _ = write!(
            out,
            "  {}  {} / {}  {}  {status}",
            c.number, c.standard, c.category, c.level
        );
        if let Some(d) = &c.status_date {
            let _ = write!(out, " ({d})");
        }
        if let Some(until) = &c.valid_until {
            let _ = write!(
                out,
                "  {} {until}",
                if zh { "有效期至" } else { "valid until" }
            );
        }
        out.push('\n');
        for s in &c.sanctions {
            let kind = ui(strings, &format!("event_{}", s.kind.replace('-', "_")));
            let _ = write!(out, "      {kind} {}", s.date);
            if let Some(note) = &s.note {
                let _ = write!(out, "  {note}");
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "\n{}", if zh { "评定结果" } else { "Grades" });
    for g in &report.grades {
        let level = g.level.as_deref().unwrap_or(if zh {
            "未达到任何级别"
        } else {
            "no level"
        });
        let _ = writeln!(
            out,
            "  {} / {}: {} {level}",
            g.standard,
            g.category,
            if zh { "计算等级" } else { "computed" }
        );
        if let Some(e) = &g.edition {
            let line = match (&e.certificate, &e.until, zh) {
                (Some(c), Some(until), true) => {
                    format!("按{}版评定（证书{c}依该版颁发，过渡期至{until}）", e.label)
                }
                (Some(c), Some(until), false) => format!(
                    "graded under edition {} (certificate {c} was issued under it; transition until {until})",
                    e.label
                ),
                (_, _, true) if e.current => format!("按现行{}版评定", e.label),
                (_, _, false) if e.current => {
                    format!("graded under edition {}, the current one", e.label)
                }
                (_, _, true) => format!("按该日期有效的{}版评定", e.label),
                (_, _, false) => format!("graded under edition {}, in force on this date", e.label),
            };
            let _ = writeln!(out, "    {line}");
        }
        for reg in &g.registered {
            let verdict = match reg.agreement {
                Agreement::Consistent => {
                    if zh {
                        "一致"
                    } else {
                        "consistent"
                    }
                }
                Agreement::Unsupported => {
                    if zh {
                        "证据不支持登记等级"
                    } else {
                        "NOT SUPPORTED by the evidence"
                    }
                }
                Agreement::Exceeded => {
                    if zh {
                        "证据支持更高等级"
                    } else {
                        "evidence supports a higher level"
                    }
                }
            };
            let _ = writeln!(
                out,
                "    {} {} {}: {verdict}",
                if zh { "登记" } else { "registered" },
                reg.level,
                reg.certificate
            );
        }
        for a in &g.assessments {
            let covers: Vec<String> = a
                .covers
                .iter()
                .map(|c| {
                    format!(
                        "{} ≤ {}",
                        c.part
                            .as_deref()
                            .unwrap_or(if zh { "全部部分" } else { "every part" }),
                        c.up_to
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "    {} {} {}: {}",
                if zh { "评定记录" } else { "assessment" },
                a.date,
                a.body,
                covers.join(", ")
            );
        }
        for p in &g.parts {
            let name = if zh { &p.name_zh } else { &p.name_en };
            let _ = writeln!(
                out,
                "    {name} ({}): {}",
                p.clause,
                p.level
                    .as_deref()
                    .unwrap_or(if zh { "未达到" } else { "not met" })
            );
            if let Some(s) = &p.score {
                let _ = writeln!(
                    out,
                    "      {} {} / {} {}; {} {}",
                    if zh { "得分" } else { "score" },
                    s.score,
                    if zh { "通过线" } else { "pass mark" },
                    s.pass_mark,
                    if zh { "必要项" } else { "mandatory items" },
                    if s.mandatory_met {
                        if zh { "全部满足" } else { "all met" }
                    } else if zh {
                        "存在不满足"
                    } else {
                        "NOT all met"
                    }
                );
                for gr in &s.groups {
                    let _ = writeln!(
                        out,
                        "      {} ({}%): {}/{} → {}",
                        if zh { &gr.name_zh } else { &gr.name_en },
                        gr.weight_percent,
                        gr.met,
                        gr.total,
                        gr.points
                    );
                    for r in gr.requirements.iter().filter(|r| !r.met) {
                        let _ = writeln!(out, "        {}", line(r, zh, strings));
                    }
                }
                continue;
            }
            if let Some(l) = p
                .levels
                .iter()
                .rev()
                .find(|l| Some(&l.level) == p.level.as_ref())
            {
                for r in &l.requirements {
                    let _ = writeln!(out, "      {}", line(r, zh, strings));
                }
            }
        }
        if let Some(n) = &g.next_level {
            let _ = writeln!(
                out,
                "    {} {}:",
                if zh { "距下一级" } else { "for" },
                n.level
            );
            for part in &n.undefined_in {
                let _ = writeln!(
                    out,
                    "      {part}: {}",
                    if zh {
                        "原文未规定该级别的要求，无法计算"
                    } else {
                        "the text defines no requirements for this level; it cannot be computed"
                    }
                );
            }
            for m in &n.missing {
                let _ = writeln!(
                    out,
                    "      {}: {}",
                    m.part,
                    line(&m.requirement, zh, strings)
                );
            }
            if n.missing.is_empty() && n.undefined_in.is_empty() {
                let _ = writeln!(
                    out,
                    "      {}",
                    if zh {
                        "（无缺项）"
                    } else {
                        "(nothing missing)"
                    }
                );
            }
        }
    }
    out
}

/// One requirement on one line: mark, clause, state, summary, value
/// against threshold.
fn line(r: &RequirementReport, zh: bool, strings: &Strings) -> String {
    let (mark, state) = match r.state {
        State::MetByEvidence => ("✓", if zh { "证据满足" } else { "evidence" }),
        State::MetByAssessment => ("✓", if zh { "评定满足" } else { "assessed" }),
        State::NotMet => ("✗", if zh { "不满足" } else { "not met" }),
        State::NotEvidenced => ("?", if zh { "无证据" } else { "not evidenced" }),
    };
    let summary = if zh {
        r.summary_zh.as_ref().or(r.summary_en.as_ref())
    } else {
        r.summary_en.as_ref().or(r.summary_zh.as_ref())
    };
    let mut s = format!("{mark} {} [{state}]", r.clause);
    if let Some(summary) = summary {
        s.push_str(&format!("  {summary}"));
    }
    let value = if r.private {
        Some(if zh {
            "（不公开）".to_string()
        } else {
            "(private)".to_string()
        })
    } else if r.missing_evidence {
        Some(if zh {
            "（无证据）".to_string()
        } else {
            "(no evidence)".to_string()
        })
    } else {
        None
    };
    match r.kind {
        "figure" => {
            let op = if r.comparison == Some("at-most") {
                "≤"
            } else {
                "≥"
            };
            // Value and threshold in the same unit, the one the rule counts in.
            let unit = r
                .measure
                .and_then(unit_key)
                .map_or(String::new(), |k| ui(strings, k));
            let v = value
                .or_else(|| r.value.as_ref().map(|v| format!("{v}{unit}")))
                .unwrap_or_default();
            s.push_str(&format!(
                ": {v} ({op} {}{unit})",
                r.threshold.as_deref().unwrap_or("")
            ));
            match r.count_form {
                Some(CountForm::Roster) => s.push_str(if zh {
                    "，按人员名单"
                } else {
                    ", from the roster"
                }),
                Some(CountForm::Declared) => s.push_str(if zh {
                    "，申报人数"
                } else {
                    ", declared count"
                }),
                None => {}
            }
            if let Some((key, n)) = r.falling_short_text() {
                let sep = if zh { "，" } else { ", " };
                s.push_str(&format!(
                    "{sep}{}",
                    ui(strings, key).replace("{count}", &n.to_string())
                ));
            }
            match (r.projects, &r.window_from) {
                (Some(n), Some(from)) => s.push_str(
                    &(if zh {
                        format!("，{from} 起的 {n} 个项目")
                    } else {
                        format!(", {n} project(s) since {from}")
                    }),
                ),
                // No window (`any_time`): every project counted.
                (Some(n), None) => s.push_str(
                    &(if zh {
                        format!("，不限时间的 {n} 个项目")
                    } else {
                        format!(", {n} project(s), any date")
                    }),
                ),
                _ => {}
            }
        }
        "duration" => {
            let span = r
                .required_span
                .map(|sp| span_text(sp, zh))
                .unwrap_or_default();
            match (value, &r.since) {
                (Some(v), _) => s.push_str(&format!(": {v} (≥ {span})")),
                (None, Some(since)) => s.push_str(&format!(
                    ": {} {since} (≥ {span})",
                    if zh { "始于" } else { "since" }
                )),
                (None, None) => {}
            }
        }
        "certificate" => {
            let span = r
                .required_span
                .map(|sp| span_text(sp, zh))
                .unwrap_or_default();
            let of = if zh {
                r.certificate_of_zh.as_ref()
            } else {
                r.certificate_of_en.as_ref()
            };
            s.push_str(&format!(
                ": {} {} ≥ {span}{}",
                of.or(r.standard.as_ref()).map_or("", |v| v.as_str()),
                r.certificate_level.as_deref().unwrap_or(""),
                r.certificate
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ));
        }
        "documentary" => match &r.assessment {
            Some(a) => s.push_str(&format!(
                " ({} {}{})",
                a.body,
                a.date,
                if r.unmet_in_assessment {
                    if zh {
                        "：评定为不满足"
                    } else {
                        ": found unmet"
                    }
                } else {
                    ""
                }
            )),
            None => s.push_str(if zh {
                "（没有评定记录覆盖）"
            } else {
                " (no assessment record covers it)"
            }),
        },
        _ => {}
    }
    let joiner = match (r.kind, zh) {
        ("all-of", true) => "且",
        ("all-of", false) => "and",
        (_, true) => "或",
        (_, false) => "or",
    };
    for a in &r.alternatives {
        s.push_str(&format!("\n          {joiner} {}", line(a, zh, strings)));
    }
    s
}

/// "3 years", "6 months", "1 year 6 months" / "3年", "6个月".
pub fn span_text(span: Span, zh: bool) -> String {
    let mut parts = Vec::new();
    if span.years > 0 {
        parts.push(if zh {
            format!("{}年", span.years)
        } else {
            format!(
                "{} year{}",
                span.years,
                if span.years == 1 { "" } else { "s" }
            )
        });
    }
    if span.months > 0 {
        parts.push(if zh {
            format!("{}个月", span.months)
        } else {
            format!(
                "{} month{}",
                span.months,
                if span.months == 1 { "" } else { "s" }
            )
        });
    }
    if span.days > 0 {
        parts.push(if zh {
            format!("{}天", span.days)
        } else {
            format!("{} day{}", span.days, if span.days == 1 { "" } else { "s" })
        });
    }
    parts.join(if zh { "" } else { " " })
}
