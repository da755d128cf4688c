// Turns the measurements under target/search-bench/ into the Markdown
// tables of benches/SEARCH.md.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2] || "target/search-bench";
const kb = (b) => (b / 1024).toFixed(1);
const runs = readdirSync(out)
  .filter((d) => /^(dengji|pagefind)-\d+$/.test(d) && existsSync(join(out, d, "queries.json")))
  .map((d) => {
    const [engine, n] = d.split("-");
    const time = readFileSync(join(out, d, "time.txt"), "utf8").trim().split("\n").pop();
    const [secs, , kbytes] = time.split(" ");
    const build = JSON.parse(readFileSync(join(out, d, "build.json"), "utf8"));
    let bytes = build.bytes;
    let files = build.files;
    if (engine === "pagefind") {
      const walk = (p) =>
        readdirSync(p, { withFileTypes: true }).reduce(
          (acc, e) => {
            if (e.isDirectory()) {
              const sub = walk(join(p, e.name));
              return { bytes: acc.bytes + sub.bytes, files: acc.files + sub.files };
            }
            return { bytes: acc.bytes + readFileSync(join(p, e.name)).length, files: acc.files + 1 };
          },
          { bytes: 0, files: 0 },
        );
      ({ bytes, files } = walk(join(out, d, "pagefind")));
    }
    return { engine, n: Number(n), secs: Number(secs), peak: Number(kbytes), build, bytes, files, queries: JSON.parse(readFileSync(join(out, d, "queries.json"), "utf8")) };
  })
  .sort((a, b) => a.engine.localeCompare(b.engine) || a.n - b.n);

console.log("## Indexing\n");
console.log("| engine | organisations | wall time | peak memory | index files | index size | of which dictionary + lists + date order |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of runs) {
  const structure = r.engine === "dengji" ? ["s", "l", "d", "manifest"].reduce((s, k) => s + (r.build.by_dir[k]?.bytes || 0), 0) : null;
  console.log(
    `| ${r.engine} | ${r.n.toLocaleString("en")} | ${r.secs.toFixed(2)} s${r.engine === "dengji" ? ` (index ${r.build.build_s.toFixed(2)} s)` : ""} | ${(r.peak / 1024).toFixed(0)} MB | ${r.files.toLocaleString("en")} | ${(r.bytes / 1048576).toFixed(1)} MB | ${structure === null ? "—" : `${(structure / 1048576).toFixed(2)} MB`} |`,
  );
}
console.log("\n## First query (fresh page, nothing cached; first 20 results loaded)\n");
for (const r of runs) {
  const client = r.engine === "dengji" ? ` Client scripts, fetched once per page load and not counted below: ${kb(r.queries.client.raw)} KB raw, ${kb(r.queries.client.gzip)} KB gzip.` : " pagefind's loader, WebAssembly and index files all count.";
  console.log(`### ${r.engine}, ${r.n.toLocaleString("en")} organisations\n\n${client}\n`);
  console.log("| query | results | requests | KB raw | KB gzip | ms (median of 3) |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const q of r.queries.results) console.log(`| ${q.query} | ${q.count} | ${q.requests} | ${kb(q.raw)} | ${kb(q.gzip)} | ${q.ms} |`);
  console.log("");
}

// How the posting lists are stored, from the shards of each dengji index.
const { parseShard } = await import("../themes/default/static/search-core.js");
console.log("## Posting list forms\n");
console.log("| organisations | entries | delta lists (bytes) | bitmaps (bytes) | complements (bytes) | inline / in files | list files (after sharing identical lists) |");
console.log("|---:|---:|---:|---:|---:|---:|---:|");
for (const r of runs.filter((r) => r.engine === "dengji")) {
  const idx = join(out, `dengji-${r.n}`, "idx");
  const m = JSON.parse(readFileSync(join(idx, "manifest.json"), "utf8"));
  const kinds = [0, 0, 0].map(() => ({ n: 0, bytes: 0 }));
  let entries = 0;
  let inline = 0;
  for (let i = 0; i < m.shards; i++) {
    for (const classes of parseShard(new Uint8Array(readFileSync(join(idx, "s", `${i}.bin`)))).values()) {
      for (const e of classes) {
        if (!e) continue;
        entries++;
        if (e.inline) inline++;
        kinds[e.kind].n++;
        kinds[e.kind].bytes += e.size;
      }
    }
  }
  const cell = (k) => `${k.n.toLocaleString("en")} (${(k.bytes / 1048576).toFixed(2)} MB)`;
  console.log(
    `| ${r.n.toLocaleString("en")} | ${entries.toLocaleString("en")} | ${cell(kinds[0])} | ${cell(kinds[1])} | ${cell(kinds[2])} | ${inline.toLocaleString("en")} / ${(entries - inline).toLocaleString("en")} | ${r.build.by_dir.l?.files ?? 0} (${((r.build.by_dir.l?.bytes ?? 0) / 1048576).toFixed(2)} MB) |`,
  );
}
