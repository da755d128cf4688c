//! `dengji diff` as a command: read the other side (a git revision, or the
//! working tree on another date), analyse both sides in parallel, compare,
//! and say it in the chosen format with the exit status CI asks for.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use jiff::civil::Date;

use super::{Diff, FAIL_KINDS, Side, SideInfo, compare, format, git, load_errors, unloadable};
use crate::diag::Diagnostics;

/// Exit status when a `--fail-on` kind occurs.
pub const EXIT_FAIL_ON: u8 = 1;
/// Exit status when no diff could be made (no repository, bad revision, a
/// working tree that does not load, an output file that cannot be written).
pub const EXIT_CANNOT_DIFF: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal (coloured when stdout is one, unless NO_COLOR is set).
    Text,
    /// For a pull-request or merge-request comment.
    Markdown,
    /// The whole comparison; its JSON Schema is `dengji schema --diff`.
    Json,
}

/// The `dengji diff` arguments.
#[derive(Clone, Debug, clap::Args)]
pub struct DiffArgs {
    /// The revision to compare the working tree with: anything git accepts
    /// (`HEAD`, `main`, `origin/main`, `HEAD~3`, a commit id); `A...B` is
    /// the merge base of A and B and `origin/main...` the merge base with
    /// HEAD, which is what a pull-request review wants. Default: HEAD.
    #[arg(long, value_name = "REV", conflicts_with = "to_date")]
    pub against: Option<String>,
    /// Look ahead without a commit: compare the working tree graded on
    /// --as-of (or today) with the same tree graded on DATE (YYYY-MM-DD),
    /// to see certificates expire, confirmations fall due and project
    /// windows slide before they do.
    #[arg(long, value_name = "DATE", value_parser = crate::registry::parse_day)]
    pub to_date: Option<Date>,
    /// `text`, `markdown` (a PR comment) or `json`.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with status 1 when the diff holds any of these kinds
    /// (comma-separated): downgrade, upgrade, added, removed, renamed,
    /// certificate, finding, error, warning, rules, text, any.
    #[arg(long, value_name = "KINDS", value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(FAIL_KINDS))]
    pub fail_on: Vec<String>,
    /// Write the report to this file instead of standard output (so that
    /// `--message-format github` annotations can go to standard output).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show progress on stderr even when it is not a terminal (a plain line
    /// every few seconds of a long stage); by default a CI log gets none.
    #[arg(long)]
    pub progress: bool,
}

/// How problems and, with `github`, the diff's annotations are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Messages {
    Text,
    Json,
    Github,
}

/// What the command prints and its exit status; `main` prints it.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
    /// The comparison, when one was made.
    pub diff: Option<Diff>,
}

/// The other side of the comparison.
pub enum Against<'a> {
    Revision(&'a str),
    Date(Date),
}

/// Why no comparison could be made.
#[derive(Debug)]
pub enum Failure {
    Git(git::GitError),
    /// The working tree does not load (its diagnostics).
    WorkingTree(Diagnostics),
}

const WORKING_TREE: &str = "working tree";

/// Reads and analyses both sides and compares them. `stage` hears what is
/// being done (for progress on a terminal).
pub fn diff(
    root: &Path,
    as_of: Date,
    against: Against,
    stage: &dyn Fn(&str),
) -> Result<Diff, Failure> {
    let info = |label: &str, commit: Option<String>, date: Date| SideInfo {
        label: label.to_string(),
        commit,
        as_of: date.to_string(),
        load_errors: Vec::new(),
    };
    match against {
        Against::Revision(spec) => {
            // The revision is read while the working tree is analysed; its
            // analysis then parses only the registry files that differ.
            stage(&format!(
                "reading {spec}; loading, checking and grading the working tree"
            ));
            let (revision, new) = rayon::join(
                || git::read_revision(root, spec),
                || crate::analyse_keeping_grades(root, as_of),
            );
            let revision = revision.map_err(Failure::Git)?;
            let new = new.map_err(Failure::WorkingTree)?;
            stage(&format!("loading, checking and grading {spec}"));
            let listing = revision
                .registry_listing(&new.registry)
                .map_err(Failure::Git)?;
            let reuse = crate::Reuse {
                analysis: Some(&new),
                listing,
                keep_grades: true,
                cache: None,
                settle: false,
            };
            let old = crate::analyse_with(&revision.root, as_of, reuse);
            stage("comparing");
            let mut old_info = info(spec, Some(revision.commit.clone()), as_of);
            let new_info = info(WORKING_TREE, None, as_of);
            Ok(match old {
                Ok(old) => compare(&Side::of(&old), &Side::of(&new), old_info, new_info),
                Err(errors) => {
                    old_info.load_errors = load_errors(&errors.relative_to(&revision.root));
                    unloadable(old_info, &Side::of(&new), new_info)
                }
            })
        }
        Against::Date(to) => {
            stage(&format!("loading, checking and grading on {as_of}"));
            let old = crate::analyse_keeping_grades(root, as_of).map_err(Failure::WorkingTree)?;
            // The same files: the second date parses none of them again.
            stage(&format!("checking and grading on {to}"));
            let reuse = crate::Reuse {
                analysis: Some(&old),
                listing: None,
                keep_grades: true,
                cache: None,
                settle: false,
            };
            let new = crate::analyse_with(root, to, reuse).map_err(Failure::WorkingTree)?;
            stage("comparing");
            Ok(compare(
                &Side::of(&old),
                &Side::of(&new),
                info(&as_of.to_string(), None, as_of),
                info(&to.to_string(), None, to),
            ))
        }
    }
}

/// Colour when stdout is a terminal and NO_COLOR is unset or empty
/// (no-color.org).
fn colour_wanted(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Runs `dengji diff` for the site at `root` graded on `as_of`.
pub fn command(
    root: &Path,
    as_of: Date,
    args: &DiffArgs,
    messages: Messages,
    stage: &dyn Fn(&str),
) -> Outcome {
    let spec = args.against.as_deref().unwrap_or("HEAD");
    let against = match args.to_date {
        Some(date) => Against::Date(date),
        None => Against::Revision(spec),
    };
    let mut out = Outcome::default();
    let diff = match diff(root, as_of, against, stage) {
        Ok(d) => d,
        Err(Failure::Git(e)) => {
            out.stderr = format!("error: {e}\n");
            out.code = EXIT_CANNOT_DIFF;
            return out;
        }
        Err(Failure::WorkingTree(diagnostics)) => {
            // As `check` prints them: machine-readable ones on stdout.
            match messages {
                Messages::Json => {
                    out.stdout = diagnostics
                        .iter()
                        .filter_map(|d| serde_json::to_string(d).ok())
                        .map(|l| l + "\n")
                        .collect()
                }
                Messages::Github => {
                    out.stdout = diagnostics.iter().map(|d| d.github() + "\n").collect()
                }
                Messages::Text => out.stderr = diagnostics.to_string(),
            }
            out.stderr.push_str(
                "error: the working tree does not load, so there is nothing to compare\n",
            );
            out.code = EXIT_CANNOT_DIFF;
            return out;
        }
    };
    let report = match args.format {
        Format::Text => format::text(
            &diff,
            args.output.is_none()
                && colour_wanted(
                    std::io::stdout().is_terminal(),
                    std::env::var_os("NO_COLOR"),
                ),
        ),
        Format::Markdown => format::markdown(&diff),
        Format::Json => match serde_json::to_string_pretty(&diff) {
            Ok(json) => json + "\n",
            Err(e) => {
                out.stderr = format!("error: cannot encode the diff: {e}\n");
                out.code = EXIT_CANNOT_DIFF;
                return out;
            }
        },
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &report) {
                out.stderr = format!(
                    "{}: error: cannot write the report: {e}\n  hint: check that the folder exists and is writable\n",
                    path.display()
                );
                out.code = EXIT_CANNOT_DIFF;
                return out;
            }
        }
        None => out.stdout = report,
    }
    if messages == Messages::Github {
        let prefix = git::prefix_in_repository(root).unwrap_or_default();
        out.stdout.push_str(&format::github(&diff, &prefix));
    }
    let failing: Vec<&String> = args.fail_on.iter().filter(|k| diff.has(k)).collect();
    if !failing.is_empty() {
        out.stderr.push_str(&format!(
            "diff: failing on {} (--fail-on)\n",
            failing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.code = EXIT_FAIL_ON;
    }
    out.diff = Some(diff);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        assert!(colour_wanted(true, None));
        assert!(colour_wanted(true, Some("".into())));
        assert!(!colour_wanted(true, Some("1".into())));
        assert!(!colour_wanted(false, None));
    }
}
