//! `dengji diff`: how one analysed state of the site differs from another,
//! as reviewers of a change need it.
//!
//! [`compare`] is a pure function of two analysed states ([`Side`]): the
//! site at a git revision and the working tree graded on the same date
//! (`--against REV`), or the working tree graded on two dates
//! (`--against-date`). It reports organisations added, removed and
//! renamed; computed levels that move and the requirements that flipped;
//! certificate status changes; registered-level findings that appear or
//! disappear; new and fixed errors and warnings; rules changes with every
//! organisation they move on their own; and the clauses whose text changed.
//! `git.rs` reads a revision, `run.rs` wires the command, `format.rs`
//! writes text, markdown, JSON and CI annotations.

pub mod format;
pub mod git;
pub mod run;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;

use crate::diag::{Diagnostics, Severity};
use crate::grade::report::{Reporter, RequirementReport, span_text};
use crate::grade::{Agreement, Check, GradeResult, Grades, State, Status};
use crate::model::Document;
use crate::registry::{Organisation, Registry};
use crate::rules::{Scheme, Schemes};

/// Version of the JSON document; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One analysed state of the site: what [`compare`] reads.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub registry: &'a Registry,
    pub schemes: &'a Schemes,
    pub grades: &'a Grades,
    /// Every diagnostic, paths relative to the site root.
    pub diagnostics: &'a Diagnostics,
    /// The normative documents and their translations.
    pub documents: &'a [Document],
    pub translations: &'a [Document],
    /// The registry folder, relative to the site root (`registry`).
    pub registry_dir: &'a Path,
    /// Where the site is published (`base_url`), for clause links.
    pub base_url: &'a str,
}

impl<'a> Side<'a> {
    pub fn of(analysis: &'a crate::Analysis) -> Self {
        Side {
            registry: &analysis.registry,
            schemes: &analysis.schemes,
            grades: &analysis.grades,
            diagnostics: &analysis.diagnostics,
            documents: &analysis.documents,
            translations: &analysis.translations,
            registry_dir: &analysis.sources.config.registry_dir,
            base_url: &analysis.sources.config.base_url,
        }
    }
}

/// Which state a side of the comparison is.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SideInfo {
    /// `HEAD`, `origin/main...`, `working tree`.
    pub label: String,
    /// The commit a revision resolved to; `null` for the working tree.
    pub commit: Option<String>,
    /// The grading date (`YYYY-MM-DD`).
    pub as_of: String,
    /// Errors that kept this side from loading at all (a broken
    /// `site.yaml`, a missing theme): the comparison then only lists the
    /// other side's errors and warnings.
    pub load_errors: Vec<DiagnosticEntry>,
}

/// The whole comparison: `old` is the revision (or the first date), `new`
/// the working tree (or the second date).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Diff {
    pub schema_version: u32,
    pub old: SideInfo,
    pub new: SideInfo,
    pub summary: Summary,
    pub organisations: Vec<OrganisationChange>,
    pub levels: Vec<LevelChange>,
    pub certificates: Vec<CertificateChange>,
    pub findings: Vec<FindingChange>,
    pub diagnostics: Vec<DiagnosticChange>,
    pub rules: Vec<RulesChange>,
    pub text: Vec<TextChange>,
}

/// Counts of each kind of change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub renamed: usize,
    pub upgrades: usize,
    pub downgrades: usize,
    pub certificate_changes: usize,
    pub findings_appeared: usize,
    pub findings_resolved: usize,
    pub new_errors: usize,
    pub fixed_errors: usize,
    pub new_warnings: usize,
    pub fixed_warnings: usize,
    /// Standards whose grading rules changed.
    pub rules_changed: usize,
    /// Grades those rules changes move on their own.
    pub moved_by_rules: usize,
    /// Clauses whose text changed, were added or removed.
    pub clauses_changed: usize,
}

/// An organisation as the entries name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct Org {
    /// Permanent id: the registry file's name without `.yaml`.
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// The registry file, relative to the site root.
    pub file: String,
}

/// A level as the standard writes it, with its English name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Level {
    /// As the standard writes it (`三级`).
    pub id: String,
    pub en: String,
    /// 0 for the lowest level of the standard.
    pub index: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrganisationChangeKind {
    Added,
    Removed,
    /// Same id (file), another name.
    Renamed,
    /// Another file (id) for the same unified social credit code: the old
    /// id is gone and the new one appears, so links to the old page break.
    Moved,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrganisationChange {
    pub change: OrganisationChangeKind,
    pub organisation: Org,
    /// For `renamed` and `moved`: the organisation as it was.
    pub old: Option<Org>,
    /// The organisation's grades on the side where it exists (the new
    /// side for renamed and moved ones).
    pub grades: Vec<GradeRef>,
}

/// A computed grade: standard, category, level.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GradeRef {
    pub standard: String,
    pub category: String,
    /// `null` when not even the lowest level is met.
    pub level: Option<Level>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Up,
    Down,
}

/// What a change of level comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// The organisation's registry file changed.
    RegistryFile,
    /// The standard's grading rules changed (the move happens with the old
    /// registry under the new rules too).
    Rules,
    /// The grading date moved (`--against-date`).
    Date,
    /// None of those: something another file says (a certificate of
    /// another organisation, the standard's text).
    Other,
}

/// A computed level that moves.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct LevelChange {
    pub organisation: Org,
    pub standard: String,
    pub category: String,
    /// `null`: no level met, or the category not graded on that side.
    pub old: Option<Level>,
    pub new: Option<Level>,
    pub direction: Direction,
    pub because: Vec<Cause>,
    /// The line of the organisation file to point at: the certificate of
    /// this standard and category, else 1.
    pub line: usize,
    /// The requirements whose outcome differs, up to the higher of the
    /// two levels (each once, at the level that states it).
    pub flipped: Vec<Flip>,
}

/// A requirement of the rules, where it sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RequirementRef {
    pub part: String,
    pub id: String,
    pub clause: String,
    /// The clause's page on the published site.
    pub clause_url: Option<String>,
    /// The level whose block states it (`null` for a scored group).
    pub level: Option<String>,
    pub summary_en: Option<String>,
    pub summary_zh: Option<String>,
}

/// How a requirement stood on one side. Private values are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Observation {
    pub state: State,
    /// The observed value as text (`12`, `since 2023-11-21`, `private`,
    /// `none`); `null` where there is no single value.
    pub value: Option<String>,
    /// What it is compared with (`≥ 10`, `≥ 3 years`).
    pub threshold: Option<String>,
}

/// A requirement whose outcome differs between the two sides.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Flip {
    pub requirement: RequirementRef,
    /// `null`: the requirement does not exist on that side (rules change).
    pub old: Option<Observation>,
    pub new: Option<Observation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateChangeKind {
    /// New in the registry (or issued between the two dates).
    Issued,
    /// No longer in the registry file.
    Withdrawn,
    Renewed,
    Suspended,
    Reinstated,
    Revoked,
    Expired,
    ExpiringSoon,
    ConfirmationDue,
    ConfirmationOverdue,
    /// An annual confirmation that was due or overdue is recorded.
    Confirmed,
    /// A warning or rectification order.
    Sanctioned,
    /// The registered level in the file changed.
    LevelChanged,
    /// Any other change of status.
    StatusChanged,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CertificateChange {
    pub organisation: Org,
    pub number: String,
    pub standard: String,
    pub category: String,
    /// The registered level (on the new side when it exists).
    pub level: String,
    pub change: CertificateChangeKind,
    pub old_status: Option<Status>,
    pub new_status: Option<Status>,
    /// The day the change happened: the event's or the status's date.
    pub date: Option<String>,
    pub old_valid_until: Option<String>,
    pub new_valid_until: Option<String>,
    /// The registry's note on the event, if any.
    pub note: Option<String>,
    /// The line of the certificate's level in the organisation file.
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The registered level is higher than the evidence supports.
    Unsupported,
    /// The evidence supports a higher level than registered.
    Exceeded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Appearance {
    Appeared,
    Resolved,
}

/// A registered-level finding that appears or disappears.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingChange {
    pub organisation: Org,
    pub number: String,
    pub standard: String,
    pub category: String,
    pub kind: FindingKind,
    pub change: Appearance,
    pub registered: Level,
    /// The level the evidence supports on the side where the finding is.
    pub supported: Option<Level>,
    /// For `unsupported`: the requirements of the registered level (and
    /// those below it) not met on the side where the finding is.
    pub unmet: Vec<Unmet>,
    /// The line of the certificate's level in the organisation file.
    pub line: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Unmet {
    pub requirement: RequirementRef,
    pub observed: Observation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticChangeKind {
    New,
    Fixed,
}

/// A diagnostic as the JSON reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct DiagnosticEntry {
    /// `error` or `warning`.
    pub severity: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    pub code: Option<String>,
}

/// An error or warning found on one side only (compared by severity, file
/// and message, not by line, so that a shifted line is not a new problem).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DiagnosticChange {
    /// `new`: only on the new side; `fixed`: only on the old side (its
    /// location is the old side's).
    pub change: DiagnosticChangeKind,
    pub diagnostic: DiagnosticEntry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TextChangeKind {
    Added,
    Removed,
    Changed,
}

/// A standard whose grading rules changed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RulesChange {
    pub standard: String,
    /// The rules file, relative to the site root.
    pub file: String,
    /// Requirements added, removed or changed.
    pub requirements: Vec<RequirementDefChange>,
    /// Something besides requirements changed (levels, categories,
    /// certificate lifecycle, combination of parts).
    pub other_rules_changed: bool,
    /// Every grade the new rules move on their own: the old registry graded
    /// under the old and the new rules, on the new side's date.
    pub impact: Vec<LevelChange>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RequirementDefChange {
    pub change: TextChangeKind,
    pub requirement: RequirementRef,
}

/// A clause whose own text changed (its heading, paragraphs, notes, lists
/// and tables, not its sub-clauses).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TextChange {
    pub standard: String,
    /// The language of the text (the normative one or a translation).
    pub lang: String,
    pub clause: String,
    pub clause_url: Option<String>,
    pub change: TextChangeKind,
}

/// The kinds `--fail-on` accepts.
pub const FAIL_KINDS: &[&str] = &[
    "downgrade",
    "upgrade",
    "added",
    "removed",
    "renamed",
    "certificate",
    "finding",
    "error",
    "warning",
    "rules",
    "text",
    "any",
];

impl Diff {
    /// Does the diff hold a change of `kind` (one of [`FAIL_KINDS`])?
    pub fn has(&self, kind: &str) -> bool {
        let s = &self.summary;
        match kind {
            "downgrade" => s.downgrades > 0,
            "upgrade" => s.upgrades > 0,
            "added" => s.added > 0,
            "removed" => s.removed > 0,
            "renamed" => s.renamed > 0,
            "certificate" => s.certificate_changes > 0,
            "finding" => s.findings_appeared > 0,
            "error" => s.new_errors > 0,
            "warning" => s.new_warnings > 0,
            "rules" => s.moved_by_rules > 0,
            "text" => s.clauses_changed > 0,
            "any" => *s != Summary::default(),
            _ => false,
        }
    }

    /// Nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.summary == Summary::default()
    }
}

/// Clause addresses on the published site.
struct Links {
    base: String,
    pages: BTreeMap<String, BTreeMap<String, String>>,
}

impl Links {
    fn new(base_url: &str, documents: &[&[Document]]) -> Links {
        let mut pages: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        // Earlier documents win: the new side's first.
        for docs in documents {
            for (slug, map) in crate::render::registry::pages(docs) {
                pages.entry(slug.to_string()).or_insert(map);
            }
        }
        Links {
            base: base_url.to_string(),
            pages,
        }
    }

    /// The clause's URL, as the organisation pages link it.
    fn url(&self, slug: &str, anchor: &str) -> Option<String> {
        let pages = self.pages.get(slug)?;
        let doc_url = format!("{}standards/{slug}/", self.base);
        Some(crate::render::anchor_url(&doc_url, pages, anchor))
    }
}

/// Compares two analysed states. `old_info` and `new_info` say which
/// states they are; `date_moved` marks a comparison of two dates.
pub fn compare(old: &Side, new: &Side, old_info: SideInfo, new_info: SideInfo) -> Diff {
    let links = Links::new(new.base_url, &[new.documents, old.documents]);
    let cx = Cx {
        old,
        new,
        links: &links,
        old_reporter: Reporter::new(old.schemes, old.grades),
        new_reporter: Reporter::new(new.schemes, new.grades),
        date_moved: old.grades.as_of != new.grades.as_of,
    };
    let organisations = cx.organisations();
    let rules = cx.rules();
    let moved: BTreeSet<(String, String, String)> = rules
        .iter()
        .flat_map(|r| &r.impact)
        .map(|l| {
            (
                l.organisation.id.clone(),
                l.standard.clone(),
                l.category.clone(),
            )
        })
        .collect();
    let levels = cx.levels(&moved);
    let certificates = cx.certificates();
    let findings = cx.findings();
    let diagnostics = diagnostic_changes(old.diagnostics, new.diagnostics);
    let text = cx.text();
    let mut summary = Summary::default();
    for o in &organisations {
        match o.change {
            OrganisationChangeKind::Added => summary.added += 1,
            OrganisationChangeKind::Removed => summary.removed += 1,
            OrganisationChangeKind::Renamed | OrganisationChangeKind::Moved => summary.renamed += 1,
        }
    }
    summary.upgrades = levels
        .iter()
        .filter(|l| l.direction == Direction::Up)
        .count();
    summary.downgrades = levels.len() - summary.upgrades;
    summary.certificate_changes = certificates.len();
    summary.findings_appeared = findings
        .iter()
        .filter(|f| f.change == Appearance::Appeared)
        .count();
    summary.findings_resolved = findings.len() - summary.findings_appeared;
    for d in &diagnostics {
        let error = d.diagnostic.severity == "error";
        match (d.change, error) {
            (DiagnosticChangeKind::New, true) => summary.new_errors += 1,
            (DiagnosticChangeKind::New, false) => summary.new_warnings += 1,
            (DiagnosticChangeKind::Fixed, true) => summary.fixed_errors += 1,
            (DiagnosticChangeKind::Fixed, false) => summary.fixed_warnings += 1,
        }
    }
    summary.rules_changed = rules.len();
    summary.moved_by_rules = moved.len();
    summary.clauses_changed = text.len();
    Diff {
        schema_version: SCHEMA_VERSION,
        old: old_info,
        new: new_info,
        summary,
        organisations,
        levels,
        certificates,
        findings,
        diagnostics,
        rules,
        text,
    }
}

/// The diff when the old side could not be loaded at all: its load errors,
/// and the new side's errors and warnings.
pub fn unloadable(old_info: SideInfo, new: &Side, new_info: SideInfo) -> Diff {
    let diagnostics = diagnostic_changes(&Diagnostics::new(), new.diagnostics);
    let mut summary = Summary::default();
    for d in &diagnostics {
        if d.diagnostic.severity == "error" {
            summary.new_errors += 1;
        } else {
            summary.new_warnings += 1;
        }
    }
    Diff {
        schema_version: SCHEMA_VERSION,
        old: old_info,
        new: new_info,
        summary,
        organisations: Vec::new(),
        levels: Vec::new(),
        certificates: Vec::new(),
        findings: Vec::new(),
        diagnostics,
        rules: Vec::new(),
        text: Vec::new(),
    }
}

struct Cx<'a> {
    old: &'a Side<'a>,
    new: &'a Side<'a>,
    links: &'a Links,
    old_reporter: Reporter<'a>,
    new_reporter: Reporter<'a>,
    date_moved: bool,
}

fn org_ref(org: &Organisation, registry_dir: &Path) -> Org {
    let file = org
        .file
        .file_name()
        .map(|n| registry_dir.join(n).to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    Org {
        id: org.id.clone(),
        name_zh: org.data.names.zh.clone(),
        name_en: org.data.names.en.clone(),
        file,
    }
}

/// The line of the level of the first certificate `pick` accepts, else 1.
fn cert_line(org: &Organisation, pick: impl Fn(&crate::registry::Certificate) -> bool) -> usize {
    match org.data.certificates.iter().position(pick) {
        Some(i) => {
            org.location(&["certificates".into(), i.into(), "level".into()])
                .line
        }
        None => 1,
    }
}

fn level(scheme: Option<&Scheme>, index: Option<usize>) -> Option<Level> {
    let index = index?;
    let def = scheme?.rules.levels.get(index)?;
    Some(Level {
        id: def.id.clone(),
        en: def.en.clone(),
        index,
    })
}

/// The index of organisation `id` (the registry is sorted by id).
fn index_of(registry: &Registry, id: &str) -> Option<usize> {
    registry
        .organisations
        .binary_search_by(|x| x.id.as_str().cmp(id))
        .ok()
}

fn by_id<'r>(registry: &'r Registry, id: &str) -> Option<&'r Organisation> {
    index_of(registry, id).and_then(|i| registry.organisations.get(i))
}

/// Ids of registry files that exist on a side but did not parse (an error
/// in them): such an organisation is neither added nor removed.
fn unreadable(side: &Side) -> BTreeSet<String> {
    side.diagnostics
        .iter()
        .filter(|d| d.is_error() && d.location.file.parent() == Some(side.registry_dir))
        .filter_map(|d| {
            let path = &d.location.file;
            if path.extension().is_some_and(|e| e == "yaml") {
                path.file_stem().map(|s| s.to_string_lossy().into_owned())
            } else {
                None
            }
        })
        .filter(|id| by_id(side.registry, id).is_none())
        .collect()
}

/// Every organisation's grades of a side: a diff's analyses keep them
/// (`crate::Reuse::keep_grades`), since it compares them requirement by
/// requirement.
fn kept(grades: &Grades) -> &[std::sync::Arc<crate::grade::OrganisationGrades>] {
    debug_assert!(
        grades.all().is_some(),
        "a diff's analyses keep their grades"
    );
    grades.all().unwrap_or_default()
}

impl<'a> Cx<'a> {
    fn grades_of(side: &Side, org: &Organisation) -> Vec<GradeRef> {
        side.grades
            .get(side.registry, &org.id, side.schemes)
            .map(|og| {
                og.results
                    .iter()
                    .map(|r| GradeRef {
                        standard: r.standard.clone(),
                        category: r.category.clone(),
                        level: level(crate::grade::scheme_of(side.schemes, r), r.level),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn organisations(&self) -> Vec<OrganisationChange> {
        let (old, new) = (self.old, self.new);
        let skip_old = unreadable(old);
        let skip_new = unreadable(new);
        let mut out = Vec::new();
        let mut added: Vec<&Organisation> = Vec::new();
        let mut removed: Vec<&Organisation> = Vec::new();
        for o in &new.registry.organisations {
            match by_id(old.registry, &o.id) {
                None if !skip_old.contains(&o.id) => added.push(o),
                None => {}
                Some(before)
                    if before.data.names.zh != o.data.names.zh
                        || before.data.names.en != o.data.names.en =>
                {
                    out.push(OrganisationChange {
                        change: OrganisationChangeKind::Renamed,
                        organisation: org_ref(o, new.registry_dir),
                        old: Some(org_ref(before, old.registry_dir)),
                        grades: Self::grades_of(new, o),
                    });
                }
                Some(_) => {}
            }
        }
        for o in &old.registry.organisations {
            if by_id(new.registry, &o.id).is_none() && !skip_new.contains(&o.id) {
                removed.push(o);
            }
        }
        // A file renamed: the same credit code under a new id.
        let mut moved_from: BTreeMap<&str, &Organisation> = removed
            .iter()
            .map(|o| (o.data.credit_code.0.as_str(), *o))
            .collect();
        let mut still_added = Vec::new();
        for o in added {
            match moved_from.remove(o.data.credit_code.0.as_str()) {
                Some(before) => out.push(OrganisationChange {
                    change: OrganisationChangeKind::Moved,
                    organisation: org_ref(o, new.registry_dir),
                    old: Some(org_ref(before, old.registry_dir)),
                    grades: Self::grades_of(new, o),
                }),
                None => still_added.push(o),
            }
        }
        for o in still_added {
            out.push(OrganisationChange {
                change: OrganisationChangeKind::Added,
                organisation: org_ref(o, new.registry_dir),
                old: None,
                grades: Self::grades_of(new, o),
            });
        }
        for o in removed {
            if moved_from.contains_key(o.data.credit_code.0.as_str()) {
                out.push(OrganisationChange {
                    change: OrganisationChangeKind::Removed,
                    organisation: org_ref(o, old.registry_dir),
                    old: None,
                    grades: Self::grades_of(old, o),
                });
            }
        }
        out.sort_by(|a, b| (a.change, &a.organisation).cmp(&(b.change, &b.organisation)));
        out
    }

    /// Organisations on both sides (by id), with their grades.
    fn pairs(&self) -> Vec<Pair<'a>> {
        let mut out = Vec::new();
        for (o, og) in self
            .new
            .registry
            .organisations
            .iter()
            .zip(kept(self.new.grades))
        {
            let Some(i) = index_of(self.old.registry, &o.id) else {
                continue;
            };
            let (Some(before), Some(old_grades)) = (
                self.old.registry.organisations.get(i),
                kept(self.old.grades).get(i),
            ) else {
                continue;
            };
            out.push(Pair {
                old: before,
                new: o,
                old_grades,
                new_grades: og,
            });
        }
        out
    }

    fn levels(&self, moved_by_rules: &BTreeSet<(String, String, String)>) -> Vec<LevelChange> {
        let mut out = Vec::new();
        for pair in self.pairs() {
            let file_changed = pair.old.text != pair.new.text;
            let keys: BTreeSet<(&str, &str)> = pair
                .old_grades
                .results
                .iter()
                .chain(&pair.new_grades.results)
                .map(|r| (r.standard.as_str(), r.category.as_str()))
                .collect();
            for (standard, category) in keys {
                let find = |rs: &'a [GradeResult]| {
                    rs.iter()
                        .find(|r| r.standard == standard && r.category == category)
                };
                let before = find(&pair.old_grades.results);
                let after = find(&pair.new_grades.results);
                let (l0, l1) = (before.and_then(|r| r.level), after.and_then(|r| r.level));
                if l0 == l1 {
                    continue;
                }
                let mut because = Vec::new();
                if file_changed {
                    because.push(Cause::RegistryFile);
                }
                if moved_by_rules.contains(&(
                    pair.new.id.clone(),
                    standard.to_string(),
                    category.to_string(),
                )) {
                    because.push(Cause::Rules);
                }
                if self.date_moved {
                    because.push(Cause::Date);
                }
                if because.is_empty() {
                    because.push(Cause::Other);
                }
                out.push(self.level_change(
                    (pair.old, before, &self.old_reporter, self.old.schemes),
                    (pair.new, after, &self.new_reporter, self.new.schemes),
                    standard,
                    category,
                    because,
                ));
            }
        }
        out
    }

    fn level_change(
        &self,
        old: GradedSide,
        new: GradedSide,
        standard: &str,
        category: &str,
        because: Vec<Cause>,
    ) -> LevelChange {
        let (l0, l1) = (old.1.and_then(|r| r.level), new.1.and_then(|r| r.level));
        let up = match (l0, l1) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => b > a,
        };
        LevelChange {
            organisation: org_ref(new.0, self.new.registry_dir),
            standard: standard.to_string(),
            category: category.to_string(),
            old: level(old.3.get(standard), l0),
            new: level(new.3.get(standard), l1),
            direction: if up { Direction::Up } else { Direction::Down },
            because,
            line: cert_line(new.0, |c| c.standard == standard && c.category == category),
            flipped: self.flips(old, new, standard, l0.max(l1).unwrap_or(0)),
        }
    }

    /// The requirements whose outcome differs, at levels up to `highest`.
    fn flips(&self, old: GradedSide, new: GradedSide, standard: &str, highest: usize) -> Vec<Flip> {
        let mut out = Vec::new();
        let scheme = new.3.get(standard).or_else(|| old.3.get(standard));
        let part_ids: Vec<&str> = {
            let mut ids: Vec<&str> = Vec::new();
            for r in [new.1, old.1].into_iter().flatten() {
                for p in &r.parts {
                    if !ids.contains(&p.id.as_str()) {
                        ids.push(&p.id);
                    }
                }
            }
            ids
        };
        for part in part_ids {
            let (p0, p1) = (part_of(old.1, part), part_of(new.1, part));
            // Checks by (level or group, id), each once where stated.
            let mut keyed: BTreeMap<CheckKey, [Option<&Check>; 2]> = BTreeMap::new();
            for (side, p) in [p0, p1].into_iter().enumerate() {
                let Some(p) = p else { continue };
                for lr in p.levels.iter().filter(|l| l.level <= highest) {
                    for c in lr.checks.iter().filter(|c| c.inherited_from.is_none()) {
                        keyed
                            .entry((Some(lr.level), String::new(), c.id.clone()))
                            .or_default()[side] = Some(c);
                    }
                }
                if let Some(score) = &p.score {
                    for g in &score.groups {
                        for c in &g.checks {
                            keyed.entry((None, g.id.clone(), c.id.clone())).or_default()[side] =
                                Some(c);
                        }
                    }
                }
            }
            for ((lvl, _group, _id), [c0, c1]) in keyed {
                let differs = match (c0, c1) {
                    (Some(a), Some(b)) => a.met != b.met,
                    (Some(c), None) | (None, Some(c)) => !c.met,
                    (None, None) => false,
                };
                if !differs {
                    continue;
                }
                let Some(any) = c1.or(c0) else { continue };
                let r0 = c0.and_then(|c| old.2.requirement(old.0, old.1?, part, c));
                let r1 = c1.and_then(|c| new.2.requirement(new.0, new.1?, part, c));
                out.push(Flip {
                    requirement: self.requirement_ref(
                        standard,
                        part,
                        any,
                        lvl.and_then(|l| level(scheme, Some(l))).map(|l| l.id),
                        r1.as_ref().or(r0.as_ref()),
                    ),
                    old: r0.as_ref().map(observation),
                    new: r1.as_ref().map(observation),
                });
            }
            // A score that passes on one side only.
            let s0 = p0.and_then(|p| p.score.as_ref());
            let s1 = p1.and_then(|p| p.score.as_ref());
            if s0.map(|s| s.passed) != s1.map(|s| s.passed) {
                let clause = scheme
                    .and_then(|s| s.rules.parts.iter().find(|p| p.id == part))
                    .and_then(|p| p.score.as_ref())
                    .map(|s| s.clause.clone())
                    .unwrap_or_default();
                let obs = |s: &crate::grade::ScoreResult| Observation {
                    state: if s.passed {
                        State::MetByEvidence
                    } else {
                        State::NotMet
                    },
                    value: Some(format!(
                        "{}{}",
                        s.score.to_decimal(),
                        if s.mandatory_met {
                            ""
                        } else {
                            " (a mandatory item unmet)"
                        }
                    )),
                    threshold: Some(format!("≥ {}", s.pass_mark.to_decimal())),
                };
                out.push(Flip {
                    requirement: RequirementRef {
                        part: part.to_string(),
                        id: "score".into(),
                        clause_url: self.links.url(standard, &clause),
                        clause,
                        level: None,
                        summary_en: Some("weighted score with every mandatory item".into()),
                        summary_zh: Some("加权得分且必要项全部满足".into()),
                    },
                    old: s0.map(obs),
                    new: s1.map(obs),
                });
            }
        }
        out
    }

    fn requirement_ref(
        &self,
        standard: &str,
        part: &str,
        check: &Check,
        level: Option<String>,
        report: Option<&RequirementReport>,
    ) -> RequirementRef {
        RequirementRef {
            part: part.to_string(),
            id: check.id.clone(),
            clause: check.clause.clone(),
            clause_url: self.links.url(standard, &check.clause),
            level,
            summary_en: report.and_then(|r| r.summary_en.clone()),
            summary_zh: report.and_then(|r| r.summary_zh.clone()),
        }
    }

    fn certificates(&self) -> Vec<CertificateChange> {
        let mut out = Vec::new();
        for pair in self.pairs() {
            let org = org_ref(pair.new, self.new.registry_dir);
            let certs = |o: &'a Organisation, og: &'a crate::grade::OrganisationGrades| {
                o.data
                    .certificates
                    .iter()
                    .zip(&og.certificates)
                    .map(|(c, s)| (c.number.as_str(), (c, s.as_ref())))
                    .collect::<BTreeMap<_, _>>()
            };
            let before = certs(pair.old, pair.old_grades);
            let after = certs(pair.new, pair.new_grades);
            let numbers: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
            for number in numbers {
                let b = before.get(number);
                let a = after.get(number);
                let (cert, _) = match a.or(b) {
                    Some(x) => *x,
                    None => continue,
                };
                let s0 = b.and_then(|(_, s)| *s);
                let s1 = a.and_then(|(_, s)| *s);
                let mut push = |change: CertificateChangeKind,
                                date: Option<jiff::civil::Date>,
                                note: Option<String>| {
                    out.push(CertificateChange {
                        organisation: org.clone(),
                        number: number.to_string(),
                        standard: cert.standard.clone(),
                        category: cert.category.clone(),
                        level: cert.level.clone(),
                        change,
                        old_status: s0.map(|s| s.status),
                        new_status: s1.map(|s| s.status),
                        date: date.map(|d| d.to_string()),
                        old_valid_until: s0.map(|s| s.valid_until.to_string()),
                        new_valid_until: s1.map(|s| s.valid_until.to_string()),
                        note,
                        line: cert_line(if a.is_some() { pair.new } else { pair.old }, |c| {
                            c.number == number
                        }),
                    });
                };
                match (b, a) {
                    (None, Some(_)) => {
                        push(CertificateChangeKind::Issued, s1.map(|s| s.issued), None);
                        continue;
                    }
                    (Some(_), None) => {
                        push(CertificateChangeKind::Withdrawn, None, None);
                        continue;
                    }
                    _ => {}
                }
                let (Some((c0, _)), Some((c1, _))) = (b, a) else {
                    continue;
                };
                if c0.level != c1.level {
                    push(CertificateChangeKind::LevelChanged, None, None);
                }
                let (Some(s0), Some(s1)) = (s0, s1) else {
                    continue;
                };
                // The newest event up to the new side's date, for its note.
                let event = |kinds: &[crate::registry::EventKind]| {
                    c1.events
                        .iter()
                        .rev()
                        .filter(|e| e.date.0 <= self.new.grades.as_of)
                        .find(|e| kinds.contains(&e.kind))
                        .and_then(|e| e.note_en.clone().or_else(|| e.note.clone()))
                };
                use crate::registry::EventKind as E;
                if s0.status != s1.status {
                    let kind = status_change(s0.status, s1.status, s0.valid_until, s1.valid_until);
                    let note = match kind {
                        CertificateChangeKind::Suspended => event(&[E::Suspended]),
                        CertificateChangeKind::Reinstated => event(&[E::Reinstated]),
                        CertificateChangeKind::Revoked => event(&[E::Revoked]),
                        CertificateChangeKind::Renewed => event(&[E::Renewed]),
                        CertificateChangeKind::Expired => event(&[E::Expired]),
                        CertificateChangeKind::Confirmed => event(&[E::AnnualConfirmation]),
                        _ => None,
                    };
                    push(kind, s1.status_date.or(Some(s1.issued)), note);
                } else if s1.valid_until > s0.valid_until {
                    push(CertificateChangeKind::Renewed, None, event(&[E::Renewed]));
                }
                if s1.sanctions.len() > s0.sanctions.len() {
                    let latest = s1.sanctions.last();
                    push(
                        CertificateChangeKind::Sanctioned,
                        latest.map(|s| s.date),
                        latest.and_then(|s| s.note_en.clone().or_else(|| s.note.clone())),
                    );
                }
            }
        }
        out
    }

    fn findings(&self) -> Vec<FindingChange> {
        let mut out = Vec::new();
        for pair in self.pairs() {
            // (certificate number) → (kind, result, registered index) per side.
            let found = |o: &'a Organisation, og: &'a crate::grade::OrganisationGrades| {
                let mut map = BTreeMap::new();
                for r in &og.results {
                    for reg in &r.registered {
                        let kind = match reg.agreement {
                            Agreement::Consistent => continue,
                            Agreement::Unsupported => FindingKind::Unsupported,
                            Agreement::Exceeded => FindingKind::Exceeded,
                        };
                        if let Some(c) = o.data.certificates.get(reg.certificate) {
                            map.insert(c.number.as_str(), (kind, r, reg.level));
                        }
                    }
                }
                map
            };
            let before = found(pair.old, pair.old_grades);
            let after = found(pair.new, pair.new_grades);
            let sides = [
                (
                    &before,
                    &after,
                    Appearance::Resolved,
                    pair.old,
                    &self.old_reporter,
                    self.old,
                ),
                (
                    &after,
                    &before,
                    Appearance::Appeared,
                    pair.new,
                    &self.new_reporter,
                    self.new,
                ),
            ];
            for (here, there, change, org, reporter, side) in sides {
                for (number, (kind, result, registered)) in here {
                    if there.get(number).is_some_and(|(k, _, _)| k == kind) {
                        continue;
                    }
                    let scheme = crate::grade::scheme_of(side.schemes, result);
                    let Some(registered) = level(scheme, Some(*registered)) else {
                        continue;
                    };
                    let unmet = if *kind == FindingKind::Unsupported {
                        self.unmet(org, result, reporter, scheme, registered.index)
                    } else {
                        Vec::new()
                    };
                    out.push(FindingChange {
                        organisation: org_ref(org, side.registry_dir),
                        number: number.to_string(),
                        standard: result.standard.clone(),
                        category: result.category.clone(),
                        kind: *kind,
                        change,
                        registered,
                        supported: level(scheme, result.level),
                        unmet,
                        line: cert_line(org, |c| c.number == *number),
                    });
                }
            }
        }
        out
    }

    /// The requirements not met at levels up to `up_to`, each once.
    fn unmet(
        &self,
        org: &Organisation,
        result: &GradeResult,
        reporter: &Reporter,
        scheme: Option<&Scheme>,
        up_to: usize,
    ) -> Vec<Unmet> {
        let mut out = Vec::new();
        for p in &result.parts {
            for lr in p.levels.iter().filter(|l| l.level <= up_to) {
                for c in lr
                    .checks
                    .iter()
                    .filter(|c| !c.met && c.inherited_from.is_none())
                {
                    let report = reporter.requirement(org, result, &p.id, c);
                    let Some(observed) = report.as_ref().map(observation) else {
                        continue;
                    };
                    out.push(Unmet {
                        requirement: self.requirement_ref(
                            &result.standard,
                            &p.id,
                            c,
                            level(scheme, Some(lr.level)).map(|l| l.id),
                            report.as_ref(),
                        ),
                        observed,
                    });
                }
            }
        }
        out
    }

    /// Standards whose rules changed, with what changed and whom it moves.
    fn rules(&self) -> Vec<RulesChange> {
        let slugs: BTreeSet<&str> = self
            .old
            .schemes
            .schemes
            .iter()
            .chain(&self.new.schemes.schemes)
            .map(|s| s.slug.as_str())
            .collect();
        let changed: Vec<&str> = slugs
            .into_iter()
            .filter(|slug| {
                let text = |s: &Schemes| s.get(slug).map(|x| x.text.clone());
                text(self.old.schemes) != text(self.new.schemes)
            })
            .collect();
        if changed.is_empty() {
            return Vec::new();
        }
        // The old registry under the new rules, on the new side's date, so
        // that what moves is the rules' doing alone.
        let date = self.new.grades.as_of;
        let before = if self.old.grades.as_of == date {
            None
        } else {
            Some(crate::grade::grade(
                self.old.registry,
                self.old.schemes,
                date,
            ))
        };
        let before = before.as_ref().unwrap_or(self.old.grades);
        let after = crate::grade::grade(self.old.registry, self.new.schemes, date);
        let before_reporter = Reporter::new(self.old.schemes, before);
        let after_reporter = Reporter::new(self.new.schemes, &after);
        let mut out = Vec::new();
        for slug in changed {
            let s0 = self.old.schemes.get(slug);
            let s1 = self.new.schemes.get(slug);
            let mut impact = Vec::new();
            for ((org, g0), g1) in self
                .old
                .registry
                .organisations
                .iter()
                .zip(kept(before))
                .zip(kept(&after))
            {
                let categories: BTreeSet<&str> = g0
                    .results
                    .iter()
                    .chain(&g1.results)
                    .filter(|r| r.standard == slug)
                    .map(|r| r.category.as_str())
                    .collect();
                for category in categories {
                    let (r0, r1) = (result_of(g0, slug, category), result_of(g1, slug, category));
                    if r0.and_then(|r| r.level) == r1.and_then(|r| r.level) {
                        continue;
                    }
                    impact.push(self.level_change(
                        (org, r0, &before_reporter, self.old.schemes),
                        (org, r1, &after_reporter, self.new.schemes),
                        slug,
                        category,
                        vec![Cause::Rules],
                    ));
                }
            }
            let file = s1
                .or(s0)
                .map(|s| s.file.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let (requirements, other_rules_changed) = self.requirement_changes(slug, s0, s1);
            out.push(RulesChange {
                standard: slug.to_string(),
                file: short_rules_path(&file, slug),
                requirements,
                other_rules_changed,
                impact,
            });
        }
        out
    }

    /// Requirements added, removed or changed between two editions of a
    /// standard's rules, and whether anything else changed.
    fn requirement_changes(
        &self,
        slug: &str,
        old: Option<&Scheme>,
        new: Option<&Scheme>,
    ) -> (Vec<RequirementDefChange>, bool) {
        type Key = (String, Option<String>, String);
        let defs = |s: Option<&Scheme>| -> BTreeMap<Key, (serde_json::Value, RequirementRef)> {
            let mut map = BTreeMap::new();
            let Some(s) = s else { return map };
            for part in &s.rules.parts {
                for (level, r) in part.requirements_by_level() {
                    let level = level.map(str::to_string);
                    let value = serde_json::to_value(r).unwrap_or_default();
                    let reference = RequirementRef {
                        part: part.id.clone(),
                        id: r.id().to_string(),
                        clause: r.clause.clone(),
                        clause_url: self.links.url(slug, &r.clause),
                        level: level.clone(),
                        summary_en: r.en.clone(),
                        summary_zh: r.zh.clone(),
                    };
                    map.insert(
                        (part.id.clone(), level, r.id().to_string()),
                        (value, reference),
                    );
                }
            }
            map
        };
        let (d0, d1) = (defs(old), defs(new));
        let mut out = Vec::new();
        let keys: BTreeSet<&Key> = d0.keys().chain(d1.keys()).collect();
        for key in keys {
            let change = match (d0.get(key), d1.get(key)) {
                (None, Some(_)) => TextChangeKind::Added,
                (Some(_), None) => TextChangeKind::Removed,
                (Some(a), Some(b)) if a.0 != b.0 => TextChangeKind::Changed,
                _ => continue,
            };
            let Some((_, reference)) = d1.get(key).or(d0.get(key)) else {
                continue;
            };
            out.push(RequirementDefChange {
                change,
                requirement: reference.clone(),
            });
        }
        // Everything else: the rules without their requirements.
        let rest = |s: Option<&Scheme>| s.map(|s| format!("{:?}", s.rules.without_requirements()));
        (out, rest(old) != rest(new))
    }

    /// Clauses whose own text differs, per standard and language.
    fn text(&self) -> Vec<TextChange> {
        let collect = |docs: &[Document]| {
            let mut map: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
            for d in docs {
                map.insert((d.slug.clone(), d.lang.clone()), clause_texts(d));
            }
            map
        };
        let mut old = collect(self.old.documents);
        old.extend(collect(self.old.translations));
        let mut new = collect(self.new.documents);
        new.extend(collect(self.new.translations));
        let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
        let empty = BTreeMap::new();
        let mut out = Vec::new();
        for key in keys {
            let (a, b) = (
                old.get(key).unwrap_or(&empty),
                new.get(key).unwrap_or(&empty),
            );
            let anchors: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for anchor in anchors {
                let change = match (a.get(anchor), b.get(anchor)) {
                    (None, Some(_)) => TextChangeKind::Added,
                    (Some(_), None) => TextChangeKind::Removed,
                    (Some(x), Some(y)) if x != y => TextChangeKind::Changed,
                    _ => continue,
                };
                out.push(TextChange {
                    standard: key.0.clone(),
                    lang: key.1.clone(),
                    clause: anchor.clone(),
                    clause_url: self.links.url(&key.0, anchor),
                    change,
                });
            }
        }
        out
    }
}

/// `content/<slug>/rules.yaml` from a rules file path (absolute in a
/// temporary folder or relative), for the report.
fn short_rules_path(file: &str, slug: &str) -> String {
    let marker = format!("/{slug}/");
    match file.rfind(&marker) {
        Some(i) => {
            let head = &file[..i];
            let content = head.rsplit('/').next().unwrap_or(head);
            format!("{content}{}", &file[i..])
        }
        None => file.to_string(),
    }
}

/// The own words of each clause (its heading and the units in it, not its
/// sub-clauses), by anchor; the preamble under `front`.
fn clause_texts(doc: &Document) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let preamble: Vec<String> = crate::model::block_units(&doc.preamble)
        .iter()
        .map(|u| format!("{}\u{1f}{}", u.anchor, u.content()))
        .collect();
    if !preamble.is_empty() {
        out.insert("front".to_string(), preamble.join("\u{1e}"));
    }
    for clause in doc.all_clauses() {
        let unit = crate::model::Unit {
            anchor: &clause.anchor,
            location: &clause.location,
            source: crate::model::UnitSource::Clause(clause),
        };
        let mut words = vec![unit.content()];
        words.extend(
            crate::model::block_units(&clause.blocks)
                .iter()
                .map(|u| format!("{}\u{1f}{}", u.anchor, u.content())),
        );
        out.insert(clause.anchor.clone(), words.join("\u{1e}"));
    }
    out
}

/// The kind of change from one status to another.
fn status_change(
    from: Status,
    to: Status,
    valid_until_before: jiff::civil::Date,
    valid_until_after: jiff::civil::Date,
) -> CertificateChangeKind {
    use CertificateChangeKind as K;
    match to {
        Status::Suspended => K::Suspended,
        Status::Revoked => K::Revoked,
        Status::Expired => K::Expired,
        Status::ConfirmationDue => K::ConfirmationDue,
        Status::ConfirmationOverdue => K::ConfirmationOverdue,
        Status::ExpiringSoon if from == Status::NotYetIssued => K::Issued,
        Status::ExpiringSoon => K::ExpiringSoon,
        Status::NotYetIssued => K::StatusChanged,
        Status::Valid => match from {
            Status::Suspended => K::Reinstated,
            Status::NotYetIssued => K::Issued,
            _ if valid_until_after > valid_until_before => K::Renewed,
            Status::ConfirmationDue | Status::ConfirmationOverdue => K::Confirmed,
            _ => K::StatusChanged,
        },
    }
}

fn part_of<'x>(r: Option<&'x GradeResult>, part: &str) -> Option<&'x crate::grade::PartResult> {
    r.and_then(|r| r.parts.iter().find(|p| p.id == part))
}

fn result_of<'x>(
    g: &'x crate::grade::OrganisationGrades,
    standard: &str,
    category: &str,
) -> Option<&'x GradeResult> {
    g.results
        .iter()
        .find(|r| r.standard == standard && r.category == category)
}

/// Where a check sits in a part: its level (`None` in a scored group), its
/// group, its id.
type CheckKey = (Option<usize>, String, String);

/// One organisation on both sides.
struct Pair<'a> {
    old: &'a Organisation,
    new: &'a Organisation,
    old_grades: &'a crate::grade::OrganisationGrades,
    new_grades: &'a crate::grade::OrganisationGrades,
}

/// An organisation, one of its grades, the reporter and rules of its side.
type GradedSide<'a, 'b> = (
    &'b Organisation,
    Option<&'b GradeResult>,
    &'b Reporter<'a>,
    &'b Schemes,
);

/// How a requirement stood, in words, from its public report.
fn observation(r: &RequirementReport) -> Observation {
    let value = match r.kind {
        "figure" => Some(match (&r.value, r.private, r.missing_evidence) {
            (Some(v), _, _) => v.clone(),
            (None, _, true) => "none".to_string(),
            (None, true, _) => "private".to_string(),
            (None, false, false) => "none".to_string(),
        }),
        "duration" => Some(match (&r.since, r.private, r.missing_evidence) {
            (Some(since), _, _) => format!("since {since}"),
            (None, _, true) => "none".to_string(),
            _ => "private".to_string(),
        }),
        "certificate" => Some(r.certificate.clone().unwrap_or_else(|| "none".into())),
        "documentary" => Some(match &r.assessment {
            Some(a) if r.unmet_in_assessment => format!("unmet in the assessment of {}", a.date),
            Some(a) => format!("assessment of {}", a.date),
            None => "no assessment covers it".to_string(),
        }),
        _ => None,
    };
    let threshold = match r.kind {
        "figure" => r.threshold.as_ref().map(|t| {
            let op = if r.comparison == Some("at-most") {
                "≤"
            } else {
                "≥"
            };
            format!("{op} {t}")
        }),
        "duration" => r
            .required_span
            .map(|s| format!("≥ {}", span_text(s, false))),
        "certificate" => r.required_span.map(|s| {
            format!(
                "{} held ≥ {}",
                r.certificate_level.as_deref().unwrap_or("a certificate"),
                span_text(s, false)
            )
        }),
        _ => None,
    };
    Observation {
        state: r.state,
        value,
        threshold,
    }
}

fn entry(d: &crate::diag::Diagnostic) -> DiagnosticEntry {
    DiagnosticEntry {
        severity: if d.is_error() { "error" } else { "warning" }.to_string(),
        file: d.location.file.to_string_lossy().replace('\\', "/"),
        line: d.location.line,
        column: d.location.column,
        message: d.message.clone(),
        hint: d.hint.clone(),
        code: d.code.map(str::to_string),
    }
}

/// Errors and warnings of one side only, compared by severity, file and
/// message (a multiset: two equal warnings and then one is one fixed).
/// Registered-level findings are compared as findings, not here.
pub fn diagnostic_changes(old: &Diagnostics, new: &Diagnostics) -> Vec<DiagnosticChange> {
    let relevant = |ds: &Diagnostics| -> BTreeMap<(String, String, String), Vec<DiagnosticEntry>> {
        let mut map: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for d in ds.iter().filter(|d| {
            matches!(d.severity, Severity::Error | Severity::Warning)
                && !matches!(
                    d.code,
                    Some(crate::grade::UNSUPPORTED) | Some(crate::grade::EXCEEDED)
                )
        }) {
            let e = entry(d);
            map.entry((e.severity.clone(), e.file.clone(), e.message.clone()))
                .or_default()
                .push(e);
        }
        map
    };
    let (a, b) = (relevant(old), relevant(new));
    let mut out = Vec::new();
    let keys: BTreeSet<&(String, String, String)> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (xs, ys) = (
            a.get(key).map_or(&[][..], Vec::as_slice),
            b.get(key).map_or(&[][..], Vec::as_slice),
        );
        for e in ys.iter().skip(xs.len()) {
            out.push(DiagnosticChange {
                change: DiagnosticChangeKind::New,
                diagnostic: e.clone(),
            });
        }
        for e in xs.iter().skip(ys.len()) {
            out.push(DiagnosticChange {
                change: DiagnosticChangeKind::Fixed,
                diagnostic: e.clone(),
            });
        }
    }
    out.sort_by(|x, y| (x.change, &x.diagnostic).cmp(&(y.change, &y.diagnostic)));
    out
}

/// The JSON Schema of the `--format json` document.
pub fn schema_json() -> Result<String, serde_json::Error> {
    let schema = schemars::schema_for!(Diff);
    serde_json::to_string_pretty(&schema)
}

/// Load errors as entries (for [`SideInfo::load_errors`]).
pub fn load_errors(diagnostics: &Diagnostics) -> Vec<DiagnosticEntry> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(entry)
        .collect()
}
