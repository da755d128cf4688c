//! Grading rules: the data in `content/<slug>/rules.yaml` that says how the
//! standard grades an organisation. Loaded here, checked against the
//! standard's text in [`check`], applied by the `grade` stage.
//!
//! The vocabulary is documented in `docs/grading-rules.md`; no standard has
//! code of its own.

mod check;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::exact::Num;
use crate::load::StandardSources;
use crate::model::Document;

pub use check::{check, is_registry_id};

pub use crate::load::RULES_FILE;

/// One standard's rules, with where they came from (for located errors).
#[derive(Debug, Clone)]
pub struct Scheme {
    pub slug: String,
    pub file: PathBuf,
    pub text: String,
    pub rules: Rules,
    /// Titles of the standard in each language (from its documents).
    pub title: BTreeMap<String, String>,
    /// The front matter's `short_title` per language, where given.
    pub short_title: BTreeMap<String, String>,
}

impl Scheme {
    /// The standard's title in `lang`, else the original's (Chinese), else
    /// its slug.
    pub fn title_in(&self, lang: &str) -> String {
        self.title
            .get(lang)
            .or_else(|| self.title.get("zh"))
            .cloned()
            .unwrap_or_else(|| self.slug.clone())
    }

    /// The standard's short title in `lang` (for rows of listings and
    /// search results), else its title in `lang`.
    pub fn short_title_in(&self, lang: &str) -> String {
        self.short_title
            .get(lang)
            .cloned()
            .unwrap_or_else(|| self.title_in(lang))
    }

    /// Index of a level id, 0 = lowest.
    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.rules.levels.iter().position(|l| l.id == id)
    }

    pub fn category(&self, id: &str) -> Option<&Named> {
        self.rules.categories.iter().find(|c| c.id == id)
    }

    pub fn location(&self, path: &[crate::yaml::Step]) -> Location {
        crate::yaml::location_of(&self.file, &self.text, path)
    }

    /// The parts that grade `category`.
    pub fn parts_for<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a Part> + 'a {
        self.rules.parts.iter().filter(move |p| {
            p.categories
                .as_ref()
                .is_none_or(|c| c.iter().any(|c| c == category))
        })
    }
}

/// Every standard's rules, sorted by slug.
#[derive(Debug, Clone, Default)]
pub struct Schemes {
    pub schemes: Vec<Scheme>,
    /// For a standard with several editions, every edition (oldest first,
    /// the current one last) with the dates that decide which grades.
    pub editions: BTreeMap<String, Vec<EditionRules>>,
}

/// One edition of a standard as grading sees it.
#[derive(Debug, Clone)]
pub struct EditionRules {
    pub label: String,
    pub effective: Option<jiff::civil::Date>,
    /// Certificates issued under the edition before keep being graded
    /// under it until this date.
    pub transition_until: Option<jiff::civil::Date>,
    /// An older edition's rules; `None` for the current edition, whose
    /// rules are the standard's own ([`Schemes::get`]).
    pub scheme: Option<Scheme>,
}

impl Schemes {
    /// The rules of edition `label` of a standard; the current edition's
    /// (the standard's own) when `label` is `None` or names it.
    pub fn edition(&self, slug: &str, label: Option<&str>) -> Option<&Scheme> {
        let older = label.and_then(|label| {
            self.editions
                .get(slug)?
                .iter()
                .find(|e| e.label == label)?
                .scheme
                .as_ref()
        });
        older.or_else(|| self.get(slug))
    }

    /// The labels of a standard's editions, oldest first; empty for a
    /// standard with one edition.
    pub fn edition_labels(&self, slug: &str) -> Vec<&str> {
        self.editions
            .get(slug)
            .map(|all| all.iter().map(|e| e.label.as_str()).collect())
            .unwrap_or_default()
    }

    pub fn get(&self, slug: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.slug == slug)
    }

    /// A scheme outside the site that some standard declares.
    pub fn other_scheme(&self, id: &str) -> Option<&OtherScheme> {
        self.schemes
            .iter()
            .flat_map(|s| &s.rules.other_schemes)
            .find(|o| o.id == id)
    }

    /// Is `id` a role some standard declares?
    pub fn knows_role(&self, id: &str) -> bool {
        self.schemes
            .iter()
            .flat_map(|s| &s.rules.roles)
            .any(|r| r.id == id)
    }

    /// Is `id` a category or project type of any standard?
    pub fn knows_project_type(&self, id: &str) -> bool {
        self.schemes.iter().any(|s| {
            s.rules
                .categories
                .iter()
                .chain(&s.rules.project_types)
                .any(|c| c.id == id)
        })
    }

    /// The scopes at which the standards declare figure `id` (empty when
    /// none declares it).
    /// How a figure some standard declares as derived is computed instead.
    pub fn derived_figure(&self, id: &str) -> Option<&str> {
        self.schemes
            .iter()
            .flat_map(|s| &s.rules.figures)
            .find(|f| f.id == id)
            .and_then(|f| f.derived.as_deref())
    }

    pub fn figure_scopes(&self, id: &str) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = self
            .schemes
            .iter()
            .flat_map(|s| &s.rules.figures)
            .filter(|f| f.id == id)
            .map(|f| f.scope)
            .collect();
        scopes.dedup();
        scopes
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub levels: Vec<LevelDef>,
    pub categories: Vec<Named>,
    #[serde(default)]
    pub project_types: Vec<Named>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    pub parts: Vec<Part>,
    #[serde(default)]
    pub combine: Option<Combine>,
    #[serde(default)]
    pub certificates: Option<Lifecycle>,
    /// Qualifications a roster may record, with what counts as equivalent.
    #[serde(default)]
    pub qualifications: Vec<QualificationDef>,
    /// How people may be counted across categories (001 7.4).
    #[serde(default)]
    pub people: Option<PeopleRules>,
    /// Roles a roster person may have (技术负责人, 安全开发人员, …).
    #[serde(default)]
    pub roles: Vec<RoleDef>,
    /// Certification schemes the rules ask about that this site does not
    /// publish (ISO/IEC 27001, CMMI); organisations record them under
    /// `other_certificates`.
    #[serde(default)]
    pub other_schemes: Vec<OtherScheme>,
}

/// A role a roster person may have.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleDef {
    pub id: String,
    pub zh: String,
    pub en: String,
}

/// A certification scheme outside this site.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherScheme {
    pub id: String,
    pub zh: String,
    pub en: String,
    /// Its levels, lowest first; empty when the scheme has none.
    #[serde(default)]
    pub levels: Vec<String>,
}

impl OtherScheme {
    /// What to write instead of a level the scheme does not have.
    pub fn levels_hint(&self) -> String {
        if self.levels.is_empty() {
            "the scheme has no levels: remove `level`".to_string()
        } else {
            format!("use one of {}", self.levels.join(", "))
        }
    }
}

/// A qualification a roster person may hold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QualificationDef {
    pub id: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleRules {
    /// A person may be counted toward at most this many of the standard's
    /// categories.
    pub class_limit: ClassLimit,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClassLimit {
    pub max: usize,
    pub clause: String,
    #[serde(default)]
    pub reading: Option<Reading>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDef {
    pub id: String,
    pub en: String,
}

/// A category or project type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub clause: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub id: String,
    pub zh: String,
    pub en: String,
    /// `category`: each service category has its own value
    /// (`services.<category>.figures.<id>`), as where an annex asks about
    /// its own service; `organisation` (default): one value
    /// (`evidence.figures.<id>`).
    #[serde(default)]
    pub scope: Scope,
    /// A value the engine computes from other evidence, declared only so
    /// that typing it in is an error: what to write instead.
    #[serde(default)]
    pub derived: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub clause: String,
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    #[serde(default)]
    pub levels: BTreeMap<String, LevelBlock>,
    #[serde(default)]
    pub all_levels: Vec<Requirement>,
    #[serde(default)]
    pub score: Option<Score>,
    #[serde(default)]
    pub reading: Option<Reading>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelBlock {
    pub clause: String,
    #[serde(default)]
    pub inherits: Option<String>,
    #[serde(default)]
    pub inherits_clause: Option<String>,
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    #[serde(default)]
    pub undefined: Option<Text>,
    #[serde(default)]
    pub reading: Option<Reading>,
}

/// Text in both languages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub pass_mark: Num,
    pub clause: String,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub weight: Num,
    pub clause: String,
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    pub items: Vec<Requirement>,
}

impl Part {
    /// Every top-level requirement of the part: level blocks, shared ones
    /// and score items (alternatives are inside them).
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        let blocks = self.levels.values().flat_map(|b| &b.requirements);
        let scored = self
            .score
            .iter()
            .flat_map(|s| s.groups.iter().flat_map(|g| &g.items));
        blocks.chain(&self.all_levels).chain(scored)
    }

    /// The top-level requirements with the level whose block states them
    /// (`None` for requirements of every level and score items).
    pub fn requirements_by_level(&self) -> impl Iterator<Item = (Option<&str>, &Requirement)> {
        let blocks = self.levels.iter().flat_map(|(level, b)| {
            b.requirements
                .iter()
                .map(move |r| (Some(level.as_str()), r))
        });
        let scored = self
            .score
            .iter()
            .flat_map(|s| s.groups.iter().flat_map(|g| &g.items));
        blocks.chain(self.all_levels.iter().chain(scored).map(|r| (None, r)))
    }
}

impl Rules {
    /// The rules with every requirement list emptied: what else a revision
    /// of the rules can change (levels, categories, scores, lifecycle).
    pub fn without_requirements(&self) -> Rules {
        let mut rules = self.clone();
        for part in &mut rules.parts {
            for block in part.levels.values_mut() {
                block.requirements.clear();
            }
            part.all_levels.clear();
            if let Some(score) = &mut part.score {
                for group in &mut score.groups {
                    group.items.clear();
                }
            }
        }
        rules
    }
}

impl Group {
    pub fn applies_to(&self, category: &str) -> bool {
        self.categories
            .as_ref()
            .is_none_or(|c| c.iter().any(|c| c == category))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Combine {
    pub rule: CombineRule,
    pub clause: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CombineRule {
    /// The lowest level among the parts (000 clause 5.5).
    Lowest,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    pub clause: String,
    #[serde(default)]
    pub validity: Option<Span>,
    #[serde(default)]
    pub annual_confirmation: Option<AnnualConfirmation>,
    #[serde(default)]
    pub renewal: Option<Renewal>,
    #[serde(default)]
    pub sanctions_clause: Option<String>,
    #[serde(default)]
    pub readings: Vec<Reading>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualConfirmation {
    pub days_before_anniversary: u32,
    pub clause: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    pub days_before_expiry: u32,
    pub clause: String,
}

/// A length of time: years, months and days, added in that order.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Span {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub years: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub months: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub days: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Span {
    pub fn jiff(&self) -> jiff::Span {
        jiff::Span::new()
            .years(i64::from(self.years))
            .months(i64::from(self.months))
            .days(i64::from(self.days))
    }

    pub fn is_empty(&self) -> bool {
        self.years == 0 && self.months == 0 && self.days == 0
    }
}

/// How an ambiguous or defective text is read.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    pub zh: ReadingText,
    pub en: ReadingText,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingText {
    pub chosen: String,
    pub alternative: String,
    pub reason: String,
}

/// One atomic requirement. At most one kind key is set; none means
/// documentary (met only through an assessment record that covers it).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub clause: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub zh: Option<String>,
    #[serde(default)]
    pub en: Option<String>,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub only_at: Vec<String>,
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    #[serde(default)]
    pub reading: Option<Reading>,
    /// Documentary: met only by an assessment record that names the id in
    /// `met`, not by one that covers a whole part (a judgement, such as a
    /// certification of the same level, that must be made explicitly).
    #[serde(default)]
    pub named_only: bool,
    #[serde(default)]
    pub at_least: Option<Comparison>,
    #[serde(default)]
    pub at_most: Option<Comparison>,
    #[serde(default)]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub holds_certificate: Option<HoldsCertificate>,
    #[serde(default)]
    pub any_of: Option<Vec<Requirement>>,
    /// Every one of these must hold: one score item or requirement whose
    /// text joins several conditions (a computed count and a skill the
    /// assessor checks, two durations and a project count).
    #[serde(default)]
    pub all_of: Option<Vec<Requirement>>,
}

/// What a requirement asks, once its kind key is known.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'a> {
    Documentary,
    AtLeast(&'a Comparison),
    AtMost(&'a Comparison),
    Duration(&'a Duration),
    HoldsCertificate(&'a HoldsCertificate),
    AnyOf(&'a [Requirement]),
    AllOf(&'a [Requirement]),
}

impl Requirement {
    /// Does the requirement apply when grading `category`?
    pub fn applies_to(&self, category: &str) -> bool {
        self.categories
            .as_ref()
            .is_none_or(|c| c.iter().any(|c| c == category))
    }

    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.clause)
    }

    /// The requirement and, depth first, the alternatives and parts nested
    /// in it (`any_of`, `all_of`).
    pub fn with_nested(&self) -> Vec<&Requirement> {
        let mut out = vec![self];
        for child in self.any_of.iter().chain(&self.all_of).flatten() {
            out.extend(child.with_nested());
        }
        out
    }

    /// The requirement's kind; with several kind keys (an error reported by
    /// [`check`]) the first wins.
    pub fn kind(&self) -> Kind<'_> {
        self.kinds().into_iter().next().unwrap_or(Kind::Documentary)
    }

    fn kinds(&self) -> Vec<Kind<'_>> {
        let mut kinds = Vec::new();
        kinds.extend(self.at_least.as_ref().map(Kind::AtLeast));
        kinds.extend(self.at_most.as_ref().map(Kind::AtMost));
        kinds.extend(self.duration.as_ref().map(Kind::Duration));
        kinds.extend(self.holds_certificate.as_ref().map(Kind::HoldsCertificate));
        kinds.extend(self.any_of.as_deref().map(Kind::AnyOf));
        kinds.extend(self.all_of.as_deref().map(Kind::AllOf));
        kinds
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub measure: Measure,
    pub value: Threshold,
    #[serde(default)]
    pub within: Option<Span>,
    /// Projects: every project up to the grading date, however long ago
    /// (the text gives no window); instead of `within`.
    #[serde(default)]
    pub any_time: bool,
    #[serde(default)]
    pub of_type: Option<String>,
    #[serde(default)]
    pub any_type: bool,
    #[serde(default)]
    pub completed_only: bool,
    /// Projects: only those of at least this amount (万元).
    #[serde(default)]
    pub min_amount: Option<Num>,
    /// Projects: only those in use after acceptance (投入实际应用).
    #[serde(default)]
    pub in_use: bool,
    /// Projects: only those with a recorded trial run at least this long.
    #[serde(default)]
    pub trial_run: Option<Span>,
    /// Projects: only those whose team has at least this many people.
    #[serde(default)]
    pub team_at_least: Option<u32>,
    #[serde(default)]
    pub qualification: Option<String>,
    #[serde(default)]
    pub figure: Option<String>,
    /// `people`: the key of the plain count a file without a roster gives.
    #[serde(default)]
    pub count: Option<String>,
    /// `people`: who is counted.
    #[serde(default)]
    pub who: Option<Who>,
    /// `people` with a `who.role`: every person in the role (and scope)
    /// must meet the other conditions, not only `value` of them (a post
    /// such as 项目负责人 whose holders all need the experience).
    /// `projects` with selectors: every completed project of the window
    /// must meet them (组建不少于3人的项目团队, said of each project).
    #[serde(default)]
    pub every: bool,
}

/// The conditions a roster person must meet on the grading date to be
/// counted by a `people` measure; all of them hold.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Who {
    /// `category`: only persons counted for the graded category;
    /// `organisation` (default): every person present.
    #[serde(default)]
    pub scope: Scope,
    /// Security work for at least this long (…年以上从业经验).
    #[serde(default)]
    pub experience: Option<Span>,
    /// Work in one kind of service for at least this long (…年以上X经验).
    #[serde(default)]
    pub experience_in: Option<ExperienceIn>,
    /// Took part in at least this many completed projects of a type.
    #[serde(default)]
    pub took_part: Option<TookPart>,
    /// Holds one of these qualifications (in force on the date).
    #[serde(default)]
    pub qualification: Vec<String>,
    /// Has one of these roles.
    #[serde(default)]
    pub role: Vec<String>,
}

/// Whether a figure or a count of people is one for the organisation or
/// one per service category.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    #[default]
    Organisation,
    Category,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExperienceIn {
    /// A project type or category id.
    #[serde(rename = "type")]
    pub of_type: String,
    pub at_least: Span,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TookPart {
    /// A project type or category id.
    pub of_type: String,
    pub at_least: u32,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    Staff,
    CertifiedStaff,
    QualifiedStaff,
    BachelorShare,
    RegisteredCapital,
    Projects,
    ProjectTotal,
    LargestProject,
    FailedAcceptances,
    /// Σ service fees / Σ amounts of the selected projects (a ratio).
    FeeShare,
    Figure,
    /// Roster persons meeting `who` (or the plain count `count`).
    People,
    /// Vulnerabilities reported to a national database (CNVD, CNNVD), of
    /// the graded category or `of_type`.
    VulnerabilityReports,
}

impl Measure {
    pub fn counts_projects(self) -> bool {
        matches!(
            self,
            Measure::Projects
                | Measure::ProjectTotal
                | Measure::LargestProject
                | Measure::FailedAcceptances
                | Measure::FeeShare
        )
    }

    /// Is it a head count a roster gives (typed in only without one)?
    pub fn counts_staff(self) -> bool {
        matches!(
            self,
            Measure::Staff
                | Measure::CertifiedStaff
                | Measure::QualifiedStaff
                | Measure::BachelorShare
        )
    }

    /// Is the value a ratio, shown as a percentage?
    pub fn is_ratio(self) -> bool {
        matches!(self, Measure::BachelorShare | Measure::FeeShare)
    }

    pub fn name(self) -> &'static str {
        match self {
            Measure::Staff => "staff",
            Measure::CertifiedStaff => "certified-staff",
            Measure::QualifiedStaff => "qualified-staff",
            Measure::BachelorShare => "bachelor-share",
            Measure::RegisteredCapital => "registered-capital",
            Measure::Projects => "projects",
            Measure::ProjectTotal => "project-total",
            Measure::LargestProject => "largest-project",
            Measure::FailedAcceptances => "failed-acceptances",
            Measure::FeeShare => "fee-share",
            Measure::Figure => "figure",
            Measure::People => "people",
            Measure::VulnerabilityReports => "vulnerability-reports",
        }
    }
}

/// A threshold: one number, or one per category with a default.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Threshold {
    Number(Num),
    ByCategory(BTreeMap<String, Num>),
}

impl Threshold {
    /// The threshold for `category`; `None` when a by-category threshold has
    /// neither the category nor a default (an error [`check`] reports).
    pub fn for_category(&self, category: &str) -> Option<&Num> {
        match self {
            Threshold::Number(n) => Some(n),
            Threshold::ByCategory(map) => map.get(category).or_else(|| map.get("default")),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    pub of: Since,
    pub at_least: Span,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Since {
    Service,
    HeadManagement,
    TechnicalLead,
    Founded,
}

/// A certificate the organisation must hold, in force on the grading date.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HoldsCertificate {
    /// At or above this level, in the order of the certificate's own
    /// standard or scheme; absent for a scheme without levels.
    #[serde(default)]
    pub level: Option<String>,
    /// Held at least this long (default: in force on the date).
    #[serde(rename = "for", default)]
    pub held_for: Span,
    /// A standard of this site (default: the graded one).
    #[serde(default)]
    pub standard: Option<String>,
    /// That standard's category (default: the graded category).
    #[serde(default)]
    pub category: Option<String>,
    /// A scheme outside the site (`other_schemes`), instead of `standard`.
    #[serde(default)]
    pub scheme: Option<String>,
}

/// Loads every standard's `rules.yaml` (a standard without one is not
/// graded). `documents` supply the titles.
pub fn load(standards: &[StandardSources], documents: &[&Document]) -> (Schemes, Diagnostics) {
    let (mut schemes, diagnostics) = parse(standards);
    entitle(&mut schemes, documents);
    (schemes, diagnostics)
}

/// Reads every standard's `rules.yaml`, in parallel and without the
/// documents (so beside their parsing); the schemes are untitled until
/// [`entitle`].
pub fn parse(standards: &[StandardSources]) -> (Schemes, Diagnostics) {
    let read: Vec<Result<Scheme, Diagnostic>> = standards
        .par_iter()
        .filter_map(|standard| {
            let source = standard.rules.as_ref()?;
            Some(
                crate::yaml::from_file_text::<Rules>(&source.text, &source.path).map(|rules| {
                    Scheme {
                        slug: standard.slug.clone(),
                        file: source.path.clone(),
                        text: source.text.clone(),
                        rules,
                        title: BTreeMap::new(),
                        short_title: BTreeMap::new(),
                    }
                }),
            )
        })
        .collect();
    let mut diagnostics = Diagnostics::new();
    let mut schemes = Vec::new();
    for scheme in read {
        match scheme {
            Ok(scheme) => schemes.push(scheme),
            Err(d) => diagnostics.push(d),
        }
    }
    schemes.sort_by(|a, b| a.slug.cmp(&b.slug));
    (
        Schemes {
            schemes,
            ..Default::default()
        },
        diagnostics,
    )
}

/// Gives each scheme the titles of its standard's documents, by language.
pub fn entitle(schemes: &mut Schemes, documents: &[&Document]) {
    for scheme in &mut schemes.schemes {
        let of_standard = || documents.iter().filter(|d| d.slug == scheme.slug);
        scheme.title = of_standard()
            .map(|d| (d.lang.clone(), d.front.title.clone()))
            .collect();
        scheme.short_title = of_standard()
            .filter_map(|d| Some((d.lang.clone(), d.front.short_title.clone()?)))
            .collect();
    }
}

/// Reads rules from text, for tests of the engine.
pub fn from_text(slug: &str, text: &str) -> Result<Scheme, Diagnostic> {
    let file = Path::new("content").join(slug).join(RULES_FILE);
    let rules = crate::yaml::from_file_text::<Rules>(text, &file)?;
    Ok(Scheme {
        slug: slug.to_string(),
        file,
        text: text.to_string(),
        rules,
        title: BTreeMap::new(),
        short_title: BTreeMap::new(),
    })
}
