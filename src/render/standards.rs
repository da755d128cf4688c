//! The pages of the standards in one view (a language, single or side by
//! side): the home and standards lists, and for each standard (and each
//! edition of one with several) its cover, chapters, full text, terms,
//! levels, translation status, grading rules, and an edition's changes and
//! impact pages.

use super::*;

/// Which of the pages made from the documents [`Renderer::page_jobs`]
/// makes.
#[derive(Clone, Copy)]
pub(super) enum Jobs<'a> {
    /// The site's own pages and every standard's.
    All,
    /// The site's own pages only: home, the standards' index, 404.
    Site,
    /// The pages of the standard of this slug.
    Standard(&'a str),
}

impl Renderer<'_> {
    /// The slug whose translation status a document's pages show: its own,
    /// or for the current edition's copy under its page key, the standard's.
    fn status_slug<'s>(&self, slug: &'s str) -> &'s str {
        if crate::editions::is_page_key(slug) && !self.status.keys().any(|(s, _)| s == slug) {
            slug.split('/').next().unwrap_or(slug)
        } else {
            slug
        }
    }

    /// The edition bar of a standard with several editions: which edition
    /// `original` is, in words, and every edition's cover in this view.
    fn edition_links(
        &self,
        original: &Document,
        edition: &Edition,
    ) -> (Option<String>, Vec<view::EditionLink>) {
        let base = original.slug.split('/').next().unwrap_or_default();
        let Some(current) = self.documents.iter().find(|d| d.slug == base) else {
            return (None, Vec::new());
        };
        let current_label = current.front.edition.clone().unwrap_or_default();
        // Each edition once, at its own address (the current one at its
        // page key too: the address it keeps).
        let mut all: Vec<&Document> = self
            .documents
            .iter()
            .filter(|d| d.slug.starts_with(&format!("{base}/editions/")))
            .collect();
        if all.len() < 2 {
            return (None, Vec::new());
        }
        all.sort_by_key(|d| d.front.effective);
        let root = format!("{}{}", self.base, edition.prefix);
        let links: Vec<view::EditionLink> = all
            .iter()
            .map(|d| view::EditionLink {
                label: d.front.edition.clone().unwrap_or_default(),
                url: if self.doc_in(&d.slug, edition.lang).is_some() {
                    format!("{root}standards/{}/", d.slug)
                } else {
                    format!("{}standards/{}/", self.base, d.slug)
                },
                current: d.front.edition.as_deref() == Some(current_label.as_str()),
                this: d.front.edition == original.front.edition,
                chapters: d.clauses.iter().map(|c| c.anchor.clone()).collect(),
            })
            .collect();
        let label = original.front.edition.clone().unwrap_or_default();
        let key = if label == current_label {
            "edition_this_current"
        } else {
            "edition_this_older"
        };
        let note = edition
            .strings
            .get(key)
            .cloned()
            .unwrap_or_default()
            .replace("{edition}", &label)
            .replace("{current}", &current_label);
        (Some(note), links)
    }

    /// Slug → the URL of each standard's cover in `lang`'s single view,
    /// falling back to the original for standards not translated.
    pub(super) fn hosted(&self, lang: &str) -> BTreeMap<String, String> {
        self.documents
            .iter()
            .map(|d| {
                let root = if self.doc_in(&d.slug, lang).is_some() {
                    self.lang_root(lang)
                } else {
                    self.base.clone()
                };
                (d.slug.clone(), format!("{root}standards/{}/", d.slug))
            })
            .collect()
    }

    /// The pages `jobs` names, each (edition, standard) built in
    /// parallel; in edition order, then the site's pages, then the
    /// standards in registry order.
    pub(super) fn page_jobs(&self, editions: &[Edition], jobs: Jobs) -> Vec<PageJob> {
        let mut scopes: Vec<(usize, Option<&str>)> = Vec::new();
        for index in 0..editions.len() {
            if matches!(jobs, Jobs::All | Jobs::Site) {
                scopes.push((index, None));
            }
            scopes.extend(
                self.documents
                    .iter()
                    .map(|d| d.slug.as_str())
                    .filter(|slug| match jobs {
                        Jobs::All => true,
                        Jobs::Site => false,
                        Jobs::Standard(only) => only == *slug,
                    })
                    .map(|slug| (index, Some(slug))),
            );
        }
        // Made once, not for each (edition, standard).
        let doc_pages = registry::pages(self.documents);
        let hosted: Vec<BTreeMap<String, String>> =
            editions.iter().map(|e| self.hosted(e.lang)).collect();
        scopes
            .into_par_iter()
            .map(|(index, scope)| {
                let mut jobs = Vec::new();
                let shared = EditionShared {
                    doc_pages: &doc_pages,
                    hosted: &hosted[index],
                };
                self.edition_pages(index, &editions[index], scope, shared, &mut jobs);
                jobs
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect()
    }

    /// The pages of one edition: with `scope` `None` the site's own (home,
    /// standards index, 404), else those of the standard of that slug.
    fn edition_pages(
        &self,
        index: usize,
        edition: &Edition,
        scope: Option<&str>,
        EditionShared { doc_pages, hosted }: EditionShared,
        jobs: &mut Vec<PageJob>,
    ) {
        let mut common = Context::new();
        common.insert("site", &self.site_view(edition));
        common.insert("t", edition.strings_value);
        let page = |template: &'static str, key: String, extra: Context| {
            let mut context = common.clone();
            context.extend(extra);
            PageJob {
                template,
                edition: index,
                key,
                context,
            }
        };
        // A UI string of this edition's language (empty if the theme lacks it).
        let ui = |key: &str| edition.strings.get(key).cloned().unwrap_or_default();
        let root = format!("{}{}", self.base, edition.prefix);
        let single_root = self.lang_root(edition.lang);
        let doc_url = |slug: &str| format!("{root}standards/{slug}/");
        // Chinese names in a translation's front matter are marked as Chinese.
        let front_html = |doc: &Document| {
            let tag = self.foreign_tag(&doc.lang);
            move |text: &str| links::text_html(self.templates, tag, text)
        };

        if scope.is_none() && !edition.side_by_side {
            // Each standard in this language, or in the original if untranslated.
            let summaries: Vec<view::DocSummary> = self
                .documents
                .iter()
                // An older edition is reached from its standard's pages.
                .filter(|d| !crate::editions::is_page_key(&d.slug))
                .map(|original| match self.doc_in(&original.slug, edition.lang) {
                    Some(doc) => view::summary(doc, doc_url(&doc.slug), true, &front_html(doc)),
                    None => view::summary(
                        original,
                        format!("{}standards/{}/", self.base, original.slug),
                        false,
                        &front_html(original),
                    ),
                })
                .collect();
            let mut ctx = Context::new();
            ctx.insert("documents", &summaries);
            jobs.push(page("home.html", String::new(), ctx.clone()));
            jobs.push(page("standards.html", "standards/".into(), ctx));
            jobs.push(page("404.html", "404.html".into(), Context::new()));
        }

        for original in self
            .documents
            .iter()
            .filter(|d| Some(d.slug.as_str()) == scope)
        {
            let slug = original.slug.as_str();
            let partner = if edition.side_by_side {
                match self.partner(edition).and_then(|l| self.doc_in(slug, l)) {
                    Some(t) => Some(t),
                    None => continue,
                }
            } else {
                None
            };
            // The cover and headings are in the UI language where possible.
            let Some(doc) = self.doc_in(slug, edition.lang) else {
                continue;
            };
            let single_doc_url = format!("{single_root}standards/{slug}/");
            let mut summary = view::summary(doc, doc_url(slug), true, &front_html(doc));
            (summary.edition_note, summary.editions) = self.edition_links(original, edition);
            if edition.side_by_side {
                summary.full_url = format!("{single_doc_url}all/");
            }
            let summary = tera::Value::from_serializable(&summary);
            let section_url = |top: &str| format!("{}{}/", doc_url(slug), top);
            let toc = view::toc(&doc.clauses, &section_url, None);
            // What every page of the standard shows, made template values
            // once: each page's context then takes them by reference count
            // instead of copying them again.
            let toc = tera::Value::from_serializable(&toc);
            let pages = links::pages_of(original);
            let stale_original = links::Linker {
                base: &self.base,
                slug,
                pages: &pages,
                templates: self.templates,
                strings: edition.strings,
                hosted,
                foreign_tag: None,
            };
            let cx_for = |d: &'_ Document| -> view::ViewContext<'_> {
                let key = (d.slug.clone(), d.lang.clone());
                let is_translation = d.lang != self.config.default_language;
                view::ViewContext {
                    linker: links::Linker {
                        base: &root,
                        slug,
                        pages: &pages,
                        templates: self.templates,
                        strings: self.strings.get(d.lang.as_str()).unwrap_or(edition.strings),
                        hosted,
                        foreign_tag: self.foreign_tag(&d.lang),
                    },
                    backlinks: self.resolution.backlinks.get(&key),
                    stale: if is_translation {
                        let key = (self.status_slug(&d.slug).to_string(), d.lang.clone());
                        self.status.get(&key).map(|s| view::StaleContext {
                            anchors: &s.stale,
                            original: &stale_original,
                        })
                    } else {
                        None
                    },
                }
            };
            let cx = cx_for(doc);
            let scheme = self.registry.schemes.get(slug);
            // The comparison of the current edition with the one before.
            let changes_of_current = self.comparisons.iter().find(|c| {
                c.standard == slug && original.front.edition.as_deref() == Some(c.new.as_str())
            });
            let preamble = view::blocks(&doc.preamble, &cx);
            let doc_key = (slug.to_string(), doc.lang.clone());
            let glossary_entries = self.resolution.glossaries.get(&doc_key);
            let level_entries = self.resolution.levels.get(&doc_key);
            // Units named on the status page open in the side-by-side view.
            let side_by_side = links::Linker {
                base: &format!("{single_root}{SIDE_BY_SIDE}"),
                ..stale_original
            };
            let translation_status: Vec<view::TranslationStatusView> = self
                .status
                .iter()
                .filter(|((s, _), _)| s == self.status_slug(slug))
                .map(|(_, status)| {
                    view::translation_status(
                        status,
                        &side_by_side,
                        self.tag(&status.lang),
                        self.names.get(&status.lang).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            let extras = view::DocExtras {
                glossary_url: glossary_entries
                    .is_some_and(|g| !g.is_empty())
                    .then(|| format!("{single_doc_url}terms/")),
                levels_url: level_entries
                    .is_some_and(|l| !l.is_empty())
                    .then(|| format!("{single_doc_url}levels/")),
                translation_url: (!translation_status.is_empty())
                    .then(|| format!("{single_doc_url}translation/")),
                rules_url: scheme.map(|_| format!("{single_doc_url}rules/")),
                impact: self
                    .impacts
                    .iter()
                    .find(|i| {
                        i.standard == slug && original.front.edition.as_deref() == Some(&i.new)
                    })
                    .map(|i| view::LinkLabel {
                        url: format!("{single_doc_url}editions/{}/impact/", i.new),
                        label: ui("impact_title").replace("{new}", &i.new),
                    }),
                changes: changes_of_current.map(|c| view::LinkLabel {
                    url: format!("{single_doc_url}editions/{}/changes/", c.new),
                    label: ui("changes_nav").replace("{old}", &c.old),
                }),
                doc_lang_tag: self.tag(&doc.lang),
            };
            let extras = tera::Value::from_serializable(&extras);
            let key = |rest: &str| format!("standards/{slug}/{rest}");

            let mut ctx = Context::new();
            ctx.insert("doc", &summary);
            ctx.insert("extras", &extras);
            ctx.insert("toc", &toc);
            ctx.insert("preamble", &preamble);
            ctx.insert("translation_status", &translation_status);
            jobs.push(page("standard.html", key(""), ctx));

            if let Some(translation) = partner {
                let original_cx = cx_for(original);
                let translation_cx = cx_for(translation);
                let translated: BTreeMap<&str, &crate::model::Clause> = translation
                    .all_clauses()
                    .into_iter()
                    .map(|c| (c.anchor.as_str(), c))
                    .collect();
                // Chapter by chapter in parallel: one standard's pages
                // are one job, and the largest would otherwise leave a
                // core idle.
                let pairs: Vec<view::PairView> = original
                    .clauses
                    .par_iter()
                    .map(|c| view::pair(c, &translated, &original_cx, &translation_cx))
                    .collect();
                // A template value once, so that each page takes it by
                // reference count.
                let translation_strings = tera::Value::from_serializable(
                    self.strings
                        .get(translation.lang.as_str())
                        .unwrap_or(edition.strings),
                );
                let langs = view::PairLangs {
                    original: self.tag(&original.lang),
                    translation: self.tag(&translation.lang),
                };
                let neighbours: Vec<Neighbour> = pairs
                    .iter()
                    .map(|p| Neighbour::of(&p.original, &section_url))
                    .collect();
                for (i, p) in pairs.iter().enumerate() {
                    let mut ctx = Context::new();
                    ctx.insert("doc", &summary);
                    ctx.insert("toc", &toc);
                    ctx.insert("pair", p);
                    ctx.insert("langs", &langs);
                    // The translation column's fixed labels are in its language.
                    ctx.insert("tt", &translation_strings);
                    insert_neighbours(&mut ctx, &neighbours, i);
                    jobs.push(page(
                        "side_by_side.html",
                        key(&format!("{}/", p.anchor)),
                        ctx,
                    ));
                }
                continue;
            }

            // The glossary and level pages exist in single-language editions only.
            let glossary = view::glossary(glossary_entries, &cx);
            let level_groups = view::level_groups(level_entries, &cx);
            if !translation_status.is_empty() {
                let mut ctx = Context::new();
                ctx.insert("doc", &summary);
                ctx.insert("extras", &extras);
                ctx.insert("statuses", &translation_status);
                jobs.push(page("translation.html", key("translation/"), ctx));
            }
            if !glossary.is_empty() {
                let mut ctx = Context::new();
                ctx.insert("doc", &summary);
                ctx.insert("extras", &extras);
                ctx.insert("terms", &glossary);
                jobs.push(page("glossary.html", key("terms/"), ctx));
            }
            if !level_groups.is_empty() {
                let mut ctx = Context::new();
                ctx.insert("doc", &summary);
                ctx.insert("extras", &extras);
                ctx.insert("groups", &level_groups);
                jobs.push(page("levels.html", key("levels/"), ctx));
                for group in &level_groups {
                    let mut ctx = Context::new();
                    ctx.insert("doc", &summary);
                    ctx.insert("extras", &extras);
                    ctx.insert("group", group);
                    jobs.push(page(
                        "level_group.html",
                        key(&format!("levels/{}/", group.anchor)),
                        ctx,
                    ));
                }
            }

            if let Some(scheme) = scheme {
                let views = registry::Views {
                    input: self.registry,
                    lang: edition.lang,
                    strings: edition.strings,
                    root: root.clone(),
                    // The rules page links no verification page.
                    verify_root: self.lang_root(&self.config.default_language),
                    pages: doc_pages,
                    foreign: (self.templates, self.foreign_tag(edition.lang)),
                    links: registry::ClauseLinks::default(),
                };
                let mut ctx = Context::new();
                ctx.insert("doc", &summary);
                ctx.insert("extras", &extras);
                ctx.insert("rules", &views.rules(scheme));
                jobs.push(page("rules.html", key("rules/"), ctx));
                for i in self.impacts.iter().filter(|i| i.standard == slug) {
                    let json_url = format!(
                        "{}{}",
                        self.base,
                        crate::export::api::impact_path(slug, &i.new)
                    );
                    let mut ctx = Context::new();
                    ctx.insert("doc", &summary);
                    ctx.insert("extras", &extras);
                    ctx.insert("impact_title", &ui("impact_title").replace("{new}", &i.new));
                    ctx.insert("impact", &impact::impact(i, &views, json_url));
                    jobs.push(page(
                        "impact.html",
                        key(&format!("editions/{}/impact/", i.new)),
                        ctx,
                    ));
                }
            }

            for comparison in self.comparisons.iter().filter(|c| c.standard == slug) {
                // Clauses link to their pages while the new edition is the
                // current one (older editions have no pages yet).
                let current = original.front.edition.as_deref() == Some(comparison.new.as_str());
                let clause_url = |anchor: &str| {
                    current.then(|| links::anchor_url(&doc_url(slug), &pages, anchor))
                };
                let translated_titles: BTreeMap<&str, String> = if current {
                    doc.all_clauses()
                        .into_iter()
                        .filter_map(|c| {
                            Some((c.anchor.as_str(), c.title.as_ref()?.markdown.clone()))
                        })
                        .collect()
                } else {
                    BTreeMap::new()
                };
                let translated_title = |anchor: &str| translated_titles.get(anchor).cloned();
                let rule_url = |part: &str, id: &str| {
                    (current && scheme.is_some())
                        .then(|| format!("{single_doc_url}rules/#{}", rules::rule_anchor(part, id)))
                };
                let mut view = changes::changes(
                    comparison,
                    &changes::ChangesContext {
                        strings: edition.strings,
                        lang: edition.lang,
                        original_lang: &original.lang,
                        tags: &self.tags,
                        names: &self.names,
                        clause_url: &clause_url,
                        translated_title: &translated_title,
                        rule_url: &rule_url,
                        original_tag: self.foreign_tag(edition.lang),
                    },
                );
                if current {
                    let rows: BTreeSet<String> = view
                        .blocks
                        .iter()
                        .filter_map(|b| match b {
                            changes::BlockView::Row(r) => Some(r.anchor.clone()),
                            changes::BlockView::Unchanged { .. } => None,
                        })
                        .collect();
                    view.technical = changes::technical_changes(doc, &rows, &clause_url);
                }
                let mut ctx = Context::new();
                ctx.insert("doc", &summary);
                ctx.insert("extras", &extras);
                ctx.insert(
                    "changes_title",
                    &ui("changes_title").replace("{old}", &comparison.old),
                );
                ctx.insert("changes", &view);
                jobs.push(page(
                    "changes.html",
                    key(&format!("editions/{}/changes/", comparison.new)),
                    ctx,
                ));
            }

            // Each chapter a value once, shared by its page and the full
            // text; chapter by chapter in parallel, as the pairs above.
            let (sections, section_values): (Vec<view::ClauseView>, Vec<tera::Value>) = doc
                .clauses
                .par_iter()
                .map(|c| {
                    let section = view::clause(c, &cx);
                    let value = tera::Value::from_serializable(&section);
                    (section, value)
                })
                .unzip();
            let mut ctx = Context::new();
            ctx.insert("doc", &summary);
            ctx.insert("extras", &extras);
            ctx.insert("toc", &toc);
            ctx.insert("preamble", &preamble);
            ctx.insert("sections", &section_values);
            jobs.push(page("full.html", key("all/"), ctx));

            let neighbours: Vec<Neighbour> = sections
                .iter()
                .map(|s| Neighbour::of(s, &section_url))
                .collect();
            for (i, (section, value)) in sections.iter().zip(&section_values).enumerate() {
                let mut ctx = Context::new();
                ctx.insert("doc", &summary);
                ctx.insert("extras", &extras);
                ctx.insert("toc", &toc);
                ctx.insert("section", value);
                insert_neighbours(&mut ctx, &neighbours, i);
                jobs.push(page(
                    "section.html",
                    key(&format!("{}/", section.anchor)),
                    ctx,
                ));
            }
        }
    }
}

/// What every standard's pages of one edition share, made once.
struct EditionShared<'s> {
    /// [`registry::pages`] of the documents.
    doc_pages: &'s BTreeMap<&'s str, BTreeMap<String, String>>,
    /// [`Renderer::hosted`] in the edition's language.
    hosted: &'s BTreeMap<String, String>,
}

/// The previous or next chapter, for the pager.
#[derive(Serialize)]
struct Neighbour {
    url: String,
    number_text: String,
    title_html: String,
}

impl Neighbour {
    fn of(clause: &view::ClauseView, page_url: &dyn Fn(&str) -> String) -> Self {
        Neighbour {
            url: page_url(&clause.anchor),
            number_text: clause.number_text.clone(),
            title_html: clause.title_html.clone(),
        }
    }
}

/// `prev` and `next` for the `i`th chapter page.
fn insert_neighbours(ctx: &mut Context, neighbours: &[Neighbour], i: usize) {
    ctx.insert("prev", &i.checked_sub(1).and_then(|p| neighbours.get(p)));
    ctx.insert("next", &neighbours.get(i + 1));
}
