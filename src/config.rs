//! Site configuration (`site.yaml` at the site root).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Location};
use crate::yaml;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site title per language code.
    pub title: LocalizedString,
    #[serde(default)]
    pub description: Option<LocalizedString>,
    /// Absolute URL the site is published at, with a trailing slash; used for
    /// canonical links and the sitemap.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The normative language; its pages live at the site root.
    #[serde(default = "default_language")]
    pub default_language: String,
    /// Languages pages are published in; the first is the default.
    #[serde(default = "default_languages")]
    pub languages: Vec<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default = "default_content_dir")]
    pub content_dir: PathBuf,
    #[serde(default = "default_registry_dir")]
    pub registry_dir: PathBuf,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LocalizedString {
    pub zh: String,
    #[serde(default)]
    pub en: Option<String>,
}

impl LocalizedString {
    pub fn get(&self, lang: &str) -> &str {
        match (lang, &self.en) {
            ("en", Some(en)) => en,
            _ => &self.zh,
        }
    }
}

fn default_base_url() -> String {
    "http://127.0.0.1:1111/".into()
}
fn default_language() -> String {
    "zh".into()
}
fn default_languages() -> Vec<String> {
    vec!["zh".into()]
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> PathBuf {
    "public".into()
}
fn default_content_dir() -> PathBuf {
    "content".into()
}
fn default_registry_dir() -> PathBuf {
    "registry".into()
}

impl Config {
    /// Reads `site.yaml` from `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(
                Location::file(&path),
                format!("cannot read site configuration: {e}"),
            )
            .with_hint("run dengji in the site folder (the one with site.yaml), or pass --root")
        })?;
        let mut config: Config = yaml::from_file_text(&text, &path)?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        if config.languages.first() != Some(&config.default_language) {
            return Err(Diagnostic::error(
                Location::file(&path),
                "the first of `languages` must be the `default_language`",
            )
            .with_hint("list the default language first, e.g. `languages: [zh, en]`"));
        }
        Ok(config)
    }
}
