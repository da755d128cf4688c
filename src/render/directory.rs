//! The public directory: one light, language-neutral [`Entry`] per
//! organisation (taken from its public report), the facets buyers narrow by
//! (standard, service category, computed level, region, certificate status)
//! and the paginated listings that make the directory work without
//! JavaScript: the whole registry and each facet value, in name (registry)
//! order (`directory.js` sorts any of them by date from the search index),
//! and one index page per facet kind listing its values.
//!
//! A row on a facet page shows only the certificates that put the
//! organisation there ([`Scope`]), labelled without what the page's
//! heading already says; the organisation's page has the rest.
//!
//! Entries are kept for every organisation while the heavy reports are
//! dropped after each organisation's pages are written, which is what keeps
//! a build of 100,000 organisations in bounded memory.

use std::collections::{BTreeMap, BTreeSet};

use crate::export::{self, CertificateRow, OrganisationRow, Urls};
use crate::grade::report::Report;
use crate::registry::region::REGIONS;
use crate::rules::Schemes;

/// Organisations per listing page.
pub const PAGE_SIZE: usize = 50;

/// The facet kinds, in the order the filters show them.
pub const KINDS: [&str; 5] = ["standard", "category", "level", "region", "status"];

/// What the directory knows of one organisation: the light row the exports
/// publish (names, region, certificates with their statuses, computed
/// levels), plus what listings and search need beside it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub row: OrganisationRow,
    /// Former names in English, for search (the row has the Chinese ones).
    pub former_names_en: Vec<String>,
    /// The latest issue or renewal of any certificate: "sort by date".
    pub date: Option<String>,
    /// Facet tokens (`region=beijing`, `level=csi-grading/level-3`, …).
    pub facets: BTreeSet<String>,
}

/// A certificate's status name (`valid`, `revoked`, …; `invalid` when its
/// events make no sense, which the registry check reports).
pub fn status_name(c: &CertificateRow) -> &'static str {
    c.status.map_or("invalid", |s| s.name())
}

/// A level's URL slug, from its English name ("Level 3" → `level-3`).
pub fn level_slug(schemes: &Schemes, standard: &str, level: &str) -> String {
    let en = schemes
        .get(standard)
        .and_then(|s| s.rules.levels.iter().find(|l| l.id == level))
        .map_or(level, |l| l.en.as_str());
    let mut slug = String::new();
    for c in en.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// The directory entry of one organisation's public report; `urls` are
/// those of the exports' rows.
pub fn entry(report: &Report, schemes: &Schemes, urls: &Urls) -> Entry {
    let row = export::rows(report, schemes, urls);
    let mut facets = BTreeSet::new();
    facets.insert(format!("region={}", row.region));
    for c in &row.certificates {
        facets.insert(format!("standard={}", c.standard));
        facets.insert(format!("category={}/{}", c.standard, c.category));
        if c.status.is_some() {
            facets.insert(format!("status={}", status_name(c)));
        }
    }
    for g in &row.grades {
        facets.insert(format!("standard={}", g.standard));
        facets.insert(format!("category={}/{}", g.standard, g.category));
        if let Some(level) = &g.level {
            facets.insert(format!(
                "level={}/{}",
                g.standard,
                level_slug(schemes, &g.standard, level)
            ));
        }
    }
    let date = report
        .certificates
        .iter()
        .flat_map(|c| &c.events)
        .filter(|e| matches!(e.kind, "issued" | "renewed") && e.date <= report.as_of)
        .map(|e| e.date.clone())
        .max();
    Entry {
        former_names_en: report
            .organisation
            .former_names
            .iter()
            .filter_map(|f| f.en.clone())
            .collect(),
        row,
        date,
        facets,
    }
}

/// One value of a facet, with the entries (indices, in name order) that
/// have it.
#[derive(Clone, Debug)]
pub struct FacetValue {
    pub kind: &'static str,
    pub token: String,
    /// Where its listing lives under `registry/` ("region/beijing/").
    pub path: String,
    pub zh: String,
    pub en: String,
    /// The standard a category or level belongs to, as (zh, en) titles:
    /// category names repeat across standards.
    pub group: Option<(String, String)>,
    pub members: Vec<usize>,
}

impl FacetValue {
    pub fn label(&self, lang: &str) -> &str {
        if lang == "zh" { &self.zh } else { &self.en }
    }

    /// The slug of the standard a category or level belongs to (the first
    /// segment of its value: `level=csi-grading/level-3`).
    pub fn standard(&self) -> Option<&str> {
        let value = self.token.split_once('=')?.1;
        matches!(self.kind, "category" | "level")
            .then(|| value.split_once('/').map(|(standard, _)| standard))
            .flatten()
    }

    pub fn group(&self, lang: &str) -> Option<&str> {
        self.group.as_ref().map(|(zh, en)| {
            if lang == "zh" {
                zh.as_str()
            } else {
                en.as_str()
            }
        })
    }
}

/// The statuses a certificate can have, in the order filters list them.
const STATUSES: [&str; 9] = [
    "valid",
    "expiring-soon",
    "confirmation-due",
    "confirmation-overdue",
    "suspended",
    "revoked",
    "expired",
    "not-yet-issued",
    "invalid",
];

/// Every facet value that at least one organisation has, grouped by kind in
/// [`KINDS`] order; within a kind, in the order of the rules (standards,
/// categories, levels), of the region table, or of [`STATUSES`].
/// `members` are each facet token's entries; `status_label` names a
/// status in Chinese and English.
pub fn facets(
    members: &BTreeMap<String, Vec<usize>>,
    schemes: &Schemes,
    status_label: &dyn Fn(&str) -> (String, String),
) -> Vec<FacetValue> {
    let mut values = Vec::new();
    let mut push = |kind: &'static str,
                    value: String,
                    (zh, en): (String, String),
                    group: Option<(String, String)>| {
        let token = format!("{kind}={value}");
        if let Some(m) = members.get(token.as_str()) {
            values.push(FacetValue {
                kind,
                path: format!("{kind}/{value}/"),
                token,
                zh,
                en,
                group,
                members: m.clone(),
            });
        }
    };
    let titles = |s: &crate::rules::Scheme| (s.title_in("zh"), s.title_in("en"));
    for s in &schemes.schemes {
        push("standard", s.slug.clone(), titles(s), None);
    }
    for s in &schemes.schemes {
        for c in &s.rules.categories {
            push(
                "category",
                format!("{}/{}", s.slug, c.id),
                (c.zh.clone(), c.en.clone()),
                Some(titles(s)),
            );
        }
    }
    for s in &schemes.schemes {
        for l in &s.rules.levels {
            push(
                "level",
                format!("{}/{}", s.slug, level_slug(schemes, &s.slug, &l.id)),
                (l.id.clone(), l.en.clone()),
                Some(titles(s)),
            );
        }
    }
    for (id, zh, en) in REGIONS {
        push(
            "region",
            id.to_string(),
            (zh.to_string(), en.to_string()),
            None,
        );
    }
    for status in STATUSES {
        push("status", status.to_string(), status_label(status), None);
    }
    values
}

/// The index page of a facet kind, listing its values ("registry/region/").
pub fn kind_path(kind: &str) -> String {
    format!("registry/{kind}/")
}

/// The certificates a listing row shows, and the parts of their labels the
/// page's heading already gives: on a standard's, a category's or a
/// level's page, that standard's certificates (and that category's), named
/// without the standard (and the category); on a status page, the
/// certificates with that status; elsewhere all of them, in full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope<'a> {
    pub standard: Option<&'a str>,
    pub category: Option<&'a str>,
    pub status: Option<&'a str>,
}

impl<'a> Scope<'a> {
    /// The scope of a listing of `facet` (`None`: the whole registry).
    pub fn of(facet: Option<&'a FacetValue>) -> Scope<'a> {
        let Some(f) = facet else {
            return Scope::default();
        };
        let value = f.token.split_once('=').map_or("", |(_, v)| v);
        match f.kind {
            "standard" => Scope {
                standard: Some(value),
                ..Scope::default()
            },
            "category" => {
                let (standard, category) = value.split_once('/').unwrap_or((value, ""));
                Scope {
                    standard: Some(standard),
                    category: Some(category),
                    status: None,
                }
            }
            "level" => Scope {
                standard: f.standard(),
                ..Scope::default()
            },
            "status" => Scope {
                status: Some(value),
                ..Scope::default()
            },
            _ => Scope::default(),
        }
    }

    /// Whether a row in this scope shows certificate `c`.
    pub fn shows(&self, c: &CertificateRow) -> bool {
        self.standard.is_none_or(|s| s == c.standard)
            && self.category.is_none_or(|k| k == c.category)
            && self.status.is_none_or(|s| s == status_name(c))
    }
}

/// The path of page `page` (1-based) of a listing rooted at `root`
/// ("registry/region/beijing/"). Listings are in name (registry) order;
/// `directory.js` sorts by date from the search index.
pub fn page_path(root: &str, page: usize) -> String {
    if page <= 1 {
        root.to_string()
    } else {
        format!("{root}page/{page}/")
    }
}

/// Number of pages for `count` organisations (an empty listing has one).
pub fn page_count(count: usize) -> usize {
    count.div_ceil(PAGE_SIZE).max(1)
}

/// The members of a listing (in its order) that its page `page` shows.
pub fn page_of(order: &[usize], page: usize) -> &[usize] {
    let start = (page.max(1) - 1).saturating_mul(PAGE_SIZE).min(order.len());
    &order[start..(start + PAGE_SIZE).min(order.len())]
}

/// Page numbers to offer in a pager: the first, the last, and two either
/// side of the current one; `None` marks a gap.
pub fn pager_numbers(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near {
            if last != 0 && n > last + 1 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn no_organisation_can_take_a_listing_folder_as_its_id() {
        for kind in KINDS {
            assert!(
                crate::registry::RESERVED_IDS.contains(&kind),
                "registry/{kind}/ is a listing but `{kind}` is not a reserved id"
            );
        }
        assert!(crate::registry::RESERVED_IDS.contains(&"page"));
    }

    use super::*;
    use crate::grade::certificate::Status;

    #[test]
    fn listing_paths_and_pages() {
        assert_eq!(page_path("registry/", 1), "registry/");
        assert_eq!(page_path("registry/", 2), "registry/page/2/");
        assert_eq!(
            page_path("registry/region/beijing/", 3),
            "registry/region/beijing/page/3/"
        );
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(PAGE_SIZE), 1);
        assert_eq!(page_count(PAGE_SIZE + 1), 2);
    }

    #[test]
    fn pager_keeps_ends_and_neighbours() {
        assert_eq!(pager_numbers(1, 1), vec![Some(1)]);
        assert_eq!(
            pager_numbers(6, 20),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(20)
            ]
        );
        assert_eq!(
            pager_numbers(2, 4),
            vec![Some(1), Some(2), Some(3), Some(4)]
        );
    }

    fn facet(kind: &'static str, value: &str) -> FacetValue {
        FacetValue {
            kind,
            token: format!("{kind}={value}"),
            path: format!("{kind}/{value}/"),
            zh: String::new(),
            en: String::new(),
            group: None,
            members: vec![],
        }
    }

    fn certificate(standard: &str, category: &str, status: Status) -> CertificateRow {
        CertificateRow {
            number: String::new(),
            organisation: String::new(),
            organisation_zh: String::new(),
            organisation_en: String::new(),
            region: String::new(),
            standard: standard.into(),
            standard_zh: String::new(),
            standard_en: String::new(),
            edition: None,
            category: category.into(),
            category_zh: String::new(),
            category_en: String::new(),
            level: String::new(),
            level_en: String::new(),
            computed_level: None,
            agreement: None,
            level_flag: None,
            status: Some(status),
            status_date: None,
            issued: None,
            valid_until: None,
            next_confirmation: None,
            body: String::new(),
            body_en: None,
            url: String::new(),
        }
    }

    #[test]
    fn a_row_shows_the_certificates_that_put_it_on_the_page() {
        let risk = certificate("csi-grading", "risk-assessment", Status::Valid);
        let audit = certificate("csi-grading", "security-audit", Status::Revoked);
        let other = certificate("ccrc-isv-c01", "risk-assessment", Status::Valid);
        let shown = |f: Option<&FacetValue>| -> Vec<&str> {
            let scope = Scope::of(f);
            [&risk, &audit, &other]
                .into_iter()
                .filter(|c| scope.shows(c))
                .map(|c| c.category.as_str())
                .collect()
        };
        assert_eq!(shown(None).len(), 3);
        assert_eq!(shown(Some(&facet("region", "beijing"))).len(), 3);
        let standard = facet("standard", "csi-grading");
        assert_eq!(
            shown(Some(&standard)),
            ["risk-assessment", "security-audit"]
        );
        let category = facet("category", "csi-grading/risk-assessment");
        assert_eq!(shown(Some(&category)), ["risk-assessment"]);
        assert_eq!(Scope::of(Some(&category)).category, Some("risk-assessment"));
        let level = facet("level", "csi-grading/level-3");
        assert_eq!(Scope::of(Some(&level)).standard, Some("csi-grading"));
        assert_eq!(Scope::of(Some(&level)).category, None);
        let revoked = facet("status", "revoked");
        assert_eq!(shown(Some(&revoked)), ["security-audit"]);
    }

    #[test]
    fn each_kind_has_an_index_page() {
        assert_eq!(kind_path("region"), "registry/region/");
    }
}
