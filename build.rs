//! Gives the program a fingerprint of what it is built from, for the build
//! cache's key (`src/cache.rs`): a hash of dengji's sources, the documents
//! it embeds, its manifest and lock file, the compiler, its flags and the
//! target. Two builds of the same sources share their cache however they
//! were installed; a program file's time, which the key used before,
//! changes with every `cargo install` in CI and emptied the cache there.
//! (The lock file is what `--locked` builds with; without it cargo may
//! pick newer dependencies, which the program's size, also in the key,
//! almost always tells.)

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// What the program is made of, beside the compiler: folders are read
/// whole, in sorted order. The documents are those `include_str!` embeds
/// (`src/render/docs.rs`, `src/export/mod.rs`): list any other embedded
/// file here too.
const INPUTS: [&str; 8] = [
    "build.rs",
    "Cargo.toml",
    "Cargo.lock",
    "src",
    "docs/api.md",
    "docs/api.zh.md",
    "docs/registry.md",
    "docs/registry.zh.md",
];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo::rerun-if-changed={input}");
        collect(&root, &root.join(input), &mut files);
    }
    files.sort();
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    for (name, bytes) in &files {
        field(name.as_bytes());
        field(bytes);
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let compiler = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    field(&compiler);
    for var in [
        "TARGET",
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "CARGO_ENCODED_RUSTFLAGS",
    ] {
        field(std::env::var(var).unwrap_or_default().as_bytes());
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo::rustc-env=DENGJI_FINGERPRINT={hex}");
}

/// Every file under `path` (or `path` itself), named relative to `root`
/// with `/` separators, with its bytes. An unreadable entry is left out:
/// it cannot be compiled in either. Links to folders are not followed
/// (a loop would never end).
fn collect(root: &Path, path: &Path, files: &mut Vec<(String, Vec<u8>)>) {
    let is_folder = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if is_folder {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        for entry in entries.flatten() {
            collect(root, &entry.path(), files);
        }
    } else if let Ok(bytes) = fs::read(path) {
        let name = path.strip_prefix(root).unwrap_or(path);
        let name = name
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push((name, bytes));
    }
}
