/* Renderer of the Adaptive Computation Time (parity) demo: result of demos/plugins/act/infer.py run(). */
(function () {
  "use strict";

  var TEXT = {
    en: {
      input: "Input vector",
      target: "Target (parity of the +1 count)",
      answer: "ACT answer",
      baseline: "One-step baseline answer",
      steps: "Ponder steps N",
      remainder: "Remainder R",
      cost: "Ponder cost ρ = N + R",
      odd: "odd",
      even: "even",
      right: "correct",
      wrong: "wrong",
      haltTitle: "Halting probability of each ponder step (τ = {tau})",
      step: "Ponder step n",
      prob: "Probability",
      haltSeries: "halting probability p",
      oddSeries: "P(odd) after step n",
      kTitle: "Mean ponder steps vs non-zero entries ({n} random vectors)",
      kLabel: "Non-zero entries k",
      meanSteps: "Mean ponder steps",
      errTitle: "Error by non-zero entries ({n} random vectors)",
      error: "Error (%)",
      tradeTitle: "Error vs mean ponder steps across τ (validation vectors)",
      tradeX: "Mean ponder steps",
      tradeY: "Parity error (%)",
      act: "ACT",
      base: "no ACT (1 step)",
      model: "Model",
      updates: "Training updates",
      batchTime: "Batch of {n} vectors: {ms} ms with τ = {tau} ({all} ms through all five models)",
      random: "random vector, {k} non-zero entries",
      typed: "typed vector",
      inTrain: "In the training set?",
      yesTrain: "yes: a training vector (seed {seed} networks were trained on it)",
      noValid: "no: a validation vector (used only to pick checkpoints and τ)",
      noTest: "no: a test vector (never trained on, never used to choose a model)",
    },
    es: {
      input: "Vector de entrada",
      target: "Objetivo (paridad del número de +1)",
      answer: "Respuesta de ACT",
      baseline: "Respuesta de la referencia de un paso",
      steps: "Pasos de reflexión N",
      remainder: "Resto R",
      cost: "Coste de reflexión ρ = N + R",
      odd: "impar",
      even: "par",
      right: "correcta",
      wrong: "incorrecta",
      haltTitle: "Probabilidad de parada de cada paso de reflexión (τ = {tau})",
      step: "Paso de reflexión n",
      prob: "Probabilidad",
      haltSeries: "probabilidad de parada p",
      oddSeries: "P(impar) tras el paso n",
      kTitle: "Pasos medios de reflexión según entradas no nulas ({n} vectores aleatorios)",
      kLabel: "Entradas no nulas k",
      meanSteps: "Pasos medios de reflexión",
      errTitle: "Error según entradas no nulas ({n} vectores aleatorios)",
      error: "Error (%)",
      tradeTitle: "Error frente a pasos medios de reflexión según τ (vectores de validación)",
      tradeX: "Pasos medios de reflexión",
      tradeY: "Error de paridad (%)",
      act: "ACT",
      base: "sin ACT (1 paso)",
      model: "Modelo",
      updates: "Actualizaciones de entrenamiento",
      batchTime: "Lote de {n} vectores: {ms} ms con τ = {tau} ({all} ms por los cinco modelos)",
      random: "vector aleatorio, {k} entradas no nulas",
      typed: "vector escrito",
      inTrain: "¿En el conjunto de entrenamiento?",
      yesTrain: "sí: un vector de entrenamiento (las redes de la semilla {seed} se entrenaron con él)",
      noValid: "no: un vector de validación (solo sirve para elegir puntos de control y τ)",
      noTest: "no: un vector de prueba (nunca entrenado, nunca usado para elegir un modelo)",
    },
  };

  function fmt(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, function (_, k) {
      return vars && vars[k] !== undefined && vars[k] !== null ? vars[k] : "";
    });
  }

  function num(x, digits) {
    return typeof x === "number" && isFinite(x) ? x.toFixed(digits) : "–";
  }

  function pct(x) {
    return typeof x === "number" && isFinite(x) ? (100 * x).toFixed(1) : null;
  }

  function range(n, from) {
    var out = [];
    for (var i = 0; i < n; i++) out.push(i + (from || 0));
    return out;
  }

  function section(el) {
    var div = document.createElement("div");
    div.className = "demo-act-section";
    el.appendChild(div);
    return div;
  }

  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers["act"] = function (el, result, ctx) {
    ctx = ctx || {};
    var lang = ctx.lang === "es" ? "es" : "en";
    var t = TEXT[lang];
    var viz = ctx.viz || window.DemoViz;
    var r = result || {};
    if (!viz || !el) return;

    var parity = function (v) {
      return v === 1 ? t.odd : v === 0 ? t.even : "–";
    };
    var vec = Array.isArray(r.vector) ? r.vector.join(", ") : "–";
    var source = r.source === "random" ? fmt(t.random, { k: r.nonzero }) : t.typed;
    var known = typeof r.prediction === "number" && typeof r.target === "number";
    var verdict = !known ? "–" : r.prediction === r.target ? t.right : t.wrong;
    var base = r.baseline || {};
    var membership =
      r.split === "train" ? fmt(t.yesTrain, { seed: r.training_seed })
      : r.split === "validation" ? t.noValid
      : r.split === "test" ? t.noTest
      : "–";
    viz.table(section(el), {
      columns: ["", ""],
      rows: [
        [t.input, "[" + vec + "] (" + source + ")"],
        [t.inTrain, membership],
        [t.target, parity(r.target)],
        [t.answer, parity(r.prediction) + " — P(odd) = " + num(r.probability_odd, 3) + " (" + verdict + ")"],
        [t.baseline, parity(base.prediction) + " — P(odd) = " + num(base.probability_odd, 3)],
        [t.steps, r.steps !== undefined ? String(r.steps) + " / " + (r.max_steps || "–") : "–"],
        [t.remainder, num(r.remainder, 3)],
        [t.cost, num(r.ponder_cost, 3)],
      ],
    });

    var halting = Array.isArray(r.halting) ? r.halting : [];
    if (halting.length) {
      var labels = range(halting.length, 1).map(String);
      viz.bar(section(el), {
        title: fmt(t.haltTitle, { tau: r.tau }),
        xLabel: t.step,
        yLabel: t.prob,
        labels: labels,
        series: [
          { label: t.haltSeries, values: halting },
          { label: t.oddSeries, values: Array.isArray(r.step_probability_odd) ? r.step_probability_odd : [] },
        ],
      });
    }

    var batch = r.batch || {};
    var ks = Array.isArray(batch.k) ? batch.k : [];
    var steps = batch.mean_steps || {};
    if (ks.length) {
      var series = Object.keys(steps).map(function (tau) {
        return { label: "τ = " + tau + (tau === r.tau ? " ◀" : ""), x: ks, y: steps[tau] || [] };
      });
      viz.line(section(el), {
        title: fmt(t.kTitle, { n: batch.size }),
        xLabel: t.kLabel,
        yLabel: t.meanSteps,
        series: series,
      });
      var errs = batch.error_by_k || {};
      viz.bar(section(el), {
        title: fmt(t.errTitle, { n: batch.size }),
        xLabel: t.kLabel,
        yLabel: t.error,
        labels: ks.map(String),
        series: Object.keys(errs).map(function (label) {
          return {
            label: label === "baseline" ? t.base : t.act + " τ = " + label,
            values: (errs[label] || []).map(pct),
          };
        }),
      });
    }

    var trade = Array.isArray(r.tradeoff) ? r.tradeoff : [];
    var actRows = trade.filter(function (row) {
      return row && row.tau !== "baseline";
    });
    var baseRows = trade.filter(function (row) {
      return row && row.tau === "baseline";
    });
    if (trade.length) {
      viz.line(section(el), {
        title: t.tradeTitle,
        xLabel: t.tradeX,
        yLabel: t.tradeY,
        series: [
          {
            label: t.act + " (τ = " + actRows.map(function (x) { return x.tau; }).join(", ") + ")",
            x: actRows.map(function (x) { return x.mean_steps; }),
            y: actRows.map(function (x) { return pct(x.error); }),
          },
          {
            label: t.base,
            x: baseRows.map(function (x) { return x.mean_steps; }),
            y: baseRows.map(function (x) { return pct(x.error); }),
          },
        ],
      });
      viz.table(section(el), {
        columns: [t.model, t.tradeY, t.tradeX, "ρ = N + R", t.updates],
        rows: trade.map(function (x) {
          return [
            x.tau === "baseline" ? t.base : "τ = " + x.tau,
            pct(x.error) === null ? "–" : pct(x.error) + " %",
            num(x.mean_steps, 2),
            num(x.mean_ponder_cost, 2),
            x.updates !== undefined ? String(x.updates) : "–",
          ];
        }),
      });
    }
    if (typeof batch.elapsed_ms === "number") {
      viz.note(
        section(el),
        fmt(t.batchTime, {
          n: batch.size,
          ms: num(batch.elapsed_ms, 0),
          tau: r.tau,
          all: num(batch.elapsed_all_ms, 0),
        })
      );
    }
  };
})();
