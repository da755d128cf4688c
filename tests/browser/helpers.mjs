// Shared set-up for the browser tests: a `dengji serve` of the bundled site
// and Debian's Chromium driven by playwright-core.
import { before, after } from "node:test";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const screenshotDir = join(repoRoot, "target", "screenshots");

/** The day the served site grades for: 2026-11-21 00:00 UTC. */
export const AS_OF = "2026-11-21";
/** AS_OF as SOURCE_DATE_EPOCH, for any run of dengji. */
export const AS_OF_EPOCH = String(Date.parse(`${AS_OF}T00:00:00Z`) / 1000);

/** The dengji binary the tests run: $DENGJI_BIN, else the release build. */
export const dengjiBinary = process.env.DENGJI_BIN ?? join(repoRoot, "target", "release", "dengji");

export const DESKTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * Starts `dengji serve` of the site at `root` (the bundled site unless
 * given) on a free port and waits until it answers.
 */
export async function startServer({ root = repoRoot } = {}) {
  const port = await freePort();
  const child = spawn(dengjiBinary, ["--root", root, "serve", "--port", String(port), "--quiet"], {
    stdio: ["ignore", "ignore", "inherit"],
    // Grades and certificate states as of a fixed day, so that what the
    // tests expect does not change with the calendar.
    env: { ...process.env, SOURCE_DATE_EPOCH: AS_OF_EPOCH },
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${base}/__dengji/status`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error("dengji serve did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: () => child.kill() };
}

/**
 * A new folder in the temporary folder, removed when the test process
 * exits, whatever failed before.
 */
export function scratchDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Debian's Chromium with a fresh profile; `newPage({ viewport })` like a browser. */
export async function launchBrowser() {
  const profile = scratchDir("dengji-chromium-");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    async newPage({ viewport }) {
      const page = await context.newPage();
      watchPolicy(page);
      await page.setViewportSize(viewport);
      return page;
    },
    /**
     * A separate context of the same browser with its own options, e.g.
     * `{ javaScriptEnabled: false }`; the caller closes it.
     */
    newContext: (options) => context.browser().newContext(options),
    close: () => context.close(),
  };
}

/**
 * Content-Security-Policy violations seen by any page of this test file:
 * the site's own scripts and styles must satisfy the policy every page
 * declares, so every browser test also checks that.
 */
export const policyViolations = [];

function watchPolicy(page) {
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      policyViolations.push(`${page.url()}: ${message.text()}`);
    }
  });
}

export function screenshotPath(name) {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}

/**
 * Registers before/after hooks that start `dengji serve` (of the site at
 * `root`, the bundled one unless given) and Chromium for one test file;
 * returns an object whose `base` and `browser` are set once the hooks have
 * run.
 */
export function useSiteAndBrowser({ root } = {}) {
  const env = { base: "", browser: null, server: null };
  before(async () => {
    env.server = await startServer({ root });
    env.base = env.server.base;
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
    if (policyViolations.length > 0) {
      throw new Error(`Content-Security-Policy violations:\n${policyViolations.join("\n")}`);
    }
  });
  return env;
}
