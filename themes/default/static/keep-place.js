// Keeps the reader's place when switching language or view from the page
// header: clause anchors are the same in every language, so the switch link
// gets the current fragment. (Each clause heading also links to the same
// clause in the other language, which works without JavaScript.)
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-keep-place]");
    if (!link || location.hash.length < 2) return;
    var target = new URL(link.href, location.href);
    if (target.hash) return;
    target.hash = location.hash;
    link.href = target.href;
  });
})();
