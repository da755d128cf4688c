//! Editions of a standard. A standard's folder holds its current edition;
//! `editions/<id>/` beside its language folders holds each older one, laid
//! out the same way (docs/content-format.md, "Editions"). The current
//! edition goes through every stage as the standard itself; this stage
//! models, checks and keeps the older ones (their translations' status and
//! their rules) so that editions can be compared (`crate::compare`).
//!
//! It runs after the model stage and checks what only makes sense across
//! editions: labels that match folders, one edition in force at a time.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::{StandardSources, is_edition_id};
use crate::model::parse::SourceFile;
use crate::model::{self, Document};
use crate::rules::{self, Scheme};

/// One older edition, modelled and checked.
pub struct Edition {
    /// Its label, which is also its folder name below `editions/`.
    pub id: String,
    pub original: Document,
    pub translations: Vec<Document>,
    pub scheme: Option<Scheme>,
    /// The first file of its original, which holds the front matter (for
    /// locating errors in it).
    front_file: SourceFile,
}

/// A standard that has older editions.
pub struct EditionSet {
    pub slug: String,
    /// The current edition's label (its front matter's `edition`).
    pub current: String,
    /// The older editions, oldest first.
    pub older: Vec<Edition>,
}

/// Every standard with older editions, by slug. A standard with one
/// edition has no entry.
#[derive(Default)]
pub struct Editions {
    pub sets: BTreeMap<String, EditionSet>,
}

impl Editions {
    pub fn get(&self, slug: &str) -> Option<&EditionSet> {
        self.sets.get(slug)
    }
}

impl EditionSet {
    /// Every edition's label, oldest first, the current one last.
    pub fn labels(&self) -> Vec<&str> {
        self.older
            .iter()
            .map(|e| e.id.as_str())
            .chain(std::iter::once(self.current.as_str()))
            .collect()
    }
}

/// What the later stages need of the site to analyse older editions.
pub struct Context<'a> {
    pub normative_language: &'a str,
}

/// Models and checks the older editions of every standard in `standards`
/// against its current edition in `documents` (the originals).
pub fn analyse(
    standards: &[StandardSources],
    documents: &[Document],
    cx: &Context,
    diags: &mut Diagnostics,
) -> Editions {
    let mut out = Editions::default();
    for standard in standards.iter().filter(|s| !s.older.is_empty()) {
        let Some(current) = documents.iter().find(|d| d.slug == standard.slug) else {
            continue;
        };
        let Some(current_file) = standard
            .languages
            .get(cx.normative_language)
            .and_then(|files| files.first())
        else {
            continue;
        };
        let current = (current, current_file);
        let older: Vec<Edition> = standard
            .older
            .iter()
            .filter_map(|sources| analyse_one(sources, cx, diags))
            .collect();
        let Some(current_label) = check_labels(standard, current, &older, diags) else {
            continue;
        };
        let older = order_by_dates(standard, current, older, diags);
        out.sets.insert(
            standard.slug.clone(),
            EditionSet {
                slug: standard.slug.clone(),
                current: current_label,
                older,
            },
        );
    }
    out
}

/// The slug under which an older edition goes through the stages that
/// publish text (translation, resolve, render) beside the standards: its
/// pages are at `standards/<slug>/editions/<label>/`.
pub fn page_key(slug: &str, label: &str) -> String {
    format!("{slug}/editions/{label}")
}

/// Whether a document's slug is an older edition's [`page_key`] (such a
/// document is not listed as a standard of its own).
pub fn is_page_key(slug: &str) -> bool {
    slug.contains('/')
}

/// Every edition as documents and sources of their own, under their
/// [`page_key`]: originals, translations and sources (with the key as slug)
/// to add to the standards'. The current edition is there too, so that its
/// pages also have the addresses they will keep once it is superseded.
pub fn as_documents(
    editions: &Editions,
    standards: &[StandardSources],
    documents: &[Document],
    translated: &[Document],
) -> (Vec<Document>, Vec<Document>, Vec<StandardSources>) {
    let (mut originals, mut translations, mut sources) = (Vec::new(), Vec::new(), Vec::new());
    for set in editions.sets.values() {
        let Some(standard) = standards.iter().find(|s| s.slug == set.slug) else {
            continue;
        };
        let key = page_key(&set.slug, &set.current);
        for doc in documents
            .iter()
            .chain(translated)
            .filter(|d| d.slug == set.slug)
        {
            let mut doc = doc.clone();
            doc.slug.clone_from(&key);
            if doc.lang == standard_lang(standard, documents) {
                originals.push(doc);
            } else {
                translations.push(doc);
            }
        }
        let mut current = standard.clone_without_older();
        current.slug.clone_from(&key);
        sources.push(current);
        for edition in &set.older {
            let key = page_key(&set.slug, &edition.id);
            let mut original = edition.original.clone();
            original.slug.clone_from(&key);
            originals.push(original);
            for t in &edition.translations {
                let mut t = t.clone();
                t.slug.clone_from(&key);
                translations.push(t);
            }
            if let Some(s) = standard
                .older
                .iter()
                .find(|s| s.edition.as_deref() == Some(edition.id.as_str()))
            {
                let mut s = s.clone_without_older();
                s.slug.clone_from(&key);
                sources.push(s);
            }
        }
    }
    (originals, translations, sources)
}

/// The language of a standard's original (its document among `documents`).
fn standard_lang<'a>(standard: &StandardSources, documents: &'a [Document]) -> &'a str {
    documents
        .iter()
        .find(|d| d.slug == standard.slug)
        .map_or("", |d| d.lang.as_str())
}

/// Every edition of each standard that has several, oldest first and the
/// current one last, with the dates and (older editions') rules grading
/// needs to pick the edition a grade is computed under.
pub fn grading_timelines(
    editions: &Editions,
    documents: &[Document],
) -> BTreeMap<String, Vec<rules::EditionRules>> {
    let mut out = BTreeMap::new();
    for (slug, set) in &editions.sets {
        let Some(current) = documents.iter().find(|d| &d.slug == slug) else {
            continue;
        };
        let mut timeline: Vec<rules::EditionRules> = set
            .older
            .iter()
            .map(|e| rules::EditionRules {
                label: e.id.clone(),
                effective: e.original.front.effective,
                transition_until: e.original.front.transition_until,
                scheme: e.scheme.clone(),
            })
            .collect();
        timeline.push(rules::EditionRules {
            label: set.current.clone(),
            effective: current.front.effective,
            transition_until: current.front.transition_until,
            scheme: None,
        });
        out.insert(slug.clone(), timeline);
    }
    out
}

/// One older edition through the model, translation and rules stages.
fn analyse_one(
    sources: &StandardSources,
    cx: &Context,
    diags: &mut Diagnostics,
) -> Option<Edition> {
    let id = sources.edition.clone()?;
    let mut original = None;
    let mut translations = Vec::new();
    for (lang, files) in &sources.languages {
        let (doc, found) = model::parse_standard(&sources.slug, lang, files);
        diags.extend(found);
        match doc {
            Some(doc) if lang == cx.normative_language => original = Some(doc),
            Some(doc) => translations.push(doc),
            None => {}
        }
    }
    let original = original?;
    let front_file = sources
        .languages
        .get(cx.normative_language)?
        .first()?
        .clone();
    let titled: Vec<&Document> = std::iter::once(&original).chain(&translations).collect();
    let (schemes, found) = rules::load(std::slice::from_ref(sources), &titled);
    diags.extend(found);
    rules::check(&schemes, std::slice::from_ref(&original), diags);
    let scheme = schemes.schemes.into_iter().next();
    Some(Edition {
        id,
        original,
        translations,
        scheme,
        front_file,
    })
}

/// An edition's original and the file holding its front matter.
type Front<'a> = (&'a Document, &'a SourceFile);

/// Where `key:` is written in the front matter, else the file's first line.
fn front_key((_, file): Front, key: &str) -> Location {
    let prefix = format!("{key}:");
    file.text
        .lines()
        .skip(1)
        .take_while(|line| line.trim_end() != "---")
        .position(|line| line.starts_with(&prefix))
        .map(|index| Location::new(&file.path, index + 2, 1))
        .unwrap_or_else(|| Location::file(&file.path))
}

/// Every edition is labelled, with its folder's name for an older one, and
/// no two alike. Returns the current edition's label.
fn check_labels(
    standard: &StandardSources,
    current: Front,
    older: &[Edition],
    diags: &mut Diagnostics,
) -> Option<String> {
    let slug = &standard.slug;
    for edition in older {
        match &edition.original.front.edition {
            Some(label) if *label == edition.id => {}
            Some(label) => diags.push(
                Diagnostic::error(
                    front_key((&edition.original, &edition.front_file), "edition"),
                    format!(
                        "the edition in `editions/{}/` of `{slug}` is labelled `{label}`",
                        edition.id
                    ),
                )
                .with_hint(
                    "an older edition's folder is named after its `edition:` label: rename the folder or correct the label",
                ),
            ),
            None => diags.push(
                Diagnostic::error(
                    front_key((&edition.original, &edition.front_file), "title"),
                    format!(
                        "the edition in `editions/{}/` of `{slug}` has no `edition:` label",
                        edition.id
                    ),
                )
                .with_hint(format!("add `edition: \"{}\"` to its front matter", edition.id)),
            ),
        }
    }
    let Some(label) = current.0.front.edition.clone() else {
        diags.push(
            Diagnostic::error(
                front_key(current, "title"),
                format!("`{slug}` has older editions, but its current text has no `edition:` label"),
            )
            .with_hint("add `edition: \"<year or version>\"` to the front matter of the current text, so that its pages and comparisons can name it"),
        );
        return None;
    };
    if !is_edition_id(&label) {
        diags.push(
            Diagnostic::error(
                front_key(current, "edition"),
                format!("edition label `{label}` of `{slug}` cannot be part of a URL"),
            )
            .with_hint("with older editions, each label names the edition's pages: use lowercase ASCII letters, digits, `-` and `.`, such as `2025` or `v2.0`"),
        );
        return None;
    }
    if let Some(same) = older.iter().find(|e| e.id == label) {
        diags.push(
            Diagnostic::error(
                front_key(current, "edition"),
                format!(
                    "the current edition of `{slug}` is labelled `{label}`, like its older edition in `editions/{}/`",
                    same.id
                ),
            )
            .with_hint("each edition needs a label of its own: a new edition usually takes the year of its publication"),
        );
        return None;
    }
    Some(label)
}

/// Orders the older editions by the date they took effect and checks that
/// one edition at most is in force on any day: each needs `effective`, the
/// current edition takes effect last, and an edition's `withdrawn` date is
/// not after the next edition's `effective` date.
fn order_by_dates(
    standard: &StandardSources,
    current: Front,
    mut older: Vec<Edition>,
    diags: &mut Diagnostics,
) -> Vec<Edition> {
    let slug = &standard.slug;
    let effective = |front: Front, diags: &mut Diagnostics| -> Option<Date> {
        let doc = front.0;
        let date = doc.front.effective;
        if date.is_none() {
            diags.push(
                Diagnostic::error(
                    front_key(front, "title"),
                    format!(
                        "edition `{}` of `{slug}` has no `effective:` date",
                        doc.front.edition.as_deref().unwrap_or("?")
                    ),
                )
                .with_hint("a standard with several editions needs the date each took effect, to tell which is in force: add `effective: YYYY-MM-DD` to the front matter"),
            );
        }
        date
    };
    let mut dated = Vec::new();
    for edition in &older {
        let front = (&edition.original, &edition.front_file);
        dated.push((effective(front, diags), front));
    }
    dated.push((effective(current, diags), current));
    // Ordered by the date they took effect, the current edition last.
    let is_current = |front: Front| std::ptr::eq(front.0, current.0);
    let mut by_date: Vec<(Date, Front)> = dated
        .iter()
        .filter_map(|(d, front)| d.map(|d| (d, *front)))
        .collect();
    by_date.sort_by_key(|(date, front)| (*date, is_current(*front)));
    let label = |front: Front| front.0.front.edition.clone().unwrap_or_default();
    for pair in by_date.windows(2) {
        let ((start_a, a), (start_b, b)) = (pair[0], pair[1]);
        if start_a == start_b {
            diags.push(
                Diagnostic::error(
                    front_key(b, "effective"),
                    format!(
                        "editions `{}` and `{}` of `{slug}` both take effect on {start_b}",
                        label(a),
                        label(b)
                    ),
                )
                .with_hint(
                    "one edition is in force at a time: correct one of the `effective:` dates",
                ),
            );
        } else if is_current(a) {
            diags.push(
                Diagnostic::error(
                    front_key(b, "effective"),
                    format!(
                        "older edition `{}` of `{slug}` takes effect on {start_b}, after the current edition `{}` ({start_a})",
                        label(b),
                        label(a)
                    ),
                )
                .with_hint("the standard's own folder holds its newest edition: move this one there and the current text into `editions/`, or correct the date"),
            );
        }
        if let Some(withdrawn) = a.0.front.withdrawn
            && withdrawn > start_b
        {
            diags.push(
                Diagnostic::error(
                    front_key(a, "withdrawn"),
                    format!(
                        "editions `{}` and `{}` of `{slug}` overlap: `{}` is withdrawn on {withdrawn}, after `{}` takes effect on {start_b}",
                        label(a),
                        label(b),
                        label(a),
                        label(b)
                    ),
                )
                .with_hint(format!(
                    "set `withdrawn:` to {start_b} or earlier: one edition is in force at a time"
                )),
            );
        }
    }
    if let Some((_, first)) = by_date.first()
        && first.0.front.transition_until.is_some()
    {
        diags.push(
            Diagnostic::error(
                front_key(*first, "transition_until"),
                format!(
                    "edition `{}` of `{slug}` is the first, so there is no earlier edition to keep grading under until then",
                    label(*first)
                ),
            )
            .with_hint("`transition_until` belongs to the edition that replaces another: remove it here"),
        );
    }
    for (start, doc) in &by_date {
        if let Some(until) = doc.0.front.transition_until
            && until < *start
        {
            diags.push(
                Diagnostic::error(
                    front_key(*doc, "transition_until"),
                    format!(
                        "edition `{}` of `{slug}` ends its transition period on {until}, before it takes effect on {start}",
                        label(*doc)
                    ),
                )
                .with_hint("the transition period starts when the edition takes effect: set `transition_until` on or after `effective`"),
            );
        }
        if let Some(withdrawn) = doc.0.front.withdrawn
            && withdrawn < *start
        {
            diags.push(
                Diagnostic::error(
                    front_key(*doc, "withdrawn"),
                    format!(
                        "edition `{}` of `{slug}` is withdrawn on {withdrawn}, before it takes effect on {start}",
                        label(*doc)
                    ),
                )
                .with_hint("correct the `withdrawn:` or the `effective:` date"),
            );
        }
    }
    older.sort_by(|a, b| {
        (a.original.front.effective, &a.id).cmp(&(b.original.front.effective, &b.id))
    });
    older
}
