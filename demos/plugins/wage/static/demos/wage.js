/* WAGE demo renderer: live integer run vs float32, weight levels, costs, bundled table.
 * result: the dict returned by demos/plugins/wage/infer.py run(). Every field is read null-safely. */
(function () {
  "use strict";

  var T = {
    en: {
      summary: "Test accuracy after {e} epochs: WAGE {bits} {w}% vs float32 {f}% ({g} points).",
      time: "Training time: WAGE {tw} s, float32 {tf} s.",
      accTitle: "Test accuracy per epoch",
      lossTitle: "Training loss (sum of squared errors) per epoch",
      epoch: "Epoch",
      acc: "Test accuracy",
      loss: "Loss",
      wage: "WAGE",
      float: "float32",
      histTitle: "Forward weights as integer codes (all layers)",
      histTitleFloat: "Forward weights (float32 histogram)",
      code: "Integer code n (weight = n · 2^(1−k_W) / α)",
      value: "Weight value",
      count: "Count",
      levels: "Distinct weight values per layer: {l}.",
      ternary: "k_W = 2: every weight is −1, 0 or +1 (times a per-layer power of two): ternary.",
      costTitle: "Memory and energy estimate vs float32 (counts × Horowitz 45 nm energies)",
      quantity: "Quantity",
      ratio: "WAGE / float32",
      tableTitle: "Bundled results: test accuracy, mean ± std over {s} seeds, {e} epochs",
      setting: "k_W-k_A-k_G-k_E",
      accuracy: "Test accuracy (%)",
      perSeed: "Per seed (%)",
      noTable: "The bundled table has not been trained yet.",
      costs: {
        weights_infer_kib: "Weight memory, inference (KiB)",
        weights_train_kib: "Weight memory, training (KiB)",
        bits_moved_infer: "Bits moved per inference",
        bits_moved_train: "Bits moved per training sample",
        energy_infer_nj: "Energy per inference (nJ)",
        energy_train_nj: "Energy per training sample (nJ)"
      }
    },
    es: {
      summary: "Precisión de test tras {e} épocas: WAGE {bits} {w}% frente a float32 {f}% ({g} puntos).",
      time: "Tiempo de entrenamiento: WAGE {tw} s, float32 {tf} s.",
      accTitle: "Precisión de test por época",
      lossTitle: "Pérdida de entrenamiento (suma de errores al cuadrado) por época",
      epoch: "Época",
      acc: "Precisión de test",
      loss: "Pérdida",
      wage: "WAGE",
      float: "float32",
      histTitle: "Pesos del paso hacia delante como códigos enteros (todas las capas)",
      histTitleFloat: "Pesos del paso hacia delante (histograma float32)",
      code: "Código entero n (peso = n · 2^(1−k_W) / α)",
      value: "Valor del peso",
      count: "Cantidad",
      levels: "Valores distintos de los pesos por capa: {l}.",
      ternary: "k_W = 2: cada peso vale −1, 0 o +1 (por una potencia de dos por capa): ternario.",
      costTitle: "Estimación de memoria y energía frente a float32 (conteos × energías de Horowitz, 45 nm)",
      quantity: "Magnitud",
      ratio: "WAGE / float32",
      tableTitle: "Resultados incluidos: precisión de test, media ± desv. típica sobre {s} semillas, {e} épocas",
      setting: "k_W-k_A-k_G-k_E",
      accuracy: "Precisión de test (%)",
      perSeed: "Por semilla (%)",
      noTable: "La tabla incluida aún no se ha entrenado.",
      costs: {
        weights_infer_kib: "Memoria de pesos, inferencia (KiB)",
        weights_train_kib: "Memoria de pesos, entrenamiento (KiB)",
        bits_moved_infer: "Bits movidos por inferencia",
        bits_moved_train: "Bits movidos por muestra de entrenamiento",
        energy_infer_nj: "Energía por inferencia (nJ)",
        energy_train_nj: "Energía por muestra de entrenamiento (nJ)"
      }
    }
  };

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] === undefined || values[key] === null ? "?" : values[key];
    });
  }

  function pct(x) {
    return typeof x === "number" ? (100 * x).toFixed(2) : "?";
  }

  function num(x) {
    if (typeof x !== "number") return "?";
    return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString() : String(Math.round(x * 1000) / 1000);
  }

  function section(el) {
    var div = document.createElement("div");
    div.className = "demo-section";
    el.appendChild(div);
    return div;
  }

  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers["wage"] = function (el, result, ctx) {
    ctx = ctx || {};
    var t = T[ctx.lang === "es" ? "es" : "en"];
    var viz = ctx.viz || window.DemoViz;
    var r = result || {};
    if (!viz) return;

    var seconds = r.seconds || {};
    viz.note(section(el), fmt(t.summary, {
      e: r.epochs, bits: r.bits, w: pct(r.acc_wage), f: pct(r.acc_float),
      g: typeof r.gap_points === "number" ? (r.gap_points > 0 ? "−" : "+") + Math.abs(r.gap_points).toFixed(2) : "?"
    }) + " " + fmt(t.time, { tw: seconds.wage, tf: seconds.float }));

    var curves = r.curves || {};
    var epochs = curves.epoch || [];
    var wage = curves.wage || {};
    var flt = curves["float"] || {};
    if (epochs.length) {
      viz.line(section(el), {
        title: t.accTitle, xLabel: t.epoch, yLabel: t.acc,
        series: [
          { label: t.wage + " " + (r.bits || ""), x: epochs, y: wage.test_acc || [] },
          { label: t.float, x: epochs, y: flt.test_acc || [] }
        ]
      });
      viz.line(section(el), {
        title: t.lossTitle, xLabel: t.epoch, yLabel: t.loss, logY: true,
        series: [
          { label: t.wage + " " + (r.bits || ""), x: epochs, y: wage.loss || [] },
          { label: t.float, x: epochs, y: flt.loss || [] }
        ]
      });
    }

    var hist = r.histogram;
    if (hist && hist.values && hist.counts) {
      var isInt = hist.kind === "integer";
      var box = section(el);
      viz.bar(box, {
        title: isInt ? t.histTitle : t.histTitleFloat,
        xLabel: isInt ? t.code : t.value, yLabel: t.count,
        labels: hist.values.map(String),
        series: [{ label: t.count, values: hist.counts }]
      });
      var levels = (hist.levels_per_layer || []).join(", ");
      var note = fmt(t.levels, { l: levels });
      if (isInt && hist.values.length <= 3 && ctx.params && String(ctx.params.k_w) === "2") note += " " + t.ternary;
      viz.note(box, note);
    }

    if (Array.isArray(r.costs) && r.costs.length) {
      viz.table(section(el), {
        title: t.costTitle,
        columns: [t.quantity, t.wage + " " + (r.bits || ""), t.float, t.ratio],
        rows: r.costs.map(function (c) {
          return [t.costs[c.key] || c.key, num(c.wage), num(c.float32),
            typeof c.ratio === "number" ? c.ratio.toFixed(3) : "?"];
        })
      });
    }

    var table = r.table || {};
    var tableBox = section(el);
    if (Array.isArray(table.rows) && table.rows.length) {
      viz.table(tableBox, {
        title: fmt(t.tableTitle, { s: table.seeds, e: table.epochs }),
        columns: [t.setting, t.accuracy, t.perSeed],
        rows: table.rows.map(function (row) {
          return [row.bits, pct(row.mean) + " ± " + pct(row.std),
            (row.runs || []).map(pct).join(" / ")];
        })
      });
    } else {
      viz.note(tableBox, t.noTable);
    }
  };
})();
