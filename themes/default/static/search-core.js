// The pure core of dengji's search client: the tokeniser (the same rules as
// src/search/tokenize.rs), the index's binary formats (documented in
// src/search/mod.rs), set operations on sorted record numbers, matching and
// ranking. No DOM and no network here, so Node's test runner loads it as is.

export const CLASS_PRIMARY = 0;
export const CLASS_OTHER = 1;
export const CLASS_START = 2;
export const CLASS_FACET = 3;

export const KIND_DELTA = 0;
export const KIND_BITMAP = 1;
export const KIND_COMPLEMENT = 2;

const WORD = /[\p{Alphabetic}\p{N}]/u;

/** One character (a string of one code point) normalised. */
export function normaliseChar(c) {
  let cp = c.codePointAt(0);
  if (cp >= 0xff01 && cp <= 0xff5e) c = String.fromCodePoint(cp - 0xfee0);
  else if (cp === 0x3000) c = " ";
  const lower = c.toLowerCase();
  // One code point of the same UTF-16 length, as the Rust side requires.
  if (lower.length === c.length && [...lower].length === 1) return lower;
  return c;
}

/** Normalises a text; the result has the same UTF-16 length. */
export function normalise(text) {
  let out = "";
  for (const c of text) out += normaliseChar(c);
  return out;
}

export const CJK = 1;
export const WORD_CLASS = 2;
export const SEPARATOR = 0;

/** The class of a normalised character. */
export function charClass(c) {
  const cp = c.codePointAt(0);
  if (
    cp === 0x3007 ||
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x323af)
  ) {
    return CJK;
  }
  return WORD.test(c) ? WORD_CLASS : SEPARATOR;
}

/** The CJK and word runs of a text: [{cls, chars: [code point strings]}]. */
export function runs(text) {
  const out = [];
  let current = null;
  for (const raw of text) {
    const c = normaliseChar(raw);
    const cls = charClass(c);
    if (cls === SEPARATOR) {
      if (current) out.push(current);
      current = null;
    } else if (current && current.cls === cls) {
      current.chars.push(c);
    } else {
      if (current) out.push(current);
      current = { cls, chars: [c] };
    }
  }
  if (current) out.push(current);
  return out;
}

function runTokens(run, maxPrefix, out) {
  if (run.cls === CJK) {
    run.chars.forEach((c, i) => {
      out.push(c);
      if (i + 1 < run.chars.length) out.push(c + run.chars[i + 1]);
    });
  } else {
    const n = Math.min(run.chars.length, maxPrefix);
    for (let len = 1; len <= n; len++) out.push(run.chars.slice(0, len).join(""));
  }
}

export const MAX_PREFIX = 12;

/** Every token of a text as the index holds them. */
export function indexTokens(text, maxPrefix = MAX_PREFIX) {
  const out = [];
  for (const run of runs(text)) runTokens(run, maxPrefix, out);
  return out;
}

/** The tokens marking the start of a field. */
export function startTokens(text, maxPrefix = MAX_PREFIX) {
  const out = [];
  const first = runs(text)[0];
  if (!first) return out;
  if (first.cls === CJK) {
    out.push(first.chars[0]);
    if (first.chars.length > 1) out.push(first.chars[0] + first.chars[1]);
  } else {
    runTokens(first, maxPrefix, out);
  }
  return out;
}

/** The tokens to look up for one query term, without duplicates, sorted. */
export function queryTokens(term, maxPrefix = MAX_PREFIX) {
  const out = [];
  for (const run of runs(term)) {
    if (run.cls === CJK && run.chars.length === 1) out.push(run.chars[0]);
    else if (run.cls === CJK) {
      for (let i = 0; i + 1 < run.chars.length; i++) out.push(run.chars[i] + run.chars[i + 1]);
    } else out.push(run.chars.slice(0, maxPrefix).join(""));
  }
  // Rust keeps the first of each; order does not matter to callers.
  const seen = new Set();
  return out.filter((t) => (seen.has(t) ? false : (seen.add(t), true)));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** 32-bit FNV-1a of the UTF-8 bytes, as an unsigned number. */
export function fnv1a32(text) {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Reads an unsigned LEB128 varint at pos.i, advancing it. */
export function readVarint(bytes, pos) {
  let v = 0;
  let scale = 1;
  for (;;) {
    if (pos.i >= bytes.length) throw new Error("truncated varint");
    const b = bytes[pos.i++];
    v += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return v;
    scale *= 128;
    if (scale > 2 ** 49) throw new Error("varint too long");
  }
}

/**
 * Parses a dictionary shard: Map token → array indexed by class of
 * {kind, count, size, inline?: Uint8Array, file?: number}.
 */
export function parseShard(bytes) {
  const pos = { i: 0 };
  const count = readVarint(bytes, pos);
  const map = new Map();
  let prev = new Uint8Array(0);
  for (let e = 0; e < count; e++) {
    const shared = readVarint(bytes, pos);
    const len = readVarint(bytes, pos);
    if (shared > prev.length || pos.i + len > bytes.length) throw new Error("bad shard");
    const token = new Uint8Array(shared + len);
    token.set(prev.subarray(0, shared));
    token.set(bytes.subarray(pos.i, pos.i + len), shared);
    pos.i += len;
    const flags = bytes[pos.i++];
    const entry = { kind: (flags >> 2) & 3, count: readVarint(bytes, pos), size: 0 };
    entry.size = readVarint(bytes, pos);
    if (flags & 0x10) entry.file = readVarint(bytes, pos);
    else {
      if (pos.i + entry.size > bytes.length) throw new Error("bad shard");
      entry.inline = bytes.subarray(pos.i, pos.i + entry.size);
      pos.i += entry.size;
    }
    const key = decoder.decode(token);
    if (!map.has(key)) map.set(key, []);
    map.get(key)[flags & 3] = entry;
    prev = token;
  }
  return map;
}

function decodeDelta(bytes) {
  const out = [];
  const pos = { i: 0 };
  let prev = -1;
  while (pos.i < bytes.length) {
    const v = readVarint(bytes, pos);
    prev = prev < 0 ? v : prev + v + 1;
    out.push(prev);
  }
  return Uint32Array.from(out);
}

/** Decodes a posting list into sorted record numbers. */
export function decodeList(kind, bytes, universe) {
  if (kind === KIND_DELTA) return decodeDelta(bytes);
  if (kind === KIND_BITMAP) {
    const pos = { i: 0 };
    const lo = readVarint(bytes, pos);
    const out = [];
    for (let j = pos.i; j < bytes.length; j++) {
      const b = bytes[j];
      if (b === 0) continue;
      for (let i = 0; i < 8; i++) if (b & (1 << i)) out.push((lo + j - pos.i) * 8 + i);
    }
    return Uint32Array.from(out);
  }
  if (kind === KIND_COMPLEMENT) {
    const absent = decodeDelta(bytes);
    const out = new Uint32Array(universe - absent.length);
    let k = 0;
    let a = 0;
    for (let id = 0; id < universe; id++) {
      if (a < absent.length && absent[a] === id) a++;
      else out[k++] = id;
    }
    return out;
  }
  throw new Error(`unknown list kind ${kind}`);
}

/** Reads a date-order file: record numbers, plain varints. */
export function decodeVarints(bytes) {
  const out = [];
  const pos = { i: 0 };
  while (pos.i < bytes.length) out.push(readVarint(bytes, pos));
  return out;
}

export const EMPTY = new Uint32Array(0);

export function range(n) {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Intersection of two sorted lists. */
export function intersect(a, b) {
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Uint32Array(a.length);
  let k = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const x = a[i];
    while (j < b.length && b[j] < x) j++;
    if (j < b.length && b[j] === x) out[k++] = x;
  }
  return out.subarray(0, k);
}

/** Union of two sorted lists. */
export function union(a, b) {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out[k++] = a[i++];
    else if (i >= a.length || b[j] < a[i]) out[k++] = b[j++];
    else {
      out[k++] = a[i++];
      j++;
    }
  }
  return out.subarray(0, k);
}

/** Records of a that are not in b. */
export function difference(a, b) {
  const out = new Uint32Array(a.length);
  let k = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j] < a[i]) j++;
    if (j >= b.length || b[j] !== a[i]) out[k++] = a[i];
  }
  return out.subarray(0, k);
}

/** Whether sorted list a holds x. */
export function has(a, x) {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < a.length && a[lo] === x;
}

/** The ranked order: tier 0, then the rest of tier 1, then the rest. */
export function rankOrder(all, tier1, tier0, prefer = null) {
  const parts = [tier0, difference(tier1, tier0), difference(all, tier1)];
  const out = new Uint32Array(all.length);
  let k = 0;
  for (const part of parts) {
    if (prefer) {
      const first = intersect(part, prefer);
      out.set(first, k);
      k += first.length;
      const rest = difference(part, prefer);
      out.set(rest, k);
      k += rest.length;
    } else {
      out.set(part, k);
      k += part.length;
    }
  }
  return out;
}

/**
 * The tokens a query term is looked up by: like queryTokens, but a CJK run
 * is covered by every other bigram (and the last), which still requires
 * every character; the check against the real text does the rest.
 */
export function lookupTokens(term, maxPrefix = MAX_PREFIX) {
  const out = [];
  for (const run of runs(term)) {
    if (run.cls === CJK && run.chars.length === 1) out.push(run.chars[0]);
    else if (run.cls === CJK) {
      const last = run.chars.length - 2;
      for (let i = 0; i <= last; i += 2) out.push(run.chars[i] + run.chars[i + 1]);
      if (last % 2 === 1) out.push(run.chars[last] + run.chars[last + 1]);
    } else out.push(run.chars.slice(0, maxPrefix).join(""));
  }
  const seen = new Set();
  return out.filter((t) => (seen.has(t) ? false : (seen.add(t), true)));
}

const TERM_SPLIT = /[\s,;、。!?]+/u;

/**
 * Splits a query into terms, each {text (normalised), tokens}. Terms are
 * split at white space and at list punctuation (commas, 、, 。, semicolons).
 */
export function parseQuery(q, maxPrefix = MAX_PREFIX) {
  const out = [];
  const seen = new Set();
  for (const part of normalise(q).split(TERM_SPLIT)) {
    const text = part.trim();
    if (!text || seen.has(text)) continue;
    const tokens = lookupTokens(text, maxPrefix);
    if (tokens.length === 0) continue;
    seen.add(text);
    out.push({ text, tokens });
  }
  return out;
}

/**
 * Where a normalised term occurs in a text, as [start, end] UTF-16 offsets
 * (the same in the original text), or null. A term that starts with a
 * letter or digit must start a word, as the index only holds word prefixes.
 */
export function findTerm(text, term) {
  const norm = normalise(text);
  const wordStart = charClass(String.fromCodePoint(term.codePointAt(0))) === WORD_CLASS;
  let from = 0;
  for (;;) {
    const at = norm.indexOf(term, from);
    if (at < 0) return null;
    if (!wordStart || at === 0) return [at, at + term.length];
    const before = String.fromCodePoint(norm.codePointAt(at - 1 - (isLowSurrogate(norm, at - 1) ? 1 : 0)));
    if (charClass(before) !== WORD_CLASS) return [at, at + term.length];
    from = at + 1;
  }
}

function isLowSurrogate(s, i) {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i > 0;
}

/**
 * Checks a record against the terms: null when a term is in none of its
 * fields, otherwise the fields that matched, in record order, each
 * {field, name, primary, text, ranges: [[start, end]]}.
 */
export function verify(record, terms, fields) {
  const hits = new Map();
  for (const term of terms) {
    let found = false;
    record.f.forEach(([fi, text], index) => {
      const r = findTerm(text, term.text);
      if (!r) return;
      found = true;
      if (!hits.has(index)) {
        const info = fields[fi] || { name: String(fi), primary: false };
        hits.set(index, { field: index, name: info.name, primary: info.primary, text, ranges: [] });
      }
      hits.get(index).ranges.push(r);
    });
    if (!found) return null;
  }
  return [...hits.values()].sort((a, b) => a.field - b.field);
}

/** Splits a text into [{text, mark}] segments by (possibly overlapping) ranges. */
export function segments(text, ranges) {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const out = [];
  let at = 0;
  for (const [s, e] of merged) {
    if (s > at) out.push({ text: text.slice(at, s), mark: false });
    out.push({ text: text.slice(s, e), mark: true });
    at = e;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}

/** A window of a long text around its first mark, with ellipses. */
export function snippet(text, ranges, width = 80) {
  if (text.length <= width) return { text, ranges };
  const first = ranges.length ? Math.min(...ranges.map((r) => r[0])) : 0;
  const start = Math.max(0, Math.min(first - Math.floor(width / 3), text.length - width));
  const end = Math.min(text.length, start + width);
  const prefix = start > 0 ? "…" : "";
  const shift = prefix.length - start;
  const kept = ranges
    .filter(([s, e]) => s < end && e > start)
    .map(([s, e]) => [Math.max(s, start) + shift, Math.min(e, end) + shift]);
  return { text: prefix + text.slice(start, end) + (end < text.length ? "…" : ""), ranges: kept };
}

/** The kind of a facet token ("region" of "region=beijing"). */
export function facetKind(token) {
  const i = token.indexOf("=");
  return i < 0 ? token : token.slice(0, i);
}

/** Groups facet tokens by kind: Map kind → tokens, in the given order. */
export function groupFacets(tokens) {
  const groups = new Map();
  for (const t of tokens) {
    const k = facetKind(t);
    if (!groups.has(k)) groups.set(k, []);
    if (!groups.get(k).includes(t)) groups.get(k).push(t);
  }
  return groups;
}

/**
 * Reads a filter state from URL parameters: q, sort, page, and facet
 * values for the given kinds (repeated parameters, `region=beijing`).
 */
export function stateFromParams(params, kinds) {
  const facets = [];
  for (const kind of kinds) for (const v of params.getAll(kind)) if (v) facets.push(`${kind}=${v}`);
  const page = Number.parseInt(params.get("page") || "1", 10);
  return {
    q: params.get("q") || "",
    facets,
    sort: params.get("sort") === "date" ? "date" : "name",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** The URL parameters of a filter state (defaults left out). */
export function paramsFromState(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const t of state.facets) {
    const i = t.indexOf("=");
    if (i > 0) params.append(t.slice(0, i), t.slice(i + 1));
  }
  if (state.sort === "date") params.set("sort", "date");
  if (state.page > 1) params.set("page", String(state.page));
  return params;
}

/**
 * Walks date-order buckets for the records of `set` (a membership test),
 * returning the record numbers at positions start..end of the date order.
 * `bucket(k)` resolves to the record numbers of bucket k; stops early.
 */
export async function walkDateOrder(bucketCount, bucket, member, start, end) {
  const out = [];
  let seen = 0;
  for (let k = 0; k < bucketCount && seen < end; k++) {
    for (const id of await bucket(k)) {
      if (!member(id)) continue;
      if (seen >= start && seen < end) out.push(id);
      seen++;
      if (seen >= end) break;
    }
  }
  return out;
}

/** Orders records by date (latest first, undated last), then number. */
export function compareByDate(a, b) {
  const da = a.t || "";
  const db = b.t || "";
  if (da !== db) {
    if (!da) return 1;
    if (!db) return -1;
    return da < db ? 1 : -1;
  }
  return a.id - b.id;
}
