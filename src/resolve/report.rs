//! The reference report printed by `dengji check --references`.

use std::fmt::Write;

use serde::Serialize;

use super::{LevelGroup, ReferenceReport, Resolution};

#[derive(Serialize)]
struct JsonReport<'a> {
    report: &'static str,
    documents: Vec<JsonDocument<'a>>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    #[serde(flatten)]
    references: &'a ReferenceReport,
    levels: &'a [LevelGroup],
}

/// The report as one JSON object (documented in docs/references.md).
pub fn json(resolution: &Resolution) -> Result<String, serde_json::Error> {
    let documents = resolution
        .reports
        .iter()
        .map(|r| JsonDocument {
            references: r,
            levels: resolution
                .levels
                .get(&(r.slug.clone(), r.lang.clone()))
                .map_or(&[], Vec::as_slice),
        })
        .collect();
    serde_json::to_string(&JsonReport {
        report: "references",
        documents,
    })
}

/// The report for people.
pub fn text(resolution: &Resolution) -> String {
    let mut out = String::new();
    for r in &resolution.reports {
        let total: usize = r.counts.values().sum();
        let counts: Vec<String> = r.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let forces: Vec<String> = r
            .obligations
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(out, "{} ({}): {total} reference links", r.slug, r.lang);
        let _ = writeln!(out, "  by kind: {}", counts.join(", "));
        let _ = writeln!(out, "  term links: {}", r.terms_linked);
        let _ = writeln!(out, "  obligation words: {}", forces.join(", "));
        let _ = writeln!(out, "  unresolved: {}", r.unresolved.len());
        for u in &r.unresolved {
            let _ = writeln!(out, "    {u}");
        }
        let _ = writeln!(out, "  suppressed: {}", r.suppressed.len());
        for s in &r.suppressed {
            let _ = writeln!(
                out,
                "    {}: `{}` in {}: {}",
                s.location, s.phrase, s.unit, s.reason
            );
        }
        let key = (r.slug.clone(), r.lang.clone());
        for group in resolution.levels.get(&key).into_iter().flatten() {
            let _ = writeln!(
                out,
                "  levels of {} {} ({}):",
                group.label,
                group.title,
                if group.cumulative {
                    "cumulative"
                } else {
                    "self-contained"
                }
            );
            for level in &group.levels {
                let inherits = level
                    .inherits
                    .map(|o| format!(", inherits level {o}"))
                    .unwrap_or_default();
                let anomalies = if level.anomalies.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", source defects: {}",
                        serde_json::to_string(&level.anomalies).unwrap_or_default()
                    )
                };
                let _ = writeln!(
                    out,
                    "    {} {}: {} own, {} in total{inherits}{anomalies}",
                    level.label,
                    level.title,
                    level.own.len(),
                    level.full.len()
                );
            }
        }
    }
    out
}
