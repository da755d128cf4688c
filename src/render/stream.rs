//! The registry's pages, rendered and written one at a time: each
//! organisation's page and certificate verification pages, the directory
//! listings (every facet, sorted by name and by date, paginated) and the
//! sitemap. Nothing here holds more than one organisation's report at once,
//! so memory grows with the light directory entries only.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::export::{self, Urls, api, atom};
use crate::grade::report::Reporter;
use crate::load::Theme;

use super::directory::{self, Entry, FacetValue, Sort};
use super::registry::{RowView, Views};
use super::search_records;
use super::{Counted, Edition, Renderer, SitemapEntry, tera_error};

/// URLs per sitemap file (the sitemaps.org limit).
const SITEMAP_LIMIT: usize = 50_000;

/// Certificate numbers per page of the number list (`verify/numbers/`).
const NUMBERS_PER_PAGE: usize = 500;

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

/// What the organisation pass leaves for the directory and the exports,
/// once each organisation's report is dropped.
pub(super) struct Harvest {
    /// Directory entries (with the export rows), in registry order.
    pub entries: Vec<Entry>,
    /// The newest changes for the feed.
    pub feed: Vec<atom::FeedEntry>,
    /// Keys of the pages written.
    pub keys: Vec<String>,
}

/// Turns an export's encoding failure into a diagnostic at `path`.
fn encoding_error(path: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Location::file(path), format!("cannot encode `{path}`: {e}"))
}

/// A listing page of the directory, in one language.
#[derive(Serialize)]
struct ListingView {
    /// The facet value listed, if any ("北京市"; "三级 · <standard>" for a
    /// level or category, whose names repeat across standards), and its
    /// kind ("地区").
    facet: Option<String>,
    facet_kind: Option<String>,
    /// The page's heading for a facet: for a level it names the standard
    /// and says the level is the computed one.
    heading: Option<String>,
    /// On a level's listing: which way the standard's levels run, and that
    /// rows show registered levels.
    level_scale: Option<String>,
    level_intro: Option<String>,
    count: usize,
    rows: Vec<RowView>,
    sort: &'static str,
    /// The two orders, as links to the first page of each.
    sorts: Vec<SortLink>,
    page: usize,
    pages: usize,
    pager: Vec<PagerLink>,
    prev_url: Option<String>,
    next_url: Option<String>,
    /// The first row's position (1-based), for "51–100 of 1,234".
    first: usize,
    last: usize,
    csv_url: String,
    all_url: String,
    filters: Vec<FilterGroup>,
    index_url: String,
    as_of: String,
}

#[derive(Serialize)]
struct SortLink {
    key: &'static str,
    label: String,
    url: String,
    selected: bool,
}

#[derive(Serialize)]
struct PagerLink {
    /// `None` for a gap ("…").
    number: Option<usize>,
    url: String,
    current: bool,
}

/// One facet kind of the filters (see `filters.html`).
#[derive(Clone, Serialize)]
struct FilterGroup {
    kind: &'static str,
    label: String,
    /// Whether one of its options is the listing shown.
    selected: bool,
    options: Vec<FilterOption>,
}

#[derive(Clone, Serialize)]
struct FilterOption {
    token: String,
    label: String,
    /// The standard of a category or level, on the first option of each
    /// standard (`group_start`).
    group: Option<String>,
    group_start: bool,
    count: usize,
    url: String,
    selected: bool,
}

impl Stream<'_> {
    fn single_editions(&self) -> Vec<usize> {
        (0..self.editions.len())
            .filter(|&e| !self.editions[e].side_by_side)
            .collect()
    }

    fn common(&self, e: usize) -> Context {
        let edition = &self.editions[e];
        let mut ctx = Context::new();
        ctx.insert("site", &self.renderer.site_view(edition));
        ctx.insert("t", edition.strings);
        ctx
    }

    fn views(&self, e: usize) -> Views<'_> {
        let edition = &self.editions[e];
        Views {
            input: self.renderer.registry,
            lang: edition.lang,
            strings: edition.strings,
            root: format!("{}{}", self.renderer.base, edition.prefix),
            pages: &self.pages,
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
    ) -> Result<(), Diagnostic> {
        let single = |i: usize| !self.editions[i].side_by_side;
        let page = self.renderer.page_view(self.editions, &single, e, key);
        let mut ctx = common.clone();
        ctx.extend(extra);
        ctx.insert("page", &page);
        ctx.insert("page_path", &page.path);
        let html = self
            .tera
            .render(template, &ctx)
            .map_err(|err| tera_error(self.theme, &err))?;
        self.out
            .put(&format!("{}index.html", page.path), html.as_bytes())
    }

    /// Writes each organisation's page and its certificates' verification
    /// pages in every single-language edition, and its JSON file; returns
    /// what the directory and the exports need.
    pub fn organisations(&self, diags: &mut Diagnostics) -> Harvest {
        let input = self.renderer.registry;
        let reporter = Reporter::new(input.schemes, input.grades);
        let editions: Vec<(usize, Context, Views)> = self
            .single_editions()
            .into_iter()
            .map(|e| (e, self.common(e), self.views(e)))
            .collect();
        let urls = Urls {
            base_url: self.renderer.base_url,
            edition: "",
        };
        type One = (Entry, Vec<atom::FeedEntry>, Vec<String>, Vec<Diagnostic>);
        let results: Vec<One> = input
            .registry
            .organisations
            .par_iter()
            .zip(input.grades.organisations.par_iter())
            .map(|(org, og)| {
                let report = reporter.report(org, og);
                let mut keys = vec![format!("registry/{}/", org.id)];
                let mut errors = Vec::new();
                for (e, common, views) in &editions {
                    let mut ctx = Context::new();
                    ctx.insert("org", &views.organisation(&report));
                    if let Err(d) = self.emit(common, *e, "organisation.html", &keys[0], ctx) {
                        errors.push(d);
                    }
                }
                for c in &report.certificates {
                    let key = format!("verify/{}/", crate::registry::number_slug(&c.number));
                    for (e, common, views) in &editions {
                        let mut ctx = Context::new();
                        ctx.insert("verify", &views.verification(&report, c));
                        if let Err(d) = self.emit(common, *e, "certificate.html", &key, ctx) {
                            errors.push(d);
                        }
                    }
                    keys.push(key);
                }
                let path = api::organisation_path(&org.id);
                let file = api::organisation::build(&report, org, og, input.schemes);
                match api::organisation(&file, self.generated_at) {
                    Ok(json) => {
                        if let Err(d) = self.out.put(&path, &json) {
                            errors.push(d);
                        }
                    }
                    Err(e) => errors.push(encoding_error(&path, e)),
                }
                (
                    directory::entry(&report, input.schemes, &urls),
                    atom::entries(&report, input.schemes, input.grades.as_of),
                    keys,
                    errors,
                )
            })
            .collect();
        let mut harvest = Harvest {
            entries: Vec::with_capacity(results.len()),
            feed: Vec::new(),
            keys: Vec::new(),
        };
        let mut latest = atom::Latest::new(atom::LIMIT);
        for (entry, feed, keys, errors) in results {
            harvest.entries.push(entry);
            latest.extend(feed);
            harvest.keys.extend(keys);
            for d in errors {
                diags.push(d);
            }
        }
        harvest.feed = latest.into_sorted();
        harvest
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
            api::openapi(self.renderer.base_url, default_title, &api::ENDPOINTS)
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
        let org_records: Vec<crate::search::Record> = harvest
            .entries
            .par_iter()
            .map(|e| {
                let date = e
                    .date
                    .as_deref()
                    .and_then(|d| d.parse::<jiff::civil::Date>().ok());
                search_records::organisation(e, zh, en).into_record(date)
            })
            .collect();
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
            crate::search::build_index(&org_records, &org_labels),
        );
        drop(org_records);

        // Clauses: the originals, then each translation, in each language's root.
        let no_pages = BTreeMap::new();
        let mut clause_records = Vec::new();
        let mut labels = Vec::new();
        for doc in renderer.documents.iter().chain(renderer.translations) {
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
        // Each listing as CSV, beside its first page.
        let csv: Vec<Result<(), Diagnostic>> = listings
            .par_iter()
            .map(|(facet, members)| {
                let path = match facet {
                    Some(f) => format!("registry/{}organisations.csv", f.path),
                    None => "registry/organisations.csv".to_string(),
                };
                let bytes =
                    export::csv::organisations(members.iter().map(|&i| &harvest.entries[i].row))
                        .map_err(|e| encoding_error(&path, e))?;
                self.out.put(&path, &bytes)
            })
            .collect();
        for d in csv.into_iter().filter_map(Result::err) {
            diags.push(d);
        }
        let mut tasks = Vec::new();
        for (l, (_, members)) in listings.iter().enumerate() {
            for sort in [Sort::Name, Sort::Date] {
                for page in 1..=directory::page_count(members.len()) {
                    tasks.push((l, sort, page));
                }
            }
        }
        let editions: Vec<(usize, Context, Views)> = self
            .single_editions()
            .into_iter()
            .map(|e| (e, self.common(e), self.views(e)))
            .collect();
        // Orders are computed once per listing, not per page.
        let orders: Vec<[Vec<usize>; 2]> = listings
            .par_iter()
            .map(|(_, members)| {
                [
                    directory::sorted(entries, members, Sort::Name),
                    directory::sorted(entries, members, Sort::Date),
                ]
            })
            .collect();
        let results: Vec<Result<String, Diagnostic>> = tasks
            .par_iter()
            .flat_map_iter(|&(l, sort, page)| {
                let (facet, _) = listings[l];
                let order = &orders[l][usize::from(sort == Sort::Date)];
                let root = match facet {
                    Some(f) => format!("registry/{}", f.path),
                    None => "registry/".to_string(),
                };
                let key = directory::page_path(&root, sort, page);
                editions
                    .iter()
                    .map(|(e, common, views)| {
                        let view =
                            self.listing(views, facets, facet, &root, order, sort, page, entries);
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
            ctx.insert("standards", &self.standards(*e));
            ctx.insert("numbers_url", &format!("{}verify/numbers/", views.root));
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
                        url: format!("{}verify/{slug}/", views.root),
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

    /// The standards the registry covers, as links in edition `e`.
    fn standards(&self, e: usize) -> Vec<BTreeMap<&'static str, String>> {
        let lang = self.editions[e].lang;
        let hosted = self.renderer.hosted(lang);
        self.renderer
            .registry
            .schemes
            .schemes
            .iter()
            .map(|s| {
                let mut m = BTreeMap::new();
                m.insert("title", s.title_in(lang));
                m.insert("url", hosted.get(&s.slug).cloned().unwrap_or_default());
                m
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn listing(
        &self,
        views: &Views,
        facets: &[FacetValue],
        facet: Option<&FacetValue>,
        root: &str,
        order: &[usize],
        sort: Sort,
        page: usize,
        entries: &[Entry],
    ) -> ListingView {
        let lang = views.lang;
        let t = |key: &str| {
            views
                .strings
                .get(key)
                .cloned()
                .unwrap_or_else(|| key.to_string())
        };
        let url = |path: &str| format!("{}{path}", views.root);
        let pages = directory::page_count(order.len());
        let start = (page - 1) * directory::PAGE_SIZE;
        let shown = order.iter().skip(start).take(directory::PAGE_SIZE);
        let rows: Vec<RowView> = shown.map(|&i| views.row(&entries[i])).collect();
        let first = if rows.is_empty() { 0 } else { start + 1 };
        let last = start + rows.len();
        let filters = directory::KINDS
            .iter()
            .map(|&kind| FilterGroup {
                kind,
                label: t(&format!("facet_{kind}")),
                selected: false,
                options: facets
                    .iter()
                    .filter(|f| f.kind == kind)
                    .scan(None, |previous: &mut Option<String>, f| {
                        let group = f.group(lang).map(String::from);
                        let group_start = group.is_some() && *previous != group;
                        *previous = group.clone();
                        Some((f, group, group_start))
                    })
                    .map(|(f, group, group_start)| FilterOption {
                        token: f.token.clone(),
                        label: f.label(lang).to_string(),
                        group,
                        group_start,
                        count: f.members.len(),
                        url: url(&format!("registry/{}", f.path)),
                        selected: facet.is_some_and(|c| c.token == f.token),
                    })
                    .collect(),
            })
            .filter(|g| !g.options.is_empty())
            .map(|mut g| {
                g.selected = g.options.iter().any(|o| o.selected);
                g
            })
            .collect();
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
            facet_kind: facet.map(|f| t(&format!("facet_{}", f.kind))),
            heading,
            level_scale: level_standard.and_then(|s| views.level_scale(s)),
            level_intro: level_standard.map(|_| t("directory_level_intro")),
            count: order.len(),
            rows,
            sort: match sort {
                Sort::Name => "name",
                Sort::Date => "date",
            },
            sorts: [
                (Sort::Name, "name", "directory_sort_name"),
                (Sort::Date, "date", "directory_sort_date"),
            ]
            .into_iter()
            .map(|(s, key, label)| SortLink {
                key,
                label: t(label),
                url: url(&directory::page_path(root, s, 1)),
                selected: s == sort,
            })
            .collect(),
            page,
            pages,
            pager: directory::pager_numbers(page, pages)
                .into_iter()
                .map(|n| PagerLink {
                    number: n,
                    url: n.map_or(String::new(), |n| url(&directory::page_path(root, sort, n))),
                    current: n == Some(page),
                })
                .collect(),
            prev_url: (page > 1).then(|| url(&directory::page_path(root, sort, page - 1))),
            next_url: (page < pages).then(|| url(&directory::page_path(root, sort, page + 1))),
            first,
            last,
            csv_url: format!("{}{root}organisations.csv", self.renderer.base),
            all_url: url("registry/"),
            filters,
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
