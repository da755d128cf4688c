//! Stage: render the model into the files of the site, in memory.
//!
//! The site is published in *editions*: one per language (the default
//! language at the root, others under `/<lang>/`) and, for each, a
//! side-by-side edition (`side-by-side/`) that shows the original and a
//! translation clause by clause. A page has the same edition-neutral key
//! (`standards/<slug>/7/`) in every edition it exists in, which gives the
//! language switch, hreflang alternates and the sitemap.
//!
//! Pages are rendered in parallel with rayon and collected into a sorted
//! map, so output is the same whatever order threads finish in.

pub mod directory;
mod docs;
mod entries;
mod impact;
mod links;
mod listings;
pub use links::anchor_url;
mod output;
use output::Counted;
pub use output::{Discard, Memory, Output, Site, Stamp};
mod templates;
use templates::tera_error;
pub use templates::{Templates, ui_strings};
mod changes;
pub mod markdown;
pub mod registry;
mod rules;
mod search_records;
mod standards;
mod stream;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::Theme;
use crate::model::Document;
use crate::resolve::Resolution;
use crate::translation::Translations;

pub use stream::OrganisationHarvest;
use stream::Stream;

#[derive(Clone, Default)]
pub struct RenderOptions {
    /// Include the live-reload script (only `serve` sets this).
    pub live_reload: bool,
    /// Overrides `base_url` of site.yaml (`serve` publishes on 127.0.0.1).
    pub base_url: Option<String>,
    /// The build time stamped on the JSON API (RFC 3339); by default the
    /// time of `SOURCE_DATE_EPOCH`, else now (see [`crate::generated_at`]).
    pub generated_at: Option<String>,
}

/// Where the side-by-side view lives inside a language's root.
pub const SIDE_BY_SIDE: &str = "side-by-side/";

/// Site-wide values every template sees as `site`.
#[derive(Clone, Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    /// The UI language code ("zh") and its BCP 47 tag ("zh-CN").
    lang: &'a str,
    lang_tag: &'a str,
    /// The path every link starts with ("/" or "/sub/").
    base_path: String,
    /// This edition's root ("/", "/en/", "/side-by-side/", "/en/side-by-side/").
    root: String,
    /// This language's root, without the view ("/" or "/en/").
    lang_root: String,
    base_url: &'a str,
    side_by_side: bool,
    live_reload: bool,
}

/// One way the site is published: a UI language, and single or side by side.
struct Edition<'a> {
    lang: &'a str,
    side_by_side: bool,
    /// Path prefix inside the site ("", "en/", "side-by-side/", ...).
    prefix: String,
    strings: &'a BTreeMap<String, String>,
    /// `strings` as a template value (`t` of the templates).
    strings_value: &'a tera::Value,
}

/// One page to render: template, edition, key and page-specific context.
struct PageJob {
    template: &'static str,
    edition: usize,
    /// The edition-neutral path ("standards/x/7/", "" for the home page).
    key: String,
    context: Context,
}

/// An entry of the language and view switch.
#[derive(Clone, Serialize)]
struct SwitchLink {
    label: String,
    /// Language of the label, as a BCP 47 tag (empty for the view entry).
    lang_tag: String,
    url: String,
    current: bool,
}

/// Another language version of a page, for hreflang and the sitemap.
#[derive(Clone, Serialize)]
struct Alternate {
    hreflang: String,
    url: String,
}

/// What `base.html` needs to know about the page being rendered.
#[derive(Clone, Serialize)]
struct PageView {
    /// Path from the base URL, e.g. "en/standards/x/7/".
    path: String,
    switch: Vec<SwitchLink>,
    alternates: Vec<Alternate>,
    /// The page in the normative language, on pages that show a translation.
    original_url: Option<String>,
    /// The same page in the other language, for the link beside each clause
    /// heading (a reader deep in a page switches where they are).
    counterpart: Option<Counterpart>,
}

#[derive(Clone, Serialize)]
struct Counterpart {
    url: String,
    /// The other language's short name, in that language ("EN", "中文").
    label: String,
    lang_tag: String,
    /// "This clause in English", in the page's language.
    aria_label: String,
}

#[derive(Serialize)]
struct SitemapEntry {
    url: String,
    alternates: Vec<Alternate>,
}

/// A page of the sitemap before its entry is made: a large registry has
/// over a million, so each entry is made only with its sitemap file.
struct SitemapPage {
    /// The page's path (edition prefix and key).
    path: String,
    alternates: Alternates,
}

enum Alternates {
    /// Made with the page (the standards' pages).
    Known(Vec<Alternate>),
    /// The page of edition `edition` whose path is that edition's prefix
    /// and its key, held by every single-language edition, or by that
    /// edition only.
    Of { edition: usize, only: bool },
}

/// The path part of the base URL ("/" or "/sub/"), which every link starts with.
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".into(),
    }
}

/// Whether page `key` shows a standard's text (its cover, chapters, full
/// text, terms and level pages), which in a translation carries the notice
/// that the Chinese is normative. The translation status page, the
/// registry, search, verification and documentation pages are written in
/// each language, not translated from a normative text.
fn shows_standard_text(key: &str) -> bool {
    let mut segments = key.split('/').filter(|s| !s.is_empty());
    segments.next() == Some("standards")
        && segments.next().is_some()
        && segments.next() != Some("translation")
}

/// Everything the page builders share.
struct Renderer<'a> {
    config: &'a Config,
    base: String,
    base_url: &'a str,
    live_reload: bool,
    documents: &'a [Document],
    translations: &'a [Document],
    resolution: &'a Resolution,
    status: &'a Translations,
    comparisons: &'a [crate::compare::Comparison],
    pub(crate) impacts: &'a [crate::impact::Impact],
    templates: &'a links::InlineTemplates,
    /// BCP 47 tag per language code.
    tags: BTreeMap<String, String>,
    /// Each language's name in itself ("中文", "English").
    names: BTreeMap<String, String>,
    /// UI strings per language.
    strings: &'a BTreeMap<String, BTreeMap<String, String>>,
    registry: registry::RegistryInput<'a>,
}

/// Everything the earlier stages produced that pages show.
#[derive(Clone)]
pub struct RenderInput<'a> {
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub documents: &'a [Document],
    pub translations: &'a [Document],
    pub resolution: &'a Resolution,
    pub status: &'a Translations,
    pub registry: registry::RegistryInput<'a>,
    /// Each edition of a standard compared with the one before.
    pub comparisons: &'a [crate::compare::Comparison],
    /// Each edition's effect on the registry's grades.
    pub impacts: &'a [crate::impact::Impact],
    /// RFC 3339 time stamped on the JSON API files.
    pub generated_at: String,
}

/// How [`render_with`] treats the organisations.
pub enum Organisations<'h> {
    /// Render none of them (`serve` renders one on request,
    /// [`render_organisation`]); what they leave for the directory, search
    /// and exports is given, one per organisation in registry order.
    Harvested(&'h [std::sync::Arc<OrganisationHarvest>]),
    /// Render every organisation of this registry (the analysis' own,
    /// moved here; that of the input is not read): each is graded, its
    /// pages written, and its report and its file dropped, leaving what
    /// the directory needs.
    Render(crate::registry::Registry),
}

/// The site's editions and the page builders over them.
fn setup<'a>(
    templates: &'a Templates,
    input: &RenderInput<'a>,
    options: &'a RenderOptions,
) -> (Vec<Edition<'a>>, Renderer<'a>) {
    let config = input.config;
    let strings = &templates.strings;
    let default_lang = config.default_language.as_str();
    let has_translations = config.languages.len() > 1;
    let mut editions: Vec<Edition> = Vec::new();
    for side_by_side in [false, true] {
        if side_by_side && !has_translations {
            continue;
        }
        for lang in &config.languages {
            let (Some(strings), Some(strings_value)) = (
                strings.get(lang.as_str()),
                templates.string_values.get(lang.as_str()),
            ) else {
                continue;
            };
            let lang_prefix = if lang == default_lang {
                String::new()
            } else {
                format!("{lang}/")
            };
            editions.push(Edition {
                lang,
                side_by_side,
                prefix: if side_by_side {
                    format!("{lang_prefix}{SIDE_BY_SIDE}")
                } else {
                    lang_prefix
                },
                strings,
                strings_value,
            });
        }
    }
    let base_url = options.base_url.as_deref().unwrap_or(&config.base_url);
    let renderer = Renderer {
        config,
        base: base_path(base_url),
        base_url,
        live_reload: options.live_reload,
        documents: input.documents,
        translations: input.translations,
        resolution: input.resolution,
        status: input.status,
        comparisons: input.comparisons,
        impacts: input.impacts,
        templates: &templates.inline,
        tags: strings
            .iter()
            .map(|(lang, s)| (lang.to_string(), s["lang_tag"].clone()))
            .collect(),
        names: strings
            .iter()
            .map(|(lang, s)| (lang.to_string(), s["language_name"].clone()))
            .collect(),
        strings,
        registry: input.registry,
    };
    (editions, renderer)
}

/// The organisations at `indices` of the registry: with `out`, their
/// pages (each one's page in every language, its certificates'
/// verification pages, its JSON file) written there exactly as [`render`]
/// writes them; without, only harvested. Returns what each leaves for the
/// directory, search and exports, in the order of `indices`.
pub fn render_organisations(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    indices: &[usize],
    out: Option<&dyn Output>,
) -> Result<Vec<OrganisationHarvest>, Diagnostics> {
    let (editions, renderer) = setup(templates, &input, &options);
    let counted = Counted::new(out.unwrap_or(&Discard));
    let stream = Stream::new(
        &renderer,
        &templates.tera,
        input.theme,
        &editions,
        &counted,
        &input.generated_at,
    );
    let registry = input.registry;
    let cx = stream.organisation_context(out.is_some());
    let results: Vec<Result<(OrganisationHarvest, Vec<Diagnostic>), Diagnostic>> = indices
        .par_iter()
        .map(|&i| match registry.registry.organisations.get(i) {
            Some(org) => {
                let og = registry
                    .grades
                    .organisation(registry.registry, i, org, registry.schemes);
                let rendered = stream.organisation(&cx, org, &og, out.is_some());
                Ok((rendered.harvest, rendered.errors))
            }
            None => Err(Diagnostic::error(
                Location::file("registry"),
                format!("no organisation at position {i} of the registry"),
            )),
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut harvested = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok((one, errors)) => {
                harvested.push(one);
                errors.into_iter().for_each(|d| diags.push(d));
            }
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(harvested)
}

/// The pages of the standard `slug` in every edition (side by side
/// included), written into `out` exactly as [`render`] writes them
/// (`serve` renders a standard's pages apart from the rest of the site).
/// Returns how many files were written.
pub fn render_document(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    slug: &str,
    out: &dyn Output,
) -> Result<usize, Diagnostics> {
    render_apart(
        templates,
        input,
        options,
        standards::Jobs::Standard(slug),
        out,
    )
}

/// The site's own pages (home, the standards' index, 404) and the
/// documentation pages with their stylesheet, in every language, written
/// into `out` exactly as [`render`] writes them (`serve` renders them
/// apart from the rest of the site, which a registry edit makes anew).
/// Returns how many files were written.
pub fn render_site_pages(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    out: &dyn Output,
) -> Result<usize, Diagnostics> {
    render_apart(templates, input, options, standards::Jobs::Site, out)
}

/// The pages `jobs` names (with the site's own pages, the documentation
/// too), written into `out`; how many files.
fn render_apart(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    jobs: standards::Jobs,
    out: &dyn Output,
) -> Result<usize, Diagnostics> {
    let (editions, renderer) = setup(templates, &input, &options);
    let out = Counted::new(out);
    let mut diags = Diagnostics::new();
    let pages = renderer.page_jobs(&editions, jobs);
    render_jobs(
        &renderer,
        &editions,
        &templates.tera,
        input.theme,
        pages,
        &out,
        &mut diags,
    );
    if matches!(jobs, standards::Jobs::Site) {
        let stream = Stream::new(
            &renderer,
            &templates.tera,
            input.theme,
            &editions,
            &out,
            &input.generated_at,
        );
        stream.docs(None, &mut diags);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out.files.into_inner())
}

/// The directory's organisations, gathered once from their harvests
/// (in registry order) so that its pages can be rendered one at a time
/// ([`render_directory_page`]).
pub struct Directory(stream::Harvest);

impl Directory {
    pub fn of(harvested: &[std::sync::Arc<OrganisationHarvest>]) -> Result<Directory, Diagnostics> {
        stream::Harvest::of(harvested.iter().map(|h| &**h))
            .map(Directory)
            .map_err(|d| Diagnostics::from_iter([d]))
    }
}

/// The search pages and both search indexes (the organisations', from
/// `directory`, and the standards'), written into `out` exactly as
/// [`render`] writes them (`serve` renders them on request).
pub fn render_search(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    directory: &Directory,
    out: &dyn Output,
) -> Result<usize, Diagnostics> {
    over_directory(
        templates,
        input,
        options,
        directory,
        out,
        |stream, facets, diags| {
            stream.search(&directory.0, facets, diags);
            stream.search_standards(None, diags);
            stream.out.files.load(std::sync::atomic::Ordering::Relaxed)
        },
    )
}

/// The directory page of edition-neutral key `key` (a listing or one of
/// its pages, a facet index, the verification form, a page of the
/// certificate numbers) in every language, written into `out` exactly as
/// [`render`] writes it (`serve` renders each on request, not the whole
/// directory after every registry edit). Returns whether `key` is such a
/// page.
pub fn render_directory_page(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    directory: &Directory,
    key: &str,
    out: &dyn Output,
) -> Result<bool, Diagnostics> {
    over_directory(
        templates,
        input,
        options,
        directory,
        out,
        |stream, facets, diags| {
            let keys = stream.directory(&directory.0, facets, None, Some(key), diags);
            keys.iter().any(|k| k == key)
        },
    )
}

/// What `make` renders, given a stream into `out` and the facets of
/// `directory`; its diagnostics fail it if any is an error.
fn over_directory<T>(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    directory: &Directory,
    out: &dyn Output,
    make: impl FnOnce(&Stream, &[directory::FacetValue], &mut Diagnostics) -> T,
) -> Result<T, Diagnostics> {
    let (editions, renderer) = setup(templates, &input, &options);
    let out = Counted::new(out);
    let stream = Stream::new(
        &renderer,
        &templates.tera,
        input.theme,
        &editions,
        &out,
        &input.generated_at,
    );
    let facets = stream.facets(&directory.0);
    let mut diags = Diagnostics::new();
    let made = make(&stream, &facets, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(made)
}

/// Renders `jobs` into `out`; returns their sitemap pages (the 404
/// pages have none), in the order of the jobs.
fn render_jobs(
    renderer: &Renderer,
    editions: &[Edition],
    tera: &Tera,
    theme: &Theme,
    jobs: Vec<PageJob>,
    out: &Counted,
    diags: &mut Diagnostics,
) -> Vec<SitemapPage> {
    // Which edition has which page, for each page's alternates.
    let keys: Vec<BTreeSet<&str>> = (0..editions.len())
        .map(|e| {
            jobs.iter()
                .filter(|j| j.edition == e)
                .map(|j| j.key.as_str())
                .collect()
        })
        .collect();
    let pages: Vec<PageView> = jobs
        .iter()
        .map(|job| {
            renderer.page_view(
                editions,
                &|e| keys[e].contains(job.key.as_str()),
                job.edition,
                &job.key,
            )
        })
        .collect();
    let sitemap: Vec<SitemapPage> = jobs
        .iter()
        .zip(&pages)
        .filter(|(job, _)| job.template != "404.html")
        .map(|(_, page)| SitemapPage {
            path: page.path.clone(),
            alternates: Alternates::Known(page.alternates.clone()),
        })
        .collect();
    drop(keys);
    let rendered: Vec<Result<(), Diagnostic>> = jobs
        .into_par_iter()
        .zip(pages.into_par_iter())
        .map(|(mut job, page)| {
            let path = if job.template == "404.html" {
                format!("{}404.html", editions[job.edition].prefix)
            } else {
                format!("{}index.html", page.path)
            };
            job.context.insert("page", &page);
            job.context.insert("page_path", &page.path);
            let html = tera
                .render(job.template, &job.context)
                .map_err(|e| tera_error(theme, &e))?;
            out.put(&path, html.as_bytes())
        })
        .collect();
    for d in rendered.into_iter().filter_map(Result::err) {
        diags.push(d);
    }
    sitemap
}

/// As [`render`], with the theme's templates given and the organisations
/// rendered or not as `organisations` says.
pub fn render_with(
    templates: &Templates,
    input: RenderInput,
    options: RenderOptions,
    out: &dyn Output,
    organisations: Organisations,
    cache: Option<&crate::cache::Cache>,
) -> Result<usize, Diagnostics> {
    let (editions, renderer) = setup(templates, &input, &options);
    let RenderInput {
        theme,
        generated_at,
        ..
    } = input;
    let tera = &templates.tera;
    let mut diags = Diagnostics::new();
    let out = Counted::new(out);
    let stream = Stream::new(&renderer, tera, theme, &editions, &out, &generated_at);
    // The organisations' pages, streamed one organisation at a time, and
    // what owes nothing to them (the standards' pages, the documentation
    // and the standards' search index) are made together, so that neither
    // leaves a core idle while the other ends.
    out.stage("organisation and standards' pages");
    let (mut org_diags, mut page_diags, mut side_diags) =
        (Diagnostics::new(), Diagnostics::new(), Diagnostics::new());
    let (harvest, (mut sitemap, doc_keys)) = rayon::join(
        || match organisations {
            Organisations::Harvested(harvested) => {
                stream::Harvest::of(harvested.iter().map(|h| &**h)).unwrap_or_else(|d| {
                    org_diags.push(d);
                    stream::Harvest::empty()
                })
            }
            Organisations::Render(registry) => {
                stream.organisations(registry, cache, &mut org_diags)
            }
        },
        || {
            rayon::join(
                || {
                    let jobs = renderer.page_jobs(&editions, standards::Jobs::All);
                    render_jobs(
                        &renderer,
                        &editions,
                        tera,
                        theme,
                        jobs,
                        &out,
                        &mut page_diags,
                    )
                },
                || {
                    let keys = stream.docs(cache, &mut side_diags);
                    stream.search_standards(cache, &mut side_diags);
                    keys
                },
            )
        },
    );
    // A fixed order, whichever part ends first: output is deterministic.
    diags.extend(page_diags);
    diags.extend(side_diags);
    diags.extend(org_diags);

    // The directory listings, built from the light entries the
    // organisations left behind.
    let facets = stream.facets(&harvest);
    out.stage("directory listings");
    let listing_keys = stream.directory(&harvest, &facets, cache, None, &mut diags);
    out.stage("search indexes");
    let search_keys = stream.search(&harvest, &facets, &mut diags);
    out.stage("exports and feeds");
    stream.exports(&harvest, &mut diags);
    out.stage("sitemap");
    let single: Vec<usize> = (0..editions.len())
        .filter(|&e| !editions[e].side_by_side)
        .collect();
    let page = |edition: usize, key: &str, only: bool| SitemapPage {
        path: format!("{}{key}", editions[edition].prefix),
        alternates: Alternates::Of { edition, only },
    };
    for key in harvest
        .keys
        .iter()
        .chain(&listing_keys)
        .chain(&search_keys)
        .chain(&doc_keys)
    {
        sitemap.extend(single.iter().map(|&e| page(e, key, false)));
    }
    if let Some(e) = stream.default_edition() {
        sitemap.extend(harvest.default_keys.iter().map(|key| page(e, key, true)));
    }
    drop(harvest);

    sitemap.sort_by(|a, b| a.path.cmp(&b.path));
    stream.sitemap(&sitemap, cache, &mut diags);
    // The JSON Schemas of the registry files and of `dengji diff --format json`.
    for (path, schema) in [
        ("registry.schema.json", crate::registry::schema_json()),
        ("diff.schema.json", crate::diff::schema_json()),
    ] {
        match schema {
            Ok(json) => {
                if let Err(d) = out.put(path, format!("{json}\n").as_bytes()) {
                    diags.push(d);
                }
            }
            Err(e) => diags.push(Diagnostic::error(
                crate::diag::Location::file("registry"),
                format!("cannot encode {path}: {e}"),
            )),
        }
    }
    for (path, bytes) in &theme.static_files {
        if let Err(d) = out.put(&format!("static/{path}"), bytes) {
            diags.push(d);
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out.files.load(std::sync::atomic::Ordering::Relaxed))
}

impl Renderer<'_> {
    fn tag(&self, lang: &str) -> String {
        self.tags
            .get(lang)
            .cloned()
            .unwrap_or_else(|| lang.to_string())
    }

    /// In text of `lang`, the tag runs of the original language are marked
    /// with (none in the original itself).
    fn foreign_tag(&self, lang: &str) -> Option<&str> {
        (lang != self.config.default_language)
            .then(|| self.tags.get(&self.config.default_language))
            .flatten()
            .map(String::as_str)
    }

    fn lang_root(&self, lang: &str) -> String {
        if lang == self.config.default_language {
            self.base.clone()
        } else {
            format!("{}{lang}/", self.base)
        }
    }

    /// The translation of `slug` into `lang`, or the original when `lang`
    /// is the default language.
    fn doc_in(&self, slug: &str, lang: &str) -> Option<&Document> {
        if lang == self.config.default_language {
            self.documents.iter().find(|d| d.slug == slug)
        } else {
            self.translations
                .iter()
                .find(|d| d.slug == slug && d.lang == lang)
        }
    }

    /// The language a side-by-side edition pairs with the original.
    fn partner<'e>(&'e self, edition: &'e Edition) -> Option<&'e str> {
        if edition.lang != self.config.default_language {
            return Some(edition.lang);
        }
        self.config
            .languages
            .iter()
            .find(|l| **l != self.config.default_language)
            .map(String::as_str)
    }

    /// The language versions of page `key` of edition `edition` (its
    /// hreflang alternates): the editions of the same kind that `has`.
    fn alternates(
        &self,
        editions: &[Edition],
        has: &dyn Fn(usize) -> bool,
        edition: usize,
        key: &str,
    ) -> Vec<Alternate> {
        let side_by_side = editions[edition].side_by_side;
        editions
            .iter()
            .enumerate()
            .filter(|(i, e)| e.side_by_side == side_by_side && has(*i))
            .map(|(_, e)| Alternate {
                hreflang: self.tag(e.lang),
                url: format!("{}{}{}", self.base_url, e.prefix, key),
            })
            .collect()
    }

    /// The page `key` of edition `edition`; `has` tells which editions have
    /// the same page.
    fn page_view(
        &self,
        editions: &[Edition],
        has: &dyn Fn(usize) -> bool,
        edition: usize,
        key: &str,
    ) -> PageView {
        let alternates = self.alternates(editions, has, edition, key);
        let edition = &editions[edition];
        let url = |e: &Edition| format!("{}{}{}", self.base, e.prefix, key);
        // Text-language entries, then the side-by-side view of this UI language.
        let mut switch: Vec<SwitchLink> = editions
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.side_by_side)
            .map(|(i, e)| SwitchLink {
                label: e.strings["language_name"].clone(),
                lang_tag: self.tag(e.lang),
                url: if has(i) {
                    url(e)
                } else {
                    format!("{}{}", self.base, e.prefix)
                },
                current: !edition.side_by_side && e.lang == edition.lang,
            })
            .collect();
        if let Some((i, e)) = editions
            .iter()
            .enumerate()
            .find(|(_, e)| e.side_by_side && e.lang == edition.lang)
            && has(i)
        {
            switch.push(SwitchLink {
                label: edition.strings["view_side_by_side"].clone(),
                lang_tag: String::new(),
                url: url(e),
                current: edition.side_by_side,
            });
        }
        let shows_translation = (edition.side_by_side
            || edition.lang != self.config.default_language)
            && shows_standard_text(key);
        let original_url = shows_translation.then(|| {
            let original = editions
                .iter()
                .enumerate()
                .find(|(_, e)| !e.side_by_side && e.lang == self.config.default_language);
            match original {
                Some((i, e)) if has(i) => url(e),
                _ => self.base.clone(),
            }
        });
        // The other language: the original from a translation, the first
        // translation from the original.
        let other_lang = if edition.lang == self.config.default_language {
            self.config.languages.get(1).map(String::as_str)
        } else {
            Some(self.config.default_language.as_str())
        };
        let counterpart = editions
            .iter()
            .enumerate()
            .find(|(i, e)| !e.side_by_side && Some(e.lang) == other_lang && has(*i))
            .filter(|_| !edition.side_by_side)
            .map(|(_, e)| Counterpart {
                url: url(e),
                label: e.strings["language_short"].clone(),
                lang_tag: self.tag(e.lang),
                aria_label: edition.strings["clause_in_other_language"].clone(),
            });
        PageView {
            path: format!("{}{}", edition.prefix, key),
            switch,
            alternates,
            original_url,
            counterpart,
        }
    }

    fn site_view<'s>(&'s self, edition: &Edition<'s>) -> SiteView<'s> {
        SiteView {
            title: self.config.title.get(edition.lang),
            description: self
                .config
                .description
                .as_ref()
                .map_or("", |d| d.get(edition.lang)),
            lang: edition.lang,
            lang_tag: self.tags.get(edition.lang).map_or("", String::as_str),
            base_path: self.base.clone(),
            root: format!("{}{}", self.base, edition.prefix),
            lang_root: self.lang_root(edition.lang),
            base_url: self.base_url,
            side_by_side: edition.side_by_side,
            live_reload: self.live_reload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_from_base_url() {
        assert_eq!(base_path("https://example.org/"), "/");
        assert_eq!(base_path("https://example.org/sub/"), "/sub/");
        assert_eq!(base_path("https://example.org"), "/");
    }
}
