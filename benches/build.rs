//! Benchmarks of the bundled site: the whole build in memory (load → model →
//! render), and the parse of the largest standard on its own.
//!
//! Run: `cargo bench --bench build`. Results are recorded in benches/RESULTS.md.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use dengji::model::parse::SourceFile;
use dengji::render::RenderOptions;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bundled_build(c: &mut Criterion) {
    let root = root();
    c.bench_function("build bundled site (in memory)", |b| {
        b.iter(|| {
            let build = dengji::build_site(
                &root,
                jiff::civil::date(2026, 11, 21),
                RenderOptions::default(),
            );
            assert!(build.is_ok());
        })
    });
}

fn parse_largest_standard(c: &mut Criterion) {
    let dir = root().join("content/csi-grading/zh");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let files: Vec<SourceFile> = paths
        .into_iter()
        .filter_map(|path| {
            std::fs::read_to_string(&path)
                .ok()
                .map(|text| SourceFile { path, text })
        })
        .collect();
    c.bench_function("parse csi-grading (432 clauses)", |b| {
        b.iter(|| dengji::model::parse_standard("csi-grading", "zh", &files))
    });
}

criterion_group!(benches, bundled_build, parse_largest_standard);
criterion_main!(benches);
