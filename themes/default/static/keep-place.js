// Keeps the reader's place when switching language or view from the page
// header. Anchors are the same in every language and view, so the switch
// links (`a[data-keep-place]`) get the anchor of where the reader is: the
// clause, paragraph or list item at the top of the screen where they last
// stopped scrolling, else the address's own fragment. The header is not
// fixed, so reaching the switch means scrolling back up: positions with
// the header in view do not move the place. (Each clause heading also
// links to the same clause in the other language, which works without
// JavaScript.) On arrival, a fragment the page lacks (a unit not yet
// translated) falls back to the clause around it.
(function () {
  "use strict";

  // How far below the top of the screen a line counts as "at the top":
  // the anchor scrolled to lands this close to it (CSS scroll-margin-top).
  var LINE = 16;
  // How long scrolling must rest before the place is taken, in ms.
  var REST = 150;

  var main = document.getElementById("main");

  // The anchor of the innermost element of <main> that the line crosses
  // (else of the first one below it), or null.
  function placeAtTop() {
    if (!main) return null;
    var found = null;
    var next = null;
    var nodes = main.querySelectorAll("[id]");
    for (var i = 0; i < nodes.length; i++) {
      var box = nodes[i].getBoundingClientRect();
      if (box.height === 0 && box.width === 0) continue;
      // In document order a container comes before what it contains, so
      // the last element crossing the line is the innermost one.
      if (box.top <= LINE && box.bottom > LINE) found = nodes[i];
      else if (!next && box.top > LINE) next = nodes[i];
    }
    var place = found || next;
    // The translation column of the side-by-side view prefixes its ids.
    return place ? place.id.replace(/^tr-/, "") : null;
  }

  function mark(id) {
    var links = document.querySelectorAll("a[data-keep-place]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (!link.dataset.base) link.dataset.base = link.href;
      var target = new URL(link.dataset.base, location.href);
      target.hash = id;
      link.href = target.href;
    }
  }

  function fromAddress() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (_) {
      return "";
    }
  }

  var timer = 0;
  function settle() {
    // The header is in view: the reader is on the way to the switch.
    if (!main || main.getBoundingClientRect().top > 0) return;
    var id = placeAtTop();
    if (id) mark(id);
  }
  window.addEventListener(
    "scroll",
    function () {
      clearTimeout(timer);
      timer = setTimeout(settle, REST);
    },
    { passive: true },
  );
  window.addEventListener("hashchange", function () {
    if (fromAddress()) mark(fromAddress());
  });

  // A fragment this page lacks: the nearest enclosing anchor it has
  // ("7.2.4-b" → "7.2.4").
  function reachFallback() {
    var id = fromAddress();
    if (!id || document.getElementById(id)) return;
    var parts = id.split("-");
    while (parts.length > 1) {
      parts.pop();
      var element = document.getElementById(parts.join("-"));
      if (element) {
        element.scrollIntoView();
        mark(element.id);
        return;
      }
    }
  }

  function start() {
    if (fromAddress()) mark(fromAddress());
    reachFallback();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
