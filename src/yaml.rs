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
    serde_yaml::from_str(text)
        .map_err(|err| text_error(&err, text, file, (first_line, first_column), &|_| None))
}

/// The diagnostic of serde_yaml's error `err` on `text`, which starts at
/// line and column `first` of `file`; `describe` names mappings as in
/// [`from_file_text_all`].
fn text_error(
    err: &serde_yaml::Error,
    text: &str,
    file: &Path,
    (first_line, first_column): (usize, usize),
    describe: &dyn Fn(&[Step]) -> Option<String>,
) -> Diagnostic {
    {
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
        let steps = path.as_deref().and_then(parse_path).unwrap_or_default();
        let (message, hint) = if syntax {
            (format!("invalid YAML: {message}"), hint_for(&full, true))
        } else {
            SchemaError::read(detail).describe(&steps, detail, describe)
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
        .with_hint(hint)
    }
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

/// At most this many schema errors are reported for one file.
const MAX_SCHEMA_ERRORS: usize = 50;

/// Deserializes a whole YAML file, reporting every schema error of it
/// (unknown and missing fields, wrong types, values our types refuse), each
/// at its own line and column, instead of the first only. `describe` names
/// the mapping at a path in the schema's words (`organisation`,
/// `certificate`) for messages such as "unknown field `webiste` in
/// organisation"; `None` names it by its path. A syntax error is the one
/// error reported: nothing after it can be read.
///
/// How: the file is read again as a YAML tree; after each error the
/// offending key (or list item, or the mapping that lacks a field) is taken
/// out of the tree and the tree deserialized again, until it deserializes
/// or the error is about the file as a whole. Paths into the tree are told
/// in the file's terms, counting the list items taken out.
pub fn from_file_text_all<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    describe: &dyn Fn(&[Step]) -> Option<String>,
) -> Result<T, Vec<Diagnostic>> {
    let first = match serde_yaml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(err) => text_error(&err, text, file, (1, 1), describe),
    };
    // A syntax error ends the reading where it is.
    let mut tree = match from_str_at::<Value>(text, file, 1, 1) {
        Ok(tree) => tree,
        Err(syntax) if syntax.message == first.message => return Err(vec![first]),
        Err(syntax) => return Err(vec![first, syntax]),
    };
    let mut found = Vec::new();
    // What was reported and taken out, by its path in the file.
    let mut taken_out: Vec<Vec<Step>> = Vec::new();
    // Items taken out of lists: the list's path in the file and the item's
    // index there, to tell later paths of the tree in the file's terms.
    let mut removed_items: Vec<(Vec<Step>, usize)> = Vec::new();
    while found.len() < MAX_SCHEMA_ERRORS {
        let err = match serde_path_to_error::deserialize::<_, T>(&tree) {
            Ok(_) => break,
            Err(err) => err,
        };
        let mut in_tree: Vec<Step> = err
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
                _ => None,
            })
            .collect();
        let detail = strip_position(&err.inner().to_string());
        let schema = SchemaError::read(&detail);
        // An unknown field's path ends in the field itself: the key to take
        // out of the mapping the message is about.
        let last = match &schema {
            SchemaError::UnknownField { field, .. } => {
                if matches!(in_tree.last(), Some(Step::Key(k)) if k == field) {
                    in_tree.pop();
                }
                Step::Key(field.clone())
            }
            _ => match in_tree.pop() {
                Some(step) => step,
                // The file itself is wrong: nothing to take out.
                None => {
                    let d = diagnostic(text, file, &schema, &[], &detail, describe);
                    found.push(or_first(d, &found, &first));
                    break;
                }
            },
        };
        let parent = in_file(&in_tree, &removed_items);
        let mut at = parent.clone();
        at.push(match &last {
            Step::Index(i) => Step::Index(file_index(&parent, *i, &removed_items)),
            key => key.clone(),
        });
        let about = match &schema {
            SchemaError::UnknownField { .. } => &parent,
            _ => &at,
        };
        // A field reported as wrong and taken out is not missing too.
        let repeat = matches!(&schema, SchemaError::MissingField { field }
            if taken_out.iter().any(|t| t.len() == at.len() + 1
                && t.starts_with(&at)
                && t.last() == Some(&Step::Key(field.clone()))));
        if !repeat {
            let d = diagnostic(text, file, &schema, about, &detail, describe);
            found.push(or_first(d, &found, &first));
        }
        // Take the offending key (or the mapping lacking a field) out of
        // the tree and read on.
        match (node_mut(&mut tree, &in_tree), &last) {
            (Some(Value::Mapping(map)), Step::Key(key)) => {
                let before = map.len();
                map.retain(|k, _| key_text(k).as_deref() != Some(key));
                // Nothing taken out would only repeat the same error.
                if map.len() == before {
                    break;
                }
            }
            (Some(Value::Sequence(items)), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
                if let Some(Step::Index(index)) = at.last() {
                    removed_items.push((parent.clone(), *index));
                }
            }
            _ => break,
        }
        taken_out.push(at);
    }
    if found.is_empty() {
        found.push(first);
    }
    Err(found)
}

/// The first error found is the one reading the text found (`first`),
/// which knows its position best (the value itself, past a quote): it
/// keeps that position (its message may lack the path `d` names).
fn or_first(d: Diagnostic, found: &[Diagnostic], first: &Diagnostic) -> Diagnostic {
    let same = d.message == first.message || d.message.ends_with(&format!(": {}", first.message));
    if found.is_empty() && same {
        Diagnostic {
            location: first.location.clone(),
            ..d
        }
    } else {
        d
    }
}

/// One schema error, located in the file.
fn diagnostic(
    text: &str,
    file: &Path,
    schema: &SchemaError,
    path: &[Step],
    detail: &str,
    describe: &dyn Fn(&[Step]) -> Option<String>,
) -> Diagnostic {
    let position = match schema {
        SchemaError::UnknownField { field, .. } => locate_key(text, path, field),
        _ => locate(text, path),
    };
    let (line, column) = position.unwrap_or((1, 1));
    let (message, hint) = schema.describe(path, detail, describe);
    Diagnostic::error(
        Location::new(file, line, column),
        shorten_quotes(&message, QUOTE_LIMIT),
    )
    .with_hint(hint)
}

/// A path of the tree, from which items have been taken out, as a path of
/// the file.
fn in_file(path: &[Step], removed_items: &[(Vec<Step>, usize)]) -> Vec<Step> {
    let mut out = Vec::with_capacity(path.len());
    for step in path {
        let step = match step {
            Step::Index(i) => Step::Index(file_index(&out, *i, removed_items)),
            key => key.clone(),
        };
        out.push(step);
    }
    out
}

/// The file's index of item `i` of the list at `list` (a path of the file).
fn file_index(list: &[Step], i: usize, removed_items: &[(Vec<Step>, usize)]) -> usize {
    let mut removed: Vec<usize> = removed_items
        .iter()
        .filter(|(at, _)| at == list)
        .map(|(_, index)| *index)
        .collect();
    removed.sort_unstable();
    let mut index = i;
    for r in removed {
        if r <= index {
            index += 1;
        }
    }
    index
}

/// The node of `tree` at `path`.
fn node_mut<'a>(tree: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut node = tree;
    for step in path {
        node = match (step, node) {
            (Step::Key(key), Value::Mapping(map)) => map
                .iter_mut()
                .find(|(k, _)| key_text(k).as_deref() == Some(key))
                .map(|(_, v)| v)?,
            (Step::Index(i), Value::Sequence(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A mapping key as text, as [`ScalarKey`] reads it.
fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What serde says is wrong, read from its message.
enum SchemaError {
    UnknownField { field: String, known: Vec<String> },
    MissingField { field: String },
    UnknownVariant { value: String, known: Vec<String> },
    Other,
}

impl SchemaError {
    fn read(detail: &str) -> SchemaError {
        let quoted = |text: &str| -> Vec<String> {
            text.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        // "<prefix>`name`, expected one of `a`, `b`": the name and the list.
        let named = |prefix: &str| {
            let rest = detail.strip_prefix(prefix)?;
            let name = quoted(rest).into_iter().next()?;
            let known = rest
                .split_once(", expected")
                .map_or(Vec::new(), |(_, k)| quoted(k));
            Some((name, known))
        };
        if let Some((field, known)) = named("unknown field ") {
            return SchemaError::UnknownField { field, known };
        }
        if let Some((field, _)) = named("missing field ") {
            return SchemaError::MissingField { field };
        }
        if let Some((value, known)) = named("unknown variant ") {
            return SchemaError::UnknownVariant { value, known };
        }
        SchemaError::Other
    }

    /// The message and hint, in the schema's terms.
    fn describe(
        &self,
        path: &[Step],
        detail: &str,
        name: &dyn Fn(&[Step]) -> Option<String>,
    ) -> (String, String) {
        let what = name(path).unwrap_or_else(|| {
            if path.is_empty() {
                "the file".to_string()
            } else {
                format!("`{}`", path_text(path))
            }
        });
        let listed = |known: &[String]| {
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            SchemaError::UnknownField { field, known } => (
                format!(
                    "unknown field `{field}` in {what}{}",
                    did_you_mean(field, known)
                ),
                if known.is_empty() {
                    format!("remove the field; {what} has no fields")
                } else {
                    format!(
                        "remove the field or correct its spelling; the fields of {what} are {}",
                        listed(known)
                    )
                },
            ),
            SchemaError::MissingField { field } => (
                format!("missing field `{field}` in {what}"),
                format!("add `{field}` (see docs/registry.md for what it holds)"),
            ),
            SchemaError::UnknownVariant { value, known } => (
                format!(
                    "`{}`: unknown value `{value}`{}",
                    path_text(path),
                    did_you_mean(value, known)
                ),
                format!("use one of {}", listed(known)),
            ),
            SchemaError::Other => (
                if path.is_empty() {
                    detail.to_string()
                } else {
                    format!("`{}`: {detail}", path_text(path))
                },
                hint_for(detail, false),
            ),
        }
    }
}

/// "; did you mean `website`?" when one known name is close to `given`
/// (a typo: a few letters wrong, swapped, missing or extra).
fn did_you_mean(given: &str, known: &[String]) -> String {
    let allowed = (given.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(given, k), k))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// `certificates[0].events[1]`, as serde writes paths.
fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
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
    let locator = Locator { path, key: None };
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

/// The 1-based line and column of the key `key` of the mapping at `path`.
pub fn locate_key(text: &str, path: &[Step], key: &str) -> Option<(usize, usize)> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let locator = Locator {
        path,
        key: Some(key),
    };
    match locator.deserialize(deserializer) {
        Err(err) if err.to_string().contains(FOUND) => {
            err.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

const FOUND: &str = "dengji: value found";

struct Locator<'p> {
    path: &'p [Step],
    /// Stop at this key of the mapping at `path` rather than at its value.
    key: Option<&'p str>,
}

/// Reads a mapping key, failing (so serde_yaml reports its position) when
/// it is the one wanted.
struct KeyFinder<'p>(&'p str);

impl<'de> serde::de::DeserializeSeed<'de> for KeyFinder<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // The error must rise inside the key's own deserialization, which
        // gives it the key's position.
        d.deserialize_any(self)
    }
}

impl KeyFinder<'_> {
    fn check<E: serde::de::Error>(&self, key: &str) -> Result<(), E> {
        if key == self.0 {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl serde::de::Visitor<'_> for KeyFinder<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a scalar key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.check(v)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.check(&v.to_string())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.check(&v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.check(&v.to_string())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.check(&v.to_string())
    }
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
            if let Some(wanted) = self.key {
                while map.next_key_seed(KeyFinder(wanted))?.is_some() {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                return Ok(());
            }
            return Err(serde::de::Error::custom(FOUND));
        };
        while let Some(key) = map.next_key::<ScalarKey>()? {
            if matches!(first, Step::Key(k) if *k == key.0) {
                return map.next_value_seed(Locator {
                    path: rest,
                    key: self.key,
                });
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
                return seq
                    .next_element_seed(Locator {
                        path: rest,
                        key: self.key,
                    })
                    .map(|_| ());
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
        if self.path.is_empty() && self.key.is_none() {
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

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Site {
        title: String,
        #[serde(default)]
        website: Option<String>,
        #[serde(default)]
        pages: Vec<Sample>,
        #[serde(default)]
        count: Option<u32>,
    }

    fn all_errors(text: &str) -> Vec<Diagnostic> {
        let name = |path: &[Step]| Some(if path.is_empty() { "site" } else { "page" }.to_string());
        from_file_text_all::<Site>(text, Path::new("x.yaml"), &name).expect_err("errors")
    }

    #[test]
    fn every_schema_error_of_a_file_is_reported_at_once_in_schema_terms() {
        let text =
            "title: a\nwebiste: b\npages:\n  - title: c\n  - {titel: d}\ncount: many\nextra: 1\n";
        let errors = all_errors(text);
        let found: Vec<(usize, usize, &str)> = errors
            .iter()
            .map(|d| (d.location.line, d.location.column, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    1,
                    "unknown field `webiste` in site; did you mean `website`?"
                ),
                (5, 6, "unknown field `titel` in page; did you mean `title`?"),
                (5, 5, "missing field `title` in page"),
                (6, 8, "`count`: invalid type: string \"many\", expected u32"),
                (7, 1, "unknown field `extra` in site"),
            ]
        );
        assert!(errors.iter().all(|d| !d.message.contains("invalid YAML")));
        assert!(
            errors[0]
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("`website`")),
            "{:?}",
            errors[0].hint
        );
    }

    #[test]
    fn a_syntax_error_is_still_one_yaml_error_and_a_missing_field_is_named() {
        let errors = all_errors("title: a\nwebsite: \"b\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.starts_with("invalid YAML"),
            "{}",
            errors[0].message
        );
        // A schema error met before the syntax error is reported with it.
        let errors = all_errors("title: a\nwebiste: \"b\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[1].message.starts_with("invalid YAML"), "{errors:?}");
        let errors = all_errors("webiste: b\n");
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown field `webiste` in site; did you mean `website`?",
                "missing field `title` in site"
            ]
        );
        // A far-off name gets the list of fields, no guess.
        let errors = all_errors("title: a\nzzz: 1\n");
        assert_eq!(errors[0].message, "unknown field `zzz` in site");
        // A valid file reads as before.
        let name = |_: &[Step]| None;
        let site: Site =
            from_file_text_all("title: a\n", Path::new("x.yaml"), &name).expect("valid");
        assert_eq!(site.title, "a");
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
