//! The directory entries of a build, kept out of memory.
//!
//! Each organisation leaves a directory entry (its export rows, facets and
//! date, about 5.6 KB in memory) from which the listings, the exports and
//! the search index are made once every organisation's pages are written.
//! Held as values until then they were most of a large build's memory.
//! They are written to a scratch file as the organisations are rendered,
//! in postcard's compact binary encoding (an entry is read back once for
//! each listing it is on, and decoding JSON was ~5% of `check`), and read
//! back by position: what stays in memory is where each one is. The file
//! is unlinked from the start (nothing is left behind, whatever happens to
//! the build) and made beside the output when there is one (a temporary
//! folder may be memory itself); where no scratch file can be made they
//! are kept in memory, encoded, instead.

use std::io::Write;
use std::sync::Mutex;

use super::directory::Entry;
use crate::diag::{Diagnostic, Location};

/// Where one entry is in the store.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    offset: u64,
    len: u32,
}

enum Store {
    File(std::io::BufWriter<std::fs::File>, u64),
    Memory(Vec<u8>),
    /// Writing failed: the offsets are no longer known.
    Broken(String),
}

/// The store being written, by many threads.
pub struct Spill {
    store: Mutex<Store>,
}

impl Spill {
    /// A store in a fresh unlinked scratch file in `dir` (else in the
    /// temporary folder), or in memory if none can be made.
    pub fn new(dir: Option<&std::path::Path>) -> Spill {
        let file = dir
            .and_then(|dir| tempfile::tempfile_in(dir).ok())
            .or_else(|| tempfile::tempfile().ok())
            .filter(|_| cfg!(any(unix, windows)));
        let store = match file {
            Some(file) => Store::File(std::io::BufWriter::new(file), 0),
            None => Store::Memory(Vec::new()),
        };
        Spill {
            store: Mutex::new(store),
        }
    }

    /// A store in memory.
    pub fn in_memory() -> Spill {
        Spill {
            store: Mutex::new(Store::Memory(Vec::new())),
        }
    }

    /// Adds `entry`; returns where it is.
    pub fn push(&self, entry: &Entry) -> Result<Span, Diagnostic> {
        let bytes = postcard::to_stdvec(entry).map_err(|e| scratch_error(&e.to_string()))?;
        let len = u32::try_from(bytes.len()).map_err(|e| scratch_error(&e.to_string()))?;
        let mut store = crate::lock(&self.store);
        match &mut *store {
            Store::File(writer, end) => {
                if let Err(e) = writer.write_all(&bytes) {
                    let what = e.to_string();
                    *store = Store::Broken(what.clone());
                    return Err(scratch_error(&what));
                }
                let offset = *end;
                *end += u64::from(len);
                Ok(Span { offset, len })
            }
            Store::Broken(what) => Err(scratch_error(what)),
            Store::Memory(buffer) => {
                let offset = buffer.len() as u64;
                buffer.extend_from_slice(&bytes);
                Ok(Span { offset, len })
            }
        }
    }

    /// The entries at `spans`, in that order, ready to be read.
    pub fn finish(self, spans: Vec<Span>) -> Result<Entries, Diagnostic> {
        let store = crate::into_inner(self.store);
        let store = match store {
            Store::File(writer, _) => Stored::File(
                writer
                    .into_inner()
                    .map_err(|e| scratch_error(&e.error().to_string()))?,
            ),
            Store::Memory(buffer) => Stored::Memory(buffer),
            Store::Broken(what) => return Err(scratch_error(&what)),
        };
        Ok(Entries { store, spans })
    }
}

enum Stored {
    File(std::fs::File),
    Memory(Vec<u8>),
}

/// Every organisation's directory entry, in registry order, read one at
/// a time.
pub struct Entries {
    store: Stored,
    spans: Vec<Span>,
}

impl Entries {
    /// No entries.
    pub fn empty() -> Entries {
        Entries {
            store: Stored::Memory(Vec::new()),
            spans: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Entry `i`, read back.
    pub fn get(&self, i: usize) -> Result<Entry, Diagnostic> {
        let span = self
            .spans
            .get(i)
            .ok_or_else(|| internal_error(&format!("there is no entry {i}")))?;
        let start = span.offset;
        let len = span.len as usize;
        let decode = |bytes: &[u8]| {
            postcard::from_bytes::<Entry>(bytes)
                .map_err(|e| internal_error(&format!("entry {i} reads back wrong: {e}")))
        };
        match &self.store {
            Stored::File(file) => {
                let mut bytes = vec![0; len];
                read_at(file, &mut bytes, start).map_err(|e| scratch_error(&e.to_string()))?;
                decode(&bytes)
            }
            Stored::Memory(buffer) => {
                let bytes = usize::try_from(start)
                    .ok()
                    .and_then(|at| buffer.get(at..at.checked_add(len)?))
                    .ok_or_else(|| internal_error(&format!("entry {i} is past the end")))?;
                decode(bytes)
            }
        }
    }

    /// Every entry in order; the first that cannot be read ends the
    /// iteration and is kept in `failed`.
    pub fn each<'a>(&'a self, failed: &'a Failed) -> impl Iterator<Item = Entry> + 'a {
        (0..self.len()).map_while(move |i| failed.keep(self.get(i)))
    }
}

/// The first error met reading entries where no error can be returned
/// (an iteration, a record made for the search index).
#[derive(Default)]
pub struct Failed(Mutex<Option<Diagnostic>>);

impl Failed {
    /// The value, or `None` with the error kept (the first one only).
    pub fn keep<T>(&self, result: Result<T, Diagnostic>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(d) => {
                let mut first = crate::lock(&self.0);
                first.get_or_insert(d);
                None
            }
        }
    }

    /// The error kept, if any, taken out (so the next error is kept).
    pub fn take(&self) -> Option<Diagnostic> {
        crate::lock(&self.0).take()
    }

    /// The error kept, if any.
    pub fn into_error(self) -> Option<Diagnostic> {
        crate::into_inner(self.0)
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    // `seek_read` moves the handle's cursor too, but each read names its
    // offset, so readers in parallel do not disturb one another.
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut bytes[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// Elsewhere no file store is made ([`Spill::new`]).
#[cfg(not(any(unix, windows)))]
fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// A fault of dengji's own in keeping the entries, not of the system.
fn internal_error(what: &str) -> Diagnostic {
    Diagnostic::error(
        Location::file(std::env::temp_dir()),
        format!("internal error: a directory entry of this build is lost: {what}"),
    )
    .with_hint("please report this with the command run; the published site is unchanged")
}

fn scratch_error(what: &str) -> Diagnostic {
    Diagnostic::error(
        Location::file(std::env::temp_dir()),
        format!("cannot keep the directory entries in a scratch file: {what}"),
    )
    .with_hint(
        "check that the temporary folder (TMPDIR) is writable and has room, then build again",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Entry {
        let mut e: Entry = serde_json::from_value(serde_json::json!({
            "row": {
                "id": id, "name_zh": "名", "name_en": "Name", "former_names_zh": [],
                "credit_code": "91330108803660846C", "region": "zhejiang",
                "region_zh": "浙江省", "region_en": "Zhejiang", "founded": "2017-04-08",
                "website": null, "page_url": "", "json_url": "",
                "certificates": [], "grades": []
            },
            "former_names_en": [], "date": null, "facets": []
        }))
        .expect("an entry");
        e.facets.insert(format!("region={id}"));
        e
    }

    #[test]
    fn entries_are_read_back_by_position_from_a_file_or_memory() {
        let dir = tempfile::tempdir().expect("a folder");
        for spill in [
            Spill::new(Some(dir.path())),
            Spill::new(None),
            Spill::in_memory(),
        ] {
            let spans: Vec<Span> = ["a", "b", "c"]
                .iter()
                .map(|id| spill.push(&entry(id)).expect("pushed"))
                .collect();
            // Registry order need not be the order written.
            let order = vec![spans[2], spans[0], spans[1]];
            let entries = spill.finish(order).expect("finished");
            assert_eq!(entries.len(), 3);
            assert_eq!(entries.get(1).expect("read").row.id, "a");
            let failed = Failed::default();
            let ids: Vec<String> = entries.each(&failed).map(|e| e.row.id).collect();
            assert_eq!(ids, ["c", "a", "b"]);
            assert!(failed.into_error().is_none());
            assert!(entries.get(3).is_err());
        }
    }
}
