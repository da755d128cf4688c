//! The versioned JSON API: static files under `api/v1/`.
//!
//! - `api/v1/organisations/<id>.json`: one organisation's public report
//!   ([`Report`]) with `generated_at`, compact JSON.
//! - `api/v1/index.json`: every organisation with its certificates' numbers,
//!   statuses and levels, and the URLs of its file and page.
//! - `api/v1/openapi.json`: an OpenAPI 3.1 description of the above, the CSV
//!   files and the feed, with the schemas generated from the Rust types.
//!
//! `schema_version` is [`SCHEMA_VERSION`] of the report: the API and
//! `dengji grade --format json` share one shape. Fields are only ever added
//! within a version; an incompatible change bumps it and moves the API to
//! `api/v<n>/`.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::OrganisationRow;
use crate::grade::Status;
use crate::grade::report::{Report, SCHEMA_VERSION, UnsupportedLevel};

/// The folder of this version of the API inside the site.
pub const ROOT: &str = "api/v1/";

/// `api/v1/organisations/<id>.json`.
pub fn organisation_path(id: &str) -> String {
    format!("{ROOT}organisations/{id}.json")
}

/// `api/v1/index.json`.
pub const INDEX_PATH: &str = "api/v1/index.json";

/// `api/v1/openapi.json`.
pub const OPENAPI_PATH: &str = "api/v1/openapi.json";

/// One organisation's file: the public report and when it was generated.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Organisation")]
pub struct OrganisationDocument<'a> {
    /// When the file was generated (RFC 3339). Reproducible builds take it
    /// from `SOURCE_DATE_EPOCH`.
    pub generated_at: &'a str,
    #[serde(flatten)]
    pub report: &'a Report,
}

/// The file `api/v1/organisations/<id>.json` of one organisation: compact
/// JSON and a final newline.
pub fn organisation(report: &Report, generated_at: &str) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = serde_json::to_vec(&OrganisationDocument {
        generated_at,
        report,
    })?;
    out.push(b'\n');
    Ok(out)
}

/// `api/v1/index.json`: every organisation, in registry order.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "Index")]
pub struct Index<'a> {
    pub schema_version: u32,
    /// When the file was generated (RFC 3339).
    pub generated_at: &'a str,
    /// The grading date (`YYYY-MM-DD`) the statuses and levels hold on.
    pub as_of: &'a str,
    /// Number of organisations listed.
    pub count: usize,
    pub organisations: Vec<IndexEntry<'a>>,
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
    /// Set when the certificate is in force or suspended and the evidence
    /// does not support its registered level; as in the organisation's file.
    pub unsupported_level: Option<UnsupportedLevel>,
    pub status: Option<Status>,
    pub status_date: Option<&'a str>,
    pub valid_until: Option<&'a str>,
}

/// The file `api/v1/index.json` for `rows` (in registry order), compact JSON.
pub fn index<'a>(
    rows: impl IntoIterator<Item = &'a OrganisationRow>,
    generated_at: &str,
    as_of: &str,
) -> Result<Vec<u8>, serde_json::Error> {
    let organisations: Vec<IndexEntry> = rows
        .into_iter()
        .map(|r| IndexEntry {
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
                    unsupported_level: c.level_flag.as_ref().map(|f| f.ids()),
                    status: c.status,
                    status_date: c.status_date.as_deref(),
                    valid_until: c.valid_until.as_deref(),
                })
                .collect(),
        })
        .collect();
    let mut out = serde_json::to_vec(&Index {
        schema_version: SCHEMA_VERSION,
        generated_at,
        as_of,
        count: organisations.len(),
        organisations,
    })?;
    out.push(b'\n');
    Ok(out)
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
    let organisation_schema = generator.subschema_for::<OrganisationDocument>().to_value();
    let index_schema = generator.subschema_for::<Index>().to_value();
    let schemas = generator.take_definitions(true);

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
            "summary": "One organisation's public report",
            "description": "Identity, certificates with their status on the grading date and dated events, and the computed grade per standard and category, requirement by requirement. Private evidence is null with `private: true`.",
            "responses": json_response("The organisation's report", organisation_schema),
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
            "version": format!("v1 (schema_version {SCHEMA_VERSION})"),
            "description": "Static JSON, CSV and Atom files of the registry, regenerated on every build. Fields are only added within a version; an incompatible change increases schema_version and publishes under a new path.",
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

    #[test]
    fn every_organisation_file_matches_the_openapi_schema() {
        let doc = openapi_doc();
        let validator = validator(&doc, "Organisation");
        let b = bundled();
        assert!(!b.reports.is_empty());
        for report in &b.reports {
            let bytes = organisation(report, GENERATED_AT).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(bytes.last(), Some(&b'\n'));
            let value: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", report.organisation.id);
            assert_eq!(value["generated_at"], GENERATED_AT);
            assert_eq!(value["schema_version"], SCHEMA_VERSION);
            assert_eq!(value["organisation"]["id"], report.organisation.id.as_str());
        }
    }

    #[test]
    fn the_schema_rejects_a_file_without_its_required_fields() {
        let doc = openapi_doc();
        let validator = validator(&doc, "Organisation");
        let b = bundled();
        let bytes = organisation(&b.reports[0], GENERATED_AT).unwrap_or_else(|e| panic!("{e}"));
        let good: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        for (pointer, key) in [
            ("", "generated_at"),
            ("", "certificates"),
            ("/organisation", "name_zh"),
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
        bad["schema_version"] = json!("1");
        assert!(!validator.is_valid(&bad));
    }

    #[test]
    fn the_index_lists_every_organisation_and_matches_its_schema() {
        let b = bundled();
        let rows: Vec<_> = b
            .reports
            .iter()
            .map(|r| rows(r, &b.analysis.schemes, &URLS))
            .collect();
        let bytes = index(&rows, GENERATED_AT, "2026-05-01").unwrap_or_else(|e| panic!("{e}"));
        let value: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let doc = openapi_doc();
        let errors: Vec<String> = validator(&doc, "Index")
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(value["count"], rows.len());
        assert_eq!(value["as_of"], "2026-05-01");
        let orgs = value["organisations"].as_array().map_or(0, Vec::len);
        assert_eq!(orgs, rows.len());
        let first = &value["organisations"][0];
        assert_eq!(first["id"], rows[0].id.as_str());
        assert_eq!(
            first["url"],
            format!(
                "https://example.org/api/v1/organisations/{}.json",
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
    }

    #[test]
    fn an_unsupported_level_is_a_field_of_the_certificate_in_both_files() {
        use crate::grade::report::UnsupportedLevel;
        let b = bundled();
        let doc = openapi_doc();
        let mut report = b.reports[0].clone();
        let finding = UnsupportedLevel {
            registered: report.certificates[0].level.clone(),
            supported: None,
            highest_defined: None,
        };
        report.certificates[0].unsupported_level = Some(finding.clone());
        let bytes = organisation(&report, GENERATED_AT).unwrap_or_else(|e| panic!("{e}"));
        let file: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(validator(&doc, "Organisation").is_valid(&file));
        let expected = json!({
            "registered": finding.registered,
            "supported": null,
            "highest_defined": null,
        });
        assert_eq!(file["certificates"][0]["unsupported_level"], expected);
        // Every other certificate says null, not nothing.
        for c in file["certificates"]
            .as_array()
            .into_iter()
            .flatten()
            .skip(1)
        {
            assert_eq!(c.get("unsupported_level"), Some(&Value::Null));
        }
        let row = rows(&report, &b.analysis.schemes, &URLS);
        let bytes = index([&row], GENERATED_AT, "2026-05-01").unwrap_or_else(|e| panic!("{e}"));
        let index: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(validator(&doc, "Index").is_valid(&index));
        let certificates = &index["organisations"][0]["certificates"];
        assert_eq!(certificates[0]["unsupported_level"], expected);
    }

    #[test]
    fn openapi_describes_every_endpoint() {
        let doc = openapi_doc();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["servers"][0]["url"], "https://example.org/sub");
        let paths = doc["paths"]
            .as_object()
            .map(|p| p.keys().cloned().collect::<Vec<_>>());
        let paths = paths.unwrap_or_default();
        for p in [
            "/api/v1/index.json",
            "/api/v1/organisations/{id}.json",
            "/registry/certificates.csv",
            "/registry/organisations.csv",
            "/registry/feed.xml",
            "/en/registry/feed.xml",
        ] {
            assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
        }
        let org = &doc["paths"]["/api/v1/organisations/{id}.json"]["get"];
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
        // The report's types are there, generated from the Rust types.
        for name in ["Organisation", "Index", "CertificateReport", "Status"] {
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{name} missing"
            );
        }
    }

    #[test]
    fn path_parameters_are_found() {
        let p = path_parameters("registry/{facet}/{value}/organisations.csv");
        let names: Vec<&str> = p.iter().filter_map(|v| v["name"].as_str()).collect();
        assert_eq!(names, ["facet", "value"]);
        assert!(path_parameters("registry/certificates.csv").is_empty());
    }
}
