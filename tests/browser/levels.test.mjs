// Issue 14, item 5, in a real browser: a registered level the evidence does
// not support is flagged on the verification page and in a directory row
// (the static row without JavaScript, and the row search renders), in words
// and not as a plain green "valid".
//
// The bundled registry is consistent, so the test makes the case: in a copy
// of the site it registers a certificate in force one level above what its
// evidence supports (picked from the copy's own published grades), then
// serves the copy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { AS_OF_EPOCH, DESKTOP, PHONE, dengjiBinary, repoRoot, scratchDir, screenshotPath, useSiteAndBrowser } from "./helpers.mjs";
import { fill, loadRules, strings } from "./registry-data.mjs";

const zh = strings("zh");
const en = strings("en");
const rules = loadRules();

/** The green of a plain "valid" badge and answer (style.css). */
const GREEN = ["rgb(230, 244, 234)", "rgb(15, 83, 35)"];

/**
 * A copy of the site with one certificate raised: {root, org, number, path
 * (its verification page), standard, registered and supported level ids}.
 */
function raisedCopy() {
  const root = scratchDir("dengji-levels-");
  for (const entry of ["site.yaml", "content", "themes", "registry"]) {
    cpSync(join(repoRoot, entry), join(root, entry), { recursive: true });
  }
  const env = { ...process.env, SOURCE_DATE_EPOCH: AS_OF_EPOCH };
  execFileSync(dengjiBinary, ["--root", root, "--quiet", "build"], { env, stdio: ["ignore", "ignore", "ignore"] });
  const api = (path) => JSON.parse(readFileSync(join(root, "public", "api", "v2", path), "utf8"));
  for (const entry of api("index.json").organisations) {
    const file = api(`organisations/${entry.id}.json`);
    for (const cert of file.certificates) {
      if (cert.status !== "valid") continue;
      const grade = file.grades.find((g) => g.standard === cert.standard && g.category === cert.category);
      const consistent = grade?.registered.some((r) => r.certificate === cert.number && r.agreement === "consistent");
      const next = grade?.next_level;
      // One level up where the text defines it: the evidence falls short.
      if (!consistent || !grade.level || !next || next.undefined_in?.length) continue;
      const source = join(root, "registry", `${entry.id}.yaml`);
      const text = readFileSync(source, "utf8");
      const doc = parseDocument(text);
      const index = doc.toJS().certificates.findIndex((c) => String(c.number) === cert.number);
      const [start, end] = doc.getIn(["certificates", index, "level"], true).range;
      writeFileSync(source, text.slice(0, start) + next.level + text.slice(end));
      const url = readFileSync(join(root, "public", "registry", "certificates.csv"), "utf8")
        .split("\r\n")
        .find((line) => line.startsWith(`${cert.number},`))
        .match(/https?:\/\/[^,]+\/verify\/[^,]+\//)[0];
      return {
        root,
        org: entry,
        number: cert.number,
        path: new URL(url).pathname,
        standard: cert.standard,
        registered: next.level,
        supported: grade.level,
      };
    }
  }
  throw new Error("no valid certificate below the top level of its standard");
}

const raised = raisedCopy();
const env = useSiteAndBrowser({ root: raised.root });

/** A level's English name in the raised certificate's standard. */
const levelEn = (id) => rules.get(raised.standard).levels.find((l) => l.id === id).en;
const flagText = {
  zh: fill(zh.level_unsupported, { registered: raised.registered, supported: raised.supported }),
  en: fill(en.level_unsupported, { registered: levelEn(raised.registered), supported: levelEn(raised.supported) }),
};

test("the verification page flags the unsupported level beside the status, not in plain green", async () => {
  const page = await env.browser.newPage({ viewport: PHONE });
  // One page per certificate, with an answer in each language.
  for (const [lang, fragment, t] of [["zh", "", zh], ["en", "#en", en]]) {
    await page.goto(`${env.base}${raised.path}${fragment}`);
    const answer = page.locator(`.verify-answer#${lang}`);
    assert.match(await answer.getAttribute("class"), /\blevel-unsupported\b/, `${lang}: the answer is marked`);
    const flag = answer.locator(".level-flag");
    assert.ok(await flag.isVisible(), `${lang}: the flag is visible`);
    const said = (await flag.innerText()).replace(/\s+/g, " ").trim();
    assert.ok(said.includes(flagText[lang]), `${lang}: "${said}" says "${flagText[lang]}"`);
    assert.ok(said.includes(t.level_flag_badge), `${lang}: the warning badge "${t.level_flag_badge}"`);
    // The status is still said ("有效"), but not as the plain green answer.
    const badge = answer.locator(".verify-status .status-badge");
    assert.equal((await badge.innerText()).trim(), t.status_valid);
    const colours = await page.evaluate((lang) => ({
      badge: getComputedStyle(document.querySelector(`#${lang} .verify-status .status-badge`)).backgroundColor,
      rule: getComputedStyle(document.querySelector(`.verify-answer#${lang}`)).borderLeftColor,
    }), lang);
    assert.notEqual(colours.badge, GREEN[0], `${lang}: the status badge is not green`);
    assert.notEqual(colours.rule, GREEN[1], `${lang}: the answer's rule is not green`);
    // Right after the status line, before the facts.
    assert.ok(await answer.locator(".verify-status + .level-flag").isVisible());
    await page.screenshot({ path: screenshotPath(`verify-unsupported-${lang}-phone`), fullPage: true });
  }
  await page.close();
});

/** The holding of the raised certificate in a directory list: its class, flag text, badge colour. */
function holding(page, selector) {
  return page.locator(selector).evaluateAll(
    (items, path) =>
      items
        .filter((li) => li.querySelector("a")?.getAttribute("href")?.includes(path))
        .map((li) => ({
          className: li.className,
          link: li.querySelector("a").textContent,
          flag: li.querySelector(".level-flag")?.textContent ?? null,
          flagShown: !!li.querySelector(".level-flag")?.getClientRects().length,
          badge: getComputedStyle(li.querySelector(".status-badge")).backgroundColor,
        })),
    raised.path,
  );
}

test("a directory row flags the holding, without JavaScript and as search renders it", async () => {
  // The static listing of the organisation's region, as a browser without JavaScript shows it.
  const context = await env.browser.newContext({ javaScriptEnabled: false, viewport: DESKTOP });
  const page = await context.newPage();
  for (const [lang, prefix, t] of [["zh", "", zh], ["en", "/en", en]]) {
    await page.goto(`${env.base}${prefix}/registry/region/${raised.org.region}/`);
    const rows = await holding(page, "#org-results > li > ul > li");
    assert.equal(rows.length, 1, `${lang}: the certificate is listed once`);
    const [row] = rows;
    assert.match(row.className, /\blevel-unsupported\b/, lang);
    assert.equal(row.flag, flagText[lang], `${lang}: the row's flag`);
    assert.ok(row.flagShown, `${lang}: the flag is shown`);
    const registered = lang === "zh" ? raised.registered : levelEn(raised.registered);
    assert.ok(row.link.endsWith(fill(t.holding_registered, { level: registered })), `${lang}: "${row.link}" labels the level registered`);
    assert.notEqual(row.badge, GREEN[0], `${lang}: the status badge is not green`);
  }
  await context.close();

  // The same row rendered by the search page's script.
  const live = await env.browser.newPage({ viewport: DESKTOP });
  for (const [lang, prefix] of [["zh", ""], ["en", "/en"]]) {
    await live.goto(`${env.base}${prefix}/search/?q=${encodeURIComponent(raised.number)}`);
    await live.locator("#search-org-results .org-holdings .level-flag").first().waitFor();
    const rows = await holding(live, "#search-org-results .org-holdings > li");
    assert.equal(rows.length, 1, `${lang}: found by its number`);
    assert.match(rows[0].className, /\blevel-unsupported\b/, lang);
    assert.equal(rows[0].flag, flagText[lang], `${lang}: the rendered row's flag`);
    assert.ok(rows[0].flagShown);
    assert.notEqual(rows[0].badge, GREEN[0], `${lang}: the rendered badge is not green`);
    await live.screenshot({ path: screenshotPath(`search-unsupported-${lang}-desktop`) });
  }
  await live.close();
});
