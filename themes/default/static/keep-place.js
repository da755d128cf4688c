// Keeps the reader's place when switching language or view: the clause
// anchors are the same in every language, so the link gets the current
// fragment, or the anchor of the first clause on screen when there is none.
(function () {
  "use strict";
  function currentAnchor() {
    if (location.hash.length > 1) return location.hash;
    var units = document.querySelectorAll("main section[id], main [id].note, main li[id], main p[id], main tr[id], main figure[id]");
    for (var i = 0; i < units.length; i++) {
      var box = units[i].getBoundingClientRect();
      if (box.bottom > 0 && box.height > 0) {
        return box.top >= -4 || units[i].tagName !== "SECTION" ? "#" + units[i].id : "";
      }
    }
    return "";
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-keep-place]");
    if (!link) return;
    var anchor = currentAnchor();
    if (!anchor) return;
    var target = new URL(link.href, location.href);
    if (target.hash) return;
    target.hash = anchor;
    link.href = target.href;
  });
})();
