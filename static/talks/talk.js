/* The talk page: the "Cite" menu loads the BibTeX from the API when it opens (and copies it), and each
 * point's ¶ link copies the address of that point. Without JavaScript both stay plain links. */
(function () {
  "use strict";

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");  // http:// pages have no Clipboard API
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand && document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copiedText() {
    var menu = document.querySelector("[data-cite-menu]");
    return (menu && menu.dataset.copied) || "✓";
  }

  function initCite(menu) {
    var pre = menu.querySelector("[data-cite-text]");
    var button = menu.querySelector("[data-cite-copy]");
    var status = menu.querySelector("[data-cite-status]");
    var loaded = false;
    menu.addEventListener("toggle", function () {
      if (!menu.open || loaded) return;
      loaded = true;
      fetch(menu.dataset.bib, { headers: { Accept: "application/x-bibtex" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (bib) {
          pre.textContent = bib;
          pre.hidden = false;
          button.hidden = false;
          menu.dataset.loaded = "true";
        })
        .catch(function () { loaded = false; });
    });
    button.addEventListener("click", function () {
      copy(pre.textContent).then(
        function () { status.textContent = copiedText(); },
        function () { status.textContent = ""; }
      );
    });
  }

  function initPoints() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-copy-point]");
      if (!link) return;
      // The link's own navigation still sets the address's #point-… (and :target highlights it).
      var url = location.href.split("#")[0] + link.getAttribute("href");
      copy(url).then(function () {
        link.dataset.copied = "true";
        link.setAttribute("title", copiedText() + " " + url);
      }, function () {});
    });
  }

  function init() {
    document.querySelectorAll("[data-cite-menu]").forEach(initCite);
    initPoints();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
