//! `content/<slug>/references.yaml`: what detection cannot decide.
//!
//! ```yaml
//! suppress:            # phrases that look like references but are not
//!   - in: J.1.2-K.1.1-ed-1   # the unit (or clause) whose text has the phrase
//!     phrase: K.1.1
//!     reason: quotes the stray heading, not clause K.1.1 of annex K
//! explicit:            # phrases the grammar does not read, with their target
//!   - in: 4.2.4-ed-1
//!     phrase: 本条
//!     target: 4.2.4
//!     lang: zh          # optional: only in this language
//! ```

use std::path::PathBuf;

use serde::Deserialize;

use crate::diag::{Diagnostic, Location};
use crate::model::parse::SourceFile;
use crate::yaml;

#[derive(Debug, Default)]
pub struct ReferenceConfig {
    pub file: PathBuf,
    pub suppress: Vec<Suppression>,
    pub explicit: Vec<Explicit>,
}

#[derive(Debug)]
pub struct Suppression {
    pub unit: String,
    pub phrase: String,
    pub reason: String,
    pub lang: Option<String>,
    pub location: Location,
}

#[derive(Debug)]
pub struct Explicit {
    pub unit: String,
    pub phrase: String,
    pub target: String,
    pub lang: Option<String>,
    pub location: Location,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    #[serde(default)]
    suppress: Vec<SuppressEntry>,
    #[serde(default)]
    explicit: Vec<ExplicitEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppressEntry {
    #[serde(rename = "in")]
    unit: String,
    phrase: String,
    reason: String,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplicitEntry {
    #[serde(rename = "in")]
    unit: String,
    phrase: String,
    target: String,
    #[serde(default)]
    lang: Option<String>,
}

pub fn parse(file: &SourceFile) -> Result<ReferenceConfig, Diagnostic> {
    let parsed: FileFormat = yaml::from_file_text(&file.text, &file.path)?;
    // serde_yaml gives no positions for values; find each entry's `in:` line
    // in order so warnings can point at it.
    let mut lines = file
        .text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().trim_start_matches("- ").starts_with("in:"))
        .map(|(i, _)| i + 1);
    let mut next_location = || Location::new(&file.path, lines.next().unwrap_or(1), 1);
    let mut config = ReferenceConfig {
        file: file.path.clone(),
        ..ReferenceConfig::default()
    };
    for e in parsed.suppress {
        if e.reason.trim().is_empty() {
            return Err(Diagnostic::error(
                next_location(),
                format!("suppression of `{}` has no reason", e.phrase),
            )
            .with_hint("say why the phrase is not a reference; the reason is published in the reference report"));
        }
        config.suppress.push(Suppression {
            unit: e.unit,
            phrase: e.phrase,
            reason: e.reason,
            lang: e.lang,
            location: next_location(),
        });
    }
    for e in parsed.explicit {
        config.explicit.push(Explicit {
            unit: e.unit,
            phrase: e.phrase,
            target: e.target,
            lang: e.lang,
            location: next_location(),
        });
    }
    Ok(config)
}
