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

/// All sources of one standard: its Markdown files per language, in reading order.
pub struct StandardSources {
    pub slug: String,
    pub dir: PathBuf,
    pub languages: BTreeMap<String, Vec<SourceFile>>,
    /// `references.yaml`: explicit references and suppressed phrases.
    pub references: Option<SourceFile>,
    /// Per translation language, its fingerprints file if it has one.
    pub fingerprints: BTreeMap<String, SourceFile>,
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
    let theme = load_theme(&root.join("themes").join(&config.theme), &mut diags);
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

fn read_dir_sorted(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            paths
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(Location::file(dir), format!("cannot read folder: {e}"))
                    .with_hint("check that the folder exists and is readable"),
            );
            Vec::new()
        }
    }
}

fn read_text(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
                diags.push(
                    Diagnostic::error(Location::new(path, line, 1), "file is not valid UTF-8")
                        .with_hint("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            diags.push(Diagnostic::error(
                Location::file(path),
                format!("cannot read file: {e}"),
            ));
            None
        }
    }
}

/// Reads a file that may be absent.
fn read_optional(path: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    path.is_file()
        .then(|| read_text(path, diags))
        .flatten()
        .map(|text| SourceFile {
            path: path.to_path_buf(),
            text,
        })
}

fn is_markdown(path: &Path) -> bool {
    path.is_file() && path.extension().is_some_and(|e| e == "md")
}

fn load_standards(
    content: &Path,
    normative_language: &str,
    diags: &mut Diagnostics,
) -> Vec<StandardSources> {
    let mut out = Vec::new();
    for dir in read_dir_sorted(content, diags) {
        if !dir.is_dir() {
            continue;
        }
        let Some(slug) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        if !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
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
        let mut languages = BTreeMap::new();
        let mut fingerprints = BTreeMap::new();
        for lang_dir in read_dir_sorted(&dir, diags) {
            if !lang_dir.is_dir() {
                continue;
            }
            let Some(lang) = lang_dir
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            let files: Vec<SourceFile> = read_dir_sorted(&lang_dir, diags)
                .into_iter()
                .filter(|p| is_markdown(p))
                .filter_map(|path| read_text(&path, diags).map(|text| SourceFile { path, text }))
                .collect();
            if let Some(file) = read_optional(&lang_dir.join(FINGERPRINTS_FILE), diags) {
                fingerprints.insert(lang.clone(), file);
            }
            if !files.is_empty() {
                languages.insert(lang, files);
            }
        }
        if !languages.contains_key(normative_language) {
            diags.push(
                Diagnostic::error(
                    Location::file(&dir),
                    format!("standard `{slug}` has no normative text (`{normative_language}/`)"),
                )
                .with_hint(format!(
                    "put the normative text in {normative_language}/*.md inside the standard's folder"
                )),
            );
            continue;
        }
        let references = read_optional(&dir.join(REFERENCES_FILE), diags);
        out.push(StandardSources {
            slug,
            dir,
            languages,
            references,
            fingerprints,
        });
    }
    out
}

fn walk_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for path in read_dir_sorted(dir, diags) {
        if path.is_dir() {
            out.extend(walk_files(&path, diags));
        } else {
            out.push(path);
        }
    }
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
                .with_hint("set `theme` in site.yaml to a folder under themes/"),
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
