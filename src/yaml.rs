//! The one place that talks to the YAML library.
//!
//! serde_yaml is archived upstream; everything else in dengji calls these
//! functions, so replacing the library later touches only this file.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Location};

/// Deserializes `text`, which starts at line `first_line` (1-based) of `file`.
/// Errors carry the file, line and column of the offending YAML.
pub fn from_str_at<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: usize,
    first_column: usize,
) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = match err.location() {
            Some(loc) if loc.line() == 1 => (first_line, first_column + loc.column() - 1),
            Some(loc) => (first_line + loc.line() - 1, loc.column()),
            None => (first_line, first_column),
        };
        Diagnostic::error(
            Location::new(file, line, column),
            format!("invalid YAML: {}", strip_position(&err.to_string())),
        )
        .with_hint(hint_for(&err.to_string()))
    })
}

/// Deserializes a whole YAML file.
pub fn from_file_text<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, Diagnostic> {
    from_str_at(text, file, 1, 1)
}

/// serde_yaml appends " at line L column C" to its messages; we print the
/// position ourselves in file:line:column form.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn hint_for(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the field or correct its spelling; the allowed fields are listed in the message"
            .into()
    } else if message.contains("missing field") {
        "add the missing field".into()
    } else if message.contains("invalid type") {
        "check the value's type (quote text that looks like a number or a date)".into()
    } else {
        "check the YAML syntax at this position (indentation, quotes, colons)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
    }

    #[test]
    fn unknown_field_is_located_in_the_file() {
        let err = from_str_at::<Sample>("title: a\ntitel: b\n", Path::new("x.md"), 5, 1)
            .expect_err("unknown field must fail");
        assert_eq!(err.location, Location::new("x.md", 6, 1));
        assert!(
            err.message.contains("unknown field `titel`"),
            "{}",
            err.message
        );
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn valid_yaml_parses() {
        let s: Sample = from_file_text("title: 标准\n", Path::new("x.yaml")).expect("valid");
        assert_eq!(s.title, "标准");
    }
}
