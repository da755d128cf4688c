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

/// The organisation ids a listing page shows, in order.
fn listed(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse("#org-results .org-row .org-name").expect("selector");
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

#[test]
fn date_order_puts_the_latest_certificate_first() {
    let site = bundled_site();
    let a = analysis();
    let latest = |id: &str| -> Option<jiff::civil::Date> {
        let org = a.registry.get(id)?;
        org.data
            .certificates
            .iter()
            .flat_map(|c| &c.events)
            .filter(|e| {
                matches!(
                    e.kind,
                    dengji::registry::EventKind::Issued | dengji::registry::EventKind::Renewed
                ) && e.date.0 <= common::as_of()
            })
            .map(|e| e.date.0)
            .max()
    };
    let order = [
        listed(&page(site, "registry/by-date/index.html")),
        listed(&page(site, "registry/by-date/page/2/index.html")),
    ]
    .concat();
    assert_eq!(order.len(), a.registry.organisations.len());
    let dates: Vec<_> = order.iter().map(|id| latest(id)).collect();
    for pair in dates.windows(2) {
        assert!(pair[0] >= pair[1], "newest first: {dates:?}");
    }
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
        .zip(&a.grades.organisations)
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
    // Facet links are plain links to those pages, with counts.
    let index = page(site, "registry/index.html");
    assert!(index.contains(r#"href="/registry/region/beijing/" data-token="region=beijing""#));
    assert!(index.contains(r#"href="/registry/status/revoked/" data-token="status=revoked""#));
}

#[test]
fn every_certificate_has_a_verification_page_with_a_clear_answer() {
    let site = bundled_site();
    let a = analysis();
    let mut seen = BTreeSet::new();
    for (org, grades) in a.registry.organisations.iter().zip(&a.grades.organisations) {
        for (cert, state) in org.data.certificates.iter().zip(&grades.certificates) {
            let slug = dengji::registry::number_slug(&cert.number);
            assert!(seen.insert(slug.clone()), "{slug} is unique");
            let zh = main_text(&page(site, &format!("verify/{slug}/index.html")));
            let en = main_text(&page(site, &format!("en/verify/{slug}/index.html")));
            assert!(zh.contains(&cert.number) && en.contains(&cert.number));
            assert!(zh.contains(&org.data.names.zh), "{slug} names its holder");
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
        "registry/by-date/",
        "verify/",
        "registry/status/revoked/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>http://127.0.0.1:1111/{path}</loc>")),
            "{path}"
        );
        assert!(sitemap.contains(&format!(
            r#"hreflang="en" href="http://127.0.0.1:1111/en/{path}""#
        )));
    }
}
