//! Stage: the state of every translation against its original.
//!
//! Runs after the model stage and before rendering. For each standard and
//! each configured translation language it aligns units by anchor
//! ([`align`]), compares each translated unit's recorded fingerprint with
//! the original's current words ([`fingerprint`]), checks terms against the
//! termbase ([`termbase`]) and counts coverage. Rendering shows stale units;
//! `check` prints the report; `--strict` fails on anything incomplete.

pub mod align;
pub mod fingerprint;
pub mod report;
pub mod termbase;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::{FINGERPRINTS_FILE, StandardSources};
use crate::model::parse::SourceFile;
use crate::model::{Document, Unit};
use termbase::Termbase;

/// The state of one translation of one standard.
#[derive(Clone, Debug, Serialize)]
pub struct TranslationStatus {
    pub slug: String,
    pub lang: String,
    pub original_lang: String,
    /// Where `dengji stamp` records fingerprints.
    pub fingerprints_file: PathBuf,
    /// Units of the original.
    pub units: usize,
    /// Of those, units the translation has.
    pub translated: usize,
    /// Units of the original the translation lacks, in document order.
    pub missing: Vec<String>,
    /// Units only the translation has.
    pub extra: Vec<String>,
    /// Translated units whose original has changed since they were stamped.
    pub stale: BTreeSet<String>,
    /// Translated units with no recorded fingerprint.
    pub unstamped: BTreeSet<String>,
    pub term_mismatches: Vec<TermMismatch>,
    /// The fingerprints file as read: anchor → fingerprint (for `stamp`).
    #[serde(skip)]
    pub recorded: BTreeMap<String, String>,
}

/// A termbase term in the original that the translation renders otherwise.
#[derive(Clone, Debug, Serialize)]
pub struct TermMismatch {
    pub anchor: String,
    pub zh: String,
    pub en: String,
    pub location: Location,
}

impl TranslationStatus {
    /// Translated units whose fingerprint matches the original.
    pub fn current(&self) -> usize {
        self.translated
            .saturating_sub(self.stale.len() + self.unstamped.len())
    }

    /// Everything translated, nothing stale, unstamped or extra.
    pub fn is_complete(&self) -> bool {
        self.units > 0
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.stale.is_empty()
            && self.unstamped.is_empty()
    }

    /// Coverage as a percentage with one decimal, rounded down so that
    /// "100%" is only ever printed for a complete translation.
    pub fn coverage_percent(&self) -> String {
        percent(self.current(), self.units)
    }
}

/// `part / whole` as a percentage with one decimal, rounded down, in
/// integer arithmetic.
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let tenths = part * 1000 / whole;
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// Statuses keyed by (slug, language).
pub type Translations = BTreeMap<(String, String), TranslationStatus>;

/// Checks every translation of every document into each of `languages`
/// (the default language excluded).
pub fn check(
    languages: &[String],
    documents: &[Document],
    translations: &[Document],
    standards: &[StandardSources],
    termbase_file: Option<&SourceFile>,
    diags: &mut Diagnostics,
) -> Translations {
    let termbase = match termbase_file.map(termbase::parse) {
        Some(Ok(t)) => t,
        Some(Err(d)) => {
            diags.push(d);
            Termbase::default()
        }
        None => Termbase::default(),
    };
    // Each (document, language) is checked on its own, in parallel (its
    // fingerprints file is read beside the others); diagnostics keep the
    // documents' order.
    let jobs: Vec<(&Document, &StandardSources, &String)> = documents
        .iter()
        .filter_map(|original| {
            let sources = standards.iter().find(|s| s.slug == original.slug)?;
            Some((original, sources))
        })
        .flat_map(|(original, sources)| {
            languages
                .iter()
                .filter(|l| **l != original.lang)
                .map(move |lang| (original, sources, lang))
        })
        .collect();
    let checked: Vec<(TranslationStatus, Diagnostics)> = jobs
        .par_iter()
        .map(|&(original, sources, lang)| {
            let translation = translations
                .iter()
                .find(|t| t.slug == original.slug && &t.lang == lang);
            let mut found = Diagnostics::new();
            let status = check_one(original, translation, lang, sources, &termbase, &mut found);
            (status, found)
        })
        .collect();
    let mut out = Translations::new();
    for ((original, _, lang), (status, found)) in jobs.into_iter().zip(checked) {
        diags.extend(found);
        out.insert((original.slug.clone(), lang.clone()), status);
    }
    out
}

fn check_one(
    original: &Document,
    translation: Option<&Document>,
    lang: &str,
    sources: &StandardSources,
    termbase: &Termbase,
    diags: &mut Diagnostics,
) -> TranslationStatus {
    let fingerprints_file = sources.dir.join(lang).join(FINGERPRINTS_FILE);
    let original_units = original.units();
    let mut status = TranslationStatus {
        slug: original.slug.clone(),
        lang: lang.to_string(),
        original_lang: original.lang.clone(),
        fingerprints_file: fingerprints_file.clone(),
        units: original_units.len(),
        translated: 0,
        missing: Vec::new(),
        extra: Vec::new(),
        stale: BTreeSet::new(),
        unstamped: BTreeSet::new(),
        term_mismatches: Vec::new(),
        recorded: BTreeMap::new(),
    };
    let Some(translation) = translation else {
        status.missing = original_units
            .iter()
            .map(|u| u.anchor.to_string())
            .collect();
        diags.push(
            Diagnostic::warning(
                Location::file(&sources.dir),
                format!("`{}` has no `{lang}` translation", original.slug),
            )
            .with_hint(format!(
                "translate it in {}/{lang}/*.md (see docs/translation.md)",
                sources.dir.display()
            )),
        );
        return status;
    };
    let translated_units = translation.units();
    let alignment = align::align(&original_units, &translated_units);
    diags.extend(align::diagnostics(
        &alignment,
        &original.slug,
        &original.lang,
        lang,
    ));
    status.translated = alignment.pairs.len();
    status.missing = alignment
        .missing
        .iter()
        .map(|u| u.anchor.to_string())
        .collect();
    status.extra = alignment
        .extra
        .iter()
        .map(|u| u.anchor.to_string())
        .collect();

    let recorded = match sources.fingerprints.get(lang).map(fingerprint::parse) {
        Some(Ok(r)) => r,
        Some(Err(d)) => {
            diags.push(d);
            BTreeMap::new()
        }
        None => BTreeMap::new(),
    };
    // An older edition is stamped with `--edition` (and named so).
    let edition_flag = sources
        .edition
        .as_ref()
        .map(|e| format!(" --edition {e}"))
        .unwrap_or_default();
    // An older edition's slug is its page key: its standard's slug first.
    let slug = original.slug.split('/').next().unwrap_or_default();
    let stamp_command = format!("dengji stamp {slug}{edition_flag}");
    let standard_name = match &sources.edition {
        Some(e) => format!("`{slug}` (edition {e})"),
        None => format!("`{slug}`"),
    };
    let stamp_hint = |anchor: &str| {
        format!(
            "once the translation matches the original, run `{stamp_command} {anchor}` to record it"
        )
    };
    // The termbase's and the wording checks of each pair, in parallel:
    // the longest step of a small site's analysis when run one by one.
    let zh_to_en = original.lang == "zh" && lang == "en";
    // Each pair's original text (for its fingerprint too) and findings.
    let checked: Vec<(String, Vec<TermFinding>)> = alignment
        .pairs
        .par_iter()
        .map(|(original_unit, translated_unit)| {
            let content = original_unit.content();
            let found = term_findings(original_unit, &content, translated_unit, termbase, zh_to_en);
            (content, found)
        })
        .collect();
    for ((original_unit, translated_unit), (content, found)) in alignment.pairs.iter().zip(checked)
    {
        match recorded.get(original_unit.anchor) {
            Some(r) if r.fingerprint == fingerprint::of(&content) => {}
            Some(_) => {
                status.stale.insert(original_unit.anchor.to_string());
                diags.push(
                    Diagnostic::warning(
                        translated_unit.location.clone(),
                        format!(
                            "the `{lang}` translation of `{}` may be out of date: the original has changed since it was translated",
                            original_unit.anchor
                        ),
                    )
                    .with_hint(stamp_hint(original_unit.anchor)),
                );
            }
            None => {
                status.unstamped.insert(original_unit.anchor.to_string());
            }
        }
        for TermFinding {
            zh,
            en,
            message,
            hint,
        } in found
        {
            status.term_mismatches.push(TermMismatch {
                anchor: original_unit.anchor.to_string(),
                zh,
                en,
                location: translated_unit.location.clone(),
            });
            diags.push(
                Diagnostic::warning(translated_unit.location.clone(), message).with_hint(hint),
            );
        }
    }
    if !status.unstamped.is_empty() {
        let location = if sources.fingerprints.contains_key(lang) {
            Location::file(&fingerprints_file)
        } else {
            Location::file(sources.dir.join(lang))
        };
        diags.push(
            Diagnostic::warning(
                location,
                format!(
                    "{} translated unit(s) of {standard_name} have no fingerprint, so staleness cannot be checked (first: `{}`)",
                    status.unstamped.len(),
                    status.unstamped.iter().next().map_or("", String::as_str)
                ),
            )
            .with_hint(format!(
                "run `{stamp_command}` to record the original each unit translates"
            )),
        );
    }
    let translated_anchors: BTreeSet<&str> = translated_units.iter().map(|u| u.anchor).collect();
    for (anchor, r) in &recorded {
        if !translated_anchors.contains(anchor.as_str()) {
            diags.push(
                Diagnostic::warning(
                    r.location.clone(),
                    format!("fingerprint for `{anchor}`, which the translation does not have"),
                )
                .with_hint(format!("run `{stamp_command}` to drop it")),
            );
        }
    }
    status.recorded = recorded
        .into_iter()
        .map(|(anchor, r)| (anchor, r.fingerprint))
        .collect();
    status
}

/// Errors for `--strict`: any translation below 100% or with stale,
/// unstamped or extra units.
pub fn strict_errors(translations: &Translations) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for status in translations.values().filter(|s| !s.is_complete()) {
        diags.push(
            Diagnostic::error(
                Location::file(status.fingerprints_file.parent().unwrap_or(&status.fingerprints_file)),
                format!(
                    "the `{}` translation of `{}` is {} current ({} of {} units; {} missing, {} stale, {} without fingerprint, {} extra)",
                    status.lang,
                    status.slug,
                    status.coverage_percent(),
                    status.current(),
                    status.units,
                    status.missing.len(),
                    status.stale.len(),
                    status.unstamped.len(),
                    status.extra.len()
                ),
            )
            .with_hint(
                "--strict requires every unit translated and stamped; see `dengji check --translations`",
            ),
        );
    }
    diags
}

/// What `dengji stamp` changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StampOutcome {
    /// Units given a fingerprint for the first time.
    pub added: Vec<String>,
    /// Units whose fingerprint was replaced (they were stale).
    pub renewed: Vec<String>,
    /// Entries dropped because the translation no longer has the unit.
    pub dropped: Vec<String>,
    /// Stale units left stale because they were not named.
    pub still_stale: Vec<String>,
    /// Named anchors the translation does not have.
    pub unknown: Vec<String>,
    /// The new file, entries in document order.
    pub entries: Vec<(String, String)>,
}

/// Which units to stamp.
#[derive(Clone, Copy)]
pub enum StampScope<'a> {
    /// Units with no fingerprint yet; stale ones stay stale.
    New,
    /// These anchors (and units with no fingerprint yet).
    Anchors(&'a [String]),
    /// Every translated unit.
    All,
}

/// Computes the new fingerprints of `translation` against `original`.
/// `recorded` is the current file (anchor → fingerprint).
pub fn stamp(
    original: &Document,
    translation: &Document,
    recorded: &BTreeMap<String, String>,
    scope: StampScope,
) -> StampOutcome {
    let original_units = original.units();
    let translated_units = translation.units();
    let alignment = align::align(&original_units, &translated_units);
    let mut outcome = StampOutcome::default();
    let named: BTreeSet<&str> = match &scope {
        StampScope::Anchors(a) => a.iter().map(String::as_str).collect(),
        _ => BTreeSet::new(),
    };
    let translated: BTreeSet<&str> = alignment.pairs.iter().map(|(o, _)| o.anchor).collect();
    outcome.unknown = named
        .iter()
        .filter(|a| !translated.contains(*a))
        .map(|a| a.to_string())
        .collect();
    for (unit, _) in &alignment.pairs {
        let now = fingerprint::of(&unit.content());
        let anchor = unit.anchor.to_string();
        let fingerprint = match recorded.get(&anchor) {
            None => {
                outcome.added.push(anchor.clone());
                now
            }
            Some(old) if *old == now => now,
            Some(old) => {
                let renew = match scope {
                    StampScope::All => true,
                    StampScope::Anchors(_) => named.contains(unit.anchor),
                    StampScope::New => false,
                };
                if renew {
                    outcome.renewed.push(anchor.clone());
                    now
                } else {
                    outcome.still_stale.push(anchor.clone());
                    old.clone()
                }
            }
        };
        outcome.entries.push((anchor, fingerprint));
    }
    outcome.dropped = recorded
        .keys()
        .filter(|a| !translated.contains(a.as_str()))
        .cloned()
        .collect();
    outcome
}

/// A term the translation of a unit does not render as the termbase says,
/// or a wording that changes the original's meaning.
struct TermFinding {
    /// The Chinese term or wording.
    zh: String,
    /// The rendering wanted.
    en: String,
    message: String,
    hint: String,
}

/// The termbase's findings on one translated unit, and with `zh_to_en`
/// the wording checks of a Chinese original's English translation.
fn term_findings(
    original_unit: &Unit,
    content: &str,
    translated_unit: &Unit,
    termbase: &Termbase,
    zh_to_en: bool,
) -> Vec<TermFinding> {
    let translated = translated_unit.content();
    let mut found: Vec<TermFinding> = termbase
        .mismatches(content, &translated)
        .into_iter()
        .map(|term| TermFinding {
            zh: term.zh.clone(),
            en: term.en.clone(),
            message: format!(
                "`{}` uses the term {} but its translation does not say \"{}\"",
                original_unit.anchor, term.zh, term.en
            ),
            hint: "use the termbase rendering, or add this wording to the term's `also:` in content/termbase.yaml if it is right".to_string(),
        })
        .collect();
    if zh_to_en {
        found.extend(
            termbase::misrenderings(content, &translated)
                .into_iter()
                .map(|m| TermFinding {
                    message: format!(
                        "`{}` says {} but its translation says \"{}\"",
                        original_unit.anchor, m.zh, m.found
                    ),
                    hint: format!("{}: write {}", m.why, m.want),
                    zh: m.zh,
                    en: m.want.to_string(),
                }),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    use align::tests::doc;

    #[test]
    fn percentages_round_down_in_integers() {
        assert_eq!(percent(0, 0), "0%");
        assert_eq!(percent(812, 812), "100%");
        assert_eq!(percent(811, 812), "99.8%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(1, 2), "50%");
    }

    #[test]
    fn stamping_records_new_units_and_leaves_stale_ones_unless_named() {
        let zh = doc("zh", "# 1 范围\n\n本文件。\n\n# 2 术语\n");
        let en = doc("en", "# 1 Scope\n\nThis document.\n\n# 2 Terms\n");
        let first = stamp(&zh, &en, &BTreeMap::new(), StampScope::New);
        assert_eq!(first.added, ["1", "1-p1", "2"]);
        let recorded: BTreeMap<String, String> = first.entries.into_iter().collect();

        let zh2 = doc("zh", "# 1 范围\n\n本文件规定。\n\n# 2 术语\n");
        let again = stamp(&zh2, &en, &recorded, StampScope::New);
        assert_eq!(again.still_stale, ["1-p1"]);
        assert!(again.added.is_empty() && again.renewed.is_empty());

        let named = ["1-p1".to_string(), "9".to_string()];
        let fixed = stamp(&zh2, &en, &recorded, StampScope::Anchors(&named));
        assert_eq!(fixed.renewed, ["1-p1"]);
        assert_eq!(fixed.unknown, ["9"]);
        assert!(fixed.still_stale.is_empty());
    }
}
