//! A compact static search index, fetched piece by piece by the browser
//! (`themes/default/static/search.js`). One engine serves two instances: the
//! directory of organisations and the standards' text.
//!
//! # Matching
//! Texts are tokenised by [`tokenize`]: CJK runs into characters and
//! character pairs, words into prefixes. A query term matches a record when
//! the record holds every token of the term; multi-term queries are AND
//! across terms, each term in any field. The client then checks the term
//! against the record's real field text (n-grams can match in pieces) and
//! marks where it matched.
//!
//! Each token has up to four posting lists, by *class*: `0` the token occurs
//! in a primary field (a name, a clause heading), `1` in another field,
//! `2` at the start of a primary field, `3` a facet token such as
//! `region=beijing` (facet tokens contain `=`, which text tokens never do).
//! Ranking uses the classes: the first query token at the start of a primary
//! field, then every token in a primary field, then the rest; ties in record
//! order.
//!
//! # Files (paths relative to the index folder)
//! - `manifest.json`: `{"format": 1, "records": n, "hash": "fnv1a32",
//!   "max_prefix": 12, "shards": s, "chunk": c, "chunks": k,
//!   "chunk_bytes": average size of a record chunk, "fields": [{"name",
//!   "primary"}], "facets": [{"token", "zh", "en", "count"}], "date":
//!   {"bucket": b, "buckets": m, "bytes": total size of the date files} |
//!   null}`. The sizes let the client choose the cheaper way to sort.
//! - `s/<i>.bin`, `i < shards`: the dictionary entries of every token whose
//!   32-bit FNV-1a hash of its UTF-8 bytes is `i` modulo `shards`. A shard is
//!   `varint entry count`, then per entry, sorted by token bytes then class:
//!   `varint shared` (bytes shared with the previous entry's token),
//!   `varint len`, `len` bytes (the rest of the token), `u8 flags` (bits 0–1
//!   class, bits 2–3 list kind, bit 4 external), `varint count` (records in
//!   the list), `varint bytes` (encoded list length), then either the list
//!   (inline) or `varint file` (external, in `l/<file>.bin`).
//! - `l/<j>.bin`: one posting list too large to inline, nothing else;
//!   entries whose lists are identical share the file.
//! - Posting lists ([`encode`]), over record numbers `0..n`: kind 0 the first
//!   number then each gap less one as varints; kind 1 `varint lo` then a
//!   bitmap whose bit `i` of byte `j` is record `(lo + j) * 8 + i`; kind 2
//!   the records *not* in the list as kind 0. Each list takes the smallest.
//! - `r/<k>.json`: records `k*c .. k*c+c` as a JSON array of
//!   `{"f": [[field, text], …], "t": "2024-04-15", "d": display}` (`field`
//!   indexes `fields`; `t`, the date, only on dated records).
//! - `d/<k>.bin`: the records in date order (latest first, ties in record
//!   order, undated last), `bucket` per file, as plain varints. Sorting a
//!   result set by date walks these files from the first until a page is
//!   full.
//!
//! Varints are unsigned LEB128. Output is deterministic: everything is
//! emitted in sorted order.

pub mod encode;
pub mod tokenize;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use encode::{encode_list, put_varint};

/// One searchable text of a record.
#[derive(Debug, Clone)]
pub struct Field {
    /// e.g. "name_zh", "former_name", "certificate"; for clauses "number",
    /// "heading", "text". The client labels matches with it.
    pub name: &'static str,
    pub text: String,
    /// Names and headings: matches here rank first.
    pub primary: bool,
}

impl Field {
    pub fn primary(name: &'static str, text: impl Into<String>) -> Field {
        Field {
            name,
            text: text.into(),
            primary: true,
        }
    }

    pub fn other(name: &'static str, text: impl Into<String>) -> Field {
        Field {
            name,
            text: text.into(),
            primary: false,
        }
    }
}

/// One record: what is searched, its facet tokens, its date (for sorting by
/// date), and what the client shows.
#[derive(Debug, Clone)]
pub struct Record {
    pub fields: Vec<Field>,
    /// Opaque tokens like "standard=csi-grading" or "region=beijing".
    pub facets: Vec<String>,
    pub date: Option<jiff::civil::Date>,
    pub display: serde_json::Value,
}

/// The labels of a facet token, shown by the client's filters.
#[derive(Debug, Clone)]
pub struct FacetLabel {
    pub token: String,
    pub zh: String,
    pub en: String,
}

/// Sizes that shape the index; [`IndexOptions::default`] is what the site
/// uses (see benches/SEARCH.md for the measurements behind them).
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Aim for dictionary shards of about this many bytes.
    pub shard_target: usize,
    /// Posting lists longer than this many bytes get a file of their own.
    pub inline_max: usize,
    /// Aim for record chunks of about this many bytes.
    pub chunk_target: usize,
    /// Records per date-order file.
    pub date_bucket: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            shard_target: 4 * 1024,
            inline_max: 512,
            chunk_target: 2 * 1024,
            date_bucket: 1024,
        }
    }
}

pub const CLASS_PRIMARY: u8 = 0;
pub const CLASS_OTHER: u8 = 1;
pub const CLASS_START: u8 = 2;
pub const CLASS_FACET: u8 = 3;

/// 32-bit FNV-1a, which assigns tokens to shards.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Builds the index with the default options.
pub fn build_index(records: &[Record], facets: &[FacetLabel]) -> Vec<(String, Vec<u8>)> {
    build_index_with(records, facets, &IndexOptions::default())
}

/// Builds the index of `n` records made by `record(i)`, with the default
/// options, handing each file to `put` (path, bytes) as it is made, in no
/// particular order. Each record is made, tokenised and measured a block
/// at a time and dropped, then made again for its chunk file: a large
/// index never holds every record, only its postings.
pub fn build_index_of(
    n: usize,
    record: &(dyn Fn(usize) -> Record + Sync),
    facets: &[FacetLabel],
    put: &(dyn Fn(String, Vec<u8>) + Sync),
) {
    build_index_from(n, record, facets, &IndexOptions::default(), put);
}

/// Where the index's files go, (path, bytes) each.
type Sink<'a> = &'a (dyn Fn(String, Vec<u8>) + Sync);

/// Records made and tokenised at a time.
const BLOCK: usize = 4096;

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    records: usize,
    hash: &'static str,
    max_prefix: usize,
    shards: usize,
    chunk: usize,
    chunks: usize,
    chunk_bytes: usize,
    fields: Vec<FieldInfo<'a>>,
    facets: Vec<FacetInfo<'a>>,
    date: Option<DateInfo>,
}

#[derive(Serialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct FieldInfo<'a> {
    name: &'a str,
    primary: bool,
}

#[derive(Serialize)]
struct FacetInfo<'a> {
    token: &'a str,
    zh: &'a str,
    en: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct DateInfo {
    bucket: usize,
    buckets: usize,
    bytes: usize,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    f: Vec<(usize, &'a str)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    d: &'a serde_json::Value,
}

/// One dictionary entry before it is placed in a shard.
struct Entry<'a> {
    token: &'a str,
    class: u8,
    kind: encode::ListKind,
    count: usize,
    list: Vec<u8>,
}

/// The distinct (token, class) pairs of one record: the record's
/// normalised texts and facets in one buffer, and byte ranges of it with
/// their class, in order of first occurrence (the dictionary is sorted
/// once, at the end).
type RecordTokens = (String, Vec<(usize, usize, u8)>);

fn record_tokens(record: &Record) -> RecordTokens {
    let mut buf = String::new();
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    for field in &record.fields {
        let at = buf.len();
        buf.push_str(&tokenize::normalise(&field.text));
        let norm = &buf[at..];
        let class = if field.primary {
            CLASS_PRIMARY
        } else {
            CLASS_OTHER
        };
        ranges.clear();
        tokenize::index_token_ranges(norm, &mut ranges);
        out.extend(ranges.iter().map(|&(a, b)| (at + a, at + b, class)));
        if field.primary {
            ranges.clear();
            tokenize::start_token_ranges(norm, &mut ranges);
            out.extend(ranges.iter().map(|&(a, b)| (at + a, at + b, CLASS_START)));
        }
    }
    for facet in &record.facets {
        let at = buf.len();
        buf.push_str(facet);
        out.push((at, buf.len(), CLASS_FACET));
    }
    // A clause repeats its characters and pairs. The set only answers
    // "seen before?", so its hasher does not affect the output.
    {
        let mut seen: FxHashSet<(&str, u8)> =
            FxHashSet::with_capacity_and_hasher(out.len(), Default::default());
        out.retain(|&(a, b, class)| seen.insert((&buf[a..b], class)));
    }
    (buf, out)
}

/// A record's distinct tokens ([`record_tokens`]) grouped by merge
/// bucket: those of bucket `k` are `pairs[starts[k]..starts[k + 1]]`.
struct BucketedTokens {
    buf: String,
    pairs: Vec<(usize, usize, u8)>,
    starts: Vec<usize>,
}

impl BucketedTokens {
    fn of_bucket(&self, bucket: usize) -> impl Iterator<Item = (&str, u8)> {
        self.pairs[self.starts[bucket]..self.starts[bucket + 1]]
            .iter()
            .map(|&(a, b, class)| (&self.buf[a..b], class))
    }
}

/// How many buckets the tokens are merged in: a few per thread, so that
/// the threads stay busy when buckets differ in size.
fn merge_buckets() -> usize {
    rayon::current_num_threads() * 4
}

/// The bucket of a token, by its hash.
fn bucket_of(token: &str, buckets: usize) -> usize {
    fnv1a32(token.as_bytes()) as usize % buckets
}

fn bucketed((buf, pairs): RecordTokens, buckets: usize) -> BucketedTokens {
    // A counting sort: stable, so each bucket keeps the record's order.
    let keys: Vec<usize> = pairs
        .iter()
        .map(|p| bucket_of(&buf[p.0..p.1], buckets))
        .collect();
    let mut starts = vec![0; buckets + 1];
    for &bucket in &keys {
        starts[bucket + 1] += 1;
    }
    for k in 0..buckets {
        starts[k + 1] += starts[k];
    }
    let mut next = starts.clone();
    let mut sorted = vec![(0, 0, 0); pairs.len()];
    for (&bucket, p) in keys.iter().zip(pairs) {
        sorted[next[bucket]] = p;
        next[bucket] += 1;
    }
    BucketedTokens {
        buf,
        pairs: sorted,
        starts,
    }
}

/// The postings of the tokens of one merge bucket: each token's record
/// lists by class. Never iterated in an order that reaches the output
/// (the dictionary is sorted by token), so neither the hasher nor the
/// map's order matters.
#[derive(Default)]
struct Postings(FxHashMap<String, [Vec<u32>; 4]>);

impl Postings {
    /// Adds `record`, which follows every record added so far, to the
    /// lists of its tokens.
    fn add<'t>(&mut self, record: u32, tokens: impl Iterator<Item = (&'t str, u8)>) {
        for (token, class) in tokens {
            let lists = match self.0.get_mut(token) {
                Some(lists) => lists,
                None => self.0.entry(token.to_string()).or_default(),
            };
            lists[class as usize].push(record);
        }
    }
}

/// Numbers the fields of `r` in `fields` (new ones added in order of
/// first use).
fn number_fields(
    r: &Record,
    fields: &mut Vec<FieldInfo<'static>>,
    field_index: &mut BTreeMap<FieldInfo<'static>, usize>,
) {
    for f in &r.fields {
        let info = FieldInfo {
            name: f.name,
            primary: f.primary,
        };
        field_index.entry(info.clone()).or_insert_with(|| {
            fields.push(info);
            fields.len() - 1
        });
    }
}

/// A record as its chunk file holds it, its fields numbered by
/// `field_index` ([`number_fields`] saw it first).
fn encode_record(r: &Record, field_index: &BTreeMap<FieldInfo<'static>, usize>) -> Vec<u8> {
    let f = r
        .fields
        .iter()
        .map(|f| {
            let info = FieldInfo {
                name: f.name,
                primary: f.primary,
            };
            // The first pass numbered every field of every record.
            debug_assert!(field_index.contains_key(&info));
            let i = field_index.get(&info).copied().unwrap_or_default();
            (i, f.text.as_str())
        })
        .collect();
    let out = RecordOut {
        f,
        t: r.date.map(|d| d.to_string()),
        d: &r.display,
    };
    serde_json::to_vec(&out).unwrap_or_default()
}

/// Builds every file of one index, paths relative to the index folder,
/// sorted by path.
pub fn build_index_with(
    records: &[Record],
    facets: &[FacetLabel],
    options: &IndexOptions,
) -> Vec<(String, Vec<u8>)> {
    collected(records.len(), &|i| records[i].clone(), facets, options)
}

/// As [`build_index_from`], every file returned, sorted by path.
fn collected(
    n: usize,
    record: &(dyn Fn(usize) -> Record + Sync),
    facets: &[FacetLabel],
    options: &IndexOptions,
) -> Vec<(String, Vec<u8>)> {
    let files = std::sync::Mutex::new(Vec::new());
    let put = |path: String, bytes: Vec<u8>| {
        crate::lock(&files).push((path, bytes));
    };
    build_index_from(n, record, facets, options, &put);
    let mut files = crate::into_inner(files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// As [`build_index_with`], for the `n` records `record(i)` makes, each
/// file handed to `put`.
fn build_index_from(
    n: usize,
    record: &(dyn Fn(usize) -> Record + Sync),
    facets: &[FacetLabel],
    options: &IndexOptions,
    put: Sink,
) {
    let universe = u32::try_from(n).unwrap_or(u32::MAX);

    // Postings, per token, per class, and each record's date and the
    // length of its JSON. Records are made and tokenised in parallel a
    // block at a time; fields are numbered in record order (in order of
    // first use). Tokens are merged into postings in parallel too, each
    // task owning the tokens of one hash bucket and reading the block in
    // record order, so that lists come out sorted.
    let mut buckets: Vec<Postings> = (0..merge_buckets()).map(|_| Postings::default()).collect();
    let mut fields: Vec<FieldInfo> = Vec::new();
    let mut field_index: BTreeMap<FieldInfo, usize> = BTreeMap::new();
    let mut encoded_bytes = 0usize;
    let mut dates: Vec<Option<jiff::civil::Date>> = Vec::with_capacity(n);
    for start in (0..n).step_by(BLOCK) {
        let tokenised: Vec<(Record, BucketedTokens)> = (start..n.min(start + BLOCK))
            .into_par_iter()
            .map(|i| {
                let r = record(i);
                let tokens = bucketed(record_tokens(&r), buckets.len());
                (r, tokens)
            })
            .collect();
        for (r, _) in &tokenised {
            number_fields(r, &mut fields, &mut field_index);
            encoded_bytes += encode_record(r, &field_index).len();
            dates.push(r.date);
        }
        buckets
            .par_iter_mut()
            .enumerate()
            .for_each(|(bucket, postings)| {
                for (i, (_, tokens)) in tokenised.iter().enumerate() {
                    postings.add((start + i) as u32, tokens.of_bucket(bucket));
                }
            });
    }
    let (tokens, postings): (Vec<String>, Vec<[Vec<u32>; 4]>) =
        buckets.into_iter().flat_map(|b| b.0).unzip();

    // Dictionary entries, in token order, each list in its smallest form.
    let mut order: Vec<usize> = (0..tokens.len()).collect();
    order.sort_unstable_by(|&a, &b| tokens[a].as_bytes().cmp(tokens[b].as_bytes()));
    let entries: Vec<Entry> = order
        .par_iter()
        .flat_map_iter(|&t| {
            let token = tokens[t].as_str();
            postings[t]
                .iter()
                .enumerate()
                .filter(|(_, list)| !list.is_empty())
                .map(move |(class, list)| {
                    let (kind, bytes) = encode_list(list, universe);
                    Entry {
                        token,
                        class: class as u8,
                        kind,
                        count: list.len(),
                        list: bytes,
                    }
                })
        })
        .collect();
    // The lists are encoded in the entries.
    drop(postings);
    let facet_counts: BTreeMap<String, usize> = entries
        .iter()
        .filter(|e| e.class == CLASS_FACET)
        .map(|e| (e.token.to_string(), e.count))
        .collect();

    // Shards: as many as keep each near the target size.
    let estimate: usize = entries
        .iter()
        .map(|e| {
            e.token.len()
                + 6
                + if e.list.len() > options.inline_max {
                    3
                } else {
                    e.list.len()
                }
        })
        .sum();
    let shard_count = estimate.div_ceil(options.shard_target.max(1)).max(1);
    let mut shards: Vec<Vec<&Entry>> = vec![Vec::new(); shard_count];
    for e in &entries {
        shards[fnv1a32(e.token.as_bytes()) as usize % shard_count].push(e);
    }
    let mut external: HashMap<&[u8], usize> = HashMap::new();
    let mut files_external = 0usize;
    for (i, shard) in shards.iter().enumerate() {
        let mut out = Vec::new();
        put_varint(&mut out, shard.len() as u64);
        let mut prev: &[u8] = &[];
        for e in shard {
            let token = e.token.as_bytes();
            let shared = prev.iter().zip(token).take_while(|(a, b)| a == b).count();
            put_varint(&mut out, shared as u64);
            put_varint(&mut out, (token.len() - shared) as u64);
            out.extend_from_slice(&token[shared..]);
            let is_external = e.list.len() > options.inline_max;
            out.push(e.class | (e.kind as u8) << 2 | u8::from(is_external) << 4);
            put_varint(&mut out, e.count as u64);
            put_varint(&mut out, e.list.len() as u64);
            if is_external {
                // Lists with the same records share a file (风险 and 评估
                // often do), so a query fetches it once.
                let file = *external.entry(&e.list).or_insert_with_key(|list| {
                    put(format!("l/{files_external}.bin"), list.to_vec());
                    files_external += 1;
                    files_external - 1
                });
                put_varint(&mut out, file as u64);
            } else {
                out.extend_from_slice(&e.list);
            }
            prev = token;
        }
        put(format!("s/{i}.bin"), out);
    }
    drop(shards);
    drop(external);
    drop(entries);
    drop(tokens);

    // Record chunks, their records made again and encoded, in parallel.
    let average = encoded_bytes / n.max(1);
    let chunk = (options.chunk_target / average.max(1)).clamp(1, 256);
    let chunks = n.div_ceil(chunk);
    let chunk_bytes: usize = (0..chunks)
        .into_par_iter()
        .map(|k| {
            let mut out = vec![b'['];
            for (i, r) in (k * chunk..n.min((k + 1) * chunk)).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&encode_record(&record(r), &field_index));
            }
            out.push(b']');
            let bytes = out.len();
            put(format!("r/{k}.json"), out);
            bytes
        })
        .sum();

    // Date order.
    let date = if dates.iter().any(Option::is_some) {
        let mut by_date: Vec<u32> = (0..universe).collect();
        by_date.sort_by(|&a, &b| {
            let (da, db) = (dates[a as usize], dates[b as usize]);
            // Latest first, undated last, then record order.
            db.cmp(&da)
                .then_with(|| da.is_none().cmp(&db.is_none()))
                .then(a.cmp(&b))
        });
        let bucket = options.date_bucket.max(1);
        let mut bytes = 0;
        for (k, group) in by_date.chunks(bucket).enumerate() {
            let mut out = Vec::new();
            for &id in group {
                put_varint(&mut out, u64::from(id));
            }
            bytes += out.len();
            put(format!("d/{k}.bin"), out);
        }
        Some(DateInfo {
            bucket,
            buckets: n.div_ceil(bucket),
            bytes,
        })
    } else {
        None
    };

    // The manifest: labelled facets in the order given, then any others.
    let mut facet_infos: Vec<FacetInfo> = Vec::new();
    let mut labelled = BTreeSet::new();
    for f in facets {
        if labelled.insert(f.token.as_str()) {
            facet_infos.push(FacetInfo {
                token: &f.token,
                zh: &f.zh,
                en: &f.en,
                count: facet_counts.get(f.token.as_str()).copied().unwrap_or(0),
            });
        }
    }
    for (token, &count) in &facet_counts {
        let token = token.as_str();
        if !labelled.contains(token) {
            facet_infos.push(FacetInfo {
                token,
                zh: token,
                en: token,
                count,
            });
        }
    }
    let manifest = Manifest {
        format: 1,
        records: n,
        hash: "fnv1a32",
        max_prefix: tokenize::MAX_PREFIX,
        shards: shard_count,
        chunk,
        chunks,
        chunk_bytes: chunk_bytes / chunks.max(1),
        fields,
        facets: facet_infos,
        date,
    };
    put(
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    );
}

#[cfg(test)]
mod tests;
