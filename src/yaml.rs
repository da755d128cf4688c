//! The one place that talks to the YAML library.
//!
//! serde_yaml is archived upstream; everything else in dengji calls these
//! functions, so replacing the library later touches only this file.

use std::path::Path;

use serde::Serialize;
use serde::de::{DeserializeOwned, DeserializeSeed};

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
        let full = err.to_string();
        let mut position = err.location().map(|l| (l.line(), l.column()));
        let message = strip_position(&full);
        // Errors our own types raise for a value (a bad check digit, an
        // impossible date) carry the value's path; serde_yaml places them
        // at the enclosing mapping, so find the value itself.
        let (path, detail) = split_path(&message);
        if let Some(steps) = path.as_deref().and_then(parse_path)
            && let Some(found) = locate(text, &steps)
            && position.is_none_or(|p| found > p)
        {
            position = Some(found);
        }
        // Our own value checks quote the offending value in backticks: find
        // it after the enclosing mapping, where it really is.
        if !is_structural(detail)
            && let Some(token) = detail
                .split('`')
                .nth(1)
                .and_then(|t| t.lines().find(|l| !l.trim().is_empty()))
                .map(str::trim)
            && let Some(found) = find_after(text, position.unwrap_or((1, 1)), token)
        {
            position = Some(found);
        }
        let (line, column) = match position {
            Some((1, c)) => (first_line, first_column + c - 1),
            Some((l, c)) => (first_line + l - 1, c),
            None => (first_line, first_column),
        };
        // Scanner errors have no path and quote nothing.
        let syntax = path.is_none() && !detail.contains('`');
        let message = match &path {
            _ if syntax || is_structural(detail) => format!("invalid YAML: {message}"),
            Some(p) => format!("`{p}`: {detail}"),
            None => detail.to_string(),
        };
        // A quoted value may not run past the line it starts on.
        let (at_line, at_column) = position.unwrap_or((1, 1));
        let line_rest = text
            .lines()
            .nth(at_line.saturating_sub(1))
            .map_or(0, |l| l.chars().count().saturating_sub(at_column - 1));
        let limit = line_rest.clamp(1, QUOTE_LIMIT);
        Diagnostic::error(
            Location::new(file, line, column),
            shorten_quotes(&message, limit),
        )
        .with_hint(hint_for(&full, syntax))
    })
}

/// The longest quotation of a file's text an error message keeps.
const QUOTE_LIMIT: usize = 40;

/// Cuts every quoted value in a message (`"…"` as serde writes it, and
/// `` `…` `` as our own checks do) to its first line and at most
/// [`QUOTE_LIMIT`] characters: a file that is not what it should be (a
/// secret pasted in, a file from elsewhere) is named by its position, never
/// echoed into a CI log.
fn shorten_quotes(message: &str, limit: usize) -> String {
    let mut out = String::with_capacity(message.len().min(512));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[open] as char;
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        // A `"` quotation is Debug-escaped: `\"` does not close it.
        let mut close = None;
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' && quote == '"' {
                escaped = true;
            } else if c == quote {
                close = Some(i);
                break;
            }
        }
        let Some(close) = close else {
            out.push_str(inner);
            return out;
        };
        let quoted = &inner[..close];
        let first_line = quoted
            .split(['\n', '\r'])
            .next()
            .unwrap_or_default()
            .split("\\n")
            .next()
            .unwrap_or_default();
        // serde quotes the offending value with `"`, folded from lines of
        // the file: it may not run past the line it starts on.
        let limit = if quote == '"' { limit } else { QUOTE_LIMIT };
        let kept: String = first_line.chars().take(limit).collect();
        out.push_str(&kept);
        if kept.len() < quoted.len() {
            out.push('…');
        }
        out.push(quote);
        rest = &inner[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The line and column of the first `token` at or after `from`.
fn find_after(text: &str, from: (usize, usize), token: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == from.0 {
            offset += line
                .chars()
                .take(from.1.saturating_sub(1))
                .map(char::len_utf8)
                .sum::<usize>();
            break;
        }
        offset += line.len();
    }
    let at = offset + text.get(offset..)?.find(token)?;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
}

/// serde_yaml prefixes messages with the path of the value, e.g.
/// "certificates[0].level: …".
fn split_path(message: &str) -> (Option<String>, &str) {
    match message.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && !path.contains(' ')
                && path
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_-.[]".contains(c)) =>
        {
            (Some(path.to_string()), rest)
        }
        _ => (None, message),
    }
}

fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']')?;
            steps.push(Step::Index(inner[..end].parse().ok()?));
            rest = &inner[end + 1..];
        }
    }
    Some(steps)
}

/// Messages about the shape of the document rather than one value.
fn is_structural(detail: &str) -> bool {
    detail.contains("unknown field")
        || detail.contains("missing field")
        || detail.contains("invalid type")
        || detail.contains("unknown variant")
}

/// Deserializes a whole YAML file.
pub fn from_file_text<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, Diagnostic> {
    from_str_at(text, file, 1, 1)
}

/// A YAML document as an editable tree (mappings keep their key order), for
/// tools that rewrite documents, such as `dengji generate`.
pub use serde_yaml::{Mapping, Value};

/// Serializes `value` as a YAML document (block style, strings quoted only
/// where YAML needs it).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// serde_yaml appends " at line L column C" to its messages; we print the
/// position ourselves in file:line:column form.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn hint_for(message: &str, syntax: bool) -> String {
    if message.contains("unknown field") {
        "remove the field or correct its spelling; the allowed fields are listed in the message"
            .into()
    } else if message.contains("missing field") {
        "add the missing field".into()
    } else if message.contains("invalid type") {
        "check the value's type (quote text that looks like a number or a date)".into()
    } else if message.contains("duplicate field") || message.contains("duplicate entry") {
        "a key may appear only once in a mapping: merge or remove the repeated one".into()
    } else if message.contains("unknown variant") {
        "use one of the values listed in the message".into()
    } else if syntax {
        "check the YAML syntax at this position (indentation, quotes, colons)".into()
    } else {
        "correct the value as the message says".into()
    }
}

/// One step of a path into a YAML document: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl From<&str> for Step {
    fn from(key: &str) -> Self {
        Step::Key(key.to_string())
    }
}

impl From<usize> for Step {
    fn from(index: usize) -> Self {
        Step::Index(index)
    }
}

/// The 1-based line and column of the value at `path` in `text`, if present.
///
/// Checks that need other files (is this category defined by the standard?)
/// run after deserialization, when positions are gone; this re-reads the
/// text and stops at the value, so serde_yaml reports where it is.
pub fn locate(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let locator = Locator { path };
    match locator.deserialize(deserializer) {
        Err(err) if err.to_string().contains(FOUND) => {
            err.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

/// A [`Location`] in `file` for the value at `path`, or the file's first
/// line when the path is absent.
pub fn location_of(file: &Path, text: &str, path: &[Step]) -> Location {
    match locate(text, path) {
        Some((line, column)) => Location::new(file, line, column),
        None => Location::new(file, 1, 1),
    }
}

const FOUND: &str = "dengji: value found";

struct Locator<'p> {
    path: &'p [Step],
}

impl<'de> serde::de::DeserializeSeed<'de> for Locator<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Locator<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(serde::de::Error::custom(FOUND));
        };
        while let Some(key) = map.next_key::<ScalarKey>()? {
            if matches!(first, Step::Key(k) if *k == key.0) {
                return map.next_value_seed(Locator { path: rest });
            }
            map.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(serde::de::Error::custom(FOUND));
        };
        let mut index = 0;
        loop {
            if matches!(first, Step::Index(i) if *i == index) {
                return seq.next_element_seed(Locator { path: rest }).map(|_| ());
            }
            if seq.next_element::<serde::de::IgnoredAny>()?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
}

impl Locator<'_> {
    fn scalar<E: serde::de::Error>(self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

/// A mapping key read as text, whatever scalar type YAML gives it.
struct ScalarKey(String);

impl<'de> serde::Deserialize<'de> for ScalarKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = ScalarKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_str<E>(self, v: &str) -> Result<ScalarKey, E> {
                Ok(ScalarKey(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ScalarKey, E> {
                Ok(ScalarKey(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ScalarKey, E> {
                Ok(ScalarKey(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ScalarKey, E> {
                Ok(ScalarKey(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<ScalarKey, E> {
                Ok(ScalarKey(v.to_string()))
            }
        }
        d.deserialize_any(KeyVisitor)
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
    fn errors_never_quote_more_than_the_start_of_a_line() {
        let secret = "root:x:0:0:root:/root:/bin/bash\nsecond secret line\nthird: x\n";
        let err = from_file_text::<Sample>(secret, Path::new("x.yaml"))
            .expect_err("not a mapping of the right shape");
        assert!(!err.message.contains("second secret"), "{}", err.message);
        assert!(
            err.message.contains("root:x:0:0:root:/root:/bin/bash…"),
            "{}",
            err.message
        );
        let long = format!("title: [{}]\n", "y".repeat(500));
        let err = from_file_text::<Sample>(&long, Path::new("x.yaml")).expect_err("a list");
        assert!(err.message.len() < 200, "{}", err.message);
        assert_eq!(
            shorten_quotes("a `b\nc` d \"e\\\"f\"", 40),
            "a `b…` d \"e\\\"f\""
        );
        assert_eq!(shorten_quotes("unclosed `x", 40), "unclosed `x");
    }

    #[test]
    fn valid_yaml_parses() {
        let s: Sample = from_file_text("title: 标准\n", Path::new("x.yaml")).expect("valid");
        assert_eq!(s.title, "标准");
    }

    #[test]
    fn edited_tree_round_trips() {
        let mut tree: Value = from_file_text(
            "names: {zh: 甲示例, en: A}\nfounded: 2006-06-18\namount: 17.5\n",
            Path::new("x.yaml"),
        )
        .expect("valid");
        if let Some(Value::Mapping(names)) = tree.get_mut("names") {
            names.insert("zh".into(), "乙示例".into());
        }
        let text = to_string(&tree).expect("serializes");
        assert_eq!(
            text,
            "names:\n  zh: 乙示例\n  en: A\nfounded: 2006-06-18\namount: 17.5\n"
        );
        let again: Value = from_file_text(&text, Path::new("x.yaml")).expect("parses");
        assert_eq!(again, tree);
    }

    #[test]
    fn locate_finds_values_by_path() {
        let text = "name: a\nlist:\n  - x: 1\n  - x: 2\n    y: [3, 4]\n";
        let at = |p: &[Step]| locate(text, p);
        assert_eq!(at(&["name".into()]), Some((1, 7)));
        assert_eq!(at(&["list".into(), 1.into(), "x".into()]), Some((4, 8)));
        assert_eq!(
            at(&["list".into(), 1.into(), "y".into(), 1.into()]),
            Some((5, 12))
        );
        assert_eq!(at(&["list".into(), 1.into()]).map(|p| p.0), Some(4));
        assert_eq!(at(&["missing".into()]), None);
        assert_eq!(at(&["list".into(), 5.into()]), None);
    }
}
