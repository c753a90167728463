/* Light or dark theme. The page follows the system (prefers-color-scheme, in vault.css) until the
 * header's toggle is used; the choice is then kept in localStorage ("kv-theme") and set as
 * <html data-theme>. Loaded without defer in <head>, so a stored choice applies before the first paint. */
(function () {
  "use strict";
  var KEY = "kv-theme";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }  // storage may be blocked
  }
  var choice = stored();
  if (choice === "dark" || choice === "light") root.dataset.theme = choice;

  function current() {
    if (root.dataset.theme) return root.dataset.theme;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function init() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    button.hidden = false;
    var show = function () { button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false"); };
    show();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem(KEY, next); } catch (e) { /* the choice lasts for this page only */ }
      show();
    });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", show);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
