//! Machine-readable exports of the registry: the versioned JSON API
//! ([`api`]), CSV files ([`csv`]) and the Atom feed of changes ([`atom`]).
//!
//! Everything here is built from the public [`Report`] of one organisation
//! at a time, so a build over 100,000 organisations can render them in
//! batches: [`rows`] reduces a report to a light [`OrganisationRow`] (what
//! the index and the CSV files need), [`api::organisation`] writes the
//! file of one organisation, and [`atom::entries`] takes one organisation's
//! feed entries, which [`atom::Latest`] keeps the newest of.

pub mod api;
pub mod atom;
pub mod csv;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::grade::report::{Report, UnsupportedLevel};
use crate::grade::{Agreement, Status};
use crate::rules::Schemes;

/// Where the published files live, as absolute URLs.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a> {
    /// The site's absolute base URL, ending in `/` (site.yaml `base_url`).
    pub base_url: &'a str,
    /// The language edition pages are linked in: `""` for the default
    /// language, `"en/"` for English.
    pub edition: &'a str,
}

impl Urls<'_> {
    /// The organisation's page in the edition: `…/registry/<id>/`.
    pub fn organisation_page(&self, id: &str) -> String {
        format!("{}{}registry/{id}/", self.base_url, self.edition)
    }

    /// A certificate's verification page: `…/verify/<NUMBER>/`, one page
    /// in the default language's edition that answers in every language;
    /// another edition links to its answer (`#en`).
    pub fn certificate_page(&self, number: &str) -> String {
        let lang = self.edition.trim_end_matches('/');
        format!(
            "{}verify/{}/{}{lang}",
            self.base_url,
            crate::registry::number_slug(number),
            if lang.is_empty() { "" } else { "#" },
        )
    }

    /// The organisation's JSON file, the same in every edition.
    pub fn organisation_json(&self, id: &str) -> String {
        format!("{}{}", self.base_url, api::organisation_path(id))
    }

    /// The organisation's permanent feed identifier: the URL its JSON file
    /// had in version 1 of the API. Atom ids must never change (RFC 4287
    /// 4.2.6), so entries keep it now that the file has moved; it names
    /// the organisation and need not be fetched.
    pub fn organisation_feed_id(&self, id: &str) -> String {
        format!("{}api/v1/organisations/{id}.json", self.base_url)
    }
}

/// One organisation, reduced to what listings, the index and the CSV files
/// need. Language-neutral: names in both languages, ids as in the registry.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, JsonSchema)]
pub struct OrganisationRow {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Former Chinese names, oldest first.
    pub former_names_zh: Vec<String>,
    pub credit_code: String,
    /// Province-level region id.
    pub region: String,
    pub region_zh: String,
    pub region_en: String,
    pub founded: String,
    pub website: Option<String>,
    /// The organisation's page (in the edition the rows were made for).
    pub page_url: String,
    /// The organisation's file of the JSON API.
    pub json_url: String,
    pub certificates: Vec<CertificateRow>,
    /// The computed level per standard and category.
    pub grades: Vec<GradeRow>,
}

/// One certificate with the names a reader needs beside the ids.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema)]
pub struct CertificateRow {
    pub number: String,
    /// Id of the organisation holding it.
    pub organisation: String,
    pub organisation_zh: String,
    pub organisation_en: String,
    pub region: String,
    /// Slug of the standard.
    pub standard: String,
    pub standard_zh: String,
    pub standard_en: String,
    pub edition: Option<String>,
    /// Service category id.
    pub category: String,
    pub category_zh: String,
    pub category_en: String,
    /// Registered level as the standard writes it (`三级`) and in English.
    pub level: String,
    pub level_en: String,
    /// The level the evidence supports for the certificate's standard and
    /// category on the grading date; `null` when none is met.
    pub computed_level: Option<String>,
    /// How the registered level compares with the computed one, for a
    /// certificate in force or suspended; `null` otherwise.
    pub agreement: Option<Agreement>,
    /// The registered level the evidence does not support, named in both
    /// languages; `null` unless `agreement` is `unsupported`. Boxed: rows
    /// are kept for every certificate, flags are rare.
    pub level_flag: Option<Box<LevelFlag>>,
    /// `null` only for a malformed certificate (which fails the build).
    pub status: Option<Status>,
    /// See `status_date` of the organisation file.
    pub status_date: Option<String>,
    pub issued: Option<String>,
    pub valid_until: Option<String>,
    pub next_confirmation: Option<String>,
    /// The issuing body, by its Chinese name, and its English name when the
    /// registry gives one.
    pub body: String,
    pub body_en: Option<String>,
    /// Where a person sees the certificate.
    pub url: String,
}

/// The computed level of one standard × category.
#[derive(Debug, Clone, Serialize, serde::Deserialize, JsonSchema)]
pub struct GradeRow {
    pub standard: String,
    pub category: String,
    /// `null` when not even the lowest level is met.
    pub level: Option<String>,
    pub level_en: Option<String>,
}

/// A level as the standard writes it (its id, which is its Chinese name:
/// `三级`) and in English (`Level 3`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
pub struct LevelNames {
    pub id: String,
    pub en: String,
}

impl LevelNames {
    fn of(schemes: &Schemes, standard: &str, id: &str) -> LevelNames {
        LevelNames {
            id: id.to_string(),
            en: level_en(schemes, standard, id).unwrap_or_else(|| id.to_string()),
        }
    }

    /// The name in `lang` (`zh` or `en`).
    pub fn name(&self, lang: &str) -> &str {
        if lang == "zh" { &self.id } else { &self.en }
    }
}

/// A registered level the evidence does not support (the report's
/// [`UnsupportedLevel`]) with its levels named in both languages. Pages,
/// search results, the CSV and the feed all word it with
/// [`LevelFlag::sentence`], so a buyer reads the same words everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, JsonSchema)]
pub struct LevelFlag {
    pub registered: LevelNames,
    /// `null` when the evidence supports no level.
    pub supported: Option<LevelNames>,
    /// Set when the standard defines no requirements at the registered level
    /// for the category: the highest level it can support there.
    pub highest_defined: Option<LevelNames>,
}

impl LevelFlag {
    pub fn new(finding: &UnsupportedLevel, schemes: &Schemes, standard: &str) -> LevelFlag {
        let names = |id: &String| LevelNames::of(schemes, standard, id);
        LevelFlag {
            registered: names(&finding.registered),
            supported: finding.supported.as_ref().map(names),
            highest_defined: finding.highest_defined.as_ref().map(names),
        }
    }

    /// The finding with level ids, as the JSON API publishes it.
    pub fn ids(&self) -> UnsupportedLevel {
        UnsupportedLevel {
            registered: self.registered.id.clone(),
            supported: self.supported.as_ref().map(|l| l.id.clone()),
            highest_defined: self.highest_defined.as_ref().map(|l| l.id.clone()),
        }
    }

    /// The finding in words, from the UI strings of language `lang`:
    /// "登记三级；证据仅支持一级", "Registered Level 3; the evidence supports
    /// no level". The registered level comes first, so it is plain which
    /// level is above the evidence.
    pub fn sentence<'a>(&'a self, strings: &BTreeMap<String, String>, lang: &'a str) -> String {
        let key = match (&self.highest_defined, &self.supported) {
            (None, Some(_)) => "level_unsupported",
            (None, None) => "level_unsupported_none",
            (Some(h), Some(s)) if h == s => "level_undefined",
            (Some(_), Some(_)) => "level_undefined_lower",
            (Some(_), None) => "level_undefined_none",
        };
        let name = |l: Option<&'a LevelNames>| l.map_or("", |l| l.name(lang));
        strings
            .get(key)
            .map_or(key, String::as_str)
            .replace("{registered}", self.registered.name(lang))
            .replace("{supported}", name(self.supported.as_ref()))
            .replace("{highest}", name(self.highest_defined.as_ref()))
    }
}

/// The UI strings of the two languages the exports put findings into words
/// with (the CSV has a column for each).
#[derive(Clone, Copy)]
pub struct Wording<'a> {
    pub zh: &'a BTreeMap<String, String>,
    pub en: &'a BTreeMap<String, String>,
}

/// The names of a standard, one of its categories and a level, in both
/// languages; the ids themselves where the rules don't know them.
pub(crate) struct Names {
    pub standard_zh: String,
    pub standard_en: String,
    pub category_zh: String,
    pub category_en: String,
    pub level_en: String,
}

pub(crate) fn names(schemes: &Schemes, standard: &str, category: &str, level: &str) -> Names {
    let scheme = schemes.get(standard);
    let title = |lang: &str| scheme.map_or_else(|| standard.to_string(), |s| s.title_in(lang));
    let cat = scheme.and_then(|s| s.category(category));
    Names {
        standard_zh: title("zh"),
        standard_en: title("en"),
        category_zh: cat.map_or_else(|| category.to_string(), |c| c.zh.clone()),
        category_en: cat.map_or_else(|| category.to_string(), |c| c.en.clone()),
        level_en: level_en(schemes, standard, level).unwrap_or_else(|| level.to_string()),
    }
}

fn level_en(schemes: &Schemes, standard: &str, level: &str) -> Option<String> {
    schemes
        .get(standard)
        .and_then(|s| s.rules.levels.iter().find(|l| l.id == level))
        .map(|l| l.en.clone())
}

/// The light row of one organisation's report.
pub fn rows(report: &Report, schemes: &Schemes, urls: &Urls) -> OrganisationRow {
    let o = &report.organisation;
    let certificates = report
        .certificates
        .iter()
        .map(|c| {
            let n = names(schemes, &c.standard, &c.category, &c.level);
            let grade = report
                .grades
                .iter()
                .find(|g| g.standard == c.standard && g.category == c.category);
            CertificateRow {
                number: c.number.clone(),
                organisation: o.id.clone(),
                organisation_zh: o.name_zh.clone(),
                organisation_en: o.name_en.clone(),
                region: o.region.clone(),
                standard: c.standard.clone(),
                standard_zh: n.standard_zh,
                standard_en: n.standard_en,
                edition: c.edition.clone(),
                category: c.category.clone(),
                category_zh: n.category_zh,
                category_en: n.category_en,
                level: c.level.clone(),
                level_en: n.level_en,
                computed_level: grade.and_then(|g| g.level.clone()),
                agreement: grade.and_then(|g| {
                    g.registered
                        .iter()
                        .find(|r| r.certificate == c.number)
                        .map(|r| r.agreement)
                }),
                level_flag: c
                    .unsupported_level
                    .as_ref()
                    .map(|u| Box::new(LevelFlag::new(u, schemes, &c.standard))),
                status: c.status,
                status_date: c.status_date.clone(),
                issued: c.issued.clone(),
                valid_until: c.valid_until.clone(),
                next_confirmation: c.next_confirmation.clone(),
                body: c.body.clone(),
                body_en: c.body_en.clone(),
                url: urls.certificate_page(&c.number),
            }
        })
        .collect();
    OrganisationRow {
        id: o.id.clone(),
        name_zh: o.name_zh.clone(),
        name_en: o.name_en.clone(),
        former_names_zh: o.former_names.iter().map(|f| f.zh.clone()).collect(),
        credit_code: o.credit_code.clone(),
        region: o.region.clone(),
        region_zh: o.region_zh.clone(),
        region_en: o.region_en.clone(),
        founded: o.founded.clone(),
        website: o.website.clone(),
        page_url: urls.organisation_page(&o.id),
        json_url: urls.organisation_json(&o.id),
        certificates,
        grades: report
            .grades
            .iter()
            .map(|g| GradeRow {
                standard: g.standard.clone(),
                category: g.category.clone(),
                level: g.level.clone(),
                level_en: g
                    .level
                    .as_deref()
                    .map(|l| level_en(schemes, &g.standard, l).unwrap_or_else(|| l.to_string())),
            })
            .collect(),
    }
}

/// The bundled site analysed on a fixed date, shared by the tests of the
/// export modules.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::Path;
    use std::sync::OnceLock;

    use crate::Analysis;
    use crate::grade::report::{Report, Reporter};

    pub struct Bundled {
        pub analysis: Analysis,
        pub reports: Vec<Report>,
    }

    /// The grading date of the tests: fixed so the expected statuses hold.
    pub const AS_OF: jiff::civil::Date = jiff::civil::date(2026, 11, 21);

    pub fn bundled() -> &'static Bundled {
        static BUNDLED: OnceLock<Bundled> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let analysis = match crate::analyse(root, AS_OF) {
                Ok(a) => a,
                Err(d) => panic!("the bundled site does not load: {d:?}"),
            };
            assert!(
                !analysis.diagnostics.has_errors(),
                "the bundled site has errors"
            );
            let reporter = Reporter::new(&analysis.schemes, &analysis.grades);
            let reports = analysis
                .registry
                .organisations
                .iter()
                .zip(analysis.grades.every(&analysis.registry, &analysis.schemes))
                .map(|(org, og)| reporter.report(org, &og))
                .collect();
            Bundled { analysis, reports }
        })
    }

    pub const URLS: super::Urls<'static> = super::Urls {
        base_url: "https://example.org/",
        edition: "",
    };

    /// The default theme's UI strings of `lang`.
    pub fn strings(lang: &str) -> std::collections::BTreeMap<String, String> {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("themes/default/i18n/{lang}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The default theme's UI strings of both languages, as the CSV words
    /// findings with them.
    pub fn wording() -> super::Wording<'static> {
        static ZH: OnceLock<std::collections::BTreeMap<String, String>> = OnceLock::new();
        static EN: OnceLock<std::collections::BTreeMap<String, String>> = OnceLock::new();
        super::Wording {
            zh: ZH.get_or_init(|| strings("zh")),
            en: EN.get_or_init(|| strings("en")),
        }
    }

    /// `feed.xml` of the default theme rendered with tera as the site does.
    pub fn render_feed(view: &super::atom::FeedView) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/feed.xml");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".xml"]);
        tera.add_raw_template("feed.xml", &text)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ctx = tera::Context::new();
        ctx.insert("feed", view);
        tera.render("feed.xml", &ctx)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The feed of the bundled registry in one edition, as XML.
    pub fn feed(lang: &str) -> String {
        use super::atom::{self, FeedInput, LIMIT, Latest};
        let b = bundled();
        let mut latest = Latest::new(LIMIT);
        for r in &b.reports {
            latest.extend(atom::entries(r, &b.analysis.schemes, AS_OF));
        }
        let entries = latest.into_sorted();
        let strings = strings(lang);
        let edition = if lang == "zh" { "" } else { "en/" };
        let path = format!("{edition}registry/feed.xml");
        render_feed(&atom::view(
            &entries,
            &FeedInput {
                strings: &strings,
                lang,
                site_title: "Example",
                urls: super::Urls {
                    base_url: URLS.base_url,
                    edition,
                },
                path: &path,
                as_of: AS_OF,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::bundled;
    use super::*;

    #[test]
    fn rows_carry_names_levels_and_urls() {
        let b = bundled();
        let urls = Urls {
            base_url: "https://example.org/sub/",
            edition: "",
        };
        let rows: Vec<OrganisationRow> = b
            .reports
            .iter()
            .map(|r| rows(r, &b.analysis.schemes, &urls))
            .collect();
        assert_eq!(rows.len(), b.analysis.registry.organisations.len());
        let certificates: usize = rows.iter().map(|r| r.certificates.len()).sum();
        let expected: usize = b
            .analysis
            .registry
            .organisations
            .iter()
            .map(|o| o.data.certificates.len())
            .sum();
        assert_eq!(certificates, expected);
        for row in &rows {
            assert_eq!(
                row.page_url,
                format!("https://example.org/sub/registry/{}/", row.id)
            );
            assert_eq!(
                row.json_url,
                format!(
                    "https://example.org/sub/api/v2/organisations/{}.json",
                    row.id
                )
            );
            for c in &row.certificates {
                assert_eq!(c.organisation, row.id);
                assert!(c.url.ends_with(&format!(
                    "/verify/{}/",
                    crate::registry::number_slug(&c.number)
                )));
                // Every bundled certificate's standard, category and level is known.
                let scheme = b.analysis.schemes.get(&c.standard);
                let def = scheme.and_then(|s| s.rules.levels.iter().find(|l| l.id == c.level));
                assert_eq!(Some(&c.level_en), def.map(|l| &l.en), "{}", c.number);
                assert_ne!(c.category_en, c.category);
                assert_ne!(c.standard_zh, c.standard);
                assert!(c.status.is_some());
            }
        }
        // A certificate in force has an agreement; a revoked one has none.
        let all: Vec<&CertificateRow> = rows.iter().flat_map(|r| &r.certificates).collect();
        assert!(
            all.iter()
                .any(|c| c.status == Some(Status::Valid) && c.agreement.is_some())
        );
        assert!(
            all.iter()
                .filter(|c| c.status == Some(Status::Revoked))
                .all(|c| c.agreement.is_none())
        );
        assert!(all.iter().any(|c| c.status == Some(Status::Revoked)));
    }

    fn flag(registered: &str, supported: Option<&str>, highest: Option<&str>) -> LevelFlag {
        let schemes = &bundled().analysis.schemes;
        LevelFlag::new(
            &UnsupportedLevel {
                registered: registered.into(),
                supported: supported.map(String::from),
                highest_defined: highest.map(String::from),
            },
            schemes,
            "csi-grading",
        )
    }

    #[test]
    fn a_flag_names_the_registered_level_first_in_both_languages() {
        let (zh, en) = (super::fixture::strings("zh"), super::fixture::strings("en"));
        let cases = [
            (
                flag("三级", Some("一级"), None),
                "登记三级；证据仅支持一级",
                "Registered Level 3; the evidence supports only Level 1",
            ),
            (
                flag("三级", None, None),
                "登记三级；证据不支持任何等级",
                "Registered Level 3; the evidence supports no level",
            ),
            (
                flag("四级", Some("三级"), Some("三级")),
                "登记四级；本标准对该类服务未规定四级要求，最高只能支持三级",
                "Registered Level 4; this standard defines no Level 4 requirements for this category, so the highest level it can support is Level 3",
            ),
            (
                flag("四级", Some("一级"), Some("三级")),
                "登记四级；本标准对该类服务未规定四级要求，最高只能支持三级，证据仅支持一级",
                "Registered Level 4; this standard defines no Level 4 requirements for this category, so the highest level it can support is Level 3, and the evidence supports only Level 1",
            ),
            (
                flag("四级", None, Some("三级")),
                "登记四级；本标准对该类服务未规定四级要求，最高只能支持三级，证据不支持任何等级",
                "Registered Level 4; this standard defines no Level 4 requirements for this category, so the highest level it can support is Level 3, and the evidence supports no level",
            ),
        ];
        for (flag, in_zh, in_en) in cases {
            assert_eq!(flag.sentence(&zh, "zh"), in_zh);
            assert_eq!(flag.sentence(&en, "en"), in_en);
        }
        // The API form keeps the standard's own writing.
        let f = flag("四级", Some("一级"), Some("三级"));
        assert_eq!(f.ids().registered, "四级");
        assert_eq!(f.ids().highest_defined.as_deref(), Some("三级"));
    }

    #[test]
    fn rows_carry_the_flag_of_an_unsupported_level_and_only_then() {
        let b = bundled();
        // The bundled registry is consistent (check --strict passes).
        for r in &b.reports {
            let row = rows(r, &b.analysis.schemes, &super::fixture::URLS);
            assert!(row.certificates.iter().all(|c| c.level_flag.is_none()));
        }
        let mut report = b
            .reports
            .iter()
            .find(|r| r.certificates.iter().any(|c| c.standard == "csi-grading"))
            .cloned()
            .unwrap_or_else(|| panic!("a csi-grading certificate"));
        let i = report
            .certificates
            .iter()
            .position(|c| c.standard == "csi-grading")
            .unwrap_or(0);
        report.certificates[i].unsupported_level = Some(UnsupportedLevel {
            registered: "三级".into(),
            supported: Some("一级".into()),
            highest_defined: None,
        });
        let row = rows(&report, &b.analysis.schemes, &super::fixture::URLS);
        let f = row.certificates[i].level_flag.as_ref();
        assert_eq!(f.map(|f| f.registered.en.as_str()), Some("Level 3"));
        assert_eq!(
            f.and_then(|f| f.supported.as_ref()).map(|l| l.en.as_str()),
            Some("Level 1")
        );
    }
}

/// The examples of the documentation pages are real output: every JSON
/// example is the code's output for that organisation (arrays may be
/// shortened, never altered; objects show every field), every CSV and XML
/// line is a line of the real files, every YAML example is a registry file.
#[cfg(test)]
mod doc_examples {
    use std::path::Path;

    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    use serde_json::Value;

    use super::fixture::{URLS, bundled, feed, wording};
    use super::*;

    const GENERATED_AT: &str = "2026-11-21T00:00:00Z";

    const DOCS: &[(&str, &str)] = &[
        ("docs/api.md", include_str!("../../docs/api.md")),
        ("docs/api.zh.md", include_str!("../../docs/api.zh.md")),
        ("docs/registry.md", include_str!("../../docs/registry.md")),
        (
            "docs/registry.zh.md",
            include_str!("../../docs/registry.zh.md"),
        ),
    ];

    /// (language, text) of every fenced code block.
    fn blocks(markdown: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut current: Option<(String, String)> = None;
        for event in Parser::new(markdown) {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                    current = Some((lang.to_string(), String::new()))
                }
                Event::Text(t) => {
                    if let Some((_, text)) = &mut current {
                        text.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
                _ => {}
            }
        }
        out
    }

    /// The maps of the API, keyed by id (requirements, the missing ones by
    /// part, thresholds by category): an example may show some of their
    /// keys, as it may show some elements of an array.
    const MAPS: &[&str] = &["requirements", "missing", "thresholds", "at"];

    /// `example` shows `real`: objects with the same keys (maps of
    /// [`MAPS`]: some of them), arrays as subsequences, everything else
    /// equal.
    fn shows(example: &Value, real: &Value, path: &str) -> Result<(), String> {
        match (example, real) {
            (Value::Object(e), Value::Object(r)) => {
                let ek: Vec<&String> = e.keys().collect();
                let rk: Vec<&String> = r.keys().collect();
                let map = MAPS.iter().any(|m| path.ends_with(&format!("/{m}")));
                if map {
                    if let Some(k) = ek.iter().find(|k| !r.contains_key(k.as_str())) {
                        return Err(format!("{path}: key {k} is not in the real output"));
                    }
                } else if ek != rk {
                    return Err(format!("{path}: fields {ek:?}, the code emits {rk:?}"));
                }
                for (k, v) in e {
                    shows(v, &r[k], &format!("{path}/{k}"))?;
                }
                Ok(())
            }
            (Value::Array(e), Value::Array(r)) => {
                let mut rest = r.iter().enumerate();
                for (i, item) in e.iter().enumerate() {
                    if !rest
                        .by_ref()
                        .any(|(j, x)| shows(item, x, &format!("{path}/{j}")).is_ok())
                    {
                        return Err(format!("{path}/{i}: not in the real output, in order"));
                    }
                }
                Ok(())
            }
            _ if example == real => Ok(()),
            _ => Err(format!("{path}: {example} but the code gives {real}")),
        }
    }

    fn real_rows() -> Vec<OrganisationRow> {
        let b = bundled();
        b.reports
            .iter()
            .map(|r| rows(r, &b.analysis.schemes, &URLS))
            .collect()
    }

    fn check_json(file: &str, text: &str) {
        let b = bundled();
        let example: Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: JSON example: {e}"));
        let real: Value = if let Some(id) = example["organisation"]["id"].as_str() {
            let i = b
                .reports
                .iter()
                .position(|r| r.organisation.id == id)
                .unwrap_or_else(|| panic!("{file}: no organisation {id}"));
            let org = &b.analysis.registry.organisations[i];
            let og =
                b.analysis
                    .grades
                    .organisation(&b.analysis.registry, i, org, &b.analysis.schemes);
            let organisation =
                api::organisation::build(&b.reports[i], org, &og, &b.analysis.schemes);
            // The API file, which `dengji grade --format json` prints too.
            let bytes = api::organisation(&organisation).unwrap_or_else(|e| panic!("{e}"));
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"))
        } else if example.get("organisations").is_some() {
            let rows = real_rows();
            let bytes = api::index(
                &rows,
                rows.len(),
                &b.analysis.schemes,
                URLS.base_url,
                GENERATED_AT,
                &b.analysis.grades.as_of.to_string(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"))
        } else if let Some(slug) = example["id"]
            .as_str()
            .filter(|_| example.get("parts").is_some())
        {
            let scheme = b
                .analysis
                .schemes
                .get(slug)
                .unwrap_or_else(|| panic!("{file}: no standard {slug}"));
            let pages = crate::render::registry::pages(&b.analysis.documents);
            let clauses = api::standard::Clauses {
                base: format!("{}standards/{slug}/", URLS.base_url),
                pages: pages.get(slug),
            };
            let doc = api::standard::build(scheme, &b.analysis.schemes, &clauses, GENERATED_AT);
            let bytes = api::standard(&doc).unwrap_or_else(|e| panic!("{e}"));
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"))
        } else if let Some(number) = example["number"].as_str() {
            // The output of the verification recipe.
            let rows = real_rows();
            let (org, c) = rows
                .iter()
                .flat_map(|o| o.certificates.iter().map(move |c| (o, c)))
                .find(|(_, c)| c.number == number)
                .unwrap_or_else(|| panic!("{file}: no certificate {number}"));
            serde_json::json!({
                "number": c.number,
                "organisation": org.name_zh,
                "status": c.status,
                "status_date": c.status_date,
                "valid_until": c.valid_until,
                "as_of": b.analysis.grades.as_of.to_string(),
            })
        } else {
            panic!("{file}: a JSON example of unknown kind");
        };
        if let Err(e) = shows(&example, &real, "") {
            panic!("{file}: the JSON example is not the code's output: {e}");
        }
    }

    fn check_lines(file: &str, text: &str, real: &[String], what: &str) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                real.iter().any(|r| r.lines().any(|x| x == line)),
                "{file}: this {what} line is not in the real output:\n{line}"
            );
        }
    }

    #[test]
    fn documentation_examples_are_real_output() {
        let rows = real_rows();
        let csv_files: Vec<String> = [
            csv::certificates(rows.iter().flat_map(|r| &r.certificates), wording()),
            csv::organisations(&rows),
        ]
        .into_iter()
        .map(|r| {
            let bytes = r.unwrap_or_else(|e| panic!("{e}"));
            String::from_utf8_lossy(&bytes)
                .trim_start_matches('\u{feff}')
                .replace("\r\n", "\n")
        })
        .collect();
        let feeds = [feed("zh"), feed("en")];
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let registry_files: Vec<serde_yaml::Value> = std::fs::read_dir(root.join("registry"))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter_map(|t| serde_yaml::from_str(&t).ok())
            .collect();
        let mut counts = std::collections::BTreeMap::new();
        for (file, markdown) in DOCS {
            for (lang, text) in blocks(markdown) {
                *counts.entry((*file, lang.clone())).or_insert(0) += 1;
                match lang.as_str() {
                    "json" => check_json(file, &text),
                    "csv" => check_lines(file, &text, &csv_files, "CSV"),
                    "xml" => check_lines(file, &text, &feeds, "feed"),
                    "yaml" => {
                        let value: serde_yaml::Value = serde_yaml::from_str(&text)
                            .unwrap_or_else(|e| panic!("{file}: YAML example: {e}"));
                        assert!(
                            registry_files.iter().any(|r| yaml_shows(&value, r)),
                            "{file}: the YAML example is not (part of) a file of registry/"
                        );
                        assert_publishable(file, &value);
                    }
                    "sh" => {}
                    other => {
                        panic!("{file}: a code block in `{other}`: give it a checked language")
                    }
                }
            }
        }
        // Every page has its examples.
        for file in ["docs/api.md", "docs/api.zh.md"] {
            assert_eq!(counts.get(&(file, "json".to_string())), Some(&4), "{file}");
            assert_eq!(counts.get(&(file, "csv".to_string())), Some(&2), "{file}");
            assert_eq!(counts.get(&(file, "xml".to_string())), Some(&1), "{file}");
        }
        for file in ["docs/registry.md", "docs/registry.zh.md"] {
            assert_eq!(counts.get(&(file, "yaml".to_string())), Some(&6), "{file}");
            assert_eq!(counts.get(&(file, "json".to_string())), Some(&1), "{file}");
        }
    }

    /// `example` is `real` with keys or list items left out.
    fn yaml_shows(example: &serde_yaml::Value, real: &serde_yaml::Value) -> bool {
        use serde_yaml::Value as Y;
        match (example, real) {
            (Y::Mapping(e), Y::Mapping(r)) => e
                .iter()
                .all(|(k, v)| r.get(k).is_some_and(|x| yaml_shows(v, x))),
            (Y::Sequence(e), Y::Sequence(r)) => {
                let mut rest = r.iter();
                e.iter().all(|item| rest.any(|x| yaml_shows(item, x)))
            }
            _ => example == real,
        }
    }

    /// A documentation page is published: its YAML example must hold none
    /// of the values that are private by default.
    fn assert_publishable(file: &str, example: &serde_yaml::Value) {
        let evidence = &example["evidence"];
        for person in ["head", "technical_lead"] {
            assert!(
                evidence[person].get("name").is_none(),
                "{file}: the example publishes {person}.name"
            );
        }
        for project in evidence["projects"].as_sequence().into_iter().flatten() {
            for key in ["client", "name", "amount"] {
                assert!(
                    project.get(key).is_none(),
                    "{file}: the example publishes a project's {key}"
                );
            }
        }
    }

    #[test]
    fn a_changed_example_is_caught() {
        let real = serde_json::json!({"a": [1, 2, 3], "b": {"c": "x"}});
        assert!(
            shows(
                &serde_json::json!({"a": [1, 3], "b": {"c": "x"}}),
                &real,
                ""
            )
            .is_ok()
        );
        assert!(
            shows(
                &serde_json::json!({"a": [3, 1], "b": {"c": "x"}}),
                &real,
                ""
            )
            .is_err()
        );
        assert!(shows(&serde_json::json!({"a": [1], "b": {"c": "y"}}), &real, "").is_err());
        assert!(shows(&serde_json::json!({"a": [1], "b": {}}), &real, "").is_err());
        assert!(shows(&serde_json::json!({"a": [1]}), &real, "").is_err());
        // A map keyed by id may be shown in part, never with a key it lacks.
        let real = serde_json::json!({"requirements": {"a": {"state": "x"}, "b": {"state": "y"}}});
        let part = serde_json::json!({"requirements": {"b": {"state": "y"}}});
        assert!(shows(&part, &real, "").is_ok());
        let wrong = serde_json::json!({"requirements": {"c": {"state": "y"}}});
        assert!(shows(&wrong, &real, "").is_err());
        let changed = serde_json::json!({"requirements": {"b": {}}});
        assert!(shows(&changed, &real, "").is_err());

        let yaml = |t: &str| -> serde_yaml::Value {
            serde_yaml::from_str(t).unwrap_or_else(|e| panic!("{e}"))
        };
        let real = yaml("a: 1\nb: [x, y, z]\nc: {d: 2}");
        assert!(yaml_shows(&yaml("b: [x, z]\nc: {}"), &real));
        assert!(!yaml_shows(&yaml("b: [z, x]"), &real));
        assert!(!yaml_shows(&yaml("a: 2"), &real));
        assert!(!yaml_shows(&yaml("e: 1"), &real));
        let private = yaml("evidence: {projects: [{types: [x], amount: 3}]}");
        let caught = std::panic::catch_unwind(|| assert_publishable("x", &private));
        assert!(caught.is_err());
    }
}
