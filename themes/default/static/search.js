// dengji's search client: fetches the pieces of a static index (format in
// src/search/mod.rs) as a query needs them, caches them, and answers
// queries, facet filters and sorted pages. Used by search-page.js and
// directory.js; the pure parts are in search-core.js.
import {
  CLASS_FACET,
  CLASS_OTHER,
  CLASS_PRIMARY,
  CLASS_START,
  EMPTY,
  compareByDate,
  decodeList,
  decodeVarints,
  fnv1a32,
  groupFacets,
  has,
  intersect,
  parseQuery,
  parseShard,
  range,
  rankOrder,
  union,
  verify,
  walkDateOrder,
} from "./search-core.js";

export * from "./search-core.js";

/** One index (organisations or the standards' text) at a folder URL. */
export class SearchIndex {
  /**
   * @param {string} url the index folder, ending in "/"
   * @param {(url: string) => Promise<ArrayBuffer>} [load] fetches a file
   */
  constructor(url, load) {
    this.url = url.endsWith("/") ? url : `${url}/`;
    this.load =
      load ||
      (async (u) => {
        const response = await fetch(u);
        if (!response.ok) throw new Error(`${u}: ${response.status}`);
        return response.arrayBuffer();
      });
    this.files = new Map();
    this.lists = new Map();
    /** Files fetched and their decoded bytes, for the measurements. */
    this.stats = { files: 0, bytes: 0 };
  }

  /** A file's bytes, fetched once. */
  file(path) {
    if (!this.files.has(path)) {
      const p = this.load(this.url + path).then((buf) => {
        this.stats.files++;
        this.stats.bytes += buf.byteLength;
        return new Uint8Array(buf);
      });
      // A failed fetch may be retried later.
      p.catch(() => this.files.delete(path));
      this.files.set(path, p);
    }
    return this.files.get(path);
  }

  async manifest() {
    if (!this.manifestPromise) {
      this.manifestPromise = this.file("manifest.json").then((b) => JSON.parse(new TextDecoder().decode(b)));
    }
    return this.manifestPromise;
  }

  /** The dictionary entries of a token, by class (an array, maybe sparse). */
  async entries(token) {
    const m = await this.manifest();
    const shard = fnv1a32(token) % m.shards;
    const key = `s/${shard}.bin`;
    if (!this.lists.has(key)) this.lists.set(key, this.file(key).then(parseShard));
    const map = await this.lists.get(key);
    return map.get(token) || [];
  }

  /** The records under a token in one class, sorted. */
  async list(token, cls) {
    const key = `${cls}\u0000${token}`;
    if (!this.lists.has(key)) {
      this.lists.set(
        key,
        (async () => {
          const m = await this.manifest();
          const entry = (await this.entries(token))[cls];
          if (!entry) return EMPTY;
          const bytes = entry.inline || (await this.file(`l/${entry.file}.bin`));
          return decodeList(entry.kind, bytes, m.records);
        })(),
      );
    }
    return this.lists.get(key);
  }

  /**
   * The records having the facets: OR within a kind, AND across kinds.
   * Null when no facet is given (every record).
   */
  async facetSet(tokens) {
    if (!tokens || tokens.length === 0) return null;
    let out = null;
    for (const group of groupFacets(tokens).values()) {
      const lists = await Promise.all(group.map((t) => this.list(t, CLASS_FACET)));
      const any = lists.reduce((a, b) => union(a, b), EMPTY);
      out = out ? intersect(out, any) : any;
    }
    return out;
  }

  /**
   * Runs a query with facet filters. Resolves to a result: {terms, count,
   * order (record numbers, best first)}. An empty query lists every record
   * (that has the facets) in record order.
   * @param {string} q
   * @param {{facets?: string[], prefer?: string}} [options] prefer: a facet
   *   token whose records rank first within each tier (e.g. "lang=zh").
   */
  async search(q, options = {}) {
    const m = await this.manifest();
    const terms = parseQuery(q || "", m.max_prefix);
    const facetPromise = this.facetSet(options.facets);
    const preferPromise = options.prefer ? this.list(options.prefer, CLASS_FACET) : Promise.resolve(null);
    if (terms.length === 0) {
      const facets = await facetPromise;
      const order = facets || range(m.records);
      return { terms, count: order.length, order };
    }
    const tokens = [...new Set(terms.flatMap((t) => t.tokens))];
    // Dictionary first: a token missing from it ends the query before any
    // posting list is fetched.
    const entries = await Promise.all(tokens.map((t) => this.entries(t)));
    if (entries.some((e) => !e[CLASS_PRIMARY] && !e[CLASS_OTHER])) {
      return { terms, count: 0, order: EMPTY };
    }
    const first = terms[0].tokens[0];
    const [primary, other, start, facets, prefer] = await Promise.all([
      Promise.all(tokens.map((t) => this.list(t, CLASS_PRIMARY))),
      Promise.all(tokens.map((t) => this.list(t, CLASS_OTHER))),
      this.list(first, CLASS_START),
      facetPromise,
      preferPromise,
    ]);
    let all = null;
    let tier1 = null;
    tokens.forEach((_, i) => {
      const any = union(primary[i], other[i]);
      all = all ? intersect(all, any) : any;
      tier1 = tier1 ? intersect(tier1, primary[i]) : primary[i];
    });
    if (facets) all = intersect(all, facets);
    tier1 = intersect(tier1, all);
    const tier0 = intersect(tier1, start);
    const order = rankOrder(all, tier1, tier0, prefer);
    return { terms, count: order.length, order };
  }

  /** Records by number: Map number → {f, t?, d}. */
  async records(ids) {
    const m = await this.manifest();
    const chunks = [...new Set(ids.map((id) => Math.floor(id / m.chunk)))];
    const loaded = await Promise.all(
      chunks.map(async (k) => {
        const key = `r/${k}.json`;
        if (!this.lists.has(key)) {
          this.lists.set(key, this.file(key).then((b) => JSON.parse(new TextDecoder().decode(b))));
        }
        return [k, await this.lists.get(key)];
      }),
    );
    const byChunk = new Map(loaded);
    const out = new Map();
    for (const id of ids) {
      const r = byChunk.get(Math.floor(id / m.chunk))?.[id % m.chunk];
      if (r) out.set(id, r);
    }
    return out;
  }

  /**
   * One page of a result: the records at positions start..start+size of its
   * order, each {id, record, display, matches}; records that fail the
   * check against their real text (an n-gram coincidence) are left out and
   * counted in `dropped`.
   */
  async page(result, start, size) {
    const m = await this.manifest();
    const ids = Array.from(result.order.subarray(start, start + size));
    const records = await this.records(ids);
    const items = [];
    let dropped = 0;
    for (const id of ids) {
      const record = records.get(id);
      if (!record) continue;
      let matches = [];
      if (result.terms.length) {
        matches = verify(record, result.terms, m.fields);
        if (!matches) {
          dropped++;
          continue;
        }
      }
      items.push({ id, record, display: record.d, matches });
    }
    return { items, dropped };
  }

  /**
   * Record numbers of `set` (sorted; null for every record) at positions
   * start..end of the date order (latest first). Walks the date-order files
   * from the newest, or, when that would fetch more, loads the records of
   * the set and sorts them; the manifest's sizes decide.
   */
  async dateOrder(set, start, end) {
    const m = await this.manifest();
    const count = set ? set.length : m.records;
    if (!m.date || count === 0) return Array.from((set || range(m.records)).subarray(start, end));
    const walk = m.date.bytes * Math.min(1, end / count);
    const chunks = set ? new Set(Array.from(set, (id) => Math.floor(id / m.chunk))).size : m.chunks;
    const load = chunks * m.chunk_bytes;
    if (set && load < walk) {
      const records = await this.records(Array.from(set));
      const rows = Array.from(set, (id) => ({ id, t: records.get(id)?.t }));
      rows.sort(compareByDate);
      return rows.slice(start, end).map((r) => r.id);
    }
    const member = set ? (id) => has(set, id) : () => true;
    return walkDateOrder(
      m.date.buckets,
      async (k) => {
        const key = `d/${k}.bin`;
        if (!this.lists.has(key)) this.lists.set(key, this.file(key).then(decodeVarints));
        return this.lists.get(key);
      },
      member,
      start,
      end,
    );
  }
}
