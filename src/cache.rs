//! The build cache: what analysing each organisation found (its
//! diagnostics, credit code and certificate numbers:
//! [`crate::registry::Summary`]) and what rendering it left the rest of
//! the build (its directory entry, and the files it wrote with their
//! stamps), keyed by a hash of its file together with everything else its
//! pages are made from, so that `build` and `check` parse, check, grade
//! and render again only the organisations whose file, or the site around
//! them, changed.
//!
//! One file, `<cache folder>/organisations`: a header line naming the
//! format and the site's hash, then two lines per organisation (its
//! summary and its rendering) and one per directory page made from many
//! organisations (a listing page; its key holds theirs), each a key and
//! what was recorded as JSON. A build writes the next file beside it as it
//! goes and puts it in place only once the site is published, so a failed
//! build leaves the previous cache. The cache only ever saves work: a key
//! that is not there, a line that cannot be read, or a file whose stamp is
//! not the one recorded ([`crate::render::Output::keep`]) means the
//! organisation (or page) is made as without a cache.

use crate::lock;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::load::{Sources, StandardSources};

/// The cache file's name inside the cache folder.
const FILE: &str = "organisations";

/// The header's first word and the format's version: a cache of another
/// version is not read.
const FORMAT: &str = "dengji-cache 2";

/// The key of one organisation: its file's name and text, hashed with the
/// site's hash (SHA-256; hexadecimal in the file).
pub type Key = [u8; 32];

/// A record as the cache file holds it (JSON), to write again unchanged
/// when it is still good.
pub struct Record(String);

/// What the key of every organisation of a build has in common: the
/// program itself (the fingerprint `build.rs` takes of its sources, lock
/// file, compiler and target, and its file's size, so that a changed
/// dengji starts afresh while the same one installed again keeps its
/// cache), the site's configuration, every standard's sources, the
/// termbase, the theme, and the grading date and render options
/// (`settings`).
pub fn site_key(sources: &Sources, settings: &[&str]) -> String {
    // Not its time: that changes with every install of the same program.
    let program_size = std::env::current_exe()
        .and_then(fs::metadata)
        .map_or(0, |m| m.len());
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(FORMAT.as_bytes());
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(env!("DENGJI_FINGERPRINT").as_bytes());
    field(&program_size.to_le_bytes());
    for setting in settings {
        field(setting.as_bytes());
    }
    let config = fs::read(sources.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    field(&config);
    fn standard(s: &StandardSources, field: &mut dyn FnMut(&[u8])) {
        field(s.slug.as_bytes());
        field(s.edition.as_deref().unwrap_or("").as_bytes());
        let files = s
            .languages
            .iter()
            .flat_map(|(lang, files)| files.iter().map(move |f| (lang.as_str(), f)))
            .chain(s.references.iter().map(|f| ("references", f)))
            .chain(s.rules.iter().map(|f| ("rules", f)))
            .chain(s.fingerprints.iter().map(|(lang, f)| (lang.as_str(), f)));
        for (what, file) in files {
            field(what.as_bytes());
            field(file.path.to_string_lossy().as_bytes());
            field(file.text.as_bytes());
        }
        for older in &s.older {
            standard(older, field);
        }
    }
    for s in &sources.standards {
        standard(s, &mut field);
    }
    if let Some(termbase) = &sources.termbase {
        field(termbase.text.as_bytes());
    }
    let theme = &sources.theme;
    for (name, text) in &theme.templates {
        field(name.as_bytes());
        field(text.as_bytes());
    }
    for (name, bytes) in &theme.static_files {
        field(name.as_bytes());
        field(bytes);
    }
    for (lang, (_, text)) in &theme.strings {
        field(lang.as_bytes());
        field(text.as_bytes());
    }
    hex(&hash.finalize())
}

/// The SHA-256 of a file's text: what a cache key knows of it.
pub fn text_digest(text: &str) -> Key {
    Sha256::digest(text.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key being made ([`Cache::derived_key`]).
pub struct Derived(Sha256);

impl Derived {
    /// Adds a part (its length first, so parts cannot run together).
    pub fn part(&mut self, bytes: &[u8]) -> &mut Derived {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn key(self) -> Key {
        self.0.finalize().into()
    }
}

/// An open cache: the previous build's records, taken one by one, and the
/// next cache file being written.
pub struct Cache {
    dir: PathBuf,
    site: String,
    /// Where each of the previous build's records is in its file, by key:
    /// a record is read when taken, so the cache costs memory only for
    /// this index (about 50 bytes an organisation).
    previous: Mutex<Previous>,
    /// The next cache file; `None` once writing it failed (the previous
    /// file then stays).
    next: Mutex<Option<BufWriter<File>>>,
    next_path: PathBuf,
    saved: bool,
    /// Records taken again, and records made afresh, this run.
    reused: AtomicUsize,
    made: AtomicUsize,
}

/// How much of a run the cache saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    /// Organisations taken from the cache.
    pub reused: usize,
    /// Organisations recorded in all (taken or made afresh).
    pub recorded: usize,
}

impl Cache {
    /// Opens the cache in `dir` for a site whose [`site_key`] is `site`,
    /// creating the folder. A cache file of another site, another format or
    /// that cannot be read is treated as empty.
    pub fn open(dir: &Path, site: String) -> io::Result<Cache> {
        fs::create_dir_all(dir)?;
        let next_path = dir.join(format!("{FILE}.new-{}", std::process::id()));
        let mut next = BufWriter::new(File::create(&next_path)?);
        writeln!(next, "{FORMAT} {site}")?;
        let previous = Previous::open(&dir.join(FILE), &site).unwrap_or_default();
        Ok(Cache {
            dir: dir.to_path_buf(),
            site,
            previous: Mutex::new(previous),
            next: Mutex::new(Some(next)),
            next_path,
            saved: false,
            reused: AtomicUsize::new(0),
            made: AtomicUsize::new(0),
        })
    }

    /// The key of the rendering of the organisation read from the file
    /// `name` with `text`.
    pub fn key(&self, name: &str, text: &str) -> Key {
        self.rendering_key(&self.summary_key(name, text))
    }

    /// The key of the rendering of the organisation whose summary's key is
    /// `summary` (which determines its file's name and text).
    pub fn rendering_key(&self, summary: &Key) -> Key {
        let mut key = self.derived_key("rendering");
        key.part(summary);
        key.key()
    }

    /// The key of the summary of the organisation read from the file
    /// `name` with `text` (apart from its rendering's, [`Cache::key`]).
    pub fn summary_key(&self, name: &str, text: &str) -> Key {
        self.summary_key_of(name, &text_digest(text))
    }

    /// The same from the file's [`text_digest`].
    pub fn summary_key_of(&self, name: &str, digest: &Key) -> Key {
        let mut key = self.derived_key("summary");
        key.part(name.as_bytes()).part(digest);
        key.key()
    }

    /// The key of something made from many organisations (a listing
    /// page), to which the caller adds as parts everything it is made
    /// from that the site's hash does not cover (their keys among them).
    pub fn derived_key(&self, kind: &str) -> Derived {
        let mut derived = Derived(Sha256::new());
        derived
            .part(self.site.as_bytes())
            .part(b"derived")
            .part(kind.as_bytes());
        derived
    }

    /// The previous build's record under `key`, if there is one that reads
    /// as a `T`, with its text; it is taken out (each key is taken once
    /// per build).
    pub fn take<T: DeserializeOwned>(&self, key: &Key) -> Option<(T, Record)> {
        let text = lock(&self.previous).take(key)?;
        let value = serde_json::from_str(&text).ok()?;
        Some((value, Record(text)))
    }

    /// Records `value` under `key` for the next build.
    pub fn record<T: Serialize>(&self, key: &Key, value: &T) {
        if let Ok(json) = serde_json::to_string(value) {
            self.made.fetch_add(1, Ordering::Relaxed);
            self.write(key, json);
        }
    }

    /// Records again, for the next build, a record taken from this one.
    pub fn record_again(&self, key: &Key, record: Record) {
        self.reused.fetch_add(1, Ordering::Relaxed);
        self.write(key, record.0);
    }

    /// Records `value` under `key` without counting it in
    /// [`Cache::usage`], which counts organisations by their rendering:
    /// for summaries and the directory's pages.
    pub fn record_uncounted<T: Serialize>(&self, key: &Key, value: &T) {
        if let Ok(json) = serde_json::to_string(value) {
            self.write(key, json);
        }
    }

    /// Records again a record taken from this build, without counting it.
    pub fn keep_uncounted(&self, key: &Key, record: Record) {
        self.write(key, record.0);
    }

    /// What the cache saved this run so far.
    pub fn usage(&self) -> Use {
        let reused = self.reused.load(Ordering::Relaxed);
        Use {
            reused,
            recorded: reused + self.made.load(Ordering::Relaxed),
        }
    }

    fn write(&self, key: &Key, json: String) {
        let mut next = lock(&self.next);
        if let Some(writer) = next.as_mut()
            && writeln!(writer, "{} {json}", hex(key)).is_err()
        {
            *next = None;
        }
    }

    /// Puts the records of this build in place of the previous ones: call
    /// once the site they describe is published.
    pub fn save(mut self) -> io::Result<()> {
        let writer = lock(&self.next)
            .take()
            .ok_or_else(|| io::Error::other("writing the cache failed earlier"))?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&self.next_path, self.dir.join(FILE))?;
        self.saved = true;
        Ok(())
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        if !self.saved {
            let _ = fs::remove_file(&self.next_path);
        }
    }
}

/// The previous cache file, open, and where each record is in it.
#[derive(Default)]
struct Previous {
    file: Option<File>,
    /// Per key, the record's offset and length in bytes.
    at: HashMap<Key, (u64, usize)>,
}

impl Previous {
    /// Indexes the cache file at `path` if it is of this format and site;
    /// `None` otherwise. A line that cannot be read ends the index there.
    fn open(path: &Path, site: &str) -> Option<Previous> {
        let mut reader = BufReader::new(File::open(path).ok()?);
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        if line.trim_end_matches('\n') != format!("{FORMAT} {site}") {
            return None;
        }
        let mut offset = line.len() as u64;
        let mut at = HashMap::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Some((key, json)) = line.trim_end_matches('\n').split_once(' ')
                        && let Some(key) = unhex(key)
                    {
                        at.insert(key, (offset + key_len() as u64 + 1, json.len()));
                    }
                    offset += n as u64;
                }
            }
        }
        let file = reader.into_inner();
        Some(Previous {
            file: Some(file),
            at,
        })
    }

    /// The text of the record under `key`, once.
    fn take(&mut self, key: &Key) -> Option<String> {
        let (offset, len) = self.at.remove(key)?;
        let file = self.file.as_mut()?;
        file.seek(SeekFrom::Start(offset)).ok()?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// The length of a key in hexadecimal.
const fn key_len() -> usize {
    2 * std::mem::size_of::<Key>()
}

fn unhex(text: &str) -> Option<Key> {
    if text.len() != key_len() {
        return None;
    }
    let mut key = [0; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Files {
        files: Vec<String>,
    }

    fn record(name: &str) -> Files {
        Files {
            files: vec![format!("{name}/index.html")],
        }
    }

    #[test]
    fn a_saved_record_is_taken_by_the_next_build_of_the_same_site_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(dir.path(), "site-a".into()).expect("open");
        let key = cache.key("a.yaml", "id: a");
        assert!(cache.take::<Files>(&key).is_none());
        cache.record(&key, &record("a"));
        cache.save().expect("saved");

        let again = Cache::open(dir.path(), "site-a".into()).expect("open");
        assert_eq!(again.key("a.yaml", "id: a"), key);
        assert_ne!(again.key("a.yaml", "id: b"), key, "another text");
        assert_ne!(again.key("b.yaml", "id: a"), key, "another file");
        let (taken, text) = again.take::<Files>(&key).expect("taken");
        assert_eq!(taken, record("a"));
        assert!(again.take::<Files>(&key).is_none(), "taken once");
        again.record_again(&key, text);
        assert_eq!(
            again.usage(),
            Use {
                reused: 1,
                recorded: 1
            }
        );
        drop(again);

        let other = Cache::open(dir.path(), "site-b".into()).expect("open");
        assert_ne!(other.key("a.yaml", "id: a"), key);
        assert!(
            other.take::<Files>(&key).is_none(),
            "another site's records"
        );
    }

    #[test]
    fn every_record_of_a_large_cache_is_found_in_any_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(dir.path(), "s".into()).expect("open");
        let names: Vec<String> = (0..500).map(|i| format!("org-{i}")).collect();
        for name in &names {
            cache.record(&cache.key(name, "text"), &record(name));
        }
        assert_eq!(cache.usage().recorded, 500);
        cache.save().expect("saved");
        let again = Cache::open(dir.path(), "s".into()).expect("open");
        for name in names.iter().rev() {
            let key = again.key(name, "text");
            let (taken, _) = again.take::<Files>(&key).expect("found");
            assert_eq!(taken, record(name));
        }
    }

    #[test]
    fn an_unsaved_build_leaves_the_previous_cache_and_no_leftovers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::open(dir.path(), "s".into()).expect("open");
        let key = cache.key("a.yaml", "x");
        cache.record(&key, &record("a"));
        cache.save().expect("saved");
        let failed = Cache::open(dir.path(), "s".into()).expect("open");
        failed.record(&key, &record("changed"));
        drop(failed);
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [FILE]);
        let next = Cache::open(dir.path(), "s".into()).expect("open");
        assert_eq!(next.take::<Files>(&key).map(|t| t.0), Some(record("a")));
    }

    #[test]
    fn a_damaged_cache_file_is_read_as_empty_or_loses_only_its_bad_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join(FILE), "not a cache\n").expect("written");
        let cache = Cache::open(dir.path(), "s".into()).expect("open");
        let key = cache.key("a.yaml", "x");
        assert!(cache.take::<Files>(&key).is_none());
        drop(cache);
        fs::write(
            dir.path().join(FILE),
            format!("{FORMAT} s\n{} {{\"files\": [1\nbroken\n", hex(&key)),
        )
        .expect("written");
        let cache = Cache::open(dir.path(), "s".into()).expect("open");
        assert!(cache.take::<Files>(&key).is_none(), "a line cut short");
    }
}
