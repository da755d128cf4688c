//! Stage: write the rendered site to disk, atomically, touching only what
//! changed.
//!
//! Pages are written as they are rendered into a fresh sibling folder (a
//! [`Staging`] area), so a large site never has to sit in memory whole. A
//! page whose bytes equal the file already published is not written at all.
//! Only when every page is rendered does [`Staging::commit`] publish: it
//! records its plan in the staging folder (the published files the new
//! site no longer has, and the changed files), deletes those files, and
//! moves the changed files into place. A build that fails before the
//! commit leaves the previous output untouched; one killed during the
//! commit is finished by the next build from the plan it left. The first
//! build (or an output holding anything but folders and regular files)
//! swaps the whole folder in.

use crate::lock;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use crate::render::{Output, Site, Stamp};

/// The commit's plan, put into the staging folder (written aside, synced,
/// then renamed, so a plan is there whole or not at all) before the commit
/// moves anything (no rendered path starts with a dot): its first line
/// [`PLAN_FORMAT`], then a line per published file to remove
/// (`remove <path>`) and per file to move into place (`move <path>`). Its
/// name is not the first format's ([`PLAN_V1`]), which an earlier dengji
/// would read as the list of files to keep.
const PLAN: &str = ".dengji-plan-2";
const PLAN_FORMAT: &str = "dengji-plan 2";
/// The plan of an earlier dengji: every file of the new site.
const PLAN_V1: &str = ".dengji-plan";
const REMOVE: &str = "remove";
const MOVE: &str = "move";

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!("{name}.{suffix}-{}", std::process::id()))
}

/// What a build did to the output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files written (new or changed).
    pub changed: usize,
    /// Files whose bytes were already published.
    pub unchanged: usize,
    /// Published files the new site no longer has.
    pub removed: usize,
}

/// A folder beside the output that changed pages are written into as they
/// are rendered; [`Staging::commit`] publishes them.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// The regular files of the previous output, their stamps and what
    /// this build did to each; `None` when there is none to update in
    /// place (the whole folder is swapped).
    previous: Option<HashMap<String, Published>>,
    /// Paths written to the staging folder that were not published (those
    /// that were are marked in `previous`; with no previous output only
    /// counted, as the whole folder is swapped in).
    added: Mutex<Vec<String>>,
    written: AtomicUsize,
    committed: bool,
}

/// A published file as a build finds it, and what the build did to it
/// (one of [`UNTOUCHED`], [`WRITTEN`], [`KEPT`]): a flag per file rather
/// than a set of paths, which would be the largest thing a rebuild holds.
struct Published {
    stamp: Stamp,
    fate: AtomicU8,
}

/// Not (yet) part of the new site: removed at the commit.
const UNTOUCHED: u8 = 0;
/// Part of the new site as it is.
const KEPT: u8 = 1;
/// Written again with other bytes: wins over [`KEPT`] (flags only rise),
/// whatever order two puts of one path come in.
const WRITTEN: u8 = 2;

impl Staging {
    /// Creates an empty staging folder for `output`, first finishing or
    /// clearing what builds that died left beside it.
    pub fn new(output: &Path) -> io::Result<Staging> {
        recover_from_dead_builds(output)?;
        let dir = sibling(output, "new");
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            previous: published_files(output),
            added: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Publishes what was written: in place when there is a previous
    /// output to update, else by moving the staging folder there.
    pub fn commit(mut self) -> io::Result<Written> {
        let added = std::mem::take(&mut *lock(&self.added));
        let Some(previous) = self.previous.take() else {
            self.swap()?;
            return Ok(Written {
                changed: self.written.load(Ordering::Relaxed),
                ..Written::default()
            });
        };
        // Published files the new site does not have, and those to move in.
        let fate = |p: &Published| p.fate.load(Ordering::Relaxed);
        let of = |wanted: u8| {
            previous
                .iter()
                .filter(move |(_, p)| fate(p) == wanted)
                .map(|(path, _)| path.as_str())
        };
        let mut removed: Vec<&str> = of(UNTOUCHED).collect();
        removed.sort_unstable();
        let mut written: Vec<&str> = of(WRITTEN)
            .chain(added.iter().map(String::as_str))
            .collect();
        written.sort_unstable();
        // A path put twice is moved once.
        written.dedup();
        let unchanged = of(KEPT).count();
        let mut text = format!("{PLAN_FORMAT}\n");
        for (verb, paths) in [(REMOVE, &removed), (MOVE, &written)] {
            for path in paths.iter() {
                text.push_str(verb);
                text.push(' ');
                text.push_str(path);
                text.push('\n');
            }
        }
        let unfinished = self.dir.join(format!("{PLAN}.part"));
        write_synced(&unfinished, text.as_bytes())?;
        fs::rename(&unfinished, self.dir.join(PLAN))?;
        fs::File::open(&self.dir)?.sync_all()?;
        // From here the plan finishes the commit if the build is killed.
        self.committed = true;
        finish_commit(&self.dir, &self.output, &removed, &written)?;
        Ok(Written {
            changed: written.len(),
            unchanged,
            removed: removed.len(),
        })
    }

    /// Replaces the output with the staging folder, keeping the previous
    /// output if the swap fails.
    fn swap(&mut self) -> io::Result<()> {
        let previous = sibling(&self.output, "old");
        if previous.exists() {
            fs::remove_dir_all(&previous)?;
        }
        if fs::symlink_metadata(&self.output).is_ok() {
            fs::rename(&self.output, &previous)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.output) {
            // Put the previous site back before reporting.
            if previous.exists() {
                let _ = fs::rename(&previous, &self.output);
            }
            return Err(e);
        }
        self.committed = true;
        if fs::symlink_metadata(&previous).is_ok() {
            remove_any(&previous)?;
        }
        Ok(())
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Whether `path` can be a file of the site: relative, not empty, without
/// `.` or `..` parts (a plan's paths are checked before use).
fn is_page_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Removes the published regular file `path`, if it still is one: when a
/// commit is finished again, a folder or file of the new site may be there
/// already, and is left alone.
fn remove_published_file(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => fs::remove_file(path),
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The regular files under `output` (relative, `/`-separated) and their
/// stamps; `None` when there is no output folder, or it holds a symbolic
/// link or anything else but folders and regular files (such an output is
/// replaced whole, so nothing is ever written through a link).
fn published_files(output: &Path) -> Option<HashMap<String, Published>> {
    if !fs::symlink_metadata(output).ok()?.is_dir() {
        return None;
    }
    let mut files = HashMap::new();
    let mut folders = vec![(output.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = folders.pop() {
        for entry in fs::read_dir(&dir).ok()? {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let path = format!("{prefix}{name}");
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                folders.push((entry.path(), format!("{path}/")));
            } else if kind.is_file() {
                let stamp = Stamp::of(&entry.metadata().ok()?)?;
                let fate = AtomicU8::new(UNTOUCHED);
                files.insert(path, Published { stamp, fate });
            } else {
                return None;
            }
        }
    }
    Some(files)
}

/// Deletes the published files `removed` and the folders left empty,
/// then moves each of `written` still in `staging` into place and removes
/// `staging`.
fn finish_commit(
    staging: &Path,
    output: &Path,
    removed: &[&str],
    written: &[&str],
) -> io::Result<()> {
    let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
    for path in removed.iter().filter(|p| is_page_path(p)) {
        let target = output.join(path);
        remove_published_file(&target)?;
        let mut parent = target.parent();
        while let Some(p) = parent.filter(|p| *p != output) {
            emptied.insert(p.to_path_buf());
            parent = p.parent();
        }
    }
    // Deepest first, so a folder is emptied before its parent is tried.
    for folder in emptied.iter().rev() {
        if fs::read_dir(folder).is_ok_and(|mut d| d.next().is_none()) {
            fs::remove_dir(folder)?;
        }
    }
    for path in written.iter().filter(|p| is_page_path(p)) {
        let from = staging.join(path);
        if fs::symlink_metadata(&from).is_err() {
            continue; // moved before a crash
        }
        let to = output.join(path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        if fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            fs::remove_dir_all(&to)?;
        }
        fs::rename(&from, &to)?;
    }
    fs::remove_dir_all(staging)
}

/// Finishes the commit a dead build's plan describes: its files to remove
/// and to move into place. A plan of the first format (left by an earlier
/// dengji) lists every file of the new site instead; the published files
/// it does not list are removed.
fn finish_planned_commit(staging: &Path, output: &Path, plan: &str) -> io::Result<()> {
    let mut lines = plan.lines().filter(|l| !l.is_empty());
    if plan.lines().next() == Some(PLAN_FORMAT) {
        lines.next();
        let (mut removed, mut written) = (Vec::new(), Vec::new());
        for line in lines {
            match line.split_once(' ') {
                Some((REMOVE, path)) => removed.push(path),
                Some((MOVE, path)) => written.push(path),
                // A plan is written whole before anything moves; an
                // unreadable line is left alone (the next build mends it).
                _ => {}
            }
        }
        return finish_commit(staging, output, &removed, &written);
    }
    let listed: HashSet<&str> = lines.collect();
    let published = published_files(output).unwrap_or_default();
    let mut removed: Vec<&str> = published
        .keys()
        .map(String::as_str)
        .filter(|p| !listed.contains(p))
        .collect();
    removed.sort_unstable();
    let mut written: Vec<&str> = listed.into_iter().collect();
    written.sort_unstable();
    finish_commit(staging, output, &removed, &written)
}

/// A build killed midway leaves `<output>.new-<pid>` (its unfinished
/// pages, or, once it began to commit, the rest of its changed files and
/// its plan) and possibly `<output>.old-<pid>` (the previous site, if it
/// died between the two renames of a whole-folder swap). For every such
/// folder whose process is gone: a commit that began is finished, the
/// previous site is put back if the output is missing, and the rest is
/// removed.
fn recover_from_dead_builds(output: &Path) -> io::Result<()> {
    let Some(name) = output.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(listing) = fs::read_dir(&parent) else {
        return Ok(());
    };
    let mut stale: Vec<(PathBuf, bool)> = Vec::new();
    for entry in listing.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&name) else {
            continue;
        };
        let (is_old, pid) = if let Some(pid) = rest.strip_prefix(".old-") {
            (true, pid)
        } else if let Some(pid) = rest.strip_prefix(".new-") {
            (false, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && !process_is_running(pid, &entry.path()) {
            stale.push((entry.path(), is_old));
        }
    }
    stale.sort();
    for (path, is_old) in stale {
        if is_old && fs::symlink_metadata(output).is_err() {
            fs::rename(&path, output)?;
        } else if let Some(plan) = [PLAN, PLAN_V1]
            .iter()
            .find_map(|name| fs::read_to_string(path.join(name)).ok())
            && fs::symlink_metadata(output).is_ok_and(|m| m.is_dir())
        {
            finish_planned_commit(&path, output, &plan)?;
        } else {
            fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// Whether the build that made `folder` may still be running.
fn process_is_running(pid: u32, folder: &Path) -> bool {
    if Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    // Without /proc, a folder untouched for a day belongs to no live build.
    let untouched = fs::metadata(folder)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    untouched.is_none_or(|age| age < std::time::Duration::from_secs(24 * 3600))
}

impl Output for Staging {
    /// The staging folder: the scratch file is unlinked at once, so it is
    /// never among the files published.
    fn scratch_dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let published = self.previous.as_ref().and_then(|p| p.get(path));
        // Same size first (no read for most changed files), then the bytes.
        if let Some(published) = published
            && published.stamp.size == bytes.len() as u64
            && fs::read(self.output.join(path)).is_ok_and(|old| old == bytes)
        {
            published.fate.fetch_max(KEPT, Ordering::Relaxed);
            return Ok(());
        }
        let target = self.dir.join(path);
        // A new folder is made when writing into it first fails.
        if let Err(e) = fs::write(&target, bytes) {
            match target.parent() {
                Some(parent) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir_all(parent)?;
                    fs::write(&target, bytes)?;
                }
                _ => return Err(e),
            }
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        match published {
            Some(published) => published.fate.store(WRITTEN, Ordering::Relaxed),
            None if self.previous.is_some() => lock(&self.added).push(path.to_string()),
            None => {}
        }
        Ok(())
    }

    /// Kept when every file is published with the stamp recorded: no
    /// build but dengji's writes there, and any write changes the stamp.
    fn keep(&self, files: &[(String, Option<Stamp>)]) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let published: Option<Vec<&Published>> = files
            .iter()
            .map(|(path, stamp)| {
                previous
                    .get(path)
                    .filter(|p| stamp.is_some() && Some(&p.stamp) == stamp.as_ref())
            })
            .collect();
        let Some(published) = published else {
            return false;
        };
        for p in published {
            p.fate.fetch_max(KEPT, Ordering::Relaxed);
        }
        true
    }

    /// The stamp of the published file when it was left as it was, else
    /// of the file written here (moving it into place keeps its stamp).
    fn stamp(&self, path: &str) -> Option<Stamp> {
        if let Some(published) = self.previous.as_ref().and_then(|p| p.get(path))
            && published.fate.load(Ordering::Relaxed) == KEPT
        {
            return Some(published.stamp);
        }
        Stamp::of(&fs::symlink_metadata(self.dir.join(path)).ok()?)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes a site held in memory to `output`, replacing what was there only
/// on success.
pub fn write_site(site: &Site, output: &Path) -> io::Result<Written> {
    let staging = Staging::new(output)?;
    for (path, bytes) in &site.files {
        staging.put(path, bytes)?;
    }
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site {
            files: files
                .iter()
                .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
                .collect(),
        }
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut left: Vec<String> = fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        left
    }

    #[test]
    fn replaces_previous_output_completely() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        write_site(&site(&[("a/index.html", "1"), ("old.html", "x")]), &out).expect("first");
        write_site(&site(&[("a/index.html", "2")]), &out).expect("second");
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).expect("read"),
            "2"
        );
        assert!(!out.join("old.html").exists());
        assert_eq!(leftovers(tmp.path()), ["public"], "staging is cleaned up");
    }

    #[test]
    fn only_changed_files_are_written_and_gone_ones_removed() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        let first = site(&[
            ("same/index.html", "kept"),
            ("edited/index.html", "one"),
            ("resized/index.html", "short"),
            ("gone/deep/index.html", "bye"),
            ("was-file", "file"),
        ]);
        write_site(&first, &out).expect("first");
        let inode = |p: &str| fs::metadata(out.join(p)).expect("meta").ino();
        let kept = inode("same/index.html");
        let edited = inode("edited/index.html");
        let second = site(&[
            ("same/index.html", "kept"),
            ("edited/index.html", "two"),
            ("resized/index.html", "much longer"),
            ("was-file/index.html", "now a folder"),
            ("new/index.html", "hello"),
        ]);
        let written = write_site(&second, &out).expect("second");
        assert_eq!(
            written,
            Written {
                changed: 4,
                unchanged: 1,
                removed: 2
            }
        );
        assert_eq!(
            inode("same/index.html"),
            kept,
            "an unchanged file is untouched"
        );
        assert_ne!(
            inode("edited/index.html"),
            edited,
            "a changed one is replaced"
        );
        for (path, text) in &second.files {
            assert_eq!(fs::read(out.join(path)).expect("read"), *text, "{path}");
        }
        assert!(!out.join("gone").exists(), "emptied folders go too");
        assert_eq!(leftovers(tmp.path()), ["public"]);
    }

    #[test]
    fn a_symbolic_link_in_the_output_is_replaced_not_written_through() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).expect("mkdir");
        write_site(&site(&[("index.html", "1")]), &out).expect("first");
        std::os::unix::fs::symlink(&elsewhere, out.join("a")).expect("symlink");
        write_site(&site(&[("index.html", "1"), ("a/x.html", "2")]), &out).expect("second");
        assert!(fs::read_dir(&elsewhere).expect("dir").next().is_none());
        assert!(fs::symlink_metadata(out.join("a")).expect("a").is_dir());
        assert_eq!(fs::read_to_string(out.join("a/x.html")).expect("read"), "2");
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "good")]), &out).expect("first");
        // A file and a folder with the same path cannot both be written.
        let bad = site(&[("x", "file"), ("x/y.html", "child")]);
        assert!(write_site(&bad, &out).is_err());
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("read"),
            "good"
        );
        assert_eq!(leftovers(tmp.path()), ["public"], "staging is removed");
    }

    /// A process id that is not running: the largest the kernel allows is
    /// far below it.
    const DEAD_PID: u32 = 4_000_000_000;

    #[test]
    fn leftovers_of_dead_builds_are_cleared() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "good")]), &out).expect("first");
        let dead_new = tmp.path().join(format!("public.new-{DEAD_PID}"));
        let dead_old = tmp.path().join(format!("public.old-{DEAD_PID}"));
        fs::create_dir_all(dead_new.join("a")).expect("mkdir");
        fs::create_dir_all(&dead_old).expect("mkdir");
        // Not ours: other names and files are left alone.
        fs::write(tmp.path().join("public.new-notes"), "keep").expect("write");
        fs::create_dir(tmp.path().join("publicity.new-1")).expect("mkdir");
        write_site(&site(&[("index.html", "new")]), &out).expect("second");
        assert_eq!(
            leftovers(tmp.path()),
            ["public", "public.new-notes", "publicity.new-1"]
        );
    }

    /// A build that wrote `plan` (a.html and c.html to move, gone.html to
    /// remove), moved b.html and died: the next build finishes its commit.
    fn finishes_a_commit_cut_short(plan_file: &str, plan: &str) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        write_site(&site(&[("a.html", "old a"), ("b.html", "old b")]), &out).expect("first");
        let dead = tmp.path().join(format!("public.new-{DEAD_PID}"));
        fs::create_dir_all(&dead).expect("mkdir");
        fs::write(dead.join(plan_file), plan).expect("plan");
        fs::write(dead.join("a.html"), "new a").expect("a");
        fs::write(dead.join("c.html"), "new c").expect("c");
        fs::write(out.join("b.html"), "new b").expect("b");
        fs::write(out.join("gone.html"), "stale").expect("gone");
        {
            let staging = Staging::new(&out).expect("staging");
            drop(staging); // the next build fails before its own commit
        }
        for (file, text) in [
            ("a.html", "new a"),
            ("b.html", "new b"),
            ("c.html", "new c"),
        ] {
            assert_eq!(fs::read_to_string(out.join(file)).expect("read"), text);
        }
        assert!(!out.join("gone.html").exists());
        assert_eq!(leftovers(tmp.path()), ["public"]);
    }

    #[test]
    fn a_commit_cut_short_is_finished_by_the_next_build() {
        finishes_a_commit_cut_short(
            PLAN,
            &format!("{PLAN_FORMAT}\nremove gone.html\nmove a.html\nmove b.html\nmove c.html\n"),
        );
    }

    #[test]
    fn a_commit_cut_short_by_an_earlier_dengji_is_finished_from_its_file_list() {
        // The first plan format: every file of the new site.
        finishes_a_commit_cut_short(PLAN_V1, "a.html\nb.html\nc.html\n");
    }

    #[test]
    fn finishing_a_commit_again_keeps_what_it_already_moved_and_trusts_no_odd_path() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        write_site(&site(&[("a", "old a"), ("keep.html", "kept")]), &out).expect("first");
        // A build that replaced the file `a` by the page `a/index.html`,
        // moved it into place, and died before removing its staging folder.
        fs::remove_file(out.join("a")).expect("remove a");
        fs::create_dir_all(out.join("a")).expect("mkdir a");
        fs::write(out.join("a/index.html"), "new a").expect("a/index.html");
        let dead = tmp.path().join(format!("public.new-{DEAD_PID}"));
        fs::create_dir_all(&dead).expect("mkdir");
        let plan =
            format!("{PLAN_FORMAT}\nremove a\nremove \nremove ../public\nmove a/index.html\n");
        fs::write(dead.join(PLAN), plan).expect("plan");
        drop(Staging::new(&out).expect("staging"));
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).expect("new page"),
            "new a"
        );
        assert_eq!(
            fs::read_to_string(out.join("keep.html")).expect("kept"),
            "kept"
        );
        assert_eq!(leftovers(tmp.path()), ["public"]);
    }

    #[test]
    fn a_build_that_died_between_renames_gets_its_previous_site_back() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        let dead_old = tmp.path().join(format!("public.old-{DEAD_PID}"));
        fs::create_dir_all(&dead_old).expect("mkdir");
        fs::write(dead_old.join("index.html"), "previous").expect("write");
        {
            // The next build starts and fails before committing.
            let staging = Staging::new(&out).expect("staging");
            staging.put("index.html", b"half").expect("put");
        }
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("restored"),
            "previous"
        );
    }

    #[test]
    fn staging_dropped_without_commit_leaves_output_alone() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "good")]), &out).expect("first");
        {
            let staging = Staging::new(&out).expect("staging");
            staging.put("index.html", b"half").expect("put");
        }
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("read"),
            "good"
        );
        assert_eq!(leftovers(tmp.path()), ["public"]);
    }
}
