//! TeX in the model: every formula block and every `$…$` in inline text is
//! checked when the document is read, so a formula that cannot be typeset
//! fails the build at its file and line instead of publishing an error box.

use pulldown_cmark::{Event, Parser};
use pulldown_latex::Storage;

use super::{Block, Clause, Document, ListItem, Text, inline};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// Why `tex` cannot be typeset, if it cannot.
pub fn tex_error(tex: &str) -> Option<String> {
    let storage = Storage::new();
    pulldown_latex::Parser::new(tex, &storage).find_map(|event| {
        event.err().map(|e| match std::error::Error::source(&e) {
            Some(kind) => kind.to_string(),
            None => e.to_string().lines().next().unwrap_or_default().to_string(),
        })
    })
}

/// Reports every formula of `doc` that cannot be typeset.
pub fn check(doc: &Document, diags: &mut Diagnostics) {
    check_blocks(&doc.preamble, diags);
    for clause in &doc.clauses {
        check_clause(clause, diags);
    }
}

fn check_clause(clause: &Clause, diags: &mut Diagnostics) {
    if let Some(title) = &clause.title {
        check_text(title, diags);
    }
    check_blocks(&clause.blocks, diags);
    for child in &clause.children {
        check_clause(child, diags);
    }
}

fn check_blocks(blocks: &[Block], diags: &mut Diagnostics) {
    for block in blocks {
        match block {
            Block::Paragraph { text, .. } | Block::Note { text, .. } | Block::Example { text } => {
                check_text(text, diags)
            }
            Block::List { items } => check_items(items, diags),
            Block::Table(table) => {
                for text in table.caption.iter() {
                    check_text(text, diags);
                }
                for cell in table.header_rows.iter().chain(&table.body_rows).flatten() {
                    check_text(&cell.text, diags);
                }
            }
            Block::Figure {
                caption,
                description,
                ..
            } => {
                for text in caption.iter().chain(description) {
                    check_text(text, diags);
                }
            }
            Block::Formula { tex, location, .. } => {
                if let Some(problem) = tex_error(tex) {
                    diags.push(error(location.clone(), tex, &problem));
                }
            }
            Block::Editorial { paragraphs, .. } => {
                for text in paragraphs {
                    check_text(text, diags);
                }
            }
            Block::Checklist { .. } => {}
        }
    }
}

fn check_items(items: &[ListItem], diags: &mut Diagnostics) {
    for item in items {
        check_text(&item.text, diags);
        check_items(&item.children, diags);
    }
}

fn check_text(text: &Text, diags: &mut Diagnostics) {
    if !text.markdown.contains('$') {
        return;
    }
    let source = inline::prepare(&text.markdown);
    for (event, range) in Parser::new_ext(&source, inline::options()).into_offset_iter() {
        let (Event::InlineMath(tex) | Event::DisplayMath(tex)) = event else {
            continue;
        };
        if let Some(problem) = tex_error(&tex) {
            let before = &source[..range.start];
            let line_offset = before.matches('\n').count();
            let location = if line_offset == 0 {
                Location::new(
                    &text.location.file,
                    text.location.line,
                    text.location.column + before.chars().count(),
                )
            } else {
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                Location::new(
                    &text.location.file,
                    text.location.line + line_offset,
                    column,
                )
            };
            diags.push(error(location, &tex, &problem));
        }
    }
}

fn error(location: Location, tex: &str, problem: &str) -> Diagnostic {
    let shown: String = tex.chars().take(60).collect();
    Diagnostic::error(
        location,
        format!("formula `{shown}` cannot be typeset: {problem}"),
    )
    .with_hint("correct the TeX (pulldown-latex's dialect: LaTeX math mode, no packages)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse::{SourceFile, parse_standard};

    fn errors(body: &str) -> Vec<Diagnostic> {
        let files = [SourceFile {
            path: "zh/a.md".into(),
            text: format!("---\ntitle: 标准\nkind: specification\n---\n\n# 1 范围\n\n{body}"),
        }];
        let (_, diags) = parse_standard("s", "zh", &files);
        diags
            .into_iter()
            .filter(|d| d.message.contains("formula"))
            .collect()
    }

    #[test]
    fn bad_tex_is_an_error_at_its_place() {
        let found = errors("::: formula (1)\n\\frac{a}{\n:::\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, Location::new("zh/a.md", 8, 1));

        let found = errors("得分按 $\\sum_{i=1}^{15} x \\unknowncommand$ 计。\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location, Location::new("zh/a.md", 8, 5));
    }

    #[test]
    fn tex_errors_are_found() {
        for bad in [
            "\\frac{a}{",
            "x^{2",
            "\\unknowncommand",
            "a^b^c",
            "\\left( x",
        ] {
            assert!(tex_error(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn good_tex_passes() {
        assert!(errors("::: formula (1)\n\\frac{a}{b} \\geq 65\n:::\n").is_empty());
        assert!(errors("得分 $x \\times 100 \\geq 65$ 为通过。\n").is_empty());
        assert_eq!(tex_error("\\left( x"), tex_error("\\left( x"));
        assert!(tex_error("x^{2").is_some());
    }
}
