//! Stage: write the rendered site to disk, atomically.
//!
//! The site is written to a fresh sibling folder first; only when every file
//! is written is it swapped into place. A failure at any point leaves the
//! previous output untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Site;

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!("{name}.{suffix}-{}", std::process::id()))
}

/// Writes `site` to `output`, replacing what was there only on success.
pub fn write_site(site: &Site, output: &Path) -> io::Result<()> {
    let staging = sibling(output, "new");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let result = write_all(site, &staging);
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let previous = sibling(output, "old");
    if output.exists() {
        fs::rename(output, &previous)?;
    }
    if let Err(e) = fs::rename(&staging, output) {
        // Put the previous site back before reporting.
        if previous.exists() {
            let _ = fs::rename(&previous, output);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if previous.exists() {
        fs::remove_dir_all(&previous)?;
    }
    Ok(())
}

fn write_all(site: &Site, dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    for (path, bytes) in &site.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(target, bytes)?;
    }
    Ok(())
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
    }
}
