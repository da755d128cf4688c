//! The diff in words: `text` for a terminal, `markdown` for a pull-request
//! comment, `json` (the [`Diff`] itself, schema from
//! [`super::schema_json`]), and GitHub workflow-command annotations.

use std::fmt::Write as _;

use super::{
    Appearance, CertificateChange, DiagnosticChangeKind, Diff, Direction, FindingChange,
    FindingKind, Flip, Level, LevelChange, Observation, Org, OrganisationChangeKind, Summary,
    TextChangeKind,
};
use crate::grade::State;

/// Past this many rows a markdown section is folded into `<details>`.
pub const FOLD_AFTER: usize = 30;

/// The one-line summary: the count of each kind that occurs.
pub fn summary_line(s: &Summary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let parts: Vec<String> = [
        (s.added, "organisation added", "organisations added"),
        (s.removed, "organisation removed", "organisations removed"),
        (s.renamed, "organisation renamed", "organisations renamed"),
        (s.downgrades, "downgrade", "downgrades"),
        (s.upgrades, "upgrade", "upgrades"),
        (
            s.certificate_changes,
            "certificate change",
            "certificate changes",
        ),
        (s.findings_appeared, "new finding", "new findings"),
        (s.findings_resolved, "finding resolved", "findings resolved"),
        (s.new_errors, "new error", "new errors"),
        (s.fixed_errors, "fixed error", "fixed errors"),
        (s.new_warnings, "new warning", "new warnings"),
        (s.fixed_warnings, "fixed warning", "fixed warnings"),
        (s.rules_changed, "rules change", "rules changes"),
        (
            s.moved_by_rules,
            "grade moved by rules",
            "grades moved by rules",
        ),
        (s.clauses_changed, "clause changed", "clauses changed"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| plural(n, one, many))
    .collect();
    if parts.is_empty() {
        "no changes".to_string()
    } else {
        parts.join(", ")
    }
}

fn level_text(level: Option<&Level>) -> String {
    match level {
        Some(l) => format!("{} ({})", l.id, l.en),
        None => "no level".to_string(),
    }
}

fn org_text(o: &Org) -> String {
    format!("{} {} ({})", o.id, o.name_zh, o.name_en)
}

fn state_text(state: State) -> &'static str {
    match state {
        State::MetByEvidence => "met",
        State::MetByAssessment => "met by assessment",
        State::NotMet => "not met",
        State::NotEvidenced => "not evidenced",
    }
}

fn observation_text(o: Option<&Observation>) -> String {
    match o {
        None => "absent".to_string(),
        Some(o) => {
            let mut out = state_text(o.state).to_string();
            if let Some(v) = &o.value {
                let _ = write!(out, ": {v}");
            }
            out
        }
    }
}

/// The threshold of either side (the new one when both have one).
fn threshold(f: &Flip) -> Option<String> {
    let t = |o: &Option<Observation>| o.as_ref().and_then(|o| o.threshold.clone());
    match (t(&f.old), t(&f.new)) {
        (Some(a), Some(b)) if a != b => Some(format!("{a} → {b}")),
        (a, b) => b.or(a),
    }
}

fn flip_text(f: &Flip) -> String {
    let r = &f.requirement;
    let mut out = format!("{} {}", r.part, r.clause);
    if r.id != r.clause {
        let _ = write!(out, " [{}]", r.id);
    }
    if let Some(level) = &r.level {
        let _ = write!(out, " ({level})");
    }
    if let Some(s) = &r.summary_en {
        let _ = write!(out, " {s}");
    }
    let _ = write!(
        out,
        ": {} → {}",
        observation_text(f.old.as_ref()),
        observation_text(f.new.as_ref())
    );
    if let Some(t) = threshold(f) {
        let _ = write!(out, "; threshold {t}");
    }
    out
}

fn change_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn certificate_text(c: &CertificateChange) -> String {
    let status = |s: Option<crate::grade::Status>| s.map_or("none", |s| s.name());
    let mut out = format!(
        "{} {} {} / {} {}: {} ({} → {})",
        org_text(&c.organisation),
        c.number,
        c.standard,
        c.category,
        c.level,
        change_name(&c.change),
        status(c.old_status),
        status(c.new_status)
    );
    if let Some(d) = &c.date {
        let _ = write!(out, " on {d}");
    }
    if c.old_valid_until != c.new_valid_until
        && let (Some(a), Some(b)) = (&c.old_valid_until, &c.new_valid_until)
    {
        let _ = write!(out, ", valid until {a} → {b}");
    }
    if let Some(n) = &c.note {
        let _ = write!(out, " — {n}");
    }
    out
}

fn finding_text(f: &FindingChange) -> String {
    let what = match f.kind {
        FindingKind::Unsupported => "registered level unsupported",
        FindingKind::Exceeded => "evidence exceeds the registered level",
    };
    format!(
        "{} {} {} / {}: {what}: registers {}, evidence supports {}",
        org_text(&f.organisation),
        f.number,
        f.standard,
        f.category,
        level_text(Some(&f.registered)),
        level_text(f.supported.as_ref())
    )
}

fn level_line(l: &LevelChange) -> String {
    format!(
        "{} {} / {}: {} → {} [{}]",
        org_text(&l.organisation),
        l.standard,
        l.category,
        level_text(l.old.as_ref()),
        level_text(l.new.as_ref()),
        l.because
            .iter()
            .map(change_name)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Colours of the text report (nothing when off).
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn red(&self, t: &str) -> String {
        self.wrap("31", t)
    }
    fn green(&self, t: &str) -> String {
        self.wrap("32", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.wrap("33", t)
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
}

fn side_text(label: &str, commit: Option<&str>) -> String {
    match commit {
        Some(c) => format!("{label} ({})", &c[..c.len().min(12)]),
        None => label.to_string(),
    }
}

fn heading_text(d: &Diff) -> String {
    // Two dates of the working tree (`--to-date`).
    if d.old.label == d.old.as_of && d.new.label == d.new.as_of {
        return format!(
            "working tree graded on {} → graded on {}",
            d.old.as_of, d.new.as_of
        );
    }
    let old = side_text(&d.old.label, d.old.commit.as_deref());
    let new = side_text(&d.new.label, d.new.commit.as_deref());
    if d.old.as_of == d.new.as_of {
        format!("{old} → {new}, graded on {}", d.new.as_of)
    } else {
        format!(
            "{old} graded on {} → {new} graded on {}",
            d.old.as_of, d.new.as_of
        )
    }
}

/// The report for a terminal; `colour` only when stdout is one.
pub fn text(d: &Diff, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!("dengji diff: {}", heading_text(d)))
    );
    for e in &d.old.load_errors {
        let _ = writeln!(
            out,
            "{}",
            p.red(&format!(
                "at {}: {}:{}:{}: error: {}",
                d.old.label, e.file, e.line, e.column, e.message
            ))
        );
    }
    if !d.old.load_errors.is_empty() {
        let _ = writeln!(
            out,
            "{} could not be loaded; only the errors and warnings of {} are listed",
            d.old.label, d.new.label
        );
    }
    let _ = writeln!(out, "summary: {}", summary_line(&d.summary));
    if !d.organisations.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("organisations"));
        for o in &d.organisations {
            let line = match (o.change, &o.old) {
                (OrganisationChangeKind::Added, _) => p.green(&format!(
                    "  + added {} {}",
                    org_text(&o.organisation),
                    o.organisation.file
                )),
                (OrganisationChangeKind::Removed, _) => p.red(&format!(
                    "  - removed {} {}",
                    org_text(&o.organisation),
                    o.organisation.file
                )),
                (kind, Some(old)) => p.yellow(&format!(
                    "  ~ {} {} → {}",
                    change_name(&kind),
                    org_text(old),
                    org_text(&o.organisation)
                )),
                (kind, None) => format!("  ~ {} {}", change_name(&kind), org_text(&o.organisation)),
            };
            let _ = writeln!(out, "{line}");
            for g in &o.grades {
                let _ = writeln!(
                    out,
                    "      {} / {}: {}",
                    g.standard,
                    g.category,
                    level_text(g.level.as_ref())
                );
            }
        }
    }
    let levels = |out: &mut String, title: &str, levels: &[LevelChange]| {
        if levels.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{}", p.bold(title));
        for l in levels {
            let line = match l.direction {
                Direction::Up => p.green(&format!("  ↑ {}", level_line(l))),
                Direction::Down => p.red(&format!("  ↓ {}", level_line(l))),
            };
            let _ = writeln!(out, "{line}");
            for f in &l.flipped {
                let _ = writeln!(out, "      {}", flip_text(f));
            }
        }
    };
    levels(&mut out, "levels", &d.levels);
    if !d.certificates.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("certificates"));
        for c in &d.certificates {
            let _ = writeln!(out, "  {}", certificate_text(c));
        }
    }
    if !d.findings.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("registered-level findings"));
        for f in &d.findings {
            let line = match f.change {
                Appearance::Appeared => p.red(&format!("  + {}", finding_text(f))),
                Appearance::Resolved => p.green(&format!("  - {}", finding_text(f))),
            };
            let _ = writeln!(out, "{line}");
            for u in &f.unmet {
                let r = &u.requirement;
                let _ = writeln!(
                    out,
                    "      unmet {} {}{}: {}{}",
                    r.part,
                    r.clause,
                    r.level
                        .as_ref()
                        .map(|l| format!(" ({l})"))
                        .unwrap_or_default(),
                    observation_text(Some(&u.observed)),
                    u.observed
                        .threshold
                        .as_ref()
                        .map(|t| format!("; threshold {t}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    if !d.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("errors and warnings"));
        for c in &d.diagnostics {
            let e = &c.diagnostic;
            let line = match c.change {
                DiagnosticChangeKind::New => p.red(&format!(
                    "  new: {}:{}:{}: {}: {}",
                    e.file, e.line, e.column, e.severity, e.message
                )),
                DiagnosticChangeKind::Fixed => p.green(&format!(
                    "  fixed: at {}: {}:{}:{}: {}: {}",
                    d.old.label, e.file, e.line, e.column, e.severity, e.message
                )),
            };
            let _ = writeln!(out, "{line}");
        }
    }
    for r in &d.rules {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold(&format!("rules of {} changed ({})", r.standard, r.file))
        );
        for q in &r.requirements {
            let x = &q.requirement;
            let _ = writeln!(
                out,
                "  {} {} {}{} [{}]",
                change_name(&q.change),
                x.part,
                x.clause,
                x.level
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default(),
                x.id
            );
        }
        if r.other_rules_changed {
            let _ = writeln!(
                out,
                "  levels, categories, lifecycle or combination changed too"
            );
        }
        levels(
            &mut out,
            &format!(
                "  grades these rules move on their own ({})",
                r.impact.len()
            ),
            &r.impact,
        );
    }
    if !d.text.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("standard text"));
        for t in &d.text {
            let _ = writeln!(
                out,
                "  {} {} ({}) {}",
                change_name(&t.change),
                t.standard,
                t.lang,
                t.clause
            );
        }
    }
    out
}

/// A markdown table cell: pipes escaped, lines joined.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn link(label: &str, url: Option<&String>) -> String {
    match url {
        Some(u) => format!("[{}]({u})", cell(label)),
        None => cell(label),
    }
}

/// A section: a heading and a table, folded past [`FOLD_AFTER`] rows.
fn section(out: &mut String, title: &str, header: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        return;
    }
    let fold = rows.len() > FOLD_AFTER;
    if fold {
        let _ = writeln!(
            out,
            "<details><summary><b>{}</b> ({})</summary>\n",
            cell(title),
            rows.len()
        );
    } else {
        let _ = writeln!(out, "#### {title}\n");
    }
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        header.iter().map(|_| " --- |").collect::<String>()
    );
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    if fold {
        let _ = writeln!(out, "\n</details>");
    }
    let _ = writeln!(out);
}

fn flips_cell(flips: &[Flip]) -> String {
    flips
        .iter()
        .map(|f| {
            let r = &f.requirement;
            let mut s = link(&format!("{} {}", r.part, r.clause), r.clause_url.as_ref());
            if r.id != r.clause {
                let _ = write!(s, " `{}`", cell(&r.id));
            }
            let _ = write!(
                s,
                ": {} → {}",
                cell(&observation_text(f.old.as_ref())),
                cell(&observation_text(f.new.as_ref()))
            );
            if let Some(t) = threshold(f) {
                let _ = write!(s, " (threshold {})", cell(&t));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn org_cell(o: &Org) -> String {
    format!(
        "`{}` {} ({})",
        cell(&o.id),
        cell(&o.name_zh),
        cell(&o.name_en)
    )
}

fn level_rows(levels: &[LevelChange]) -> Vec<Vec<String>> {
    levels
        .iter()
        .map(|l| {
            vec![
                match l.direction {
                    Direction::Up => "⬆️ up".to_string(),
                    Direction::Down => "⬇️ down".to_string(),
                },
                org_cell(&l.organisation),
                format!("{} / {}", cell(&l.standard), cell(&l.category)),
                cell(&level_text(l.old.as_ref())),
                cell(&level_text(l.new.as_ref())),
                flips_cell(&l.flipped),
            ]
        })
        .collect()
}

/// The report as a pull-request comment.
pub fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### dengji diff: {}\n", cell(&heading_text(d)));
    let _ = writeln!(out, "**Summary:** {}\n", summary_line(&d.summary));
    if !d.old.load_errors.is_empty() {
        let _ = writeln!(
            out,
            "> **{} could not be loaded**; only the errors and warnings of {} are listed.\n",
            cell(&d.old.label),
            cell(&d.new.label)
        );
        for e in &d.old.load_errors {
            let _ = writeln!(
                out,
                "- at {}: `{}:{}:{}`: {}",
                cell(&d.old.label),
                cell(&e.file),
                e.line,
                e.column,
                cell(&e.message)
            );
        }
        let _ = writeln!(out);
    }
    section(
        &mut out,
        "Organisations",
        &["change", "organisation", "before", "grades"],
        d.organisations
            .iter()
            .map(|o| {
                vec![
                    change_name(&o.change),
                    org_cell(&o.organisation),
                    o.old.as_ref().map(org_cell).unwrap_or_default(),
                    o.grades
                        .iter()
                        .map(|g| {
                            format!(
                                "{} / {}: {}",
                                cell(&g.standard),
                                cell(&g.category),
                                cell(&level_text(g.level.as_ref()))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br>"),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Computed levels",
        &[
            "",
            "organisation",
            "standard / category",
            "before",
            "after",
            "requirements that flipped",
        ],
        level_rows(&d.levels),
    );
    section(
        &mut out,
        "Certificates",
        &[
            "change",
            "organisation",
            "certificate",
            "standard / category",
            "status",
            "date",
        ],
        d.certificates
            .iter()
            .map(|c| {
                let status = |s: Option<crate::grade::Status>| s.map_or("none", |s| s.name());
                vec![
                    change_name(&c.change),
                    org_cell(&c.organisation),
                    format!("{} ({})", cell(&c.number), cell(&c.level)),
                    format!("{} / {}", cell(&c.standard), cell(&c.category)),
                    format!("{} → {}", status(c.old_status), status(c.new_status)),
                    c.date.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Registered-level findings",
        &[
            "",
            "organisation",
            "certificate",
            "standard / category",
            "registered / supported",
            "unmet",
        ],
        d.findings
            .iter()
            .map(|f| {
                vec![
                    format!("{} {}", change_name(&f.change), change_name(&f.kind)),
                    org_cell(&f.organisation),
                    cell(&f.number),
                    format!("{} / {}", cell(&f.standard), cell(&f.category)),
                    format!(
                        "{} / {}",
                        cell(&level_text(Some(&f.registered))),
                        cell(&level_text(f.supported.as_ref()))
                    ),
                    f.unmet
                        .iter()
                        .map(|u| {
                            format!(
                                "{}: {}",
                                link(
                                    &format!("{} {}", u.requirement.part, u.requirement.clause),
                                    u.requirement.clause_url.as_ref()
                                ),
                                cell(&observation_text(Some(&u.observed)))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("<br>"),
                ]
            })
            .collect(),
    );
    section(
        &mut out,
        "Errors and warnings",
        &["", "where", "message"],
        d.diagnostics
            .iter()
            .map(|c| {
                let e = &c.diagnostic;
                let at = match c.change {
                    DiagnosticChangeKind::New => String::new(),
                    DiagnosticChangeKind::Fixed => format!("at {}: ", cell(&d.old.label)),
                };
                vec![
                    format!("{} {}", change_name(&c.change), e.severity),
                    format!("{at}`{}:{}:{}`", cell(&e.file), e.line, e.column),
                    cell(&e.message),
                ]
            })
            .collect(),
    );
    for r in &d.rules {
        let _ = writeln!(
            out,
            "#### Rules of `{}` changed (`{}`)\n",
            cell(&r.standard),
            cell(&r.file)
        );
        for q in &r.requirements {
            let x = &q.requirement;
            let _ = writeln!(
                out,
                "- {} {}{} `{}`",
                change_name(&q.change),
                link(&format!("{} {}", x.part, x.clause), x.clause_url.as_ref()),
                x.level
                    .as_ref()
                    .map(|l| format!(" ({})", cell(l)))
                    .unwrap_or_default(),
                cell(&x.id)
            );
        }
        if r.other_rules_changed {
            let _ = writeln!(
                out,
                "- levels, categories, lifecycle or combination changed too"
            );
        }
        let _ = writeln!(out);
        if r.impact.is_empty() {
            let _ = writeln!(out, "No grade moves because of these rules alone.\n");
        }
        section(
            &mut out,
            &format!(
                "Grades the rules of {} move on their own ({})",
                r.standard,
                r.impact.len()
            ),
            &[
                "",
                "organisation",
                "standard / category",
                "before",
                "after",
                "requirements that flipped",
            ],
            level_rows(&r.impact),
        );
    }
    section(
        &mut out,
        "Standard text",
        &["change", "standard", "language", "clause"],
        d.text
            .iter()
            .map(|t| {
                vec![
                    change_name(&t.change),
                    cell(&t.standard),
                    cell(&t.lang),
                    if t.change == TextChangeKind::Removed {
                        cell(&t.clause)
                    } else {
                        link(&t.clause, t.clause_url.as_ref())
                    },
                ]
            })
            .collect(),
    );
    out
}

/// Escapes a workflow-command property value (file=…) or message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands (`::warning file=…,line=…::…`) for the
/// changes of the new side that have a place in a file: new errors and
/// warnings, downgrades and upgrades, new findings, certificate changes.
/// `prefix` is prepended to paths (the site folder inside the repository).
pub fn github(d: &Diff, prefix: &str) -> String {
    let mut out = String::new();
    let mut put =
        |level: &str, file: &str, line: usize, column: Option<usize>, title: &str, msg: &str| {
            let mut props = format!("file={}", escape_property(&format!("{prefix}{file}")));
            let _ = write!(props, ",line={line}");
            if let Some(c) = column {
                let _ = write!(props, ",col={c}");
            }
            let _ = write!(props, ",title={}", escape_property(title));
            let _ = writeln!(out, "::{level} {props}::{}", escape_data(msg));
        };
    for e in &d.new.load_errors {
        put(
            "error",
            &e.file,
            e.line,
            Some(e.column),
            "dengji",
            &e.message,
        );
    }
    for c in d
        .diagnostics
        .iter()
        .filter(|c| c.change == DiagnosticChangeKind::New)
    {
        let e = &c.diagnostic;
        let level = if e.severity == "error" {
            "error"
        } else {
            "warning"
        };
        let msg = match &e.hint {
            Some(h) => format!("{}\nhint: {h}", e.message),
            None => e.message.clone(),
        };
        put(
            level,
            &e.file,
            e.line,
            Some(e.column),
            &format!("new {}", e.severity),
            &msg,
        );
    }
    for l in &d.levels {
        let (level, title) = match l.direction {
            Direction::Down => ("warning", "grade goes down"),
            Direction::Up => ("notice", "grade goes up"),
        };
        let flips: Vec<String> = l.flipped.iter().map(flip_text).collect();
        let msg = format!("{}\n{}", level_line(l), flips.join("\n"));
        put(
            level,
            &l.organisation.file,
            l.line,
            None,
            title,
            msg.trim_end(),
        );
    }
    for f in d
        .findings
        .iter()
        .filter(|f| f.change == Appearance::Appeared)
    {
        let level = match f.kind {
            FindingKind::Unsupported => "warning",
            FindingKind::Exceeded => "notice",
        };
        put(
            level,
            &f.organisation.file,
            f.line,
            None,
            "registered level",
            &finding_text(f),
        );
    }
    for c in &d.certificates {
        if c.new_status.is_none() && c.old_status.is_some() {
            continue;
        }
        put(
            "notice",
            &c.organisation.file,
            c.line,
            None,
            "certificate",
            &certificate_text(c),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<script>"), "&lt;script&gt;");
    }

    #[test]
    fn workflow_command_values_are_escaped() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
    }

    #[test]
    fn the_summary_names_only_what_occurs() {
        let s = Summary {
            downgrades: 2,
            added: 1,
            ..Summary::default()
        };
        assert_eq!(summary_line(&s), "1 organisation added, 2 downgrades");
        assert_eq!(summary_line(&Summary::default()), "no changes");
    }

    #[test]
    fn the_text_is_coloured_only_when_asked() {
        let d = Diff {
            schema_version: 1,
            old: super::super::SideInfo {
                label: "HEAD".into(),
                commit: None,
                as_of: "2026-11-21".into(),
                load_errors: Vec::new(),
            },
            new: super::super::SideInfo {
                label: "working tree".into(),
                commit: None,
                as_of: "2026-11-21".into(),
                load_errors: Vec::new(),
            },
            summary: Summary::default(),
            organisations: Vec::new(),
            levels: Vec::new(),
            certificates: Vec::new(),
            findings: Vec::new(),
            diagnostics: Vec::new(),
            rules: Vec::new(),
            text: Vec::new(),
        };
        assert!(text(&d, true).contains("\x1b[1mdengji diff: HEAD → working tree"));
        assert!(!text(&d, false).contains('\x1b'));
    }

    #[test]
    fn long_sections_fold_into_details() {
        let mut out = String::new();
        let rows = (0..FOLD_AFTER + 1).map(|i| vec![i.to_string()]).collect();
        section(&mut out, "Many", &["n"], rows);
        assert!(out.starts_with("<details><summary><b>Many</b> (31)</summary>"));
        let mut short = String::new();
        section(&mut short, "Few", &["n"], vec![vec!["1".into()]]);
        assert!(short.starts_with("#### Few"));
        assert!(!short.contains("<details>"));
    }
}
