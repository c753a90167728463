/* Renderer for the V-trace demo (demos/plugins/vtrace/infer.py).
 * 1. the live runs: return of the lagged actors' episodes against learner updates, one line per
 *    learner target, at the visitor's lag;
 * 2. the bundled policies: mean return against the lag they were trained at, one line per target;
 * 3. a table of the live runs' final returns and learning rates. */
(function () {
  "use strict";
  window.DemoRenderers = window.DemoRenderers || {};

  var T = {
    en: {
      live: "Live runs at lag k = ", update: "learner update", ret: "episode return (actors, last 20 episodes)",
      bundled: "Bundled policies: return against actor lag", lag: "actor lag k (updates)",
      meanRet: "mean return on the page's episodes", method: "learner target", lr: "learning rate",
      final: "final policy's return", episodes: "episodes played",
      bundledNote: function (b) {
        return "Each point: " + b.seeds + " training seeds × " + b.episodes + " episodes, 1000 updates, " +
          "learning rate chosen per method on validation episodes.";
      },
      took: "Computed in ", s: " s",
      names: { vtrace: "V-trace (ρ̄ = c̄ = 1)", no_correction: "no correction", unclipped_is: "unclipped importance weights" }
    },
    es: {
      live: "Ejecuciones en vivo con desfase k = ", update: "actualización del aprendiz", ret: "retorno por episodio (actores, últimos 20 episodios)",
      bundled: "Políticas incluidas: retorno frente al desfase de los actores", lag: "desfase k de los actores (actualizaciones)",
      meanRet: "retorno medio en los episodios de la página", method: "objetivo del aprendiz", lr: "tasa de aprendizaje",
      final: "retorno de la política final", episodes: "episodios jugados",
      bundledNote: function (b) {
        return "Cada punto: " + b.seeds + " semillas de entrenamiento × " + b.episodes + " episodios, 1000 actualizaciones, " +
          "tasa de aprendizaje elegida por método en episodios de validación.";
      },
      took: "Calculado en ", s: " s",
      names: { vtrace: "V-trace (ρ̄ = c̄ = 1)", no_correction: "sin corrección", unclipped_is: "pesos de importancia sin recortar" }
    }
  };

  function div(el) {
    var d = document.createElement("div");
    d.className = "demo-block";
    el.appendChild(d);
    return d;
  }

  function fmt(v) {
    return v === null || v === undefined || !isFinite(v) ? "—" : Number(v).toFixed(1);
  }

  window.DemoRenderers["vtrace"] = function (el, result, ctx) {
    var lang = ctx && ctx.lang === "es" ? "es" : "en";
    var t = T[lang];
    var viz = (ctx && ctx.viz) || window.DemoViz;
    if (!el || !result || !viz) return;
    var runs = result.runs || [];
    viz.line(div(el), {
      title: t.live + result.lag, xLabel: t.update, yLabel: t.ret,
      series: runs.map(function (r) {
        return { label: t.names[r.method] || r.method, x: r.updates || [], y: r.returns || [] };
      })
    });
    viz.table(div(el), {
      columns: [t.method, t.lr, t.final, t.episodes],
      rows: runs.map(function (r) {
        return [t.names[r.method] || r.method, String(r.lr), fmt(r.final_return), String(r.episodes)];
      })
    });
    var b = result.bundled;
    if (b && b.lags) {
      viz.line(div(el), {
        title: t.bundled, xLabel: t.lag, yLabel: t.meanRet,
        series: Object.keys(b.returns || {}).map(function (m) {
          return { label: t.names[m] || m, x: b.lags, y: b.returns[m] };
        })
      });
      viz.note(div(el), t.bundledNote(b));
    }
    if (result.seconds !== undefined) viz.note(div(el), t.took + result.seconds + t.s);
  };
})();
