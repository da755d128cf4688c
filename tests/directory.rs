//! The public directory on the bundled registry: listings and facet pages
//! that work without JavaScript, certificate verification pages, and the
//! sitemap entries for them.

mod common;

use std::collections::BTreeSet;

use common::{bundled_site, main_text, page};

fn analysis() -> &'static dengji::Analysis {
    static A: std::sync::OnceLock<dengji::Analysis> = std::sync::OnceLock::new();
    A.get_or_init(
        || match dengji::analyse(&common::repo_root(), common::as_of()) {
            Ok(a) => a,
            Err(d) => panic!("{d}"),
        },
    )
}

/// The organisation ids a listing page shows, in order (a row's first
/// link is the organisation's page).
fn listed(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse("#org-results > li > a:first-child").expect("selector");
    doc.select(&rows)
        .filter_map(|a| a.value().attr("href"))
        .map(|href| {
            href.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn the_index_lists_every_organisation_in_name_order_over_pages() {
    let site = bundled_site();
    let ids: Vec<String> = analysis()
        .registry
        .organisations
        .iter()
        .map(|o| o.id.clone())
        .collect();
    assert!(ids.len() > 50, "the bundled registry needs two pages");
    for prefix in ["", "en/"] {
        let first = listed(&page(site, &format!("{prefix}registry/index.html")));
        let second = listed(&page(site, &format!("{prefix}registry/page/2/index.html")));
        assert_eq!(first.len(), 50);
        assert_eq!(
            [first, second].concat(),
            ids,
            "{prefix}: name order, all of them"
        );
    }
    let text = main_text(&page(site, "en/registry/page/2/index.html"));
    assert!(
        text.contains(&format!("51–{} of {} organisations", ids.len(), ids.len())),
        "{text}"
    );
    assert!(!site.files.contains_key("registry/page/3/index.html"));
}

/// The texts of the certificates a listing page's rows show, with their
/// status classes.
fn holdings(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let items = scraper::Selector::parse("#org-results > li > ul > li").expect("selector");
    let link = scraper::Selector::parse("a").expect("selector");
    doc.select(&items)
        .map(|li| {
            let text = li
                .select(&link)
                .next()
                .map(|a| a.text().collect::<String>())
                .unwrap_or_default();
            (
                li.value().attr("class").unwrap_or_default().to_string(),
                text,
            )
        })
        .collect()
}

#[test]
fn listings_are_by_name_and_facet_rows_show_that_facets_certificates() {
    let site = bundled_site();
    // One order without JavaScript (the script sorts by date).
    assert!(!site.files.keys().any(|p| p.contains("by-date")));
    // A status page shows the certificates with that status only.
    let revoked = holdings(&page(site, "en/registry/status/revoked/index.html"));
    assert!(!revoked.is_empty());
    for (class, text) in &revoked {
        assert!(class.contains("status-revoked"), "{class}: {text}");
    }
    // A category page names neither the standard nor the category again.
    // Elsewhere rows name the standard by its short title (front matter).
    let short_title = "Provider grading · ";
    let risk = holdings(&page(
        site,
        "en/registry/category/csi-grading/risk-assessment/index.html",
    ));
    assert!(!risk.is_empty());
    for (_, text) in &risk {
        assert!(text.starts_with("registered Level"), "{text}");
    }
    // A region page shows every certificate in full.
    let beijing = holdings(&page(site, "en/registry/region/beijing/index.html"));
    assert!(
        beijing
            .iter()
            .any(|(_, text)| text.starts_with(short_title))
    );
    // No page repeats every facet value: each kind has an index page.
    let index = page(site, "registry/index.html");
    assert!(!index.contains("region=beijing"));
    assert!(index.contains(r#"href="/registry/region/" data-kind="region""#));
}

#[test]
fn facet_pages_list_exactly_the_organisations_with_that_value() {
    let site = bundled_site();
    let a = analysis();
    // Region: from the registry files.
    let beijing: Vec<String> = a
        .registry
        .organisations
        .iter()
        .filter(|o| o.data.region.id() == "beijing")
        .map(|o| o.id.clone())
        .collect();
    assert!(!beijing.is_empty());
    assert_eq!(
        listed(&page(site, "registry/region/beijing/index.html")),
        beijing
    );
    // Computed level: from the grades, not from the certificates' claims.
    let level_ids: Vec<&str> = a
        .schemes
        .get("csi-grading")
        .expect("csi-grading")
        .rules
        .levels
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    let level3: Vec<String> = a
        .registry
        .organisations
        .iter()
        .zip(a.grades.every(&a.registry, &a.schemes))
        .filter(|(_, g)| {
            g.results.iter().any(|r| {
                r.standard == "csi-grading"
                    && r.level.and_then(|i| level_ids.get(i).copied()) == Some("三级")
            })
        })
        .map(|(o, _)| o.id.clone())
        .collect();
    assert!(!level3.is_empty());
    assert_eq!(
        listed(&page(
            site,
            "en/registry/level/csi-grading/level-3/index.html"
        )),
        level3
    );
    // Status: every organisation with a revoked certificate, and only them.
    let revoked = listed(&page(site, "registry/status/revoked/index.html"));
    assert!(!revoked.is_empty());
    for id in &revoked {
        let html = page(site, &format!("registry/{id}/index.html"));
        assert!(
            html.contains("status-revoked"),
            "{id} has a revoked certificate"
        );
    }
    // Each kind's index page links to every value's page, with its count.
    let regions = page(site, "registry/region/index.html");
    assert!(regions.contains(&format!(
        r#"href="/registry/region/beijing/" data-token="region=beijing">北京市</a> <span class="count">{}</span>"#,
        beijing.len()
    )));
    let statuses = page(site, "en/registry/status/index.html");
    assert!(statuses.contains(&format!(
        r#"href="/en/registry/status/revoked/" data-token="status=revoked">Revoked</a> <span class="count">{}</span>"#,
        revoked.len()
    )));
}

#[test]
fn every_certificate_has_a_verification_page_with_a_clear_answer() {
    let site = bundled_site();
    let a = analysis();
    let mut seen = BTreeSet::new();
    for (org, grades) in a
        .registry
        .organisations
        .iter()
        .zip(a.grades.every(&a.registry, &a.schemes))
    {
        for (cert, state) in org.data.certificates.iter().zip(&grades.certificates) {
            let slug = dengji::registry::number_slug(&cert.number);
            assert!(seen.insert(slug.clone()), "{slug} is unique");
            // One page answers in both languages.
            let html = page(site, &format!("verify/{slug}/index.html"));
            assert!(
                !site
                    .files
                    .contains_key(&format!("en/verify/{slug}/index.html"))
            );
            let section = |lang: &str| {
                let doc = scraper::Html::parse_document(&html);
                let s = scraper::Selector::parse(&format!("section.verify-answer#{lang}"))
                    .expect("selector");
                doc.select(&s)
                    .next()
                    .map(|e| e.text().collect::<String>())
                    .unwrap_or_default()
            };
            let (zh, en) = (section("zh"), section("en"));
            assert!(main_text(&html).contains(&cert.number));
            assert!(zh.contains(&org.data.names.zh), "{slug} names its holder");
            assert!(
                en.contains(&org.data.names.en),
                "{slug} names its holder in English"
            );
            let Some(state) = state else { continue };
            let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
            let until = Some(state.valid_until);
            let expected = match state.status.name() {
                "valid" => format!("Valid until {}", date(until)),
                "expiring-soon" => format!("expiring on {}", date(until)),
                "suspended" => format!("Suspended since {}", date(state.status_date)),
                "revoked" => format!("Revoked on {}", date(state.status_date)),
                "expired" => format!("Expired on {}", date(state.status_date)),
                _ => continue,
            };
            assert!(en.contains(&expected), "{slug}: `{expected}` in {en}");
        }
    }
    let verify = main_text(&page(site, "en/verify/index.html"));
    assert!(verify.contains(&format!("This registry holds {} certificates", seen.len())));
    assert!(verify.contains("does not mean the certificate is fake"));
}

#[test]
fn the_sitemap_lists_directory_and_verification_pages_with_alternates() {
    let site = bundled_site();
    let sitemap = page(site, "sitemap.xml");
    for path in [
        "registry/region/beijing/",
        "registry/region/",
        "verify/",
        "registry/status/revoked/",
    ] {
        let base = common::base_url();
        assert!(
            sitemap.contains(&format!("<loc>{base}{path}</loc>")),
            "{path}"
        );
        assert!(sitemap.contains(&format!(r#"hreflang="en" href="{base}en/{path}""#)));
    }
    // A certificate's one page, in the default language's edition.
    let number = &analysis().registry.organisations[0].data.certificates[0].number;
    let slug = dengji::registry::number_slug(number);
    let base = common::base_url();
    assert!(sitemap.contains(&format!("<loc>{base}verify/{slug}/</loc>")));
    assert!(!sitemap.contains(&format!("{base}en/verify/{slug}/")));
}

#[test]
fn search_indexes_cover_every_organisation_and_every_clause_language() {
    let site = bundled_site();
    let manifest = |folder: &str| -> serde_json::Value {
        serde_json::from_str(&page(site, &format!("search/{folder}/manifest.json")))
            .expect("manifest is JSON")
    };
    let orgs = manifest("organisations");
    assert_eq!(
        orgs["records"].as_u64(),
        Some(analysis().registry.organisations.len() as u64)
    );
    let tokens: Vec<&str> = orgs["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .filter_map(|f| f["token"].as_str())
        .collect();
    for token in [
        "region=beijing",
        "status=revoked",
        "level=csi-grading/level-3",
    ] {
        assert!(tokens.contains(&token), "{token} in {tokens:?}");
    }
    let clauses = manifest("standards");
    let langs: Vec<&str> = clauses["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .filter_map(|f| f["token"].as_str())
        .filter(|t| t.starts_with("lang="))
        .collect();
    assert_eq!(langs, ["lang=zh", "lang=en"]);
    assert!(clauses["records"].as_u64().unwrap_or(0) > 1000);
    for prefix in ["", "en/"] {
        let html = page(site, &format!("{prefix}search/index.html"));
        assert!(html.contains(r#"data-org-index="/search/organisations/""#));
    }
}

#[test]
fn exports_cover_the_registry() {
    let site = bundled_site();
    let a = analysis();
    let index: serde_json::Value =
        serde_json::from_str(&page(site, "api/v2/index.json")).expect("index is JSON");
    assert_eq!(index["schema_version"], 2);
    assert_eq!(index["generated_at"], "2026-11-21T00:00:00Z");
    assert_eq!(
        index["count"].as_u64(),
        Some(a.registry.organisations.len() as u64)
    );
    for org in &a.registry.organisations {
        let json: serde_json::Value = serde_json::from_str(&page(
            site,
            &format!("api/v2/organisations/{}.json", org.id),
        ))
        .expect("organisation JSON");
        assert_eq!(json["organisation"]["id"], org.id.as_str());
    }
    let openapi: serde_json::Value =
        serde_json::from_str(&page(site, "api/v2/openapi.json")).expect("openapi");
    // A sanction carries its note, as the same event does.
    let mut noted = 0;
    for org in &a.registry.organisations {
        let json: serde_json::Value = serde_json::from_str(&page(
            site,
            &format!("api/v2/organisations/{}.json", org.id),
        ))
        .expect("organisation JSON");
        for c in json["certificates"].as_array().into_iter().flatten() {
            for s in c["sanctions"].as_array().into_iter().flatten() {
                let event = c["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|e| e["type"] == s["type"] && e["date"] == s["date"])
                    .expect("a sanction is one of the events");
                assert_eq!(s["note"], event["note"], "{}: {s}", org.id);
                noted += usize::from(s["note"].is_string());
            }
        }
    }
    assert!(noted > 0, "the bundled registry has sanctions with notes");
    assert!(openapi["paths"]["/api/v2/organisations/{id}.json"].is_object());
    assert!(openapi["paths"]["/api/v2/standards/{standard}.json"].is_object());
    // Every standard has its file, listed in the index.
    for s in &a.schemes.schemes {
        let path = format!("api/v2/standards/{}.json", s.slug);
        let file: serde_json::Value = serde_json::from_str(&page(site, &path)).expect("JSON");
        assert_eq!(file["id"], s.slug.as_str());
        assert!(
            index["standards"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| x["url"] == format!("{}{path}", common::base_url())),
            "{path} is in the index"
        );
    }
    // Version 1 is retired: nothing is published under api/v1/.
    assert!(!site.files.keys().any(|k| k.starts_with("api/v1/")));
    // One CSV row per certificate, and per organisation of a listing.
    let certificates = page(site, "registry/certificates.csv");
    let count: usize = a
        .registry
        .organisations
        .iter()
        .map(|o| o.data.certificates.len())
        .sum();
    assert_eq!(certificates.trim_end().lines().count(), count + 1);
    let organisations = page(site, "registry/organisations.csv");
    assert_eq!(
        organisations.trim_end().lines().count(),
        a.registry.organisations.len() + 1
    );
    for org in &a.registry.organisations {
        let id = &org.id;
        assert!(
            organisations.contains(&format!("\n{id},")),
            "{id} in the CSV"
        );
    }
    assert!(
        !site
            .files
            .contains_key("registry/region/beijing/organisations.csv")
    );
    // The feed of each edition is Atom, with entries.
    for path in ["registry/feed.xml", "en/registry/feed.xml"] {
        let feed = page(site, path);
        assert!(
            feed.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#),
            "{path}"
        );
        assert!(feed.matches("<entry>").count() > 5, "{path}");
    }
    for path in ["docs/api/index.html", "en/docs/registry-format/index.html"] {
        let html = page(site, path);
        assert!(
            html.contains(r#"class="hl-"#) || html.contains("hl-"),
            "{path} highlighted"
        );
    }
    assert!(site.files.contains_key("static/highlight.css"));
}
