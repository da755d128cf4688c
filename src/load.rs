//! Stage 1: read everything the build needs from disk.
//!
//! Nothing here interprets content; it only finds and reads files, so that
//! every later stage is a pure function of what was loaded.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::parse::SourceFile;

/// The file beside a standard's language folders that lists explicit and
/// suppressed references (docs/references.md).
pub const REFERENCES_FILE: &str = "references.yaml";
/// In a translation's folder: the fingerprint of the original each
/// translated unit was made from (written by `dengji stamp`).
pub const FINGERPRINTS_FILE: &str = "fingerprints.yaml";
/// In the content folder: the terms every translation must render alike.
pub const TERMBASE_FILE: &str = "termbase.yaml";
/// Beside a standard's language folders: its grading rules (docs/grading-rules.md).
pub const RULES_FILE: &str = "rules.yaml";

impl StandardSources {
    /// A copy of these sources without the older editions'.
    pub fn clone_without_older(&self) -> StandardSources {
        StandardSources {
            slug: self.slug.clone(),
            dir: self.dir.clone(),
            edition: self.edition.clone(),
            languages: self.languages.clone(),
            references: self.references.clone(),
            rules: self.rules.clone(),
            fingerprints: self.fingerprints.clone(),
            older: Vec::new(),
        }
    }
}

/// Beside a standard's language folders: one folder per older edition,
/// each laid out like the standard's own folder (docs/content-format.md).
pub const EDITIONS_DIR: &str = "editions";

/// All sources of one edition of a standard: its Markdown files per
/// language, in reading order.
pub struct StandardSources {
    pub slug: String,
    pub dir: PathBuf,
    /// The folder name below `editions/` of an older edition; `None` for the
    /// current edition, the standard's own folder.
    pub edition: Option<String>,
    pub languages: BTreeMap<String, Vec<SourceFile>>,
    /// `references.yaml`: explicit references and suppressed phrases.
    pub references: Option<SourceFile>,
    /// `rules.yaml`: the grading rules, if the standard is graded.
    pub rules: Option<SourceFile>,
    /// Per translation language, its fingerprints file if it has one.
    pub fingerprints: BTreeMap<String, SourceFile>,
    /// The current edition's older editions (`editions/<id>/`), by folder name.
    pub older: Vec<StandardSources>,
}

pub struct Theme {
    pub dir: PathBuf,
    /// Template name (path below `templates/`, with `/`) and text.
    pub templates: Vec<(String, String)>,
    /// Path below `static/` and bytes; copied to the output as they are.
    pub static_files: Vec<(String, Vec<u8>)>,
    /// UI strings per language, from `i18n/<lang>.yaml`.
    pub strings: BTreeMap<String, (PathBuf, String)>,
}

pub struct Sources {
    pub root: PathBuf,
    pub config: Config,
    pub standards: Vec<StandardSources>,
    /// `content/termbase.yaml`, if the site has one.
    pub termbase: Option<SourceFile>,
    pub theme: Theme,
}

/// Reads the site at `root`.
pub fn load(root: &Path) -> Result<Sources, Diagnostics> {
    let mut diags = Diagnostics::new();
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let standards = load_standards(
        &root.join(&config.content_dir),
        &config.default_language,
        &mut diags,
    );
    let termbase_path = root.join(&config.content_dir).join(TERMBASE_FILE);
    let termbase = read_optional(&termbase_path, &mut diags);
    let theme = load_theme(
        &root.join(&config.themes_dir).join(&config.theme),
        &mut diags,
    );
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Sources {
        root: root.to_path_buf(),
        config,
        standards,
        termbase,
        theme,
    })
}

/// The largest registry file read: a roster of thousands of people fits
/// well inside it; a bigger file is an error rather than seconds of
/// parsing and gigabytes of memory.
pub const MAX_REGISTRY_FILE: u64 = 2 * 1024 * 1024;
/// The largest Markdown, YAML or template file read from `content/` or a
/// theme (the longest bundled standard is about 120 KB).
pub const MAX_SOURCE_FILE: u64 = 8 * 1024 * 1024;

/// What a folder holds, sorted by path: regular files and folders. Anything
/// else (a symbolic link, a device, a socket) is an error that names the
/// entry and is skipped, so a source can never make the build read a file
/// outside the site.
pub struct Entries {
    pub files: Vec<PathBuf>,
    pub folders: Vec<PathBuf>,
}

pub fn entries(dir: &Path, diags: &mut Diagnostics) -> Entries {
    let mut out = Entries {
        files: Vec::new(),
        folders: Vec::new(),
    };
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) => {
            diags.push(
                Diagnostic::error(Location::file(dir), format!("cannot read folder: {e}"))
                    .with_hint("check that the folder exists and is readable"),
            );
            return out;
        }
    };
    for entry in listing {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Location::file(dir),
                    format!("cannot read folder: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        // `file_type` does not follow symbolic links.
        match entry.file_type() {
            Ok(t) if t.is_file() => out.files.push(path),
            Ok(t) if t.is_dir() => out.folders.push(path),
            Ok(t) => diags.push(irregular(&path, t.is_symlink())),
            Err(e) => diags.push(Diagnostic::error(
                Location::file(&path),
                format!("cannot read: {e}"),
            )),
        }
    }
    out.files.sort();
    out.folders.sort();
    out
}

/// The error for an entry of a source folder that is neither a regular
/// file nor a folder (a symbolic link when `link`).
pub fn irregular(path: &Path, link: bool) -> Diagnostic {
    let what = if link {
        "a symbolic link"
    } else {
        "not a regular file or folder"
    };
    Diagnostic::error(
        Location::file(path),
        format!(
            "`{}` is {what}; sources must be regular files inside the site",
            path.display()
        ),
    )
    .with_hint(
        "replace the link with the file itself (or remove it); dengji never follows links out of the site",
    )
}

/// The error for a source file of `len` bytes, over `limit`.
pub fn too_large(path: &Path, len: u64, limit: u64) -> Diagnostic {
    Diagnostic::error(
        Location::file(path),
        format!("file is {len} bytes, more than the limit of {limit} bytes for this kind of file"),
    )
    .with_hint("split the file, or check that it is the file you meant (see the README's Reliability section for the limits)")
}

/// Reads a source file of at most `limit` bytes as UTF-8. Invalid UTF-8 is
/// located at the first bad byte (line and column in characters).
pub fn read_source(path: &Path, limit: u64) -> Result<String, Diagnostic> {
    let meta = fs::symlink_metadata(path)
        .map_err(|e| Diagnostic::error(Location::file(path), format!("cannot read file: {e}")))?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            Location::file(path),
            format!(
                "`{}` is not a regular file; sources must be regular files inside the site",
                path.display()
            ),
        )
        .with_hint("replace the link with the file itself"));
    }
    if meta.len() > limit {
        return Err(too_large(path, meta.len(), limit));
    }
    // Read at most the limit, even if the file grows meanwhile.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes))
        .map_err(|e| Diagnostic::error(Location::file(path), format!("cannot read file: {e}")))?;
    text_of(path, bytes)
}

/// `bytes` as UTF-8 text without a leading byte order mark (which some
/// Windows editors write), or an error at the first invalid byte.
pub fn text_of(path: &Path, mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        let bad = e.as_bytes()[valid.len()];
        Diagnostic::error(
            Location::new(path, line, column),
            format!("file is not valid UTF-8: byte 0x{bad:02X} at byte offset {} cannot start or continue a character", valid.len()),
        )
        .with_hint("save the file as UTF-8 (if it was saved as GBK, convert it with `iconv -f GBK -t UTF-8`)")
    })
}

fn read_text(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    read_source(path, MAX_SOURCE_FILE)
        .map_err(|d| diags.push(d))
        .ok()
}

/// Reads a file that may be absent.
fn read_optional(path: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        _ => read_text(path, diags).map(|text| SourceFile {
            path: path.to_path_buf(),
            text,
        }),
    }
}

/// Warns about a file in a source folder that will not be read because of
/// its name, unless it is a README or a dotfile.
pub fn warn_ignored(path: &Path, wanted: &str, diags: &mut Diagnostics) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with('.') || name.eq_ignore_ascii_case("README.md") {
        return;
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hint = if extension.eq_ignore_ascii_case(wanted) {
        format!("rename it with a lowercase `.{wanted}` to have it read")
    } else {
        format!(
            "only `*.{wanted}` files are read here; move the file elsewhere if it is not a source"
        )
    };
    diags.push(
        Diagnostic::warning(Location::file(path), format!("`{name}` is ignored")).with_hint(hint),
    );
}

fn load_standards(
    content: &Path,
    normative_language: &str,
    diags: &mut Diagnostics,
) -> Vec<StandardSources> {
    let mut out = Vec::new();
    for dir in entries(content, diags).folders {
        let Some(slug) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if !is_slug(&slug) {
            diags.push(
                Diagnostic::error(
                    Location::file(&dir),
                    format!("standard folder `{slug}` is not a valid slug"),
                )
                .with_hint(
                    "use lowercase ASCII letters, digits and `-`; the folder name becomes the URL",
                ),
            );
            continue;
        }
        if let Some(standard) = load_edition(&dir, &slug, None, normative_language, diags) {
            out.push(standard);
        }
    }
    out
}

/// Lowercase ASCII letters, digits and `-`: a name that can be a URL segment.
fn is_slug(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One edition of a standard: its language folders, `references.yaml` and
/// `rules.yaml` in `dir`. For the current edition (`edition` is `None`)
/// the folder `editions/` holds the older ones, each loaded the same way.
fn load_edition(
    dir: &Path,
    slug: &str,
    edition: Option<&str>,
    normative_language: &str,
    diags: &mut Diagnostics,
) -> Option<StandardSources> {
    let mut languages = BTreeMap::new();
    let mut fingerprints = BTreeMap::new();
    let mut older = Vec::new();
    let standard_entries = entries(dir, diags);
    for lang_dir in standard_entries.folders {
        let Some(lang) = lang_dir
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if lang == EDITIONS_DIR && edition.is_none() {
            for edition_dir in entries(&lang_dir, diags).folders {
                let Some(id) = edition_dir.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !is_edition_id(id) {
                    diags.push(
                        Diagnostic::error(
                            Location::file(&edition_dir),
                            format!("edition folder `{id}` is not a valid edition name"),
                        )
                        .with_hint(
                            "name the folder after the edition's `edition:` label, using lowercase ASCII letters, digits, `-` and `.` (such as `2019` or `v1.1`); it becomes part of the URL",
                        ),
                    );
                    continue;
                }
                older.extend(load_edition(
                    &edition_dir,
                    slug,
                    Some(id),
                    normative_language,
                    diags,
                ));
            }
            continue;
        }
        let mut files = Vec::new();
        for path in entries(&lang_dir, diags).files {
            if path.extension().is_some_and(|e| e == "md") {
                if let Some(text) = read_text(&path, diags) {
                    files.push(SourceFile { path, text });
                }
            } else if path.file_name().is_some_and(|n| n == FINGERPRINTS_FILE) {
                if let Some(text) = read_text(&path, diags) {
                    fingerprints.insert(lang.clone(), SourceFile { path, text });
                }
            } else {
                warn_ignored(&path, "md", diags);
            }
        }
        if !files.is_empty() {
            languages.insert(lang, files);
        }
    }
    if !languages.contains_key(normative_language) {
        let what = match edition {
            Some(id) => format!("edition `{id}` of standard `{slug}`"),
            None => format!("standard `{slug}`"),
        };
        diags.push(
            Diagnostic::error(
                Location::file(dir),
                format!("{what} has no normative text (`{normative_language}/`)"),
            )
            .with_hint(format!(
                "put the normative text in {normative_language}/*.md inside the folder"
            )),
        );
        return None;
    }
    let mut references = None;
    let mut rules = None;
    for path in standard_entries.files {
        let slot = match path.file_name().and_then(|n| n.to_str()) {
            Some(REFERENCES_FILE) => &mut references,
            Some(RULES_FILE) => &mut rules,
            _ => continue,
        };
        *slot = read_text(&path, diags).map(|text| SourceFile { path, text });
    }
    Some(StandardSources {
        slug: slug.to_string(),
        dir: dir.to_path_buf(),
        edition: edition.map(str::to_string),
        languages,
        references,
        rules,
        fingerprints,
        older,
    })
}

/// An edition's folder name: lowercase ASCII letters, digits, `-` and `.`,
/// starting with a letter or digit.
pub fn is_edition_id(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// Every regular file below `dir` (none if it does not exist), sorted.
fn walk_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if fs::symlink_metadata(dir).is_err() {
        return Vec::new();
    }
    let found = entries(dir, diags);
    let mut out = found.files;
    for folder in found.folders {
        out.extend(walk_files(&folder, diags));
    }
    out.sort();
    out
}

fn relative_name(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn load_theme(dir: &Path, diags: &mut Diagnostics) -> Theme {
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(Location::file(dir), "theme folder not found")
                .with_hint("set `theme` in site.yaml to a folder under the themes folder (`themes_dir`, default themes/)"),
        );
    }
    let template_dir = dir.join("templates");
    let templates = walk_files(&template_dir, diags)
        .into_iter()
        .filter_map(|p| read_text(&p, diags).map(|t| (relative_name(&p, &template_dir), t)))
        .collect();
    let static_dir = dir.join("static");
    let static_files = walk_files(&static_dir, diags)
        .into_iter()
        .filter_map(|p| match fs::read(&p) {
            Ok(bytes) => Some((relative_name(&p, &static_dir), bytes)),
            Err(e) => {
                diags.push(Diagnostic::error(
                    Location::file(&p),
                    format!("cannot read file: {e}"),
                ));
                None
            }
        })
        .collect();
    let i18n_dir = dir.join("i18n");
    let strings = walk_files(&i18n_dir, diags)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| {
            let lang = p.file_stem()?.to_str()?.to_string();
            read_text(&p, diags).map(|t| (lang, (p, t)))
        })
        .collect();
    Theme {
        dir: dir.to_path_buf(),
        templates,
        static_files,
        strings,
    }
}
