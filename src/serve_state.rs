//! What `dengji serve` keeps between edits, and how an edit updates it.
//!
//! The analysis stays in memory, without the organisations' grades (the
//! largest part at scale): each organisation keeps only its light
//! directory entry and what the checks of its file found. A change to
//! registry files alone re-reads only those files, regrades only their
//! organisations and reruns the checks across files; any other change
//! analyses the site again. Nothing is rendered up front: an
//! organisation's pages are rendered (and it is regraded) when asked for,
//! as are a standard's pages, each directory page and the search (from
//! the organisations' directory entries), and the site's own pages with
//! the documentation; the theme's static files are served as loaded; the
//! rest of the site (exports, feeds, sitemap) is rendered once, on the
//! first request for it after a change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jiff::civil::Date;

use crate::compare::Comparison;
use crate::diag::Diagnostics;
use crate::grade::{self, OrganisationGrades};
use crate::impact::Impact;
use crate::registry::{self, Organisation, Registry};
use crate::render::{
    self, Memory, OrganisationHarvest, RenderInput, RenderOptions, Site, Templates,
};
use crate::{Analysis, Reuse};

/// How many organisations a full analysis grades before harvesting them.
const GRADED_AT_ONCE: usize = 256;

/// What does not change with the registry: the documents' analysis and
/// the theme's templates.
struct Base {
    root: PathBuf,
    options: RenderOptions,
    /// The documents' analysis; its registry is that of the analysis and
    /// its grades are dropped (the current registry is [`Working`]'s).
    analysis: Analysis,
    templates: Arc<Templates>,
    comparisons: Vec<Comparison>,
}

impl Base {
    fn as_of(&self) -> Date {
        self.analysis.grades.as_of
    }

    /// The render input of `registry` graded by `grades` (which may hold
    /// no organisation's grades: the directory pages need only the date).
    fn input<'a>(
        &'a self,
        registry: &'a Registry,
        grades: &'a grade::Grades,
        impacts: &'a [crate::impact::Impact],
    ) -> RenderInput<'a> {
        self.analysis.render_input(
            registry,
            grades,
            &self.comparisons,
            impacts,
            self.options
                .generated_at
                .clone()
                .unwrap_or_else(crate::generated_at),
        )
    }

    /// One organisation, regraded: its pages rendered into `out`, or, with
    /// none, only harvested.
    fn organisation(
        &self,
        org: &Organisation,
        graded: Arc<OrganisationGrades>,
        out: Option<&dyn render::Output>,
    ) -> Result<OrganisationHarvest, Diagnostics> {
        let alone = Registry {
            organisations: vec![org.clone()],
            unparsed: Vec::new(),
        };
        let grades = grade::Grades::kept(self.as_of(), vec![graded]);
        render::render_organisations(
            &self.templates,
            self.input(&alone, &grades, &[]),
            self.options.clone(),
            &[0],
            out,
        )
        .map_err(|d| d.relative_to(&self.root))?
        .pop()
        .ok_or_else(Diagnostics::new)
    }

    fn grade(&self, org: &Organisation, registry: &Registry) -> Arc<OrganisationGrades> {
        Arc::new(grade::grade_organisation(
            org,
            registry,
            &self.analysis.schemes,
            self.as_of(),
        ))
    }

    /// What the checks of one organisation's file alone find: all of
    /// [`crate::check_registry`] but [`registry::check_unique`].
    fn checks(&self, org: &Organisation, graded: &Arc<OrganisationGrades>) -> Diagnostics {
        let mut found = Diagnostics::new();
        let schemes = &self.analysis.schemes;
        let alone = Registry {
            organisations: vec![org.clone()],
            unparsed: Vec::new(),
        };
        let grades = grade::Grades::kept(self.as_of(), vec![Arc::clone(graded)]);
        let count_keys = registry::roster::count_keys(schemes);
        registry::check_organisation(
            org,
            schemes,
            &self.analysis.documents,
            &count_keys,
            &mut found,
        );
        registry::roster::check(&alone, schemes, grades.as_of, &mut found);
        found.extend(grade::findings(&alone, schemes, &grades));
        found
    }
}

/// The site as last analysed, with or without errors; each edit updates it.
pub struct Working {
    base: Arc<Base>,
    /// The diagnostics of the document stages, with absolute paths.
    document_diagnostics: Diagnostics,
    /// Reading the registry folder and its files.
    registry_load: Diagnostics,
    registry: Registry,
    /// Per organisation, in registry order: what it leaves for the
    /// directory, and what the checks of its file alone find.
    harvest: Vec<Arc<OrganisationHarvest>>,
    checks: Vec<Diagnostics>,
    /// Each verification page (edition-neutral file) → its organisation.
    verify: Arc<BTreeMap<String, String>>,
    /// The editions' impact on this registry, computed when first asked
    /// for; kept across edits that change neither the registry nor the
    /// grading rules.
    impacts: Arc<OnceLock<Vec<Impact>>>,
    /// The registry and content folders, resolved, to tell their files'
    /// events apart.
    registry_dir: Option<PathBuf>,
    content_dir: Option<PathBuf>,
}

/// A good state, as served: what requests render from.
pub struct Snapshot {
    base: Arc<Base>,
    registry: Registry,
    harvest: Vec<Arc<OrganisationHarvest>>,
    verify: Arc<BTreeMap<String, String>>,
    impacts: Arc<OnceLock<Vec<Impact>>>,
    /// The language prefixes of the non-default editions ("en/").
    prefixes: Vec<String>,
    /// Each standard's pages (every edition), rendered on first use.
    standards: Mutex<BTreeMap<String, Arc<Result<Site, Diagnostics>>>>,
    /// The organisations' harvests gathered for the directory, once.
    directory: OnceLock<Result<render::Directory, Diagnostics>>,
    /// Each directory page asked for, by edition-neutral key: the page in
    /// every language, rendered on first use (`None`: no such page).
    listings: Mutex<BTreeMap<String, Arc<Rendered>>>,
    /// The search pages and indexes, rendered on first use.
    search: OnceLock<Result<Site, Diagnostics>>,
    /// The site's own pages and the documentation, rendered on first use.
    site_pages: OnceLock<Result<Site, Diagnostics>>,
    /// Everything but the organisations' own pages, rendered on first use.
    rest: OnceLock<Result<Site, Diagnostics>>,
}

/// An output that drops the files `served_apart` names and puts the rest
/// into `out`.
struct Unless<'a> {
    out: &'a dyn render::Output,
    served_apart: &'a (dyn Fn(&str) -> bool + Sync),
}

impl render::Output for Unless<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        if (self.served_apart)(path) {
            return Ok(());
        }
        self.out.put(path, bytes)
    }
}

/// A directory page in every language, or `None` when there is no such
/// page, or why it failed to render.
type Rendered = Result<Option<Site>, Diagnostics>;

/// The outcome of an edit: the state to serve, or the problems that stop
/// it (the warnings found on the way in both).
pub enum Outcome {
    Good(Arc<Snapshot>, Diagnostics),
    Failed(Diagnostics),
}

impl Working {
    /// Analyses the site at `root` from the start, taking from `previous`
    /// the organisations that did not change.
    pub fn analyse(
        root: &Path,
        as_of: Date,
        options: RenderOptions,
        previous: Option<&Working>,
    ) -> Result<Working, Diagnostics> {
        let reuse = Reuse {
            analysis: previous.map(|w| &w.base.analysis),
            ..Reuse::default()
        };
        let (mut analysis, staged) = crate::analyse_staged(root, as_of, reuse)?;
        let templates = Templates::load(&analysis.sources.theme, &analysis.sources.config)
            .map_err(|d| d.relative_to(root))?;
        let document_diagnostics = std::mem::take(&mut analysis.diagnostics);
        let comparisons = crate::compare::successive(&analysis);
        let registry = analysis.registry.clone();
        let registry_dir =
            std::fs::canonicalize(root.join(&analysis.sources.config.registry_dir)).ok();
        let content_dir =
            std::fs::canonicalize(root.join(&analysis.sources.config.content_dir)).ok();
        let base = Base {
            root: root.to_path_buf(),
            options,
            analysis,
            templates: Arc::new(templates),
            comparisons,
        };
        // Graded a slice at a time, each slice's grades dropped once its
        // organisations are harvested and checked: all of them at once
        // would be most of the memory at scale.
        let mut harvest = Vec::with_capacity(registry.organisations.len());
        let mut checks = Vec::with_capacity(registry.organisations.len());
        for slice in registry.organisations.chunks(GRADED_AT_ONCE) {
            use rayon::prelude::*;
            let part = Registry {
                organisations: slice.to_vec(),
                unparsed: Vec::new(),
            };
            let organisations: Vec<Arc<OrganisationGrades>> =
                slice.par_iter().map(|o| base.grade(o, &registry)).collect();
            checks.par_extend(
                slice
                    .par_iter()
                    .zip(&organisations)
                    .map(|(org, og)| base.checks(org, og)),
            );
            let graded = grade::Grades::kept(base.as_of(), organisations);
            let indices: Vec<usize> = (0..slice.len()).collect();
            let harvested = render::render_organisations(
                &base.templates,
                base.input(&part, &graded, &[]),
                base.options.clone(),
                &indices,
                None,
            )
            .map_err(|d| d.relative_to(root))?;
            harvest.extend(harvested.into_iter().map(Arc::new));
        }
        let verify = registry
            .organisations
            .iter()
            .zip(&harvest)
            .flat_map(|(org, h)| verify_files(h).map(|file| (file, org.id.clone())))
            .collect();
        Ok(Working {
            base: Arc::new(base),
            document_diagnostics,
            registry_load: staged.registry_load,
            registry,
            harvest,
            checks,
            verify: Arc::new(verify),
            impacts: Arc::default(),
            registry_dir,
            content_dir,
        })
    }

    /// Whether every changed path is in the content folder.
    pub fn takes_content_files(&self, paths: &[PathBuf]) -> bool {
        let Some(dir) = &self.content_dir else {
            return false;
        };
        // A removed file is placed by the nearest folder still there.
        !paths.is_empty()
            && paths.iter().all(|p| {
                p.ancestors()
                    .find_map(|a| std::fs::canonicalize(a).ok())
                    .is_some_and(|found| found.starts_with(dir))
            })
    }

    /// Takes a change to the standards' sources: the documents are
    /// analysed again (not the registry). The registry's state (grades,
    /// directory entries, checks) is kept when it cannot have changed: the
    /// same grading rules and titles ([`grade::reuse::changed_standards`]),
    /// the same editions named in the documents (which the checks read),
    /// the same date. `Ok(false)` when it may have: analyse everything.
    pub fn update_documents(&mut self, as_of: Date) -> Result<bool, Diagnostics> {
        let base = Arc::clone(&self.base);
        let reuse = Reuse {
            analysis: None,
            listing: Some(registry::Listing::default()),
            ..Reuse::default()
        };
        let (mut analysis, _) = crate::analyse_staged(&base.root, as_of, reuse)?;
        let old = &base.analysis;
        let same_rules = grade::reuse::changed_standards(&old.schemes, &analysis.schemes)
            .is_some_and(|changed| changed.is_empty());
        let editions = |documents: &[crate::model::Document]| -> Vec<(String, Option<String>)> {
            documents
                .iter()
                .map(|d| (d.slug.clone(), d.front.edition.clone()))
                .collect()
        };
        if !same_rules
            || editions(&old.documents) != editions(&analysis.documents)
            || as_of != base.as_of()
        {
            return Ok(false);
        }
        self.document_diagnostics = std::mem::take(&mut analysis.diagnostics);
        // The next full analysis takes unchanged files from this registry.
        analysis.registry = old.registry.clone();
        let comparisons = crate::compare::successive(&analysis);
        self.base = Arc::new(Base {
            root: base.root.clone(),
            options: base.options.clone(),
            analysis,
            templates: Arc::clone(&base.templates),
            comparisons,
        });
        Ok(true)
    }

    /// Whether every changed path is a file directly in the registry
    /// folder that this state can take on its own: an organisation file
    /// (changed, added or removed), or any other file removed.
    pub fn takes_registry_files(&self, paths: &[PathBuf]) -> bool {
        let Some(dir) = &self.registry_dir else {
            return false;
        };
        !paths.is_empty()
            && paths.iter().all(|p| {
                let in_registry = p
                    .parent()
                    .and_then(|parent| std::fs::canonicalize(parent).ok())
                    .is_some_and(|parent| parent == *dir);
                let kind = std::fs::symlink_metadata(p).map(|m| m.file_type());
                in_registry
                    && match kind {
                        Ok(kind) => kind.is_file() && registry::is_organisation_file(p),
                        Err(_) => true,
                    }
            })
    }

    /// Takes the changes of the registry files `paths` (see
    /// [`Working::takes_registry_files`]): each is read again, its
    /// organisation regraded and its directory entry remade; the
    /// registry's checks run again over the whole registry (they compare
    /// files with each other).
    pub fn update_registry_files(&mut self, paths: &[PathBuf]) -> Result<(), Diagnostics> {
        let base = Arc::clone(&self.base);
        self.impacts = Arc::default();
        let dir = base.root.join(&base.analysis.sources.config.registry_dir);
        for path in paths {
            let Some(name) = path.file_name() else {
                continue;
            };
            // As the full load names it, so its diagnostics match.
            let file = dir.join(name);
            self.registry_load = self
                .registry_load
                .iter()
                .filter(|d| d.location.file != file)
                .cloned()
                .collect();
            let at = self
                .registry
                .organisations
                .binary_search_by(|o| o.file.file_name().unwrap_or_default().cmp(name));
            let read = (file.exists() && registry::is_organisation_file(&file))
                .then(|| registry::load_file(&file));
            match read {
                Some(Ok(org)) => {
                    let graded = base.grade(&org, &self.registry);
                    let harvested = Arc::new(base.organisation(&org, Arc::clone(&graded), None)?);
                    let checks = base.checks(&org, &graded);
                    let id = org.id.clone();
                    let before = match at {
                        Ok(i) => {
                            self.registry.organisations[i] = org;
                            self.checks[i] = checks;
                            Some(std::mem::replace(
                                &mut self.harvest[i],
                                Arc::clone(&harvested),
                            ))
                        }
                        Err(i) => {
                            self.registry.organisations.insert(i, org);
                            self.checks.insert(i, checks);
                            self.harvest.insert(i, Arc::clone(&harvested));
                            None
                        }
                    };
                    if before.is_none_or(|b| b.default_keys != harvested.default_keys) {
                        let verify = Arc::make_mut(&mut self.verify);
                        verify.retain(|_, holder| *holder != id);
                        verify.extend(verify_files(&harvested).map(|f| (f, id.clone())));
                    }
                }
                other => {
                    // Gone, or unreadable: out of the registry, as a full
                    // load would leave it.
                    if let Some(Err(d)) = other {
                        self.registry_load.extend(d);
                    }
                    if let Ok(i) = at {
                        let gone = self.registry.organisations.remove(i);
                        self.harvest.remove(i);
                        self.checks.remove(i);
                        Arc::make_mut(&mut self.verify).retain(|_, holder| *holder != gone.id);
                    }
                }
            }
        }
        Ok(())
    }

    /// Every diagnostic of this state, sorted, with paths relative to the
    /// site's root.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut all = self.document_diagnostics.clone();
        all.extend(self.registry_load.clone());
        for checks in &self.checks {
            all.extend(checks.clone());
        }
        registry::check_unique(&self.registry, &mut all);
        all.sort();
        all.relative_to(&self.base.root)
    }

    /// This state to serve, unless it has errors.
    pub fn outcome(&self) -> Outcome {
        let diagnostics = self.diagnostics();
        if diagnostics.has_errors() {
            return Outcome::Failed(diagnostics);
        }
        let config = &self.base.analysis.sources.config;
        let snapshot = Snapshot {
            base: Arc::clone(&self.base),
            registry: self.registry.clone(),
            harvest: self.harvest.clone(),
            verify: Arc::clone(&self.verify),
            impacts: Arc::clone(&self.impacts),
            prefixes: config
                .languages
                .iter()
                .filter(|l| **l != config.default_language)
                .map(|l| format!("{l}/"))
                .collect(),
            standards: Mutex::default(),
            directory: OnceLock::new(),
            listings: Mutex::default(),
            search: OnceLock::new(),
            site_pages: OnceLock::new(),
            rest: OnceLock::new(),
        };
        Outcome::Good(Arc::new(snapshot), diagnostics)
    }
}

/// A file asked of a snapshot.
pub enum Found {
    File(Vec<u8>),
    Missing,
    /// Rendering it failed.
    Failed(Diagnostics),
}

impl Snapshot {
    /// `path` without its language prefix ("en/"), if it has one.
    fn without_language<'p>(&self, path: &'p str) -> &'p str {
        self.prefixes
            .iter()
            .find_map(|p| path.strip_prefix(p.as_str()))
            .unwrap_or(path)
    }

    /// The organisation whose page, verification page or JSON file `path`
    /// may be.
    fn organisation_at(&self, path: &str) -> Option<&Organisation> {
        let neutral = self.without_language(path);
        let page = neutral
            .strip_prefix("registry/")
            .and_then(|rest| rest.strip_suffix("/index.html"));
        let json = crate::export::api::organisation_path("")
            .strip_suffix(".json")
            .and_then(|prefix| path.strip_prefix(prefix))
            .and_then(|rest| rest.strip_suffix(".json"));
        let id = page
            .or(json)
            .or_else(|| self.verify.get(neutral).map(String::as_str))?;
        if id.contains('/') {
            return None;
        }
        // The registry is in the order of its file names.
        ["yaml", "yml"]
            .iter()
            .find_map(|extension| {
                let name = format!("{id}.{extension}");
                self.registry.position_of_file(std::ffi::OsStr::new(&name))
            })
            .and_then(|i| self.registry.organisations.get(i))
    }

    /// The file at `path` (relative, `/`-separated), rendered if need be.
    /// The theme's static files, an organisation's files, a standard's
    /// pages, a directory page, the search and the site's own pages are
    /// each served without rendering the rest of the site (which a
    /// registry edit makes anew).
    pub fn file(&self, path: &str) -> Found {
        if let Some(bytes) = self.static_file(path) {
            return Found::File(bytes.to_vec());
        }
        if let Some(org) = self.organisation_at(path) {
            let base = &self.base;
            let out = Memory::default();
            let graded = base.grade(org, &self.registry);
            if let Err(d) = base.organisation(org, graded, Some(&out)) {
                return Found::Failed(d);
            }
            if let Some(bytes) = out.into_site().files.remove(path) {
                return Found::File(bytes);
            }
        }
        if let Some(key) = self.directory_key(path) {
            match &*self.listing(key) {
                Ok(Some(site)) => {
                    if let Some(bytes) = site.files.get(path) {
                        return Found::File(bytes.clone());
                    }
                }
                Ok(None) => {}
                Err(d) => return Found::Failed(d.clone()),
            }
        }
        if let Some(slug) = self.standard_at(path) {
            match &*self.standard(slug) {
                Ok(site) => {
                    if let Some(bytes) = site.files.get(path) {
                        return Found::File(bytes.clone());
                    }
                }
                Err(d) => return Found::Failed(d.clone()),
            }
        }
        let part = if self.without_language(path).starts_with("search/") {
            self.search()
        } else {
            self.site_pages()
        };
        match part {
            Ok(site) => {
                if let Some(bytes) = site.files.get(path) {
                    return Found::File(bytes.clone());
                }
            }
            Err(d) => return Found::Failed(d.clone()),
        }
        match self.rest() {
            Ok(site) => site
                .files
                .get(path)
                .map_or(Found::Missing, |b| Found::File(b.clone())),
            Err(d) => Found::Failed(d.clone()),
        }
    }

    /// The standard whose pages `path` may be among: the document with
    /// the longest slug `s` such that the path, without its edition's
    /// prefix, starts with `standards/s/`.
    fn standard_at(&self, path: &str) -> Option<&str> {
        let neutral = self.without_language(path);
        let neutral = neutral
            .strip_prefix(render::SIDE_BY_SIDE)
            .unwrap_or(neutral);
        let rest = neutral.strip_prefix("standards/")?;
        self.base
            .analysis
            .documents
            .iter()
            .map(|d| d.slug.as_str())
            .filter(|slug| {
                rest.strip_prefix(slug)
                    .is_some_and(|after| after.starts_with('/'))
            })
            .max_by_key(|slug| slug.len())
    }

    /// The pages of the standard `slug`, rendered once per snapshot.
    fn standard(&self, slug: &str) -> Arc<Result<Site, Diagnostics>> {
        let cached =
            |map: &BTreeMap<String, Arc<Result<Site, Diagnostics>>>| map.get(slug).cloned();
        if let Some(done) = self.standards.lock().ok().and_then(|m| cached(&m)) {
            return done;
        }
        let base = &self.base;
        let rendered = self
            .rendered(true, |input, out| {
                render::render_document(&base.templates, input, base.options.clone(), slug, out)
            })
            .map(|(_, site)| site);
        let rendered = Arc::new(rendered);
        if let Ok(mut map) = self.standards.lock() {
            map.insert(slug.to_string(), Arc::clone(&rendered));
        }
        rendered
    }

    /// The theme's static file at `path` (`static/…`).
    fn static_file(&self, path: &str) -> Option<&[u8]> {
        let name = path.strip_prefix("static/")?;
        self.base
            .analysis
            .sources
            .theme
            .static_files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, bytes)| bytes.as_slice())
    }

    /// The edition-neutral key of the directory page `path` may be (under
    /// `registry/` or `verify/`; an organisation's own pages there are
    /// told apart first).
    fn directory_key<'p>(&self, path: &'p str) -> Option<&'p str> {
        let key = self.without_language(path).strip_suffix("index.html")?;
        (key.starts_with("registry/") || key.starts_with("verify/")).then_some(key)
    }

    /// The directory page `key` in every language, rendered once per
    /// snapshot; `None` when no directory page has that key.
    fn listing(&self, key: &str) -> Arc<Rendered> {
        let cached =
            |map: &BTreeMap<String, Arc<Result<Option<Site>, Diagnostics>>>| map.get(key).cloned();
        if let Some(done) = self.listings.lock().ok().and_then(|m| cached(&m)) {
            return done;
        }
        let base = &self.base;
        let rendered = match self.directory() {
            Ok(directory) => self
                .rendered(false, |input, out| {
                    let options = base.options.clone();
                    render::render_directory_page(
                        &base.templates,
                        input,
                        options,
                        directory,
                        key,
                        out,
                    )
                })
                .map(|(found, site)| found.then_some(site)),
            Err(d) => Err(d.clone()),
        };
        let rendered = Arc::new(rendered);
        // Not kept when there is no such page: requests for made-up paths
        // would otherwise pile up.
        if !matches!(*rendered, Ok(None))
            && let Ok(mut map) = self.listings.lock()
        {
            map.insert(key.to_string(), Arc::clone(&rendered));
        }
        rendered
    }

    /// The editions' impact on the registry, computed once.
    fn impacts(&self) -> &[Impact] {
        self.impacts.get_or_init(|| {
            crate::impact::impacts(
                &self.registry,
                &self.base.analysis.schemes,
                self.base.as_of(),
            )
        })
    }

    /// Whether `path` is a file of the site (rendering nothing new for an
    /// organisation's).
    pub fn has(&self, path: &str) -> bool {
        self.static_file(path).is_some()
            || self.organisation_at(path).is_some()
            || self.directory_key(path).is_some_and(|key| {
                self.listing(key)
                    .as_ref()
                    .as_ref()
                    .is_ok_and(|site| site.as_ref().is_some_and(|s| s.files.contains_key(path)))
            })
            || self.standard_at(path).is_some_and(|slug| {
                self.standard(slug)
                    .as_ref()
                    .as_ref()
                    .is_ok_and(|site| site.files.contains_key(path))
            })
            || [self.site_pages(), self.search()].into_iter().any(|part| {
                part.as_ref()
                    .is_ok_and(|site| site.files.contains_key(path))
            })
            || self
                .rest()
                .as_ref()
                .is_ok_and(|site| site.files.contains_key(path))
    }

    /// The site's own pages (home, the standards' index, 404) and the
    /// documentation, rendered once per snapshot.
    fn site_pages(&self) -> &Result<Site, Diagnostics> {
        self.site_pages.get_or_init(|| {
            let base = &self.base;
            self.rendered(false, |input, out| {
                render::render_site_pages(&base.templates, input, base.options.clone(), out)
            })
            .map(|(_, site)| site)
        })
    }

    /// The search pages and both search indexes, rendered once per
    /// snapshot.
    fn search(&self) -> &Result<Site, Diagnostics> {
        self.search.get_or_init(|| {
            let base = &self.base;
            let directory = self.directory().as_ref().map_err(Clone::clone)?;
            self.rendered(false, |input, out| {
                render::render_search(&base.templates, input, base.options.clone(), directory, out)
            })
            .map(|(_, site)| site)
        })
    }

    /// The organisations' harvests gathered for the directory and search,
    /// once per snapshot.
    fn directory(&self) -> &Result<render::Directory, Diagnostics> {
        self.directory.get_or_init(|| {
            render::Directory::of(&self.harvest).map_err(|d| d.relative_to(&self.base.root))
        })
    }

    /// Everything but the organisations' own files, rendered once; of
    /// it only what no other part serves is kept (the exports, feeds,
    /// sitemap and schemas), not a second copy of every page.
    pub fn rest(&self) -> &Result<Site, Diagnostics> {
        self.rest.get_or_init(|| {
            let base = &self.base;
            self.rendered(true, |input, out| {
                let organisations = render::Organisations::Harvested(&self.harvest);
                let options = base.options.clone();
                let kept = Unless {
                    out,
                    served_apart: &|path: &str| self.served_apart(path),
                };
                render::render_with(&base.templates, input, options, &kept, organisations, None)
            })
            .map(|(_, site)| site)
        })
    }

    /// Whether `path`, a file of [`Snapshot::rest`], is one that another
    /// part of the snapshot makes with the same code, and so answers
    /// before the rest is asked ([`Snapshot::file`]): a theme's static
    /// file, a directory page (the rest renders no organisation's), the
    /// search, the site's own pages and the documentation. Told by the
    /// path alone: this runs while the rest renders, which must not wait
    /// on those parts. (Not a standard's pages: an edition's changes and
    /// impact pages sit in the folder of a document whose render does not
    /// make them.)
    fn served_apart(&self, path: &str) -> bool {
        let neutral = self.without_language(path);
        self.static_file(path).is_some()
            || self.directory_key(path).is_some()
            || neutral.starts_with("search/")
            || ["index.html", "standards/index.html", "404.html"].contains(&neutral)
            || neutral.starts_with("docs/")
            || path == "static/highlight.css"
    }

    /// What `render` writes into memory given the render input of this
    /// snapshot (with the editions' impact on the registry if `impacts`;
    /// graded for the date only: what the site shows of each organisation
    /// beyond its own pages is in its harvest), with the paths of its
    /// diagnostics relative to the site.
    fn rendered<T>(
        &self,
        impacts: bool,
        render: impl FnOnce(render::RenderInput, &Memory) -> Result<T, Diagnostics>,
    ) -> Result<(T, Site), Diagnostics> {
        let base = &self.base;
        let dated = grade::Grades::not_kept(base.as_of());
        let impacts = if impacts { self.impacts() } else { &[] };
        let memory = Memory::default();
        render(base.input(&self.registry, &dated, impacts), &memory)
            .map(|value| (value, memory.into_site()))
            .map_err(|d| d.relative_to(&base.root))
    }

    /// How many organisations the snapshot serves.
    pub fn organisation_count(&self) -> usize {
        self.registry.organisations.len()
    }
}

/// The verification pages of an organisation, as edition-neutral files.
fn verify_files(harvested: &OrganisationHarvest) -> impl Iterator<Item = String> + '_ {
    harvested
        .default_keys
        .iter()
        .map(|key| format!("{key}index.html"))
}
