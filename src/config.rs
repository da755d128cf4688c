//! Site configuration (`site.yaml` at the site root).

use std::path::{Component, Path, PathBuf};

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
    /// canonical links, the sitemap, the feeds, the CSV files and the JSON
    /// API. The default, a loopback address, suits `serve` only (which sets
    /// its own): `build` warns while it is one.
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
    /// The folder holding the themes, relative to the site folder; it may
    /// lie outside it, so that several sites (the examples) share one.
    #[serde(default = "default_themes_dir")]
    pub themes_dir: PathBuf,
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
fn default_themes_dir() -> PathBuf {
    "themes".into()
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
        let text = crate::load::read_source(&path, crate::load::MAX_SOURCE_FILE).map_err(|d| {
            if d.message.starts_with("cannot read") {
                d.with_hint(
                    "run dengji in the site folder (the one with site.yaml), or pass --root",
                )
            } else {
                d
            }
        })?;
        let mut config: Config = yaml::from_file_text(&text, &path)?;
        let at = |key: &str| yaml::location_of(&path, &text, &[key.into()]);
        config.base_url = check_base_url(&config.base_url).map_err(|message| {
            Diagnostic::error(at("base_url"), message).with_hint(
                "write the absolute http(s) address the site is published at, e.g. `https://example.org/registry/`",
            )
        })?;
        check_folders(root, &config)
            .map_err(|(key, message, hint)| Diagnostic::error(at(key), message).with_hint(hint))?;
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

/// Parses a web address that will be published as a link: an absolute
/// `http`/`https` URL with a host and no user name or password. Anything
/// else (`javascript:`, `data:`, a relative path) could run script or
/// mislead a reader. `what` names the value in the message.
pub fn parse_web_url(text: &str, what: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim())
        .map_err(|e| format!("{what} `{text}` is not an absolute web address: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{what} `{text}` has the scheme `{}`; only http and https addresses are published",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{what} `{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{what} `{text}` carries a user name or password, which would be published"
        ));
    }
    Ok(url)
}

/// Is `base_url` an address of this computer (localhost, 127.0.0.0/8,
/// ::1, 0.0.0.0)? Links built on it lead nowhere once the site is
/// published.
pub fn is_loopback(base_url: &str) -> bool {
    let Ok(url) = url::Url::parse(base_url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
        None => false,
    }
}

/// The warning `build` and `check` give when the site would be published
/// with a loopback `base_url` (from site.yaml or `--base-url`); `None`
/// otherwise. Located at `base_url` in site.yaml when the file sets it.
pub fn loopback_warning(root: &Path, base_url: &str, from_flag: bool) -> Option<Diagnostic> {
    if !is_loopback(base_url) {
        return None;
    }
    let path = root.join(CONFIG_FILE);
    let location = if from_flag {
        Location::file(&path)
    } else {
        std::fs::read_to_string(&path).map_or(Location::file(&path), |text| {
            yaml::location_of(&path, &text, &["base_url".into()])
        })
    };
    Some(
        Diagnostic::warning(
            location,
            format!(
                "`base_url` is {base_url}, an address of this computer: the sitemap, feeds, CSV files, JSON API and canonical links of this build point there"
            ),
        )
        .with_hint(
            "set `base_url` in site.yaml to the address the site is published at, or pass `--base-url https://…/`; `serve` uses its own address",
        )
        .with_code(LOOPBACK_BASE_URL),
    )
}

/// Code of the loopback `base_url` warning.
pub const LOOPBACK_BASE_URL: &str = "base-url-loopback";

/// Parses a `base_url` given on the command line, as site.yaml's is.
pub fn base_url_flag(text: &str) -> Result<String, String> {
    check_base_url(text)
}

/// Parses `base_url`: a web address without query or fragment, returned
/// with a trailing slash.
fn check_base_url(text: &str) -> Result<String, String> {
    let url = parse_web_url(text, "`base_url`")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`base_url` `{text}` has a query or fragment; links are made by appending paths to it"
        ));
    }
    let mut text = url.to_string();
    if !text.ends_with('/') {
        text.push('/');
    }
    Ok(text)
}

/// What a bad folder setting is: the key, the message and the hint.
type FolderError = (&'static str, String, &'static str);

/// The output folder is replaced wholesale by every build, so it must not
/// be, contain or sit inside anything dengji reads (or the site root, or
/// the repository's `.git`); the sources must lie inside the site root.
/// Checked before anything is written.
fn check_folders(root: &Path, config: &Config) -> Result<(), FolderError> {
    let root_abs = resolve(root);
    let output = resolve(&root.join(&config.output_dir));
    let sources: [(&'static str, PathBuf); 5] = [
        ("content_dir", resolve(&root.join(&config.content_dir))),
        ("registry_dir", resolve(&root.join(&config.registry_dir))),
        ("themes_dir", resolve(&root.join(&config.themes_dir))),
        ("site.yaml", resolve(&root.join(CONFIG_FILE))),
        (".git", resolve(&root.join(".git"))),
    ];
    for (key, dir) in &sources[..2] {
        if !dir.starts_with(&root_abs) {
            return Err((
                key,
                format!("`{key}` `{}` is outside the site folder", dir.display()),
                "keep the sources inside the site folder (the one holding site.yaml)",
            ));
        }
    }
    let hint = "set `output_dir` to a folder of its own inside the site, such as `public`";
    let shown = config.output_dir.display();
    if root_abs.starts_with(&output) {
        return Err((
            "output_dir",
            format!(
                "`output_dir` `{shown}` is the site folder or contains it; every build replaces the output folder, which would delete the sources"
            ),
            hint,
        ));
    }
    if !output.starts_with(&root_abs) {
        return Err((
            "output_dir",
            format!("`output_dir` `{shown}` is outside the site folder"),
            hint,
        ));
    }
    for (name, source) in &sources {
        if source.starts_with(&output) || output.starts_with(source) {
            return Err((
                "output_dir",
                format!(
                    "`output_dir` `{shown}` overlaps `{name}` (`{}`); every build replaces the output folder, which would delete the sources",
                    source.display()
                ),
                hint,
            ));
        }
    }
    Ok(())
}

/// An absolute form of `path` with symbolic links of its existing part
/// resolved and `.`/`..` of the rest applied, so that two spellings of one
/// folder compare equal.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Canonicalise the longest prefix that exists; apply the rest lexically.
    let components: Vec<Component> = absolute.components().collect();
    for split in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..split].iter().collect();
        if let Ok(mut resolved) = std::fs::canonicalize(&prefix) {
            for component in &components[split..] {
                match component {
                    Component::ParentDir => {
                        resolved.pop();
                    }
                    Component::CurDir => {}
                    other => resolved.push(other),
                }
            }
            return resolved;
        }
    }
    absolute
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(config: &str) -> (tempfile::TempDir, Result<Config, Diagnostic>) {
        let dir = tempfile::tempdir().expect("tempdir");
        for folder in ["content", "registry", "themes"] {
            std::fs::create_dir(dir.path().join(folder)).expect("mkdir");
        }
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            format!("title: {{zh: 站}}\n{config}"),
        )
        .expect("write");
        let result = Config::load(dir.path());
        (dir, result)
    }

    #[test]
    fn a_loopback_base_url_is_told_apart_and_warned_at_its_line() {
        for url in [
            "http://127.0.0.1:1111/",
            "http://127.8.0.1/",
            "http://localhost:8080/site/",
            "http://app.localhost/",
            "http://[::1]:1111/",
            "http://0.0.0.0/",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://registry.example.org/",
            "https://10.0.0.1/",
            "https://localhost.example.com/",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
        // Unset, the default is a loopback address: warned at the file.
        let (dir, config) = site("");
        let config = config.expect("valid");
        let warning = loopback_warning(dir.path(), &config.base_url, false).expect("warned");
        assert_eq!(warning.location.line, 1);
        assert_eq!(warning.code, Some(LOOPBACK_BASE_URL));
        // Set, at its line.
        let (dir, config) = site("base_url: http://localhost:1111/\n");
        let config = config.expect("valid");
        let warning = loopback_warning(dir.path(), &config.base_url, false).expect("warned");
        assert_eq!((warning.location.line, warning.location.column), (2, 11));
        assert!(loopback_warning(dir.path(), "https://registry.example.org/", true).is_none());
    }

    #[test]
    fn output_may_not_overlap_sources_or_root() {
        for bad in [
            "content",
            "registry",
            "themes",
            ".",
            "..",
            "./content/",
            "content/x",
            "public/../registry",
            "site.yaml",
            ".git",
            "/tmp",
        ] {
            let (_dir, result) = site(&format!("output_dir: {bad}\n"));
            let err = match result {
                Err(e) => e,
                Ok(_) => panic!("output_dir {bad} was accepted"),
            };
            assert!(err.message.contains("output_dir"), "{bad}: {}", err.message);
            assert_eq!(err.location.line, 2, "{bad}: located at the key");
        }
        let (_dir, result) = site("output_dir: build/site\n");
        assert!(result.is_ok());
    }

    #[test]
    fn a_symlinked_output_into_the_sources_is_refused() {
        let (dir, _) = site("");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("out"))
                .expect("symlink");
            std::fs::write(
                dir.path().join(CONFIG_FILE),
                "title: {zh: 站}\noutput_dir: out\n",
            )
            .expect("write");
            assert!(Config::load(dir.path()).is_err());
        }
    }

    #[test]
    fn base_url_must_be_absolute_http() {
        for bad in [
            "\"javascript:alert(1)//\"",
            "data:text/html,x",
            "/relative/",
            "ftp://example.org/",
            "https://user:pw@example.org/",
            "https://example.org/?q=1",
            "\"http://\"",
        ] {
            let (_dir, result) = site(&format!("base_url: {bad}\n"));
            let err = result.err().unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(err.message.contains("base_url"), "{}", err.message);
            assert_eq!((err.location.line, err.location.column), (2, 11), "{bad}");
        }
        let (_dir, result) = site("base_url: https://example.org/sub\n");
        assert_eq!(result.expect("valid").base_url, "https://example.org/sub/");
    }
}
