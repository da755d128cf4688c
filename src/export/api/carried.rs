//! Version 2 carries everything version 1 carried: for every bundled
//! organisation, each field of its version 1 file (the full [`Report`],
//! which the pages still use) is found again in its version 2 file or in
//! its standards' files, with the same value.
//!
//! [`Report`]: crate::grade::report::Report

use std::collections::BTreeMap;

use serde_json::Value;

use super::super::fixture::bundled;
use super::tests::{organisation_files, standard_files};

/// `v` without the keys that say nothing: `null`, `false`, `[]`, `{}`
/// (and `null` for such a value itself).
fn stripped(v: &Value) -> Value {
    match v {
        _ if says_nothing(v) => Value::Null,
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !says_nothing(x))
                .map(|(k, x)| (k.clone(), stripped(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(stripped).collect()),
        _ => v.clone(),
    }
}

fn says_nothing(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn flag(v: &Value) -> bool {
    v.as_bool().unwrap_or(false)
}

/// One organisation's version 2 view: its file and its standards' files.
struct V2<'a> {
    file: &'a Value,
    standards: &'a BTreeMap<String, Value>,
    what: String,
}

impl V2<'_> {
    fn standard_part(&self, standard: &str, part: &str) -> &Value {
        self.standards[standard]["parts"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["id"] == part)
            .unwrap_or_else(|| panic!("{}: no part {standard}/{part}", self.what))
    }

    /// The assessment record at position `i` of the file, as version 1
    /// named the record that decided a requirement.
    fn decided_by(&self, i: &Value) -> Value {
        let Some(i) = i.as_u64() else {
            return Value::Null;
        };
        let a = &self.file["assessments"][i as usize];
        serde_json::json!({"date": a["date"], "body": a["body"], "body_en": a["body_en"]})
    }

    /// The version 1 requirement `r` against evaluation `ev` and
    /// definition `def`.
    /// `newest` is the grade's newest record, which an evaluation leaves
    /// unnamed; `child`: `ev` is among `children`, with its id.
    fn requirement(&self, r: &Value, ev: &Value, def: &Value, newest: &Value, child: bool) {
        let at = format!("{} {}", self.what, r["id"]);
        if child {
            assert_eq!(r["id"], ev["id"], "{at}");
        } else {
            assert!(ev.get("id").is_none(), "{at}: the id is the key");
        }
        // The clause is the standard's.
        assert!(ev.get("clause").is_none(), "{at}");
        assert_eq!(r["clause"], def["clause"], "{at}");
        assert_eq!(r["summary_zh"], def["summary_zh"], "{at}");
        assert_eq!(r["summary_en"], def["summary_en"], "{at}");
        assert_eq!(r["state"], ev["state"], "{at}");
        let state = ev["state"].as_str().unwrap_or("");
        assert_eq!(flag(&r["met"]), state.starts_with("met-"), "{at}");
        // The record that decided it; unnamed, the grade's newest.
        let decided = r["kind"] == "documentary" && state != "not-evidenced";
        let record = match &ev["assessment"] {
            Value::Null if decided => newest,
            Value::Null => &Value::Null,
            named => {
                assert_ne!(named, newest, "{at}: the newest is left unnamed");
                named
            }
        };
        assert_eq!(
            stripped(&r["assessment"]),
            stripped(&self.decided_by(record)),
            "{at}"
        );
        assert_eq!(flag(&r["mandatory"]), flag(&def["mandatory"]), "{at}");
        assert_eq!(r["kind"], def["kind"], "{at}");
        assert_eq!(r["measure"], def["measure"], "{at}");
        assert_eq!(r["comparison"], def["comparison"], "{at}");
        for key in [
            "value",
            "threshold",
            "since",
            "reached_on",
            "projects",
            "window_from",
            "count_form",
            "falling_short",
            "certificate",
        ] {
            assert_eq!(r[key], ev[key], "{at}: {key}");
        }
        for key in ["private", "missing_evidence"] {
            assert_eq!(flag(&r[key]), flag(&ev[key]), "{at}: {key}");
        }
        if !def["threshold"].is_null() {
            assert_eq!(r["threshold"], def["threshold"], "{at}: fixed threshold");
        }
        assert_eq!(
            stripped(&r["required_span"]),
            stripped(&def["span"]),
            "{at}: span"
        );
        let asked = &def["certificate"];
        let standard = if asked["scheme"].is_null() {
            &asked["standard"]
        } else {
            &asked["scheme"]
        };
        assert_eq!(r["standard"], *standard, "{at}");
        assert_eq!(r["certificate_level"], asked["level"], "{at}");
        assert_eq!(r["certificate_of_zh"], asked["of_zh"], "{at}");
        assert_eq!(r["certificate_of_en"], asked["of_en"], "{at}");
        assert_eq!(
            flag(&r["unmet_in_assessment"]),
            r["kind"] == "documentary" && state == "not-met",
            "{at}"
        );
        assert_eq!(r["reading"], def["reading"], "{at}");
        let alternatives = r["alternatives"].as_array().cloned().unwrap_or_default();
        let children = ev["children"].as_array().cloned().unwrap_or_default();
        let defs = def["children"].as_array().cloned().unwrap_or_default();
        assert_eq!(alternatives.len(), children.len(), "{at}");
        assert_eq!(alternatives.len(), defs.len(), "{at}");
        for ((a, c), d) in alternatives.iter().zip(&children).zip(&defs) {
            assert_eq!(a["id"], d["id"], "{at}");
            self.requirement(a, c, d, newest, true);
        }
    }
}

/// The evaluation of `id` in a version 2 part (at `level`, when the part
/// evaluated it differently there); an id of `met_by_assessment` stands
/// for `{"state": "met-by-assessment"}`, one of `not_evidenced` for
/// `{"state": "not-evidenced"}`.
fn evaluation(part: &Value, id: &Value, level: Option<&Value>) -> Value {
    let listed = |list: &str| part[list].as_array().is_some_and(|ids| ids.contains(id));
    let e = &part["requirements"][id.as_str().unwrap_or("")];
    for (list, state) in [
        ("met_by_assessment", "met-by-assessment"),
        ("not_evidenced", "not-evidenced"),
    ] {
        if listed(list) {
            assert!(e.is_null(), "{id} both listed and evaluated");
            return serde_json::json!({ "state": state });
        }
    }
    assert!(e.is_object(), "no evaluation of {id} in {}", part["id"]);
    match level.and_then(|l| e["at"].get(l.as_str().unwrap_or(""))) {
        Some(other) => other.clone(),
        None => e.clone(),
    }
}

#[test]
fn an_organisation_file_and_its_standards_carry_everything_version_1_did() {
    let b = bundled();
    let files = organisation_files();
    let standards = standard_files();
    let mut requirements = 0;
    for (report, file) in b.reports.iter().zip(&files) {
        let v1 = serde_json::to_value(report).unwrap_or_else(|e| panic!("{e}"));
        let v2 = V2 {
            file,
            standards: &standards,
            what: report.organisation.id.clone(),
        };
        assert_eq!(v1["as_of"], file["as_of"]);
        assert_eq!(
            stripped(&v1["organisation"]),
            stripped(&file["organisation"])
        );
        assert_eq!(
            stripped(&v1["certificates"]),
            stripped(&file["certificates"])
        );
        let grades = v1["grades"].as_array().cloned().unwrap_or_default();
        let grades2 = file["grades"].as_array().cloned().unwrap_or_default();
        assert_eq!(grades.len(), grades2.len(), "{}", v2.what);
        for (g, g2) in grades.iter().zip(&grades2) {
            let standard = g["standard"].as_str().unwrap_or("");
            for key in ["standard", "category", "level", "level_index", "registered"] {
                assert_eq!(stripped(&g[key]), stripped(&g2[key]), "{}: {key}", v2.what);
            }
            // The records, by reference.
            let records: Vec<Value> = g2["assessments"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    let mut a =
                        file["assessments"][i.as_u64().unwrap_or(u64::MAX) as usize].clone();
                    assert_eq!(a["standard"], g["standard"]);
                    if let Some(m) = a.as_object_mut() {
                        m.remove("standard");
                        m.remove("category");
                    }
                    stripped(&a)
                })
                .collect();
            assert_eq!(stripped(&g["assessments"]), Value::Array(records.clone()));
            assert_eq!(
                stripped(&g["assessment"]),
                records.first().cloned().unwrap_or(Value::Null)
            );
            let newest = &g2["assessments"][0];
            for p in g["parts"].as_array().into_iter().flatten() {
                let p2 = g2["parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|x| x["id"] == p["id"])
                    .unwrap_or_else(|| panic!("{}: part {}", v2.what, p["id"]));
                let sp = v2.standard_part(standard, p["id"].as_str().unwrap_or(""));
                assert_eq!(p["name_zh"], sp["zh"]);
                assert_eq!(p["name_en"], sp["en"]);
                assert_eq!(p["clause"], sp["clause"]);
                assert_eq!(p["reading"], sp["reading"]);
                assert_eq!(p["level"], p2["level"]);
                let block = |level: &Value| {
                    sp["levels"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|l| l["level"] == *level)
                        .cloned()
                        .unwrap_or(Value::Null)
                };
                let levels = p["levels"].as_array().cloned().unwrap_or_default();
                let levels2 = p2["levels"].as_array().cloned().unwrap_or_default();
                assert_eq!(levels.len(), levels2.len(), "{}", v2.what);
                for (l, l2) in levels.iter().zip(&levels2) {
                    let b = block(&l["level"]);
                    assert_eq!(l["level"], l2["level"]);
                    assert_eq!(l["met"], l2["met"]);
                    assert_eq!(flag(&l["defined"]), !flag(&l2["undefined"]));
                    assert_eq!(l["clause"], b["clause"]);
                    assert_eq!(l["undefined_zh"], b["undefined"]["zh"]);
                    assert_eq!(l["undefined_en"], b["undefined"]["en"]);
                    assert_eq!(l["reading"], b["reading"]);
                    for r in l["requirements"].as_array().into_iter().flatten() {
                        let ev = evaluation(p2, &r["id"], Some(&l["level"]));
                        let def = &sp["requirements"][r["id"].as_str().unwrap_or("")];
                        v2.requirement(r, &ev, def, newest, false);
                        requirements += 1;
                        // Where it is defined: the level it is inherited
                        // from, or this level, or the part's shared ones.
                        let lists = |v: &Value| v.as_array().cloned().unwrap_or_default();
                        let defined_at = if r["inherited_from"].is_null() {
                            let mut ids = lists(&b["adds"]);
                            ids.extend(lists(&sp["shared"]));
                            ids
                        } else {
                            lists(&block(&r["inherited_from"])["adds"])
                        };
                        assert!(defined_at.contains(&r["id"]), "{} {}", v2.what, r["id"]);
                    }
                }
                if !p["score"].is_null() {
                    let (s, s2, ss) = (&p["score"], &p2["score"], &sp["score"]);
                    assert_eq!(s["score"], s2["score"]);
                    assert_eq!(s["pass_mark"], ss["pass_mark"]);
                    assert_eq!(s["mandatory_met"], s2["mandatory_met"]);
                    assert_eq!(s["passed"], s2["passed"]);
                    for gr in s["groups"].as_array().into_iter().flatten() {
                        let find = |list: &Value| {
                            list.as_array()
                                .into_iter()
                                .flatten()
                                .find(|x| x["id"] == gr["id"])
                                .cloned()
                                .unwrap_or(Value::Null)
                        };
                        let (gr2, gdef) = (find(&s2["groups"]), find(&ss["groups"]));
                        assert_eq!(gr["name_zh"], gdef["zh"]);
                        assert_eq!(gr["name_en"], gdef["en"]);
                        assert_eq!(gr["clause"], gdef["clause"]);
                        assert_eq!(gr["weight_percent"], gdef["weight_percent"]);
                        for key in ["met", "total", "points"] {
                            assert_eq!(gr[key], gr2[key]);
                        }
                        let ids: Vec<Value> = gr["requirements"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|r| r["id"].clone())
                            .collect();
                        assert_eq!(Value::Array(ids), gdef["items"]);
                        for r in gr["requirements"].as_array().into_iter().flatten() {
                            let ev = evaluation(p2, &r["id"], None);
                            let def = &sp["requirements"][r["id"].as_str().unwrap_or("")];
                            v2.requirement(r, &ev, def, newest, false);
                            requirements += 1;
                        }
                    }
                } else {
                    assert!(p2["score"].is_null());
                }
            }
            let (n, n2) = (&g["next_level"], &g2["next_level"]);
            assert_eq!(n.is_null(), n2.is_null());
            if n.is_null() {
                continue;
            }
            assert_eq!(n["level"], n2["level"]);
            assert_eq!(stripped(&n["undefined_in"]), stripped(&n2["undefined_in"]));
            let missing = n["missing"].as_array().cloned().unwrap_or_default();
            let named: usize = n2["missing"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(_, ids)| ids.as_array().map_or(0, Vec::len))
                .sum();
            assert_eq!(missing.len(), named, "{}", v2.what);
            for m in &missing {
                let (part, r) = (m["part"].as_str().unwrap_or(""), &m["requirement"]);
                let ids = n2["missing"][part].as_array().cloned().unwrap_or_default();
                assert!(ids.contains(&r["id"]), "{} {part} {}", v2.what, r["id"]);
                let p2 = g2["parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|x| x["id"] == part)
                    .unwrap_or_else(|| panic!("{}: part {part}", v2.what));
                let sp = v2.standard_part(standard, part);
                let def = &sp["requirements"][r["id"].as_str().unwrap_or("")];
                v2.requirement(r, &evaluation(p2, &r["id"], None), def, newest, false);
            }
        }
    }
    assert!(requirements > 1000, "{requirements} requirements compared");
}
