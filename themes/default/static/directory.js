// The directory's filters (templates/filters.html) with JavaScript: the
// values of every facet kind, read from the organisation index's manifest,
// become checkboxes that combine on one page; the search box filters in
// place; a sort choice (name or date) works on every listing; and the state
// lives in the URL of the directory's root
// (?standard=…&level=…&region=…&status=…&q=…&sort=date&page=2), so it can
// be shared and the back button restores it. Results replace the static list
// <ol id="org-results">. Without the script the page links to each kind's
// index page instead (registry/region/, …).
import { SearchIndex, paramsFromState, stateFromParams } from "./search.js";
import { el, format, orgRow, pick } from "./search-render.js";

const form = document.getElementById("dir-filters");
const list = document.getElementById("org-results");
if (form && list) init(form, list);

/**
 * The facet panel: per kind (in the order of the static kind links), a
 * <details> of checkboxes with counts, categories and levels under their
 * standard. Labels in the manifest name a category's or level's standard
 * ("standard · category"); the group heading says it once.
 */
function facetPanel(facets, kinds, lang) {
  const standards = new Map(facets.filter((f) => f.token.startsWith("standard=")).map((f) => [f.token.slice(9), pick(f, lang)]));
  const panel = [];
  for (const { kind, label } of kinds) {
    const ul = el("ul");
    let group = null;
    for (const f of facets.filter((f) => f.token.startsWith(`${kind}=`))) {
      let text = pick(f, lang);
      const standard = kind === "category" || kind === "level" ? standards.get(f.token.slice(kind.length + 1).split("/")[0]) : null;
      if (standard && text.startsWith(`${standard} · `)) text = text.slice(standard.length + 3);
      if (standard && standard !== group) {
        ul.append(el("li", { class: "filter-subhead", "aria-hidden": "true" }, standard));
        group = standard;
      }
      const id = `dir-${f.token.replace(/[^a-z0-9]+/gi, "-")}`;
      ul.append(
        el(
          "li",
          {},
          el("input", { type: "checkbox", id, value: f.token }),
          " ",
          el("label", { for: id }, standard ? el("span", { class: "visually-hidden" }, `${standard} · `) : null, text),
          " ",
          el("span", { class: "count" }, String(f.count)),
        ),
      );
    }
    if (!ul.childElementCount) continue;
    panel.push(
      el("details", { class: "dir-facet", "data-kind": kind }, el("summary", {}, label), el("fieldset", {}, el("legend", { class: "visually-hidden" }, label), ul)),
    );
  }
  return panel;
}

function init(form, list) {
  const strings = document.getElementById("dir-strings").dataset;
  const lang = form.dataset.lang || document.documentElement.lang.slice(0, 2) || "zh";
  const pageSize = Number(form.dataset.pageSize) || 20;
  const listUrl = form.dataset.listUrl || location.pathname;
  const index = new SearchIndex(form.dataset.index);
  const status = document.getElementById("dir-status");
  const input = document.getElementById("dir-q");
  const kindLinks = [...form.querySelectorAll("a[data-kind]")].map((a) => ({ kind: a.dataset.kind, label: a.textContent }));
  const kinds = kindLinks.map((k) => k.kind);
  const labels = new Map();
  const ctx = {
    lang,
    fieldLabel: (name) => name,
    statusLabel: (s) => labels.get(`status=${s}`) || "",
    noHoldings: strings.noHoldings,
  };

  // The static page as it came: restored when the history returns to it.
  const original = {
    html: list.innerHTML,
    path: location.pathname,
    state: {
      q: "",
      facets: form.dataset.facet ? [form.dataset.facet] : [],
      sort: "name",
      page: 1,
    },
  };
  // The static page's pager describes the static list only; its count line
  // and the results heading are rewritten while filtered results show.
  const staticPagers = [...document.querySelectorAll("nav.pagination")];
  const countLine = document.getElementById("org-count");
  const resultsTitle = document.getElementById("results-title");
  const staticCount = { line: countLine?.textContent ?? "", title: resultsTitle?.textContent ?? "" };
  const setCount = (text) => {
    if (countLine) countLine.textContent = text ?? staticCount.line;
    if (resultsTitle) resultsTitle.textContent = text ?? staticCount.title;
  };
  // On a phone the open facets would push the results off the screen.
  const wide = window.matchMedia("(min-width: 60rem)");

  // The kind links give way to the facet panel once the manifest is read.
  index
    .manifest()
    .then((m) => {
      for (const f of m.facets) labels.set(f.token, pick(f, lang));
      const panel = facetPanel(m.facets, kindLinks, lang);
      clear.before(...panel);
      document.getElementById("dir-kinds").hidden = true;
      show(state);
    })
    .catch((error) => console.error(error));
  // Sort links → two radio buttons.
  const sortBox = el("fieldset", { class: "dir-sort", id: "dir-sort" }, el("legend", {}, strings.sort));
  for (const key of ["name", "date"]) {
    const id = `dir-sort-${key}`;
    sortBox.append(
      el("span", { class: "dir-sort-option" }, el("input", { type: "radio", name: "sort", id, value: key }), " ", el("label", { for: id }, key === "date" ? strings.sortDate : strings.sortName)),
    );
  }
  form.querySelector(".dir-q")?.after(sortBox);
  const clear = el("button", { type: "button", class: "facet-clear" }, strings.clear);
  status.before(clear);
  const pager = el("nav", { class: "pagination dir-pages", id: "dir-pages", "aria-label": strings.pages, hidden: true });
  list.after(pager);

  let state = { ...original.state };
  let run = 0;

  function show(s) {
    input.value = s.q;
    for (const box of form.querySelectorAll("input[type=checkbox]")) box.checked = s.facets.includes(box.value);
    for (const r of form.querySelectorAll("input[name=sort]")) r.checked = r.value === s.sort;
    if (wide.matches) {
      for (const d of form.querySelectorAll(".dir-facet")) if (d.querySelector("input:checked")) d.open = true;
    }
  }

  function urlOf(s) {
    const params = paramsFromState(s);
    return `${listUrl}${params.toString() ? `?${params}` : ""}`;
  }

  function hasParams() {
    const p = new URLSearchParams(location.search);
    return ["q", "sort", "page", ...kinds].some((k) => p.has(k));
  }

  function restoreStatic() {
    run++;
    state = { ...original.state };
    show(state);
    list.innerHTML = original.html;
    pager.hidden = true;
    for (const p of staticPagers) p.hidden = false;
    status.textContent = "";
    setCount(null);
  }

  function changed(push) {
    state.page = 1;
    const url = urlOf(state);
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    render();
  }

  async function render() {
    const id = ++run;
    const { q, facets, sort, page } = state;
    status.textContent = strings.loading;
    list.setAttribute("aria-busy", "true");
    try {
      const m = await index.manifest();
      for (const f of m.facets) if (!labels.has(f.token)) labels.set(f.token, pick(f, lang));
      const result = await index.search(q, { facets });
      const start = (page - 1) * pageSize;
      let shown;
      if (sort === "date") {
        const set = q ? Uint32Array.from(result.order).sort() : facets.length ? result.order : null;
        const ids = await index.dateOrder(set, start, start + pageSize);
        shown = await index.page({ terms: result.terms, order: Uint32Array.from(ids) }, 0, pageSize);
      } else {
        const byName = q ? Uint32Array.from(result.order).sort() : result.order;
        shown = await index.page({ terms: result.terms, order: byName }, start, pageSize);
      }
      if (id !== run) return;
      // Records that fail the check against their text are left out (and
      // off the count, as far as this page shows).
      const count = result.count - shown.dropped;
      list.replaceChildren(...shown.items.map((item) => orgRow({ ...item, matches: [] }, ctx)));
      for (const p of staticPagers) p.hidden = true;
      renderPager(count);
      status.textContent = count ? format(strings.found, { count }) : strings.none;
      setCount(status.textContent);
    } catch (error) {
      if (id !== run) return;
      status.textContent = strings.error;
      console.error(error);
    } finally {
      if (id === run) list.removeAttribute("aria-busy");
    }
  }

  function renderPager(count) {
    const pages = Math.max(1, Math.ceil(count / pageSize));
    pager.replaceChildren();
    pager.hidden = pages <= 1;
    if (pages <= 1) return;
    const link = (page, text, rel) => {
      const a = el("a", { href: urlOf({ ...state, page }), rel }, text);
      a.addEventListener("click", (event) => {
        event.preventDefault();
        state.page = page;
        history.pushState(null, "", urlOf(state));
        render().then(() => list.querySelector("a")?.focus());
      });
      return a;
    };
    if (state.page > 1) pager.append(link(state.page - 1, strings.prev, "prev"), " ");
    pager.append(el("span", { class: "page-of", "aria-current": "page" }, format(strings.page, { page: state.page, pages })));
    if (state.page < pages) pager.append(" ", link(state.page + 1, strings.next, "next"));
  }

  form.addEventListener("change", (event) => {
    const t = event.target;
    if (t.type === "checkbox") state.facets = [...form.querySelectorAll("input[type=checkbox]:checked")].map((b) => b.value);
    else if (t.name === "sort") state.sort = t.value;
    else return;
    changed(true);
  });
  let typing = 0;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.q = input.value.trim();
      changed(false);
    }, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    state.q = input.value.trim();
    changed(true);
  });
  clear.addEventListener("click", () => {
    state = { q: "", facets: [], sort: state.sort, page: 1 };
    show(state);
    changed(true);
  });
  window.addEventListener("popstate", () => {
    if (!hasParams() && location.pathname === original.path) restoreStatic();
    else {
      state = stateFromParams(new URLSearchParams(location.search), kinds);
      show(state);
      render();
    }
  });

  if (hasParams()) {
    state = stateFromParams(new URLSearchParams(location.search), kinds);
    show(state);
    render();
  } else {
    show(state);
  }
}
