// Issue 17 in a real browser: an edition's changes page (the fictional
// two-edition example, examples/editions) at desktop and phone widths, in
// Chinese and English: marks that read as deletions and insertions, folded
// unchanged clauses, no sideways scrolling, no serious axe violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DESKTOP, PHONE, repoRoot, screenshotPath, useSiteAndBrowser } from "./helpers.mjs";

const env = useSiteAndBrowser({ root: join(repoRoot, "examples", "editions") });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical axe violations on the page as it is now. */
async function seriousViolations(page) {
  // Injected through DevTools, which the page's Content-Security-Policy does not govern.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

const pages = [
  ["zh", "/standards/backup-service/editions/2025/changes/"],
  ["en", "/en/standards/backup-service/editions/2025/changes/"],
];

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  for (const [lang, path] of pages) {
    test(`the changes page reads as a comparison (${lang}, ${label})`, async () => {
      const page = await env.browser.newPage({ viewport });
      await page.goto(`${env.base}${path}`);
      // 5.2: the staff count 5 struck out, 8 inserted, in the Chinese.
      const staff = page.locator('li.change[id="5.2"] .change-text[lang="zh-CN"]');
      assert.deepEqual(await staff.locator("del").allTextContents(), ["5", "5"]);
      assert.deepEqual(await staff.locator("ins").allTextContents(), ["8", "8"]);
      const [del, ins] = await Promise.all(
        ["del", "ins"].map((tag) =>
          staff.locator(tag).first().evaluate((el) => {
            const style = getComputedStyle(el);
            return { background: style.backgroundColor, line: style.textDecorationLine };
          }),
        ),
      );
      assert.notEqual(del.background, ins.background, "deletions and insertions look different");
      assert.match(del.line, /line-through/);
      assert.match(ins.line, /underline/);
      // A removed clause and the renumbered ones are shown; unchanged ones folded.
      assert.equal(await page.locator('li.change-removed[id="removed-6.3"]').count(), 1);
      assert.equal(await page.locator("li.change-renumbered").count(), 2);
      const fold = page.locator("li.change-fold details").first();
      assert.equal(await fold.evaluate((d) => d.open), false);
      await fold.locator("summary").click();
      assert.ok(await fold.locator("a").first().isVisible(), "an unfolded clause links to its page");
      // The page's language: English headings on the English page, the
      // Chinese diff marked as Chinese.
      if (lang === "en") {
        assert.match(await page.locator('li.change[id="5.2"] h3').innerText(), /Technical staff/);
        assert.match(
          await page.locator('li.change[id="5.2"] .change-text[lang="en"] .change-counts').innerText(),
          /may be out of date/,
        );
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${label}`);
      const serious = await seriousViolations(page);
      assert.deepEqual(serious, [], `${path} at ${label}`);
      await page.screenshot({ path: screenshotPath(`changes-${lang}-${label}`), fullPage: true });
      await page.close();
    });
  }
}

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`the impact page lists the moved organisation (${label})`, async () => {
    const page = await env.browser.newPage({ viewport });
    await page.goto(`${env.base}/en/standards/backup-service/editions/2025/impact/`);
    const move = page.locator("li.impact-move.impact-down");
    assert.equal(await move.count(), 1);
    assert.match(await move.innerText(), /Jingcheng Example Backup Technology/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the impact page scrolls sideways by ${overflow}px at ${label}`);
    const serious = await seriousViolations(page);
    assert.deepEqual(serious, []);
    await page.screenshot({ path: screenshotPath(`impact-en-${label}`), fullPage: true });
    await page.close();
  });
}

test("the standard's pages link to the changes page", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/en/standards/backup-service/rules/`);
  await page.getByRole("link", { name: "Changes from edition 2023" }).click();
  assert.match(page.url(), /\/en\/standards\/backup-service\/editions\/2025\/changes\/$/);
  await page.close();
});
