//! The build cache as CI and maintainers rely on it: a rebuild renders
//! only what changed, and its output is byte for byte what a build
//! without the cache writes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::dengji;

/// Every file of a built site and its bytes.
fn files(output: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut folders = vec![output.to_path_buf()];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).expect("read output") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path
                    .strip_prefix(output)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned();
                all.insert(name, std::fs::read(&path).expect("read file"));
            }
        }
    }
    all
}

/// Runs `dengji build` and returns its progress output, failing the test
/// if the build fails.
fn build(root: &Path, extra: &[&str]) -> String {
    let mut args = extra.to_vec();
    args.push("build");
    let out = dengji(root, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "build failed:\n{stderr}");
    stderr
}

/// "(C changed, U unchanged, R removed)" of a build's summary.
fn changed(stderr: &str) -> usize {
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("wrote "))
        .unwrap_or_else(|| panic!("no summary in:\n{stderr}"));
    let open = summary.find('(').expect("counts") + 1;
    summary[open..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary}"))
}

/// "K of M organisations unchanged since the last run" of a build's output.
fn reused(stderr: &str) -> (usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.contains(" organisations unchanged since the last run"))
        .unwrap_or_else(|| panic!("no cache line in:\n{stderr}"));
    let numbers: Vec<usize> = line
        .split(' ')
        .filter_map(|w| w.parse().ok())
        .take(2)
        .collect();
    match numbers[..] {
        [k, m] => (k, m),
        _ => panic!("no counts in {line}"),
    }
}

fn assert_same_site(cached: &Path, fresh: &Path) {
    let (cached, fresh) = (files(cached), files(fresh));
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &cached {
        assert!(fresh.get(path) == Some(bytes), "{path} differs");
    }
}

const RENAMED: (&str, &str) = (
    "en: \"Daiyu Example Information Security Co., Ltd.\"",
    "en: \"Daiyu Renamed Example Information Security Co., Ltd.\"",
);

#[test]
fn a_rebuild_with_the_cache_writes_what_a_build_without_it_writes() {
    let cached = tempfile::tempdir().expect("tempdir");
    let fresh = tempfile::tempdir().expect("tempdir");
    for site in [cached.path(), fresh.path()] {
        common::copy_site(site);
    }
    let first = build(cached.path(), &[]);
    let count = reused(&first).1;
    assert!(count > 50, "{count} organisations");
    assert_eq!(reused(&first), (0, count));
    assert!(cached.path().join(".dengji-cache/organisations").is_file());
    // Nothing changed: every organisation comes from the cache, nothing
    // is written.
    let second = build(cached.path(), &[]);
    assert_eq!(reused(&second), (count, count));
    assert_eq!(changed(&second), 0);

    // One organisation renamed: its files change, and the listings that
    // name it, nothing else; the result is what a build without the cache
    // makes of the same sources.
    for site in [cached.path(), fresh.path()] {
        common::edit(site, "registry/daiyu-sec.yaml", RENAMED.0, RENAMED.1);
    }
    let third = build(cached.path(), &[]);
    assert_eq!(reused(&third), (count - 1, count));
    let rebuilt = changed(&third);
    assert!(rebuilt > 0 && rebuilt < 100, "{rebuilt} files changed");
    build(fresh.path(), &["--no-cache"]);
    assert!(!fresh.path().join(".dengji-cache").exists());
    assert_same_site(&cached.path().join("public"), &fresh.path().join("public"));
    let page = std::fs::read_to_string(
        cached
            .path()
            .join("public/en/registry/daiyu-sec/index.html"),
    )
    .expect("page");
    assert!(page.contains("Daiyu Renamed Example"));
}

#[test]
fn the_same_dengji_installed_again_keeps_the_cache() {
    // CI installs dengji afresh in every run: a new file, written now. The
    // cache must know it for the same program (by what it is built from),
    // or every CI build would be a full one.
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    build(site.path(), &[]);
    let installed = tempfile::tempdir().expect("tempdir");
    let copy = installed.path().join("dengji");
    std::fs::copy(env!("CARGO_BIN_EXE_dengji"), &copy).expect("copy dengji");
    let out = common::dengji_at(&copy, site.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "build failed:\n{stderr}");
    let (reused, count) = reused(&stderr);
    assert_eq!(reused, count, "every organisation from the cache");
    assert_eq!(changed(&stderr), 0);
}

#[test]
fn check_keeps_every_record_the_build_made() {
    // CI restores the cache, checks, then builds: a record check dropped
    // (it makes no search index, for one) would be made again by the build.
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    build(site.path(), &[]);
    let cache = site.path().join(".dengji-cache/organisations");
    let records = |text: String| {
        let mut lines: Vec<String> = text.lines().skip(1).map(str::to_string).collect();
        lines.sort();
        lines
    };
    let after_build = records(std::fs::read_to_string(&cache).expect("cache"));
    let out = dengji(site.path(), &["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after_check = records(std::fs::read_to_string(&cache).expect("cache"));
    assert_eq!(after_build.len(), after_check.len());
    assert!(
        after_build == after_check,
        "check changed the build's records"
    );
}

#[test]
fn a_published_file_changed_by_hand_is_not_trusted() {
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    build(site.path(), &[]);
    let page = site.path().join("public/registry/daiyu-sec/index.html");
    let original = std::fs::read(&page).expect("page");
    // Same size, other bytes: only the file's stamp tells.
    std::fs::write(&page, vec![b'x'; original.len()]).expect("overwrite");
    let (reused, count) = reused(&build(site.path(), &[]));
    assert_eq!(reused, count - 1, "all but the one whose page was changed");
    assert!(std::fs::read(&page).expect("page") == original);
}

#[test]
fn a_template_change_renders_every_organisation_again() {
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    build(site.path(), &[]);
    let template = "themes/default/templates/organisation.html";
    let text = std::fs::read_to_string(site.path().join(template)).expect("template");
    let marked = text.replacen("<article", "<!-- cache-test -->\n<article", 1);
    assert_ne!(marked, text, "organisation.html has an <article>");
    std::fs::write(site.path().join(template), marked).expect("template");
    assert_eq!(reused(&build(site.path(), &[])).0, 0);
    let registry = site.path().join("public/registry");
    let mut pages = 0;
    for entry in std::fs::read_dir(site.path().join("registry")).expect("registry") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(id) = name.strip_suffix(".yaml") else {
            continue;
        };
        let page = std::fs::read_to_string(registry.join(id).join("index.html"))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(
            page.contains("<!-- cache-test -->"),
            "{id} not rendered again"
        );
        pages += 1;
    }
    assert!(pages > 50, "{pages} organisation pages");

    // And a template that no longer renders fails `check`, warm cache or not.
    let broken = std::fs::read_to_string(site.path().join(template))
        .expect("template")
        .replacen("<!-- cache-test -->", "{{ org.no_such_field.deeper }}", 1);
    std::fs::write(site.path().join(template), broken).expect("template");
    let out = dengji(site.path(), &["check"]);
    assert!(!out.status.success(), "check passed a broken template");

    // A check after a build takes every organisation from the cache.
    std::fs::write(site.path().join(template), text).expect("template");
    build(site.path(), &[]);
    let out = dengji(site.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(reused(&stderr).0, pages);
}

/// The diagnostics a run printed (each with its hint), in order.
fn diagnostics(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains(": error:")
                || l.contains(": warning:")
                || l.contains(": info:")
                || l.trim_start().starts_with("hint:")
        })
        .collect()
}

#[test]
fn files_the_cache_vouches_for_report_as_a_run_without_it_does() {
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    // A certificate in force registered above its evidence: a warning.
    common::edit(
        site.path(),
        "registry/daiyu-sec.yaml",
        "level: 二级\n    number: CSI-2025-ZX-0194",
        "level: 四级\n    number: CSI-2025-ZX-0194",
    );
    let cold = build(site.path(), &["--no-cache"]);
    // A first run with the cache summarises each file as it loads it (and
    // reads it again to render it): it reports the same.
    let first = build(site.path(), &[]);
    // Unchanged files are not parsed again; their warnings are still
    // reported, the same, and `--strict` still fails on them.
    let warm = build(site.path(), &[]);
    let warnings = diagnostics(&cold);
    assert_eq!(diagnostics(&first), warnings);
    assert!(
        warnings
            .iter()
            .any(|l| l.contains("registry/daiyu-sec.yaml:") && l.contains("CSI-2025-ZX-0194")),
        "{cold}"
    );
    assert_eq!(diagnostics(&warm), warnings);
    let strict = dengji(site.path(), &["check", "--strict"]);
    assert!(!strict.status.success(), "strict passed with the cache");
    // They were told from the cache, not found again: a mark put into the
    // record shows in the next run, and a run without the cache has none.
    let cache_file = site.path().join(".dengji-cache/organisations");
    let records = std::fs::read_to_string(&cache_file).expect("cache file");
    let said = "registers 四级 (csi-grading";
    assert!(records.contains(said), "the finding is in the cache");
    std::fs::write(
        &cache_file,
        records.replace(said, "registers 四级 [from the cache] (csi-grading"),
    )
    .expect("cache file");
    let marked = dengji(site.path(), &["check"]);
    assert!(String::from_utf8_lossy(&marked.stderr).contains("[from the cache]"));
    let fresh = dengji(site.path(), &["check", "--no-cache"]);
    assert!(!String::from_utf8_lossy(&fresh.stderr).contains("[from the cache]"));
    std::fs::write(&cache_file, &records).expect("cache file");

    // A changed file that takes the certificate number of an unchanged
    // file after it: found across files as without the cache, reported at
    // the unchanged file (the second holder), at the same place.
    let daiyu =
        std::fs::read_to_string(site.path().join("registry/daiyu-sec.yaml")).expect("daiyu-sec");
    let number = daiyu
        .lines()
        .find_map(|l| l.trim().strip_prefix("number: "))
        .expect("a certificate number")
        .to_string();
    let other_file = "registry/beiming-cyber.yaml";
    let other_text = std::fs::read_to_string(site.path().join(other_file)).expect("other");
    let other_number = other_text
        .lines()
        .find_map(|l| l.trim().strip_prefix("number: "))
        .expect("its number")
        .to_string();
    common::edit(
        site.path(),
        other_file,
        &format!("number: {other_number}"),
        &format!("number: {number}"),
    );
    let with_cache = dengji(site.path(), &["check"]);
    let without = dengji(site.path(), &["check", "--no-cache"]);
    let (with_cache, without) = (
        String::from_utf8_lossy(&with_cache.stderr).into_owned(),
        String::from_utf8_lossy(&without.stderr).into_owned(),
    );
    let found = diagnostics(&without);
    assert!(
        found
            .iter()
            .any(|l| l.contains("daiyu-sec.yaml:") && l.contains(&number)),
        "{without}"
    );
    assert_eq!(diagnostics(&with_cache), found);
}

/// Replaces a published file's bytes by as many `x`s, keeping its size
/// and modification time: its stamp, which is all a build checks of a
/// file it keeps. Returns the original bytes.
fn blank_keeping_stamp(path: &Path) -> Vec<u8> {
    let original = std::fs::read(path).expect("published file");
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("modification time");
    std::fs::write(path, vec![b'x'; original.len()]).expect("overwrite");
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(modified))
        .expect("set modification time");
    original
}

#[test]
fn a_rebuild_renders_only_the_listings_that_show_a_changed_organisation() {
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    build(site.path(), &[]);
    let public = site.path().join("public");
    // Daiyu is registered in Shandong; Beijing's listing does not show it.
    let showing = public.join("registry/region/shandong/index.html");
    let other = public.join("registry/region/beijing/index.html");
    let numbers = public.join("verify/numbers/index.html");
    for (page, shows) in [(&showing, true), (&other, false), (&numbers, true)] {
        let html = std::fs::read_to_string(page).expect("listing");
        assert_eq!(
            html.contains("Daiyu") || html.contains("岱屿"),
            shows,
            "{page:?}"
        );
    }
    let others_original = blank_keeping_stamp(&other);
    blank_keeping_stamp(&showing);
    blank_keeping_stamp(&numbers);

    common::edit(site.path(), "registry/daiyu-sec.yaml", RENAMED.0, RENAMED.1);
    build(site.path(), &[]);
    // The listings that show the renamed organisation, and the number list
    // naming it, are made again; one that does not is left as published
    // (here, the blanked bytes its unchanged stamp vouches for).
    let en = |page: &Path| {
        let rel = page.strip_prefix(&public).expect("inside");
        std::fs::read_to_string(public.join("en").join(rel)).expect("English page")
    };
    assert!(en(&showing).contains("Daiyu Renamed Example"));
    assert!(en(&numbers).contains("Daiyu Renamed Example"));
    for page in [&showing, &numbers] {
        assert!(
            !std::fs::read(page).expect("page").starts_with(b"xxx"),
            "{page:?}"
        );
    }
    assert!(std::fs::read(&other).expect("page").starts_with(b"xxx"));

    // A build without the cache trusts no stamp and mends it.
    build(site.path(), &["--no-cache"]);
    assert!(std::fs::read(&other).expect("page") == others_original);
}

#[test]
fn documentation_and_the_standards_index_are_made_again_when_their_sources_change() {
    // Both are kept as published while the standards, the theme and the
    // settings are unchanged; what they are made from must still show.
    let site = tempfile::tempdir().expect("tempdir");
    common::copy_site(site.path());
    build(site.path(), &[]);
    common::edit(
        site.path(),
        "themes/default/templates/doc.html",
        "</article>",
        "<!-- doc-cache-test --></article>",
    );
    build(site.path(), &[]);
    for page in [
        "public/docs/api/index.html",
        "public/en/docs/api/index.html",
    ] {
        let html = std::fs::read_to_string(site.path().join(page)).expect(page);
        assert!(html.contains("<!-- doc-cache-test -->"), "{page} kept");
    }
    // A kept file removed from the output is made again.
    let manifest = site.path().join("public/search/standards/manifest.json");
    let published = std::fs::read(&manifest).expect("manifest");
    std::fs::remove_file(&manifest).expect("remove");
    std::fs::remove_file(site.path().join("public/docs/api/index.html")).expect("remove");
    build(site.path(), &[]);
    assert_eq!(std::fs::read(&manifest).expect("manifest again"), published);
    assert!(site.path().join("public/docs/api/index.html").is_file());
}
