// `dengji serve`'s overlay of a failed build, in a real browser at desktop
// and phone widths: the errors come first, the warnings are folded under
// them, and the box scrolls on its own without running wider than the
// screen. Served from a copy of the site, broken by the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useSiteAndBrowser, repoRoot, scratchDir, screenshotPath, PHONE } from "./helpers.mjs";

const root = scratchDir("dengji-overlay-");
for (const entry of ["site.yaml", "content", "themes", "registry"]) {
  cpSync(join(repoRoot, entry), join(root, entry), { recursive: true });
}
// Files the build only warns about, so that the warnings run long (as the
// ten editorial warnings of the bundled site once did) ahead of the error.
for (let i = 1; i <= 24; i++) {
  writeFileSync(join(root, "registry", `notes-${String(i).padStart(2, "0")}.txt`), "not an organisation\n");
}
const env = useSiteAndBrowser({ root });

const DESKTOP_1280 = { width: 1280, height: 800 };
const broken = "content/ccrc-isv-c01/zh/00-standard.md";

/** Where the screenshots go: $SHOTS_DIR, else target/screenshots. */
function shot(name) {
  if (!process.env.SHOTS_DIR) return screenshotPath(name);
  mkdirSync(process.env.SHOTS_DIR, { recursive: true });
  return join(process.env.SHOTS_DIR, `${name}.png`);
}

async function status() {
  return (await fetch(`${env.base}/__dengji/status`, { cache: "no-store" })).json();
}

async function until(what, ok) {
  const deadline = Date.now() + 90_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the overlay shows, read in the page. */
const overlay = (page) =>
  page.evaluate(() => {
    const box = document.getElementById("dengji-build-error");
    if (!box) return null;
    const rect = box.getBoundingClientRect();
    const firstError = box.querySelector(".build-errors li")?.getBoundingClientRect();
    return {
      title: box.querySelector("h2")?.textContent ?? "",
      order: [...box.children].map((c) => c.tagName.toLowerCase() + (c.className ? `.${c.className.split(" ").pop()}` : "")),
      firstError: box.querySelector(".build-errors li")?.textContent ?? "",
      errors: box.querySelectorAll(".build-errors li").length,
      warnings: box.querySelectorAll(".build-warnings li").length,
      warningsOpen: box.querySelector(".build-warnings")?.open ?? null,
      summary: box.querySelector(".build-warnings summary")?.textContent ?? "",
      fitsWidth: box.scrollWidth <= box.clientWidth && rect.left >= 0 && rect.right <= window.innerWidth,
      firstErrorVisible: !!firstError && firstError.top >= rect.top && firstError.bottom <= Math.min(rect.bottom, window.innerHeight),
      overflowY: getComputedStyle(box).overflowY,
      height: rect.height,
      viewport: window.innerHeight,
    };
  });

test("a failed build shows its errors first, warnings folded, scrollable at desktop and phone widths", async () => {
  const file = join(root, broken);
  const original = readFileSync(file, "utf8");
  writeFileSync(file, original.replace("---\n", "---\nkind: [\n"));
  await until("the failed build", async () => (await status()).error);
  const s = await status();
  assert.ok(s.errors.length >= 1 && s.warnings.length >= 24, "the status keeps errors and warnings apart");

  for (const [name, viewport, path] of [
    ["desktop", DESKTOP_1280, "/en/standards/csi-grading/7/"],
    ["phone", PHONE, "/standards/csi-grading/7/"],
  ]) {
    const page = await env.browser.newPage({ viewport });
    await page.goto(`${env.base}${path}`);
    await page.waitForSelector("#dengji-build-error", { timeout: 15_000 });
    const o = await overlay(page);
    assert.deepEqual(o.order.slice(0, 3), ["h2", "ol.build-errors", "details.build-warnings"], `${name}: errors before warnings`);
    assert.match(o.title, new RegExp(`\\b${s.errors.length}\\b`), `${name}: the title counts the errors`);
    assert.ok(o.firstError.startsWith(`${broken}:`), `${name}: the first item is the error: ${o.firstError}`);
    assert.equal(o.errors, s.errors.length);
    assert.equal(o.warningsOpen, false, `${name}: warnings are folded`);
    assert.match(o.summary, new RegExp(`\\b${s.warnings.length}\\b`));
    assert.ok(o.firstErrorVisible, `${name}: the first error is in view without scrolling`);
    assert.ok(o.fitsWidth, `${name}: no wider than the screen`);
    await page.screenshot({ path: shot(`serve-overlay-${name}`) });

    // Unfolded, the warnings scroll inside the box, which stays on screen.
    await page.click("#dengji-build-error summary");
    const open = await overlay(page);
    assert.equal(open.warnings, s.warnings.length);
    assert.equal(open.overflowY, "auto");
    assert.ok(open.height <= open.viewport * 0.61, `${name}: the box keeps to the lower part of the screen`);
    assert.ok(open.fitsWidth, `${name}: unfolded, still no wider than the screen`);
    const scrolled = await page.evaluate(() => {
      const box = document.getElementById("dengji-build-error");
      const before = box.scrollTop;
      box.querySelector(".build-warnings li:last-child").scrollIntoView({ block: "end" });
      return { overflows: box.scrollHeight > box.clientHeight, moved: box.scrollTop > before, page: window.scrollY };
    });
    assert.ok(scrolled.overflows && scrolled.moved, `${name}: the warnings scroll within the box`);
    await page.screenshot({ path: shot(`serve-overlay-${name}-warnings`) });
    await page.close();
  }

  // Fixed, the overlay goes away with the reload.
  const page = await env.browser.newPage({ viewport: PHONE });
  await page.goto(`${env.base}/standards/csi-grading/7/`);
  await page.waitForSelector("#dengji-build-error");
  writeFileSync(file, original);
  await page.waitForSelector("#dengji-build-error", { state: "detached", timeout: 90_000 });
  await page.close();
});
