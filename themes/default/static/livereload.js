// Live reload for `dengji serve`: reloads the page after a successful
// rebuild and shows the build error over the page after a failed one.
(function () {
  "use strict";
  var overlayId = "dengji-build-error";

  function showError(text) {
    var box = document.getElementById(overlayId);
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alert");
      var title = document.createElement("strong");
      title.textContent = "dengji: build failed — the page shows the last good build";
      var pre = document.createElement("pre");
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }

  function clearError() {
    var box = document.getElementById(overlayId);
    if (box) box.remove();
  }

  function checkStatus() {
    fetch("/__dengji/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.error) showError(s.error); else clearError(); })
      .catch(function () {});
  }

  checkStatus();
  var source = new EventSource("/__dengji/events");
  source.onmessage = function (event) {
    if (event.data === "reload") location.reload();
    else if (event.data === "error") checkStatus();
  };
})();
