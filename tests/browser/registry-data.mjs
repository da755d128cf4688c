// What the browser tests expect, read from the bundled sources rather than
// written into the tests: the organisations of registry/*.yaml and the
// categories of each standard's rules.yaml.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot, AS_OF } from "./helpers.mjs";

/** Every organisation: {id, names: {zh, en}, former_names, region, certificates, evidence}. */
export function loadOrganisations() {
  const dir = join(repoRoot, "registry");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({ id: f.slice(0, -".yaml".length), ...parse(readFileSync(join(dir, f), "utf8")) }));
}

/** Each standard's rules: slug → the parsed rules.yaml. */
export function loadRules() {
  const dir = join(repoRoot, "content");
  const rules = new Map();
  for (const slug of readdirSync(dir).sort()) {
    const file = join(dir, slug, "rules.yaml");
    if (existsSync(file)) rules.set(slug, parse(readFileSync(file, "utf8")));
  }
  return rules;
}

/** The category ids an organisation works in: its certificates' and its evidence's services. */
export function categoriesOf(org) {
  const ids = new Set((org.certificates ?? []).map((c) => c.category));
  for (const id of Object.keys(org.evidence?.services ?? {})) ids.add(id);
  return ids;
}

/** The day `days` after `date` (both YYYY-MM-DD). */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A certificate's last valid-until date: that of its latest renewal, else its own. */
export function validUntil(cert) {
  const renewals = (cert.events ?? []).filter((e) => e.type === "renewed" && e.valid_until);
  return renewals.length ? String(renewals.at(-1).valid_until) : String(cert.valid_until);
}

/** [org, certificate] pairs of every organisation, sorted by certificate number. */
export function allCertificates(orgs) {
  return orgs
    .flatMap((org) => (org.certificates ?? []).map((cert) => [org, cert]))
    .sort((a, b) => (a[1].number < b[1].number ? -1 : 1));
}

/**
 * A certificate that is plainly valid on AS_OF: only issued and renewed in
 * its history, under a standard without annual confirmations, and valid
 * for more than the 90 days after which "expiring soon" would apply.
 */
export function plainlyValidCertificate(orgs, rules) {
  const found = allCertificates(orgs).find(
    ([, c]) =>
      !rules.get(c.standard)?.certificates?.annual_confirmation &&
      (c.events ?? []).every((e) => e.type === "issued" || e.type === "renewed") &&
      (c.events ?? []).some((e) => e.type === "issued" && String(e.date) <= AS_OF) &&
      validUntil(c) > addDays(AS_OF, 90),
  );
  if (!found) throw new Error("no plainly valid certificate in registry/");
  const [org, cert] = found;
  return { org, cert, until: validUntil(cert) };
}

/** A certificate revoked on or before AS_OF, with the date of its revocation. */
export function revokedCertificate(orgs) {
  for (const [org, cert] of allCertificates(orgs)) {
    const revoked = (cert.events ?? []).find((e) => e.type === "revoked" && String(e.date) <= AS_OF);
    if (revoked) return { org, cert, on: String(revoked.date) };
  }
  throw new Error("no revoked certificate in registry/");
}

/** A well-formed number that no certificate in the registry has. */
export function unknownNumber(orgs) {
  const known = new Set(allCertificates(orgs).map(([, c]) => c.number));
  for (let n = 9999; n > 0; n--) {
    const number = `CSI-2020-YJ-${n}`;
    if (!known.has(number)) return number;
  }
  throw new Error("every number taken");
}

/** Every name an organisation is searchable by (current and former, both languages). */
export function namesOf(org) {
  const names = [org.names?.zh, org.names?.en];
  for (const f of org.former_names ?? []) names.push(f.zh, f.en);
  return names.filter(Boolean);
}

/** Every category name of every standard, in both languages. */
export function categoryNames(rules) {
  return [...rules.values()].flatMap((r) => (r.categories ?? []).flatMap((c) => [c.zh, c.en])).filter(Boolean);
}

/**
 * `length` characters from the middle of an organisation's Chinese name
 * (moving outwards from the centre), skipping pieces with 示例/样例 (every
 * fictional name has one) or found in a category name (searched too).
 */
export function middleOfName(org, rules, length = 3) {
  const name = org.names.zh;
  const categories = categoryNames(rules);
  const centre = Math.floor((name.length - length) / 2);
  for (let d = 0; d < name.length; d++) {
    for (const start of [centre - d, centre + d]) {
      if (start < 1 || start + length >= name.length) continue;
      const piece = name.slice(start, start + length);
      if (!/示例|样例/.test(piece) && !categories.some((c) => c.includes(piece))) return piece;
    }
  }
  return null;
}

/** The theme's UI strings of a language (themes/default/i18n/<lang>.yaml). */
export function strings(lang) {
  return parse(readFileSync(join(repoRoot, "themes", "default", "i18n", `${lang}.yaml`), "utf8"));
}

/** Fills the "{name}" placeholders of a UI string. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, k) => (k in values ? String(values[k]) : all));
}

/** The latest issue or renewal of any of an organisation's certificates up to AS_OF: "sort by date". */
export function latestIssue(org) {
  const dates = (org.certificates ?? []).flatMap((c) =>
    (c.events ?? []).filter((e) => (e.type === "issued" || e.type === "renewed") && String(e.date) <= AS_OF).map((e) => String(e.date)),
  );
  return dates.sort().at(-1) ?? "";
}
