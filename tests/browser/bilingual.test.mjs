// The bilingual reader in a real browser: switching language and view keeps
// the reader on the same clause, and the side-by-side view works on a phone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser, screenshotPath, DESKTOP, PHONE } from "./helpers.mjs";

const env = useSiteAndBrowser();

/** The distance of an element's top from the top of the viewport. */
async function topOf(page, id) {
  return page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, id);
}

async function assertOnScreen(page, id, label) {
  const top = await topOf(page, id);
  const height = await page.evaluate(() => window.innerHeight);
  assert.ok(top >= -2 && top < height / 2, `${label}: #${id} is at the top of the screen (top ${top})`);
}

test("the language switch on a deep clause lands on the same clause in every language and view", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  const id = "K.2.3.6";
  await page.goto(`${env.base}/standards/csi-grading/K/#${id}`);
  await assertOnScreen(page, id, "Chinese");
  const heading = () => page.locator(`[id="${id}"] .clause-heading .title`).first().innerText();
  assert.match(await heading(), /[\u4e00-\u9fff]/, "the Chinese heading");

  await page.locator(".view-switch a", { hasText: "English" }).click();
  await page.waitForURL(`${env.base}/en/standards/csi-grading/K/#${id}`);
  await assertOnScreen(page, id, "English");
  assert.doesNotMatch(await heading(), /[\u4e00-\u9fff]/, "the English heading");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.match(await page.locator(".translation-notice").innerText(), /Chinese text is normative/);
  await page.screenshot({ path: screenshotPath("switch-english-K.2.3.6") });

  await page.locator(".view-switch a", { hasText: "Side by side" }).click();
  await page.waitForURL(`${env.base}/en/side-by-side/standards/csi-grading/K/#${id}`);
  await assertOnScreen(page, id, "side by side");
  const pair = page.locator(`section.pair[id="${id}"]`);
  assert.match(await pair.locator(".pair-head .pair-original").innerText(), /[\u4e00-\u9fff]/);
  assert.match(await pair.locator(".pair-head .pair-translation").innerText(), /[A-Za-z]{4}/);

  await page.locator(".view-switch a", { hasText: "中文" }).click();
  await page.waitForURL(`${env.base}/standards/csi-grading/K/#${id}`);
  await assertOnScreen(page, id, "back to Chinese");
  await page.close();
});

/** Waits until the switch link to `lang` points at anchor `id`. */
async function switchPointsAt(page, lang, id) {
  await page.waitForFunction(
    ([lang, id]) => document.querySelector(`.view-switch a[hreflang^="${lang}"]`).href.endsWith(`#${id}`),
    [lang, id],
  );
}

/** The distance of the top of the screen from the top of the page. */
const scrolled = (page) => page.evaluate(() => window.scrollY);

for (const [label, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", PHONE]]) {
  test(`the language switch after scrolling keeps the clause at the top of the screen (${label})`, async () => {
    // Issue 18: with no anchor in the address, switching after scrolling to
    // 7.2.4 used to land at the top of chapter 7.
    const page = await env.browser.newPage({ viewport });
    await page.goto(`${env.base}/standards/csi-grading/7/`);
    await page.evaluate(() => document.getElementById("7.2.4").scrollIntoView());
    assert.equal(new URL(page.url()).hash, "", "the reader scrolled; the address has no anchor");
    assert.ok((await scrolled(page)) > 0);
    // The switch learns the place once scrolling rests (the header, and so
    // the switch, is out of view while the reader reads).
    await switchPointsAt(page, "en", "7.2.4");
    await page.screenshot({ path: screenshotPath(`switch-after-scroll-zh-7.2.4-${label}`) });
    await page.locator('.view-switch a[hreflang="en"]').click();
    await page.waitForURL((url) => url.pathname === "/en/standards/csi-grading/7/" && url.hash === "#7.2.4");
    await assertOnScreen(page, "7.2.4", "English after scrolling in Chinese");
    const top = await topOf(page, "7.2.4");
    assert.ok(top < 40, `7.2.4 starts at the top of the screen (top ${top})`);
    assert.doesNotMatch(await page.locator('[id="7.2.4"] .clause-heading .title').first().innerText(), /[\u4e00-\u9fff]/);
    await page.screenshot({ path: screenshotPath(`switch-after-scroll-en-7.2.4-${label}`) });

    // Deeper: scrolled to item c) of 7.2.4, the switch back keeps that item.
    await page.evaluate(() => document.getElementById("7.2.4-c").scrollIntoView());
    await switchPointsAt(page, "zh", "7.2.4-c");
    await page.locator('.view-switch a[hreflang^="zh"]').click();
    await page.waitForURL((url) => url.pathname === "/standards/csi-grading/7/" && url.hash === "#7.2.4-c");
    await assertOnScreen(page, "7.2.4-c", "Chinese after scrolling to an item");

    // Without scrolling there is no place to keep: the switch goes to the page.
    await page.goto(`${env.base}/standards/csi-grading/7/`);
    await page.locator('.view-switch a[hreflang="en"]').click();
    await page.waitForURL(`${env.base}/en/standards/csi-grading/7/`);
    assert.equal(await scrolled(page), 0);
    await page.close();
  });
}

test("an anchor the other language lacks lands on the clause around it", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/en/standards/csi-grading/7/#7.2.4-no-such-unit`);
  await page.waitForFunction(() => window.scrollY > 0);
  await assertOnScreen(page, "7.2.4", "the enclosing clause");
  await page.close();
});

test("on a phone, the link beside a clause heading opens that clause in the other language", async () => {
  const page = await env.browser.newPage({ viewport: PHONE });
  await page.goto(`${env.base}/en/standards/cii-service-capability/9/`);
  const id = "9.2.3";
  await page.evaluate((id) => document.getElementById(id).scrollIntoView(), id);
  await page.locator(`[id="${id}"] > .clause-heading .lang-jump`).click();
  await page.waitForURL(`${env.base}/standards/cii-service-capability/9/#${id}`);
  await assertOnScreen(page, id, "Chinese after scrolling in English");
  await page.close();
});

test("the side-by-side view of 001 annex C stacks on a phone and pairs columns on a desktop, wide tables at full width", async () => {
  const url = `${env.base}/side-by-side/standards/cii-service-capability/C/`;
  const phone = await env.browser.newPage({ viewport: PHONE });
  await phone.goto(url);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no page-level horizontal scroll on a phone (${overflow}px)`);
  const zh = phone.locator('figure[id="C-table-1"]');
  const en = phone.locator('figure[id="tr-C-table-1"]');
  const zhBox = await zh.boundingBox();
  const enBox = await en.boundingBox();
  assert.ok(enBox.y >= zhBox.y + zhBox.height, "the English table follows the Chinese one");
  assert.ok(zhBox.width <= PHONE.width && enBox.width <= PHONE.width, "each fits the screen");
  // Each table is whole inside its own box (which scrolls if it must).
  for (const id of ["C-table-1", "tr-C-table-1"]) {
    const inside = await phone.evaluate((id) => {
      const box = document.querySelector(`[id="${id}"] .table-scroll`).getBoundingClientRect();
      return box.left >= 0 && box.right <= window.innerWidth;
    }, id);
    assert.ok(inside, `${id} stays within the screen`);
  }
  const fontSize = await phone.evaluate(
    () => parseFloat(getComputedStyle(document.querySelector('[id="tr-C-table-1"] td')).fontSize),
  );
  assert.ok(fontSize >= 14, `table text is ${fontSize}px`);
  await phone.screenshot({ path: screenshotPath("side-by-side-C-phone-top") });
  await zh.scrollIntoViewIfNeeded();
  await phone.screenshot({ path: screenshotPath("side-by-side-C-phone-zh-table") });
  await en.evaluate((e) => e.scrollIntoView());
  await phone.screenshot({ path: screenshotPath("side-by-side-C-phone-en-table") });
  await phone.close();

  const desktop = await env.browser.newPage({ viewport: DESKTOP });
  await desktop.goto(url);
  // Text is paired in two columns...
  const zhNote = await desktop.locator('aside[id="C-ed-1"]').boundingBox();
  const enNote = await desktop.locator('aside[id="tr-C-ed-1"]').boundingBox();
  assert.ok(enNote.x >= zhNote.x + zhNote.width, "the English note is beside the Chinese one");
  assert.ok(Math.abs(enNote.y - zhNote.y) < 2, "the two notes start on the same line");
  // ...while a table too wide to halve gets the full width, English below.
  const zhTable = await desktop.locator('figure[id="C-table-1"]').boundingBox();
  const enTable = await desktop.locator('figure[id="tr-C-table-1"]').boundingBox();
  assert.ok(zhTable.width > DESKTOP.width * 0.8, `the table is full width (${zhTable.width}px)`);
  assert.ok(enTable.y >= zhTable.y + zhTable.height, "the English table follows");
  await desktop.screenshot({ path: screenshotPath("side-by-side-C-desktop-notes") });
  await desktop.locator('figure[id="C-table-1"]').scrollIntoViewIfNeeded();
  await desktop.screenshot({ path: screenshotPath("side-by-side-C-desktop-table") });
  await desktop.close();
});
