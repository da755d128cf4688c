// DOM helpers shared by the search page and the directory: rows of
// organisations and clauses built from index records, with the matched
// parts marked. Text goes in as text nodes, never as HTML.
import { segments, snippet } from "./search-core.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** A text with its ranges wrapped in <mark>, as a fragment. */
export function marked(text, ranges) {
  const frag = document.createDocumentFragment();
  for (const s of segments(text, ranges || [])) frag.append(s.mark ? el("mark", {}, s.text) : s.text);
  return frag;
}

/** A value in the page language from {zh, en} (or a plain string). */
export function pick(value, lang) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return value[lang] ?? value.zh ?? value.en ?? "";
}

/** Fills "{name}" placeholders. */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (all, k) => (k in values ? String(values[k]) : all));
}

/**
 * An organisation row, as the directory's static rows are marked up:
 * <li class="org-row"><a class="org-name">…</a> <span class="org-other-name">…</span>
 * <span class="org-region">…</span><ul class="org-holdings">…</ul></li>
 * The name in the other language shows only when the query matched it (as
 * the static rows, which name the organisation in the page's language).
 * Matches in fields other than the two names are listed below it.
 */
export function orgRow(item, ctx) {
  const { lang, fieldLabel, statusLabel, noHoldings } = ctx;
  const d = item.display || {};
  const other = lang === "zh" ? "en" : "zh";
  const byName = new Map((item.matches || []).map((m) => [m.name, m]));
  const nameMatch = byName.get(`name_${lang}`);
  const otherMatch = byName.get(`name_${other}`);
  const name = pick(d.name, lang);
  const otherName = d.name ? d.name[other] : "";
  const row = el(
    "li",
    { class: "org-row" },
    el("a", { class: "org-name", href: pick(d.url, lang) }, nameMatch ? marked(nameMatch.text, nameMatch.ranges) : name),
  );
  if (otherMatch && otherName && otherName !== name) {
    row.append(" ", el("span", { class: "org-other-name", lang: other }, marked(otherMatch.text, otherMatch.ranges)));
  }
  if (d.region) row.append(" ", el("span", { class: "org-region" }, pick(d.region, lang)));
  if (d.holdings && d.holdings.length) {
    const ul = el("ul", { class: "org-holdings" });
    for (const h of d.holdings) {
      const text = pick(h, lang);
      const href = h.url ? pick(h.url, lang) : "";
      const classes = [h.status ? `status-${h.status}` : "", h.level_flag ? "level-unsupported" : ""].filter(Boolean).join(" ");
      const li = el("li", { class: classes || null }, href ? el("a", { href }, text) : text);
      const label = h.status ? statusLabel(h.status) : "";
      if (label) li.append(" ", el("span", { class: "status-badge" }, label));
      // As the static rows: the computed level where it is higher, the
      // finding where the evidence does not support the registered level.
      if (h.computed) li.append(" ", el("span", { class: "level-computed" }, pick(h.computed, lang)));
      if (h.level_flag) li.append(" ", el("span", { class: "level-flag" }, pick(h.level_flag, lang)));
      ul.append(li);
    }
    row.append(ul);
  } else if (noHoldings) {
    row.append(" ", el("span", { class: "org-none" }, noHoldings));
  }
  for (const m of item.matches || []) {
    if (m.name === `name_${lang}` || m.name === `name_${other}`) continue;
    row.append(matchLine(m, fieldLabel));
  }
  return row;
}

function matchLine(m, fieldLabel, width) {
  const s = width ? snippet(m.text, m.ranges, width) : { text: m.text, ranges: m.ranges };
  return el("p", { class: "match-field" }, el("span", { class: "match-label" }, `${fieldLabel(m.name)}: `), marked(s.text, s.ranges));
}

/** A clause result: its title linked, the standard, and the matched text. */
export function clauseRow(item, ctx) {
  const { lang, fieldLabel, otherLanguage } = ctx;
  const d = item.display || {};
  const recordLang = d.lang || lang;
  const title = pick(d.title, recordLang);
  // Matches in the number or heading are marked where they stand in the
  // title ("7.1.4 应急响应能力"); other fields get a line of their own.
  const inTitle = new Set();
  const titleRanges = [];
  for (const m of item.matches || []) {
    if (m.name !== "heading" && m.name !== "number") continue;
    const at = title.indexOf(m.text);
    if (at < 0) continue;
    inTitle.add(m);
    for (const [s, e] of m.ranges) titleRanges.push([s + at, e + at]);
  }
  const link = el("a", { class: "clause-title", href: d.url || "#" }, marked(title, titleRanges));
  const row = el("li", { class: "clause-result", lang: recordLang !== lang ? recordLang : null }, link);
  if (d.standard) row.append(" ", el("span", { class: "clause-standard" }, pick(d.standard, recordLang)));
  if (recordLang !== lang && otherLanguage) row.append(" ", el("span", { class: "clause-lang", lang }, `(${otherLanguage})`));
  for (const m of item.matches || []) {
    if (!inTitle.has(m)) row.append(matchLine(m, fieldLabel, 120));
  }
  return row;
}
