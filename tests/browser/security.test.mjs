// The Content-Security-Policy every page declares, in a real browser: the
// pages that run scripts (search, directory filters, verification, the
// reader's place keeping, live reload) work under it without a violation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser, policyViolations, DESKTOP } from "./helpers.mjs";

const env = useSiteAndBrowser();

test("scripted pages run under the Content-Security-Policy without a violation", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  const seen = [];
  page.on("console", (m) => seen.push(m.text()));

  await page.goto(`${env.base}/`);
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
  assert.match(policy, /script-src 'self'/);
  assert.doesNotMatch(policy, /unsafe/);

  // Search runs its module scripts and fetches its index.
  await page.goto(`${env.base}/search/?q=${encodeURIComponent("网络安全")}`);
  await page.waitForSelector("#search-clause-results li", { timeout: 15_000 });

  // Directory filters.
  await page.goto(`${env.base}/registry/?region=beijing`);
  await page.waitForFunction(() => document.querySelector("#dir-filters input:checked") !== null, null, { timeout: 15_000 });

  // Verification by number.
  await page.goto(`${env.base}/verify/`);
  await page.fill("#verify-number", "NOT-A-NUMBER-1");
  await page.press("#verify-number", "Enter");
  await page.waitForLoadState("networkidle");

  // A reader page with live reload connected.
  await page.goto(`${env.base}/standards/csi-grading/7/`);
  await page.waitForLoadState("networkidle");

  await page.close();
  const violations = seen.filter((t) => /Content Security Policy/i.test(t));
  assert.deepEqual(violations, [], "no script, style or request was refused");
  assert.deepEqual(policyViolations, []);
});
