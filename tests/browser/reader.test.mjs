// The standards reader in a real browser, at desktop and phone widths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser, screenshotPath, DESKTOP, PHONE } from "./helpers.mjs";

const STANDARDS = [
  "csi-grading",
  "cii-service-capability",
  "ccrc-isv-c01",
  "cnitsec-cloud-l1",
  "isom-self-assessment",
];

const env = useSiteAndBrowser();

/** Section pages of a standard, read from its table of contents. */
async function sectionUrls(page, slug) {
  await page.goto(`${env.base}/standards/${slug}/`);
  const hrefs = await page.$$eval(".toc-full > .toc-list > li > a", (as) => as.map((a) => a.getAttribute("href")));
  return [...new Set(hrefs.map((h) => h.split("#")[0]))];
}

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`every chapter of every standard reads without page-level horizontal scrolling (${label})`, async () => {
    const page = await env.browser.newPage({ viewport });
    for (const slug of STANDARDS) {
      const urls = await sectionUrls(page, slug);
      assert.ok(urls.length >= 3, `${slug} has chapters`);
      for (const url of urls) {
        await page.goto(`${env.base}${url}`);
        const heading = await page.locator("h1").first().textContent();
        assert.ok(heading.trim().length > 0, `${url} has a heading`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 1, `${url} scrolls horizontally by ${overflow}px at ${label} width`);
      }
      await page.goto(`${env.base}${urls[Math.min(urls.length - 1, 7)]}`);
      await page.screenshot({ path: screenshotPath(`${slug}-${label}`) });
    }
    await page.close();
  });
}

test("a pasted clause link lands on that list item, highlighted", async () => {
  const page = await env.browser.newPage({ viewport: PHONE });
  await page.goto(`${env.base}/standards/csi-grading/7/#7.2.4-a`);
  const item = page.locator('[id="7.2.4-a"]');
  await assert.doesNotReject(item.waitFor());
  assert.ok(await item.isVisible());
  const inView = await item.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top > -1 && r.top < window.innerHeight;
  });
  assert.ok(inView, "the linked item is scrolled into view");
  const background = await item.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(background, "rgba(0, 0, 0, 0)", ":target is highlighted");
  await page.screenshot({ path: screenshotPath("deep-link-phone") });
  await page.close();
});

test("clause permalinks appear on keyboard focus and point to the clause", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/standards/cii-service-capability/7/`);
  const link = page.locator('[id="7.4"] > h2 > .permalink');
  assert.equal(await link.getAttribute("href"), "#7.4");
  assert.equal(await link.evaluate((el) => getComputedStyle(el).opacity), "0");
  await link.focus();
  await page.waitForTimeout(200);
  assert.equal(await link.evaluate((el) => getComputedStyle(el).opacity), "1");
  await page.close();
});

test("previous / next / up navigation walks the chapters in order", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/standards/ccrc-isv-c01/1/`);
  await page.click("a.pager-next");
  assert.match(page.url(), /\/standards\/ccrc-isv-c01\/2\/$/);
  await page.click("a.pager-prev");
  assert.match(page.url(), /\/standards\/ccrc-isv-c01\/1\/$/);
  await page.click("a.pager-up");
  assert.match(page.url(), /\/standards\/ccrc-isv-c01\/$/);
  await page.close();
});

test("annex C of 001 is a real table that scrolls inside its own box on a phone", async () => {
  const page = await env.browser.newPage({ viewport: PHONE });
  await page.goto(`${env.base}/standards/cii-service-capability/C/`);
  const rows = await page.locator("table tbody tr").count();
  assert.ok(rows >= 300, `annex C has its indicator rows (${rows})`);
  const scroller = page.locator(".table-scroll").first();
  const { scrollWidth, clientWidth } = await scroller.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  assert.ok(scrollWidth >= clientWidth);
  await page.screenshot({ path: screenshotPath("annex-c-phone") });
  await page.close();
});
