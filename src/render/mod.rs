//! Stage: render the model into the files of the site, in memory.
//!
//! Pages are rendered in parallel with rayon and collected into a sorted
//! map, so output is the same whatever order threads finish in.

mod links;
pub mod markdown;
mod view;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::Theme;
use crate::model::Document;
use crate::resolve::Resolution;
use crate::yaml;

/// The built site: output path (relative, `/`-separated) → bytes.
#[derive(Default)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

#[derive(Clone, Default)]
pub struct RenderOptions {
    /// Include the live-reload script (only `serve` sets this).
    pub live_reload: bool,
    /// Overrides `base_url` of site.yaml (`serve` publishes on 127.0.0.1).
    pub base_url: Option<String>,
}

/// Site-wide values every template sees as `site`.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    lang: &'a str,
    base_path: String,
    base_url: &'a str,
    live_reload: bool,
}

/// One page to render: template, output path and page-specific context.
struct PageJob {
    template: &'static str,
    path: String,
    context: Context,
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

fn tera_error(theme: &Theme, err: &tera::Error) -> Diagnostic {
    // Tera reports the template and position inside its own message.
    let mut message = err.to_string();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Diagnostic::error(
        Location::file(theme.dir.join("templates")),
        format!("template error: {message}"),
    )
    .with_hint("fix the template named in the message")
}

fn load_templates(theme: &Theme) -> Result<Tera, Diagnostic> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .map_err(|e| tera_error(theme, &e))?;
    Ok(tera)
}

fn load_strings(theme: &Theme, lang: &str) -> Result<BTreeMap<String, String>, Diagnostic> {
    let Some((path, text)) = theme.strings.get(lang) else {
        return Err(Diagnostic::error(
            Location::file(theme.dir.join("i18n")),
            format!("the theme has no UI strings for language `{lang}`"),
        )
        .with_hint(format!("add themes/<theme>/i18n/{lang}.yaml")));
    };
    yaml::from_file_text(text, path)
}

/// Renders every page of the site.
pub fn render(
    config: &Config,
    theme: &Theme,
    documents: &[Document],
    resolution: &Resolution,
    options: RenderOptions,
) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();
    let tera = match load_templates(theme) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let inline_templates = match links::InlineTemplates::load(&tera) {
        Ok(t) => t,
        Err(e) => {
            diags.push(tera_error(theme, &e));
            return Err(diags);
        }
    };
    let lang = config.default_language.as_str();
    let strings = match load_strings(theme, lang) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let base_url = options.base_url.as_deref().unwrap_or(&config.base_url);
    let base = base_path(base_url);
    let site_view = SiteView {
        title: config.title.get(lang),
        description: config.description.as_ref().map_or("", |d| d.get(lang)),
        lang,
        base_path: base.clone(),
        base_url,
        live_reload: options.live_reload,
    };
    let mut common = Context::new();
    common.insert("site", &site_view);
    common.insert("t", &strings);

    let doc_url = |slug: &str| format!("{base}standards/{slug}/");
    let summaries: Vec<view::DocSummary> = documents
        .iter()
        .map(|d| view::summary(d, doc_url(&d.slug)))
        .collect();

    let mut jobs: Vec<PageJob> = Vec::new();
    let page = |template: &'static str, path: String, extra: Context| {
        let mut context = common.clone();
        context.extend(extra);
        PageJob {
            template,
            path,
            context,
        }
    };

    let mut ctx = Context::new();
    ctx.insert("documents", &summaries);
    ctx.insert("page_path", "");
    jobs.push(page("home.html", "index.html".into(), ctx.clone()));
    ctx.insert("page_path", "standards/");
    jobs.push(page("standards.html", "standards/index.html".into(), ctx));
    let mut ctx = Context::new();
    ctx.insert("page_path", "404.html");
    jobs.push(page("404.html", "404.html".into(), ctx));

    for (doc, summary) in documents.iter().zip(&summaries) {
        let slug = doc.slug.as_str();
        let section_url = |top: &str| format!("{}{}/", doc_url(slug), top);
        let toc = view::toc(&doc.clauses, &section_url, None);
        let key = (doc.slug.clone(), doc.lang.clone());
        let pages = links::pages_of(doc);
        let cx = view::ViewContext {
            linker: links::Linker {
                base: &base,
                slug,
                pages: &pages,
                templates: &inline_templates,
                strings: &strings,
            },
            backlinks: resolution.backlinks.get(&key),
        };
        let preamble = view::blocks(&doc.preamble, &cx);
        let glossary = view::glossary(resolution.glossaries.get(&key), &cx);
        let level_groups = view::level_groups(resolution.levels.get(&key), &cx);
        let extras = view::DocExtras {
            glossary_url: (!glossary.is_empty()).then(|| format!("{}terms/", doc_url(slug))),
            levels_url: (!level_groups.is_empty()).then(|| format!("{}levels/", doc_url(slug))),
        };

        let mut ctx = Context::new();
        ctx.insert("doc", summary);
        ctx.insert("extras", &extras);
        ctx.insert("toc", &toc);
        ctx.insert("preamble", &preamble);
        ctx.insert("page_path", &format!("standards/{slug}/"));
        jobs.push(page(
            "standard.html",
            format!("standards/{slug}/index.html"),
            ctx,
        ));

        if !glossary.is_empty() {
            let mut ctx = Context::new();
            ctx.insert("doc", summary);
            ctx.insert("extras", &extras);
            ctx.insert("terms", &glossary);
            ctx.insert("page_path", &format!("standards/{slug}/terms/"));
            jobs.push(page(
                "glossary.html",
                format!("standards/{slug}/terms/index.html"),
                ctx,
            ));
        }
        if !level_groups.is_empty() {
            let mut ctx = Context::new();
            ctx.insert("doc", summary);
            ctx.insert("extras", &extras);
            ctx.insert("groups", &level_groups);
            ctx.insert("page_path", &format!("standards/{slug}/levels/"));
            jobs.push(page(
                "levels.html",
                format!("standards/{slug}/levels/index.html"),
                ctx,
            ));
            for group in &level_groups {
                let mut ctx = Context::new();
                ctx.insert("doc", summary);
                ctx.insert("extras", &extras);
                ctx.insert("group", group);
                ctx.insert(
                    "page_path",
                    &format!("standards/{slug}/levels/{}/", group.anchor),
                );
                jobs.push(page(
                    "level_group.html",
                    format!("standards/{slug}/levels/{}/index.html", group.anchor),
                    ctx,
                ));
            }
        }

        let sections: Vec<view::ClauseView> =
            doc.clauses.iter().map(|c| view::clause(c, &cx)).collect();
        let mut ctx = Context::new();
        ctx.insert("doc", summary);
        ctx.insert("toc", &toc);
        ctx.insert("preamble", &preamble);
        ctx.insert("sections", &sections);
        ctx.insert("page_path", &format!("standards/{slug}/all/"));
        jobs.push(page(
            "full.html",
            format!("standards/{slug}/all/index.html"),
            ctx,
        ));

        for (i, section) in sections.iter().enumerate() {
            let link = |s: &view::ClauseView| Neighbour {
                url: section_url(&s.anchor),
                number_text: s.number_text.clone(),
                title_html: s.title_html.clone(),
            };
            let mut ctx = Context::new();
            ctx.insert("doc", summary);
            ctx.insert("toc", &toc);
            ctx.insert("section", section);
            ctx.insert("prev", &i.checked_sub(1).map(|p| link(&sections[p])));
            ctx.insert("next", &sections.get(i + 1).map(link));
            ctx.insert(
                "page_path",
                &format!("standards/{slug}/{}/", section.anchor),
            );
            jobs.push(page(
                "section.html",
                format!("standards/{slug}/{}/index.html", section.anchor),
                ctx,
            ));
        }
    }

    let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            tera.render(job.template, &job.context)
                .map(|html| (job.path, html.into_bytes()))
                .map_err(|e| tera_error(theme, &e))
        })
        .collect();
    let mut site = Site::default();
    for result in rendered {
        match result {
            Ok((path, bytes)) => {
                site.files.insert(path, bytes);
            }
            Err(d) => diags.push(d),
        }
    }
    for (path, bytes) in &theme.static_files {
        site.files.insert(format!("static/{path}"), bytes.clone());
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(site)
}

#[derive(Serialize)]
struct Neighbour {
    url: String,
    number_text: String,
    title_html: String,
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
