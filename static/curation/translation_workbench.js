/* The translation workbench's live graph preview: as the curator types a label, the whole form goes
 * to the preview endpoint, which copies the source graph with the translated labels (source labels
 * where none is typed yet) and returns its canonical Mermaid; the vendored Mermaid renders it
 * (securityLevel "strict"), as in the Mermaid editor. No inline script (CSP). */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function setup(form) {
    var preview = form.querySelector("[data-workbench-preview]");
    var errorBox = form.querySelector("[data-workbench-error]");
    if (!preview) return;
    var timer = null;
    var seq = 0;

    if (window.mermaid) {
      window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
    }

    function render(source, mine) {
      if (!source || !window.mermaid) {
        preview.replaceChildren();
        preview.dataset.rendered = "empty";
        return;
      }
      window.mermaid.render("workbench-graph-" + mine, source).then(function (result) {
        if (mine !== seq) return; // a newer preview is on its way
        preview.innerHTML = result.svg; // sanitised by Mermaid (strict)
        preview.dataset.rendered = "true";
        form.dataset.previewed = String(mine);
      }).catch(function (err) {
        errorBox.textContent = String(err && err.message ? err.message : err);
      });
    }

    function update() {
      var mine = ++seq;
      fetch(form.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        body: new FormData(form)
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        if (mine !== seq) return;
        if (data.ok) {
          errorBox.textContent = "";
          render(data.mermaid, mine);
        } else {
          errorBox.textContent = (data.errors || []).join(" ");
        }
      }).catch(function (err) {
        if (mine === seq) errorBox.textContent = String(err);
      });
    }

    form.addEventListener("input", function (event) {
      if (!event.target.name || event.target.name.indexOf("label-") !== 0) return;
      clearTimeout(timer);
      timer = setTimeout(update, DELAY_MS);
    });
    update();
  }

  function start() {
    document.querySelectorAll("form.translation-workbench[data-preview-url]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
