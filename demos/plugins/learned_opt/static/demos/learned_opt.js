/* Renderer for the learned-optimizer demo (demos/plugins/learned_opt/infer.py).
 * mode "race": loss curves of the learned optimizer vs SGD / momentum / Adam, final training and
 *              held-out test losses with the win / tie / loss verdict (1 % margin), the learned
 *              update rule against its start (result.rule), and the meta-training curve.
 * mode "hard": meta-loss slices (short / long / smoothed), roughness, ES variance, ES-vs-backprop. */
(function () {
  "use strict";
  window.DemoRenderers = window.DemoRenderers || {};

  var T = {
    en: {
      race: "Training loss on the chosen task", step: "inner step", loss: "full-data training loss (log scale)",
      finals: "Final losses", optimizer: "optimizer", final: "final loss", lr: "learning rate", rank: "rank",
      diverged: "diverged", inDist: "In the meta-training distribution", ood: "Out of distribution (not seen in meta-training)",
      metaCurve: "Meta-training curve (validation)", seconds: "meta-training seconds", val: "mean log final loss on validation tasks",
      slice: "Meta-loss along the step-size axis of the optimizer", alpha: "α (steps scaled by e^α)",
      metaLoss: "meta-loss (mean log loss over the unroll)", short: "short unroll", long: "long unroll",
      smooth: "long, averaged over perturbations", rough: "Roughness (mean |Δ²L| / mean |ΔL|)",
      curve: "curve", value: "value", variance: "ES gradient variance, same number of unrolls",
      anti: "antithetic", plain: "plain (no antithetic)", ratio: "ratio", cosine: "ES vs backprop meta-gradient",
      cosNote: "Cosine similarity between the ES and the backprop meta-gradient on a short unroll: ",
      plane: "Meta-loss on a plane", beta: "β (random direction, rows top to bottom)",
      took: "Computed in ", s: " s", pairs: " antithetic pairs, ", steps: " steps",
      test: "final test loss (held-out data)", verdict: "learned optimizer vs this entry",
      win: "win", tie: "tie (within 1 %)", loss_: "loss",
      rule: "Learned update rule", ruleStart: "Untrained start (Adam)", gHat: "normalised gradient ĝ",
      mHat: "normalised momentum m̂ (rows top to bottom: +3 … −3)",
      ruleLine: "Update against the gradient feature", update: "update (units of the start's step at m̂ = 1)",
      steady: "steady gradient (m̂ = ĝ)", fresh: "no momentum (m̂ = 0)",
      ruleNote: "The update the optimizer outputs for one parameter of this task's first weight matrix at the last step, over a grid of normalised gradient and momentum features (its other inputs as the optimizer saw them; the momenta and Adam's direction move together). The start is Adam, whose update is exactly −m̂.",
      learnedS: "learned", startS: "start (Adam ",
      names: { learned: "learned optimizer", momentum: "momentum 0.9 (lr 0.01)", adam: "Adam (lr 1e-3)",
               sgd_tuned: "SGD, lr tuned on validation tasks", adam_tuned: "Adam, lr tuned on validation tasks",
               sgd_oracle: "SGD, best lr on this task (oracle)", adam_oracle: "Adam, best lr on this task (oracle)" },
      startIs: " = the learned optimizer's untrained start"
    },
    es: {
      race: "Pérdida de entrenamiento en la tarea elegida", step: "paso interno", loss: "pérdida de entrenamiento con todos los datos (escala log)",
      finals: "Pérdidas finales", optimizer: "optimizador", final: "pérdida final", lr: "tasa de aprendizaje", rank: "puesto",
      diverged: "divergió", inDist: "Dentro de la distribución de meta-entrenamiento", ood: "Fuera de distribución (no vista en el meta-entrenamiento)",
      metaCurve: "Curva de meta-entrenamiento (validación)", seconds: "segundos de meta-entrenamiento", val: "log de la pérdida final media en tareas de validación",
      slice: "Meta-pérdida a lo largo del eje de tamaño de paso del optimizador", alpha: "α (pasos escalados por e^α)",
      metaLoss: "meta-pérdida (log de la pérdida media en el desenrollado)", short: "desenrollado corto", long: "desenrollado largo",
      smooth: "largo, promediado sobre perturbaciones", rough: "Rugosidad (media |Δ²L| / media |ΔL|)",
      curve: "curva", value: "valor", variance: "Varianza del gradiente ES, mismo número de desenrollados",
      anti: "antitético", plain: "simple (sin antitético)", ratio: "cociente", cosine: "Meta-gradiente ES vs retropropagación",
      cosNote: "Similitud coseno entre el meta-gradiente ES y el de retropropagación en un desenrollado corto: ",
      plane: "Meta-pérdida en un plano", beta: "β (dirección aleatoria, filas de arriba abajo)",
      took: "Calculado en ", s: " s", pairs: " pares antitéticos, ", steps: " pasos",
      test: "pérdida final de prueba (datos reservados)", verdict: "optimizador aprendido frente a esta entrada",
      win: "gana", tie: "empate (dentro del 1 %)", loss_: "pierde",
      rule: "Regla de actualización aprendida", ruleStart: "Punto de partida sin entrenar (Adam)", gHat: "gradiente normalizado ĝ",
      mHat: "momento normalizado m̂ (filas de arriba abajo: +3 … −3)",
      ruleLine: "Actualización frente a la característica de gradiente", update: "actualización (en unidades del paso inicial con m̂ = 1)",
      steady: "gradiente constante (m̂ = ĝ)", fresh: "sin momento (m̂ = 0)",
      ruleNote: "La actualización que produce el optimizador para un parámetro de la primera matriz de pesos de esta tarea en el último paso, sobre una rejilla de características normalizadas de gradiente y momento (sus demás entradas, tal como las vio el optimizador; los momentos y la dirección de Adam se mueven juntos). El punto de partida es Adam, cuya actualización es exactamente −m̂.",
      learnedS: "aprendido", startS: "inicio (Adam ",
      names: { learned: "optimizador aprendido", momentum: "momento 0.9 (lr 0.01)", adam: "Adam (lr 1e-3)",
               sgd_tuned: "SGD, lr ajustada en tareas de validación", adam_tuned: "Adam, lr ajustada en tareas de validación",
               sgd_oracle: "SGD, mejor lr en esta tarea (oráculo)", adam_oracle: "Adam, mejor lr en esta tarea (oráculo)" },
      startIs: " = el punto de partida sin entrenar del optimizador aprendido"
    }
  };

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return "—";
    return Number(v).toPrecision(digits || 4);
  }

  function div(el) {
    var d = document.createElement("div");
    d.className = "demo-block";
    el.appendChild(d);
    return d;
  }

  function renderRace(el, r, t, viz) {
    viz.note(div(el), (r.in_distribution ? t.inDist : t.ood) + " — " + (r.task || ""));
    var curves = r.curves || [];
    viz.line(div(el), {
      title: t.race, xLabel: t.step, yLabel: t.loss, logY: true,
      series: curves.map(function (c) {
        var name = t.names[c.key] || c.key;
        if (c.key !== "learned" && c.key !== "momentum" && c.key !== "adam" && c.lr !== null) name += " (" + c.lr + ")";
        return { label: name, x: r.steps || [], y: c.y || [] };
      })
    });
    var finals = r.final || {};
    var tests = r.final_test || {};
    var verdicts = r.outcome || {};
    var words = { win: t.win, tie: t.tie, loss: t.loss_ };
    var rows = (r.ranking || []).map(function (k, i) {
      var c = curves.filter(function (x) { return x.key === k; })[0] || {};
      var name = t.names[k] || k;
      if (k === "adam_tuned" && c.lr === r.start_lr) name += t.startIs;
      return [String(i + 1), name, c.lr === null || c.lr === undefined ? "—" : String(c.lr),
              finals[k] === null ? t.diverged : fmt(finals[k]),
              tests[k] === null || tests[k] === undefined ? t.diverged : fmt(tests[k]),
              k === "learned" ? "—" : (words[verdicts[k]] || "—")];
    });
    viz.table(div(el), { columns: [t.rank, t.optimizer, t.lr, t.final, t.test, t.verdict], rows: rows });
    if (r.rule) renderRule(el, r.rule, r.start_lr, t, viz);
    var mc = r.meta_curve || [];
    if (mc.length > 1) {
      viz.line(div(el), {
        title: t.metaCurve, xLabel: t.seconds, yLabel: t.val,
        series: [{ label: t.val, x: mc.map(function (p) { return p.seconds; }), y: mc.map(function (p) { return p.val; }) }]
      });
    }
  }

  function renderRule(el, rule, startLr, t, viz) {
    var all = [].concat.apply([], (rule.learned || []).concat(rule.start || [])).filter(function (v) { return v !== null; });
    var top = all.reduce(function (a, v) { return Math.max(a, Math.abs(v)); }, 1);
    viz.heatmap(div(el), rule.learned || [], { title: t.rule, xLabel: t.gHat, yLabel: t.mHat, min: -top, max: top });
    viz.heatmap(div(el), rule.start || [], { title: t.ruleStart + " " + startLr, xLabel: t.gHat, yLabel: t.mHat, min: -top, max: top });
    var g = rule.g || [], m = rule.m || [];
    var zero = m.indexOf(0);
    function diag(grid) { return g.map(function (_, j) { return (grid[g.length - 1 - j] || [])[j]; }); }
    function row(grid) { return zero < 0 ? [] : (grid[zero] || []); }
    var start = t.startS + startLr + ")";
    viz.line(div(el), {
      title: t.ruleLine, xLabel: t.gHat, yLabel: t.update,
      series: [
        { label: t.learnedS + ", " + t.steady, x: g, y: diag(rule.learned || []) },
        { label: start + ", " + t.steady, x: g, y: diag(rule.start || []) },
        { label: t.learnedS + ", " + t.fresh, x: g, y: row(rule.learned || []) },
        { label: start + ", " + t.fresh, x: g, y: row(rule.start || []) }
      ]
    });
    viz.note(div(el), t.ruleNote);
  }

  function renderHard(el, r, t, viz) {
    var s = r.slice || {};
    viz.note(div(el), s.task || "");
    viz.line(div(el), {
      title: t.slice, xLabel: t.alpha, yLabel: t.metaLoss,
      series: [
        { label: t.short + " (" + s.short_unroll + ")", x: s.alphas || [], y: s.short || [] },
        { label: t.long + " (" + s.long_unroll + ")", x: s.alphas || [], y: s.long || [] },
        { label: t.smooth + " (σ=" + s.smooth_sigma + ")", x: s.alphas || [], y: s.smoothed_long || [] }
      ]
    });
    viz.table(div(el), {
      columns: [t.curve, t.rough],
      rows: [[t.short + " (" + s.short_unroll + ")", fmt(s.roughness_short, 3)],
             [t.long + " (" + s.long_unroll + ")", fmt(s.roughness_long, 3)],
             [t.smooth, fmt(s.roughness_smoothed_long, 3)],
             [t.long + " / " + t.short, fmt(s.roughness_long_over_short, 3)]]
    });
    var p = r.plane;
    if (p && p.short && p.long) {
      [[t.short + " (" + s.short_unroll + ")", p.short], [t.long + " (" + s.long_unroll + ")", p.long]].forEach(function (pair) {
        viz.heatmap(div(el), pair[1], { title: t.plane + ": " + pair[0], xLabel: t.alpha, yLabel: t.beta });
      });
    }
    var v = r.variance || {};
    viz.bar(div(el), {
      title: t.variance + " (" + v.unrolls_per_estimate + ")",
      labels: [t.anti, t.plain],
      series: [{ label: t.variance, values: [v.variance_antithetic, v.variance_plain] }]
    });
    viz.table(div(el), {
      columns: [t.anti, t.plain, t.ratio],
      rows: [[fmt(v.variance_antithetic), fmt(v.variance_plain), fmt(v.antithetic_variance_ratio, 3)]]
    });
    var c = r.cosine || {};
    viz.note(div(el), t.cosine + ". " + t.cosNote + fmt(c.es_backprop_cosine, 3) +
             " (" + c.cosine_pairs + t.pairs + c.cosine_unroll + t.steps + ")");
  }

  window.DemoRenderers["learned_opt"] = function (el, result, ctx) {
    var lang = ctx && ctx.lang === "es" ? "es" : "en";
    var t = T[lang];
    var viz = (ctx && ctx.viz) || window.DemoViz;
    if (!el || !result || !viz) return;
    if (result.mode === "hard") renderHard(el, result, t, viz);
    else renderRace(el, result, t, viz);
    if (result.seconds !== undefined) viz.note(div(el), t.took + fmt(result.seconds, 3) + t.s);
  };
})();
