// Search page keyboard support: "/" focuses the search box; ArrowDown/ArrowUp (or j/k) move between
// results; Enter follows the focused result (native link behaviour). Typing in a field is never hijacked.
(function () {
  "use strict";
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll(".search-hit .hit-link"));
  }
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var active = document.activeElement;
    if (ev.key === "/" && !typing(active)) {
      var box = document.getElementById("q") || document.getElementById("site-search");
      if (box) { ev.preventDefault(); box.focus(); box.select(); }
      return;
    }
    var down = ev.key === "ArrowDown" || (ev.key === "j" && !typing(active));
    var up = ev.key === "ArrowUp" || (ev.key === "k" && !typing(active));
    if (!down && !up) return;
    var all = links();
    if (!all.length) return;
    var i = all.indexOf(active);
    if (typing(active) && !(active && active.id === "q" && down)) return; // only ↓ leaves the query box
    ev.preventDefault();
    var next = i < 0 ? 0 : Math.max(0, Math.min(all.length - 1, i + (down ? 1 : -1)));
    all[next].focus();
    all[next].closest(".search-hit").scrollIntoView({ block: "nearest" });
  });
})();
