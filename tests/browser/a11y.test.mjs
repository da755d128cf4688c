// Accessibility: axe-core (tests/browser/node_modules/axe-core) run in the
// page on the home, directory, organisation, search, clause, verification
// and documentation pages; no serious or critical violation may remain.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { useSiteAndBrowser, DESKTOP, PHONE } from "./helpers.mjs";
import { loadOrganisations, loadRules, plainlyValidCertificate, revokedCertificate } from "./registry-data.mjs";

const env = useSiteAndBrowser();
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const orgs = loadOrganisations();
const rules = loadRules();
const org = orgs.find((o) => o.region === "beijing") ?? orgs[0];
const valid = plainlyValidCertificate(orgs, rules).cert.number;
const revoked = revokedCertificate(orgs).cert.number;

/** The search page has answered (status neither empty nor "searching…"). */
const searched = (page) =>
  page.waitForFunction(() => {
    const status = document.getElementById("search-status")?.textContent ?? "";
    return status !== "" && status !== document.getElementById("search-strings").dataset.loading;
  });
/** The directory's filters have drawn their results. */
const filtered = (page) =>
  page.waitForFunction(() => document.getElementById("dir-status").textContent !== "" && !document.getElementById("org-results").hasAttribute("aria-busy"));

const pages = [
  ["/"],
  ["/en/"],
  ["/registry/"],
  ["/en/registry/"],
  ["/registry/region/beijing/"],
  ["/registry/status/valid/page/2/"],
  ["/registry/?region=beijing&status=valid", filtered],
  [`/registry/${org.id}/`],
  [`/en/registry/${org.id}/`],
  [`/search/?q=${encodeURIComponent("北京")}`, searched],
  ["/en/search/?q=cyber", searched],
  ["/standards/csi-grading/7/"],
  ["/en/standards/csi-grading/7/"],
  ["/verify/"],
  [`/verify/${valid}/`],
  [`/verify/${revoked}/#en`],
  ["/registry/region/"],
  ["/en/registry/level/"],
  ["/docs/api/"],
  ["/en/docs/registry-format/"],
  ["/docs/"],
  ["/verify/numbers/"],
  ["/en/verify/numbers/"],
];

/** The serious and critical violations axe finds on the page as it is now. */
async function violations(page) {
  // Injected through DevTools, which the page's Content-Security-Policy does not govern (a script tag would be refused).
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  });
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}

function describe(found) {
  return found
    .map(
      (v) =>
        `${v.impact} ${v.id} (${v.help}), ${v.nodes.length} node(s):\n` +
        v.nodes
          .slice(0, 8)
          .map((n) => `    ${n.target}\n      ${n.summary.replace(/\n/g, "\n      ")}`)
          .join("\n"),
    )
    .join("\n");
}

for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`axe-core finds no serious or critical violation (${label})`, async (t) => {
    const page = await env.browser.newPage({ viewport });
    for (const [path, ready] of pages) {
      await t.test(path, async () => {
        await page.goto(`${env.base}${path}`);
        if (ready) await ready(page);
        const found = await violations(page);
        assert.equal(found.length, 0, `${path} at ${label}:\n${describe(found)}`);
      });
    }
    await page.close();
  });
}

// Issue 18: landmarks told apart on the pages of a standard (the chapter
// pager and the contents were both "目录", every editorial note "编者注"),
// and no badge whose contrast axe cannot measure (CJK glyphs overflowed
// the badge's background, so axe could not tell what they stand on).
const textPages = [
  "/standards/csi-grading/7/",
  "/en/standards/csi-grading/K/",
  "/standards/csi-grading/all/",
  "/side-by-side/standards/csi-grading/K/",
  "/standards/csi-grading/levels/K/",
  "/verify/numbers/",
  `/verify/${revoked}/`,
  `/verify/${valid}/#en`,
  `/registry/${org.id}/`,
  "/registry/status/revoked/",
];

test("landmarks are unique and every badge's contrast is decided and sufficient", async (t) => {
  const page = await env.browser.newPage({ viewport: DESKTOP });
  for (const path of textPages) {
    await t.test(path, async () => {
      await page.goto(`${env.base}${path}`);
      if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
      const found = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: ["landmark-unique", "color-contrast"],
          resultTypes: ["violations", "incomplete"],
        });
        const badge = (n) => /status-badge|flag-badge|cert-status/.test(n.html);
        return [
          ...result.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}`)),
          ...result.incomplete
            .filter((v) => v.id === "color-contrast")
            .flatMap((v) => v.nodes.filter(badge).map((n) => `undecided contrast: ${n.target.join(" ")}`)),
        ];
      });
      assert.deepEqual(found, [], `${path}:\n${found.join("\n")}`);
    });
  }
  await page.close();
});
