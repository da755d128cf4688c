//! `dengji compare`'s text output: a summary line, then every clause that
//! changed with its marks (`[-deleted-]{+inserted+}`, or colour on a
//! terminal), unchanged clauses folded into a count, then the rules.

use std::fmt::Write;

use super::{Change, ClauseComparison, ClauseSide, Comparison, MatchedBy, SegmentKind, TextDiff};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The comparison as text; `colour` marks changes with ANSI colours
/// instead of brackets.
pub fn text(c: &Comparison, colour: bool) -> String {
    let mut out = String::new();
    let paint = |code: &str, s: &str| {
        if colour {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    };
    let _ = writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!("{}: edition {} → edition {}", c.standard, c.old, c.new)
        )
    );
    let _ = writeln!(out, "{}", summary_line(c));
    let mut folded = 0;
    for clause in &c.clauses {
        if clause.change == Change::Unchanged && !clause.renumbered {
            folded += 1;
            continue;
        }
        if folded > 0 {
            let _ = writeln!(out, "  … {}", unchanged(folded));
            folded = 0;
        }
        clause_lines(&mut out, clause, colour);
    }
    if folded > 0 {
        let _ = writeln!(out, "  … {}", unchanged(folded));
    }
    if c.rules.graded {
        let _ = writeln!(out);
        if c.rules.requirements.is_empty() && c.rules.other.is_empty() {
            let _ = writeln!(out, "grading rules: unchanged");
        } else {
            let _ = writeln!(out, "grading rules:");
        }
        for r in &c.rules.requirements {
            let mark = match r.change {
                Change::Added => "+",
                Change::Removed => "-",
                _ => "~",
            };
            let level = r.level.as_deref().unwrap_or("all levels");
            let clause = match (&r.old_clause, &r.new_clause) {
                (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
                (_, Some(b)) => b.clone(),
                (Some(a), None) => a.clone(),
                (None, None) => String::new(),
            };
            let summary = r
                .summary_en
                .as_deref()
                .or(r.summary_zh.as_deref())
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {mark} {} / {level} / {} (clause {clause}){summary}",
                r.part, r.id
            );
            for f in &r.fields {
                let _ = writeln!(out, "      {f}");
            }
        }
        for f in &c.rules.other {
            let _ = writeln!(out, "  ~ {f}");
        }
    }
    out
}

fn unchanged(n: usize) -> String {
    if n == 1 {
        "1 unchanged clause".to_string()
    } else {
        format!("{n} unchanged clauses")
    }
}

/// `3 changed, 1 added, 1 removed, 2 renumbered, 14 unchanged; rules: …`
pub fn summary_line(c: &Comparison) -> String {
    let s = &c.summary;
    let mut line = format!(
        "clauses: {} changed, {} added, {} removed, {} renumbered, {} unchanged",
        s.changed, s.added, s.removed, s.renumbered, s.unchanged
    );
    if c.rules.graded {
        let _ = write!(
            line,
            "; grading rules: {} requirements changed, {} other changes",
            s.requirements_changed, s.other_rule_changes
        );
    }
    line
}

fn heading(side: &ClauseSide) -> String {
    side.heading(side.title.as_deref())
}

fn clause_lines(out: &mut String, clause: &ClauseComparison, colour: bool) {
    let (mark, name) = match (&clause.old, &clause.new) {
        (Some(a), Some(b)) if clause.renumbered => (
            if clause.change == Change::Changed {
                "~"
            } else {
                "→"
            },
            format!(
                "{} (was {}; {})",
                heading(b),
                a.number_or_anchor(),
                match clause.matched_by {
                    Some(MatchedBy::IdenticalText) => "same text".to_string(),
                    _ => format!("{}% of the text in common", clause.similarity_percent),
                }
            ),
        ),
        (_, Some(b)) if clause.change == Change::Added => ("+", heading(b)),
        (_, Some(b)) => ("~", heading(b)),
        (Some(a), None) => ("-", heading(a)),
        (None, None) => return,
    };
    let counts: Vec<String> = clause
        .text
        .iter()
        .filter(|d| d.inserted + d.deleted > 0)
        .map(|d| format!("{}: +{} −{} {}", d.lang, d.inserted, d.deleted, d.unit))
        .collect();
    let counts = if counts.is_empty() {
        String::new()
    } else {
        format!("  [{}]", counts.join("; "))
    };
    let _ = writeln!(out, "{mark} {name}{counts}");
    for diff in &clause.text {
        for line in marked(diff, colour).lines() {
            let _ = writeln!(out, "    {}| {line}", diff.lang);
        }
    }
}

/// The new text with deletions and insertions marked.
fn marked(diff: &TextDiff, colour: bool) -> String {
    let mut out = String::new();
    for s in &diff.segments {
        match (s.kind, colour) {
            (SegmentKind::Equal, _) => out.push_str(&s.text),
            (SegmentKind::Deleted, true) => {
                let _ = write!(out, "{RED}{}{RESET}", s.text.replace('\n', "⏎\n"));
            }
            (SegmentKind::Inserted, true) => {
                let _ = write!(out, "{GREEN}{}{RESET}", s.text.replace('\n', "⏎\n"));
            }
            (SegmentKind::Deleted, false) => {
                let _ = write!(out, "[-{}-]", s.text);
            }
            (SegmentKind::Inserted, false) => {
                let _ = write!(out, "{{+{}+}}", s.text);
            }
        }
    }
    out
}
