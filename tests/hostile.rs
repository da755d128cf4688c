//! Hostile input: what a careless or malicious contributor to the registry
//! (or to the site's configuration and content) can do to a build. Each
//! case asserts the exact outcome: a located error (file:line:column) or a
//! correct build; never a panic; after an error the previous `public/` is
//! byte-identical and no staging folder is left behind.
//!
//! The registry corpus is `tests/hostile/registry/`, its expected outcomes
//! `tests/hostile/cases.yaml`. Cases run on a small copy of the bundled
//! site (one standard, the theme) so that each build takes about a second.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rayon::prelude::*;
use serde::Deserialize;

/// A throwaway site: the theme, one standard and the given registry files,
/// with a previous build in `public/`.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new(registry: &[(&str, &[u8])]) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = common::repo_root();
        copy_tree(&repo.join("themes"), &dir.path().join("themes"));
        copy_tree(
            &repo.join("content/ccrc-isv-c01"),
            &dir.path().join("content/ccrc-isv-c01"),
        );
        fs::copy(
            repo.join("content/termbase.yaml"),
            dir.path().join("content/termbase.yaml"),
        )
        .expect("termbase");
        fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).expect("site.yaml");
        fs::create_dir(dir.path().join("registry")).expect("registry");
        let site = Site { dir };
        // The previous build, made from a valid registry.
        site.write(
            "registry/guifan-cyber.yaml",
            &fs::read(repo.join("registry/guifan-cyber.yaml")).expect("read"),
        );
        let first = site.run(&["build"]);
        assert!(first.status.success(), "{}", stderr(&first));
        fs::remove_file(site.path("registry/guifan-cyber.yaml")).expect("rm");
        for (name, bytes) in registry {
            site.write(&format!("registry/{name}"), bytes);
        }
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, bytes).expect("write");
    }

    fn run(&self, args: &[&str]) -> Output {
        common::dengji(self.root(), args)
    }

    /// Every file of the site's folder outside the sources, with its bytes.
    fn outputs(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        for entry in fs::read_dir(self.root()).expect("dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("public") {
                collect(&entry.path(), self.root(), &mut out);
            }
        }
        out
    }

    /// The site's folder names beside the sources (public, leftovers).
    fn output_folders(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.root())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("public"))
            .collect();
        names.sort();
        names
    }

    /// Runs `args`, which must fail with an error at `at` (`file:line:col`)
    /// that says `says`, leaving the previous build as it was.
    fn assert_rejected(&self, args: &[&str], at: &str, says: &str) {
        let before = self.outputs();
        let output = self.run(args);
        let err = stderr(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?} must fail cleanly:\n{err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("{at}: error: ")) && l.contains(says)),
            "expected `{at}: error: …{says}…` in:\n{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            self.outputs() == before,
            "{args:?}: the previous site must be untouched"
        );
        assert_eq!(self.output_folders(), ["public"], "nothing left behind");
    }
}

/// The 1-based number of the first line of `text` that starts with `prefix`.
fn line_starting(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix}"))
        + 1
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn collect(path: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    if path.is_dir() {
        for entry in fs::read_dir(path).expect("dir").flatten() {
            collect(&entry.path(), base, out);
        }
    } else {
        let rel = path.strip_prefix(base).unwrap_or(path).to_path_buf();
        out.insert(rel, fs::read(path).expect("read"));
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expected {
    Ok(String),
    Error { error: String, says: String },
}

fn corpus_dir() -> PathBuf {
    common::repo_root().join("tests/hostile")
}

#[test]
fn every_registry_case_has_its_exact_outcome() {
    let manifest_path = corpus_dir().join("cases.yaml");
    let manifest: BTreeMap<String, Expected> = dengji::yaml::from_file_text(
        &fs::read_to_string(&manifest_path).expect("cases.yaml"),
        &manifest_path,
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let mut files: Vec<String> = fs::read_dir(corpus_dir().join("registry"))
        .expect("corpus")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let listed: Vec<String> = manifest.keys().cloned().collect();
    assert_eq!(files, listed, "every corpus file has one expected outcome");

    manifest.par_iter().for_each(|(file, expected)| {
        let bytes = fs::read(corpus_dir().join("registry").join(file)).expect("case");
        let site = Site::new(&[("case.yaml", &bytes)]);
        match expected {
            Expected::Error { error, says } => {
                site.assert_rejected(&["build"], &format!("registry/case.yaml:{error}"), says);
                // `check` finds the same, and writes nothing either.
                site.assert_rejected(&["check"], &format!("registry/case.yaml:{error}"), says);
            }
            Expected::Ok(word) => {
                assert_eq!(word, "ok", "{file}: `ok` or {{error, says}}");
                let output = site.run(&["build"]);
                assert!(output.status.success(), "{file}:\n{}", stderr(&output));
                assert_no_markup_injected(&site, file);
            }
        }
    });
}

/// Registry text reaches pages only as text: no page or feed contains the
/// markup the corpus plants, and no file is written outside `public/`.
fn assert_no_markup_injected(site: &Site, case: &str) {
    let outputs = site.outputs();
    assert!(
        outputs.keys().all(|p| p.starts_with("public")),
        "{case}: files outside public/: {:?}",
        outputs
            .keys()
            .filter(|p| !p.starts_with("public"))
            .collect::<Vec<_>>()
    );
    for (path, bytes) in &outputs {
        let is_markup = path.extension().is_some_and(|e| e == "html" || e == "xml");
        if !is_markup {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for planted in [
            "<script>alert",
            "<img src=x",
            "href=\"javascript:",
            "src=\"javascript:",
        ] {
            assert!(
                !text.contains(planted),
                "{case}: {} contains `{planted}`",
                path.display()
            );
        }
    }
}

#[test]
fn certificate_numbers_cannot_leave_the_verification_folder() {
    let bytes = fs::read(corpus_dir().join("registry/number-traversal.yaml")).expect("case");
    let site = Site::new(&[("case.yaml", &bytes)]);
    let output = site.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(site.path("public/verify/ETC-PASSWD/index.html").is_file());
    assert!(!site.path("etc").exists());
}

#[test]
fn odd_file_names_are_errors_or_warnings_never_silence() {
    let valid = fs::read(common::repo_root().join("registry/guifan-cyber.yaml")).expect("read");
    for (name, at, says) in [
        (
            "a b.yaml",
            "registry/a b.yaml:1:1",
            "not a valid organisation id",
        ),
        (
            "中文.yaml",
            "registry/中文.yaml:1:1",
            "not a valid organisation id",
        ),
        (
            "-x.yaml",
            "registry/-x.yaml:1:1",
            "not a valid organisation id",
        ),
        (
            "Upper.yaml",
            "registry/Upper.yaml:1:1",
            "not a valid organisation id",
        ),
        // The directory's listing by region lives at `registry/region/`.
        (
            "region.yaml",
            "registry/region.yaml:1:1",
            "`region` is reserved",
        ),
        ("page.yaml", "registry/page.yaml:1:1", "`page` is reserved"),
    ] {
        let site = Site::new(&[(name, &valid)]);
        site.assert_rejected(&["build"], at, says);
    }
    // Not read, and said so.
    for (name, says) in [
        ("guifan-cyber.YAML", "rename it with a lowercase `.yaml`"),
        ("guifan-cyber.json", "only `*.yaml` files are read here"),
    ] {
        let site = Site::new(&[(name, &valid)]);
        let output = site.run(&["check"]);
        let err = stderr(&output);
        assert!(output.status.success(), "{err}");
        assert!(
            err.contains(&format!(
                "registry/{name}:1:1: warning: `{name}` is ignored"
            )) && err.contains(says),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_refused_and_never_echoed() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secrets.txt");
    fs::write(
        &secret,
        "aws_secret_access_key: AKIAEXAMPLESECRET\nline two\n",
    )
    .expect("w");
    let valid_elsewhere = outside.path().join("org.yaml");
    fs::copy(
        common::repo_root().join("registry/guifan-cyber.yaml"),
        &valid_elsewhere,
    )
    .expect("copy");
    for target in [&secret, &valid_elsewhere] {
        let site = Site::new(&[]);
        std::os::unix::fs::symlink(target, site.path("registry/linked.yaml")).expect("link");
        for format in [&["build"][..], &["--message-format", "json", "build"][..]] {
            let before = site.outputs();
            let output = site.run(format);
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                stderr(&output)
            );
            assert_eq!(output.status.code(), Some(1), "{all}");
            assert!(all.contains("linked.yaml"), "the link is named:\n{all}");
            assert!(all.contains("symbolic link"), "{all}");
            assert!(
                !all.contains("AKIAEXAMPLESECRET"),
                "the target is not echoed:\n{all}"
            );
            assert!(
                !all.contains(&outside.path().display().to_string()),
                "{all}"
            );
            assert!(site.outputs() == before);
        }
    }
    // A linked standard folder or Markdown file is refused the same way.
    let site = Site::new(&[]);
    let md = site.path("content/ccrc-isv-c01/zh/00-standard.md");
    let moved = outside.path().join("standard.md");
    fs::rename(&md, &moved).expect("move");
    std::os::unix::fs::symlink(&moved, &md).expect("link");
    site.assert_rejected(
        &["build"],
        "content/ccrc-isv-c01/zh/00-standard.md:1:1",
        "is a symbolic link",
    );
}

#[test]
fn a_registry_file_above_the_size_limit_is_refused_quickly() {
    let mut big = fs::read(corpus_dir().join("registry/crlf.yaml")).expect("case");
    let filler = b"# padding padding padding padding padding padding padding padding\n";
    while big.len() as u64 <= dengji::load::MAX_REGISTRY_FILE {
        big.extend_from_slice(filler);
    }
    let site = Site::new(&[("case.yaml", &big)]);
    site.assert_rejected(&["build"], "registry/case.yaml:1:1", "more than the limit");
}

#[test]
fn the_output_folder_can_never_replace_the_sources() {
    for (output_dir, says) in [
        ("content", "overlaps `content_dir`"),
        ("registry", "overlaps `registry_dir`"),
        ("themes/default", "overlaps `themes_dir`"),
        (".", "is the site folder or contains it"),
        ("..", "is the site folder or contains it"),
        ("content/../public/../registry", "overlaps `registry_dir`"),
        ("/tmp", "is the site folder or contains it"),
    ] {
        let site = Site::new(&[]);
        let config = fs::read_to_string(site.path("site.yaml")).expect("read");
        let line = line_starting(&config, "output_dir:");
        site.write(
            "site.yaml",
            config
                .replace(
                    "output_dir: public",
                    &format!("output_dir: \"{output_dir}\""),
                )
                .as_bytes(),
        );
        let sources_before: BTreeMap<PathBuf, Vec<u8>> = {
            let mut m = BTreeMap::new();
            collect(&site.path("content"), site.root(), &mut m);
            collect(&site.path("themes"), site.root(), &mut m);
            m
        };
        site.assert_rejected(&["build"], &format!("site.yaml:{line}:13"), says);
        site.assert_rejected(&["check"], &format!("site.yaml:{line}:13"), says);
        let mut sources_after = BTreeMap::new();
        collect(&site.path("content"), site.root(), &mut sources_after);
        collect(&site.path("themes"), site.root(), &mut sources_after);
        assert!(
            sources_before == sources_after,
            "{output_dir}: sources intact"
        );
    }
}

#[test]
fn a_script_url_as_base_url_is_refused() {
    let site = Site::new(&[]);
    let line = common::set_line(
        site.root(),
        "site.yaml",
        "base_url:",
        "base_url: \"javascript:alert(1)//\"",
    );
    site.assert_rejected(
        &["build"],
        &format!("site.yaml:{line}:11"),
        "scheme `javascript`",
    );
}

#[test]
fn every_page_carries_a_strict_content_security_policy() {
    // The bundled site has every kind of page.
    let pages: Vec<(&String, &Vec<u8>)> = common::bundled_site()
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    assert!(pages.len() > 500, "{} pages", pages.len());
    for (path, bytes) in pages {
        let html = String::from_utf8_lossy(bytes);
        let doc = scraper::Html::parse_document(&html);
        let selector =
            scraper::Selector::parse(r#"head meta[http-equiv="Content-Security-Policy"]"#)
                .expect("selector");
        let policy = doc
            .select(&selector)
            .next()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_else(|| panic!("{path} has no CSP"));
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe"), "{policy}");
        // The policy allows no inline script or style, so the pages have none.
        let inline = scraper::Selector::parse("script:not([src]), style, [style]").expect("sel");
        assert!(
            doc.select(&inline).next().is_none(),
            "{path} has inline script or style"
        );
        let handlers = html.contains(" onclick=") || html.contains(" onload=");
        assert!(!handlers, "{path} has an inline event handler");
    }
}

#[test]
fn bad_formulas_and_templates_are_located() {
    let site = Site::new(&[]);
    let md = site.path("content/ccrc-isv-c01/zh/00-standard.md");
    let text = fs::read_to_string(&md).expect("read");
    let line = line_starting(&text, "# 2.");
    let broken = text.replacen("# 2.", "本条 $a^b^c$ 无效。\n\n# 2.", 1);
    fs::write(&md, broken).expect("write");
    site.assert_rejected(
        &["build"],
        &format!("content/ccrc-isv-c01/zh/00-standard.md:{line}:4"),
        "cannot be typeset",
    );
    fs::write(&md, text).expect("restore");

    let template = site.path("themes/default/templates/organisation.html");
    let original = fs::read_to_string(&template).expect("read");
    let (line, column) = original
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("{{ t.org_website }}").map(|c| (i + 1, c + 1)))
        .expect("website label");
    fs::write(
        &template,
        original.replace(
            "{{ t.org_website }}",
            "{{ t.org_website | no_such_filter }}",
        ),
    )
    .expect("write");
    site.assert_rejected(
        &["build"],
        &format!(
            "themes/default/templates/organisation.html:{line}:{}",
            column + "{{ t.org_website | ".len()
        ),
        "Unknown filter `no_such_filter`",
    );
}

#[test]
fn invalid_utf8_in_content_is_located_at_the_byte() {
    let site = Site::new(&[]);
    let md = site.path("content/ccrc-isv-c01/zh/00-standard.md");
    let text = fs::read_to_string(&md).expect("read");
    let line = line_starting(&text, "# 2.");
    let mut bytes = text.replacen("# 2.", "# 2.\u{0}", 1).into_bytes();
    let nul = bytes.iter().position(|b| *b == 0).expect("marker");
    bytes[nul] = 0xC3; // a lead byte followed by an ASCII space: invalid
    fs::write(&md, bytes).expect("write");
    site.assert_rejected(
        &["build"],
        &format!("content/ccrc-isv-c01/zh/00-standard.md:{line}:5"),
        "not valid UTF-8",
    );
}

#[cfg(unix)]
#[test]
fn a_killed_build_keeps_the_previous_site_and_the_next_build_cleans_up() {
    use std::time::{Duration, Instant};
    // Enough organisations that the build is still writing when killed.
    let site = Site::new(&[]);
    let generated = tempfile::tempdir().expect("tempdir");
    let out = generated.path().join("site");
    let gen_output = common::dengji(
        &common::repo_root(),
        &[
            "generate",
            "--count",
            "400",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert!(gen_output.status.success(), "{}", stderr(&gen_output));
    fs::remove_dir_all(site.path("registry")).expect("rm");
    copy_tree(&out.join("registry"), &site.path("registry"));
    fs::remove_dir_all(site.path("content")).expect("rm");
    copy_tree(&out.join("content"), &site.path("content"));
    let before = site.outputs();

    let mut child = Command::new(env!("CARGO_BIN_EXE_dengji"))
        .env("SOURCE_DATE_EPOCH", "1795219200")
        .arg("--root")
        .arg(site.root())
        .args(["--quiet", "build"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let staging = site.path(&format!("public.new-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(120);
    // Kill it once it has written part of the new site.
    loop {
        let written = fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
        if written >= 3 || Instant::now() > deadline {
            break;
        }
        if child.try_wait().expect("wait").is_some() {
            panic!("the build finished before it could be killed; give it more to do");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    assert!(staging.is_dir(), "the killed build left its staging folder");
    assert!(
        site.outputs()
            .iter()
            .filter(|(p, _)| p.starts_with("public/"))
            .eq(before.iter().filter(|(p, _)| p.starts_with("public/")))
    );

    // The next build, even one that fails, clears what the dead one left.
    site.write("registry/zz-broken.yaml", b"names: [\n");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    fs::remove_file(site.path("registry/zz-broken.yaml")).expect("rm");
    let output = site.run(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(site.output_folders(), ["public"]);
}

/// A disk that fills up midway: the build fails with a message, the
/// previous site stays. Uses a small tmpfs where the machine allows one
/// (root with mount rights, as in CI), and otherwise injects the write
/// error through the same staging code the build uses.
#[test]
fn a_full_disk_fails_the_build_and_keeps_the_previous_site() {
    let site = Site::new(&[(
        "guifan-cyber.yaml",
        &fs::read(common::repo_root().join("registry/guifan-cyber.yaml")).expect("read"),
    )]);
    let used: u64 = {
        let mut all = BTreeMap::new();
        collect(site.root(), site.root(), &mut all);
        all.values().map(|b| b.len() as u64 + 4096).sum()
    };
    let mount_point = tempfile::tempdir().expect("tempdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o"])
        .arg(format!("size={}k", used / 1024 + 512))
        .arg("tmpfs")
        .arg(mount_point.path())
        .output()
        .is_ok_and(|o| o.status.success());
    if mounted {
        let root = mount_point.path().join("site");
        copy_tree(site.root(), &root);
        // A new address changes every page, so the build must write the
        // whole site again (an unchanged page is not rewritten).
        let config = fs::read_to_string(root.join("site.yaml")).expect("site.yaml");
        let moved = config.replace(
            "base_url: https://registry.example.org/",
            "base_url: https://mirror.example.org/",
        );
        assert_ne!(config, moved, "site.yaml sets base_url");
        fs::write(root.join("site.yaml"), moved).expect("site.yaml");
        let before = outputs_of(&root);
        let output = common::dengji(&root, &["build"]);
        let err = stderr(&output);
        let after = outputs_of(&root);
        let leftovers = fs::read_dir(&root)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with("public."))
                    .count()
            })
            .unwrap_or(0);
        let _ = Command::new("umount").arg(mount_point.path()).status();
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(err.contains("the previous site is unchanged"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(before == after, "the previous site is byte-identical");
        assert_eq!(leftovers, 0, "the staging folder is removed");
        eprintln!("full disk: exercised on a tmpfs");
    } else {
        eprintln!("full disk: no tmpfs here; injecting the write error instead");
    }
    // Always: a write error inside the staging folder.
    let out = site.path("public");
    let before = site.outputs();
    let mut analysis = dengji::analyse(site.root(), common::as_of()).expect("analyse");
    let staging = dengji::write::Staging::new(&out).expect("staging");
    let failing = FailAfter {
        inner: &staging,
        left: std::sync::atomic::AtomicUsize::new(20),
    };
    let result = dengji::render_analysis(
        site.root(),
        &mut analysis,
        common::reproducible(),
        &failing,
        None,
    );
    assert!(result.is_err(), "the write error is reported");
    drop(staging);
    assert!(site.outputs() == before);
    assert_eq!(site.output_folders(), ["public"]);
}

fn outputs_of(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if root.join("public").is_dir() {
        collect(&root.join("public"), root, &mut out);
    }
    out
}

/// An output that fails with "no space" after a number of files.
struct FailAfter<'a> {
    inner: &'a dyn dengji::render::Output,
    left: std::sync::atomic::AtomicUsize,
}

impl dengji::render::Output for FailAfter<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        use std::sync::atomic::Ordering;
        if self.left.fetch_sub(1, Ordering::SeqCst) == 0 {
            self.left.store(0, Ordering::SeqCst);
            return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
        }
        self.inner.put(path, bytes)
    }
}

#[test]
fn serve_answers_malformed_paths_without_panicking() {
    use std::io::Read;
    let site = Site::new(&[]);
    let port = common::free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_dengji"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", &port.to_string(), "--quiet"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while common::get(port, "/").is_none() {
        assert!(std::time::Instant::now() < deadline, "serve did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    for path in [
        "/%中",
        "/%",
        "/%%",
        "/%2",
        "/%G1",
        "/%FF",
        "/%E4%B8",
        "/%C0%AF",
        "/a%2中/",
        "/..%2F..%2Fetc%2Fpasswd",
        "/%00",
        "/standards/%E4%B8%AD/",
    ] {
        let (status, body) =
            common::get(port, path).unwrap_or_else(|| panic!("no answer to {path}"));
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("root:x:0:0"), "{path}");
    }
    // Still serving.
    assert_eq!(common::get(port, "/").map(|(status, _)| status), Some(200));
    server.kill().expect("kill");
    let mut err = String::new();
    if let Some(mut e) = server.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let _ = server.wait();
    assert!(!err.contains("panicked"), "{err}");
}
