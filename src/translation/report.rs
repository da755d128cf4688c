//! The translation report of `dengji check`: coverage per standard, and
//! with `--translations` every missing, stale and unstamped unit and every
//! termbase mismatch. Text for people, JSON for tools.

use serde::Serialize;

use super::{TranslationStatus, Translations};

/// One line per standard and language.
pub fn coverage_text(translations: &Translations) -> String {
    let mut out = String::from("translation coverage (current units / units of the original):\n");
    for s in translations.values() {
        // An older edition (`<slug>/editions/<label>`) as `<slug> (<label>)`.
        let name = match s.slug.split_once("/editions/") {
            Some((slug, label)) => format!("{slug} ({label})"),
            None => s.slug.clone(),
        };
        out.push_str(&format!(
            "  {:<24} {}  {:>6}  {}/{}{}\n",
            name,
            s.lang,
            s.coverage_percent(),
            s.current(),
            s.units,
            problems(s)
        ));
    }
    out
}

fn problems(s: &TranslationStatus) -> String {
    let mut parts = Vec::new();
    for (n, what) in [
        (s.missing.len(), "missing"),
        (s.stale.len(), "stale"),
        (s.unstamped.len(), "without fingerprint"),
        (s.extra.len(), "extra"),
        (s.term_mismatches.len(), "termbase mismatches"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("  ({})", parts.join(", "))
    }
}

/// The full report.
pub fn text(translations: &Translations) -> String {
    let mut out = coverage_text(translations);
    for s in translations.values() {
        out.push_str(&format!(
            "\n{} ({} → {})\n",
            s.slug, s.original_lang, s.lang
        ));
        let list = |out: &mut String, label: &str, anchors: &mut dyn Iterator<Item = &String>| {
            let anchors: Vec<&str> = anchors.map(String::as_str).collect();
            if !anchors.is_empty() {
                out.push_str(&format!("  {label}: {}\n", anchors.join(" ")));
            }
        };
        list(&mut out, "missing", &mut s.missing.iter());
        list(&mut out, "stale", &mut s.stale.iter());
        list(&mut out, "without fingerprint", &mut s.unstamped.iter());
        list(&mut out, "only in translation", &mut s.extra.iter());
        for m in &s.term_mismatches {
            out.push_str(&format!(
                "  term: {} {} → \"{}\" not used ({})\n",
                m.anchor, m.zh, m.en, m.location
            ));
        }
        if s.is_complete() && s.term_mismatches.is_empty() {
            out.push_str("  complete: every unit translated and current\n");
        }
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    translations: Vec<JsonStatus<'a>>,
}

#[derive(Serialize)]
struct JsonStatus<'a> {
    #[serde(flatten)]
    status: &'a TranslationStatus,
    current: usize,
    coverage: String,
    complete: bool,
}

/// The full report as one JSON object (documented in docs/translation.md).
pub fn json(translations: &Translations) -> serde_json::Result<String> {
    serde_json::to_string(&JsonReport {
        translations: translations
            .values()
            .map(|status| JsonStatus {
                status,
                current: status.current(),
                coverage: status.coverage_percent(),
                complete: status.is_complete(),
            })
            .collect(),
    })
}
