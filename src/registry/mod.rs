//! The registry: one YAML file per organisation under `registry/`.
//!
//! Loading checks what a file can say about itself (types, dates, credit
//! code, region); [`check`] then checks it against the standards' grading
//! rules (standards, categories, levels, requirement ids) and against the
//! other files (unique certificate numbers and credit codes).

pub mod credit_code;
pub mod region;
pub mod roster;
pub mod types;
pub mod unparsed;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::Document;
use crate::rules::{Kind, Requirement, Schemes, Scope};
use crate::yaml::Step;

pub use types::*;
pub use unparsed::{Summary, Unparsed};

/// One organisation file, parsed. The text and the data are shared:
/// `dengji diff` takes an unchanged organisation from the other side
/// without copying them.
#[derive(Debug, Clone)]
pub struct Organisation {
    /// The file name without `.yaml`: the organisation's permanent id.
    pub id: String,
    pub file: PathBuf,
    pub text: Arc<str>,
    pub data: Arc<OrganisationFile>,
}

impl Organisation {
    /// The same organisation read from `file` (parsing depends only on the
    /// id and the text, not on where the file is).
    pub fn at(&self, file: &Path) -> Organisation {
        Organisation {
            id: self.id.clone(),
            file: file.to_path_buf(),
            text: Arc::clone(&self.text),
            data: Arc::clone(&self.data),
        }
    }

    pub fn location(&self, path: &[Step]) -> Location {
        crate::yaml::location_of(&self.file, &self.text, path)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// In the order of their file names.
    pub organisations: Vec<Organisation>,
    /// Files the build cache vouches for, not parsed ([`unparsed`]); empty
    /// but for `build` and `check` with a cache. Sorted by file name.
    pub unparsed: Vec<Unparsed>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Organisation> {
        self.organisations.iter().find(|o| o.id == id)
    }

    /// The index of the organisation read from a file named `name`, by
    /// binary search: a loaded registry is in the order of its file names
    /// (which is not quite the order of ids: `a-b.yaml` comes before
    /// `a.yaml`).
    pub fn position_of_file(&self, name: &std::ffi::OsStr) -> Option<usize> {
        self.organisations
            .binary_search_by(|o| o.file.file_name().unwrap_or_default().cmp(name))
            .ok()
    }
}

/// Reads every `*.yaml` file of `dir` (a missing folder is an empty registry).
pub fn load(dir: &Path) -> (Registry, Diagnostics) {
    load_reusing(dir, &Registry::default())
}

/// Is `path` named as an organisation file (`*.yaml`, `*.yml`)?
pub fn is_organisation_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

/// The warning for a folder inside the registry (none for a dot-folder).
fn warn_folder(folder: &Path, diagnostics: &mut Diagnostics) {
    if folder
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    {
        return;
    }
    diagnostics.push(
        Diagnostic::warning(
            Location::file(folder),
            "folders inside the registry are not read",
        )
        .with_hint("put every organisation file directly in the registry folder"),
    );
}

/// Collects organisations parsed in parallel, in the order given.
fn collect(
    parsed: Vec<Result<Organisation, Diagnostics>>,
    mut diagnostics: Diagnostics,
) -> (Registry, Diagnostics) {
    let mut organisations = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok(org) => organisations.push(org),
            Err(d) => diagnostics.extend(d),
        }
    }
    (
        Registry {
            organisations,
            unparsed: Vec::new(),
        },
        diagnostics,
    )
}

/// As [`load`], but a file whose text is exactly that of the organisation
/// with its id in `known` is not parsed again: that organisation is taken,
/// with this file's path. Parsing depends only on the id and the text, so
/// the result is the same; `dengji diff`, whose two sides share most files,
/// parses each shared file once.
pub fn load_reusing(dir: &Path, known: &Registry) -> (Registry, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let files = organisation_files(dir, &mut diagnostics);
    // Files parse independently; collecting keeps the sorted order.
    let parsed: Vec<Result<Organisation, Diagnostics>> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|f| load_file_reusing(f, known))
            .collect()
    };
    collect(parsed, diagnostics)
}

/// The organisation files of the registry folder `dir`, sorted (none if
/// it is missing); other entries are warned about.
fn organisation_files(dir: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    if let Err(e) = std::fs::symlink_metadata(dir) {
        if e.kind() != std::io::ErrorKind::NotFound {
            diagnostics.push(Diagnostic::error(
                Location::file(dir),
                format!("cannot read the registry folder: {e}"),
            ));
        }
        return Vec::new();
    }
    let found = crate::load::entries(dir, diagnostics);
    let mut files = Vec::new();
    for file in found.files {
        if is_organisation_file(&file) {
            files.push(file);
        } else {
            crate::load::warn_ignored(&file, "yaml", diagnostics);
        }
    }
    for folder in found.folders {
        warn_folder(&folder, diagnostics);
    }
    files
}

/// One entry of a registry folder read from somewhere other than the disk
/// (a git revision's tree), as [`load_listing`] takes it.
#[derive(Debug)]
pub enum Listed {
    /// An organisation file whose bytes are exactly the text of the
    /// organisation at this index of the known registry (read from a file
    /// of the same name): taken from there, neither read nor parsed again.
    Known(usize),
    /// An organisation file's bytes.
    File(Vec<u8>),
    /// A regular file not named as an organisation file (not read).
    Other,
    /// A folder (not read).
    Folder,
    /// A symbolic link (refused, as on disk).
    Link,
}

/// A registry folder's entries by file name, from somewhere other than the
/// disk.
#[derive(Debug, Default)]
pub struct Listing {
    pub entries: Vec<(std::ffi::OsString, Listed)>,
}

/// As [`load_reusing`] for a folder whose entries are `listing`, as if
/// they were in `dir` (the paths organisations and diagnostics get): the
/// same organisations and diagnostics as reading them from `dir` would
/// give.
pub fn load_listing(dir: &Path, listing: Listing, known: &Registry) -> (Registry, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut entries = listing.entries;
    // As on disk: sorted by path.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    let mut folders = Vec::new();
    for (name, listed) in entries {
        let path = dir.join(name);
        match listed {
            Listed::Link => diagnostics.push(crate::load::irregular(&path, true)),
            Listed::Folder => folders.push(path),
            Listed::Other => ignored.push(path),
            Listed::Known(_) | Listed::File(_) if !is_organisation_file(&path) => {
                ignored.push(path)
            }
            Listed::Known(i) => files.push((path, Err(i))),
            Listed::File(bytes) => files.push((path, Ok(bytes))),
        }
    }
    for file in ignored {
        crate::load::warn_ignored(&file, "yaml", &mut diagnostics);
    }
    for folder in folders {
        warn_folder(&folder, &mut diagnostics);
    }
    let parsed: Vec<Result<Organisation, Diagnostics>> = {
        use rayon::prelude::*;
        files
            .into_par_iter()
            .map(|(path, bytes)| match bytes {
                Ok(bytes) => from_bytes_reusing(&path, bytes, known),
                Err(i) => taken(&path, known, i),
            })
            .collect()
    };
    collect(parsed, diagnostics)
}

/// The organisation at index `i` of `known`, at `file`.
fn taken(file: &Path, known: &Registry, i: usize) -> Result<Organisation, Diagnostics> {
    known
        .organisations
        .get(i)
        .map(|org| org.at(file))
        .ok_or_else(|| {
            Diagnostics::from_iter([Diagnostic::error(
                Location::file(file),
                "cannot read file: it was to be taken from the other side, which has no such organisation",
            )
            .with_hint("this is a bug in dengji diff; please report it")])
        })
}

/// Organisation bytes (as read from a file of at most
/// [`crate::load::MAX_REGISTRY_FILE`] bytes), parsed unless `known` holds
/// the same text.
fn from_bytes_reusing(
    file: &Path,
    bytes: Vec<u8>,
    known: &Registry,
) -> Result<Organisation, Diagnostics> {
    let limit = crate::load::MAX_REGISTRY_FILE;
    if bytes.len() as u64 > limit {
        return Err(Diagnostics::from_iter([crate::load::too_large(
            file,
            bytes.len() as u64,
            limit,
        )]));
    }
    let text = crate::load::text_of(file, bytes).map_err(|d| Diagnostics::from_iter([d]))?;
    from_text_reusing(file, text, known)
}

/// Parses one organisation file.
pub fn load_file(file: &Path) -> Result<Organisation, Diagnostics> {
    load_file_reusing(file, &Registry::default())
}

/// Parses one organisation file, unless `known` holds it with the same text.
fn load_file_reusing(file: &Path, known: &Registry) -> Result<Organisation, Diagnostics> {
    let text = crate::load::read_source(file, crate::load::MAX_REGISTRY_FILE)
        .map_err(|d| Diagnostics::from_iter([d]))?;
    from_text_reusing(file, text, known)
}

/// The organisation of `known` read from a file of the same name as `file`.
fn known_by_name<'k>(file: &Path, known: &'k Registry) -> Option<&'k Organisation> {
    let name = file.file_name()?;
    known
        .position_of_file(name)
        .and_then(|i| known.organisations.get(i))
}

/// Organisation text read from `file`, parsed unless `known` holds the
/// organisation with the same text.
fn from_text_reusing(
    file: &Path,
    text: String,
    known: &Registry,
) -> Result<Organisation, Diagnostics> {
    match known_by_name(file, known).filter(|o| *o.text == *text) {
        Some(org) => Ok(org.at(file)),
        None => parse(file, text),
    }
}

/// Names under `registry/` that the directory's own pages use (facet
/// listings by kind and the paginated list), so no organisation may take one
/// as its id: its page would overwrite the listing's.
pub const RESERVED_IDS: [&str; 6] = ["category", "level", "page", "region", "standard", "status"];

/// Parses organisation text as if read from `file`; every schema error of
/// the file is reported, not only the first.
pub fn parse(file: &Path, text: String) -> Result<Organisation, Diagnostics> {
    let id = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    if !crate::rules::is_registry_id(&id) {
        return Err(Diagnostics::from_iter([Diagnostic::error(
            Location::file(file),
            format!("`{id}` is not a valid organisation id"),
        )
        .with_hint("name the file with lowercase letters, digits and hyphens, e.g. `huaan-cyber.yaml`; the name is the organisation's permanent id")]));
    }
    if RESERVED_IDS.contains(&id.as_str()) {
        return Err(Diagnostics::from_iter([Diagnostic::error(
            Location::file(file),
            format!("`{id}` is reserved: the directory's `registry/{id}/` pages use that name"),
        )
        .with_hint(format!(
            "rename the file after the organisation, e.g. `{id}-cyber.yaml`; these names are reserved: {}",
            RESERVED_IDS.join(", ")
        ))]));
    }
    let data = crate::yaml::from_file_text_all::<OrganisationFile>(&text, file, &schema_name_at)
        .map_err(Diagnostics::from_iter)?;
    Ok(Organisation {
        id,
        file: file.to_path_buf(),
        text: text.into(),
        data: Arc::new(data),
    })
}

fn p(steps: &[Step]) -> Vec<Step> {
    steps.to_vec()
}

/// Checks the registry against the grading rules and itself.
pub fn check(
    registry: &Registry,
    schemes: &Schemes,
    documents: &[Document],
    diagnostics: &mut Diagnostics,
) {
    let count_keys = roster::count_keys(schemes);
    for org in &registry.organisations {
        check_organisation(org, schemes, documents, &count_keys, diagnostics);
    }
    check_unique(registry, diagnostics);
}

/// What is unique across files: credit codes, and certificate numbers
/// ignoring case and punctuation. The second holder is reported.
pub fn check_unique(registry: &Registry, diagnostics: &mut Diagnostics) {
    let holders = unparsed::holders(registry);
    let mut numbers: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    let mut codes: BTreeMap<&str, &str> = BTreeMap::new();
    for holder in &holders {
        let mut error = |path: Vec<Step>, message: String, hint: &str| {
            diagnostics.push(Diagnostic::error(holder.location(&path), message).with_hint(hint));
        };
        if let Some(other) = codes.insert(holder.credit_code, holder.id) {
            error(
                p(&["credit_code".into()]),
                format!(
                    "credit code {} is also used by `{other}`",
                    holder.credit_code
                ),
                "one organisation, one file: merge the two files or correct the code",
            );
        }
        for (i, &number) in holder.numbers.iter().enumerate() {
            let slug = number_slug(number);
            if slug.is_empty() {
                continue;
            }
            if let Some((other, first)) = numbers.insert(slug, (holder.id, number)) {
                error(
                    p(&["certificates".into(), i.into(), "number".into()]),
                    if first == number {
                        format!("certificate number {number} is also registered to `{other}`")
                    } else {
                        format!(
                            "certificate number {number} differs from {first} (registered to `{other}`) only in case or punctuation"
                        )
                    },
                    "certificate numbers are unique, ignoring case and punctuation (each has its own verification page); correct one of them",
                );
            }
        }
    }
}

/// One organisation's file against the grading rules: everything
/// [`check`] finds but what compares files ([`check_unique`]).
/// `count_keys` is [`roster::count_keys`] of `schemes`.
pub(crate) fn check_organisation(
    org: &Organisation,
    schemes: &Schemes,
    documents: &[Document],
    count_keys: &BTreeMap<String, bool>,
    diagnostics: &mut Diagnostics,
) {
    let d = &org.data;
    let mut error = |path: Vec<Step>, message: String, hint: &str| {
        diagnostics.push(Diagnostic::error(org.location(&path), message).with_hint(hint));
    };
    let founded = d.founded.0;
    for (i, former) in d.former_names.iter().enumerate() {
        if former.until.0 < founded {
            error(
                p(&["former_names".into(), i.into(), "until".into()]),
                format!(
                    "former name used until {}, before the founding date {}",
                    former.until, d.founded
                ),
                "check both dates",
            );
        }
    }
    // Evidence: known categories, types and figures; dates in order.
    for (category, service) in &d.evidence.services {
        if !schemes.knows_project_type(category) {
            error(
                p(&[
                    "evidence".into(),
                    "services".into(),
                    category.as_str().into(),
                ]),
                format!("unknown service category `{category}`"),
                "use a category id from a standard's rules.yaml (see docs/registry.md)",
            );
        }
        if service.since.value.0 < founded {
            error(
                p(&[
                    "evidence".into(),
                    "services".into(),
                    category.as_str().into(),
                    "since".into(),
                ]),
                format!(
                    "service since {}, before the founding date {}",
                    service.since.value, d.founded
                ),
                "a service cannot start before the organisation exists",
            );
        }
    }
    // Each figure where its scope puts it: one per organisation under
    // evidence.figures, one per category under services.<category>.figures.
    let figure_maps = std::iter::once((None, &d.evidence.figures)).chain(
        d.evidence
            .services
            .iter()
            .map(|(c, s)| (Some(c.as_str()), &s.figures)),
    );
    for (category, figures) in figure_maps {
        for id in figures.keys() {
            let path = match category {
                None => p(&["evidence".into(), "figures".into(), id.as_str().into()]),
                Some(c) => p(&[
                    "evidence".into(),
                    "services".into(),
                    c.into(),
                    "figures".into(),
                    id.as_str().into(),
                ]),
            };
            if let Some(instead) = schemes.derived_figure(id) {
                error(
                    path,
                    format!("figure `{id}` is derived, not typed in"),
                    &format!("it is computed from {instead}: write those facts instead"),
                );
                continue;
            }
            if let Some(per_category) = count_keys.get(id.as_str()) {
                let place = if *per_category {
                    format!("evidence.services.<category>.counts.{id}")
                } else {
                    format!("evidence.counts.{id}")
                };
                error(
                    path,
                    format!("`{id}` is a head count, not a figure"),
                    &format!(
                        "list the persons in evidence.roster (with their roles), or without a roster write the plain count under {place}"
                    ),
                );
                continue;
            }
            let scopes = schemes.figure_scopes(id);
            let wanted = if category.is_some() {
                Scope::Category
            } else {
                Scope::Organisation
            };
            if scopes.is_empty() {
                error(
                    path,
                    format!("unknown figure `{id}`"),
                    "use a figure id declared by a standard's rules.yaml",
                );
            } else if !scopes.contains(&wanted) {
                let (message, hint) = match category {
                    None => (
                        format!("figure `{id}` is per service category"),
                        format!(
                            "write it under evidence.services.<category>.figures.{id}, for each category it is given for"
                        ),
                    ),
                    Some(_) => (
                        format!("figure `{id}` is one for the organisation"),
                        format!("write it under evidence.figures.{id}"),
                    ),
                };
                error(path, message, &hint);
            }
        }
    }
    if let (Some(staff), Some(bachelor)) = (&d.evidence.staff, &d.evidence.bachelor_staff)
        && bachelor.value > staff.value
    {
        error(
            p(&["evidence".into(), "bachelor_staff".into()]),
            format!(
                "{} staff with a degree, but only {} staff",
                bachelor.value, staff.value
            ),
            "bachelor_staff counts part of staff",
        );
    }
    for (i, project) in d.evidence.projects.iter().enumerate() {
        let base = p(&["evidence".into(), "projects".into(), i.into()]);
        if project.types.is_empty() {
            error(
                base.clone(),
                "a project needs at least one type".into(),
                "add `types: [<category id>]`",
            );
        }
        for (j, t) in project.types.iter().enumerate() {
            if !schemes.knows_project_type(t) {
                error(
                    [base.clone(), vec!["types".into(), j.into()]].concat(),
                    format!("unknown project type `{t}`"),
                    "use a category or project type id from a standard's rules.yaml",
                );
            }
        }
        if let Some(done) = project.completed
            && done < project.signed
        {
            error(
                [base.clone(), vec!["completed".into()]].concat(),
                format!("completed {done} before it was signed ({})", project.signed),
                "check the two dates",
            );
        }
        if project.signed.0 < founded {
            error(
                [base.clone(), vec!["signed".into()]].concat(),
                format!(
                    "signed {} before the founding date {}",
                    project.signed, d.founded
                ),
                "check the date",
            );
        }
        if let Some(amount) = &project.amount
            && amount.value < crate::exact::Num::zero()
        {
            error(
                [base.clone(), vec!["amount".into()]].concat(),
                "negative contract amount".into(),
                "amounts are in 万元",
            );
        }
        if let Some(fees) = &project.service_fees {
            let path = [base.clone(), vec!["service_fees".into()]].concat();
            match &project.amount {
                None => error(
                    path,
                    "service fees without a contract amount".into(),
                    "give the project's `amount` too: the fees are a part of it",
                ),
                Some(amount) if fees.value > amount.value => error(
                    path,
                    // No figures: amounts are private, and CI logs may not be.
                    "service fees exceed the contract amount".into(),
                    "service fees are the part of the amount paid for design, development, integration and technical services (万元)",
                ),
                Some(_) if fees.value < crate::exact::Num::zero() => {
                    error(path, "negative service fees".into(), "amounts are in 万元")
                }
                Some(_) => {}
            }
        }
        if let Some(run) = project.trial_run
            && (run.to < run.from || run.from < project.signed)
        {
            error(
                [base.clone(), vec!["trial_run".into()]].concat(),
                format!(
                    "trial run {} to {} is out of order or before signing ({})",
                    run.from, run.to, project.signed
                ),
                "`from` is the first day of the trial run and `to` its last, after signing",
            );
        }
        if project.in_use && (project.completed.is_none() || !project.accepted) {
            let hint = if project.completed.is_none() {
                "add `completed:` (the day it was accepted), or remove `in_use: true`"
            } else {
                "a project whose acceptance failed is not in use: remove `in_use: true`"
            };
            error(
                [base, vec!["in_use".into()]].concat(),
                "a project in use must be completed and accepted".into(),
                hint,
            );
        }
    }
    for (i, c) in d.evidence.other_certificates.iter().enumerate() {
        let base = p(&["evidence".into(), "other_certificates".into(), i.into()]);
        match schemes.other_scheme(&c.scheme) {
            None => error(
                [base.clone(), vec!["scheme".into()]].concat(),
                format!("unknown scheme `{}`", c.scheme),
                "use a scheme id a standard declares under `other_schemes:` (see docs/registry.md)",
            ),
            Some(o) => match &c.level {
                Some(level) if !o.levels.contains(level) => error(
                    [base.clone(), vec!["level".into()]].concat(),
                    format!("`{level}` is not a level of {}", c.scheme),
                    &o.levels_hint(),
                ),
                None if !o.levels.is_empty() => error(
                    base.clone(),
                    format!("a {} certificate needs its `level`", c.scheme),
                    &format!("add one of {}", o.levels.join(", ")),
                ),
                _ => {}
            },
        }
        if c.valid_until < c.issued {
            error(
                [base, vec!["valid_until".into()]].concat(),
                format!(
                    "valid until {}, before its issue ({})",
                    c.valid_until, c.issued
                ),
                "check the two dates",
            );
        }
    }
    let mut reported = BTreeMap::new();
    for (i, v) in d.evidence.vulnerability_reports.iter().enumerate() {
        let base = p(&["evidence".into(), "vulnerability_reports".into(), i.into()]);
        if let Some(first) = reported.insert(v.id.as_str(), i) {
            error(
                [base.clone(), vec!["id".into()]].concat(),
                format!(
                    "vulnerability {} is listed twice (first as item {})",
                    v.id,
                    first + 1
                ),
                "list each reported vulnerability once",
            );
        }
        for (j, t) in v.types.iter().enumerate() {
            if !schemes.knows_project_type(t) {
                error(
                    [base.clone(), vec!["types".into(), j.into()]].concat(),
                    format!("unknown category `{t}`"),
                    "use a category id from a standard's rules.yaml",
                );
            }
        }
    }
    for (i, a) in d.assessments.iter().enumerate() {
        let base = p(&["assessments".into(), i.into()]);
        let Some(scheme) = schemes.get(&a.standard) else {
            error(
                [base, vec!["standard".into()]].concat(),
                format!("unknown standard `{}`", a.standard),
                &standards_hint(schemes),
            );
            continue;
        };
        if let Some(category) = &a.category
            && scheme.category(category).is_none()
        {
            error(
                [base.clone(), vec!["category".into()]].concat(),
                format!("`{category}` is not a category of {}", a.standard),
                &categories_hint(scheme),
            );
        }
        if a.date.0 < founded {
            error(
                [base.clone(), vec!["date".into()]].concat(),
                "assessment before the founding date".into(),
                "check the date",
            );
        }
        if a.covers.is_empty() && a.met.is_empty() {
            error(
                base.clone(),
                "assessment record covers no requirement".into(),
                "a documentary requirement is met only through an assessment that covers it: add what was examined, `covers: [{up_to: 三级}]` (every part up to that level) or `covers: [{part: basic, up_to: 三级}]`, or list single ids under `met:` (docs/registry.md, \"Assessment records\")",
            );
        }
        for (j, cover) in a.covers.iter().enumerate() {
            let at = [base.clone(), vec!["covers".into(), j.into()]].concat();
            if let Some(part) = &cover.part {
                let grades = |p: &crate::rules::Part| {
                    p.id == *part
                        && a.category.as_deref().is_none_or(|c| {
                            p.categories
                                .as_ref()
                                .is_none_or(|cs| cs.iter().any(|x| x == c))
                        })
                };
                if !scheme.rules.parts.iter().any(grades) {
                    let parts: Vec<&str> = match &a.category {
                        Some(c) => scheme.parts_for(c).map(|p| p.id.as_str()).collect(),
                        None => scheme.rules.parts.iter().map(|p| p.id.as_str()).collect(),
                    };
                    error(
                        [at.clone(), vec!["part".into()]].concat(),
                        format!(
                            "`{part}` is not a part of {} that grades this category",
                            a.standard
                        ),
                        &format!(
                            "parts: {}; or leave `part` out to cover every part",
                            parts.join(", ")
                        ),
                    );
                }
            }
            if scheme.level_index(&cover.up_to).is_none() {
                let levels: Vec<&str> = scheme.rules.levels.iter().map(|l| l.id.as_str()).collect();
                error(
                    [at, vec!["up_to".into()]].concat(),
                    format!("`{}` is not a level of {}", cover.up_to, a.standard),
                    &format!(
                        "levels of {}, lowest first: {}",
                        a.standard,
                        levels.join(", ")
                    ),
                );
            }
        }
        let ids = documentary_ids(scheme, a.category.as_deref());
        for (j, met) in a.met.iter().enumerate() {
            if !ids.contains(&met.as_str()) {
                error(
                    [base.clone(), vec!["met".into(), j.into()]].concat(),
                    format!("`{met}` is not a documentary requirement of {}", a.standard),
                    "an assessment can vouch only for documentary requirements; a requirement with a threshold is computed from the evidence, which the file must give",
                );
            }
        }
        for (j, unmet) in a.unmet.iter().enumerate() {
            if !ids.contains(&unmet.as_str()) {
                error(
                    [base.clone(), vec!["unmet".into(), j.into()]].concat(),
                    format!(
                        "`{unmet}` is not a documentary requirement of {}",
                        a.standard
                    ),
                    "list the ids of documentary requirements from the standard's rules.yaml (usually the clause anchor, e.g. `7.1.7-a`)",
                );
            }
        }
    }
    for (i, cert) in d.certificates.iter().enumerate() {
        let base = p(&["certificates".into(), i.into()]);
        let slug = number_slug(&cert.number);
        if slug.is_empty() {
            error(
                [base.clone(), vec!["number".into()]].concat(),
                format!(
                    "certificate number `{}` has no letter or digit",
                    cert.number
                ),
                "write the number as printed on the certificate",
            );
        }
        let Some(scheme) = schemes.get(&cert.standard) else {
            error(
                [base, vec!["standard".into()]].concat(),
                format!("unknown standard `{}`", cert.standard),
                &standards_hint(schemes),
            );
            continue;
        };
        if scheme.category(&cert.category).is_none() {
            error(
                [base.clone(), vec!["category".into()]].concat(),
                format!("`{}` is not a category of {}", cert.category, cert.standard),
                &categories_hint(scheme),
            );
        }
        if scheme.level_index(&cert.level).is_none() {
            let levels: Vec<&str> = scheme.rules.levels.iter().map(|l| l.id.as_str()).collect();
            error(
                [base.clone(), vec!["level".into()]].concat(),
                format!("`{}` is not a level of {}", cert.level, cert.standard),
                &format!("levels of {}: {}", cert.standard, levels.join(", ")),
            );
        }
        if let Some(edition) = &cert.edition {
            let mut known: Vec<String> = schemes
                .edition_labels(&cert.standard)
                .into_iter()
                .map(str::to_string)
                .collect();
            if known.is_empty() {
                known.extend(
                    documents
                        .iter()
                        .find(|doc| doc.slug == cert.standard)
                        .and_then(|doc| doc.front.edition.clone()),
                );
            }
            if !known.contains(edition) {
                error(
                    [base.clone(), vec!["edition".into()]].concat(),
                    format!("{} has no edition `{edition}`", cert.standard),
                    &match known.as_slice() {
                        [] => "this standard names no editions; remove `edition`".into(),
                        [one] => format!("the published edition is `{one}`"),
                        all => format!(
                            "its editions, oldest first: {}; without `edition`, the certificate's edition is the one in force on its issue date",
                            all.join(", ")
                        ),
                    },
                );
            }
        }
        let has_validity = scheme
            .rules
            .certificates
            .as_ref()
            .is_some_and(|l| l.validity.is_some());
        if !has_validity && cert.valid_until.is_none() {
            error(
                base.clone(),
                format!(
                    "{} does not define how long a certificate is valid",
                    cert.standard
                ),
                "add `valid_until: YYYY-MM-DD` as printed on the certificate",
            );
        }
        match cert.events.first() {
            None => error(
                [base.clone(), vec!["events".into()]].concat(),
                "a certificate needs its events, starting with `issued`".into(),
                "add `- {date: YYYY-MM-DD, type: issued}`",
            ),
            Some(first) if first.kind != EventKind::Issued => error(
                [base.clone(), vec!["events".into(), 0.into(), "type".into()]].concat(),
                format!("the first event is `{}`, not `issued`", first.kind.name()),
                "list events oldest first, starting with the issue",
            ),
            Some(first) if first.date.0 < founded => error(
                [base.clone(), vec!["events".into(), 0.into(), "date".into()]].concat(),
                "issued before the organisation was founded".into(),
                "check the date",
            ),
            Some(_) => {}
        }
        for (j, event) in cert.events.iter().enumerate() {
            if event.kind == EventKind::Renewed && !has_validity && event.valid_until.is_none() {
                error(
                    [base.clone(), vec!["events".into(), j.into()]].concat(),
                    "renewal without a new end of validity".into(),
                    "add `valid_until: YYYY-MM-DD` to the `renewed` event",
                );
            }
            if event.valid_until.is_some() && event.kind != EventKind::Renewed {
                error(
                    [
                        base.clone(),
                        vec!["events".into(), j.into(), "valid_until".into()],
                    ]
                    .concat(),
                    "only a `renewed` event sets a new end of validity".into(),
                    "remove `valid_until` from this event",
                );
            }
        }
        for (j, pair) in cert.events.windows(2).enumerate() {
            if pair[1].date < pair[0].date {
                error(
                    [
                        base.clone(),
                        vec!["events".into(), (j + 1).into(), "date".into()],
                    ]
                    .concat(),
                    format!(
                        "event dated {} comes after one dated {}",
                        pair[1].date, pair[0].date
                    ),
                    "list events oldest first",
                );
            }
            if pair[1].kind == EventKind::Issued {
                error(
                    [
                        base.clone(),
                        vec!["events".into(), (j + 1).into(), "type".into()],
                    ]
                    .concat(),
                    "a certificate is issued once".into(),
                    "a re-issue is `renewed`; a new certificate is a new entry",
                );
            }
        }
        if let (Some(until), Some(first)) = (cert.valid_until, cert.events.first())
            && until <= first.date
        {
            error(
                [base, vec!["valid_until".into()]].concat(),
                format!(
                    "valid until {until}, not after the issue date {}",
                    first.date
                ),
                "check the dates",
            );
        }
    }
}

fn standards_hint(schemes: &Schemes) -> String {
    let slugs: Vec<&str> = schemes.schemes.iter().map(|s| s.slug.as_str()).collect();
    format!("standards with grading rules: {}", slugs.join(", "))
}

fn categories_hint(scheme: &crate::rules::Scheme) -> String {
    let ids: Vec<&str> = scheme
        .rules
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    format!("categories of {}: {}", scheme.slug, ids.join(", "))
}

/// Ids of the documentary requirements that grade `category` (all
/// categories when `None`).
fn documentary_ids<'a>(scheme: &'a crate::rules::Scheme, category: Option<&str>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for part in &scheme.rules.parts {
        if let (Some(c), Some(cats)) = (category, &part.categories)
            && !cats.iter().any(|x| x == c)
        {
            continue;
        }
        out.extend(
            part.requirements()
                .flat_map(Requirement::with_nested)
                .filter(|r| matches!(r.kind(), Kind::Documentary))
                .map(Requirement::id),
        );
    }
    out
}

/// The JSON Schema of organisation files, generated from the types above.
pub fn schema_json() -> Result<String, serde_json::Error> {
    let schema = schemars::schema_for!(OrganisationFile);
    serde_json::to_string_pretty(&schema)
}

/// What the mapping at `path` of an organisation file is, in the words of
/// its schema: `organisation` for the file, else the name of the type the
/// schema gives it (`certificate`, `event`, `held qualification`).
pub fn schema_name_at(path: &[Step]) -> Option<String> {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        serde_json::to_value(schemars::schema_for!(OrganisationFile)).unwrap_or_default()
    });
    let defs = schema.get("$defs");
    let mut name = "organisation".to_string();
    let mut node = resolve_schema(schema, defs, &mut name)?;
    for step in path {
        let next = match step {
            Step::Key(key) => node
                .get("properties")
                .and_then(|p| p.get(key))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
            Step::Index(_) => node.get("items"),
        }?;
        node = resolve_schema(next, defs, &mut name)?;
    }
    Some(name)
}

/// Follows `$ref`s and optional values (`anyOf` with `null`) to the schema
/// of a value, naming it after the last type (`HeldQualification` → `held
/// qualification`) that describes a mapping.
fn resolve_schema<'s>(
    mut node: &'s serde_json::Value,
    defs: Option<&'s serde_json::Value>,
    name: &mut String,
) -> Option<&'s serde_json::Value> {
    for _ in 0..8 {
        if let Some(reference) = node.get("$ref").and_then(|r| r.as_str()) {
            let key = reference.strip_prefix("#/$defs/")?;
            node = defs?.get(key)?;
            if node.get("properties").is_some() {
                let mut words = String::new();
                for c in key.chars() {
                    if c.is_uppercase() && !words.is_empty() {
                        words.push(' ');
                    }
                    words.extend(c.to_lowercase());
                }
                *name = words;
            }
        } else if let Some(options) = node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(|a| a.as_array())
        {
            node = options
                .iter()
                .find(|o| o.get("type").and_then(|t| t.as_str()) != Some("null"))?;
        } else {
            return Some(node);
        }
    }
    Some(node)
}
/// A certificate number as a URL path segment: ASCII letters upper-cased,
/// digits kept, every other run of characters one `-`. Registry numbers are
/// checked to stay distinct under this mapping, since each has its own
/// verification page.
pub fn number_slug(number: &str) -> String {
    let mut slug = String::with_capacity(number.len());
    for c in number.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_uppercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod slug_tests {
    use super::*;

    #[test]
    fn an_unchanged_file_is_taken_from_the_known_registry_and_a_changed_one_parsed() {
        let text = "names: {zh: 示例, en: Example}\ncredit_code: 91350100M000100Y43\nregion: fujian\nfounded: 2010-01-01\n";
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.yaml"), text).expect("write");
        std::fs::write(dir.path().join("b.yaml"), text).expect("write");
        let (first, d) = load(dir.path());
        assert!(d.is_empty(), "{d}");
        // The known registry says otherwise for `a` (as if parsed from
        // this very text); `b` changes on disk.
        let mut known = first.clone();
        Arc::make_mut(&mut known.organisations[0].data).names.en = "Known".into();
        Arc::make_mut(&mut known.organisations[1].data).names.en = "Known".into();
        std::fs::write(
            dir.path().join("b.yaml"),
            text.replace("Example", "Changed"),
        )
        .expect("write");
        let (second, _) = load_reusing(dir.path(), &known);
        assert_eq!(second.organisations[0].data.names.en, "Known", "reused");
        assert_eq!(second.organisations[0].file, dir.path().join("a.yaml"));
        assert_eq!(second.organisations[1].data.names.en, "Changed", "parsed");
    }

    /// What a load gave, comparable: each organisation's id, file, text
    /// and English name, and the diagnostics as printed.
    fn shown(loaded: &(Registry, Diagnostics)) -> (Vec<[String; 4]>, String) {
        let orgs = loaded
            .0
            .organisations
            .iter()
            .map(|o| {
                [
                    o.id.clone(),
                    o.file.display().to_string(),
                    o.text.to_string(),
                    o.data.names.en.clone(),
                ]
            })
            .collect();
        let mut diagnostics = loaded.1.clone();
        diagnostics.sort();
        (orgs, diagnostics.to_string())
    }

    const TEXT: &str = "names: {zh: 示例, en: Example}\ncredit_code: 91350100M000100Y43\nregion: fujian\nfounded: 2010-01-01\n";

    #[test]
    fn a_listing_loads_as_the_same_files_on_disk_would() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("a.yaml", TEXT.into()),
            ("a-b.yml", TEXT.replace("Example", "Other").into()),
            (
                "bom.yaml",
                [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat(),
            ),
            ("broken.yaml", b"names: [\n".to_vec()),
            ("Bad_Id.yaml", TEXT.into()),
            ("latin1.yaml", b"names: {zh: \xE9}\n".to_vec()),
            (
                "huge.yaml",
                vec![b'#'; crate::load::MAX_REGISTRY_FILE as usize + 1],
            ),
            ("notes.txt", b"not read".to_vec()),
            ("README.md", b"not read either".to_vec()),
        ];
        let mut listing = Listing::default();
        for (name, bytes) in &files {
            std::fs::write(dir.path().join(name), bytes).expect("write");
            let listed = if is_organisation_file(Path::new(name)) {
                Listed::File(bytes.clone())
            } else {
                Listed::Other
            };
            listing.entries.push((name.into(), listed));
        }
        for folder in ["sub", ".hidden"] {
            std::fs::create_dir(dir.path().join(folder)).expect("mkdir");
            listing.entries.push((folder.into(), Listed::Folder));
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link.yaml"))
                .expect("symlink");
            listing.entries.push(("link.yaml".into(), Listed::Link));
        }
        // Listed in another order than the folder's.
        listing.entries.reverse();
        let on_disk = load(dir.path());
        let listed = load_listing(dir.path(), listing, &Registry::default());
        assert_eq!(shown(&listed), shown(&on_disk));
        let (orgs, diagnostics) = shown(&on_disk);
        let ids: Vec<&str> = orgs.iter().map(|o| o[0].as_str()).collect();
        assert_eq!(ids, ["a-b", "a", "bom"], "sorted by file name");
        for what in [
            "not a valid organisation id",
            "not valid UTF-8",
            "more than the limit",
            "`notes.txt` is ignored",
            "folders inside the registry are not read",
        ] {
            assert!(diagnostics.contains(what), "{what}: {diagnostics}");
        }
        #[cfg(unix)]
        assert!(diagnostics.contains("is a symbolic link"), "{diagnostics}");
    }

    #[test]
    fn a_listed_known_file_is_taken_and_a_changed_one_parsed() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.yaml"), TEXT).expect("write");
        std::fs::write(dir.path().join("b.yaml"), TEXT).expect("write");
        let (mut known, d) = load(dir.path());
        assert!(d.is_empty(), "{d}");
        // As if parsed from these very texts, but telling: taken ones say
        // "Known".
        for org in &mut known.organisations {
            Arc::make_mut(&mut org.data).names.en = "Known".into();
        }
        let elsewhere = Path::new("/revision/registry");
        let listing = Listing {
            entries: vec![
                ("a.yaml".into(), Listed::Known(0)),
                // The same text as the known `b`: taken without parsing.
                ("b.yaml".into(), Listed::File(TEXT.into())),
                (
                    "c.yaml".into(),
                    Listed::File(TEXT.replace("Example", "New").into()),
                ),
            ],
        };
        let (registry, d) = load_listing(elsewhere, listing, &known);
        assert!(d.is_empty(), "{d}");
        let names: Vec<(&str, &str)> = registry
            .organisations
            .iter()
            .map(|o| (o.id.as_str(), o.data.names.en.as_str()))
            .collect();
        assert_eq!(names, [("a", "Known"), ("b", "Known"), ("c", "New")]);
        assert_eq!(registry.organisations[0].file, elsewhere.join("a.yaml"));
        assert_eq!(registry.organisations[1].file, elsewhere.join("b.yaml"));
        // Shared, not copied.
        for i in [0, 1] {
            let (taken, from) = (&registry.organisations[i], &known.organisations[i]);
            assert!(Arc::ptr_eq(&taken.data, &from.data));
            assert!(Arc::ptr_eq(&taken.text, &from.text));
        }
        // A known index that is not there is an error, not a panic.
        let listing = Listing {
            entries: vec![("z.yaml".into(), Listed::Known(7))],
        };
        let (registry, d) = load_listing(elsewhere, listing, &known);
        assert!(registry.organisations.is_empty());
        assert!(d.has_errors(), "{d}");
    }

    #[test]
    fn a_file_is_found_by_name_in_file_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["a.yaml", "a-b.yaml", "b.yml"] {
            std::fs::write(dir.path().join(name), TEXT).expect("write");
        }
        let (registry, d) = load(dir.path());
        assert!(d.is_empty(), "{d}");
        for (i, name) in ["a-b.yaml", "a.yaml", "b.yml"].iter().enumerate() {
            assert_eq!(registry.position_of_file(name.as_ref()), Some(i), "{name}");
        }
        assert_eq!(registry.position_of_file("b.yaml".as_ref()), None);
    }

    #[test]
    fn number_slugs_are_url_safe_and_case_insensitive() {
        assert_eq!(number_slug("CSI-2021-YJ-0062"), "CSI-2021-YJ-0062");
        assert_eq!(number_slug(" csi-2021-yj-0062 "), "CSI-2021-YJ-0062");
        assert_eq!(number_slug("ISV C01/2023 — FP 7"), "ISV-C01-2023-FP-7");
        assert_eq!(number_slug("--"), "");
    }
}
