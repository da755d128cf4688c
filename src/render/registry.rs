//! Views of the registry for the templates: the organisation list and one
//! page per organisation, in one UI language. Everything comes from the
//! grade report, which holds no private value.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::export::LevelFlag;
use crate::grade::report::{self, CertificateReport, GradeReport, Report, RequirementReport};
use crate::grade::{Agreement, Grades, State};
use crate::model::Document;
use crate::registry::Registry;
use crate::rules::{Reading, Schemes};

use super::links::{self, InlineTemplates, text_html};

/// What the registry pages need from the earlier stages.
#[derive(Clone, Copy)]
pub struct RegistryInput<'a> {
    pub registry: &'a Registry,
    pub schemes: &'a Schemes,
    pub grades: &'a Grades,
}

/// Builds views for one edition.
pub struct Views<'a> {
    pub input: RegistryInput<'a>,
    pub lang: &'a str,
    pub strings: &'a BTreeMap<String, String>,
    /// The edition's root ("/", "/en/"), where `standards/` and `registry/` live.
    pub root: String,
    /// The default language's root, where every certificate's one
    /// verification page lives (it answers in every language).
    pub verify_root: String,
    pub pages: &'a BTreeMap<&'a str, BTreeMap<String, String>>,
    /// The theme's inline templates and the tag that marks runs of the
    /// original language in a translation (`None` in the original).
    pub foreign: (&'a InlineTemplates, Option<&'a str>),
    /// Clause links made ahead ([`ClauseLinks::of`]), else made as asked.
    pub links: ClauseLinks<'a>,
}

/// Every clause's link in one edition, made once: each organisation page
/// links the clause of every requirement it lists, and a build makes tens
/// of thousands of them. Empty where few links are made (a rules page).
#[derive(Default)]
pub struct ClauseLinks<'a>(FxHashMap<&'a str, FxHashMap<&'a str, LinkView>>);

impl<'a> ClauseLinks<'a> {
    /// The link of each anchor of each document `views` knows.
    pub fn of(views: &Views<'a>) -> ClauseLinks<'a> {
        let pages: &'a BTreeMap<&'a str, BTreeMap<String, String>> = views.pages;
        ClauseLinks(
            pages
                .iter()
                .map(|(&slug, anchors)| {
                    let links = anchors
                        .keys()
                        .map(|anchor| (anchor.as_str(), views.make_clause(slug, anchor)))
                        .collect();
                    (slug, links)
                })
                .collect(),
        )
    }
}

#[derive(Serialize)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    pub other_name: String,
    pub other_lang: &'static str,
    pub former_names: Vec<String>,
    pub credit_code: String,
    pub region: String,
    pub founded: String,
    pub website: Option<String>,
    pub as_of: String,
    pub certificates: Vec<CertView>,
    pub grades: Vec<GradeView>,
    /// Any registered level the evidence does not support.
    pub has_unsupported: bool,
}

#[derive(Serialize)]
pub struct CertView {
    pub number: String,
    pub standard: String,
    pub standard_url: String,
    pub category: String,
    pub level: String,
    pub body: String,
    /// Status key (`valid`, `revoked`, …) for styling, and its sentence.
    pub status: String,
    pub status_text: String,
    /// "登记三级；证据仅支持一级" when the evidence does not support the
    /// registered level (the same words as every other surface).
    pub level_flag: Option<String>,
    pub valid_until: String,
    pub renewal_window_open: bool,
    pub next_confirmation: Option<String>,
    pub sanctions: Vec<String>,
    pub events: Vec<EventView>,
}

#[derive(Serialize)]
pub struct EventView {
    pub date: String,
    pub label: String,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct GradeView {
    pub anchor: String,
    pub standard: String,
    pub standard_url: String,
    /// The standard's grading rules page (the words of each requirement).
    pub rules_url: String,
    pub category: String,
    pub level: Option<String>,
    /// Which way the standard's levels run.
    pub level_scale: Option<String>,
    /// For a standard with several editions, which edition's rules computed
    /// the grade and why.
    pub edition: Option<String>,
    pub registered: Vec<RegisteredView>,
    /// The assessment records of this standard and category, newest first:
    /// body, date and what each covers.
    pub assessments: Vec<String>,
    pub parts: Vec<PartView>,
    pub next: Option<NextView>,
}

#[derive(Serialize)]
pub struct RegisteredView {
    pub certificate: String,
    pub level: String,
    pub agreement: String,
    /// "登记三级，与证据一致", or the flag's words when unsupported.
    pub text: String,
}

#[derive(Serialize)]
pub struct PartView {
    pub name: String,
    pub clause: LinkView,
    pub level: Option<String>,
    /// The part's reading of the text, on the rules page.
    pub reading_url: Option<String>,
    /// The level whose requirements are listed (the part's own level).
    pub shown_level: Option<String>,
    pub requirements: RequirementList,
    /// How many of the listed requirements are in each state, in words.
    pub states: Vec<StateCount>,
    pub score: Option<ScoreView>,
    pub undefined: Vec<String>,
}

#[derive(Serialize)]
pub struct StateCount {
    pub state: &'static str,
    pub label: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct ScoreView {
    pub score: String,
    pub pass_mark: String,
    pub mandatory_met: bool,
    pub passed: bool,
    pub groups: Vec<GroupView>,
}

#[derive(Serialize)]
pub struct GroupView {
    pub name: String,
    pub clause: LinkView,
    pub weight: String,
    pub met: usize,
    pub total: usize,
    pub points: String,
    pub requirements: RequirementList,
}

#[derive(Serialize)]
pub struct NextView {
    pub level: String,
    pub undefined: Vec<String>,
    /// Per part, the documentary requirements the next level adds when no
    /// assessment covers them: one assessment is what is missing, so they
    /// are counted and linked to their list on the rules page.
    pub uncovered: Vec<LinkView>,
    pub missing: RequirementList,
}

#[derive(Clone, Serialize)]
pub struct LinkView {
    pub label: String,
    pub url: String,
}

/// Requirements as an organisation page lists them: documentary ones in
/// the same state for the same reason (met by one assessment, or covered by
/// none) are gathered on one line of clause links — their words are on the
/// rules page —, every other requirement has a row of its own. On that
/// line, a run of such requirements that follow one another in the list
/// (of one part) is a range from the first to the last, as the standards
/// cite "B.2.2～B.2.4".
#[derive(Serialize)]
pub struct RequirementList {
    pub groups: Vec<ClauseGroup>,
    pub rows: Vec<RequirementView>,
}

#[derive(Serialize)]
pub struct ClauseGroup {
    pub met: bool,
    pub state: &'static str,
    /// "评定为满足（示例评定中心，2026-10-05）：".
    pub text: String,
    pub runs: Vec<ClauseRun>,
    /// The position in the list, and the part, of its latest requirement.
    #[serde(skip)]
    latest: (usize, String),
}

/// Requirements next to each other in a list: from `first` to `last`
/// (absent when the run is one clause).
#[derive(Serialize)]
pub struct ClauseRun {
    pub first: LinkView,
    pub last: Option<LinkView>,
}

#[derive(Serialize)]
pub struct RequirementView {
    pub clause: LinkView,
    /// An alternative or part citing its parent's clause (not linked again).
    pub same_clause: bool,
    /// The requirement's words, for one not met (what is missing); the
    /// words of every requirement are on the standard's rules page.
    pub summary: Option<String>,
    pub met: bool,
    /// `met-by-evidence`, `met-by-assessment`, `not-met`, `not-evidenced`,
    /// and its name in this language.
    pub state: &'static str,
    pub state_label: String,
    pub mandatory: bool,
    /// "42 (at least 10)" and the like; empty for documentary requirements.
    pub evidence: String,
    /// The reading of the text recorded for it, on the rules page.
    pub reading_url: Option<String>,
    /// Alternatives (`any_of`), or the parts that must all hold (`all_of`).
    pub alternatives: Vec<RequirementView>,
    pub all_of: bool,
}

/// A recorded reading, as HTML: in a translation its quotations of the
/// Chinese text are marked as Chinese.
#[derive(Serialize)]
pub struct ReadingView {
    pub chosen_html: String,
    pub alternative_html: String,
    pub reason_html: String,
}

impl<'a> Views<'a> {
    pub(super) fn t(&self, key: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    pub(super) fn zh(&self) -> bool {
        self.lang == "zh"
    }

    /// The Chinese or the English of a pair, in this edition's language.
    pub(super) fn pick(&self, zh: &str, en: &str) -> String {
        if self.zh() { zh } else { en }.to_string()
    }

    /// A name or note the registry gives in Chinese and maybe in English,
    /// in this edition's language (the Chinese when there is no English).
    pub(super) fn localized(&self, zh: &str, en: Option<&String>) -> String {
        match en {
            Some(en) if !self.zh() => en.clone(),
            _ => zh.to_string(),
        }
    }

    pub fn org_url(&self, id: &str) -> String {
        format!("{}registry/{id}/", self.root)
    }

    pub(super) fn standard_title(&self, slug: &str) -> String {
        self.input
            .schemes
            .get(slug)
            .map_or_else(|| slug.to_string(), |s| s.title_in(self.lang))
    }

    /// The name listing rows and search results give the standard.
    pub(super) fn standard_short_title(&self, slug: &str) -> String {
        self.input
            .schemes
            .get(slug)
            .map_or_else(|| slug.to_string(), |s| s.short_title_in(self.lang))
    }

    pub fn category_name(&self, slug: &str, id: &str) -> String {
        self.input
            .schemes
            .get(slug)
            .and_then(|s| s.category(id))
            .map(|c| {
                if self.zh() {
                    c.zh.clone()
                } else {
                    c.en.clone()
                }
            })
            .unwrap_or_else(|| id.to_string())
    }

    pub(super) fn level_name(&self, slug: &str, id: &str) -> String {
        if self.zh() {
            return id.to_string();
        }
        self.input
            .schemes
            .get(slug)
            .and_then(|s| s.rules.levels.iter().find(|l| l.id == id))
            .map(|l| l.en.clone())
            .unwrap_or_else(|| id.to_string())
    }

    pub(super) fn clause(&self, slug: &str, anchor: &str) -> LinkView {
        match self.links.0.get(slug).and_then(|links| links.get(anchor)) {
            Some(link) => link.clone(),
            None => self.make_clause(slug, anchor),
        }
    }

    fn make_clause(&self, slug: &str, anchor: &str) -> LinkView {
        let pages = self.pages.get(slug);
        let base = format!("{}standards/{slug}/", self.root);
        let url = match pages.and_then(|p| p.get(anchor)) {
            Some(top) if top == anchor => format!("{base}{top}/"),
            Some(top) => format!("{base}{top}/#{anchor}"),
            None => format!("{base}#{anchor}"),
        };
        LinkView {
            label: clause_label(anchor, self.zh()),
            url,
        }
    }

    pub fn organisation(&self, r: &Report) -> OrgView {
        let o = &r.organisation;
        let (name, other_name, other_lang) = if self.zh() {
            (o.name_zh.clone(), o.name_en.clone(), "en")
        } else {
            (o.name_en.clone(), o.name_zh.clone(), "zh-CN")
        };
        let grades: Vec<GradeView> = r
            .grades
            .iter()
            .map(|g| self.grade(g, &r.certificates))
            .collect();
        OrgView {
            id: o.id.clone(),
            name,
            other_name,
            other_lang,
            former_names: o
                .former_names
                .iter()
                .map(|f| {
                    let n = if self.zh() {
                        &f.zh
                    } else {
                        f.en.as_ref().unwrap_or(&f.zh)
                    };
                    format!("{n} ({} {})", self.t("org_until"), f.until)
                })
                .collect(),
            credit_code: o.credit_code.clone(),
            region: if self.zh() {
                o.region_zh.clone()
            } else {
                o.region_en.clone()
            },
            founded: o.founded.clone(),
            website: o.website.clone(),
            as_of: r.as_of.clone(),
            certificates: r.certificates.iter().map(|c| self.certificate(c)).collect(),
            has_unsupported: r.grades.iter().any(|g| {
                g.registered
                    .iter()
                    .any(|x| x.agreement == Agreement::Unsupported)
            }),
            grades,
        }
    }

    /// The words of a certificate's unsupported level, if it has one.
    fn level_flag(&self, c: &CertificateReport) -> Option<String> {
        c.unsupported_level.as_ref().map(|u| {
            LevelFlag::new(u, self.input.schemes, &c.standard).sentence(self.strings, self.lang)
        })
    }

    pub fn certificate(&self, c: &CertificateReport) -> CertView {
        let status = c.status.map_or("invalid", |s| s.name()).to_string();
        let date = c.status_date.clone().unwrap_or_default();
        let until = c.valid_until.clone().unwrap_or_default();
        let status_text = match status.as_str() {
            "valid" => self.t("cert_valid_until").replace("{date}", &until),
            "expiring-soon" => self.t("cert_expiring_on").replace("{date}", &until),
            "confirmation-due" => self.t("cert_confirmation_due").replace("{date}", &date),
            "confirmation-overdue" => self.t("cert_confirmation_overdue").replace("{date}", &date),
            "suspended" => self.t("cert_suspended_since").replace("{date}", &date),
            "revoked" => self.t("cert_revoked_on").replace("{date}", &date),
            "expired" => self.t("cert_expired_on").replace("{date}", &date),
            "not-yet-issued" => self.t("cert_not_yet_issued").replace("{date}", &date),
            _ => self.t("cert_invalid"),
        };
        let event_label = |kind: &str| self.t(&format!("event_{}", kind.replace('-', "_")));
        CertView {
            number: c.number.clone(),
            standard: self.standard_title(&c.standard),
            standard_url: format!("{}standards/{}/", self.root, c.standard),
            category: self.category_name(&c.standard, &c.category),
            level: self.level_name(&c.standard, &c.level),
            body: self.localized(&c.body, c.body_en.as_ref()),
            status,
            status_text,
            level_flag: self.level_flag(c),
            valid_until: until,
            renewal_window_open: c.renewal_window_open,
            next_confirmation: c.next_confirmation.clone(),
            sanctions: c
                .sanctions
                .iter()
                .map(|s| format!("{} {}", event_label(s.kind), s.date))
                .collect(),
            events: c
                .events
                .iter()
                .map(|e| EventView {
                    date: e.date.clone(),
                    label: event_label(e.kind),
                    note: if self.zh() {
                        e.note.clone()
                    } else {
                        e.note_en.clone().or_else(|| e.note.clone())
                    },
                })
                .collect(),
        }
    }

    fn grade(&self, g: &GradeReport, certificates: &[CertificateReport]) -> GradeView {
        let slug = g.standard.as_str();
        let parts = g
            .parts
            .iter()
            .map(|p| {
                let shown = p
                    .levels
                    .iter()
                    .rev()
                    .find(|l| Some(&l.level) == p.level.as_ref());
                let undefined = p
                    .levels
                    .iter()
                    .filter(|l| !l.defined)
                    .filter_map(|l| {
                        if self.zh() {
                            l.undefined_zh.clone()
                        } else {
                            l.undefined_en.clone()
                        }
                    })
                    .collect();
                PartView {
                    name: if self.zh() {
                        p.name_zh.clone()
                    } else {
                        p.name_en.clone()
                    },
                    clause: self.clause(slug, &p.clause),
                    level: p.level.as_ref().map(|l| self.level_name(slug, l)),
                    reading_url: p
                        .reading
                        .as_ref()
                        .map(|_| format!("{}#{}", self.rules_url(slug), p.id)),
                    shown_level: shown.map(|l| self.level_name(slug, &l.level)),
                    states: self.state_counts(
                        shown
                            .map(|l| l.requirements.as_slice())
                            .unwrap_or_default()
                            .iter()
                            .chain(
                                p.score
                                    .iter()
                                    .flat_map(|s| &s.groups)
                                    .flat_map(|g| &g.requirements),
                            ),
                    ),
                    requirements: shown
                        .map(|l| {
                            self.requirement_list(
                                slug,
                                l.requirements.iter().map(|r| (p.id.as_str(), r)),
                            )
                        })
                        .unwrap_or_else(|| self.requirement_list(slug, std::iter::empty())),
                    score: p.score.as_ref().map(|s| ScoreView {
                        score: s.score.clone(),
                        pass_mark: s.pass_mark.clone(),
                        mandatory_met: s.mandatory_met,
                        passed: s.passed,
                        groups: s
                            .groups
                            .iter()
                            .map(|gr| GroupView {
                                name: if self.zh() {
                                    gr.name_zh.clone()
                                } else {
                                    gr.name_en.clone()
                                },
                                clause: self.clause(slug, &gr.clause),
                                weight: gr.weight_percent.clone(),
                                met: gr.met,
                                total: gr.total,
                                points: gr.points.clone(),
                                requirements: self.requirement_list(
                                    slug,
                                    gr.requirements.iter().map(|r| (p.id.as_str(), r)),
                                ),
                            })
                            .collect(),
                    }),
                    undefined,
                }
            })
            .collect();
        GradeView {
            anchor: format!("{}-{}", g.standard, g.category),
            standard: self.standard_title(slug),
            standard_url: format!("{}standards/{slug}/", self.root),
            rules_url: self.rules_url(slug),
            category: self.category_name(slug, &g.category),
            level: g.level.as_ref().map(|l| self.level_name(slug, l)),
            level_scale: self.level_scale(slug),
            edition: g.edition.as_ref().map(|e| {
                let key = match (&e.certificate, &e.until, e.current) {
                    (Some(_), Some(_), _) => "grade_edition_transition",
                    (_, _, true) => "grade_edition_current",
                    _ => "grade_edition_in_force",
                };
                self.t(key)
                    .replace("{edition}", &e.label)
                    .replace(
                        "{certificate}",
                        e.certificate.as_deref().unwrap_or_default(),
                    )
                    .replace("{until}", e.until.as_deref().unwrap_or_default())
            }),
            registered: g
                .registered
                .iter()
                .map(|x| {
                    let level = self.level_name(slug, &x.level);
                    let computed = g.level.as_ref().map(|l| self.level_name(slug, l));
                    let fill = |key: &str| {
                        self.t(key)
                            .replace("{registered}", &level)
                            .replace("{supported}", computed.as_deref().unwrap_or_default())
                    };
                    let text = match x.agreement {
                        Agreement::Consistent => fill("level_consistent"),
                        Agreement::Exceeded => fill("level_exceeded"),
                        Agreement::Unsupported => certificates
                            .iter()
                            .find(|c| c.number == x.certificate)
                            .and_then(|c| self.level_flag(c))
                            .unwrap_or_else(|| fill("level_unsupported")),
                    };
                    RegisteredView {
                        certificate: x.certificate.clone(),
                        level,
                        agreement: x.agreement.name().to_string(),
                        text,
                    }
                })
                .collect(),
            assessments: g
                .assessments
                .iter()
                .map(|a| self.assessment(slug, a))
                .collect(),
            parts,
            next: g.next_level.as_ref().map(|n| self.next_level(slug, n)),
        }
    }

    fn next_level(&self, slug: &str, n: &report::NextLevelReport) -> NextView {
        let scheme = self.input.schemes.get(slug);
        // Listed under the next level's own block of its part on the rules page.
        let in_block = |part: &str, id: &str| {
            scheme
                .and_then(|s| s.rules.parts.iter().find(|p| p.id == part))
                .and_then(|p| p.levels.get(&n.level))
                .is_some_and(|b| b.requirements.iter().any(|r| r.id() == id))
        };
        let uncovered_here = |m: &report::MissingReport| {
            let r = &m.requirement;
            r.kind == "documentary"
                && r.state == State::NotEvidenced
                && r.assessment.is_none()
                && !r.mandatory
                && in_block(&m.part, &r.id)
        };
        // Part id → how many of its next-level documentary requirements no
        // assessment covers, in the order the parts come.
        let mut uncovered: Vec<(&str, usize)> = Vec::new();
        for m in n.missing.iter().filter(|m| uncovered_here(m)) {
            match uncovered.iter_mut().find(|(p, _)| *p == m.part) {
                Some((_, count)) => *count += 1,
                None => uncovered.push((&m.part, 1)),
            }
        }
        let level = self.level_name(slug, &n.level);
        NextView {
            uncovered: uncovered
                .into_iter()
                .map(|(part, count)| LinkView {
                    label: self
                        .t("req_uncovered_block")
                        .replace("{count}", &count.to_string())
                        .replace("{part}", &self.part_name(slug, part))
                        .replace("{level}", &level),
                    url: format!(
                        "{}#{}",
                        self.rules_url(slug),
                        super::rules::level_anchor(part, &n.level)
                    ),
                })
                .collect(),
            missing: self.requirement_list(
                slug,
                n.missing
                    .iter()
                    .filter(|m| !uncovered_here(m))
                    .map(|m| (m.part.as_str(), &m.requirement)),
            ),
            level,
            undefined: n.undefined_in.clone(),
        }
    }

    /// A part's name in this language.
    fn part_name(&self, slug: &str, id: &str) -> String {
        self.input
            .schemes
            .get(slug)
            .and_then(|s| s.rules.parts.iter().find(|p| p.id == id))
            .map_or_else(|| id.to_string(), |p| self.pick(&p.zh, &p.en))
    }

    /// "示例评定中心，2026-10-05：全部部分至三级" and the like.
    fn assessment(&self, slug: &str, a: &report::AssessmentReport) -> String {
        let parts: Vec<String> = a
            .covers
            .iter()
            .map(|c| {
                let part = match &c.part {
                    Some(id) => self.part_name(slug, id),
                    None => self.t("assessment_all_parts"),
                };
                self.t("assessment_covers")
                    .replace("{part}", &part)
                    .replace("{level}", &self.level_name(slug, &c.up_to))
            })
            .collect();
        let mut text = self
            .t("assessment_record")
            .replace("{body}", &self.localized(&a.body, a.body_en.as_ref()))
            .replace("{date}", &a.date);
        if !parts.is_empty() {
            text.push_str(
                &self
                    .t("assessment_covering")
                    .replace("{covers}", &parts.join(self.t("list_separator").as_str())),
            );
        }
        if !a.unmet.is_empty() {
            text.push_str(
                &self
                    .t("assessment_unmet")
                    .replace("{count}", &a.unmet.len().to_string()),
            );
        }
        text
    }

    /// The states of `requirements`, in the order a reader weighs them.
    fn state_counts<'r>(
        &self,
        requirements: impl Iterator<Item = &'r RequirementReport>,
    ) -> Vec<StateCount> {
        let mut counts = [0usize; 4];
        for r in requirements {
            counts[r.state as usize] += 1;
        }
        [
            State::MetByEvidence,
            State::MetByAssessment,
            State::NotMet,
            State::NotEvidenced,
        ]
        .into_iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(state, count)| StateCount {
            state: state.name(),
            label: self.state_label(state),
            count,
        })
        .collect()
    }

    fn state_label(&self, state: State) -> String {
        self.t(&format!("state_{}", state.name().replace('-', "_")))
    }

    pub(super) fn reading(&self, r: &Reading) -> ReadingView {
        let t = if self.zh() { &r.zh } else { &r.en };
        let (templates, tag) = self.foreign;
        ReadingView {
            chosen_html: text_html(templates, tag, &t.chosen),
            alternative_html: text_html(templates, tag, &t.alternative),
            reason_html: text_html(templates, tag, &t.reason),
        }
    }

    /// The grading rules page of standard `slug`.
    pub(super) fn rules_url(&self, slug: &str) -> String {
        format!("{}standards/{slug}/rules/", self.root)
    }

    /// Requirements of one level, score group or next-level list, each
    /// with the id of its part.
    fn requirement_list<'r>(
        &self,
        slug: &str,
        requirements: impl Iterator<Item = (&'r str, &'r RequirementReport)>,
    ) -> RequirementList {
        let mut groups: Vec<ClauseGroup> = Vec::new();
        let mut rows = Vec::new();
        for (position, (part, r)) in requirements.enumerate() {
            // A met one's mandatory mark and reading are on the rules page;
            // a missing mandatory item keeps its row (it fails the grade).
            let documentary = r.kind == "documentary";
            let text = match (&r.assessment, r.state) {
                (Some(a), State::MetByAssessment) if documentary => Some(
                    // The body is named in the grade's list of assessments.
                    self.t("req_met_by_assessment_group")
                        .replace("{date}", &a.date),
                ),
                (None, State::NotEvidenced) if documentary && !r.mandatory => {
                    Some(self.t("req_not_evidenced_group"))
                }
                _ => None,
            };
            let Some(text) = text else {
                rows.push(self.requirement(slug, Some(part), r));
                continue;
            };
            let link = self.clause(slug, &r.clause);
            match groups.iter_mut().find(|g| g.text == text) {
                Some(g) => {
                    let follows = g.latest.0 + 1 == position && g.latest.1 == part;
                    g.latest = (position, part.to_string());
                    match g.runs.last_mut() {
                        // Two requirements of one clause are one link.
                        Some(run) if follows => {
                            let end = run.last.as_ref().unwrap_or(&run.first);
                            if end.url != link.url {
                                run.last = Some(link);
                            }
                        }
                        _ => g.runs.push(ClauseRun {
                            first: link,
                            last: None,
                        }),
                    }
                }
                None => groups.push(ClauseGroup {
                    met: r.met,
                    state: r.state.name(),
                    text,
                    runs: vec![ClauseRun {
                        first: link,
                        last: None,
                    }],
                    latest: (position, part.to_string()),
                }),
            }
        }
        RequirementList { groups, rows }
    }

    /// One requirement's row; `part` is `None` for an alternative nested in
    /// a requirement (whose reading is on its parent's entry).
    fn requirement(
        &self,
        slug: &str,
        part: Option<&str>,
        r: &RequirementReport,
    ) -> RequirementView {
        let summary = if r.met {
            None
        } else if self.zh() {
            r.summary_zh.clone().or_else(|| r.summary_en.clone())
        } else {
            r.summary_en.clone().or_else(|| r.summary_zh.clone())
        };
        RequirementView {
            clause: self.clause(slug, &r.clause),
            same_clause: false,
            summary,
            met: r.met,
            state: r.state.name(),
            state_label: self.state_label(r.state),
            mandatory: r.mandatory,
            evidence: self.evidence(r),
            reading_url: match part {
                Some(part) if r.reading.is_some() || has_nested_reading(r) => Some(format!(
                    "{}#{}",
                    self.rules_url(slug),
                    super::rules::rule_anchor(part, &r.id)
                )),
                _ => None,
            },
            all_of: r.kind == "all-of",
            alternatives: r
                .alternatives
                .iter()
                .map(|a| RequirementView {
                    same_clause: a.clause == r.clause,
                    ..self.requirement(slug, None, a)
                })
                .collect(),
        }
    }

    /// The observed value against the threshold, in words.
    fn evidence(&self, r: &RequirementReport) -> String {
        let value = if r.private {
            self.t("value_private")
        } else if r.missing_evidence {
            self.t("value_missing")
        } else {
            String::new()
        };
        match r.kind {
            "figure" => {
                let unit = r
                    .measure
                    .and_then(report::unit_key)
                    .map_or(String::new(), |k| self.t(k));
                let shown = if value.is_empty() {
                    format!("{}{unit}", r.value.clone().unwrap_or_default())
                } else {
                    value
                };
                let key = if r.comparison == Some("at-most") {
                    "threshold_at_most"
                } else {
                    "threshold_at_least"
                };
                let threshold = self.t(key).replace(
                    "{value}",
                    &format!("{}{unit}", r.threshold.clone().unwrap_or_default()),
                );
                let window = match (&r.window_from, r.projects) {
                    (Some(from), Some(n)) => format!(
                        "; {}",
                        self.t("window_projects")
                            .replace("{count}", &n.to_string())
                            .replace("{from}", from)
                    ),
                    // No window (`any_time`): every project counted.
                    (None, Some(n)) => format!(
                        "; {}",
                        self.t("window_projects_any_time")
                            .replace("{count}", &n.to_string())
                    ),
                    _ => String::new(),
                };
                let form = match r.count_form {
                    Some(crate::grade::CountForm::Roster) => {
                        format!("; {}", self.t("count_roster"))
                    }
                    Some(crate::grade::CountForm::Declared) => {
                        format!("; {}", self.t("count_declared"))
                    }
                    None => String::new(),
                };
                let short = match r.falling_short_text() {
                    Some((key, n)) => {
                        format!("; {}", self.t(key).replace("{count}", &n.to_string()))
                    }
                    None => String::new(),
                };
                format!("{shown} ({threshold}){window}{form}{short}")
            }
            "duration" => {
                let span = r
                    .required_span
                    .map(|s| report::span_text(s, self.zh()))
                    .unwrap_or_default();
                let required = self.t("threshold_at_least").replace("{value}", &span);
                match (&r.since, value.is_empty()) {
                    (Some(since), true) => format!("{} {since} ({required})", self.t("since")),
                    _ => format!("{value} ({required})"),
                }
            }
            "certificate" => {
                let of = if self.zh() {
                    r.certificate_of_zh.as_deref()
                } else {
                    r.certificate_of_en.as_deref()
                };
                let level = match (of, r.certificate_level.as_deref()) {
                    (Some(of), Some(level)) => format!("{of} {level}"),
                    (Some(of), None) => of.to_string(),
                    (None, level) => level.unwrap_or_default().to_string(),
                };
                let held = match r.required_span.filter(|s| !s.is_empty()) {
                    Some(span) => self
                        .t("held_for")
                        .replace("{level}", &level)
                        .replace("{span}", &report::span_text(span, self.zh())),
                    None if r.certificate_level.is_some() => {
                        self.t("holds_in_force").replace("{level}", &level)
                    }
                    None => self.t("holds_in_force_any_level").replace("{of}", &level),
                };
                match &r.certificate {
                    Some(n) => format!("{held}{}{n}", self.t("colon")),
                    None => held,
                }
            }
            "documentary" => match (&r.assessment, r.unmet_in_assessment) {
                (Some(a), true) => self
                    .t("unmet_in_assessment")
                    .replace("{body}", &self.localized(&a.body, a.body_en.as_ref()))
                    .replace("{date}", &a.date),
                // The body is named in the grade's list of assessments.
                (Some(a), false) => self.t("met_in_assessment").replace("{date}", &a.date),
                (None, _) => self.t("no_assessment_covers"),
            },
            _ => String::new(),
        }
    }
}

/// Does an alternative nested in `r` carry a reading (shown on the rules
/// page under `r`'s entry)?
fn has_nested_reading(r: &RequirementReport) -> bool {
    r.alternatives
        .iter()
        .any(|a| a.reading.is_some() || has_nested_reading(a))
}

/// "7.1.4-a" → "7.1.4 a)", "item-12" → "第12项"/"item 12", else the anchor.
pub fn clause_label(anchor: &str, zh: bool) -> String {
    if let Some(n) = anchor.strip_prefix("item-") {
        return if zh {
            format!("第{n}项")
        } else {
            format!("item {n}")
        };
    }
    if let Some((clause, item)) = anchor.rsplit_once('-')
        && !clause.is_empty()
        && (item.len() == 1 && item.bytes().all(|b| b.is_ascii_lowercase())
            || item.bytes().all(|b| b.is_ascii_digit()))
    {
        return format!("{clause} {item})");
    }
    anchor.to_string()
}

/// Where each anchor of each normative document lives.
pub fn pages(documents: &[Document]) -> BTreeMap<&str, BTreeMap<String, String>> {
    documents
        .iter()
        .map(|d| (d.slug.as_str(), links::pages_of(d)))
        .collect()
}

/// One organisation in a directory listing, in one language.
#[derive(Serialize)]
pub struct RowView {
    pub id: String,
    pub url: String,
    /// In the listing's language.
    pub name: String,
    pub region: String,
    pub holdings: Vec<HoldingView>,
}

/// A certificate in a listing row: what it certifies (its registered
/// level, labelled so) and its status.
#[derive(Serialize)]
pub struct HoldingView {
    pub text: String,
    pub status: String,
    pub status_label: String,
    /// The certificate's verification page.
    pub url: String,
    /// "计算等级四级" when the evidence supports more than the registered
    /// level (a certificate in force or suspended).
    pub computed: Option<String>,
    /// The flag's words when the evidence does not support the registered
    /// level.
    pub level_flag: Option<String>,
}

/// The verification page of one certificate.
#[derive(Serialize)]
pub struct VerifyView {
    pub cert: CertView,
    pub org_name: String,
    pub org_url: String,
    /// The level computed for the certificate's standard and category, and
    /// whether it supports the certificate's level.
    pub computed_level: Option<String>,
    pub agreement: Option<String>,
    pub as_of: String,
    /// Where the verification form's page says how the standard's
    /// lifecycle text is read (windows, sanctions), if it records readings.
    pub lifecycle_url: Option<String>,
    /// This page at this language's answer, and the verification form.
    pub verify_url: String,
    pub form_url: String,
}

impl Views<'_> {
    /// "服务机构等级评定 · 风险评估服务 · 登记三级" in this edition's
    /// language, with the standard's short title: the level is the
    /// registered one, and says so.
    pub fn holding_text(&self, standard: &str, category: &str, level: &str) -> String {
        self.holding_text_in(
            &super::directory::Scope::default(),
            standard,
            category,
            level,
        )
    }

    /// The same on a listing of `scope`, without the standard or the
    /// category when the page's heading names them.
    pub fn holding_text_in(
        &self,
        scope: &super::directory::Scope,
        standard: &str,
        category: &str,
        level: &str,
    ) -> String {
        let registered = self
            .t("holding_registered")
            .replace("{level}", &self.level_name(standard, level));
        [
            scope
                .standard
                .is_none()
                .then(|| self.standard_short_title(standard)),
            scope
                .category
                .is_none()
                .then(|| self.category_name(standard, category)),
            Some(registered),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
    }

    /// What a listing shows beside a certificate's registered level: the
    /// computed level where the evidence supports more, and the flag where
    /// it supports less; `(computed, flag)`.
    pub fn holding_levels(
        &self,
        c: &crate::export::CertificateRow,
    ) -> (Option<String>, Option<String>) {
        let computed = match (c.agreement, &c.computed_level) {
            (Some(Agreement::Exceeded), Some(level)) => Some(
                self.t("holding_computed")
                    .replace("{level}", &self.level_name(&c.standard, level)),
            ),
            _ => None,
        };
        let flag = c
            .level_flag
            .as_ref()
            .map(|f| f.sentence(self.strings, self.lang));
        (computed, flag)
    }

    /// Which way a standard's levels run, in a sentence; `None` for a
    /// standard of one level.
    pub fn level_scale(&self, standard: &str) -> Option<String> {
        let levels = &self.input.schemes.get(standard)?.rules.levels;
        let (lowest, highest) = (levels.first()?, levels.last()?);
        (levels.len() > 1).then(|| {
            self.t("level_scale")
                .replace("{lowest}", &self.level_name(standard, &lowest.id))
                .replace("{highest}", &self.level_name(standard, &highest.id))
        })
    }

    /// A status's short name ("有效", "Revoked").
    pub fn status_label(&self, status: &str) -> String {
        self.t(&format!("status_{}", status.replace('-', "_")))
    }

    /// A certificate's verification page, at this language's answer.
    pub fn verify_url(&self, slug: &str) -> String {
        format!(
            "{}verify/{slug}/{}",
            self.verify_root,
            self.verify_fragment()
        )
    }

    /// Where this language's answer is on a verification page: the top
    /// for the default language, `#en` and the like for the others.
    pub fn verify_fragment(&self) -> String {
        if self.root == self.verify_root {
            String::new()
        } else {
            format!("#{}", self.lang)
        }
    }

    /// One organisation in a listing of `scope`: the certificates the
    /// scope shows, labelled without what the page's heading says.
    pub fn row(&self, e: &super::directory::Entry, scope: &super::directory::Scope) -> RowView {
        let r = &e.row;
        let name = if self.zh() {
            r.name_zh.clone()
        } else {
            r.name_en.clone()
        };
        RowView {
            id: r.id.clone(),
            url: self.org_url(&r.id),
            name,
            region: if self.zh() {
                r.region_zh.clone()
            } else {
                r.region_en.clone()
            },
            holdings: r
                .certificates
                .iter()
                .filter(|c| scope.shows(c))
                .map(|c| {
                    let status = super::directory::status_name(c);
                    let (computed, level_flag) = self.holding_levels(c);
                    HoldingView {
                        text: self.holding_text_in(scope, &c.standard, &c.category, &c.level),
                        status: status.to_string(),
                        status_label: self.status_label(status),
                        url: self.verify_url(&crate::registry::number_slug(&c.number)),
                        computed,
                        level_flag,
                    }
                })
                .collect(),
        }
    }

    pub fn verification(&self, r: &Report, c: &CertificateReport) -> VerifyView {
        let grade = r
            .grades
            .iter()
            .find(|g| g.standard == c.standard && g.category == c.category);
        let agreement = grade
            .and_then(|g| g.registered.iter().find(|x| x.certificate == c.number))
            .map(|x| x.agreement.name());
        VerifyView {
            cert: self.certificate(c),
            org_name: if self.zh() {
                r.organisation.name_zh.clone()
            } else {
                r.organisation.name_en.clone()
            },
            org_url: self.org_url(&r.organisation.id),
            computed_level: grade
                .and_then(|g| g.level.as_ref())
                .map(|l| self.level_name(&c.standard, l)),
            agreement: agreement.map(String::from),
            as_of: r.as_of.clone(),
            lifecycle_url: self
                .input
                .schemes
                .get(&c.standard)
                .and_then(|s| s.rules.certificates.as_ref())
                .filter(|l| !l.readings.is_empty())
                .map(|_| format!("{}verify/#lifecycle-{}", self.root, c.standard)),
            verify_url: self.verify_url(&crate::registry::number_slug(&c.number)),
            form_url: format!("{}verify/", self.root),
        }
    }
}
