// The public directory in a real browser, against the bundled registry
// served by `dengji serve` (graded as of helpers.AS_OF): search in Chinese
// and English, directory filters with and without JavaScript, certificate
// verification, the language switch on an organisation page, and
// screenshots at desktop and phone widths. What the tests expect is read
// from registry/*.yaml, the standards' rules.yaml and the theme's strings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { useSiteAndBrowser, screenshotPath, DESKTOP, PHONE } from "./helpers.mjs";
import {
  categoriesOf,
  fill,
  latestIssue,
  loadOrganisations,
  loadRules,
  middleOfName,
  namesOf,
  plainlyValidCertificate,
  revokedCertificate,
  strings,
  unknownNumber,
} from "./registry-data.mjs";

const env = useSiteAndBrowser();
const orgs = loadOrganisations();
const rules = loadRules();
const zh = strings("zh");
const en = strings("en");
const byId = new Map(orgs.map((o) => [o.id, o]));
const sorted = (ids) => [...ids].sort();

/** The organisations in Beijing working in a risk-assessment category: what "北京 风险评估" must find. */
const beijingRisk = orgs.filter((o) => o.region === "beijing" && categoriesOf(o).has("risk-assessment"));

/** Polls `read` until it gives `expected` (deep-equal), then asserts it, so a timeout shows the difference. */
async function eventually(read, expected, message, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let actual;
  for (;;) {
    actual = await read();
    if (isDeepStrictEqual(actual, expected)) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(actual, expected, message);
}

/** The ids of the organisations a list links to, in order. */
function listedIds(page, selector = "#org-results > li > a:first-child") {
  return page
    .locator(selector)
    .evaluateAll((links) => links.map((a) => a.getAttribute("href").match(/\/registry\/([^/]+)\/$/)?.[1] ?? a.getAttribute("href")));
}

/** A certificate's page (one for both languages) at a language's answer: the URL's path and its answer section. */
const certificatePath = (number) => `/verify/${number}/`;
const answerOf = (page, root) => page.locator(`section.verify-answer#${root === "/" ? "zh" : "en"}`);

/** Waits until the search page has answered (its status is neither empty nor "searching…"). */
async function searched(page) {
  await page.waitForFunction(() => {
    const status = document.getElementById("search-status")?.textContent ?? "";
    return status !== "" && status !== document.getElementById("search-strings").dataset.loading;
  });
}

/** Each organisation result: its id, the marked parts of its names, and the "field: text" lines of other matches. */
function searchRows(page) {
  return page.locator("#search-org-results > li").evaluateAll((rows) =>
    rows.map((li) => ({
      id: li.querySelector("a.org-name").getAttribute("href").match(/\/registry\/([^/]+)\/$/)?.[1],
      marked: [...li.querySelectorAll("a.org-name mark, .org-other-name mark")].map((m) => m.textContent),
      matches: [...li.querySelectorAll(".match-field")].map((p) => ({
        label: p.querySelector(".match-label").textContent.replace(/[:：]\s*$/, ""),
        text: p.textContent,
        marked: [...p.querySelectorAll("mark")].map((m) => m.textContent),
      })),
    })),
  );
}

/** A piece of some organisation's former name found in no current name and in no other organisation's names. */
function formerNamePiece(lang) {
  const current = orgs.flatMap((o) => [o.names.zh, o.names.en]).filter(Boolean).map((n) => n.toLowerCase());
  for (const org of orgs) {
    for (const former of org.former_names ?? []) {
      const name = former[lang];
      if (!name) continue;
      const pieces =
        lang === "zh"
          ? [...name].map((_, i) => name.slice(i, i + 4)).filter((p) => p.length === 4 && !/示例|样例/.test(p))
          : name.split(" ").map((_, i, words) => words.slice(i, i + 2).join(" ")).filter((p) => p.includes(" ") && !/Example|Co\.|Ltd/.test(p));
      for (const piece of pieces) {
        const lower = piece.toLowerCase();
        const elsewhere = orgs.some((o) => o.id !== org.id && namesOf(o).some((n) => n.toLowerCase().includes(lower)));
        if (!elsewhere && !current.some((n) => n.includes(lower))) return { org, piece, former: name };
      }
    }
  }
  throw new Error(`no former ${lang} name with a piece of its own`);
}

// ---------------------------------------------------------------- search

test("search: 北京 风险评估 finds exactly the Beijing organisations working in risk assessment, by link and by typing", async () => {
  assert.ok(
    beijingRisk.some((o) => o.names.zh === "玉衡示例信息安全股份有限公司"),
    "registry/: 玉衡示例信息安全股份有限公司 is in Beijing with a risk-assessment category",
  );
  const expected = sorted(beijingRisk.map((o) => o.id));
  const page = await env.browser.newPage({ viewport: DESKTOP });

  await page.goto(`${env.base}/search/?q=${encodeURIComponent("北京 风险评估")}`);
  await searched(page);
  let rows = await searchRows(page);
  assert.deepEqual(sorted(rows.map((r) => r.id)), expected, "the organisations found through the link");
  for (const row of rows) {
    const labels = row.matches.map((m) => m.label);
    assert.ok(labels.includes(zh.search_field_region), `${row.id} says it matched by ${zh.search_field_region}: ${labels}`);
    assert.ok(labels.includes(zh.search_field_service), `${row.id} says it matched by ${zh.search_field_service}: ${labels}`);
  }

  await page.goto(`${env.base}/search/`);
  await page.locator("#search-q").fill("北京 风险评估");
  await page.locator("#search-q").press("Enter");
  await page.waitForURL((url) => url.searchParams.get("q") === "北京 风险评估");
  await searched(page);
  rows = await searchRows(page);
  assert.deepEqual(sorted(rows.map((r) => r.id)), expected, "the organisations found by typing");
  await page.close();
});

test("search: a piece from the middle of a Chinese name finds the organisations with it in their names, marked", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  for (const org of [beijingRisk[0], orgs.at(-1)]) {
    const piece = middleOfName(org, rules);
    assert.ok(piece, `${org.names.zh} has a piece to search for`);
    const expected = sorted(orgs.filter((o) => namesOf(o).some((n) => n.includes(piece))).map((o) => o.id));
    await page.goto(`${env.base}/search/`);
    await page.locator("#search-q").fill(piece);
    await page.locator("#search-q").press("Enter");
    await searched(page);
    const rows = await searchRows(page);
    assert.deepEqual(sorted(rows.map((r) => r.id)), expected, `"${piece}" (from ${org.names.zh}) finds the names that contain it`);
    assert.ok(rows.some((r) => r.id === org.id), `"${piece}" finds ${org.names.zh}`);
    for (const row of rows) {
      const marked = [...row.marked, ...row.matches.filter((m) => m.label === zh.search_field_former_name).flatMap((m) => m.marked)];
      assert.ok(marked.includes(piece), `${row.id}: "${piece}" is marked (${marked})`);
    }
  }
  await page.close();
});

test("search: 络安 finds organisations and clauses of the standards", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/search/?q=${encodeURIComponent("络安")}`);
  await searched(page);
  const found = new Set((await searchRows(page)).map((r) => r.id));
  const named = orgs.filter((o) => o.names.zh.includes("络安"));
  assert.ok(named.length > 0, "some names contain 络安");
  for (const o of named) assert.ok(found.has(o.id), `${o.names.zh} is found`);
  assert.ok(await page.locator("#search-standards").isVisible(), "the standards' section is shown");
  const clauses = page.locator("#search-clause-results > li");
  assert.ok((await clauses.count()) > 0, "some clauses are listed");
  assert.match(await page.locator("#search-clauses-count").innerText(), /\(([1-9]\d*)\)/, "the clause count is not zero");
  const first = clauses.first();
  assert.ok((await first.locator("mark").allTextContents()).some((m) => m.includes("络安")), "络安 is marked in the first clause");
  assert.match(await first.locator("a.clause-title").getAttribute("href"), /^\/standards\/[^/]+\/.*#/, "the clause links into its standard");
  await page.close();
});

test("search: a former name is found, and the result says it matched the former name (both languages)", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  for (const [lang, root, t] of [["zh", "/", zh], ["en", "/en/", en]]) {
    const { org, piece, former } = formerNamePiece(lang);
    await page.goto(`${env.base}${root}search/?q=${encodeURIComponent(piece)}`);
    await searched(page);
    const rows = await searchRows(page);
    assert.deepEqual(rows.map((r) => r.id), [org.id], `"${piece}" (from ${former}) finds ${org.id}`);
    const line = rows[0].matches.find((m) => m.label === t.search_field_former_name);
    assert.ok(line, `${lang}: the result says "${t.search_field_former_name}" (${JSON.stringify(rows[0].matches)})`);
    assert.ok(line.text.includes(former), `${lang}: the former name is shown: ${line.text}`);
    assert.equal(line.marked.join(" ").toLowerCase(), piece.toLowerCase().replace(/\s+/g, " "), `${lang}: the piece is marked`);
  }
  await page.close();
});

test("search in English: words, a name fragment and certificate number fragments", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  const search = async (q) => {
    await page.goto(`${env.base}/en/search/`);
    await page.locator("#search-q").fill(q);
    await page.locator("#search-q").press("Enter");
    await searched(page);
    return searchRows(page);
  };
  const wordStarts = (prefix) =>
    orgs.filter((o) => namesOf(o).some((n) => n.split(/[^A-Za-z0-9]+/).some((w) => w.toLowerCase().startsWith(prefix))));

  const cyber = await search("cyber");
  const found = new Set(cyber.map((r) => r.id));
  for (const o of wordStarts("cyber")) assert.ok(found.has(o.id), `"cyber" finds ${o.names.en}`);
  for (const row of cyber) {
    assert.ok(row.marked.length + row.matches.length > 0, `${row.id} shows where "cyber" matched`);
  }
  assert.ok(await page.locator("#search-clause-results > li").count() > 0, `"cyber" finds clauses in the English text too`);

  const org = beijingRisk[0];
  const fragment = org.names.en.split(" ")[0].slice(0, 5).toLowerCase();
  const rows = await search(fragment);
  assert.deepEqual(sorted(rows.map((r) => r.id)), sorted(wordStarts(fragment).map((o) => o.id)), `"${fragment}" finds the names with a word starting so`);
  assert.ok(rows.find((r) => r.id === org.id).marked.some((m) => m.toLowerCase() === fragment), `"${fragment}" is marked in ${org.names.en}`);

  const { cert } = plainlyValidCertificate(orgs, rules);
  const parts = cert.number.split("-");
  for (const q of [cert.number.toLowerCase(), parts.slice(-2).join("-"), parts.slice(1, 3).join("-")]) {
    const holders = orgs.filter((o) => (o.certificates ?? []).some((c) => c.number.includes(q.toUpperCase())));
    const rows = await search(q);
    assert.deepEqual(sorted(rows.map((r) => r.id)), sorted(holders.map((o) => o.id)), `"${q}" finds the holders of numbers containing it`);
    for (const row of rows) {
      const line = row.matches.find((m) => m.label === en.search_field_certificate);
      assert.ok(line, `${row.id}: the result says it matched a certificate (${JSON.stringify(row.matches)})`);
      assert.ok(line.marked.length > 0, `${row.id}: the number is marked`);
    }
  }
  await page.close();
});

// ---------------------------------------------------------------- directory

/** The ids a static listing shows over all its pages, read with JavaScript off. */
async function staticListing(page, path) {
  const ids = [];
  await page.goto(`${env.base}${path}`);
  for (;;) {
    ids.push(...(await listedIds(page)));
    const next = page.locator("#org-pager a[rel=next]");
    if ((await next.count()) === 0) break;
    const target = new URL(await next.getAttribute("href"), page.url()).href;
    await next.click();
    await page.waitForURL(target);
  }
  return ids;
}

test("directory filters: a region then a status narrow the list, the URL records them, reload and back restore them", async () => {
  const noJs = await env.browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  const regionIds = await staticListing(plain, "/registry/region/beijing/");
  const validIds = new Set(await staticListing(plain, "/registry/status/valid/"));
  const firstPage = await staticListing(plain, "/registry/");
  await noJs.close();
  assert.deepEqual(sorted(regionIds), sorted(orgs.filter((o) => o.region === "beijing").map((o) => o.id)), "the Beijing page lists registry/'s Beijing organisations");
  const both = regionIds.filter((id) => validIds.has(id));
  assert.ok(both.length > 0 && both.length < regionIds.length, `the status narrows the region (${both.length} of ${regionIds.length})`);

  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/registry/`);
  await page.locator('.dir-facet[data-kind="region"] > summary').click();
  await page.locator("#dir-region-beijing").check();
  await page.waitForURL((u) => u.search === "?region=beijing");
  await eventually(() => listedIds(page), regionIds, "after ticking Beijing: the Beijing organisations, by name");

  await page.locator('.dir-facet[data-kind="status"] > summary').click();
  await page.locator("#dir-status-valid").check();
  await page.waitForURL((u) => u.searchParams.get("region") === "beijing" && u.searchParams.get("status") === "valid");
  await eventually(() => listedIds(page), both, "after ticking valid: the Beijing organisations with a valid certificate");
  assert.match(await page.locator("#dir-status").innerText(), new RegExp(`\\b${both.length}\\b`), "the status line gives the count");
  await page.screenshot({ path: screenshotPath("directory-filtered-region-status-desktop") });
  const shared = page.url();

  await page.reload();
  await eventually(() => listedIds(page), both, "reloading the URL restores the list");
  assert.equal(await page.locator("#dir-region-beijing").isChecked(), true, "reload: Beijing ticked");
  assert.equal(await page.locator("#dir-status-valid").isChecked(), true, "reload: valid ticked");
  assert.equal(page.url(), shared);

  await page.goBack();
  await page.waitForURL((u) => u.search === "?region=beijing");
  await eventually(() => listedIds(page), regionIds, "back: the region alone");
  assert.equal(await page.locator("#dir-status-valid").isChecked(), false, "back: valid no longer ticked");
  assert.equal(await page.locator("#dir-region-beijing").isChecked(), true, "back: Beijing still ticked");

  await page.goBack();
  await page.waitForURL((u) => u.pathname === "/registry/" && u.search === "");
  await eventually(() => listedIds(page), firstPage.slice(0, 50), "back again: the unfiltered first page");
  assert.equal(await page.locator("#dir-filters input[type=checkbox]:checked").count(), 0, "nothing ticked");

  // A fresh visit to the shared URL shows the same.
  const other = await env.browser.newPage({ viewport: PHONE });
  await other.goto(shared);
  await eventually(() => listedIds(other), both, "the shared URL in a new tab");
  await other.close();
  await page.close();
});

test("directory filters: the list's count and pager follow the filters", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/registry/`);
  assert.equal(await page.locator("#org-pager").isVisible(), true, `${orgs.length} organisations: the static list has pages`);
  await page.goto(`${env.base}/registry/?region=beijing&status=valid`);
  await page.waitForFunction(
    () => document.getElementById("dir-status").textContent !== "" && !document.getElementById("org-results").hasAttribute("aria-busy"),
  );
  const shown = (await listedIds(page)).length;
  assert.ok(shown > 0 && shown < 50, `the filters leave one page (${shown})`);
  assert.equal(await page.locator("#dir-pages").isVisible(), false, "no pager for one page of results");
  const problems = [];
  if (await page.locator("#org-pager").isVisible()) {
    problems.push(`the static pager of the unfiltered list ("1 2 next") is still shown`);
  }
  // The count above the list, and the results' (visually hidden) heading that names the section for screen readers.
  for (const selector of ["#org-count", "#results-title"]) {
    if (!(await page.locator(selector).isVisible())) continue;
    const text = await page.locator(selector).textContent();
    if (!new RegExp(`(^|\\D)${shown}(\\D|$)`).test(text) || text.includes(String(orgs.length))) {
      problems.push(`${selector} still says "${text.trim()}"`);
    }
  }
  assert.deepEqual(problems, [], `with ${shown} organisations shown by the filters`);
  await page.close();
});

test("without JavaScript: the facet pages list their organisations, the kind pages lead to them, and the pager links work", async () => {
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
  const page = await context.newPage();
  const beijing = orgs.filter((o) => o.region === "beijing");

  await page.goto(`${env.base}/registry/region/beijing/`);
  assert.equal(await page.locator("#dir-filters input[type=checkbox]").count(), 0, "no checkboxes: the filters are links");
  const ids = await listedIds(page);
  assert.deepEqual(sorted(ids), sorted(beijing.map((o) => o.id)), "only and all Beijing organisations");
  const region = (await page.locator("h1").innerText()).trim();
  for (const r of await page.locator("#org-results .org-region").allInnerTexts()) assert.equal(r.trim(), region, "every row is in Beijing");

  // The facet values are on each kind's index page, one link away.
  await page.goto(`${env.base}/registry/`);
  await page.locator('#dir-kinds a[data-kind="region"]').click();
  await page.waitForURL(`${env.base}/registry/region/`);
  const link = page.locator('a[data-token="region=beijing"]');
  assert.equal((await link.locator("xpath=following-sibling::span[1]").innerText()).trim(), String(beijing.length), "the region's count");
  await link.click();
  await page.waitForURL(`${env.base}/registry/region/beijing/`);
  assert.deepEqual(await listedIds(page), ids, "the link leads to the region's listing");

  // The whole directory over its pages: every organisation once.
  await page.goto(`${env.base}/registry/`);
  const first = await listedIds(page);
  assert.equal(first.length, Math.min(50, orgs.length), "a first page of 50");
  await page.locator("#org-pager a[rel=next]").click();
  await page.waitForURL(`${env.base}/registry/page/2/`);
  const second = await listedIds(page);
  assert.deepEqual(sorted([...first, ...second]), sorted(orgs.map((o) => o.id)), "the pages together list every organisation once");
  await page.locator("#org-pager a[rel=prev]").click();
  await page.waitForURL(`${env.base}/registry/`);
  await context.close();
});

test("with JavaScript: a facet page offers its values as checkboxes and sorts by date", async () => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  await page.goto(`${env.base}/registry/region/beijing/`);
  await page.locator("#dir-region-beijing").waitFor({ state: "attached" });
  assert.equal(await page.locator("#dir-region-beijing").isChecked(), true, "the page's region is ticked");
  assert.equal(await page.locator("#dir-kinds").isVisible(), false, "the kind links give way to the checkboxes");
  const ids = await listedIds(page);
  await page.locator("#dir-sort-date").check();
  await page.waitForURL((u) => u.pathname === "/registry/" && u.searchParams.get("region") === "beijing" && u.searchParams.get("sort") === "date");
  const expected = [...ids].sort((a, b) => (latestIssue(byId.get(b)) ?? "").localeCompare(latestIssue(byId.get(a)) ?? ""));
  await eventually(async () => (await listedIds(page)).map((id) => latestIssue(byId.get(id)) ?? ""), expected.map((id) => latestIssue(byId.get(id)) ?? ""), "newest certificate first");
  assert.deepEqual(sorted(await listedIds(page)), sorted(ids), "the same organisations");
  await page.close();
});

// ---------------------------------------------------------------- verification

test("verification: a valid number typed in lower case opens its page with the date it is valid until", async () => {
  const { org, cert, until } = plainlyValidCertificate(orgs, rules);
  const page = await env.browser.newPage({ viewport: PHONE });
  for (const [root, t, name] of [["/", zh, org.names.zh], ["/en/", en, org.names.en]]) {
    await page.goto(`${env.base}${root}verify/`);
    await page.locator("#verify-number").fill(cert.number.toLowerCase());
    await page.locator("#verify-number").press("Enter");
    await page.waitForURL((url) => url.pathname === certificatePath(cert.number));
    const answer = answerOf(page, root);
    assert.equal(new URL(page.url()).hash, root === "/" ? "" : "#en", `${root}: opens this language's answer`);
    const status = await answer.locator(".verify-status").innerText();
    assert.ok(status.includes(fill(t.cert_valid_until, { date: until })), `${root}: "${status}" says valid until ${until}`);
    const holder = answer.locator(".cert-facts dd a").first();
    assert.equal((await holder.innerText()).trim(), name, `${root}: the holder is named`);
    // On a phone the answer stays readable: the values get a fair share of the width.
    const widths = await answer.locator(".cert-facts").evaluate((dl) => ({
      list: dl.getBoundingClientRect().width,
      value: dl.querySelector("dd").getBoundingClientRect().width,
    }));
    assert.ok(widths.value >= widths.list * 0.4, `${root}: the holder's name has ${Math.round(widths.value)}px of ${Math.round(widths.list)}px`);
  }
  await page.close();
});

test("verification: a revoked number says when it was revoked, an unknown one that it is not in this registry", async () => {
  const { cert, on } = revokedCertificate(orgs);
  const unknown = unknownNumber(orgs);
  const page = await env.browser.newPage({ viewport: DESKTOP });
  for (const [root, t] of [["/", zh], ["/en/", en]]) {
    await page.goto(`${env.base}${root}verify/`);
    await page.locator("#verify-number").fill(cert.number.toLowerCase());
    await page.locator("#verify-form button[type=submit]").click();
    await page.waitForURL((url) => url.pathname === certificatePath(cert.number));
    const status = await answerOf(page, root).locator(".verify-status").innerText();
    assert.ok(status.includes(fill(t.cert_revoked_on, { date: on })), `${root}: "${status}" says revoked on ${on}`);
    assert.ok(status.includes(t.status_revoked), `${root}: the badge says ${t.status_revoked}`);

    await page.goto(`${env.base}${root}verify/`);
    await page.locator("#verify-number").fill(unknown);
    await page.locator("#verify-number").press("Enter");
    const detail = page.locator("#verify-result .verify-not-found-detail");
    await detail.waitFor({ state: "visible" });
    assert.equal((await page.locator("#verify-message").innerText()).trim(), fill(t.verify_not_found, { number: unknown }));
    assert.equal((await detail.innerText()).trim(), t.verify_not_found_detail.trim(), `${root}: not in the registry is not the same as fake`);
    assert.equal(new URL(page.url()).searchParams.get("number"), unknown, "the URL keeps the number asked");
    await page.screenshot({ path: screenshotPath(`verify-unknown-${root === "/" ? "zh" : "en"}-desktop`) });
  }
  await page.close();
});

test("verification: direct links to certificate pages work without JavaScript", async () => {
  const revoked = revokedCertificate(orgs);
  const valid = plainlyValidCertificate(orgs, rules);
  const context = await env.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${env.base}/verify/${revoked.cert.number}/#en`);
  const english = answerOf(page, "/en/");
  assert.ok((await english.locator(".verify-status").innerText()).includes(fill(en.cert_revoked_on, { date: revoked.on })));
  assert.equal((await english.locator(".cert-facts a").first().innerText()).trim(), revoked.org.names.en, "the holder");
  await english.locator(".cert-facts a").first().click();
  await page.waitForURL(`${env.base}/en/registry/${revoked.org.id}/`);
  await page.goto(`${env.base}/verify/${valid.cert.number}/`);
  assert.ok((await answerOf(page, "/").locator(".verify-status").innerText()).includes(fill(zh.cert_valid_until, { date: valid.until })));
  assert.equal((await page.request.get(`${env.base}/en/verify/${valid.cert.number}/`)).status(), 404, "no second page in English");
  await context.close();
});

for (const [label, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", PHONE]]) {
  test(`verification without JavaScript: the page says how, and the list of numbers leads to the certificate (${label})`, async () => {
    // Issue 18: without a script the page only said "查询需要 JavaScript".
    const valid = plainlyValidCertificate(orgs, rules);
    const revoked = revokedCertificate(orgs);
    const count = orgs.reduce((n, o) => n + (o.certificates ?? []).length, 0);
    const context = await env.browser.newContext({ javaScriptEnabled: false, viewport });
    const page = await context.newPage();
    for (const [root, t, name] of [["/", zh, "zh"], ["/en/", en, "en"]]) {
      await page.goto(`${env.base}${root}verify/`);
      const notice = page.locator("main .notice");
      assert.ok(await notice.isVisible(), `${root}: the no-script guidance is shown`);
      const text = (await notice.innerText()).trim();
      assert.ok(text.includes(`/verify/${t.verify_path_number}/`), `${root}: "${text}" gives the address form`);
      assert.ok(text.includes(t.verify_numbers_link), `${root}: "${text}" offers the list`);
      await page.screenshot({ path: screenshotPath(`verify-no-js-${name}-${label}`), fullPage: true });

      // The form, submitted without a script, opens the list of numbers.
      await page.locator("#verify-number").fill(valid.cert.number);
      await page.locator("#verify-form button[type=submit]").click();
      await page.waitForURL((url) => url.pathname === `${root}verify/numbers/`);
      assert.ok((await page.locator("main > p").first().innerText()).includes(String(count)), `${root}: the list says how many`);
      const numbers = await page.locator(".number-list li a").allInnerTexts();
      assert.equal(numbers.length, count, `${root}: every certificate is listed`);
      const folded = numbers.map((n) => n.toUpperCase());
      assert.deepEqual(folded, [...folded].sort(), `${root}: in order of number`);
      const row = page.locator(".number-list li", { has: page.locator("a", { hasText: revoked.cert.number }) });
      assert.ok((await row.innerText()).includes(t.status_revoked), `${root}: the list shows the status`);
      await page.screenshot({ path: screenshotPath(`verify-numbers-no-js-${name}-${label}`) });

      await page.locator(".number-list a", { hasText: valid.cert.number }).click();
      await page.waitForURL((url) => url.pathname === certificatePath(valid.cert.number));
      const status = await answerOf(page, root).locator(".verify-status").innerText();
      assert.ok(status.includes(fill(t.cert_valid_until, { date: valid.until })), `${root}: "${status}"`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${root}: no horizontal scroll (${overflow}px)`);
    }
    await context.close();
  });
}

// ---------------------------------------------------------------- language

test("the language switch on an organisation page keeps the organisation, and back", async () => {
  const org = beijingRisk[0];
  const page = await env.browser.newPage({ viewport: PHONE });
  await page.goto(`${env.base}/registry/${org.id}/`);
  assert.ok((await page.locator("h1").innerText()).startsWith(org.names.zh), "the Chinese name first");
  await page.locator('.view-switch a[hreflang="en"]').click();
  await page.waitForURL(`${env.base}/en/registry/${org.id}/`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.ok((await page.locator("h1").innerText()).startsWith(org.names.en), `the English name first: ${await page.locator("h1").innerText()}`);
  await page.locator('.view-switch a[hreflang^="zh"]').click();
  await page.waitForURL(`${env.base}/registry/${org.id}/`);
  assert.ok((await page.locator("h1").innerText()).startsWith(org.names.zh), "the Chinese name again");
  await page.close();
});

// ---------------------------------------------------------------- screenshots

test("screenshots at desktop and phone widths, with no page wider than a phone", async () => {
  const org = beijingRisk[0];
  const { cert } = plainlyValidCertificate(orgs, rules);
  const directoryReady = (p) =>
    p.waitForFunction(() => document.getElementById("dir-status").textContent !== "" && !document.getElementById("org-results").hasAttribute("aria-busy"));
  const pages = [
    ["home", "/"],
    ["home-en", "/en/"],
    ["directory", "/registry/"],
    ["directory-filtered", "/registry/?region=beijing&status=valid", directoryReady],
    ["search-zh", `/search/?q=${encodeURIComponent("北京 风险评估")}`, searched],
    ["search-en", "/en/search/?q=cyber", searched],
    ["organisation", `/registry/${org.id}/`],
    ["organisation-en", `/en/registry/${org.id}/`],
    ["verify-answer", `/verify/${cert.number}/`],
    ["verify-answer-en", `/verify/${revokedCertificate(orgs).cert.number}/#en`],
    ["docs-api", "/docs/api/"],
  ];
  const tooWide = [];
  for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    const page = await env.browser.newPage({ viewport });
    for (const [name, path, ready] of pages) {
      await page.goto(`${env.base}${path}`);
      if (ready) await ready(page);
      await page.screenshot({ path: screenshotPath(`${name}-${label}`) });
      await page.screenshot({ path: screenshotPath(`${name}-${label}-full`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) tooWide.push(`${path} at ${label}: ${overflow}px`);
    }
    await page.close();
  }
  assert.deepEqual(tooWide, [], "no page scrolls sideways");
});
