// The search page (templates/search.html): organisations and the standards'
// text, facet filters for organisations, state in the URL (?q=…&region=…).
import { SearchIndex, facetKind, paramsFromState, stateFromParams } from "./search.js";
import { clauseRow, el, format, orgRow, pick } from "./search-render.js";

const app = document.getElementById("search-app");
if (app) init(app);

function init(app) {
  const $ = (id) => document.getElementById(id);
  const lang = app.dataset.lang || "zh";
  const pageSize = Number(app.dataset.pageSize) || 20;
  const strings = $("search-strings").dataset;
  const orgs = new SearchIndex(app.dataset.orgIndex);
  const clauses = new SearchIndex(app.dataset.standardsIndex);
  const form = $("search-form");
  const input = $("search-q");
  const status = $("search-status");
  const facetBox = $("search-facets");
  const facetGroups = $("search-facet-groups");
  const facetDetails = $("search-facets-details");
  const sections = {
    orgs: { section: $("search-orgs"), list: $("search-org-results"), more: $("search-org-more"), count: $("search-orgs-count") },
    clauses: { section: $("search-standards"), list: $("search-clause-results"), more: $("search-clause-more"), count: $("search-clauses-count") },
  };
  $("search-nojs").hidden = true;

  let kinds = [];
  let facetLabels = new Map();
  let state = { q: "", facets: [], sort: "name", page: 1 };
  let run = 0;
  const ctx = {
    lang,
    // data-field-name_zh is dataset.fieldName_zh
    fieldLabel: (name) => strings[`field-${name}`.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] || name,
    statusLabel: (s) => facetLabels.get(`status=${s}`) || "",
    noHoldings: strings.noHoldings,
    otherLanguage: strings.otherLanguage,
  };

  function readUrl() {
    state = stateFromParams(new URLSearchParams(location.search), kinds);
    input.value = state.q;
    for (const box of facetBox.querySelectorAll("input[type=checkbox]")) box.checked = state.facets.includes(box.value);
  }

  function writeUrl(push) {
    const params = paramsFromState({ ...state, sort: "name", page: 1 });
    const url = `${location.pathname}${params.toString() ? `?${params}` : ""}`;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  async function buildFacets() {
    const m = await orgs.manifest();
    const groups = new Map();
    for (const f of m.facets) {
      if (!f.count) continue;
      facetLabels.set(f.token, pick(f, lang));
      const kind = facetKind(f.token);
      if (!groups.has(kind)) groups.set(kind, []);
      groups.get(kind).push(f);
    }
    kinds = [...groups.keys()];
    for (const [kind, options] of groups) {
      const legend = strings[`facet${kind[0].toUpperCase()}${kind.slice(1)}`] || kind;
      const list = el("ul", { class: "facet-options" });
      for (const f of options) {
        const id = `facet-${f.token.replace(/[^a-z0-9]+/gi, "-")}`;
        list.append(
          el("li", {}, el("input", { type: "checkbox", id, value: f.token }), " ", el("label", { for: id }, pick(f, lang), " ", el("span", { class: "count" }, String(f.count)))),
        );
      }
      const details = el("details", { class: "facet-group", "data-kind": kind }, el("summary", {}, legend), el("fieldset", {}, el("legend", { class: "visually-hidden" }, legend), list));
      facetGroups.append(details);
    }
    const clear = el("button", { type: "button", class: "facet-clear" }, strings.clear);
    clear.addEventListener("click", () => {
      state.facets = [];
      for (const box of facetBox.querySelectorAll("input[type=checkbox]")) box.checked = false;
      writeUrl(true);
      search();
    });
    facetGroups.append(clear);
    facetBox.addEventListener("change", (event) => {
      if (event.target.type !== "checkbox") return;
      state.facets = [...facetBox.querySelectorAll("input[type=checkbox]:checked")].map((b) => b.value);
      writeUrl(true);
      search();
    });
    facetBox.hidden = false;
  }

  // The filters start open beside the results on wide screens, and on a
  // phone (where they come first) only when some are chosen.
  function openSelectedGroups() {
    if (window.matchMedia("(min-width: 64rem)").matches || state.facets.length) facetDetails.open = true;
    for (const d of facetGroups.querySelectorAll("details")) {
      if (d.querySelector("input:checked")) d.open = true;
    }
  }

  // Records that fail the check against their text (n-gram coincidences)
  // are left out and taken off the count as pages reveal them.
  async function showPage(index, result, part, render, start) {
    const { items, dropped } = await index.page(result, start, pageSize);
    part.total -= dropped;
    part.count.textContent = `(${part.total})`;
    for (const item of items) part.list.append(render(item, ctx));
    const next = start + pageSize;
    part.more.hidden = next >= result.count;
    part.more.onclick = async () => {
      part.more.disabled = true;
      const before = part.list.children.length;
      await showPage(index, result, part, render, next);
      part.more.disabled = false;
      // Keyboard users land on the first new result.
      part.list.children[before]?.querySelector("a")?.focus();
    };
  }

  async function search() {
    const id = ++run;
    const { q, facets } = state;
    for (const part of Object.values(sections)) {
      part.list.replaceChildren();
      part.more.hidden = true;
    }
    if (!q && facets.length === 0) {
      sections.orgs.section.hidden = true;
      sections.clauses.section.hidden = true;
      status.textContent = strings.empty;
      return;
    }
    status.textContent = strings.loading;
    try {
      const [orgResult, clauseResult] = await Promise.all([
        orgs.search(q, { facets }),
        q ? clauses.search(q, { prefer: `lang=${lang}` }) : Promise.resolve(null),
      ]);
      if (id !== run) return;
      sections.orgs.total = orgResult.count;
      sections.clauses.total = clauseResult ? clauseResult.count : 0;
      await Promise.all([
        showPage(orgs, orgResult, sections.orgs, orgRow, 0),
        clauseResult ? showPage(clauses, clauseResult, sections.clauses, clauseRow, 0) : null,
      ]);
      if (id !== run) return;
      sections.orgs.section.hidden = false;
      sections.clauses.section.hidden = !clauseResult;
      const found = { orgs: sections.orgs.total, clauses: sections.clauses.total };
      status.textContent = found.orgs + found.clauses === 0 ? strings.none : format(strings.found, found);
    } catch (error) {
      if (id !== run) return;
      status.textContent = strings.error;
      console.error(error);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    state.q = input.value.trim();
    writeUrl(true);
    search();
  });
  window.addEventListener("popstate", () => {
    readUrl();
    openSelectedGroups();
    search();
  });

  buildFacets()
    .catch((error) => console.error(error))
    .finally(() => {
      readUrl();
      openSelectedGroups();
      if (state.q || state.facets.length) search();
      else status.textContent = "";
    });
}
