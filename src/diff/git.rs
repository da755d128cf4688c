//! The site at a git revision, read through gix: the revision's tree is
//! looked up in the object database and the files the loader reads
//! (`site.yaml`, the content folder, the theme) are written into a
//! temporary folder outside the work tree. The registry folder (thousands
//! of files) stays in memory: it is listed with each file's blob id, and
//! [`Revision::registry_listing`] inflates only the files that differ from
//! the working tree's (by git's hash of the working tree's text), so an
//! unchanged organisation is neither inflated nor parsed again. Nothing is
//! checked out, and neither the working tree nor the index is touched.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::config::{CONFIG_FILE, Config};
use crate::registry::{Listed, Listing, Registry};

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
/// this is dropped, but for its registry folder, which is listed.
pub struct Revision {
    /// The revision as the user named it (`HEAD`, `origin/main...`).
    pub spec: String,
    /// The commit it resolved to (full hex id).
    pub commit: String,
    /// The folder holding the revision's site (its `site.yaml`).
    pub root: PathBuf,
    /// Files written.
    pub files: usize,
    /// The registry folder's entries, when they were not written (`None`:
    /// the registry is in `root`, as for an unusual layout).
    registry: Option<Vec<TreeEntry>>,
    /// The registry folder, relative to the site (for errors).
    registry_dir: PathBuf,
    /// Where the repository was found from (it is opened again to read the
    /// registry's blobs: a `gix::Repository` stays on its thread).
    site_root: PathBuf,
    _dir: tempfile::TempDir,
}

/// One entry of the revision's registry folder.
struct TreeEntry {
    name: OsString,
    mode: gix::object::tree::EntryMode,
    oid: gix::ObjectId,
}

impl Revision {
    /// The revision's registry folder for [`crate::registry::load_listing`],
    /// or `None` when it was written into [`Revision::root`] instead. An
    /// organisation file whose blob id is git's hash of the text of the
    /// organisation with its id in `known` (the working tree's) is
    /// [`Listed::Known`], neither inflated nor parsed; the others are read
    /// from the object database.
    pub fn registry_listing(&self, known: &Registry) -> Result<Option<Listing>, GitError> {
        let Some(entries) = &self.registry else {
            return Ok(None);
        };
        let repo = gix::discover(&self.site_root).map_err(|e| GitError::NotARepository {
            path: self.site_root.display().to_string(),
            detail: e.to_string(),
        })?;
        let kind = repo.object_hash();
        // Hashing every known text is the bulk of the work: in parallel.
        let same: Vec<Option<usize>> = entries
            .par_iter()
            .map(|e| {
                if !e.mode.is_blob() {
                    return None;
                }
                let i = known.position_of_file(&e.name)?;
                let org = known.organisations.get(i)?;
                is_blob_of(kind, &e.oid, org.text.as_bytes()).then_some(i)
            })
            .collect();
        let mut listing = Listing::default();
        for (e, same) in entries.iter().zip(same) {
            let listed = if e.mode.is_tree() {
                Listed::Folder
            } else if e.mode.is_link() {
                Listed::Link
            } else if e.mode.is_commit() {
                // A submodule is not part of a site (nor written, before).
                continue;
            } else if !crate::registry::is_organisation_file(Path::new(&e.name)) {
                Listed::Other
            } else if let Some(i) = same {
                Listed::Known(i)
            } else {
                let object = repo.find_object(e.oid).map_err(|err| GitError::Read {
                    spec: self.spec.clone(),
                    what: format!("`{}`", self.registry_dir.join(&e.name).display()),
                    detail: err.to_string(),
                    hint: missing_revision_hint(&repo, &self.spec),
                })?;
                Listed::File(object.detach().data)
            };
            listing.entries.push((e.name.clone(), listed));
        }
        Ok(Some(listing))
    }
}

/// Is `oid` the id of a blob holding exactly `bytes`?
fn is_blob_of(kind: gix::hash::Kind, oid: &gix::ObjectId, bytes: &[u8]) -> bool {
    gix::objs::compute_hash(kind, gix::objs::Kind::Blob, bytes).is_ok_and(|id| id == *oid)
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
    let mut registry = None;
    let mut registry_dir = PathBuf::new();
    if let Ok(config) = Config::load(&root) {
        registry_dir = config.registry_dir.clone();
        let others = [
            config.content_dir.clone(),
            config.themes_dir.join(&config.theme),
        ];
        registry = writer.listing(&tree, &config.registry_dir, &others)?;
        if registry.is_none() {
            writer.path(&tree, &config.registry_dir)?;
        }
        for folder in others {
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
        registry,
        registry_dir,
        site_root: site_root.to_path_buf(),
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

    /// The entries of the folder `path` of `tree` (none when it is absent),
    /// or `None` when it is to be written instead: when it is not a plain
    /// path, overlaps one of the `others` folders, or is not a folder at
    /// that revision (the loader then says what it is).
    fn listing(
        &self,
        tree: &gix::Tree<'_>,
        path: &Path,
        others: &[PathBuf],
    ) -> Result<Option<Vec<TreeEntry>>, GitError> {
        let Some(path) = plain(path) else {
            return Ok(None);
        };
        let overlaps = others
            .iter()
            .any(|o| plain(o).is_none_or(|o| o.starts_with(&path) || path.starts_with(&o)));
        if overlaps {
            return Ok(None);
        }
        let Some(entry) = tree
            .lookup_entry_by_path(&path)
            .map_err(|e| self.read_error(&path, &e))?
        else {
            return Ok(Some(Vec::new()));
        };
        if !entry.mode().is_tree() {
            return Ok(None);
        }
        let sub = entry
            .object()
            .map_err(|e| self.read_error(&path, &e))?
            .peel_to_tree()
            .map_err(|e| self.read_error(&path, &e))?;
        let decoded = sub.decode().map_err(|e| self.read_error(&path, &e))?;
        Ok(Some(
            decoded
                .entries
                .iter()
                .map(|e| TreeEntry {
                    name: gix::path::from_bstr(e.filename)
                        .into_owned()
                        .into_os_string(),
                    mode: e.mode,
                    oid: e.oid.to_owned(),
                })
                .collect(),
        ))
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

    fn git(root: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git runs (the tests need the git command)");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn only_the_registry_files_that_differ_from_the_working_tree_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let text = "names: {zh: 示例, en: Example}\ncredit_code: 91350100M000100Y43\nregion: fujian\nfounded: 2010-01-01\n";
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        write("site.yaml", "title: {zh: 示例, en: Example}\n");
        write("content/README.md", "content\n");
        write("registry/a.yaml", text);
        write("registry/b.yaml", text);
        write("registry/c.yaml", text);
        write("registry/notes.txt", "notes\n");
        write("registry/sub/x.yaml", text);
        git(root, &["init", "-q"]);
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "first"]);
        // b changes, c is removed, d is new in the working tree.
        write("registry/b.yaml", &text.replace("Example", "Changed"));
        std::fs::remove_file(root.join("registry/c.yaml")).expect("rm");
        write("registry/d.yaml", text);
        let (known, d) = crate::registry::load(&root.join("registry"));
        assert!(!d.has_errors(), "{d}");

        let revision = read_revision(root, "HEAD").expect("the revision reads");
        assert!(
            !revision.root.join("registry").exists(),
            "the registry is not written"
        );
        assert!(revision.root.join("content/README.md").is_file());
        let listing = revision
            .registry_listing(&known)
            .expect("the blobs read")
            .expect("the registry is listed");
        let mut seen: Vec<(String, String)> = listing
            .entries
            .iter()
            .map(|(name, listed)| {
                let what = match listed {
                    Listed::Known(i) => format!("known {}", known.organisations[*i].id),
                    Listed::File(bytes) => format!("read {}", bytes.len()),
                    Listed::Other => "other".into(),
                    Listed::Folder => "folder".into(),
                    Listed::Link => "link".into(),
                };
                (name.to_string_lossy().into_owned(), what)
            })
            .collect();
        seen.sort();
        let read = format!("read {}", text.len());
        let expected = [
            ("a.yaml", "known a"),
            ("b.yaml", read.as_str()),
            ("c.yaml", read.as_str()),
            ("notes.txt", "other"),
            ("sub", "folder"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(seen, expected);

        // Loaded, the revision's registry is the committed one.
        let dir = revision.root.join("registry");
        let (old, _) = crate::registry::load_listing(&dir, listing, &known);
        let names: Vec<(&str, &str)> = old
            .organisations
            .iter()
            .map(|o| (o.id.as_str(), o.data.names.en.as_str()))
            .collect();
        assert_eq!(
            names,
            [("a", "Example"), ("b", "Example"), ("c", "Example")]
        );
        assert_eq!(old.organisations[0].file, dir.join("a.yaml"));
    }

    #[test]
    fn a_registry_inside_the_content_folder_is_written_as_before() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(
            root.join("site.yaml"),
            "title: {zh: 示例, en: Example}\nregistry_dir: content/registry\n",
        )
        .expect("write");
        std::fs::create_dir_all(root.join("content/registry")).expect("mkdir");
        std::fs::write(root.join("content/registry/a.yaml"), "x: 1\n").expect("write");
        git(root, &["init", "-q"]);
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "first"]);
        let revision = read_revision(root, "HEAD").expect("the revision reads");
        assert!(revision.root.join("content/registry/a.yaml").is_file());
        let listing = revision
            .registry_listing(&Registry::default())
            .expect("nothing to read");
        assert!(listing.is_none());
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
