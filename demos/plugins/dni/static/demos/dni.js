/* Renderer of the synthetic-gradients (DNI) demo: the result of demos/plugins/dni/infer.py run().
 * Live curves (accuracy of both methods, synthetic-gradient error and cosine with the true
 * gradient), a few test episodes, and the bundled figures of evaluation.json. */
(function () {
  "use strict";

  var TEXT = {
    en: {
      setting: "Setting",
      settingValue: "T = {t} steps per window, L = {l} steps from symbol to cue ({w} windows per episode), {s} training steps, seed {seed}",
      best: "Best validation accuracy",
      accTitle: "Validation accuracy during training (T = {t}, L = {l})",
      step: "Training step",
      accuracy: "Accuracy",
      dni: "synthetic gradients (DNI)",
      truncated: "truncated BPTT",
      full: "full BPTT",
      chance: "chance (1 / 4)",
      sgTitle: "Synthetic-gradient error during training",
      relErr: "relative error vs. bootstrapped target",
      cosine: "cosine with the true gradient",
      sgValue: "Error / cosine",
      episode: "Test episode (*symbol, distractors, ? cue)",
      target: "Target",
      answerDni: "DNI answer",
      answerTrunc: "Truncated answer",
      bundledTitle: "Bundled models: test accuracy at T = {t}, L = {l} ({n} seeds, 95 % interval)",
      method: "Method",
      interval: "95 % interval",
      longestTitle: "Bundled table: longest length solved against the window T (2 of 3 seeds at ≥ 90 % test accuracy)",
      window: "Truncation window T",
      longest: "Longest length solved",
      none: "No bundled evaluation yet.",
    },
    es: {
      setting: "Configuración",
      settingValue: "T = {t} pasos por ventana, L = {l} pasos del símbolo a la señal ({w} ventanas por episodio), {s} pasos de entrenamiento, semilla {seed}",
      best: "Mejor acierto en validación",
      accTitle: "Acierto en validación durante el entrenamiento (T = {t}, L = {l})",
      step: "Paso de entrenamiento",
      accuracy: "Acierto",
      dni: "gradientes sintéticos (DNI)",
      truncated: "BPTT truncada",
      full: "BPTT completa",
      chance: "azar (1 / 4)",
      sgTitle: "Error de los gradientes sintéticos durante el entrenamiento",
      relErr: "error relativo frente al objetivo por bootstrapping",
      cosine: "coseno con el gradiente verdadero",
      sgValue: "Error / coseno",
      episode: "Episodio de prueba (*símbolo, distracciones, ? señal)",
      target: "Objetivo",
      answerDni: "Respuesta DNI",
      answerTrunc: "Respuesta truncada",
      bundledTitle: "Modelos incluidos: acierto en prueba con T = {t}, L = {l} ({n} semillas, intervalo del 95 %)",
      method: "Método",
      interval: "Intervalo del 95 %",
      longestTitle: "Tabla incluida: mayor longitud resuelta según la ventana T (2 de 3 semillas con ≥ 90 % de acierto en prueba)",
      window: "Ventana de truncamiento T",
      longest: "Mayor longitud resuelta",
      none: "Todavía no hay evaluación incluida.",
    },
  };

  function fmt(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, function (_, k) {
      return vars && vars[k] !== undefined && vars[k] !== null ? vars[k] : "–";
    });
  }

  function num(x, digits) {
    return typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "–";
  }

  function arr(x) {
    return Array.isArray(x) ? x : [];
  }

  function section(el) {
    var div = document.createElement("div");
    div.className = "demo-dni-section";
    el.appendChild(div);
    return div;
  }

  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers["dni"] = function (el, result, ctx) {
    ctx = ctx || {};
    var t = TEXT[ctx.lang === "es" ? "es" : "en"];
    var viz = ctx.viz || window.DemoViz;
    var r = result || {};
    if (!viz || !el) return;
    var runs = r.runs || {};
    var dni = runs.dni || {};
    var trunc = runs.truncated || {};
    var where = { t: r.window, l: r.length, w: r.windows_per_episode, s: r.steps, seed: r.seed };

    viz.table(section(el), {
      columns: ["", ""],
      rows: [
        [t.setting, fmt(t.settingValue, where)],
        [t.best + " — " + t.dni, num(dni.best_val_acc, 3)],
        [t.best + " — " + t.truncated, num(trunc.best_val_acc, 3)],
      ],
    });

    var steps = arr(dni.step);
    if (steps.length) {
      viz.line(section(el), {
        title: fmt(t.accTitle, where),
        xLabel: t.step,
        yLabel: t.accuracy,
        series: [
          { label: t.dni, x: steps, y: arr(dni.val_acc) },
          { label: t.truncated, x: arr(trunc.step), y: arr(trunc.val_acc) },
          {
            label: t.chance,
            x: [steps[0], steps[steps.length - 1]],
            y: [r.chance, r.chance],
          },
        ],
      });
      viz.line(section(el), {
        title: t.sgTitle,
        xLabel: t.step,
        yLabel: t.sgValue,
        series: [
          { label: t.relErr, x: steps, y: arr(dni.sg_rel_error) },
          { label: t.cosine, x: steps, y: arr(dni.sg_cosine) },
        ],
      });
    }

    var examples = arr(r.examples);
    if (examples.length) {
      viz.table(section(el), {
        columns: [t.episode, t.target, t.answerDni, t.answerTrunc],
        rows: examples.map(function (x) {
          var mark = function (a) {
            return String(a) + (a === x.target ? " ✓" : " ✗");
          };
          return [String(x.episode).split(" -> ")[0], String(x.target), mark(x.dni), mark(x.truncated)];
        }),
      });
    }

    var b = r.bundled || {};
    var figs = b.figures || {};
    var names = [
      ["acc_dni", t.dni],
      ["acc_truncated_bptt", t.truncated],
      ["acc_full_bptt", t.full],
    ].filter(function (p) {
      return figs[p[0]];
    });
    if (!names.length) {
      if (r.runs) viz.note(section(el), t.none);
      return;
    }
    var bundledTitle = fmt(t.bundledTitle, { t: b.window, l: b.length, n: arr(b.seeds).length });
    viz.bar(section(el), {
      title: bundledTitle,
      xLabel: t.method,
      yLabel: t.accuracy,
      labels: names.map(function (p) {
        return p[1];
      }),
      series: [
        {
          label: t.accuracy,
          values: names.map(function (p) {
            return figs[p[0]].mean;
          }),
        },
      ],
    });
    viz.table(section(el), {
      columns: [t.method, t.accuracy, t.interval],
      rows: names.map(function (p) {
        var f = figs[p[0]];
        var ci = arr(f.ci95);
        return [p[1], num(f.mean, 3), "[" + num(ci[0], 3) + ", " + num(ci[1], 3) + "]"];
      }),
    });
    var longest = arr(b.longest);
    if (longest.length) {
      var ws = longest.map(function (row) {
        return row.window;
      });
      var col = function (key) {
        return longest.map(function (row) {
          return row[key];
        });
      };
      viz.line(section(el), {
        title: t.longestTitle,
        xLabel: t.window,
        yLabel: t.longest,
        series: [
          { label: t.dni, x: ws, y: col("dni") },
          { label: t.truncated, x: ws, y: col("truncated") },
          { label: t.full, x: ws, y: col("full") },
        ],
      });
    }
  };
})();
