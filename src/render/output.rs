//! Where rendered files go: the [`Output`] trait and its memory and
//! discarding implementations; `write` gives the staging folder's.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diag::{Diagnostic, Location};

/// The built site: output path (relative, `/`-separated) → bytes.
#[derive(Default)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Where rendered files go as soon as they are rendered: memory for tests
/// and `serve`, a staging folder for `build` (see [`crate::write`]).
/// Called from several threads at once.
pub trait Output: Sync {
    /// Stores the file at `path` (relative, `/`-separated).
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;

    /// Leaves every one of `files` as the previous build published it,
    /// without being given its bytes, if each is there with the stamp
    /// recorded when it was put (the build cache knows its bytes would be
    /// the same); false, leaving none, when any is not, and then they must
    /// be put. Outputs that keep nothing between builds answer false.
    fn keep(&self, files: &[(String, Option<Stamp>)]) -> bool {
        let _ = files;
        false
    }

    /// The stamp `path`, just put, is published with; `None` for outputs
    /// that publish nothing on disk.
    fn stamp(&self, path: &str) -> Option<Stamp> {
        let _ = path;
        None
    }

    /// Render has begun another part of the site ("organisation pages",
    /// "search indexes"): for progress reports; outputs ignore it.
    fn stage(&self, name: &str) {
        let _ = name;
    }

    /// A folder on the same disk as the output for the build's scratch
    /// file (`render/entries.rs`), if not the temporary folder: a
    /// temporary folder in memory (tmpfs) would hold the entries in RAM.
    fn scratch_dir(&self) -> Option<&std::path::Path> {
        None
    }

    /// Whether the bytes put are kept. An output that throws them away
    /// (`check`) is not given the files that cannot fail to be made, such
    /// as the JSON encoding of plain data: only what can fail is made.
    fn keeps_bytes(&self) -> bool {
        true
    }
}

/// A published file's size and modification time, which change whenever
/// a build writes it: how the build cache recognises a file it recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    /// Nanoseconds since 1970.
    pub modified: u128,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        let modified = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            size: metadata.len(),
            modified,
        })
    }
}

/// Collects the site in memory.
#[derive(Default)]
pub struct Memory(std::sync::Mutex<Site>);

impl Memory {
    pub fn into_site(self) -> Site {
        crate::into_inner(self.0)
    }
}

impl Output for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut site = self
            .0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        site.files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// Renders without keeping anything: what `check` uses to find template
/// errors without holding a large site in memory.
pub struct Discard;

impl Output for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> std::io::Result<()> {
        Ok(())
    }

    /// Nothing is written, so what the cache says was rendered without
    /// error needs no rendering.
    fn keep(&self, _files: &[(String, Option<Stamp>)]) -> bool {
        true
    }

    fn keeps_bytes(&self) -> bool {
        false
    }
}

/// Counts files on their way to an output and turns write failures into
/// diagnostics.
pub(super) struct Counted<'a> {
    out: &'a dyn Output,
    pub(super) files: std::sync::atomic::AtomicUsize,
}

impl<'a> Counted<'a> {
    pub(super) fn new(out: &'a dyn Output) -> Self {
        Counted {
            out,
            files: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    pub(super) fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.out.put(path, bytes).map_err(|e| {
            Diagnostic::error(Location::file(path), format!("cannot write `{path}`: {e}"))
                .with_hint("check free space and permissions; the previous site is unchanged")
        })
    }

    pub(super) fn keep(&self, files: &[(String, Option<Stamp>)]) -> bool {
        let kept = self.out.keep(files);
        if kept {
            self.files
                .fetch_add(files.len(), std::sync::atomic::Ordering::Relaxed);
        }
        kept
    }

    pub(super) fn stage(&self, name: &str) {
        self.out.stage(name);
    }

    pub(super) fn stamp(&self, path: &str) -> Option<Stamp> {
        self.out.stamp(path)
    }

    pub(super) fn scratch_dir(&self) -> Option<&std::path::Path> {
        self.out.scratch_dir()
    }

    pub(super) fn keeps_bytes(&self) -> bool {
        self.out.keeps_bytes()
    }
}
