//! The registry's pages, rendered and written one at a time: each
//! organisation's page and certificate verification pages, the directory
//! listings (the whole registry and every facet value, paginated, and an
//! index page per facet kind) and the
//! sitemap. Nothing here holds more than one organisation's report at once,
//! so memory grows with the light directory entries only.

use crate::lock;
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tera::{Context, Tera};

use crate::cache::{Cache, Key};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::export::{self, Urls, api, atom};
use crate::grade::report::Reporter;
use crate::load::Theme;
use crate::registry::Registry;

use super::directory::{self, Entry, FacetValue};
use super::entries::{Entries, Failed, Span, Spill};
use super::registry::{ClauseLinks, Views};
use super::search_records;
use super::{Alternates, Counted, Edition, Renderer, SitemapEntry, SitemapPage, Stamp, tera_error};

/// URLs per sitemap file (the sitemaps.org limit).
const SITEMAP_LIMIT: usize = 50_000;

pub(super) struct Stream<'a> {
    pub renderer: &'a Renderer<'a>,
    pub tera: &'a Tera,
    pub theme: &'a Theme,
    pub editions: &'a [Edition<'a>],
    pub out: &'a Counted<'a>,
    /// RFC 3339 time of the build, stamped on the JSON files.
    pub generated_at: &'a str,
    /// Each standard's anchor → the page it is on (for clause links).
    pub pages: BTreeMap<&'a str, BTreeMap<String, String>>,
}

impl<'a> Stream<'a> {
    pub fn new(
        renderer: &'a Renderer<'a>,
        tera: &'a Tera,
        theme: &'a Theme,
        editions: &'a [Edition<'a>],
        out: &'a Counted<'a>,
        generated_at: &'a str,
    ) -> Self {
        Stream {
            renderer,
            tera,
            theme,
            editions,
            out,
            generated_at,
            pages: super::registry::pages(renderer.documents),
        }
    }
}

/// What the organisation pass leaves for the directory and the exports,
/// once each organisation's report is dropped.
pub(super) struct Harvest {
    /// Directory entries (with the export rows), in registry order, read
    /// back one at a time ([`Entries`]).
    pub entries: Entries,
    /// Each facet token's entries (their indexes, in registry order).
    pub facet_members: BTreeMap<String, Vec<usize>>,
    /// Certificates of all entries.
    pub certificate_count: usize,
    /// The newest changes for the feed.
    pub feed: Vec<atom::FeedEntry>,
    /// Keys of the pages written in every single-language edition.
    pub keys: Vec<String>,
    /// Keys of the pages written in the default language's edition only,
    /// which answer in every language (certificates' verification pages).
    pub default_keys: Vec<String>,
    /// Each entry's build cache key, when it has one: the directory's
    /// pages are keyed by those of the organisations they show.
    pub cache_keys: Vec<Option<crate::cache::Key>>,
}

/// What the organisation pass leaves of one organisation.
#[derive(Clone, Serialize, Deserialize)]
pub struct OrganisationHarvest {
    /// Its directory entry (with the export rows).
    pub entry: Entry,
    /// Its changes for the feed.
    pub feed: Vec<atom::FeedEntry>,
    /// Keys of its pages in every single-language edition.
    pub keys: Vec<String>,
    /// Keys of its pages in the default language's edition only (its
    /// certificates' verification pages).
    pub default_keys: Vec<String>,
    /// The build cache key it was recorded under (its file's and the
    /// site's), which determines all of the above; not itself recorded.
    #[serde(skip)]
    pub cache_key: Option<crate::cache::Key>,
}

/// One organisation's harvest with its entry put in the [`Spill`] and its
/// feed entries in the feed's newest ([`atom::Latest`]): what is kept of
/// it in memory.
pub(super) struct Stored {
    span: Span,
    /// Its facet tokens, by their number in [`Gathering::tokens`].
    facets: Vec<u32>,
    certificates: usize,
    keys: Vec<String>,
    default_keys: Vec<String>,
    cache_key: Option<crate::cache::Key>,
}

/// Where the organisations' harvests go as they are made.
pub(super) struct Gathering {
    spill: Spill,
    latest: std::sync::Mutex<atom::Latest>,
    /// Every facet token met, numbered in the order met.
    tokens: std::sync::Mutex<BTreeMap<String, u32>>,
}

impl Gathering {
    pub fn new(spill: Spill) -> Gathering {
        Gathering {
            spill,
            latest: std::sync::Mutex::new(atom::Latest::new(atom::LIMIT)),
            tokens: std::sync::Mutex::new(BTreeMap::new()),
        }
    }
}

impl Stored {
    /// `harvest` stored. Feed entries of different organisations never
    /// sort as equal (their ids differ), so the feed does not depend on
    /// the order organisations are added in.
    pub fn of(harvest: OrganisationHarvest, into: &Gathering) -> Result<Stored, Diagnostic> {
        let span = into.spill.push(&harvest.entry)?;
        lock(&into.latest).extend(harvest.feed);
        let facets = {
            let mut tokens = lock(&into.tokens);
            harvest
                .entry
                .facets
                .into_iter()
                .map(|token| {
                    let next = tokens.len() as u32;
                    *tokens.entry(token).or_insert(next)
                })
                .collect()
        };
        Ok(Stored {
            span,
            certificates: harvest.entry.row.certificates.len(),
            facets,
            keys: harvest.keys,
            default_keys: harvest.default_keys,
            cache_key: harvest.cache_key,
        })
    }
}

impl Harvest {
    /// The harvest of every organisation, in registry order, stored in
    /// `gathering`.
    pub fn gather(
        gathering: Gathering,
        organisations: impl ExactSizeIterator<Item = Stored>,
    ) -> Result<Harvest, Diagnostic> {
        let Gathering {
            spill,
            latest,
            tokens,
        } = gathering;
        let tokens = crate::into_inner(tokens);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); tokens.len()];
        let mut spans = Vec::with_capacity(organisations.len());
        let mut harvest = Harvest::empty();
        harvest.cache_keys.reserve(organisations.len());
        for (i, one) in organisations.enumerate() {
            spans.push(one.span);
            for token in one.facets {
                if let Some(m) = members.get_mut(token as usize) {
                    m.push(i);
                }
            }
            harvest.certificate_count += one.certificates;
            harvest.cache_keys.push(one.cache_key);
            harvest.keys.extend(one.keys);
            harvest.default_keys.extend(one.default_keys);
        }
        harvest.facet_members = tokens
            .into_iter()
            .map(|(token, n)| (token, std::mem::take(&mut members[n as usize])))
            .collect();
        harvest.entries = spill.finish(spans)?;
        harvest.feed = crate::into_inner(latest).into_sorted();
        Ok(harvest)
    }

    /// No organisations (what is left when their entries are lost).
    pub fn empty() -> Harvest {
        Harvest {
            entries: Entries::empty(),
            facet_members: BTreeMap::new(),
            certificate_count: 0,
            feed: Vec::new(),
            keys: Vec::new(),
            default_keys: Vec::new(),
            cache_keys: Vec::new(),
        }
    }

    /// The harvest of `organisations`, given in registry order.
    pub fn of<'h>(
        organisations: impl ExactSizeIterator<Item = &'h OrganisationHarvest>,
    ) -> Result<Harvest, Diagnostic> {
        let gathering = Gathering::new(Spill::in_memory());
        let stored = organisations
            .map(|h| Stored::of(h.clone(), &gathering))
            .collect::<Result<Vec<_>, _>>()?;
        Harvest::gather(gathering, stored.into_iter())
    }
}

/// What the build cache records of one organisation: the files its pages
/// were written to, with their stamps, and its harvest.
#[derive(Serialize, Deserialize)]
struct Cached<H> {
    files: Vec<(String, Option<Stamp>)>,
    harvest: H,
}

/// An organisation file as rendering gets it: parsed, or vouched for by
/// the build cache and parsed only if its pages must be made again.
enum OrganisationSource {
    Parsed(crate::registry::Organisation),
    Unparsed(crate::registry::Unparsed),
}

impl OrganisationSource {
    fn file(&self) -> &std::path::Path {
        match self {
            OrganisationSource::Parsed(o) => &o.file,
            OrganisationSource::Unparsed(u) => &u.file,
        }
    }
}

/// One organisation rendered ([`Stream::organisation`]).
pub struct RenderedOrganisation {
    pub harvest: OrganisationHarvest,
    /// The errors of rendering and writing its files.
    pub errors: Vec<Diagnostic>,
    /// The paths of the files written.
    pub written: Vec<String>,
}

/// What rendering one organisation needs that is the same for all.
pub(super) struct OrganisationContext<'a> {
    reporter: Reporter<'a>,
    /// Each single-language edition with its common context and views.
    editions: Vec<(usize, Context, Views<'a>)>,
    urls: Urls<'a>,
    default: Option<usize>,
}

/// A certificate's answer in one language, on its verification page.
#[derive(Serialize)]
struct Answer<'a> {
    lang: &'a str,
    lang_tag: String,
    /// The language's UI strings.
    t: &'a tera::Value,
    verify: super::registry::VerifyView,
}

/// Turns an export's encoding failure into a diagnostic at `path`.
pub(super) fn encoding_error(path: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Location::file(path), format!("cannot encode `{path}`: {e}"))
}

impl Stream<'_> {
    pub(super) fn single_editions(&self) -> Vec<usize> {
        (0..self.editions.len())
            .filter(|&e| !self.editions[e].side_by_side)
            .collect()
    }

    /// The single-language edition of the default language, which holds
    /// the pages written once for every language (certificates'
    /// verification pages).
    pub fn default_edition(&self) -> Option<usize> {
        let default = &self.renderer.config.default_language;
        self.single_editions()
            .into_iter()
            .find(|&e| self.editions[e].lang == *default)
            .or_else(|| self.single_editions().first().copied())
    }

    pub(super) fn common(&self, e: usize) -> Context {
        let edition = &self.editions[e];
        let mut ctx = Context::new();
        ctx.insert("site", &self.renderer.site_view(edition));
        ctx.insert("t", edition.strings_value);
        ctx
    }

    pub(super) fn views(&self, e: usize) -> Views<'_> {
        let edition = &self.editions[e];
        Views {
            input: self.renderer.registry,
            lang: edition.lang,
            strings: edition.strings,
            root: format!("{}{}", self.renderer.base, edition.prefix),
            verify_root: self.default_edition().map_or_else(String::new, |d| {
                format!("{}{}", self.renderer.base, self.editions[d].prefix)
            }),
            pages: &self.pages,
            foreign: (
                self.renderer.templates,
                self.renderer.foreign_tag(edition.lang),
            ),
            links: ClauseLinks::default(),
        }
    }

    /// Renders `template` as page `key` of edition `e` and writes it.
    pub(super) fn emit(
        &self,
        common: &Context,
        e: usize,
        template: &str,
        key: &str,
        extra: Context,
    ) -> Result<String, Diagnostic> {
        let single = |i: usize| !self.editions[i].side_by_side;
        self.emit_in(&single, (e, key), common, template, extra)
    }

    /// The same for a page (edition, key) that only the editions `has`
    /// holds. Returns the path written.
    fn emit_in(
        &self,
        has: &dyn Fn(usize) -> bool,
        (e, key): (usize, &str),
        common: &Context,
        template: &str,
        extra: Context,
    ) -> Result<String, Diagnostic> {
        let page = self.renderer.page_view(self.editions, has, e, key);
        let mut ctx = common.clone();
        ctx.extend(extra);
        ctx.insert("page", &page);
        ctx.insert("page_path", &page.path);
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|err| tera_error(self.theme, &err))?;
        let path = format!("{}index.html", page.path);
        self.out.put(&path, html.as_bytes())?;
        Ok(path)
    }

    /// Leaves the files recorded under `key` in the build cache as
    /// published when they still are (a page made from many organisations
    /// whose key, holding theirs, is unchanged); else runs `render`, which
    /// writes them and returns each path written or an error, and records
    /// the paths under `key`. Returns the errors.
    pub(super) fn unless_cached(
        &self,
        cached: Option<(&Cache, Key)>,
        render: impl FnOnce() -> Vec<Result<String, Diagnostic>>,
    ) -> Vec<Diagnostic> {
        if self.keep_recorded(cached) {
            return Vec::new();
        }
        let mut written = Vec::new();
        let mut errors = Vec::new();
        for result in render() {
            match result {
                Ok(path) => written.push(path),
                Err(d) => errors.push(d),
            }
        }
        if let Some((cache, key)) = &cached
            && errors.is_empty()
        {
            cache.record_uncounted(key, &self.stamped(written));
        }
        errors
    }

    /// Whether the files recorded under `key` in the build cache are still
    /// published as recorded (for an output that keeps no bytes, always
    /// when there is a record); if so they are left, and the record kept
    /// for the next build.
    fn keep_recorded(&self, cached: Option<(&Cache, Key)>) -> bool {
        if let Some((cache, key)) = cached
            && let Some((files, record)) = cache.take::<Vec<(String, Option<Stamp>)>>(&key)
            && self.out.keep(&files)
        {
            cache.keep_uncounted(&key, record);
            return true;
        }
        false
    }

    /// The files just written at `paths`, with the stamps they are
    /// published with, as the cache records them.
    fn stamped(&self, paths: Vec<String>) -> Vec<(String, Option<Stamp>)> {
        paths
            .into_iter()
            .map(|path| {
                let stamp = self.out.stamp(&path);
                (path, stamp)
            })
            .collect()
    }

    /// What rendering any one organisation needs, prepared once; the
    /// clause links of its `pages` only when they are to be rendered.
    pub fn organisation_context(&self, pages: bool) -> OrganisationContext<'_> {
        let input = self.renderer.registry;
        OrganisationContext {
            reporter: Reporter::new(input.schemes, input.grades),
            editions: self
                .single_editions()
                .into_iter()
                .map(|e| {
                    let mut views = self.views(e);
                    if pages {
                        views.links = ClauseLinks::of(&views);
                    }
                    (e, self.common(e), views)
                })
                .collect(),
            urls: Urls {
                base_url: self.renderer.base_url,
                edition: "",
            },
            default: self.default_edition(),
        }
    }

    /// Writes each organisation's page and its certificates' verification
    /// pages in every single-language edition, and its JSON file; returns
    /// what the directory and the exports need. Each organisation's file is
    /// dropped once its pages are written. With a `cache`, an organisation
    /// the cache has a record of (same file, same site) whose files are
    /// still as recorded is not graded or rendered again: its record is
    /// what it leaves.
    pub fn organisations(
        &self,
        registry: Registry,
        cache: Option<&Cache>,
        diags: &mut Diagnostics,
    ) -> Harvest {
        let input = self.renderer.registry;
        let cx = self.organisation_context(true);
        // Parsed files and those the cache vouched for, in file order.
        let mut files: Vec<OrganisationSource> = registry
            .organisations
            .into_iter()
            .map(OrganisationSource::Parsed)
            .chain(
                registry
                    .unparsed
                    .into_iter()
                    .map(OrganisationSource::Unparsed),
            )
            .collect();
        files.sort_by(|a, b| a.file().file_name().cmp(&b.file().file_name()));
        // Each entry goes to the spill as soon as it is made.
        let gathering = Gathering::new(Spill::new(self.out.scratch_dir()));
        let store = |(harvest, mut errors): (Option<OrganisationHarvest>, Vec<Diagnostic>)| {
            let stored = harvest.and_then(|h| match Stored::of(h, &gathering) {
                Ok(stored) => Some(stored),
                Err(d) => {
                    errors.push(d);
                    None
                }
            });
            (stored, errors)
        };
        let results: Vec<(Option<Stored>, Vec<Diagnostic>)> = files
            .into_par_iter()
            .enumerate()
            .map(|(index, source)| {
                let key = cache.and_then(|c| match &source {
                    OrganisationSource::Unparsed(u) => u.key.map(|k| (c, c.rendering_key(&k))),
                    OrganisationSource::Parsed(org) => {
                        let name = org.file.file_name().unwrap_or_default();
                        Some((c, c.key(&name.to_string_lossy(), &org.text)))
                    }
                });
                if let Some((cache, key)) = &key
                    && let Some((hit, record)) = cache.take::<Cached<OrganisationHarvest>>(key)
                    && self.out.keep(&hit.files)
                {
                    cache.record_again(key, record);
                    let harvest = OrganisationHarvest {
                        cache_key: Some(*key),
                        ..hit.harvest
                    };
                    return (Some(harvest), Vec::new());
                }
                let org = match source {
                    OrganisationSource::Parsed(org) => org,
                    OrganisationSource::Unparsed(u) => match u.parse() {
                        Ok(org) => org,
                        Err(d) => return (None, d.into_iter().collect()),
                    },
                };
                // Graded again here: a build keeps no grades (`grade::Grades`).
                let og = input
                    .grades
                    .organisation(input.registry, index, &org, input.schemes);
                let mut rendered = self.organisation(&cx, &org, &og, true);
                if let Some((cache, key)) = &key
                    && rendered.errors.is_empty()
                {
                    rendered.harvest.cache_key = Some(*key);
                    let files = self.stamped(rendered.written);
                    cache.record(
                        key,
                        &Cached {
                            files,
                            harvest: &rendered.harvest,
                        },
                    );
                }
                (Some(rendered.harvest), rendered.errors)
            })
            .map(store)
            .collect();
        let mut one_by_one = Vec::with_capacity(results.len());
        for (stored, errors) in results {
            one_by_one.extend(stored);
            for d in errors {
                diags.push(d);
            }
        }
        Harvest::gather(gathering, one_by_one.into_iter()).unwrap_or_else(|d| {
            diags.push(d);
            Harvest::empty()
        })
    }

    /// One organisation: its page in every single-language edition, its
    /// certificates' verification pages and its JSON file, written when
    /// `write` (else only harvested); returns what the directory and the
    /// exports need of it, the errors of writing, and the paths written.
    pub fn organisation(
        &self,
        cx: &OrganisationContext,
        org: &crate::registry::Organisation,
        og: &crate::grade::OrganisationGrades,
        write: bool,
    ) -> RenderedOrganisation {
        let input = self.renderer.registry;
        let editions = &cx.editions;
        let report = cx.reporter.report(org, og);
        let keys = vec![format!("registry/{}/", org.id)];
        let mut once = Vec::new();
        let mut errors = Vec::new();
        let mut written = Vec::new();
        for (e, common, views) in editions.iter().filter(|_| write) {
            let mut ctx = Context::new();
            ctx.insert("org", &views.organisation(&report));
            match self.emit(common, *e, "organisation.html", &keys[0], ctx) {
                Ok(path) => written.push(path),
                Err(d) => errors.push(d),
            }
        }
        // One verification page per certificate, answering in every
        // language, in the default language's edition.
        for c in &report.certificates {
            let key = format!("verify/{}/", crate::registry::number_slug(&c.number));
            if let Some((e, common, _)) = editions
                .iter()
                .find(|(e, ..)| Some(*e) == cx.default)
                .filter(|_| write)
            {
                let answers: Vec<Answer> = editions
                    .iter()
                    .map(|(e, _, views)| Answer {
                        lang: views.lang,
                        lang_tag: self.renderer.tag(views.lang),
                        t: self.editions[*e].strings_value,
                        verify: views.verification(&report, c),
                    })
                    .collect();
                let mut ctx = Context::new();
                ctx.insert("answers", &answers);
                ctx.insert("number", &c.number);
                let has = |i: usize| Some(i) == cx.default;
                match self.emit_in(&has, (*e, &key), common, "certificate.html", ctx) {
                    Ok(path) => written.push(path),
                    Err(d) => errors.push(d),
                }
            }
            once.push(key);
        }
        // Made only to be kept: building and encoding it cannot fail.
        if write && self.out.keeps_bytes() {
            let path = api::organisation_path(&org.id);
            let file = api::organisation::build(&report, org, og, input.schemes);
            match api::organisation(&file) {
                Ok(json) => match self.out.put(&path, &json) {
                    Ok(()) => written.push(path),
                    Err(d) => errors.push(d),
                },
                Err(e) => errors.push(encoding_error(&path, e)),
            }
        }
        let harvested = OrganisationHarvest {
            entry: directory::entry(&report, input.schemes, &cx.urls),
            feed: atom::entries(&report, input.schemes, input.grades.as_of),
            keys,
            default_keys: once,
            cache_key: None,
        };
        RenderedOrganisation {
            harvest: harvested,
            errors,
            written,
        }
    }

    /// The registry-wide exports: the JSON index and OpenAPI document, the
    /// certificates CSV and each language edition's Atom feed.
    pub fn exports(&self, harvest: &Harvest, diags: &mut Diagnostics) {
        let input = self.renderer.registry;
        // The first entry that cannot be read fails the build (and the
        // file being made from them is not written).
        let failed = Failed::default();
        let as_of = input.grades.as_of.to_string();
        let mut put = |path: &str, bytes: Result<Vec<u8>, String>| {
            if let Some(d) = failed.take() {
                diags.push(d);
                return;
            }
            let result = bytes
                .map_err(|e| encoding_error(path, e))
                .and_then(|b| self.out.put(path, &b));
            if let Err(d) = result {
                diags.push(d);
            }
        };
        // The JSON and CSV files are plain data encoded, which cannot
        // fail: made only when kept. The feeds go through a template.
        if self.out.keeps_bytes() {
            put(
                api::INDEX_PATH,
                api::index(
                    harvest.entries.each(&failed).map(|e| e.row),
                    harvest.entries.len(),
                    input.schemes,
                    self.renderer.base_url,
                    self.generated_at,
                    &as_of,
                )
                .map_err(|e| e.to_string()),
            );
            for impact in self.renderer.impacts {
                put(
                    &api::impact_path(&impact.standard, &impact.new),
                    api::impact(impact, self.generated_at).map_err(|e| e.to_string()),
                );
            }
            for scheme in &input.schemes.schemes {
                let clauses = api::standard::Clauses {
                    base: format!("{}standards/{}/", self.renderer.base_url, scheme.slug),
                    pages: self.pages.get(scheme.slug.as_str()),
                };
                let document =
                    api::standard::build(scheme, input.schemes, &clauses, self.generated_at);
                put(
                    &api::standard_path(&scheme.slug),
                    api::standard(&document).map_err(|e| e.to_string()),
                );
            }
            let default_title = self
                .renderer
                .config
                .title
                .get(&self.renderer.config.default_language);
            put(
                api::OPENAPI_PATH,
                api::openapi(
                    self.renderer.base_url,
                    default_title,
                    // The directory writes one organisations CSV, the whole
                    // registry's (`directory`), not one per facet value.
                    &api::Endpoints {
                        organisations_csv: &[super::listings::ORGANISATIONS_CSV],
                        ..api::ENDPOINTS
                    },
                )
                .map_err(|e| e.to_string()),
            );
            let strings = |lang: &str| {
                self.renderer
                    .strings
                    .get(lang)
                    .or_else(|| self.editions.first().map(|e| e.strings))
            };
            let none = BTreeMap::new();
            let wording = export::Wording {
                zh: strings("zh").unwrap_or(&none),
                en: strings("en").unwrap_or(&none),
            };
            put(
                "registry/certificates.csv",
                export::csv::certificates(
                    harvest
                        .entries
                        .each(&failed)
                        .flat_map(|e| e.row.certificates),
                    wording,
                )
                .map_err(|e| e.to_string()),
            );
        }
        for e in self.single_editions() {
            let edition = &self.editions[e];
            let path = format!("{}registry/feed.xml", edition.prefix);
            let view = atom::view(
                &harvest.feed,
                &atom::FeedInput {
                    strings: edition.strings,
                    lang: edition.lang,
                    site_title: self.renderer.config.title.get(edition.lang),
                    urls: Urls {
                        base_url: self.renderer.base_url,
                        edition: &edition.prefix,
                    },
                    path: &path,
                    as_of: input.grades.as_of,
                },
            );
            let mut ctx = Context::new();
            ctx.insert("feed", &view);
            put(
                &path,
                self.tera
                    .render("feed.xml", &ctx)
                    .map(String::into_bytes)
                    .map_err(|e| tera_error(self.theme, &e).message),
            );
        }
    }

    /// The organisations' search index and the search page of each
    /// edition (the standards' index is [`Stream::search_standards`]).
    pub fn search(
        &self,
        harvest: &Harvest,
        facets: &[FacetValue],
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let singles = self.single_editions();
        let views: Vec<Views> = singles.iter().map(|&e| self.views(e)).collect();
        let by_lang = |lang: &str| views.iter().find(|v| v.lang == lang).or(views.first());
        let (Some(zh), Some(en)) = (by_lang("zh"), by_lang("en")) else {
            return Vec::new();
        };
        // Made a block at a time by the index builder: every
        // organisation's record at once would be about 9 KB each.
        let failed = Failed::default();
        let org_record = |i: usize| {
            let Some(e) = failed.keep(harvest.entries.get(i)) else {
                // The build fails (below), so the index written is never
                // published.
                return crate::search::Record {
                    fields: Vec::new(),
                    facets: Vec::new(),
                    date: None,
                    display: serde_json::Value::Null,
                };
            };
            let date = e
                .date
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok());
            search_records::organisation(&e, zh, en).into_record(date)
        };
        let org_labels: Vec<crate::search::FacetLabel> = facets
            .iter()
            .map(|f| crate::search::FacetLabel {
                token: f.token.clone(),
                zh: match f.group("zh") {
                    Some(g) => format!("{g} · {}", f.zh),
                    None => f.zh.clone(),
                },
                en: match f.group("en") {
                    Some(g) => format!("{g} · {}", f.en),
                    None => f.en.clone(),
                },
            })
            .collect();
        // Each file is written as the index builder makes it.
        let put_errors = std::sync::Mutex::new(Vec::new());
        let put = |path: String, bytes: Vec<u8>| {
            if let Err(d) = self
                .out
                .put(&format!("search/organisations/{path}"), &bytes)
            {
                lock(&put_errors).push(d);
            }
        };
        // Nothing in making the index can fail but writing it.
        if self.out.keeps_bytes() {
            crate::search::build_index_of(harvest.entries.len(), &org_record, &org_labels, &put);
        }
        let put_errors = crate::into_inner(put_errors);
        for d in failed.into_error().into_iter().chain(put_errors) {
            diags.push(d);
        }
        for &e in &singles {
            if let Err(d) = self.emit(&self.common(e), e, "search.html", "search/", Context::new())
            {
                diags.push(d);
            }
        }
        vec!["search/".to_string()]
    }

    /// The search index of the standards' text (`search/standards/`),
    /// which owes nothing to the organisations: it is made while the
    /// standards' pages are.
    pub fn search_standards(&self, cache: Option<&Cache>, diags: &mut Diagnostics) {
        // Made from the standards, the UI strings and the site's settings
        // alone, all of which the site's key covers (the registry does
        // not): left as published while that key holds.
        let cached = cache.map(|c| (c, c.derived_key("standards' search index").key()));
        // Nothing in making it can fail but writing it, so an output that
        // keeps no bytes (`check`) is spared it; the record of the files a
        // build published is kept for the next build.
        if !self.out.keeps_bytes() {
            self.keep_recorded(cached);
            return;
        }
        for d in self.unless_cached(cached, || self.standards_index()) {
            diags.push(d);
        }
    }

    /// The files of the standards' search index, written.
    fn standards_index(&self) -> Vec<Result<String, Diagnostic>> {
        let renderer = self.renderer;
        // Clauses: the originals, then each translation, in each language's root.
        let no_pages = BTreeMap::new();
        let mut clause_records = Vec::new();
        let mut labels = Vec::new();
        // Older editions are left out: their clauses would answer twice.
        for doc in renderer
            .documents
            .iter()
            .chain(renderer.translations)
            .filter(|d| !crate::editions::is_page_key(&d.slug))
        {
            let title = |lang: &str| {
                renderer
                    .doc_in(&doc.slug, lang)
                    .map_or(doc.front.title.clone(), |d| d.front.title.clone())
            };
            let root = renderer.lang_root(&doc.lang);
            let doc_pages = self.pages.get(doc.slug.as_str()).unwrap_or(&no_pages);
            clause_records.extend(
                search_records::clauses(doc, &doc.front.title, &root, doc_pages)
                    .into_iter()
                    .map(|s| s.into_record(None)),
            );
            let token = format!("standard={}", doc.slug);
            if !labels
                .iter()
                .any(|l: &crate::search::FacetLabel| l.token == token)
            {
                labels.push(crate::search::FacetLabel {
                    token,
                    zh: title("zh"),
                    en: title("en"),
                });
            }
        }
        for lang in &renderer.config.languages {
            let name = |ui: &str| {
                self.editions
                    .iter()
                    .find(|e| e.lang == ui)
                    .and_then(|e| e.strings.get(&format!("language_name_{lang}")))
                    .cloned()
                    .unwrap_or_else(|| renderer.names.get(lang).cloned().unwrap_or_default())
            };
            labels.push(crate::search::FacetLabel {
                token: format!("lang={lang}"),
                zh: name("zh"),
                en: name("en"),
            });
        }
        crate::search::build_index(&clause_records, &labels)
            .into_iter()
            .map(|(path, bytes)| {
                let path = format!("search/standards/{path}");
                self.out.put(&path, &bytes).map(|()| path)
            })
            .collect()
    }

    /// The documentation pages (API, registry format) of each edition, and
    /// the stylesheet of their highlighted examples.
    pub fn docs(&self, cache: Option<&Cache>, diags: &mut Diagnostics) -> Vec<String> {
        // The pages' keys, for the sitemap: those of the editions'
        // languages (a page that fails to render fails the build).
        let mut keys = vec!["docs/".to_string()];
        for e in self.single_editions() {
            for (_, key) in self.doc_pages(e) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        // Made from the documentation built into dengji, the theme and the
        // site's settings, all of which the site's key covers: left as
        // published while that key holds.
        let cached = cache.map(|c| (c, c.derived_key("documentation").key()));
        for d in self.unless_cached(cached, || self.documentation()) {
            diags.push(d);
        }
        keys
    }

    /// The documentation pages of edition `e`: each one's place in
    /// [`super::docs::SOURCES`] and its page key.
    fn doc_pages(&self, e: usize) -> impl Iterator<Item = (usize, String)> + '_ {
        let lang = self.editions[e].lang;
        super::docs::SOURCES
            .iter()
            .enumerate()
            .filter(move |(_, source)| source.lang == lang)
            .map(|(i, source)| (i, format!("docs/{}/", source.slug)))
    }

    /// The documentation pages and their stylesheet, written.
    fn documentation(&self) -> Vec<Result<String, Diagnostic>> {
        let langs: Vec<&str> = self
            .single_editions()
            .into_iter()
            .map(|e| self.editions[e].lang)
            .collect();
        let rendered = super::docs::render_all(&langs);
        let mut written = Vec::new();
        for e in self.single_editions() {
            let common = self.common(e);
            // The index of this edition's pages, at `docs/`.
            let mut index: Vec<BTreeMap<&'static str, String>> = Vec::new();
            for (source, key) in self.doc_pages(e) {
                let doc = match rendered.pages.get(source).and_then(Option::as_ref) {
                    Some(Ok(doc)) => doc,
                    Some(Err(err)) => {
                        written.push(Err(encoding_error(&key, err)));
                        continue;
                    }
                    None => continue,
                };
                index.push(BTreeMap::from([
                    ("title", doc.title.clone()),
                    (
                        "url",
                        format!("{}{}{key}", self.renderer.base, self.editions[e].prefix),
                    ),
                ]));
                let mut ctx = Context::new();
                ctx.insert("doc", &doc);
                written.push(self.emit(&common, e, "doc.html", &key, ctx));
            }
            let mut ctx = Context::new();
            ctx.insert("docs", &index);
            written.push(self.emit(&common, e, "docs_index.html", "docs/", ctx));
        }
        written.push(match rendered.css {
            Ok(css) => {
                let path = "static/highlight.css";
                self.out
                    .put(path, css.as_bytes())
                    .map(|()| path.to_string())
            }
            Err(e) => Err(encoding_error("static/highlight.css", e)),
        });
        written
    }

    /// `sitemap.xml`: one file, or an index of files of at most
    /// [`SITEMAP_LIMIT`] URLs each, from `pages` in path order. Each
    /// file's entries are made when it is; with a `cache`, a file whose
    /// pages are those it was last made of is left as published.
    pub fn sitemap(&self, pages: &[SitemapPage], cache: Option<&Cache>, diags: &mut Diagnostics) {
        let base_url = self.renderer.base_url;
        let entry = |page: &SitemapPage| SitemapEntry {
            url: format!("{base_url}{}", page.path),
            alternates: match &page.alternates {
                Alternates::Known(known) => known.clone(),
                Alternates::Of { edition, only } => {
                    let has = |e: usize| {
                        if *only {
                            e == *edition
                        } else {
                            !self.editions[e].side_by_side
                        }
                    };
                    let prefix = self.editions[*edition].prefix.len();
                    let key = page.path.get(prefix..).unwrap_or_default();
                    self.renderer.alternates(self.editions, &has, *edition, key)
                }
            },
        };
        let render = |template: &str, ctx: &Context, path: &str| {
            self.tera
                .render(template, ctx)
                .map_err(|e| tera_error(self.theme, &e))
                .and_then(|xml| self.out.put(path, xml.as_bytes()))
                .map(|()| path.to_string())
        };
        // An empty site still has its (empty) sitemap.
        let chunks: Vec<&[SitemapPage]> = if pages.is_empty() {
            vec![pages]
        } else {
            pages.chunks(SITEMAP_LIMIT).collect()
        };
        let single = chunks.len() <= 1;
        let path = |i: usize| {
            if single {
                "sitemap.xml".to_string()
            } else {
                format!("sitemaps/{}.xml", i + 1)
            }
        };
        // One file at a time (its entries made in parallel): a file's
        // entries, as template values, are the largest thing a build holds.
        let errors: Vec<Vec<Diagnostic>> = chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| {
                let path = path(i);
                let cached = cache.map(|cache| {
                    let mut k = cache.derived_key("sitemap");
                    k.part(path.as_bytes());
                    for page in chunk.iter() {
                        k.part(page.path.as_bytes());
                        if let Alternates::Known(known) = &page.alternates {
                            for a in known {
                                k.part(a.hreflang.as_bytes()).part(a.url.as_bytes());
                            }
                        }
                    }
                    (cache, k.key())
                });
                self.unless_cached(cached, || {
                    let entries: Vec<SitemapEntry> = chunk.par_iter().map(entry).collect();
                    let mut ctx = Context::new();
                    ctx.insert("pages", &entries);
                    vec![render("sitemap.xml", &ctx, &path)]
                })
            })
            .collect();
        for d in errors.into_iter().flatten() {
            diags.push(d);
        }
        if single {
            return;
        }
        let files: Vec<String> = (0..chunks.len())
            .map(|i| format!("{base_url}{}", path(i)))
            .collect();
        let mut ctx = Context::new();
        ctx.insert("sitemaps", &files);
        if let Err(d) = render("sitemap_index.xml", &ctx, "sitemap.xml") {
            diags.push(d);
        }
    }
}
