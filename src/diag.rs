//! Diagnostics: every problem found in the input, with its location and a hint.
//!
//! Stages never panic on bad input; they push a [`Diagnostic`] and carry on
//! where they can, so that one run reports as many problems as possible.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, never a failure (e.g. a grade higher than registered).
    Info,
    /// A defect of the source that an editorial note already records (e.g.
    /// a misnumbered heading kept as printed): counted in the summary, not
    /// printed one by one, since there is nothing left to do about it.
    Acknowledged,
}

/// A position in a source file (1-based line and column, column counted in characters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }

    /// The whole file, when no better position is known.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location::new(file, 1, 1)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// A stable name for the kind of finding, for tools and `--strict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            location,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    /// A defect that an editorial note at `location` records.
    pub fn acknowledged(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Acknowledged,
            location,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    pub fn info(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Info,
            location,
            message: message.into(),
            hint: None,
            code: None,
        }
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// As a GitHub Actions workflow command (`::error file=…,line=…,col=…::…`),
    /// which the pull request shows at that line.
    pub fn github(&self) -> String {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Acknowledged => "notice",
        };
        let data = |s: &str| {
            s.replace('%', "%25")
                .replace('\r', "%0D")
                .replace('\n', "%0A")
        };
        let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
        let mut message = self.message.clone();
        if let Some(hint) = &self.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        format!(
            "::{level} file={},line={},col={}::{}",
            property(&self.location.file.to_string_lossy()),
            self.location.line,
            self.location.column,
            data(&message)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Acknowledged => "acknowledged",
        };
        write!(f, "{}: {}: {}", self.location, label, self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// An ordered collection of diagnostics.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// One error without a source position (e.g. a bad environment variable).
    pub fn from_message(root: &Path, message: String) -> Self {
        Diagnostics(vec![Diagnostic::error(Location::file(root), message)])
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Defects of the sources that editorial notes record.
    pub fn acknowledged_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Acknowledged)
            .count()
    }

    /// Turns the warnings with `code` into errors (what `--strict` does).
    pub fn escalate(&mut self, code: &str) {
        for d in &mut self.0 {
            if d.severity == Severity::Warning && d.code == Some(code) {
                d.severity = Severity::Error;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorted by file, line and column so that reports are deterministic
    /// whatever order parallel stages finished in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.location, a.severity, &a.message).cmp(&(&b.location, b.severity, &b.message))
        });
        self.0.dedup();
    }

    /// Paths in diagnostics are shown relative to the site root.
    pub fn relative_to(mut self, root: &Path) -> Self {
        for d in &mut self.0 {
            if let Ok(rel) = d.location.file.strip_prefix(root) {
                d.location.file = rel.to_path_buf();
            }
        }
        self
    }
}

/// Every diagnostic but the acknowledged ones, which are only counted
/// ([`Diagnostics::acknowledged_count`]).
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self
            .0
            .iter()
            .filter(|d| d.severity != Severity::Acknowledged)
        {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_location_message_and_hint() {
        let d = Diagnostic::error(Location::new("content/a/zh/x.md", 3, 7), "bad thing")
            .with_hint("do this");
        assert_eq!(
            d.to_string(),
            "content/a/zh/x.md:3:7: error: bad thing\n  hint: do this"
        );
    }

    #[test]
    fn github_annotations_point_at_the_line_and_escape_the_message() {
        let d = Diagnostic::warning(Location::new("registry/a,b.yaml", 3, 7), "50% off\nnow")
            .with_hint("fix it");
        assert_eq!(
            d.github(),
            "::warning file=registry/a%2Cb.yaml,line=3,col=7::50%25 off%0Anow%0Ahint: fix it"
        );
    }

    #[test]
    fn sorting_orders_by_location() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::warning(Location::new("b", 1, 1), "w"));
        ds.push(Diagnostic::error(Location::new("a", 9, 1), "e"));
        ds.push(Diagnostic::error(Location::new("a", 2, 1), "e"));
        ds.sort();
        let lines: Vec<usize> = ds.iter().map(|d| d.location.line).collect();
        assert_eq!(lines, vec![2, 9, 1]);
        assert_eq!(ds.error_count(), 2);
        assert_eq!(ds.warning_count(), 1);
    }

    #[test]
    fn acknowledged_defects_are_counted_not_printed() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::warning(Location::new("a", 1, 1), "new defect"));
        ds.push(Diagnostic::acknowledged(
            Location::new("a", 2, 1),
            "known defect",
        ));
        assert_eq!(ds.warning_count(), 1);
        assert_eq!(ds.acknowledged_count(), 1);
        assert_eq!(ds.to_string(), "a:1:1: warning: new defect\n");
    }
}
