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
    /// Creates an empty staging folder for `output`.
    pub fn new(output: &Path) -> io::Result<Staging> {
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
