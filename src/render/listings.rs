//! The directory's pages, made from the light entries the organisation
//! pass leaves ([`super::stream::Harvest`]): the listings (the whole
//! registry and every facet value, paginated), an index page per facet
//! kind, the verification form and the list of certificate numbers, and
//! the CSV of every organisation.

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::cache::Cache;
use crate::diag::{Diagnostic, Diagnostics};
use crate::export;

use super::directory::{self, Entry, FacetValue};
use super::entries::Failed;
use super::registry::{RowView, Views};
use super::stream::{Harvest, Stream, encoding_error};

/// The CSV of every organisation.
pub(super) const ORGANISATIONS_CSV: &str = "registry/organisations.csv";

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
            &harvest.facet_members,
            self.renderer.registry.schemes,
            &status_label,
        )
    }

    /// Writes the directory listings and the verification form (with
    /// `only`, just the page of that key: `serve` renders each on
    /// request); returns the page keys of all of them, made or not.
    pub fn directory(
        &self,
        harvest: &Harvest,
        facets: &[FacetValue],
        cache: Option<&Cache>,
        only: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let wanted = |key: &str| only.is_none_or(|only| only == key);
        let entries = &harvest.entries;
        let input = self.renderer.registry;
        let everyone: Vec<usize> = (0..entries.len()).collect();
        // The index, then one listing per facet value.
        let listings: Vec<(Option<&FacetValue>, &[usize])> = std::iter::once((None, &everyone[..]))
            .chain(facets.iter().map(|f| (Some(f), &f.members[..])))
            .collect();
        // The whole registry as CSV (with the certificates' CSV of
        // `exports`); a facet's rows are a filter of it.
        if only.is_none() {
            self.organisations_csv(harvest, diags);
        }
        let root_of = |facet: Option<&FacetValue>| match facet {
            Some(f) => format!("registry/{}", f.path),
            None => "registry/".to_string(),
        };
        let mut tasks = Vec::new();
        let mut keys = Vec::new();
        for (l, (facet, members)) in listings.iter().enumerate() {
            let root = root_of(*facet);
            for page in 1..=directory::page_count(members.len()) {
                let key = directory::page_path(&root, page);
                if wanted(&key) {
                    tasks.push((l, page));
                }
                keys.push(key);
            }
        }
        let editions: Vec<(usize, Context, Views)> = self
            .single_editions()
            .into_iter()
            .map(|e| (e, self.common(e), self.views(e)))
            .collect();
        // Which facet kinds have an index page: every listing links to them.
        let kinds: Vec<&str> = directory::KINDS
            .iter()
            .copied()
            .filter(|&kind| facets.iter().any(|f| f.kind == kind))
            .collect();
        let errors: Vec<Vec<Diagnostic>> = tasks
            .par_iter()
            .map(|&(l, page)| {
                let (facet, order) = listings[l];
                let root = root_of(facet);
                let key = directory::page_path(&root, page);
                let shown = directory::page_of(order, page);
                let cached = cache.and_then(|cache| {
                    let mut k = cache.derived_key("listing");
                    k.part(root.as_bytes())
                        .part(&page.to_le_bytes())
                        .part(&order.len().to_le_bytes())
                        .part(kinds.join(" ").as_bytes());
                    if let Some(f) = facet {
                        for text in [f.kind, &f.token, &f.zh, &f.en] {
                            k.part(text.as_bytes());
                        }
                        for lang in ["zh", "en"] {
                            k.part(f.group(lang).unwrap_or_default().as_bytes());
                        }
                    }
                    for &i in shown {
                        k.part(harvest.cache_keys.get(i).copied().flatten()?.as_slice());
                    }
                    Some((cache, k.key()))
                });
                self.unless_cached(cached, || {
                    let rows: Result<Vec<Entry>, Diagnostic> =
                        shown.iter().map(|&i| entries.get(i)).collect();
                    let rows = match rows {
                        Ok(rows) => rows,
                        Err(d) => return vec![Err(d)],
                    };
                    editions
                        .iter()
                        .map(|(e, common, views)| {
                            let view =
                                self.listing(views, facets, facet, &root, order, page, &rows);
                            let mut ctx = Context::new();
                            ctx.insert("listing", &view);
                            self.emit(common, *e, "directory.html", &key, ctx)
                        })
                        .collect()
                })
            })
            .collect();
        for d in errors.into_iter().flatten() {
            diags.push(d);
        }
        keys.extend(self.facet_indexes(facets, &editions, &wanted, diags));
        for (e, common, views) in editions.iter().filter(|_| wanted("verify/")) {
            let mut ctx = Context::new();
            ctx.insert("as_of", &input.grades.as_of.to_string());
            ctx.insert("certificate_count", &harvest.certificate_count);
            ctx.insert("standards", &self.standards(*e, views));
            ctx.insert("numbers_url", &format!("{}verify/numbers/", views.root));
            ctx.insert("verify_root", &format!("{}verify/", views.verify_root));
            ctx.insert("verify_fragment", &views.verify_fragment());
            if let Err(d) = self.emit(common, *e, "verify.html", "verify/", ctx) {
                diags.push(d);
            }
        }
        keys.push("verify/".into());
        keys.extend(self.certificate_numbers(harvest, &editions, cache, &wanted, diags));
        keys
    }

    /// The whole registry as CSV.
    fn organisations_csv(&self, harvest: &Harvest, diags: &mut Diagnostics) {
        let path = ORGANISATIONS_CSV;
        let failed = Failed::default();
        let csv = export::csv::organisations(harvest.entries.each(&failed).map(|e| e.row))
            .map_err(|e| encoding_error(path, e));
        match failed.into_error() {
            Some(d) => diags.push(d),
            None => {
                if let Err(d) = csv.and_then(|bytes| self.out.put(path, &bytes)) {
                    diags.push(d);
                }
            }
        }
    }

    /// The certificate numbers in order, each linking to its verification
    /// page: the way to verify a number without JavaScript on a static
    /// host (the form's lookup needs a script to build the address).
    /// `verify/numbers/` lists them, or, when they fill more than one
    /// page, the range of numbers on each page `verify/numbers/<n>/`.
    /// With a `cache`, a page whose certificates' organisations are
    /// unchanged is left as published.
    fn certificate_numbers(
        &self,
        harvest: &Harvest,
        editions: &[(usize, Context, Views)],
        cache: Option<&Cache>,
        wanted: &(dyn Fn(&str) -> bool + Sync),
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let failed = Failed::default();
        let mut certificates: Vec<Numbered> = harvest
            .entries
            .each(&failed)
            .enumerate()
            .flat_map(|(i, e)| {
                let row = e.row;
                row.certificates.into_iter().map(move |c| Numbered {
                    slug: crate::registry::number_slug(&c.number),
                    status: directory::status_name(&c),
                    number: c.number,
                    holder: i,
                    holder_zh: row.name_zh.clone(),
                    holder_en: row.name_en.clone(),
                })
            })
            .collect();
        if let Some(d) = failed.into_error() {
            diags.push(d);
            return Vec::new();
        }
        certificates.sort_by(|a, b| (&a.slug, &a.number).cmp(&(&b.slug, &b.number)));
        let chunks: Vec<&[Numbered]> = certificates.chunks(NUMBERS_PER_PAGE).collect();
        let path = |page: usize| {
            if page == 1 && chunks.len() == 1 {
                "verify/numbers/".to_string()
            } else {
                format!("verify/numbers/{page}/")
            }
        };
        // The index (`None`), listing the only chunk or the ranges of all,
        // then a page per chunk of a longer list.
        let mut pages: Vec<(String, Option<usize>)> = vec![("verify/numbers/".to_string(), None)];
        if chunks.len() > 1 {
            pages.extend((0..chunks.len()).map(|i| (path(i + 1), Some(i))));
        }
        let errors: Vec<Vec<Diagnostic>> = pages
            .par_iter()
            .filter(|(key, _)| wanted(key))
            .map(|(key, chunk)| {
                let shown: &[&[Numbered]] = match chunk {
                    Some(i) => &chunks[*i..=*i],
                    None if chunks.len() == 1 => &chunks[..],
                    None => &[],
                };
                let cached = cache.and_then(|cache| {
                    let mut k = cache.derived_key("certificate numbers");
                    k.part(key.as_bytes())
                        .part(&certificates.len().to_le_bytes())
                        .part(&chunks.len().to_le_bytes());
                    if chunk.is_none() && chunks.len() > 1 {
                        // The index's ranges: each page's first and last.
                        for c in &chunks {
                            for n in [c.first(), c.last()].into_iter().flatten() {
                                k.part(n.number.as_bytes());
                            }
                        }
                    }
                    for n in shown.iter().flat_map(|c| c.iter()) {
                        k.part(n.number.as_bytes());
                        k.part(
                            harvest
                                .cache_keys
                                .get(n.holder)
                                .copied()
                                .flatten()?
                                .as_slice(),
                        );
                    }
                    Some((cache, k.key()))
                });
                self.unless_cached(cached, || {
                    editions
                        .iter()
                        .map(|(e, common, views)| {
                            let view = numbers_view(views, &chunks, *chunk, certificates.len());
                            let mut ctx = Context::new();
                            ctx.insert("numbers", &view);
                            self.emit(common, *e, "verify_numbers.html", key, ctx)
                        })
                        .collect()
                })
            })
            .collect();
        for d in errors.into_iter().flatten() {
            diags.push(d);
        }
        pages.into_iter().map(|(key, _)| key).collect()
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
        wanted: &(dyn Fn(&str) -> bool + Sync),
        diags: &mut Diagnostics,
    ) -> Vec<String> {
        let mut keys = Vec::new();
        for kind in directory::KINDS {
            if !facets.iter().any(|f| f.kind == kind) {
                continue;
            }
            let key = directory::kind_path(kind);
            for (e, common, views) in editions.iter().filter(|_| wanted(&key)) {
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
        shown: &[Entry],
    ) -> ListingView {
        let lang = views.lang;
        let t = |key: &str| views.t(key);
        let url = |path: &str| format!("{}{path}", views.root);
        let pages = directory::page_count(order.len());
        let start = (page - 1) * directory::PAGE_SIZE;
        let scope = directory::Scope::of(facet);
        let rows: Vec<RowView> = shown.iter().map(|e| views.row(e, &scope)).collect();
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
}

/// A certificate on the number list, with its holder's names (and index).
struct Numbered {
    slug: String,
    number: String,
    status: &'static str,
    holder: usize,
    holder_zh: String,
    holder_en: String,
}

/// The number list's page showing `chunk` (`None`: the index, which lists
/// the only chunk or the ranges of all) in one language.
fn numbers_view(
    views: &Views,
    chunks: &[&[Numbered]],
    chunk: Option<usize>,
    count: usize,
) -> NumbersView {
    let lang = views.lang;
    let t = |key: &str| views.strings.get(key).cloned().unwrap_or_default();
    let page_url = |i: usize| {
        if chunks.len() == 1 {
            format!("{}verify/numbers/", views.root)
        } else {
            format!("{}verify/numbers/{}/", views.root, i + 1)
        }
    };
    let rows = |chunk: &[Numbered]| -> Vec<NumberRow> {
        chunk
            .iter()
            .map(|n| NumberRow {
                number: n.number.clone(),
                url: views.verify_url(&n.slug),
                holder: if lang == "zh" {
                    n.holder_zh.clone()
                } else {
                    n.holder_en.clone()
                },
                status: n.status,
                status_label: t(&format!("status_{}", n.status.replace('-', "_"))),
            })
            .collect()
    };
    let index_url = format!("{}verify/numbers/", views.root);
    match chunk {
        Some(i) => NumbersView {
            count,
            rows: rows(chunks[i]),
            ranges: Vec::new(),
            page: Some(i + 1),
            index_url,
        },
        None if chunks.len() > 1 => NumbersView {
            count,
            rows: Vec::new(),
            ranges: chunks
                .iter()
                .enumerate()
                .map(|(i, c)| NumberRange {
                    first: c.first().map(|n| n.number.clone()).unwrap_or_default(),
                    last: c.last().map(|n| n.number.clone()).unwrap_or_default(),
                    url: page_url(i),
                })
                .collect(),
            page: None,
            index_url,
        },
        None => NumbersView {
            count,
            rows: chunks.first().map(|c| rows(c)).unwrap_or_default(),
            ranges: Vec::new(),
            page: None,
            index_url,
        },
    }
}
