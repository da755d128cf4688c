//! The registry's pages, rendered and written one at a time: each
//! organisation's page and certificate verification pages, the directory
//! listings (the whole registry and every facet value, paginated, and an
//! index page per facet kind) and the
//! sitemap. Nothing here holds more than one organisation's report at once,
//! so memory grows with the light directory entries only.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tera::{Context, Tera};

use crate::cache::Cache;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::export::{self, Urls, api, atom};
use crate::grade::report::Reporter;
use crate::load::Theme;
use crate::registry::Registry;

use super::directory::{self, Entry, FacetValue};
use super::registry::{RowView, Views};
use super::search_records;
use super::{Counted, Edition, Renderer, SitemapEntry, Stamp, tera_error};

/// URLs per sitemap file (the sitemaps.org limit).
const SITEMAP_LIMIT: usize = 50_000;

/// The CSV of every organisation.
const ORGANISATIONS_CSV: &str = "registry/organisations.csv";

/// Certificate numbers per page of the number list (`verify/numbers/`).
const NUMBERS_PER_PAGE: usize = 500;

/// A standard on the verification form's page.
#[derive(Serialize)]
struct StandardView {
    slug: String,
    title: String,
    url: String,
    lifecycle_readings: Vec<super::registry::ReadingView>,
}

/// A page of the certificate number list.
#[derive(Serialize)]
struct NumbersView {
    /// Certificates in the registry.
    count: usize,
    /// The numbers this page lists (empty on the index of a long list).
    rows: Vec<NumberRow>,
    /// On the index of a list longer than a page: the numbers each page
    /// runs from and to.
    ranges: Vec<NumberRange>,
    /// The page's number, on a page of a long list.
    page: Option<usize>,
    index_url: String,
}

#[derive(Serialize)]
struct NumberRow {
    number: String,
    /// The certificate's verification page.
    url: String,
    holder: String,
    status: &'static str,
    status_label: String,
}

#[derive(Serialize)]
struct NumberRange {
    first: String,
    last: String,
    url: String,
}

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
    /// Directory entries (with the export rows), in registry order.
    pub entries: Vec<Entry>,
    /// The newest changes for the feed.
    pub feed: Vec<atom::FeedEntry>,
    /// Keys of the pages written in every single-language edition.
    pub keys: Vec<String>,
    /// Keys of the pages written in the default language's edition only,
    /// which answer in every language (certificates' verification pages).
    pub default_keys: Vec<String>,
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
}

impl Harvest {
    /// The harvest of every organisation, in registry order.
    pub fn gather(organisations: impl ExactSizeIterator<Item = OrganisationHarvest>) -> Harvest {
        let mut harvest = Harvest {
            entries: Vec::with_capacity(organisations.len()),
            feed: Vec::new(),
            keys: Vec::new(),
            default_keys: Vec::new(),
        };
        let mut latest = atom::Latest::new(atom::LIMIT);
        for one in organisations {
            harvest.entries.push(one.entry);
            latest.extend(one.feed);
            harvest.keys.extend(one.keys);
            harvest.default_keys.extend(one.default_keys);
        }
        harvest.feed = latest.into_sorted();
        harvest
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

    fn text(&self) -> &str {
        match self {
            OrganisationSource::Parsed(o) => &o.text,
            OrganisationSource::Unparsed(u) => &u.text,
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
fn encoding_error(path: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Location::file(path), format!("cannot encode `{path}`: {e}"))
}

/// A listing page of the directory, in one language.
#[derive(Serialize)]
struct ListingView {
    /// The facet value listed, if any ("北京市"; "三级 · <standard>" for a
    /// level or category, whose names repeat across standards), its token
    /// (`region=beijing`, which the filters start from; empty for the
    /// whole registry), its kind ("地区")
    /// and the kind's index page.
    facet: Option<String>,
    facet_token: String,
    facet_kind: Option<String>,
    kind_url: Option<String>,
    /// The page's heading for a facet: for a level it names the standard
    /// and says the level is the computed one.
    heading: Option<String>,
    /// On a level's listing: which way the standard's levels run, and that
    /// rows show registered levels.
    level_scale: Option<String>,
    level_intro: Option<String>,
    /// Whether rows show only the certificates of the facet
    /// ([`directory::Scope`]).
    scoped: bool,
    count: usize,
    rows: Vec<RowView>,
    page: usize,
    pages: usize,
    pager: Vec<PagerLink>,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// The first row's position (1-based), for "51–100 of 1,234".
    first: usize,
    last: usize,
    all_url: String,
    /// The facet kinds' index pages.
    kinds: Vec<KindLink>,
    index_url: String,
    as_of: String,
}

#[derive(Serialize)]
struct PagerLink {
    /// `None` for a gap ("…").
    number: Option<usize>,
    url: String,
    current: bool,
}

/// A facet kind's index page, as a link.
#[derive(Serialize)]
struct KindLink {
    kind: &'static str,
    label: String,
    url: String,
    current: bool,
}

/// The index page of one facet kind (`facets.html`).
#[derive(Serialize)]
struct FacetIndexView {
    kind: &'static str,
    label: String,
    level_intro: Option<String>,
    /// The values, under their standard for categories and levels.
    groups: Vec<FacetGroup>,
    kinds: Vec<KindLink>,
    all_url: String,
    as_of: String,
}

#[derive(Serialize)]
struct FacetGroup {
    /// The standard of the group's categories or levels.
    title: Option<String>,
    /// Which way that standard's levels run, for levels.
    level_scale: Option<String>,
    options: Vec<FacetOption>,
}

#[derive(Serialize)]
struct FacetOption {
    token: String,
    label: String,
    count: usize,
    url: String,
}

impl Stream<'_> {
    fn single_editions(&self) -> Vec<usize> {
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

    fn common(&self, e: usize) -> Context {
        let edition = &self.editions[e];
        let mut ctx = Context::new();
        ctx.insert("site", &self.renderer.site_view(edition));
        ctx.insert("t", edition.strings_value);
        ctx
    }

    fn views(&self, e: usize) -> Views<'_> {
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
        }
    }

    /// Renders `template` as page `key` of edition `e` and writes it.
    fn emit(
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

    /// What rendering any one organisation needs, prepared once.
    pub fn organisation_context(&self) -> OrganisationContext<'_> {
        let input = self.renderer.registry;
        OrganisationContext {
            reporter: Reporter::new(input.schemes, input.grades),
            editions: self
                .single_editions()
                .into_iter()
                .map(|e| (e, self.common(e), self.views(e)))
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
        let cx = self.organisation_context();
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
        let results: Vec<(Option<OrganisationHarvest>, Vec<Diagnostic>)> = files
            .into_par_iter()
            .enumerate()
            .map(|(index, source)| {
                let key = cache.map(|c| {
                    let name = source.file().file_name().unwrap_or_default();
                    (c, c.key(&name.to_string_lossy(), source.text()))
                });
                if let Some((cache, key)) = &key
                    && let Some((hit, record)) = cache.take::<Cached<OrganisationHarvest>>(key)
                    && self.out.keep(&hit.files)
                {
                    cache.record_again(key, record);
                    return (Some(hit.harvest), Vec::new());
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
                let rendered = self.organisation(&cx, &org, &og, true);
                if let Some((cache, key)) = &key
                    && rendered.errors.is_empty()
                {
                    let files = rendered
                        .written
                        .into_iter()
                        .map(|path| {
                            let stamp = self.out.stamp(&path);
                            (path, stamp)
                        })
                        .collect();
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
            .collect();
        let mut one_by_one = Vec::with_capacity(results.len());
        for (harvested, errors) in results {
            one_by_one.extend(harvested);
            for d in errors {
                diags.push(d);
            }
        }
        Harvest::gather(one_by_one.into_iter())
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
        if write {
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
        let as_of = input.grades.as_of.to_string();
        let mut put = |path: &str, bytes: Result<Vec<u8>, String>| {
            let result = bytes
                .map_err(|e| encoding_error(path, e))
                .and_then(|b| self.out.put(path, &b));
            if let Err(d) = result {
                diags.push(d);
            }
        };
        put(
            api::INDEX_PATH,
            api::index(
                harvest.entries.iter().map(|e| &e.row),
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
            let document = api::standard::build(scheme, input.schemes, &clauses, self.generated_at);
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
                    organisations_csv: &[ORGANISATIONS_CSV],
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
                harvest.entries.iter().flat_map(|e| &e.row.certificates),
                wording,
            )
            .map_err(|e| e.to_string()),
        );
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

    /// The two search indexes (organisations; the standards' clauses in
    /// every language) and the search page of each edition.
    pub fn search(
        &self,
        harvest: &Harvest,
        facets: &[FacetValue],
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let renderer = self.renderer;
        let singles = self.single_editions();
        let views: Vec<Views> = singles.iter().map(|&e| self.views(e)).collect();
        let by_lang = |lang: &str| views.iter().find(|v| v.lang == lang).or(views.first());
        let (Some(zh), Some(en)) = (by_lang("zh"), by_lang("en")) else {
            return Vec::new();
        };
        // Made a block at a time by the index builder: every
        // organisation's record at once would be about 9 KB each.
        let org_record = |i: usize| {
            let e = &harvest.entries[i];
            let date = e
                .date
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok());
            search_records::organisation(e, zh, en).into_record(date)
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
        let mut put_index = |folder: &str, files: Vec<(String, Vec<u8>)>| {
            for (path, bytes) in files {
                if let Err(d) = self.out.put(&format!("search/{folder}/{path}"), &bytes) {
                    diags.push(d);
                }
            }
        };
        put_index(
            "organisations",
            crate::search::build_index_of(harvest.entries.len(), &org_record, &org_labels),
        );

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
        put_index(
            "standards",
            crate::search::build_index(&clause_records, &labels),
        );

        for &e in &singles {
            if let Err(d) = self.emit(&self.common(e), e, "search.html", "search/", Context::new())
            {
                diags.push(d);
            }
        }
        vec!["search/".to_string()]
    }

    /// The documentation pages (API, registry format) of each edition, and
    /// the stylesheet of their highlighted examples.
    pub fn docs(&self, diags: &mut Diagnostics) -> Vec<String> {
        let mut keys = Vec::new();
        for e in self.single_editions() {
            let common = self.common(e);
            // The index of this edition's pages, at `docs/`.
            let mut index: Vec<BTreeMap<&'static str, String>> = Vec::new();
            for source in super::docs::SOURCES
                .iter()
                .filter(|s| s.lang == self.editions[e].lang)
            {
                let key = format!("docs/{}/", source.slug);
                let doc = match super::docs::render_doc(source.markdown) {
                    Ok(doc) => doc,
                    Err(err) => {
                        diags.push(encoding_error(&key, err));
                        continue;
                    }
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
                if let Err(d) = self.emit(&common, e, "doc.html", &key, ctx) {
                    diags.push(d);
                }
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            let mut ctx = Context::new();
            ctx.insert("docs", &index);
            if let Err(d) = self.emit(&common, e, "docs_index.html", "docs/", ctx) {
                diags.push(d);
            }
        }
        keys.insert(0, "docs/".to_string());
        match super::docs::highlight_css() {
            Ok(css) => {
                if let Err(d) = self.out.put("static/highlight.css", css.as_bytes()) {
                    diags.push(d);
                }
            }
            Err(e) => diags.push(encoding_error("static/highlight.css", e)),
        }
        keys
    }

    /// Writes the directory listings and the verification form; returns
    /// the page keys written.
    /// Every facet value of the harvested entries, labelled in both
    /// languages.
    pub fn facets(&self, harvest: &Harvest) -> Vec<FacetValue> {
        let strings_of = |lang: &str| {
            self.editions
                .iter()
                .find(|e| e.lang == lang)
                .map(|e| e.strings)
        };
        let label = |lang: &str, key: &str| {
            strings_of(lang)
                .and_then(|s| s.get(key))
                .cloned()
                .unwrap_or_else(|| key.to_string())
        };
        let status_label = |status: &str| {
            let key = format!("status_{}", status.replace('-', "_"));
            (label("zh", &key), label("en", &key))
        };
        directory::facets(
            &harvest.entries,
            self.renderer.registry.schemes,
            &status_label,
        )
    }

    pub fn directory(
        &self,
        harvest: &Harvest,
        facets: &[FacetValue],
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let entries = &harvest.entries[..];
        let input = self.renderer.registry;
        let everyone: Vec<usize> = (0..entries.len()).collect();
        // The index, then one listing per facet value.
        let listings: Vec<(Option<&FacetValue>, &[usize])> = std::iter::once((None, &everyone[..]))
            .chain(facets.iter().map(|f| (Some(f), &f.members[..])))
            .collect();
        // The whole registry as CSV (with the certificates' CSV of
        // `exports`); a facet's rows are a filter of it.
        let path = ORGANISATIONS_CSV;
        let csv = export::csv::organisations(entries.iter().map(|e| &e.row))
            .map_err(|e| encoding_error(path, e))
            .and_then(|bytes| self.out.put(path, &bytes));
        if let Err(d) = csv {
            diags.push(d);
        }
        let mut tasks = Vec::new();
        for (l, (_, members)) in listings.iter().enumerate() {
            for page in 1..=directory::page_count(members.len()) {
                tasks.push((l, page));
            }
        }
        let editions: Vec<(usize, Context, Views)> = self
            .single_editions()
            .into_iter()
            .map(|e| (e, self.common(e), self.views(e)))
            .collect();
        let results: Vec<Result<String, Diagnostic>> = tasks
            .par_iter()
            .flat_map_iter(|&(l, page)| {
                let (facet, order) = listings[l];
                let root = match facet {
                    Some(f) => format!("registry/{}", f.path),
                    None => "registry/".to_string(),
                };
                let key = directory::page_path(&root, page);
                editions
                    .iter()
                    .map(|(e, common, views)| {
                        let view = self.listing(views, facets, facet, &root, order, page, entries);
                        let mut ctx = Context::new();
                        ctx.insert("listing", &view);
                        self.emit(common, *e, "directory.html", &key, ctx)?;
                        Ok(key.clone())
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut keys = Vec::new();
        for r in results {
            match r {
                Ok(key) => {
                    if keys.last() != Some(&key) {
                        keys.push(key)
                    }
                }
                Err(d) => diags.push(d),
            }
        }
        keys.extend(self.facet_indexes(facets, &editions, diags));
        for (e, common, views) in &editions {
            let mut ctx = Context::new();
            ctx.insert("as_of", &input.grades.as_of.to_string());
            ctx.insert(
                "certificate_count",
                &entries
                    .iter()
                    .map(|e| e.row.certificates.len())
                    .sum::<usize>(),
            );
            ctx.insert("standards", &self.standards(*e, views));
            ctx.insert("numbers_url", &format!("{}verify/numbers/", views.root));
            ctx.insert("verify_root", &format!("{}verify/", views.verify_root));
            ctx.insert("verify_fragment", &views.verify_fragment());
            if let Err(d) = self.emit(common, *e, "verify.html", "verify/", ctx) {
                diags.push(d);
            }
        }
        keys.push("verify/".into());
        keys.extend(self.certificate_numbers(entries, &editions, diags));
        keys
    }

    /// The certificate numbers in order, each linking to its verification
    /// page: the way to verify a number without JavaScript on a static
    /// host (the form's lookup needs a script to build the address).
    /// `verify/numbers/` lists them, or, when they fill more than one
    /// page, the range of numbers on each page `verify/numbers/<n>/`.
    fn certificate_numbers(
        &self,
        entries: &[Entry],
        editions: &[(usize, Context, Views)],
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let mut certificates: Vec<(String, &Entry, &export::CertificateRow)> = entries
            .iter()
            .flat_map(|e| e.row.certificates.iter().map(move |c| (e, c)))
            .map(|(e, c)| (crate::registry::number_slug(&c.number), e, c))
            .collect();
        certificates.sort_by(|a, b| (&a.0, &a.2.number).cmp(&(&b.0, &b.2.number)));
        let chunks: Vec<_> = certificates.chunks(NUMBERS_PER_PAGE).collect();
        let path = |page: usize| {
            if page == 1 && chunks.len() == 1 {
                "verify/numbers/".to_string()
            } else {
                format!("verify/numbers/{page}/")
            }
        };
        let mut keys = vec!["verify/numbers/".to_string()];
        if chunks.len() > 1 {
            keys.extend((1..=chunks.len()).map(path));
        }
        for (e, common, views) in editions {
            let lang = views.lang;
            let t = |key: &str| views.strings.get(key).cloned().unwrap_or_default();
            let rows = |chunk: &[(String, &Entry, &export::CertificateRow)]| -> Vec<NumberRow> {
                chunk
                    .iter()
                    .map(|(slug, entry, c)| NumberRow {
                        number: c.number.clone(),
                        url: views.verify_url(slug),
                        holder: if lang == "zh" {
                            entry.row.name_zh.clone()
                        } else {
                            entry.row.name_en.clone()
                        },
                        status: directory::status_name(c),
                        status_label: t(&format!(
                            "status_{}",
                            directory::status_name(c).replace('-', "_")
                        )),
                    })
                    .collect()
            };
            let ranges: Vec<NumberRange> = if chunks.len() > 1 {
                chunks
                    .iter()
                    .enumerate()
                    .map(|(i, chunk)| NumberRange {
                        first: chunk
                            .first()
                            .map(|c| c.2.number.clone())
                            .unwrap_or_default(),
                        last: chunk.last().map(|c| c.2.number.clone()).unwrap_or_default(),
                        url: format!("{}{}", views.root, path(i + 1)),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let mut pages: Vec<(String, NumbersView)> = vec![(
                "verify/numbers/".to_string(),
                NumbersView {
                    count: certificates.len(),
                    rows: if chunks.len() > 1 {
                        Vec::new()
                    } else {
                        chunks.first().map(|c| rows(c)).unwrap_or_default()
                    },
                    ranges,
                    page: None,
                    index_url: format!("{}verify/numbers/", views.root),
                },
            )];
            if chunks.len() > 1 {
                for (i, chunk) in chunks.iter().enumerate() {
                    pages.push((
                        path(i + 1),
                        NumbersView {
                            count: certificates.len(),
                            rows: rows(chunk),
                            ranges: Vec::new(),
                            page: Some(i + 1),
                            index_url: format!("{}verify/numbers/", views.root),
                        },
                    ));
                }
            }
            for (key, view) in pages {
                let mut ctx = Context::new();
                ctx.insert("numbers", &view);
                if let Err(d) = self.emit(common, *e, "verify_numbers.html", &key, ctx) {
                    diags.push(d);
                }
            }
        }
        keys
    }

    /// The standards the registry covers, as links in edition `e`, with
    /// how each one's certificate lifecycle text is read (the readings
    /// every verification page of its certificates links to).
    fn standards(&self, e: usize, views: &Views) -> Vec<StandardView> {
        let lang = self.editions[e].lang;
        let hosted = self.renderer.hosted(lang);
        self.renderer
            .registry
            .schemes
            .schemes
            .iter()
            .map(|s| StandardView {
                slug: s.slug.clone(),
                title: s.title_in(lang),
                url: hosted.get(&s.slug).cloned().unwrap_or_default(),
                lifecycle_readings: s
                    .rules
                    .certificates
                    .as_ref()
                    .map(|l| l.readings.iter().map(|x| views.reading(x)).collect())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The facet kinds, each as a link to its index page, in edition `e`
    /// (`current`: the kind of the page shown).
    fn kind_links(
        &self,
        views: &Views,
        facets: &[FacetValue],
        current: Option<&str>,
    ) -> Vec<KindLink> {
        directory::KINDS
            .iter()
            .filter(|&&kind| facets.iter().any(|f| f.kind == kind))
            .map(|&kind| KindLink {
                kind,
                label: views.t(&format!("facet_{kind}")),
                url: format!("{}{}", views.root, directory::kind_path(kind)),
                current: current == Some(kind),
            })
            .collect()
    }

    /// One index page per facet kind (`registry/region/`, …) in each
    /// edition: every value with its count, linking to its listing,
    /// grouped by standard for categories and levels. These pages are the
    /// directory's facet navigation without JavaScript; listings link to
    /// them instead of repeating every value on every page.
    fn facet_indexes(
        &self,
        facets: &[FacetValue],
        editions: &[(usize, Context, Views)],
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let mut keys = Vec::new();
        for kind in directory::KINDS {
            if !facets.iter().any(|f| f.kind == kind) {
                continue;
            }
            let key = directory::kind_path(kind);
            for (e, common, views) in editions {
                let lang = views.lang;
                let mut groups: Vec<FacetGroup> = Vec::new();
                for f in facets.iter().filter(|f| f.kind == kind) {
                    let title = f.group(lang).map(String::from);
                    let option = FacetOption {
                        token: f.token.clone(),
                        label: f.label(lang).to_string(),
                        count: f.members.len(),
                        url: format!("{}registry/{}", views.root, f.path),
                    };
                    match groups.last_mut() {
                        Some(g) if g.title == title => g.options.push(option),
                        _ => groups.push(FacetGroup {
                            title,
                            level_scale: (kind == "level")
                                .then(|| f.standard().and_then(|s| views.level_scale(s)))
                                .flatten(),
                            options: vec![option],
                        }),
                    }
                }
                let view = FacetIndexView {
                    kind,
                    label: views.t(&format!("facet_{kind}")),
                    level_intro: (kind == "level").then(|| views.t("directory_level_intro")),
                    groups,
                    kinds: self.kind_links(views, facets, Some(kind)),
                    all_url: format!("{}registry/", views.root),
                    as_of: self.renderer.registry.grades.as_of.to_string(),
                };
                let mut ctx = Context::new();
                ctx.insert("facets", &view);
                if let Err(d) = self.emit(common, *e, "facets.html", &key, ctx) {
                    diags.push(d);
                }
            }
            keys.push(key);
        }
        keys
    }

    #[allow(clippy::too_many_arguments)]
    fn listing(
        &self,
        views: &Views,
        facets: &[FacetValue],
        facet: Option<&FacetValue>,
        root: &str,
        order: &[usize],
        page: usize,
        entries: &[Entry],
    ) -> ListingView {
        let lang = views.lang;
        let t = |key: &str| views.t(key);
        let url = |path: &str| format!("{}{path}", views.root);
        let pages = directory::page_count(order.len());
        let start = (page - 1) * directory::PAGE_SIZE;
        let shown = order.iter().skip(start).take(directory::PAGE_SIZE);
        let scope = directory::Scope::of(facet);
        let rows: Vec<RowView> = shown.map(|&i| views.row(&entries[i], &scope)).collect();
        let first = if rows.is_empty() { 0 } else { start + 1 };
        let last = start + rows.len();
        let as_of = self.renderer.registry.grades.as_of.to_string();
        let heading = facet.map(|f| match (f.kind, f.group(lang)) {
            ("level", Some(standard)) => t("directory_level_title")
                .replace("{standard}", standard)
                .replace("{level}", f.label(lang)),
            (_, Some(standard)) => t("directory_grouped_title")
                .replace("{standard}", standard)
                .replace("{value}", f.label(lang)),
            (_, None) => f.label(lang).to_string(),
        });
        let level_standard = facet
            .filter(|f| f.kind == "level")
            .and_then(|f| f.standard());
        ListingView {
            facet: facet.map(|f| match f.group(lang) {
                Some(standard) => format!("{} · {standard}", f.label(lang)),
                None => f.label(lang).to_string(),
            }),
            facet_token: facet.map(|f| f.token.clone()).unwrap_or_default(),
            facet_kind: facet.map(|f| t(&format!("facet_{}", f.kind))),
            kind_url: facet.map(|f| url(&directory::kind_path(f.kind))),
            heading,
            level_scale: level_standard.and_then(|s| views.level_scale(s)),
            level_intro: level_standard.map(|_| t("directory_level_intro")),
            scoped: scope != directory::Scope::default(),
            count: order.len(),
            rows,
            page,
            pages,
            pager: directory::pager_numbers(page, pages)
                .into_iter()
                .map(|n| PagerLink {
                    number: n,
                    url: n.map_or(String::new(), |n| url(&directory::page_path(root, n))),
                    current: n == Some(page),
                })
                .collect(),
            prev_url: (page > 1).then(|| url(&directory::page_path(root, page - 1))),
            next_url: (page < pages).then(|| url(&directory::page_path(root, page + 1))),
            first,
            last,
            all_url: url("registry/"),
            kinds: self.kind_links(views, facets, None),
            index_url: format!("{}search/organisations/", self.renderer.base),
            as_of,
        }
    }

    /// `sitemap.xml`: one file, or an index of files of at most
    /// [`SITEMAP_LIMIT`] URLs each.
    pub fn sitemap(&self, entries: &[SitemapEntry], diags: &mut Diagnostics) {
        let base_url = self.renderer.base_url;
        let mut render =
            |template: &str, ctx: &Context, path: &str| match self.tera.render(template, ctx) {
                Ok(xml) => {
                    if let Err(d) = self.out.put(path, xml.as_bytes()) {
                        diags.push(d);
                    }
                }
                Err(e) => diags.push(tera_error(self.theme, &e)),
            };
        if entries.len() <= SITEMAP_LIMIT {
            let mut ctx = Context::new();
            ctx.insert("pages", entries);
            render("sitemap.xml", &ctx, "sitemap.xml");
            return;
        }
        let mut files = Vec::new();
        for (i, chunk) in entries.chunks(SITEMAP_LIMIT).enumerate() {
            let path = format!("sitemaps/{}.xml", i + 1);
            let mut ctx = Context::new();
            ctx.insert("pages", chunk);
            render("sitemap.xml", &ctx, &path);
            files.push(format!("{base_url}{path}"));
        }
        let mut ctx = Context::new();
        ctx.insert("sitemaps", &files);
        render("sitemap_index.xml", &ctx, "sitemap.xml");
    }
}
