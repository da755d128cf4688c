//! dengji: a static-site generator for grading standards.
//!
//! The pipeline runs forward through one module per stage:
//! [`load`] → [`model`] → [`translation`] → [`resolve`] → [`render`] →
//! [`write`]. [`build_site`] runs the stages that produce a site in memory;
//! `dengji build` renders straight into a [`write::Staging`] folder instead.

pub mod cache;
pub mod compare;
pub mod config;
pub mod diag;
pub mod diff;
pub mod editions;
pub mod exact;
pub mod export;
pub mod grade;
pub mod impact;
pub mod load;
pub mod model;
pub mod registry;
pub mod render;
pub mod resolve;
pub mod rules;
pub mod search;
pub mod serve;
pub mod serve_state;
pub mod synth;
pub mod translation;
pub mod write;
pub mod yaml;

use std::path::Path;

use rayon::prelude::*;

use diag::Diagnostics;
use model::Document;
use render::{RenderOptions, Site};

/// `m` locked, even if a thread panicked while holding it: every value
/// kept under a lock here stays whole between statements.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The value of `m`, as [`lock`] would give it.
pub(crate) fn into_inner<T>(m: std::sync::Mutex<T>) -> T {
    m.into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a successful build produced, with the warnings found on the way.
pub struct Build {
    pub site: Site,
    pub documents: Vec<Document>,
    pub resolution: resolve::Resolution,
    pub translation_status: translation::Translations,
    pub diagnostics: Diagnostics,
    pub output_dir: std::path::PathBuf,
}

/// What the stages before rendering found: the documents with their
/// references resolved, and every diagnostic (errors included).
pub struct Analysis {
    pub sources: load::Sources,
    pub documents: Vec<Document>,
    pub translations: Vec<Document>,
    pub translation_status: translation::Translations,
    pub resolution: resolve::Resolution,
    /// The older editions of standards that have them.
    pub editions: editions::Editions,
    pub schemes: rules::Schemes,
    pub registry: registry::Registry,
    pub grades: grade::Grades,
    pub diagnostics: Diagnostics,
}

impl Analysis {
    /// What the renderer reads of this analysis, with the registry and its
    /// grades given separately (`serve` renders one organisation's slice of
    /// the registry at a time).
    pub fn render_input<'a>(
        &'a self,
        registry: &'a registry::Registry,
        grades: &'a grade::Grades,
        comparisons: &'a [compare::Comparison],
        impacts: &'a [impact::Impact],
        generated_at: String,
    ) -> render::RenderInput<'a> {
        render::RenderInput {
            config: &self.sources.config,
            theme: &self.sources.theme,
            documents: &self.documents,
            translations: &self.translations,
            resolution: &self.resolution,
            status: &self.translation_status,
            registry: render::registry::RegistryInput {
                registry,
                schemes: &self.schemes,
                grades,
            },
            comparisons,
            impacts,
            generated_at,
        }
    }
}

/// Loads, models and resolves the site at `root`. Only a failure to load
/// stops early; otherwise errors are collected in the analysis. The grades
/// are not kept ([`grade::Grades`]).
pub fn analyse(root: &Path, as_of: jiff::civil::Date) -> Result<Analysis, Diagnostics> {
    analyse_with(root, as_of, Reuse::default())
}

/// As [`analyse`], keeping every organisation's grades (for `dengji diff`).
pub fn analyse_keeping_grades(
    root: &Path,
    as_of: jiff::civil::Date,
) -> Result<Analysis, Diagnostics> {
    analyse_with(
        root,
        as_of,
        Reuse {
            keep_grades: true,
            ..Reuse::default()
        },
    )
}

/// What a second analysis (`dengji diff`'s other side) may take from a
/// first one instead of doing the work again; the result is the same.
#[derive(Default)]
pub struct Reuse<'a> {
    /// The first analysis: its organisations whose files have the same
    /// text are taken instead of being parsed again, and, on the same date
    /// under the same rules, their grades ([`grade::grade_reusing`]).
    pub analysis: Option<&'a Analysis>,
    /// The registry folder's entries when they are not on disk (a git
    /// revision's, [`registry::load_listing`]); `None` reads the folder.
    pub listing: Option<registry::Listing>,
    /// Keep every organisation's grades in [`Analysis::grades`], as a
    /// comparison needs; otherwise each is dropped once its findings are
    /// known and graded again when rendered.
    pub keep_grades: bool,
    /// Opens the build cache for the loaded sources ([`analyse_cached`]).
    pub cache: Option<&'a OpenCache<'a>>,
    /// Check and summarise each organisation file as it is parsed and
    /// leave it unparsed until it is rendered, with or without a cache
    /// (`build` and `check`, which need no file's data in between).
    pub settle: bool,
}

/// Opens the build cache once the sources are loaded (its key covers
/// them), or `None` to go without.
pub type OpenCache<'a> = dyn Fn(&load::Sources) -> Option<cache::Cache> + 'a;

/// As [`analyse`], with the build cache `open` opens: an organisation file
/// it holds a summary of is not parsed, checked or graded (its diagnostics
/// are the summary's; [`registry::Unparsed`]), and every other file's
/// summary is recorded in it. Returns the cache for rendering.
pub fn analyse_cached(
    root: &Path,
    as_of: jiff::civil::Date,
    open: &OpenCache,
) -> Result<(Analysis, Option<cache::Cache>), Diagnostics> {
    analyse_inner(
        root,
        as_of,
        Reuse {
            cache: Some(open),
            settle: true,
            ..Reuse::default()
        },
    )
}

/// As [`analyse`], taking from `reuse` what is unchanged.
pub fn analyse_with(
    root: &Path,
    as_of: jiff::civil::Date,
    reuse: Reuse,
) -> Result<Analysis, Diagnostics> {
    analyse_inner(root, as_of, reuse).map(|(analysis, _)| analysis)
}

fn analyse_inner(
    root: &Path,
    as_of: jiff::civil::Date,
    reuse: Reuse,
) -> Result<(Analysis, Option<cache::Cache>), Diagnostics> {
    let earlier = reuse.analysis;
    let keep_grades = reuse.keep_grades;
    let (mut analysis, staged) = analyse_staged(root, as_of, reuse)?;
    let (registry, schemes) = (&analysis.registry, &analysis.schemes);
    let (grades, diagnostics) = if keep_grades {
        let previous = earlier.map(|a| grade::Previous {
            registry: &a.registry,
            schemes: &a.schemes,
            grades: &a.grades,
        });
        let (grades, _) = grade::grade_reusing(registry, schemes, as_of, previous);
        let mut diagnostics = check_registry(registry, schemes, &analysis.documents, as_of);
        diagnostics.extend(grade::findings(registry, schemes, &grades));
        (grades, diagnostics)
    } else {
        let diagnostics = check_one_by_one(registry, schemes, &analysis.documents, as_of);
        (grade::Grades::not_kept(as_of), diagnostics)
    };
    analysis.grades = grades;
    analysis.diagnostics.extend(staged.registry_load);
    analysis.diagnostics.extend(diagnostics);
    analysis.diagnostics.sort();
    analysis.diagnostics = analysis.diagnostics.relative_to(root);
    Ok((analysis, staged.cache))
}

/// The codes of the diagnostics an organisation file can have, by name
/// (a summary keeps them as text).
fn organisation_code(name: &str) -> Option<&'static str> {
    [grade::UNSUPPORTED, grade::EXCEEDED]
        .into_iter()
        .find(|code| *code == name)
}

/// What [`check_registry`] and [`grade::findings`] find, organisation by
/// organisation (in parallel, grading each for its findings and keeping
/// no grades), then across files; a file left unparsed (vouched for by
/// the cache, or checked as it loaded, [`settle`]) reports its summary's
/// diagnostics.
fn check_one_by_one(
    registry: &registry::Registry,
    schemes: &rules::Schemes,
    documents: &[Document],
    as_of: jiff::civil::Date,
) -> Diagnostics {
    let checks = OwnChecks::new(schemes, documents, as_of);
    let per_organisation: Vec<Vec<diag::Diagnostic>> = registry
        .organisations
        .par_iter()
        .map(|org| checks.of(org))
        .collect();
    let mut diagnostics: Diagnostics = per_organisation.into_iter().flatten().collect();
    for unparsed in &registry.unparsed {
        let summary = &unparsed.summary;
        diagnostics.extend(summary.diagnostics_at(&unparsed.file, &organisation_code));
    }
    registry::check_unique(registry, &mut diagnostics);
    diagnostics
}

/// The checks of one organisation file on its own (against the rules,
/// its roster, and its grades' findings), whatever the other files hold.
struct OwnChecks<'a> {
    schemes: &'a rules::Schemes,
    documents: &'a [Document],
    as_of: jiff::civil::Date,
    count_keys: std::collections::BTreeMap<String, bool>,
    qualifications: std::collections::BTreeSet<&'a str>,
}

impl<'a> OwnChecks<'a> {
    fn new(
        schemes: &'a rules::Schemes,
        documents: &'a [Document],
        as_of: jiff::civil::Date,
    ) -> Self {
        OwnChecks {
            schemes,
            documents,
            as_of,
            count_keys: registry::roster::count_keys(schemes),
            qualifications: registry::roster::qualifications(schemes),
        }
    }

    /// What checking and grading `org` finds.
    fn of(&self, org: &registry::Organisation) -> Vec<diag::Diagnostic> {
        let schemes = self.schemes;
        let mut own = Diagnostics::new();
        registry::check_organisation(org, schemes, self.documents, &self.count_keys, &mut own);
        registry::roster::check_organisation(
            org,
            schemes,
            &self.count_keys,
            &self.qualifications,
            self.as_of,
            &mut own,
        );
        let mut own: Vec<diag::Diagnostic> = own.into_iter().collect();
        // Grading reads no other file: an empty registry stands for the rest.
        let others = registry::Registry::default();
        own.extend(grade::findings_of(org, &others, schemes, self.as_of));
        own
    }
}

/// Whether `summary` can stand for its file until it is rendered: the
/// file names no standard with several editions (the editions' impact
/// grades it under each) and its diagnostics only codes this program
/// knows (`--strict` goes by codes).
fn summary_stands(summary: &registry::Summary, schemes: &rules::Schemes) -> bool {
    let has_editions = summary
        .standards
        .iter()
        .any(|s| schemes.editions.contains_key(s));
    !has_editions && summary.codes_known(&organisation_code)
}

/// A file parsed while loading for `build` or `check`, checked at once:
/// kept parsed when its summary cannot stand for it
/// ([`summary_stands`], or a diagnostic of it is located in another
/// file); else summarised (in the cache, when there is one) and left
/// unparsed, so that a build holds a summary of each file, not the file,
/// until its pages are rendered (which reads it again).
fn settle(
    cache: Option<&cache::Cache>,
    checks: &OwnChecks,
    org: registry::Organisation,
    digest: &cache::Key,
) -> registry::unparsed::Loaded {
    use registry::unparsed::{Loaded, Summary, Unparsed};
    let own = checks.of(&org);
    let Some(summary) = Summary::of(&org, &own) else {
        return Loaded::Parsed(org);
    };
    if !summary_stands(&summary, checks.schemes) {
        return Loaded::Parsed(org);
    }
    let key = cache.map(|cache| {
        let name = org.file.file_name().unwrap_or_default().to_string_lossy();
        let key = cache.summary_key_of(&name, digest);
        cache.record_uncounted(&key, &summary);
        key
    });
    Loaded::Unparsed(Unparsed::of(&org, *digest, summary, key))
}

/// The summary the cache holds of the organisation file `name` whose
/// text has `digest` ([`cache::text_digest`]), unless the file must be
/// parsed anyway ([`summary_stands`]). A summary used is recorded again
/// for the next build. Returns it with its key.
fn vouch(
    cache: &cache::Cache,
    schemes: &rules::Schemes,
    name: &str,
    digest: &cache::Key,
) -> Option<(registry::Summary, cache::Key)> {
    let key = cache.summary_key_of(name, digest);
    let (summary, record) = cache.take::<registry::Summary>(&key)?;
    if !summary_stands(&summary, schemes) {
        return None;
    }
    cache.keep_uncounted(&key, record);
    Some((summary, key))
}

/// The diagnostics of the registry stage, apart from the documents'
/// (`serve` redoes only this stage when one registry file changes).
pub struct RegistryStage {
    /// Reading the folder and parsing its files, located at the file.
    pub registry_load: Diagnostics,
    /// The build cache, when [`Reuse::cache`] opened one.
    pub cache: Option<cache::Cache>,
}

/// The registry checked against the rules and itself (the cross-file
/// checks: ids, credit codes, certificate numbers) on `as_of`; the grades'
/// findings are apart ([`grade::findings`]).
pub fn check_registry(
    registry: &registry::Registry,
    schemes: &rules::Schemes,
    documents: &[Document],
    as_of: jiff::civil::Date,
) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    registry::check(registry, schemes, documents, &mut diagnostics);
    registry::roster::check(registry, schemes, as_of, &mut diagnostics);
    diagnostics
}

/// As [`analyse_with`], but the analysis' `diagnostics` are only the
/// documents' (unsorted, with absolute paths); the registry's reading is
/// returned apart, and the organisations are neither graded (`grades`
/// holds none: at scale they are the largest part of an analysis, and
/// `serve` grades a few at a time) nor checked ([`check_registry`]).
pub fn analyse_staged(
    root: &Path,
    as_of: jiff::civil::Date,
    reuse: Reuse,
) -> Result<(Analysis, RegistryStage), Diagnostics> {
    let empty = registry::Registry::default();
    let known = reuse.analysis.map_or(&empty, |a| &a.registry);
    let sources = load::load(root).map_err(|d| d.relative_to(root))?;
    let mut diagnostics = Diagnostics::new();

    // Documents parse independently, so in parallel, and beside the
    // grading rules; order is restored below.
    let (parsed, (mut schemes, rule_diagnostics)) = rayon::join(
        || -> Vec<(Option<Document>, Diagnostics)> {
            sources
                .standards
                .par_iter()
                .flat_map_iter(|standard| {
                    standard
                        .languages
                        .iter()
                        .map(|(lang, files)| model::parse_standard(&standard.slug, lang, files))
                })
                .collect()
        },
        || rules::parse(&sources.standards),
    );
    let mut documents = Vec::new();
    let mut translations = Vec::new();
    for (doc, diags) in parsed {
        diagnostics.extend(diags);
        match doc {
            Some(doc) if doc.lang == sources.config.default_language => documents.push(doc),
            Some(doc) => translations.push(doc),
            None => {}
        }
    }
    // Documents are listed in the order of their sources, then by slug.
    documents.sort_by(|a, b| (&a.front.source, &a.slug).cmp(&(&b.front.source, &b.slug)));
    translations.sort_by(|a, b| (&a.slug, &a.lang).cmp(&(&b.slug, &b.lang)));
    let editions = editions::analyse(
        &sources.standards,
        &documents,
        &editions::Context {
            normative_language: &sources.config.default_language,
        },
        &mut diagnostics,
    );
    // Titles come from the current editions and their translations.
    let titled: Vec<&Document> = documents.iter().chain(&translations).collect();
    rules::entitle(&mut schemes, &titled);
    diagnostics.extend(rule_diagnostics);
    // Every edition of a standard with several is translated, resolved and
    // published as a document of its own (`standards/<slug>/editions/<label>/`).
    let (older, older_translations, older_sources) =
        editions::as_documents(&editions, &sources.standards, &documents, &translations);
    documents.extend(older);
    translations.extend(older_translations);
    documents.sort_by(|a, b| (&a.front.source, &a.slug).cmp(&(&b.front.source, &b.slug)));
    translations.sort_by(|a, b| (&a.slug, &a.lang).cmp(&(&b.slug, &b.lang)));
    let combined: Vec<load::StandardSources>;
    let all_sources: &[load::StandardSources] = if older_sources.is_empty() {
        &sources.standards
    } else {
        combined = sources
            .standards
            .iter()
            .map(load::StandardSources::clone_without_older)
            .chain(older_sources)
            .collect();
        &combined
    };
    let translation_status = translation::check(
        &sources.config.languages,
        &documents,
        &translations,
        all_sources,
        sources.termbase.as_ref(),
        &mut diagnostics,
    );
    // The current edition's copy under its page key reports nothing of its
    // own: its translation status is the standard's.
    let mut translation_status = translation_status;
    for set in editions.sets.values() {
        let key = editions::page_key(&set.slug, &set.current);
        translation_status.retain(|(slug, _), _| *slug != key);
    }
    let resolution = resolve::resolve(
        &mut documents,
        &mut translations,
        all_sources,
        &mut diagnostics,
    );
    schemes.editions = editions::grading_timelines(&editions, &documents);
    rules::check(&schemes, &documents, &mut diagnostics);
    let registry_dir = sources.root.join(&sources.config.registry_dir);
    // A comparison keeps every file's grades, so parses every file.
    let cache = reuse
        .cache
        .filter(|_| !reuse.keep_grades)
        .and_then(|open| open(&sources));
    let (registry, registry_diagnostics) = match (reuse.listing, &cache) {
        (Some(listing), _) => registry::load_listing(&registry_dir, listing, known),
        (None, Some(cache)) => {
            let checks = OwnChecks::new(&schemes, &documents, as_of);
            registry::unparsed::load_vouched(
                &registry_dir,
                &|name, digest| vouch(cache, &schemes, name, digest),
                &|org, digest| settle(Some(cache), &checks, org, digest),
            )
        }
        (None, None) if reuse.settle && !reuse.keep_grades => {
            let checks = OwnChecks::new(&schemes, &documents, as_of);
            registry::unparsed::load_vouched(&registry_dir, &|_, _| None, &|org, digest| {
                settle(None, &checks, org, digest)
            })
        }
        (None, None) => registry::load_reusing(&registry_dir, known),
    };
    let grades = grade::Grades::not_kept(as_of);
    let staged = RegistryStage {
        registry_load: registry_diagnostics,
        cache,
    };
    let analysis = Analysis {
        sources,
        documents,
        translations,
        translation_status,
        resolution,
        editions,
        schemes,
        registry,
        grades,
        diagnostics,
    };
    Ok((analysis, staged))
}

/// Renders an analysis without errors into `out` (memory, a staging folder,
/// or nowhere for `check`); returns how many files were written. Errors from
/// rendering (templates, UI strings, writing) are located relative to `root`.
/// With a `cache`, organisations it holds a record of are taken from it
/// (`render::Organisations::Render`); save it once the output is
/// published.
///
/// The analysis' registry is moved out and emptied: each organisation's
/// file is dropped once its pages are written (at scale the files are most
/// of the memory), and the rest of the site is made from what each
/// organisation left for the directory.
pub fn render_analysis(
    root: &Path,
    analysis: &mut Analysis,
    options: RenderOptions,
    out: &dyn render::Output,
    cache: Option<&cache::Cache>,
) -> Result<usize, Diagnostics> {
    let templates = render::Templates::load(&analysis.sources.theme, &analysis.sources.config)
        .map_err(|d| d.relative_to(root))?;
    let comparisons = compare::successive(analysis);
    let impacts = impact::impacts(&analysis.registry, &analysis.schemes, analysis.grades.as_of);
    let generated_at = options.generated_at.clone().unwrap_or_else(generated_at);
    let registry = std::mem::take(&mut analysis.registry);
    // Render reads the emptied registry: the organisations' pages are
    // made from the registry itself, given apart.
    let input = analysis.render_input(
        &analysis.registry,
        &analysis.grades,
        &comparisons,
        &impacts,
        generated_at,
    );
    render::render_with(
        &templates,
        input,
        options,
        out,
        render::Organisations::Render(registry),
        cache,
    )
    .map_err(|d| d.relative_to(root))
}

/// Loads, models, resolves and renders the site at `root`. On any error,
/// returns all diagnostics (errors and warnings) and no site.
pub fn build_site(
    root: &Path,
    as_of: jiff::civil::Date,
    options: RenderOptions,
) -> Result<Build, Diagnostics> {
    let mut analysis = analyse(root, as_of)?;
    if analysis.diagnostics.has_errors() {
        return Err(analysis.diagnostics);
    }
    let memory = render::Memory::default();
    let site = match render_analysis(root, &mut analysis, options, &memory, None) {
        Ok(_) => memory.into_site(),
        Err(d) => {
            analysis.diagnostics.extend(d);
            analysis.diagnostics.sort();
            return Err(analysis.diagnostics);
        }
    };
    Ok(Build {
        site,
        output_dir: root.join(&analysis.sources.config.output_dir),
        documents: analysis.documents,
        resolution: analysis.resolution,
        translation_status: analysis.translation_status,
        diagnostics: analysis.diagnostics,
    })
}

/// The instant `SOURCE_DATE_EPOCH` names, if it is set (reproducible builds).
fn source_date_epoch() -> Result<Option<jiff::Timestamp>, String> {
    let Ok(text) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let seconds: i64 = text.trim().parse().map_err(|_| {
        format!("SOURCE_DATE_EPOCH=`{text}` is not a number of seconds since 1970-01-01")
    })?;
    jiff::Timestamp::from_second(seconds)
        .map(Some)
        .map_err(|e| format!("SOURCE_DATE_EPOCH=`{text}` is out of range: {e}"))
}

/// When this build happened, as stamped on the JSON API: the time of
/// `SOURCE_DATE_EPOCH` when set, else now; UTC. (An unreadable
/// `SOURCE_DATE_EPOCH` has already failed [`grading_date`].)
pub fn generated_at() -> String {
    let now = source_date_epoch()
        .ok()
        .flatten()
        .unwrap_or_else(jiff::Timestamp::now);
    now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The date grades are computed for: `as_of` if given, else the day of
/// `SOURCE_DATE_EPOCH` (UTC) if set, else today in the local time zone.
pub fn grading_date(as_of: Option<jiff::civil::Date>) -> Result<jiff::civil::Date, String> {
    if let Some(date) = as_of {
        return Ok(date);
    }
    Ok(match source_date_epoch()? {
        Some(instant) => instant.to_zoned(jiff::tz::TimeZone::UTC).date(),
        None => jiff::Zoned::now().date(),
    })
}
