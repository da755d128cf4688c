// First-query measurements of the search index in headless Chromium: for
// each query, a fresh page (nothing cached) loads the client, runs the query
// and loads the first 20 results; the static server counts every index file
// sent, raw and gzip-compressed. Run by benches/search.sh.
//
//   node benches/search-first-query.mjs <site folder> <sample.json> [pagefind]
//
// <site folder> holds static/ (the client) and idx/ (one index); sample.json
// is the search_index example's output line (a name and certificate of the
// first synthetic organisation). With "pagefind", the folder holds a
// pagefind/ bundle instead and the text queries go through pagefind's API.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { serve } from "./serve-static.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "tests", "browser", "package.json"));
const { chromium } = require("playwright-core");

const [root, samplePath, mode] = process.argv.slice(2);
const sample = JSON.parse(readFileSync(samplePath, "utf8")).sample;
const fragment = [...sample.name].slice(2, 6).join("");
const RUNS = 3;

const text = [
  { name: "北京 风险评估", q: "北京 风险评估" },
  { name: "络安", q: "络安" },
  { name: `name fragment ${fragment}`, q: fragment },
  { name: "cyber", q: "cyber" },
  { name: `certificate ${sample.certificate}`, q: sample.certificate },
];
const faceted = [
  { name: "北京 风险评估 + level 3", q: "北京 风险评估", facets: ["level=csi-grading/level-3"] },
  { name: "络安 + valid", q: "络安", facets: ["status=valid"] },
  { name: "directory: Beijing + level 3, by name", q: "", facets: ["region=beijing", "level=csi-grading/level-3"] },
  { name: "directory: all, by date", q: "", facets: [], sort: "date" },
  { name: "directory: Beijing + level 3, by date", q: "", facets: ["region=beijing", "level=csi-grading/level-3"], sort: "date" },
  {
    name: "directory: Beijing + level 3 + risk assessment, by date",
    q: "",
    facets: ["region=beijing", "level=csi-grading/level-3", "category=csi-grading/risk-assessment"],
    sort: "date",
  },
];
const cases = mode === "pagefind" ? text : [...text, ...faceted];

writeFileSync(
  join(root, "bench.html"),
  mode === "pagefind"
    ? `<!doctype html><meta charset="utf-8"><script type="module">window.pf = await import("/pagefind/pagefind.js"); window.ready = true;</script>`
    : `<!doctype html><meta charset="utf-8"><script type="module">window.S = await import("/static/search.js"); window.ready = true;</script>`,
);

const server = await serve(root);
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "dengji-bench-")), {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function once(c) {
  const page = await context.newPage();
  await page.goto(`${server.base}/bench.html`);
  await page.waitForFunction(() => window.ready === true);
  const before = server.log.length;
  const out =
    mode === "pagefind"
      ? await page.evaluate(async ({ q }) => {
          const t0 = performance.now();
          const r = await window.pf.search(q);
          const first = await Promise.all(r.results.slice(0, 20).map((x) => x.data()));
          return { ms: performance.now() - t0, count: r.results.length, shown: first.length };
        }, c)
      : await page.evaluate(async ({ q, facets, sort }) => {
          const t0 = performance.now();
          const index = new window.S.SearchIndex("/idx/");
          const r = await index.search(q, { facets });
          let page;
          if (sort === "date") {
            const set = q ? Uint32Array.from(r.order).sort() : facets.length ? r.order : null;
            const ids = await index.dateOrder(set, 0, 20);
            page = await index.page({ terms: r.terms, order: Uint32Array.from(ids) }, 0, 20);
          } else {
            page = await index.page(r, 0, 20);
          }
          return { ms: performance.now() - t0, count: r.count, shown: page.items.length };
        }, c);
  // Our client's scripts are counted once, apart; pagefind's loader and its
  // WebAssembly are part of what it fetches for a first query.
  const files = server.log
    .slice(before)
    .filter((f) => !f.path.endsWith(".html") && (mode === "pagefind" || !f.path.endsWith(".js")));
  await page.close();
  return {
    ...out,
    requests: files.length,
    raw: files.reduce((s, f) => s + f.raw, 0),
    gzip: files.reduce((s, f) => s + f.sent, 0),
  };
}

const results = [];
for (const c of cases) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(c));
  runs.sort((a, b) => a.ms - b.ms);
  const median = runs[Math.floor(RUNS / 2)];
  results.push({ query: c.name, ...median, ms: Math.round(median.ms * 10) / 10 });
}
const client = server.log.filter((f) => f.path.endsWith(".js"));
const seen = new Map(client.map((f) => [f.path, f]));
const clientBytes = [...seen.values()].reduce((s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.sent }), { raw: 0, gzip: 0 });
await context.close();
await server.close();
console.log(JSON.stringify({ mode: mode || "dengji", client: clientBytes, results }));
