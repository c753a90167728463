/* Renderer of the Differentiable Neural Computer demo (demos/plugins/dnc/infer.py's result). */
(function () {
  "use strict";
  window.DemoRenderers = window.DemoRenderers || {};

  var TEXT = {
    en: {
      summary: function (r) {
        return "Task " + r.task + ", " + r.steps + " steps, memory of " + r.memory_slots +
          " slots (trained with " + r.trained_slots + ", on lengths up to " + r.trained_max_len +
          "). Bit error: " + r.bit_errors + " / " + r.scored_bits + " (" + (100 * r.bit_error).toFixed(1) + " %).";
      },
      input: "Input bits", target: "Target bits", output: "DNC output (probability of 1)",
      time: "time step", channel: "channel", slot: "memory slot",
      write: "Write weighting over time", read: "Read weighting over time, head ",
      usage: "Memory usage over time",
      modes: "Read modes over time, head ", modeY: "rows: backward, content, forward",
      memNorm: "Memory contents over time: length of each slot's word ||M[i]||",
      memFinal: "Memory contents at the last step M[i, w]", word: "word component",
      link: "Final temporal link matrix L[i, j] (i written after j)",
      linkX: "from slot j", linkY: "to slot i",
      gates: "Gates per step", gateY: "gate value", free: "free gate, head ", alloc: "allocation gate",
      writeGate: "write gate",
      curve: "When memory runs out: copy bit error against length",
      length: "copy length", error: "bit error", dnc: "DNC, N = ", lstm: "LSTM baseline",
      curveNote: function (c) {
        return "The DNC was trained on copies of length ≤ " + c.trained_max_len + ". Once a copy needs about as many slots as the memory has (N = " + c.memory_slots +
          "), usage saturates, the free gates and the allocation " +
          "weighting must reuse slots, and the error climbs. The LSTM has no separate memory to enlarge.";
      },
      empty: "No result to draw."
    },
    es: {
      summary: function (r) {
        return "Tarea " + r.task + ", " + r.steps + " pasos, memoria de " + r.memory_slots +
          " ranuras (entrenada con " + r.trained_slots + ", en longitudes hasta " + r.trained_max_len +
          "). Error de bits: " + r.bit_errors + " / " + r.scored_bits + " (" + (100 * r.bit_error).toFixed(1) + " %).";
      },
      input: "Bits de entrada", target: "Bits objetivo", output: "Salida del DNC (probabilidad de 1)",
      time: "paso de tiempo", channel: "canal", slot: "ranura de memoria",
      write: "Ponderación de escritura en el tiempo", read: "Ponderación de lectura en el tiempo, cabezal ",
      usage: "Uso de la memoria en el tiempo",
      modes: "Modos de lectura en el tiempo, cabezal ", modeY: "filas: hacia atrás, contenido, hacia delante",
      memNorm: "Contenido de la memoria en el tiempo: longitud de la palabra de cada ranura ||M[i]||",
      memFinal: "Contenido de la memoria en el último paso M[i, w]", word: "componente de la palabra",
      link: "Matriz de enlace temporal final L[i, j] (i escrita tras j)",
      linkX: "desde la ranura j", linkY: "hacia la ranura i",
      gates: "Puertas por paso", gateY: "valor de la puerta", free: "puerta de liberación, cabezal ",
      alloc: "puerta de asignación", writeGate: "puerta de escritura",
      curve: "Cuando se acaba la memoria: error de bits de la copia según la longitud",
      length: "longitud de la copia", error: "error de bits", dnc: "DNC, N = ", lstm: "LSTM de referencia",
      curveNote: function (c) {
        return "El DNC se entrenó con copias de longitud ≤ " + c.trained_max_len + ". Cuando una copia necesita casi tantas ranuras como tiene la memoria (N = " + c.memory_slots +
          "), el uso se satura, las puertas de liberación y la " +
          "ponderación de asignación deben reutilizar ranuras, y el error sube. El LSTM no tiene una memoria aparte que ampliar.";
      },
      empty: "No hay resultado que dibujar."
    }
  };

  function range(n) {
    var out = [];
    for (var i = 0; i < n; i++) out.push(i);
    return out;
  }

  function isMatrix(m) {
    return Array.isArray(m) && m.length > 0 && Array.isArray(m[0]);
  }

  window.DemoRenderers.dnc = function (el, result, ctx) {
    ctx = ctx || {};
    var t = TEXT[ctx.lang === "es" ? "es" : "en"];
    var viz = ctx.viz || window.DemoViz;
    if (!el || !viz) return;
    if (!result || typeof result !== "object") {
      if (viz.note) viz.note(el, t.empty);
      return;
    }
    if (result.task && typeof result.bit_error === "number") viz.note(el, t.summary(result));

    function heat(matrix, title, yLabel) {
      if (isMatrix(matrix)) viz.heatmap(el, matrix, { title: title, xLabel: t.time, yLabel: yLabel, min: 0, max: 1 });
    }
    heat(result.input, t.input, t.channel);
    heat(result.target, t.target, t.channel);
    heat(result.output, t.output, t.channel);
    heat(result.write_weights, t.write, t.slot);
    (result.read_weights || []).forEach(function (m, i) { heat(m, t.read + (i + 1), t.slot); });
    (result.read_modes || []).forEach(function (m, i) { heat(m, t.modes + (i + 1), t.modeY); });
    heat(result.usage, t.usage, t.slot);
    if (isMatrix(result.memory_norm)) {
      viz.heatmap(el, result.memory_norm, { title: t.memNorm, xLabel: t.time, yLabel: t.slot, min: 0 });
    }
    if (isMatrix(result.memory_final)) {
      viz.heatmap(el, result.memory_final, { title: t.memFinal, xLabel: t.word, yLabel: t.slot });
    }
    if (isMatrix(result.link)) {
      viz.heatmap(el, result.link, { title: t.link, xLabel: t.linkX, yLabel: t.linkY, min: 0, max: 1 });
    }

    var steps = range(result.steps || 0);
    var series = [];
    (result.free_gates || []).forEach(function (g, i) { series.push({ label: t.free + (i + 1), x: steps, y: g }); });
    if (Array.isArray(result.allocation_gate)) series.push({ label: t.alloc, x: steps, y: result.allocation_gate });
    if (Array.isArray(result.write_gate)) series.push({ label: t.writeGate, x: steps, y: result.write_gate });
    if (series.length) viz.line(el, { title: t.gates, xLabel: t.time, yLabel: t.gateY, series: series });

    var c = result.curve;
    if (c && Array.isArray(c.lengths)) {
      var curves = [];
      if (Array.isArray(c.dnc)) curves.push({ label: t.dnc + c.memory_slots, x: c.lengths, y: c.dnc });
      if (Array.isArray(c.lstm)) curves.push({ label: t.lstm, x: c.lengths, y: c.lstm });
      viz.line(el, { title: t.curve, xLabel: t.length, yLabel: t.error, series: curves });
      viz.note(el, t.curveNote(c));
    }
  };
})();
