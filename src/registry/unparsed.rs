//! Organisation files the build cache vouches for, left unparsed.
//!
//! Parsing, checking and grading every file is most of what a rebuild
//! costs when one file changed. A file whose text is exactly that of a
//! previous build under the same program, rules, theme and grading date
//! (the cache's key) has the same diagnostics as then and the same credit
//! code and certificate numbers: its [`Summary`]. `build` and `check` with
//! a cache take such a file as an [`Unparsed`] and parse it only if a later
//! stage needs its data (a page to render again). A file they do parse is
//! checked at once and, its summary recorded, left unparsed as well
//! ([`Settle`]): a first build then holds a summary of each file rather
//! than every parsed file until its pages are made.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Organisation, Registry};
use crate::diag::{Diagnostic, Diagnostics, Location, Severity};
use crate::yaml::Step;

/// What the analysis found of one organisation file, as the build cache
/// keeps it: enough to check it against the other files and to report its
/// diagnostics again without parsing it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub credit_code: String,
    /// Certificate numbers in the file's order.
    pub numbers: Vec<String>,
    /// The standards its certificates and assessments name, sorted.
    pub standards: Vec<String>,
    /// Every diagnostic of its own checks and of its grades (all located in
    /// the file).
    pub diagnostics: Vec<Finding>,
}

/// A diagnostic located in the summarised file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    pub code: Option<String>,
}

impl Summary {
    /// The summary of `org` with `diagnostics`, or `None` if one of them
    /// is located in another file (it could not be told again from this
    /// file alone).
    pub fn of(org: &Organisation, diagnostics: &[Diagnostic]) -> Option<Summary> {
        let d = &org.data;
        let mut standards: Vec<String> = d
            .certificates
            .iter()
            .map(|c| c.standard.clone())
            .chain(d.assessments.iter().map(|a| a.standard.clone()))
            .collect();
        standards.sort();
        standards.dedup();
        let diagnostics = diagnostics
            .iter()
            .map(|x| {
                (x.location.file == org.file).then(|| Finding {
                    severity: x.severity,
                    line: x.location.line,
                    column: x.location.column,
                    message: x.message.clone(),
                    hint: x.hint.clone(),
                    code: x.code.map(str::to_string),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Summary {
            credit_code: d.credit_code.0.clone(),
            numbers: d.certificates.iter().map(|c| c.number.clone()).collect(),
            standards,
            diagnostics,
        })
    }

    /// Whether `code` knows the code of every diagnostic (a summary with
    /// one it does not know is not used: `--strict` goes by codes).
    pub fn codes_known(&self, code: &dyn Fn(&str) -> Option<&'static str>) -> bool {
        self.diagnostics
            .iter()
            .filter_map(|f| f.code.as_deref())
            .all(|name| code(name).is_some())
    }

    /// The diagnostics again, located in `file`; `code` names each kind of
    /// finding as the program does ([`Summary::codes_known`]).
    pub fn diagnostics_at(
        &self,
        file: &Path,
        code: &dyn Fn(&str) -> Option<&'static str>,
    ) -> Diagnostics {
        self.diagnostics
            .iter()
            .map(|f| Diagnostic {
                severity: f.severity,
                location: Location::new(file, f.line, f.column),
                message: f.message.clone(),
                hint: f.hint.clone(),
                code: f.code.as_deref().and_then(code),
            })
            .collect()
    }
}

/// An organisation file the build cache vouches for: read (its text keys
/// the cache) but neither parsed nor kept.
#[derive(Debug, Clone)]
pub struct Unparsed {
    pub id: String,
    pub file: PathBuf,
    /// Its text's [`crate::cache::text_digest`].
    pub digest: [u8; 32],
    pub summary: Arc<Summary>,
    /// The build cache's key of the summary, from which the key of the
    /// file's rendering is made without hashing its text again (`None`
    /// in a build without a cache).
    pub key: Option<[u8; 32]>,
}

impl Unparsed {
    /// `org`, whose text has `digest`, left unparsed with its `summary`
    /// (recorded under `key`).
    pub fn of(
        org: &Organisation,
        digest: [u8; 32],
        summary: Summary,
        key: Option<[u8; 32]>,
    ) -> Unparsed {
        Unparsed {
            id: org.id.clone(),
            file: org.file.clone(),
            digest,
            summary: Arc::new(summary),
            key,
        }
    }

    /// The organisation, read again and parsed after all: it parsed when
    /// its summary was made, so this succeeds unless the file changed
    /// since this build read it.
    pub fn parse(&self) -> Result<Organisation, Diagnostics> {
        let text = self.text().map_err(|d| Diagnostics::from_iter([d]))?;
        super::parse(&self.file, text)
    }

    /// Its text, read again; an error if it is no longer the text read.
    fn text(&self) -> Result<String, Diagnostic> {
        let changed = || {
            Diagnostic::error(
                Location::file(&self.file),
                "the file changed while the build was running",
            )
            .with_hint("run the build again once the file is saved")
        };
        read_again(&self.file, &self.digest).ok_or_else(changed)
    }
}

/// The text of `file`, read again, if it still has `digest`.
fn read_again(file: &Path, digest: &[u8; 32]) -> Option<String> {
    crate::load::read_source(file, crate::load::MAX_REGISTRY_FILE)
        .ok()
        .filter(|text| crate::cache::text_digest(text) == *digest)
}

/// What a file is after loading with a cache.
pub enum Loaded {
    Parsed(Organisation),
    Unparsed(Unparsed),
}

/// Given a file's name and its text's digest, the summary the build cache
/// holds of it and the summary's key, if the file need not be parsed.
pub type Vouch<'a> = dyn Fn(&str, &[u8; 32]) -> Option<(Summary, [u8; 32])> + Sync + 'a;

/// Given a file just parsed and its text's digest, what to keep of it:
/// the organisation, or (checked and summarised at once) an [`Unparsed`],
/// so that a first build does not hold every parsed file until rendering.
pub type Settle<'a> = dyn Fn(Organisation, &[u8; 32]) -> Loaded + Sync + 'a;

/// As [`super::load`], but a file that `vouch` (given the file's name and
/// its text's digest) has a summary for (with its key) is not parsed: it
/// becomes an [`Unparsed`], and its text is not kept. Every other file is
/// parsed and handed to `settle`, which decides what of it is kept.
pub fn load_vouched(dir: &Path, vouch: &Vouch<'_>, settle: &Settle<'_>) -> (Registry, Diagnostics) {
    use rayon::prelude::*;
    let mut diagnostics = Diagnostics::new();
    let files = super::organisation_files(dir, &mut diagnostics);
    let loaded: Vec<Result<Loaded, Diagnostics>> = files
        .par_iter()
        .map(|file| {
            let text = crate::load::read_source(file, crate::load::MAX_REGISTRY_FILE)
                .map_err(|d| Diagnostics::from_iter([d]))?;
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            let id = file.file_stem().and_then(|s| s.to_str());
            let digest = crate::cache::text_digest(&text);
            match (id, vouch(&name, &digest)) {
                (Some(id), Some((summary, key))) => Ok(Loaded::Unparsed(Unparsed {
                    id: id.to_string(),
                    file: file.clone(),
                    digest,
                    summary: Arc::new(summary),
                    key: Some(key),
                })),
                _ => super::parse(file, text).map(|org| settle(org, &digest)),
            }
        })
        .collect();
    let mut registry = Registry::default();
    for result in loaded {
        match result {
            Ok(Loaded::Parsed(org)) => registry.organisations.push(org),
            Ok(Loaded::Unparsed(u)) => registry.unparsed.push(u),
            Err(d) => diagnostics.extend(d),
        }
    }
    (registry, diagnostics)
}

/// One organisation as the checks across files see it.
pub struct Holder<'a> {
    pub id: &'a str,
    file: &'a Path,
    /// Its text, if kept; else the digest of the text an [`Unparsed`]
    /// file had, which is read again when a location in it is wanted.
    text: Result<&'a str, &'a [u8; 32]>,
    pub credit_code: &'a str,
    /// Certificate numbers in the file's order.
    pub numbers: Vec<&'a str>,
}

impl Holder<'_> {
    pub fn location(&self, path: &[Step]) -> Location {
        match self.text {
            Ok(text) => crate::yaml::location_of(self.file, text, path),
            // A file changed since it was read is located at the file only.
            Err(digest) => match read_again(self.file, digest) {
                Some(text) => crate::yaml::location_of(self.file, &text, path),
                None => Location::file(self.file),
            },
        }
    }
}

/// Every organisation of `registry`, parsed or not, in the order of their
/// file names.
pub fn holders(registry: &Registry) -> Vec<Holder<'_>> {
    let parsed = registry.organisations.iter().map(|o| Holder {
        id: &o.id,
        file: &o.file,
        text: Ok(&o.text),
        credit_code: &o.data.credit_code.0,
        numbers: o
            .data
            .certificates
            .iter()
            .map(|c| c.number.as_str())
            .collect(),
    });
    let unparsed = registry.unparsed.iter().map(|u| Holder {
        id: &u.id,
        file: &u.file,
        text: Err(&u.digest),
        credit_code: &u.summary.credit_code,
        numbers: u.summary.numbers.iter().map(String::as_str).collect(),
    });
    let mut all: Vec<Holder> = parsed.chain(unparsed).collect();
    all.sort_by(|a, b| a.file.file_name().cmp(&b.file.file_name()));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_is_not_parsed_as_if_it_had_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "id: a\n").expect("write");
        let unparsed = Unparsed {
            id: "a".into(),
            file: file.clone(),
            digest: crate::cache::text_digest("id: b\n"),
            summary: Arc::new(Summary {
                diagnostics: Vec::new(),
                credit_code: String::new(),
                numbers: Vec::new(),
                standards: Vec::new(),
            }),
            key: None,
        };
        let errors = unparsed.parse().expect_err("changed");
        let text = errors.iter().map(|d| d.message.clone()).collect::<String>();
        assert!(
            text.contains("changed while the build was running"),
            "{text}"
        );
    }
}
