/* Renderer of the probe demo (tests/demo_plugins/probe/infer.py's result): the template's renderer.
 * A plug-in under demos/plugins/<slug>/ ships this file as static/demos/<slug>.js and the site
 * serves it at /static/demos/<slug>.js (vault/settings.py adds every plug-in's static/). */
(function () {
  "use strict";
  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers["probe"] = function (el, result, ctx) {
    var es = ctx.lang === "es";
    ctx.viz.table(el, {
      columns: [es ? "Cuenta" : "Count", es ? "Lectura del modelo" : "Model's reading"],
      rows: [[String((result.echo || {}).count), String(result.reading)]],
    });
  };
})();
