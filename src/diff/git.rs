//! The site at a git revision, read through gix: the revision's tree is
//! looked up in the object database and the files the loader reads
//! (`site.yaml`, the content and registry folders, the theme) are written
//! into a temporary folder outside the work tree. Nothing is checked out,
//! and neither the working tree nor the index is touched.

use std::path::{Component, Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};

/// Why the revision could not be read. Each names what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error(
        "{path}: not in a git repository ({detail})\n  hint: `dengji diff --against` compares with a git revision; run it inside a clone, or use `--against-date` to compare two dates without git"
    )]
    NotARepository { path: String, detail: String },
    #[error(
        "{path}: the repository is bare, so there is no working tree to compare with\n  hint: run dengji diff in a clone with a working tree"
    )]
    Bare { path: String },
    #[error(
        "{path}: the site folder is not inside the repository's working tree {workdir}\n  hint: pass a --root inside the clone"
    )]
    OutsideWorkTree { path: String, workdir: String },
    #[error("bad revision `{spec}`: {detail}\n  hint: {hint}")]
    BadRevision {
        spec: String,
        detail: String,
        hint: String,
    },
    #[error("at {spec}: cannot read {what}: {detail}\n  hint: {hint}")]
    Read {
        spec: String,
        what: String,
        detail: String,
        hint: String,
    },
    #[error(
        "cannot write the revision's files into {path}: {detail}\n  hint: check free space and permissions of the temporary folder (TMPDIR)"
    )]
    Write { path: String, detail: String },
}

/// A revision's site, written into a temporary folder that is removed when
/// this is dropped.
pub struct Revision {
    /// The revision as the user named it (`HEAD`, `origin/main...`).
    pub spec: String,
    /// The commit it resolved to (full hex id).
    pub commit: String,
    /// The folder holding the revision's site (its `site.yaml`).
    pub root: PathBuf,
    /// Files written.
    pub files: usize,
    _dir: tempfile::TempDir,
}

/// What to tell the user when a revision cannot be found.
fn missing_revision_hint(repo: &gix::Repository, spec: &str) -> String {
    if repo.is_shallow() {
        format!(
            "this clone is shallow (fetched with --depth), so older commits and other branches are missing: fetch the history (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout, `GIT_DEPTH: 0` in GitLab CI), then run again; `git rev-parse {spec}` checks the name"
        )
    } else {
        format!(
            "give any revision git accepts (a branch, tag, commit, `HEAD~1`, `origin/main...` for the merge base); `git rev-parse {spec}` checks the name, and a remote branch must be fetched first (`git fetch origin main`)"
        )
    }
}

/// Opens the repository holding `site_root`, resolves `spec` and writes
/// the revision's site into a new temporary folder.
///
/// `spec` is any single revision gix parses (`HEAD`, `main`, `origin/main`,
/// `HEAD~2`, a commit id); `A...B` means the merge base of A and B, and
/// `A...` the merge base of A and `HEAD` (what `git diff A...` compares).
pub fn read_revision(site_root: &Path, spec: &str) -> Result<Revision, GitError> {
    let shown = site_root.display().to_string();
    let repo = gix::discover(site_root).map_err(|e| GitError::NotARepository {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| GitError::Bare {
            path: shown.clone(),
        })?
        .to_path_buf();
    let prefix = site_prefix(site_root, &workdir).ok_or_else(|| GitError::OutsideWorkTree {
        path: shown.clone(),
        workdir: workdir.display().to_string(),
    })?;
    let commit_id = resolve(&repo, spec)?;
    let read_error = |what: &str, e: &dyn std::fmt::Display| GitError::Read {
        spec: spec.to_string(),
        what: what.to_string(),
        detail: e.to_string(),
        hint: missing_revision_hint(&repo, spec),
    };
    let object = repo
        .find_object(commit_id)
        .map_err(|e| read_error("the commit", &e))?;
    let mut tree = object
        .peel_to_tree()
        .map_err(|e| read_error("the commit's tree", &e))?;
    if !prefix.as_os_str().is_empty() {
        let entry = tree
            .peel_to_entry_by_path(&prefix)
            .map_err(|e| read_error("the site folder", &e))?;
        let Some(entry) = entry.filter(|e| e.mode().is_tree()) else {
            return Err(GitError::Read {
                spec: spec.to_string(),
                what: format!("the site folder `{}`", prefix.display()),
                detail: "it does not exist at that revision".into(),
                hint: "compare with a revision that has the site, or pass the --root it had".into(),
            });
        };
        tree = entry
            .object()
            .map_err(|e| read_error("the site folder", &e))?
            .peel_to_tree()
            .map_err(|e| read_error("the site folder", &e))?;
    }
    let dir = tempfile::Builder::new()
        .prefix("dengji-diff-")
        .tempdir()
        .map_err(|e| GitError::Write {
            path: std::env::temp_dir().display().to_string(),
            detail: e.to_string(),
        })?;
    let root = dir.path().to_path_buf();
    let mut writer = Writer {
        repo: &repo,
        spec,
        root: &root,
        files: 0,
    };
    // site.yaml first: it names the folders the loader reads.
    writer.path(&tree, Path::new(CONFIG_FILE))?;
    if let Ok(config) = Config::load(&root) {
        let folders = [
            config.content_dir.clone(),
            config.registry_dir.clone(),
            config.themes_dir.join(&config.theme),
        ];
        for folder in folders {
            writer.path(&tree, &folder)?;
        }
    }
    // Otherwise the revision's site.yaml is missing or broken: loading it
    // reports that, located, and nothing else is needed.
    let files = writer.files;
    Ok(Revision {
        spec: spec.to_string(),
        commit: commit_id.to_string(),
        root,
        files,
        _dir: dir,
    })
}

/// The site folder relative to the top of its repository's working tree
/// (`""` at the top), with a trailing `/`, for paths that tools outside
/// the site read (CI annotations); `None` outside a repository.
pub fn prefix_in_repository(site_root: &Path) -> Option<String> {
    let repo = gix::discover(site_root).ok()?;
    let prefix = site_prefix(site_root, repo.workdir()?)?;
    let text = prefix.to_string_lossy().replace('\\', "/");
    Some(if text.is_empty() {
        text
    } else {
        format!("{text}/")
    })
}

/// `site_root` relative to the work tree, or `None` if it is outside.
fn site_prefix(site_root: &Path, workdir: &Path) -> Option<PathBuf> {
    let site = std::fs::canonicalize(site_root).ok()?;
    let work = std::fs::canonicalize(workdir).ok()?;
    site.strip_prefix(&work).ok().map(Path::to_path_buf)
}

/// The commit `spec` names, with `A...B` as the merge base of A and B.
fn resolve(repo: &gix::Repository, spec: &str) -> Result<gix::ObjectId, GitError> {
    let bad = |detail: String| GitError::BadRevision {
        spec: spec.to_string(),
        detail,
        hint: missing_revision_hint(repo, spec),
    };
    let single = |name: &str| -> Result<gix::ObjectId, GitError> {
        let id = repo
            .rev_parse_single(name)
            .map_err(|e| bad(e.to_string()))?;
        let commit = id
            .object()
            .map_err(|e| bad(e.to_string()))?
            .peel_to_commit()
            .map_err(|e| bad(format!("`{name}` does not name a commit: {e}")))?;
        Ok(commit.id)
    };
    match spec.split_once("...") {
        Some((left, right)) => {
            let left = if left.is_empty() { "HEAD" } else { left };
            let right = if right.is_empty() { "HEAD" } else { right };
            let (a, b) = (single(left)?, single(right)?);
            repo.merge_base(a, b)
                .map(|id| id.detach())
                .map_err(|e| bad(format!("no merge base of `{left}` and `{right}`: {e}")))
        }
        None => single(spec),
    }
}

struct Writer<'a> {
    repo: &'a gix::Repository,
    spec: &'a str,
    root: &'a Path,
    files: usize,
}

impl Writer<'_> {
    fn read_error(&self, what: &Path, e: &dyn std::fmt::Display) -> GitError {
        GitError::Read {
            spec: self.spec.to_string(),
            what: format!("`{}`", what.display()),
            detail: e.to_string(),
            hint: missing_revision_hint(self.repo, self.spec),
        }
    }

    fn write_error(&self, path: &Path, e: &std::io::Error) -> GitError {
        GitError::Write {
            path: path.display().to_string(),
            detail: e.to_string(),
        }
    }

    /// Writes the file or folder at `path` of `tree` (nothing if absent).
    fn path(&mut self, tree: &gix::Tree<'_>, path: &Path) -> Result<(), GitError> {
        // The loader refuses folders outside the site; so do we.
        let Some(path) = plain(path) else {
            return Ok(());
        };
        let path = path.as_path();
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .map_err(|e| self.read_error(path, &e))?
        else {
            return Ok(());
        };
        let mode = entry.mode();
        if mode.is_tree() {
            let sub = entry
                .object()
                .map_err(|e| self.read_error(path, &e))?
                .peel_to_tree()
                .map_err(|e| self.read_error(path, &e))?;
            let records = sub
                .traverse()
                .breadthfirst
                .files()
                .map_err(|e| self.read_error(path, &e))?;
            self.create_dir(&self.root.join(path))?;
            for record in records {
                let bytes: &gix::bstr::BStr = record.filepath.as_ref();
                let rel = gix::path::from_bstr(bytes).into_owned();
                let Some(rel) = plain(&rel) else {
                    continue;
                };
                self.entry(&path.join(rel), record.mode, record.oid)?;
            }
            Ok(())
        } else {
            self.entry(path, mode, entry.object_id())
        }
    }

    fn create_dir(&self, dir: &Path) -> Result<(), GitError> {
        std::fs::create_dir_all(dir).map_err(|e| self.write_error(dir, &e))
    }

    /// Writes one entry: a folder, a file, or a symbolic link (which the
    /// loader then refuses, as it would in a checkout). Submodules are not
    /// part of a site and are skipped.
    fn entry(
        &mut self,
        rel: &Path,
        mode: gix::object::tree::EntryMode,
        oid: gix::ObjectId,
    ) -> Result<(), GitError> {
        let target = self.root.join(rel);
        if mode.is_tree() {
            return self.create_dir(&target);
        }
        if mode.is_commit() {
            return Ok(());
        }
        let blob = self
            .repo
            .find_object(oid)
            .map_err(|e| self.read_error(rel, &e))?;
        if let Some(parent) = target.parent() {
            self.create_dir(parent)?;
        }
        if mode.is_link() {
            #[cfg(unix)]
            {
                let link = gix::path::from_byte_slice(&blob.data).to_path_buf();
                std::os::unix::fs::symlink(link, &target)
                    .map_err(|e| self.write_error(&target, &e))?;
            }
            return Ok(());
        }
        std::fs::write(&target, &blob.data).map_err(|e| self.write_error(&target, &e))?;
        self.files += 1;
        Ok(())
    }
}

/// A relative path as plain names (`./` dropped); `None` with `..` or a root.
fn plain(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        assert_eq!(
            plain(Path::new("./registry/a.yaml")),
            Some(PathBuf::from("registry/a.yaml"))
        );
        assert_eq!(plain(Path::new("../a.yaml")), None);
        assert_eq!(plain(Path::new("/etc/passwd")), None);
        assert_eq!(plain(Path::new("content/../../x")), None);
        assert_eq!(plain(Path::new(".")), None);
    }

    #[test]
    fn a_folder_outside_any_repository_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A repository above the temporary folder would be found instead.
        if gix::discover(dir.path()).is_ok() {
            return;
        }
        let err = read_revision(dir.path(), "HEAD").err().expect("an error");
        let text = err.to_string();
        assert!(text.contains("not in a git repository"), "{text}");
        assert!(text.contains("--against-date"), "{text}");
    }
}
