// Certificate lookup on the verification page. Every certificate has a
// static page at verify/<NUMBER>/ (in the default language's edition, with
// an answer in every language), so a lookup is one HEAD request: found
// opens that page at this language's answer, not found says what the
// registry covers.
(() => {
  "use strict";
  const form = document.getElementById("verify-form");
  if (!form) return;
  const input = document.getElementById("verify-number");
  const result = document.getElementById("verify-result");
  const message = document.getElementById("verify-message");
  const detail = result.querySelector(".verify-not-found-detail");

  // Same mapping as the build's number_slug: ASCII letters upper-cased,
  // digits kept, every other run of characters one "-".
  const slug = (text) =>
    text
      .normalize("NFKC")
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");

  const show = (text, notFound) => {
    result.hidden = false;
    message.textContent = text;
    detail.hidden = !notFound;
  };

  async function lookUp(number) {
    const key = slug(number);
    const shown = number.trim();
    if (!key) return;
    show(form.dataset.checking, false);
    const url = form.dataset.root + key + "/";
    // Every certificate has one page; this language's answer is at the fragment.
    const answer = url + (form.dataset.fragment || "");
    let found = false;
    try {
      const response = await fetch(url, { method: "HEAD" });
      found = response.ok;
    } catch (_) {
      found = false;
    }
    if (found) {
      show(form.dataset.found.replace("{number}", shown), false);
      window.location.assign(answer);
    } else {
      show(form.dataset.notFound.replace("{number}", shown), true);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const number = input.value;
    const params = new URLSearchParams({ number });
    history.replaceState(null, "", "?" + params.toString());
    lookUp(number);
  });

  const initial = new URLSearchParams(window.location.search).get("number");
  if (initial) {
    input.value = initial;
    lookUp(initial);
  }
})();
