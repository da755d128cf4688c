// A tiny static file server for the search measurements: serves a folder on
// 127.0.0.1, gzip-compressing responses when the client accepts it (as a
// typical static host does), and counts the bytes it sends.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".bin": "application/octet-stream",
};

/** Starts a server for `root`; resolves to {base, log, close}. */
export function serve(root, { gzip = true } = {}) {
  const log = [];
  const server = createServer(async (req, res) => {
    try {
      let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
      if (path.includes("..")) throw new Error("bad path");
      let file = join(root, path);
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      let body = await readFile(file);
      const raw = body.length;
      const headers = { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-store" };
      if (gzip && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        body = gzipSync(body, { level: 6 });
        headers["content-encoding"] = "gzip";
      }
      headers["content-length"] = body.length;
      log.push({ path, raw, sent: body.length });
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ base: `http://127.0.0.1:${port}`, log, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await serve(process.argv[2] || ".");
  console.log(s.base);
}
