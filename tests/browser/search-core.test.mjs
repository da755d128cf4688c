// The search client against an index built by the Rust builder
// (fixtures/search-index/, kept current by src/search/tests.rs), in Node: no
// browser needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  SearchIndex,
  decodeList,
  fnv1a32,
  indexTokens,
  normalise,
  paramsFromState,
  parseQuery,
  queryTokens,
  segments,
  snippet,
  startTokens,
  stateFromParams,
  findTerm,
} from "../../themes/default/static/search.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, "fixtures", "search-index");

function openFixture() {
  const index = new SearchIndex("fixture/", async (url) => {
    const bytes = readFileSync(join(fixture, url.slice("fixture/".length)));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  });
  return index;
}

async function ids(q, options) {
  const index = openFixture();
  const result = await index.search(q, options);
  const { items } = await index.page(result, 0, 100);
  return items.map((i) => i.display.id);
}

test("tokeniser agrees with the Rust vectors", () => {
  const vectors = JSON.parse(readFileSync(join(here, "fixtures", "search-vectors.json"), "utf8"));
  assert.ok(vectors.cases.length >= 10);
  for (const c of vectors.cases) {
    assert.equal(normalise(c.text), c.normalised, c.text);
    assert.deepEqual(indexTokens(c.text), c.index, c.text);
    assert.deepEqual(queryTokens(c.text), c.query, c.text);
    assert.deepEqual(startTokens(c.text), c.start, c.text);
    assert.equal(fnv1a32(c.text).toString(16).padStart(8, "0"), c.fnv1a32, c.text);
  }
});

test("posting lists decode in all three forms", () => {
  assert.deepEqual(Array.from(decodeList(0, Uint8Array.from([3, 0, 0xc3, 0x01]), 1000)), [3, 4, 200]);
  assert.deepEqual(Array.from(decodeList(1, Uint8Array.from([100, 0b101, 0x80]), 1000)), [800, 802, 815]);
  const complement = Array.from(decodeList(2, Uint8Array.from([5, 0xe1, 0x07]), 1000));
  assert.equal(complement.length, 998);
  assert.ok(!complement.includes(5) && !complement.includes(999) && complement.includes(998));
  assert.throws(() => decodeList(0, Uint8Array.from([0x80]), 10));
});

test("queries split into terms of tokens", () => {
  assert.deepEqual(parseQuery("北京 风险评估"), [
    { text: "北京", tokens: ["北京"] },
    { text: "风险评估", tokens: ["风险", "评估"] },
  ]);
  // Every other bigram covers a CJK run; an odd one takes the last too.
  assert.deepEqual(parseQuery("信息安全风险评估服务")[0].tokens, ["信息", "安全", "风险", "评估", "服务"]);
  assert.deepEqual(parseQuery("风险评")[0].tokens, ["风险", "险评"]);
  assert.deepEqual(parseQuery("应急响应服务")[0].tokens, ["应急", "响应", "服务"]);
  assert.deepEqual(parseQuery("ＹＪ－００６２，北"), [
    { text: "yj-0062", tokens: ["yj", "0062"] },
    { text: "北", tokens: ["北"] },
  ]);
  assert.deepEqual(parseQuery(" ， "), []);
});

test("Chinese partial words find organisations, names first", async () => {
  assert.deepEqual(await ids("络安"), ["beiming", "biwu"]);
  assert.deepEqual(await ids("网络安全"), ["beiming", "biwu"]);
  // The name that starts with it, then region and former-name matches in
  // record order.
  assert.deepEqual(await ids("北京"), ["beijing", "biwu", "jinghua"]);
  // One character: unigrams.
  assert.deepEqual(await ids("溟"), ["beiming"]);
  assert.deepEqual(await ids("不存在"), []);
});

test("terms are AND across fields", async () => {
  assert.deepEqual(await ids("北京 风险评估"), ["beijing", "biwu", "jinghua"]);
  assert.deepEqual(await ids("北京 应急响应"), ["biwu"]);
  assert.deepEqual(await ids("黑龙江 应急"), ["beiming"]);
});

test("Latin prefixes and certificate numbers", async () => {
  assert.deepEqual(await ids("cyber"), ["beiming", "biwu"]);
  assert.deepEqual(await ids("CYBERSECURITY"), ["beiming", "biwu"]);
  assert.deepEqual(await ids("YJ-0062"), ["beiming"]);
  assert.deepEqual(await ids("csi-2021"), ["beiming", "jinghua"]);
  assert.deepEqual(await ids("ＣＳＩ－２０２１－ＹＪ－００６２"), ["beiming"]);
  // Words match at their start only.
  assert.deepEqual(await ids("security"), ["canglang"]);
});

test("n-gram coincidences are checked against the text", async () => {
  const index = openFixture();
  // Biwu holds 2022 and YJ in different certificates.
  const result = await index.search("2022-YJ");
  assert.equal(result.count, 1);
  const page = await index.page(result, 0, 10);
  assert.deepEqual(page.items, []);
  assert.equal(page.dropped, 1);
});

test("results say which field matched, with the part to mark", async () => {
  const index = openFixture();
  const result = await index.search("北溟示例网络技术");
  const { items } = await index.page(result, 0, 10);
  assert.equal(items.length, 1);
  const [m] = items[0].matches;
  assert.equal(m.name, "former_name");
  assert.equal(m.primary, false);
  assert.equal(m.text, "北溟示例网络技术有限公司");
  assert.deepEqual(m.ranges, [[0, 8]]);
  const cert = (await index.page(await index.search("yj-0062"), 0, 1)).items[0].matches;
  assert.deepEqual(
    cert.map((c) => [c.name, c.ranges]),
    [["certificate", [[9, 16]]]],
  );
});

test("facet filters: OR within a kind, AND across kinds", async () => {
  assert.deepEqual(await ids("北京 风险评估", { facets: ["level=csi-grading/level-3"] }), ["beijing", "jinghua"]);
  assert.deepEqual(await ids("北京 风险评估", { facets: ["region=beijing"] }), ["beijing", "biwu"]);
  assert.deepEqual(await ids("", { facets: ["status=valid"] }), ["beijing", "beiming", "biwu"]);
  assert.deepEqual(await ids("", { facets: ["status=valid", "status=revoked"] }), ["beijing", "beiming", "biwu", "canglang"]);
  assert.deepEqual(await ids("", { facets: ["status=valid", "region=shanghai"] }), []);
  assert.deepEqual(await ids("", { facets: ["status=valid", "status=revoked", "region=shanghai"] }), ["canglang"]);
  assert.equal((await ids("")).length, 6);
});

test("a preferred facet ranks first within a tier", async () => {
  assert.deepEqual(await ids("北京", { prefer: "status=expired" }), ["beijing", "jinghua", "biwu"]);
});

test("date order: latest first, undated last, by walking or by loading", async () => {
  const index = openFixture();
  assert.deepEqual(await index.dateOrder(null, 0, 6), [2, 1, 3, 0, 5, 4]);
  assert.deepEqual(await index.dateOrder(null, 2, 4), [3, 0]);
  const set = Uint32Array.from([0, 3, 4, 5]);
  assert.deepEqual(await index.dateOrder(set, 0, 4), [3, 0, 5, 4]);
  // The same order when the records are loaded instead.
  const m = await index.manifest();
  m.date.bytes = 1e9;
  assert.deepEqual(await index.dateOrder(set, 0, 4), [3, 0, 5, 4]);
});

test("fetches only what a query needs, once", async () => {
  const index = openFixture();
  await index.manifest();
  const before = index.stats.files;
  const result = await index.search("络安");
  await index.page(result, 0, 10);
  const m = await index.manifest();
  // One shard, at most the three lists of the token, one record chunk.
  assert.ok(index.stats.files - before <= 5, `${index.stats.files - before} files`);
  assert.ok(index.stats.files - before < m.shards + m.chunks);
  const again = index.stats.files;
  await index.page(await index.search("络安"), 0, 10);
  assert.equal(index.stats.files, again);
});

test("marks and snippets", () => {
  assert.deepEqual(segments("北溟示例网络", [[0, 2], [1, 3], [4, 6]]), [
    { text: "北溟示", mark: true },
    { text: "例", mark: false },
    { text: "网络", mark: true },
  ]);
  const long = "甲".repeat(100) + "网络安全" + "乙".repeat(100);
  const s = snippet(long, [[100, 104]], 40);
  assert.equal(s.text.slice(s.ranges[0][0], s.ranges[0][1]), "网络安全");
  assert.ok(s.text.startsWith("…") && s.text.endsWith("…"));
  assert.deepEqual(findTerm("Beiming Cybersecurity", "sec"), null);
  assert.deepEqual(findTerm("Cyber-Security", "sec"), [6, 9]);
});

test("filter state round-trips through the URL", () => {
  const state = { q: "北京", facets: ["region=beijing", "level=csi-grading/level-3", "region=shanghai"], sort: "date", page: 2 };
  const params = paramsFromState(state);
  assert.equal(params.toString(), "q=%E5%8C%97%E4%BA%AC&region=beijing&level=csi-grading%2Flevel-3&region=shanghai&sort=date&page=2");
  const back = stateFromParams(new URLSearchParams(params.toString()), ["standard", "level", "region"]);
  assert.deepEqual(back, { ...state, facets: ["level=csi-grading/level-3", "region=beijing", "region=shanghai"] });
  assert.deepEqual(stateFromParams(new URLSearchParams("page=x&sort=odd"), []), { q: "", facets: [], sort: "name", page: 1 });
});
