// Cross-references in a real browser: ranges, level references, backlinks
// and the level pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser, screenshotPath, DESKTOP, PHONE } from "./helpers.mjs";

const env = useSiteAndBrowser();

test("a range lists every clause it covers on focus, and each one can be followed", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/standards/csi-grading/B/#B.2.1`);
  const range = page.locator("#B\\.2\\.1 .xref-range").first();
  const members = range.locator(".xref-members");
  assert.equal(await members.isVisible(), false, "the list is hidden until asked for");
  await range.locator("a.xref").first().focus();
  assert.equal(await members.isVisible(), true, "focus shows the clauses of the range");
  await page.screenshot({ path: screenshotPath("range-members-desktop") });
  assert.deepEqual(await members.locator("a").allTextContents(), ["B.2.2", "B.2.3", "B.2.4"]);
  await members.locator("a", { hasText: "B.2.3" }).click();
  await page.waitForFunction(() => location.hash === "#B.2.3");
  const target = page.locator("#B\\.2\\.3");
  assert.ok(await target.isVisible());
  const backlinks = await target.locator(":scope > .backlinks a").allTextContents();
  assert.deepEqual(backlinks, ["B.2.1"], "B.2.3 says it is referred to by B.2.1");
  await page.close();
});

test("a level reference leads to that level of the same annex", async () => {
  const page = await env.browser.newPage({ viewport: PHONE });
  await page.goto(`${env.base}/standards/csi-grading/C/#C.3.1`);
  await page.locator("#C\\.3\\.1 a.xref", { hasText: "二级能力要求" }).click();
  await page.waitForFunction(() => location.hash === "#C.2");
  assert.ok(await page.locator("#C\\.2").isVisible());
  await page.close();
});

test("the level page of annex J shows cumulative sets, the empty J.4 and the matrix", async () => {
  for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    const page = await env.browser.newPage({ viewport });
    await page.goto(`${env.base}/standards/csi-grading/levels/J/`);
    const level3 = page.locator("#level-3 .requirements > li");
    const own3 = page.locator("#level-3 .requirements > li.req-own");
    assert.ok((await level3.count()) > (await own3.count()), "level 3 includes inherited requirements");
    assert.match(await page.locator("#level-4").innerText(), /没有任何要求/);
    assert.match(await page.locator("#level-2 .level-anomaly").innerText(), /J\.2\.5\.1/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no page-level horizontal scroll (${label})`);
    await page.screenshot({ path: screenshotPath(`levels-J-${label}`), fullPage: false });
    await page.close();
  }
});
