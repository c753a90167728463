/* The admin's Mermaid editor: as the curator types, the source goes to the check endpoint, which
 * runs the project's own parser (graphs.mermaid). A parse error is shown under the text with its
 * line and column; a valid graph is rendered by the vendored Mermaid (securityLevel "strict") from
 * the canonical source the server returns. No inline script: loaded as a static file (CSP). */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setup(form) {
    var textarea = form.querySelector("textarea[name=graph_source]");
    var errorBox = form.querySelector("[data-mermaid-error]");
    var counts = form.querySelector("[data-mermaid-counts]");
    var preview = form.querySelector("[data-mermaid-preview]");
    var timer = null;
    var seq = 0;

    if (window.mermaid) {
      window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
    }

    function render(data, mine) {
      if (!data.mermaid) {
        preview.replaceChildren();
        preview.dataset.rendered = "empty";
        return;
      }
      if (!window.mermaid) return;
      window.mermaid.render("mermaid-editor-" + mine, data.mermaid).then(function (result) {
        if (mine !== seq) return; // a newer check is on its way
        preview.innerHTML = result.svg; // sanitised by Mermaid (strict)
        preview.dataset.rendered = "true";
      }).catch(function (err) {
        errorBox.textContent = String(err && err.message ? err.message : err);
      });
    }

    function check() {
      var mine = ++seq;
      form.dataset.state = "checking";
      fetch(form.dataset.checkUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
        body: JSON.stringify({ source: textarea.value })
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        if (mine !== seq) return;
        if (data.ok) {
          errorBox.textContent = "";
          counts.textContent = data.nodes + " nodes · " + data.edges + " edges · " + data.groups + " groups";
          form.dataset.state = "ok";
          render(data, mine);
        } else {
          errorBox.textContent = data.error.message;
          errorBox.dataset.line = data.error.line;
          form.dataset.state = "error";
        }
      }).catch(function (err) {
        if (mine === seq) {
          errorBox.textContent = String(err);
          form.dataset.state = "error";
        }
      });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, DELAY_MS);
    });
    check();
  }

  function start() {
    document.querySelectorAll("form[data-mermaid-editor]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
