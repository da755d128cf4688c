//! The theme's templates (Tera) and UI strings, loaded once per render or
//! per `serve` session, and template errors told as diagnostics located in
//! the template.

use std::collections::BTreeMap;

use tera::Tera;

use super::links;
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::Theme;
use crate::yaml;

pub(super) fn tera_error(theme: &Theme, err: &tera::Error) -> Diagnostic {
    // The innermost error that points into a template says where; the
    // messages of the whole chain say what.
    let mut message = err.to_string();
    let mut located = report_of(err);
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        if let Some(report) = s.downcast_ref::<tera::Error>().and_then(report_of) {
            located = Some(report);
        }
        source = s.source();
    }
    let templates = theme.dir.join("templates");
    if let Some(report) = located.filter(|r| !r.filename().is_empty()) {
        let span = report.span();
        return Diagnostic::error(
            Location::new(
                templates.join(report.filename()),
                span.start_line.max(1),
                span.start_col + 1,
            ),
            format!("template error: {}", report.message()),
        )
        .with_hint("fix the template at this position");
    }
    // Some checks (unknown filters, tests, functions) give only a report
    // as text: "error: Unknown filter `x`\n  --> name.html:17:45 …".
    static POINTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?m)^error: (.*)\n\s*--> (\S+):(\d+):(\d+)").expect("static regex")
    });
    if let Some(caps) = POINTER.captures(&message) {
        let number = |i| {
            caps.get(i)
                .and_then(|m| m.as_str().parse().ok())
                .unwrap_or(1)
        };
        return Diagnostic::error(
            Location::new(templates.join(&caps[2]), number(3), number(4)),
            format!("template error: {}", &caps[1]),
        )
        .with_hint("fix the template at this position");
    }
    Diagnostic::error(
        Location::file(templates),
        format!("template error: {message}"),
    )
    .with_hint("fix the template named in the message")
}

/// The part of a Tera error that points into a template, if any.
fn report_of(err: &tera::Error) -> Option<&tera::ReportError> {
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    }
}

fn load_templates(theme: &Theme) -> Result<Tera, Diagnostic> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str())),
    )
    .map_err(|e| tera_error(theme, &e))?;
    Ok(tera)
}

/// The theme's UI strings of `lang` (`themes/<theme>/i18n/<lang>.yaml`).
pub fn ui_strings(theme: &Theme, lang: &str) -> Result<BTreeMap<String, String>, Diagnostic> {
    load_strings(theme, lang)
}

fn load_strings(theme: &Theme, lang: &str) -> Result<BTreeMap<String, String>, Diagnostic> {
    let Some((path, text)) = theme.strings.get(lang) else {
        return Err(Diagnostic::error(
            Location::file(theme.dir.join("i18n")),
            format!("the theme has no UI strings for language `{lang}`"),
        )
        .with_hint(format!("add themes/<theme>/i18n/{lang}.yaml")));
    };
    let strings: BTreeMap<String, String> = yaml::from_file_text(text, path)?;
    for key in [
        "lang_tag",
        "language_name",
        "language_short",
        "clause_in_other_language",
        "view_side_by_side",
    ] {
        if !strings.contains_key(key) {
            return Err(Diagnostic::error(
                Location::file(path),
                format!("UI strings for `{lang}` lack `{key}`"),
            )
            .with_hint("see themes/default/i18n/en.yaml for every key a theme needs"));
        }
    }
    Ok(strings)
}

/// What a theme gives every render: its templates, parsed, and the UI
/// strings of each language. `serve` keeps them between renders.
pub struct Templates {
    pub(super) tera: Tera,
    pub(super) inline: links::InlineTemplates,
    /// UI strings per language of the site.
    pub(super) strings: BTreeMap<String, BTreeMap<String, String>>,
    /// The same as template values, made once: a page's context takes
    /// them by reference count instead of copying every string.
    pub(super) string_values: BTreeMap<String, tera::Value>,
}

impl Templates {
    /// Parses the theme's templates and reads its UI strings of every
    /// language of `config`.
    pub fn load(theme: &Theme, config: &Config) -> Result<Templates, Diagnostics> {
        let mut diags = Diagnostics::new();
        let tera = match load_templates(theme) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                return Err(diags);
            }
        };
        let inline = match links::InlineTemplates::load(&tera) {
            Ok(t) => t,
            Err(e) => {
                diags.push(tera_error(theme, &e));
                return Err(diags);
            }
        };
        let mut strings = BTreeMap::new();
        for lang in &config.languages {
            match load_strings(theme, lang) {
                Ok(s) => {
                    strings.insert(lang.clone(), s);
                }
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let string_values = strings
            .iter()
            .map(|(lang, s)| (lang.clone(), tera::Value::from_serializable(s)))
            .collect();
        Ok(Templates {
            tera,
            inline,
            strings,
            string_values,
        })
    }
}
