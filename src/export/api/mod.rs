//! The versioned JSON API: static files under `api/v2/`, compact JSON
//! with keys in a fixed order and no `null` anywhere (a field that does not
//! apply is left out).
//!
//! - `api/v2/organisations/<id>.json`: one organisation's identity,
//!   certificates and grades ([`organisation`]): each requirement's state,
//!   value and threshold, once per part, named by id.
//! - `api/v2/standards/<slug>.json`: a standard's grading rules, once
//!   ([`standard`]): levels, parts, what each level adds and inherits, and
//!   every requirement's clause, summary, kind, threshold and reading.
//! - `api/v2/index.json`: every organisation with its certificates'
//!   numbers, statuses and levels, the URLs of its file and page, and the
//!   standards' files.
//! - `api/v2/openapi.json`: an OpenAPI 3.1 description of the above, the CSV
//!   files and the feed, with the schemas generated from the Rust types.
//!
//! `schema_version` is [`SCHEMA_VERSION`]: the API and `dengji grade
//! --format json` share the organisation file's shape. Fields are only ever
//! added within a version; an incompatible change bumps it and moves the
//! API to `api/v<n>/`. Version 1 (`api/v1/`, every requirement with its
//! text and every absent field as `null`, for every level) is retired: it
//! is no longer generated.

pub mod organisation;
pub mod standard;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::OrganisationRow;
use crate::grade::Status;
use crate::rules::Schemes;

pub use organisation::{OrganisationFile, UnsupportedLevel};
pub use standard::StandardDocument;

/// Version of the JSON files' shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The folder of this version of the API inside the site.
pub const ROOT: &str = "api/v2/";

/// `api/v2/organisations/<id>.json`.
pub fn organisation_path(id: &str) -> String {
    format!("{ROOT}organisations/{id}.json")
}

/// `api/v2/standards/<slug>.json`.
pub fn standard_path(slug: &str) -> String {
    format!("{ROOT}standards/{slug}.json")
}

/// `api/v2/standards/<slug>/editions/<label>/impact.json`: how the edition
/// moves the registry's grades against the edition before.
pub fn impact_path(slug: &str, edition: &str) -> String {
    format!("{ROOT}standards/{slug}/editions/{edition}/impact.json")
}

/// `impact.json`: the version, the time and the impact.
#[derive(Serialize, JsonSchema)]
struct ImpactDocument<'a> {
    schema_version: u32,
    generated_at: &'a str,
    #[serde(flatten)]
    impact: &'a crate::impact::Impact,
}

/// The impact file of one edition.
pub fn impact(
    impact: &crate::impact::Impact,
    generated_at: &str,
) -> Result<Vec<u8>, serde_json::Error> {
    compact(&ImpactDocument {
        schema_version: SCHEMA_VERSION,
        generated_at,
        impact,
    })
}

/// `api/v2/index.json`.
pub const INDEX_PATH: &str = "api/v2/index.json";

/// `api/v2/openapi.json`.
pub const OPENAPI_PATH: &str = "api/v2/openapi.json";

/// For `skip_serializing_if`: a flag is written only when it is set.
fn is_false(b: &bool) -> bool {
    !*b
}

/// Compact JSON and a final newline.
fn compact(value: &impl Serialize) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = serde_json::to_vec(value)?;
    out.push(b'\n');
    Ok(out)
}

/// The file `api/v2/organisations/<id>.json` of one organisation.
pub fn organisation(file: &OrganisationFile) -> Result<Vec<u8>, serde_json::Error> {
    compact(file)
}

/// The file `api/v2/standards/<slug>.json` of one standard.
pub fn standard(document: &StandardDocument) -> Result<Vec<u8>, serde_json::Error> {
    compact(document)
}

/// `api/v2/index.json`: every organisation, in registry order.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Index")]
pub struct Index<'a, O = Vec<IndexEntry<'a>>> {
    pub schema_version: u32,
    /// When the file was generated (RFC 3339).
    pub generated_at: &'a str,
    /// The grading date (`YYYY-MM-DD`) the statuses and levels hold on.
    pub as_of: &'a str,
    /// Number of organisations listed.
    pub count: usize,
    /// Every standard graded on the site, with its file.
    pub standards: Vec<IndexStandard<'a>>,
    pub organisations: O,
}

/// The index's organisations, each made from its row and written as it is
/// read: the rows need not all be held at once.
struct Rows<I>(std::cell::RefCell<Option<I>>);

impl<I, B> Serialize for Rows<I>
where
    I: Iterator<Item = B>,
    B: std::borrow::Borrow<OrganisationRow>,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        for row in self.0.borrow_mut().take().into_iter().flatten() {
            seq.serialize_element(&index_entry(row.borrow()))?;
        }
        seq.end()
    }
}

/// One organisation's entry in the index.
fn index_entry(r: &OrganisationRow) -> IndexEntry<'_> {
    IndexEntry {
        id: &r.id,
        name_zh: &r.name_zh,
        name_en: &r.name_en,
        region: &r.region,
        url: &r.json_url,
        page_url: &r.page_url,
        certificates: r
            .certificates
            .iter()
            .map(|c| IndexCertificate {
                number: &c.number,
                standard: &c.standard,
                category: &c.category,
                level: &c.level,
                unsupported_level: c.level_flag.as_ref().map(|f| UnsupportedLevel {
                    registered: &f.registered.id,
                    supported: f.supported.as_ref().map(|l| l.id.as_str()),
                    highest_defined: f.highest_defined.as_ref().map(|l| l.id.as_str()),
                }),
                status: c.status,
                status_date: c.status_date.as_deref(),
                valid_until: c.valid_until.as_deref(),
            })
            .collect(),
    }
}

/// One standard in the index.
#[derive(Serialize, JsonSchema)]
pub struct IndexStandard<'a> {
    /// The standard's slug (`grades[].standard` of the organisation files).
    pub id: &'a str,
    pub title_zh: String,
    pub title_en: String,
    /// The standard's file (absolute URL): its levels, parts and
    /// requirements.
    pub url: String,
}

/// One organisation in the index.
#[derive(Serialize, JsonSchema)]
pub struct IndexEntry<'a> {
    pub id: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    /// Province-level region id.
    pub region: &'a str,
    /// The organisation's file (absolute URL).
    pub url: &'a str,
    /// The organisation's page (absolute URL).
    pub page_url: &'a str,
    /// Absent: the organisation holds none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<IndexCertificate<'a>>,
}

/// One certificate in the index.
#[derive(Serialize, JsonSchema)]
pub struct IndexCertificate<'a> {
    pub number: &'a str,
    pub standard: &'a str,
    pub category: &'a str,
    /// Registered level as the standard writes it (`三级`).
    pub level: &'a str,
    /// Present when the certificate is in force or suspended and the
    /// evidence does not support its registered level; as in the
    /// organisation's file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsupported_level: Option<UnsupportedLevel<'a>>,
    /// Absent only for a malformed certificate (which fails the build).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Absent for `valid` (see the organisation file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<&'a str>,
}

/// The file `api/v2/index.json` for the `count` `rows` (in registry
/// order), compact JSON; `schemes` are the standards, whose files are
/// under `base_url`.
pub fn index<B: std::borrow::Borrow<OrganisationRow>>(
    rows: impl IntoIterator<Item = B>,
    count: usize,
    schemes: &Schemes,
    base_url: &str,
    generated_at: &str,
    as_of: &str,
) -> Result<Vec<u8>, serde_json::Error> {
    compact(&Index {
        schema_version: SCHEMA_VERSION,
        generated_at,
        as_of,
        count,
        standards: schemes
            .schemes
            .iter()
            .map(|s| IndexStandard {
                id: &s.slug,
                title_zh: s.title_in("zh"),
                title_en: s.title_in("en"),
                url: format!("{base_url}{}", standard_path(&s.slug)),
            })
            .collect(),
        organisations: Rows(std::cell::RefCell::new(Some(rows.into_iter()))),
    })
}

/// The other static files the OpenAPI document describes, as paths inside
/// the site. A path may hold `{parameters}` (`registry/region/{region}/organisations.csv`).
#[derive(Debug, Clone, Copy)]
pub struct Endpoints<'a> {
    /// CSV of every certificate.
    pub certificates_csv: &'a str,
    /// CSV listings of organisations (one path template per facet).
    pub organisations_csv: &'a [&'a str],
    /// The Atom feed of each language edition: (language code, path).
    pub feeds: &'a [(&'a str, &'a str)],
}

/// The site's paths as the render stage publishes them.
pub const ENDPOINTS: Endpoints<'static> = Endpoints {
    certificates_csv: "registry/certificates.csv",
    organisations_csv: &[
        "registry/organisations.csv",
        "registry/standard/{standard}/organisations.csv",
        "registry/category/{standard}/{category}/organisations.csv",
        "registry/level/{standard}/{level}/organisations.csv",
        "registry/region/{region}/organisations.csv",
        "registry/status/{status}/organisations.csv",
    ],
    feeds: &[("zh", "registry/feed.xml"), ("en", "en/registry/feed.xml")],
};

/// `api/v1/openapi.json`: OpenAPI 3.1 for the site at `base_url`, whose
/// title is `title`. Pretty JSON (it is small and read by people).
pub fn openapi(
    base_url: &str,
    title: &str,
    endpoints: &Endpoints,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let organisation_schema = generator.subschema_for::<OrganisationFile>().to_value();
    let standard_schema = generator.subschema_for::<StandardDocument>().to_value();
    let index_schema = generator.subschema_for::<Index>().to_value();
    let impact_schema = generator.subschema_for::<ImpactDocument>().to_value();
    // The files hold no null: an Option is a field that may be absent.
    let mut schemas = Value::Object(generator.take_definitions(true));
    without_null(&mut schemas);

    let json_response = |description: &str, schema: Value| {
        json!({
            "200": {
                "description": description,
                "content": {"application/json": {"schema": schema}}
            }
        })
    };
    let text_response = |description: &str, media: &str| {
        json!({
            "200": {
                "description": description,
                "content": {media: {"schema": {"type": "string"}}}
            }
        })
    };
    let mut paths = Map::new();
    let mut add = |path: &str, operation: Value| {
        let mut op = operation;
        let params = path_parameters(path);
        if !params.is_empty()
            && let Some(o) = op.as_object_mut()
        {
            o.insert("parameters".into(), Value::Array(params));
        }
        paths.insert(format!("/{path}"), json!({ "get": op }));
    };
    add(
        INDEX_PATH,
        json!({
            "operationId": "getIndex",
            "summary": "Every organisation with its certificates",
            "description": "One entry per organisation in the registry, in id order, with each certificate's number, status and level and the URLs of the organisation's file and page.",
            "responses": json_response("The index", index_schema),
        }),
    );
    add(
        &organisation_path("{id}"),
        json!({
            "operationId": "getOrganisation",
            "summary": "One organisation's certificates and grades",
            "description": "Identity, certificates with their status on the grading date and dated events, the assessment records used, and the computed grade per standard and category, part by part: each requirement's state, value, threshold and clause, once per part, named by its id in the standard's file (which holds its text). No field is null: what does not apply is absent. A private value is absent with `private: true`.",
            "responses": json_response("The organisation's grades", organisation_schema),
        }),
    );
    add(
        &standard_path("{standard}"),
        json!({
            "operationId": "getStandard",
            "summary": "One standard's grading rules",
            "description": "Levels (lowest first), service categories, parts, the requirements each level adds and the level it inherits, and every requirement by id with its clause and URL, summary in Chinese and English, kind, fixed threshold and recorded reading.",
            "responses": json_response("The standard's rules", standard_schema),
        }),
    );
    add(
        &impact_path("{standard}", "{edition}"),
        json!({
            "operationId": "getImpact",
            "summary": "How an edition moves the registry's grades",
            "description": "For a standard with several editions, each edition after the first: every organisation graded on the same date under that edition's rules and under the edition before's (transition periods aside), counts by service category and by level, and every organisation × category whose level moves, with the requirements whose outcome differs.",
            "responses": json_response("The edition's impact", impact_schema),
        }),
    );
    add(
        endpoints.certificates_csv,
        json!({
            "operationId": "getCertificatesCsv",
            "summary": "Every certificate as CSV",
            "description": format!(
                "UTF-8 with a byte order mark, CRLF line ends, a header row. Columns: {}.",
                super::csv::CERTIFICATE_COLUMNS.join(", ")
            ),
            "responses": text_response("The certificates", "text/csv"),
        }),
    );
    for (i, path) in endpoints.organisations_csv.iter().enumerate() {
        add(
            path,
            json!({
                "operationId": format!("getOrganisationsCsv{}", i + 1),
                "summary": "A listing of organisations as CSV",
                "description": format!(
                    "UTF-8 with a byte order mark, CRLF line ends, a header row. Columns: {}.",
                    super::csv::ORGANISATION_COLUMNS.join(", ")
                ),
                "responses": text_response("The organisations", "text/csv"),
            }),
        );
    }
    for (lang, path) in endpoints.feeds {
        add(
            path,
            json!({
                "operationId": format!("getFeed_{lang}"),
                "summary": format!("Atom feed of registry changes ({lang})"),
                "description": format!(
                    "Certificates issued, renewed, suspended, reinstated and revoked in the {} days up to the grading date, and certificates expiring within {} days of it; the newest {} entries.",
                    super::atom::WINDOW_DAYS,
                    crate::grade::certificate::EXPIRING_SOON_DAYS,
                    super::atom::LIMIT
                ),
                "responses": text_response("The feed", "application/atom+xml"),
            }),
        );
    }
    let server = base_url.trim_end_matches('/');
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{title}: registry API"),
            "version": format!("v{SCHEMA_VERSION} (schema_version {SCHEMA_VERSION})"),
            "description": "Static JSON, CSV and Atom files of the registry, regenerated on every build. Fields are only added within a version; an incompatible change increases schema_version and publishes under a new path. Version 1 (/api/v1/) is retired and no longer published.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": if server.is_empty() { "/" } else { server }}],
        "paths": paths,
        "components": {"schemas": schemas},
    });
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

/// Takes `null` out of every schema under `value`: the files leave out
/// what does not apply, so an `Option` is a field that may be absent, never
/// one that may be null.
fn without_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
            for key in ["anyOf", "oneOf"] {
                let Some(Value::Array(options)) = map.get_mut(key) else {
                    continue;
                };
                options.retain(|o| o.get("type").is_none_or(|t| t != "null"));
                if options.len() == 1 {
                    // One schema left: it stands for itself.
                    if let Some(Value::Object(only)) = options.pop() {
                        map.remove(key);
                        for (k, v) in only {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            map.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// A required string parameter for each `{name}` in `path`.
fn path_parameters(path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        out.push(json!({
            "name": name,
            "in": "path",
            "required": true,
            "schema": {"type": "string"},
        }));
        rest = &rest[start + len + 1..];
    }
    out
}

#[cfg(test)]
mod carried;

#[cfg(test)]
mod tests {
    use super::super::fixture::{URLS, bundled};
    use super::super::rows;
    use super::*;

    const GENERATED_AT: &str = "2026-05-01T00:00:00Z";

    fn openapi_doc() -> Value {
        let bytes = openapi("https://example.org/sub/", "Example", &ENDPOINTS)
            .unwrap_or_else(|e| panic!("openapi: {e}"));
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("openapi parses: {e}"))
    }

    /// A validator for the component schema `name` of the OpenAPI document.
    fn validator(doc: &Value, name: &str) -> jsonschema::Validator {
        let schema = json!({
            "$ref": format!("#/components/schemas/{name}"),
            "components": doc["components"],
        });
        jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("schema {name}: {e}"))
    }

    fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
        validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// The bundled organisations' files, as published.
    pub(super) fn organisation_files() -> Vec<Value> {
        let b = bundled();
        b.reports
            .iter()
            .zip(&b.analysis.registry.organisations)
            .zip(
                b.analysis
                    .grades
                    .every(&b.analysis.registry, &b.analysis.schemes),
            )
            .map(|((report, org), og)| {
                let file = organisation::build(report, org, &og, &b.analysis.schemes);
                let bytes = organisation(&file).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(bytes.last(), Some(&b'\n'));
                serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    }

    /// The bundled standards' files, by slug, as published.
    pub(super) fn standard_files() -> std::collections::BTreeMap<String, Value> {
        let b = bundled();
        b.analysis
            .schemes
            .schemes
            .iter()
            .map(|scheme| {
                let clauses = standard::Clauses {
                    base: format!("https://example.org/standards/{}/", scheme.slug),
                    pages: None,
                };
                let doc = standard::build(scheme, &b.analysis.schemes, &clauses, GENERATED_AT);
                let bytes = super::standard(&doc).unwrap_or_else(|e| panic!("{e}"));
                let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
                (scheme.slug.clone(), value)
            })
            .collect()
    }

    #[test]
    fn every_organisation_file_matches_the_openapi_schema() {
        let doc = openapi_doc();
        let validator = validator(&doc, "Organisation");
        let files = organisation_files();
        assert!(!files.is_empty());
        for (value, report) in files.iter().zip(&bundled().reports) {
            let errors = errors(&validator, value);
            assert!(errors.is_empty(), "{}: {errors:#?}", report.organisation.id);
            assert!(value.get("generated_at").is_none());
            assert_eq!(value["schema_version"], 2);
            assert_eq!(value["organisation"]["id"], report.organisation.id.as_str());
        }
    }

    #[test]
    fn every_standard_file_matches_the_openapi_schema() {
        let doc = openapi_doc();
        let validator = validator(&doc, "Standard");
        let files = standard_files();
        assert_eq!(files.len(), bundled().analysis.schemes.schemes.len());
        for (slug, value) in &files {
            let errors = errors(&validator, value);
            assert!(errors.is_empty(), "{slug}: {errors:#?}");
            assert_eq!(value["id"], slug.as_str());
            assert_eq!(value["schema_version"], 2);
        }
    }

    #[test]
    fn the_schema_rejects_a_file_without_its_required_fields_or_with_a_null() {
        let doc = openapi_doc();
        let validator = validator(&doc, "Organisation");
        let good = organisation_files()
            .into_iter()
            .find(|f| f["organisation"].get("website").is_some() && f["grades"][0].is_object())
            .unwrap_or_else(|| panic!("an organisation with a website and a grade"));
        assert!(validator.is_valid(&good));
        let first = good["grades"][0]["parts"][0]["requirements"]
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            .unwrap_or_default();
        let requirement = format!("/grades/0/parts/0/requirements/{first}");
        for (pointer, key) in [
            ("", "schema_version"),
            ("", "as_of"),
            ("/organisation", "name_zh"),
            ("/grades/0", "parts"),
            (requirement.as_str(), "state"),
        ] {
            let mut bad = good.clone();
            if let Some(obj) = bad.pointer_mut(pointer).and_then(Value::as_object_mut) {
                obj.remove(key);
            }
            assert!(
                !validator.is_valid(&bad),
                "missing {pointer}/{key} accepted"
            );
        }
        let mut bad = good.clone();
        bad["schema_version"] = json!("2");
        assert!(!validator.is_valid(&bad));
        // Absent is the only way to say "none": a null is refused.
        for pointer in ["/organisation/website", "/grades/0/level", "/certificates"] {
            let mut bad = good.clone();
            if let Some(v) = bad.pointer_mut(pointer) {
                *v = Value::Null;
            } else if let Some((parent, key)) = pointer.rsplit_once('/')
                && let Some(obj) = bad.pointer_mut(parent).and_then(Value::as_object_mut)
            {
                obj.insert(key.to_string(), Value::Null);
            }
            assert!(!validator.is_valid(&bad), "null {pointer} accepted");
        }
    }

    #[test]
    fn the_index_lists_every_organisation_and_standard_and_matches_its_schema() {
        let b = bundled();
        let rows: Vec<_> = b
            .reports
            .iter()
            .map(|r| rows(r, &b.analysis.schemes, &URLS))
            .collect();
        let bytes = index(
            &rows,
            rows.len(),
            &b.analysis.schemes,
            URLS.base_url,
            GENERATED_AT,
            "2026-05-01",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let value: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let doc = openapi_doc();
        let errors = errors(&validator(&doc, "Index"), &value);
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(value["schema_version"], 2);
        assert_eq!(value["count"], rows.len());
        assert_eq!(value["as_of"], "2026-05-01");
        let orgs = value["organisations"].as_array().map_or(0, Vec::len);
        assert_eq!(orgs, rows.len());
        let first = &value["organisations"][0];
        assert_eq!(first["id"], rows[0].id.as_str());
        assert_eq!(
            first["url"],
            format!(
                "https://example.org/api/v2/organisations/{}.json",
                rows[0].id
            )
        );
        let certs: usize = value["organisations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| o["certificates"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(
            certs,
            rows.iter().map(|r| r.certificates.len()).sum::<usize>()
        );
        let standards: Vec<&str> = value["standards"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["id"].as_str())
            .collect();
        let slugs: Vec<&str> = b
            .analysis
            .schemes
            .schemes
            .iter()
            .map(|s| s.slug.as_str())
            .collect();
        assert_eq!(standards, slugs);
        assert_eq!(
            value["standards"][0]["url"],
            format!("https://example.org/api/v2/standards/{}.json", slugs[0])
        );
        assert!(!String::from_utf8_lossy(&bytes).contains("null"));
    }

    #[test]
    fn an_unsupported_level_is_a_field_of_the_certificate_in_both_files() {
        use crate::grade::report;
        let b = bundled();
        let doc = openapi_doc();
        let i = b
            .reports
            .iter()
            .position(|r| !r.certificates.is_empty())
            .unwrap_or_else(|| panic!("an organisation with a certificate"));
        let mut report = b.reports[i].clone();
        let finding = report::UnsupportedLevel {
            registered: report.certificates[0].level.clone(),
            supported: None,
            highest_defined: None,
        };
        report.certificates[0].unsupported_level = Some(finding.clone());
        let org = &b.analysis.registry.organisations[i];
        let og = b
            .analysis
            .grades
            .organisation(&b.analysis.registry, i, org, &b.analysis.schemes);
        let file = organisation::build(&report, org, &og, &b.analysis.schemes);
        let bytes = organisation(&file).unwrap_or_else(|e| panic!("{e}"));
        let file: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(validator(&doc, "Organisation").is_valid(&file));
        // The evidence supports no level: only the registered one is named.
        let expected = json!({"registered": finding.registered});
        assert_eq!(file["certificates"][0]["unsupported_level"], expected);
        // Every other certificate has no such field.
        for c in file["certificates"]
            .as_array()
            .into_iter()
            .flatten()
            .skip(1)
        {
            assert_eq!(c.get("unsupported_level"), None);
        }
        let row = rows(&report, &b.analysis.schemes, &URLS);
        let bytes = index(
            [&row],
            1,
            &b.analysis.schemes,
            URLS.base_url,
            GENERATED_AT,
            "2026-05-01",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let index: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(validator(&doc, "Index").is_valid(&index));
        let certificates = &index["organisations"][0]["certificates"];
        assert_eq!(certificates[0]["unsupported_level"], expected);
        // With a supported and a highest defined level, all three are named.
        report.certificates[0].unsupported_level = Some(report::UnsupportedLevel {
            registered: "四级".into(),
            supported: Some("一级".into()),
            highest_defined: Some("三级".into()),
        });
        let file = organisation::build(&report, org, &og, &b.analysis.schemes);
        let value = serde_json::to_value(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            value["certificates"][0]["unsupported_level"],
            json!({"registered": "四级", "supported": "一级", "highest_defined": "三级"})
        );
    }

    #[test]
    fn openapi_describes_every_endpoint_without_null() {
        let doc = openapi_doc();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["servers"][0]["url"], "https://example.org/sub");
        let paths = doc["paths"]
            .as_object()
            .map(|p| p.keys().cloned().collect::<Vec<_>>());
        let paths = paths.unwrap_or_default();
        for p in [
            "/api/v2/index.json",
            "/api/v2/organisations/{id}.json",
            "/api/v2/standards/{standard}.json",
            "/registry/certificates.csv",
            "/registry/organisations.csv",
            "/registry/feed.xml",
            "/en/registry/feed.xml",
        ] {
            assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
        }
        assert!(!paths.iter().any(|p| p.contains("/v1/")), "v1 is retired");
        let org = &doc["paths"]["/api/v2/organisations/{id}.json"]["get"];
        assert_eq!(org["parameters"][0]["name"], "id");
        assert_eq!(org["parameters"][0]["in"], "path");
        // Every $ref points at a schema that exists.
        let text = doc.to_string();
        for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = piece.split('"').next().unwrap_or("");
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "dangling $ref {name}"
            );
        }
        // The types are there, generated from the Rust types.
        for name in [
            "Organisation",
            "Standard",
            "Index",
            "Certificate",
            "Evaluation",
            "Definition",
            "Status",
            "State",
        ] {
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{name} missing"
            );
        }
        // No schema admits null.
        let schemas = doc["components"]["schemas"].to_string();
        assert!(!schemas.contains("\"null\""), "{schemas}");
        assert!(!schemas.contains(":null"), "{schemas}");
    }

    #[test]
    fn null_is_taken_out_of_schemas() {
        let mut v = json!({
            "a": {"type": ["string", "null"], "description": "d"},
            "b": {"anyOf": [{"$ref": "#/x"}, {"type": "null"}], "description": "e"},
            "c": {"enum": ["at-least", null]},
            "d": {"type": "integer"},
        });
        without_null(&mut v);
        assert_eq!(
            v,
            json!({
                "a": {"type": "string", "description": "d"},
                "b": {"$ref": "#/x", "description": "e"},
                "c": {"enum": ["at-least"]},
                "d": {"type": "integer"},
            })
        );
    }

    #[test]
    fn path_parameters_are_found() {
        let p = path_parameters("registry/{facet}/{value}/organisations.csv");
        let names: Vec<&str> = p.iter().filter_map(|v| v["name"].as_str()).collect();
        assert_eq!(names, ["facet", "value"]);
        assert!(path_parameters("registry/certificates.csv").is_empty());
    }
}
