//! Stage: write the rendered site to disk, atomically.
//!
//! Pages are written as they are rendered into a fresh sibling folder (a
//! [`Staging`] area), so a large site never has to sit in memory whole. Only
//! when every file is written is the folder swapped into place; a failure at
//! any point (or dropping the staging area without committing) leaves the
//! previous output untouched.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::render::{Output, Site};

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!("{name}.{suffix}-{}", std::process::id()))
}

/// A folder beside the output that pages are written into as they are
/// rendered; [`Staging::commit`] swaps it into place.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Folders already created, so each is created once.
    folders: Mutex<BTreeSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging folder for `output`, first clearing what
    /// builds that died left beside it.
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
            folders: Mutex::new(BTreeSet::new()),
            committed: false,
        })
    }

    /// Replaces the output with what was written, keeping the previous
    /// output if the swap fails.
    pub fn commit(mut self) -> io::Result<()> {
        let previous = sibling(&self.output, "old");
        if previous.exists() {
            fs::remove_dir_all(&previous)?;
        }
        if self.output.exists() {
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
        if previous.exists() {
            fs::remove_dir_all(&previous)?;
        }
        Ok(())
    }
}

/// A build killed midway leaves `<output>.new-<pid>` (its unfinished
/// pages) and possibly `<output>.old-<pid>` (the previous site, if it died
/// between the two renames of [`Staging::commit`]). For every such folder
/// whose process is gone: the previous site is put back if the output is
/// missing, and the rest is removed.
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
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            let known = self
                .folders
                .lock()
                .map(|f| f.contains(parent))
                .unwrap_or(false);
            if !known {
                fs::create_dir_all(parent)?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(parent.to_path_buf());
                }
            }
        }
        fs::write(target, bytes)
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
pub fn write_site(site: &Site, output: &Path) -> io::Result<()> {
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
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
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
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 1, "the staging folder is removed");
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
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["public", "public.new-notes", "publicity.new-1"]);
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
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 1);
    }
}
