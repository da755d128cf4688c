// Live reload for `dengji serve`: reloads the page after a successful
// rebuild and shows the build's problems over the page after a failed one:
// the errors first, the warnings folded away under them. The overlay's
// markup and words are the page's <template id="dengji-build-error-template">.
(function () {
  "use strict";
  var overlayId = "dengji-build-error";

  function problem(d) {
    var item = document.createElement("li");
    var where = document.createElement("code");
    where.className = "build-location";
    where.textContent = d.location.file + ":" + d.location.line + ":" + d.location.column;
    var what = document.createElement("p");
    what.className = "build-message";
    what.textContent = d.message;
    item.appendChild(where);
    item.appendChild(what);
    if (d.hint) {
      var hint = document.createElement("p");
      hint.className = "build-hint";
      hint.textContent = d.hint;
      item.appendChild(hint);
    }
    return item;
  }

  function counted(node, count) {
    node.textContent = (node.getAttribute("data-count-text") || "{count}").replace("{count}", String(count));
  }

  function fill(list, problems) {
    list.replaceChildren.apply(list, problems.map(problem));
  }

  function showError(status) {
    var old = document.getElementById(overlayId);
    if (old) old.remove();
    var template = document.getElementById("dengji-build-error-template");
    if (!template) {
      // A page without the template (not built by serve): the plain report.
      var plain = document.createElement("pre");
      plain.id = overlayId;
      plain.setAttribute("role", "alert");
      plain.textContent = status.error;
      document.body.appendChild(plain);
      return;
    }
    var box = template.content.firstElementChild.cloneNode(true);
    var errors = status.errors || [];
    var warnings = status.warnings || [];
    counted(box.querySelector("h2"), errors.length);
    fill(box.querySelector(".build-errors"), errors);
    var folded = box.querySelector(".build-warnings");
    if (warnings.length === 0) {
      folded.remove();
    } else {
      counted(folded.querySelector("summary"), warnings.length);
      fill(folded.querySelector("ol"), warnings);
    }
    document.body.appendChild(box);
  }

  function clearError() {
    var box = document.getElementById(overlayId);
    if (box) box.remove();
  }

  function checkStatus() {
    fetch("/__dengji/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.error) showError(s); else clearError(); })
      .catch(function () {});
  }

  checkStatus();
  var source = new EventSource("/__dengji/events");
  source.onmessage = function (event) {
    if (event.data === "reload") location.reload();
    else if (event.data === "error") checkStatus();
  };
})();
