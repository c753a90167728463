/* Renderer of the WaveNet demo: the generated note (audio, waveform, spectrogram), the speed of
   the three generation paths, and the receptive field of the dilated stack; a reference clip of
   the same note from the synthesiser plays beside the generated one. */
(function () {
  "use strict";

  var T = {
    en: {
      audio: "Generated note",
      reference: "Reference: the same note from the synthesiser that made the training data",
      refPitch: function (r) { return "Dominant frequency of the reference: " + r.reference_dominant_hz + " Hz."; },
      pitch: function (r) {
        return "Asked for " + r.note + " (" + r.target_hz + " Hz, " + r.timbre + "); dominant frequency of the result: " +
          r.dominant_hz + " Hz (" + (r.pitch_error_pct >= 0 ? "+" : "") + r.pitch_error_pct + " %).";
      },
      wave: "Waveform", time: "time (ms)", amp: "amplitude", min: "min", max: "max",
      spec: "Spectrogram (dB, 0–4 kHz, high frequencies at the top)", freq: "frequency", frames: "time",
      speed: "Generation paths", path: "path", perSample: "time per sample", rtf: "CPU s per s of audio",
      same: "same samples", compiled: "compiled numba loop over the cached queues",
      cached: "PyTorch, cached queues (Paine et al.)", naive: "PyTorch, naive (whole receptive field per sample)",
      speedup: function (s) { return "Cached queues are " + s + "× faster than naive generation here."; },
      rf: function (r) {
        return "Receptive field: " + r.receptive_field_samples + " samples = " + r.receptive_field_ms +
          " ms at " + r.sample_rate + " Hz, from " + r.dilations.length + " layers with dilations " +
          r.dilations.join(", ") + ".";
      },
      cover: "Which inputs reach one output sample (top row: the output; bottom row: the input samples, oldest at the left)",
      offset: "input offset (samples before the output)", level: "layer (output at the top)",
      paths: "Paths from the output down to one input: offset reached after each layer, top to bottom",
      target: "input offset", route: "offsets layer by layer",
      layers: "Layers", layer: "layer", stack: "stack", dilation: "dilation",
      model: function (m) { return "Model: " + m.parameters + " parameters, " + m.layers + " layers of " + m.residual_channels + " residual channels; held-out NLL " + m.nll + " nats/sample vs " + m.nll_unigram + " for the μ-law unigram baseline."; },
      yes: "yes", no: "no", none: "—",
    },
    es: {
      audio: "Nota generada",
      reference: "Referencia: la misma nota del sintetizador que produjo los datos de entrenamiento",
      refPitch: function (r) { return "Frecuencia dominante de la referencia: " + r.reference_dominant_hz + " Hz."; },
      pitch: function (r) {
        return "Se pidió " + r.note + " (" + r.target_hz + " Hz, " + r.timbre + "); frecuencia dominante del resultado: " +
          r.dominant_hz + " Hz (" + (r.pitch_error_pct >= 0 ? "+" : "") + r.pitch_error_pct + " %).";
      },
      wave: "Forma de onda", time: "tiempo (ms)", amp: "amplitud", min: "mín", max: "máx",
      spec: "Espectrograma (dB, 0–4 kHz, frecuencias altas arriba)", freq: "frecuencia", frames: "tiempo",
      speed: "Caminos de generación", path: "camino", perSample: "tiempo por muestra", rtf: "s de CPU por s de audio",
      same: "mismas muestras", compiled: "bucle compilado numba sobre las colas",
      cached: "PyTorch, colas (Paine et al.)", naive: "PyTorch, ingenuo (todo el campo receptivo por muestra)",
      speedup: function (s) { return "Las colas son " + s + "× más rápidas que la generación ingenua aquí."; },
      rf: function (r) {
        return "Campo receptivo: " + r.receptive_field_samples + " muestras = " + r.receptive_field_ms +
          " ms a " + r.sample_rate + " Hz, con " + r.dilations.length + " capas de dilataciones " +
          r.dilations.join(", ") + ".";
      },
      cover: "Qué entradas llegan a una muestra de salida (fila superior: la salida; fila inferior: las muestras de entrada, la más antigua a la izquierda)",
      offset: "desfase de la entrada (muestras antes de la salida)", level: "capa (la salida arriba)",
      paths: "Caminos de la salida a una entrada: desfase alcanzado tras cada capa, de arriba abajo",
      target: "desfase de la entrada", route: "desfases capa a capa",
      layers: "Capas", layer: "capa", stack: "pila", dilation: "dilatación",
      model: function (m) { return "Modelo: " + m.parameters + " parámetros, " + m.layers + " capas de " + m.residual_channels + " canales residuales; NLL en datos reservados " + m.nll + " nats/muestra frente a " + m.nll_unigram + " del modelo unigrama μ-law."; },
      yes: "sí", no: "no", none: "—",
    },
  };

  function fmt(v, unit) {
    return v === null || v === undefined ? null : v + (unit || "");
  }

  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers.wavenet = function (el, result, ctx) {
    var t = T[ctx && ctx.lang === "es" ? "es" : "en"];
    var viz = ctx && ctx.viz;
    var r = result || {};
    if (!viz) return;
    function yn(v) { return v === null || v === undefined ? t.none : (v ? t.yes : t.no); }

    if (r.wav_base64) viz.audio(el, r.wav_base64, { title: t.audio });
    if (r.target_hz) viz.note(el, t.pitch(r));
    if (r.reference_wav_base64) {
      viz.audio(el, r.reference_wav_base64, { title: t.reference });
      if (r.reference_dominant_hz) viz.note(el, t.refPitch(r));
    }

    var w = r.waveform;
    if (w && w.t_ms) {
      viz.line(el, {
        title: t.wave, xLabel: t.time, yLabel: t.amp,
        series: [{ label: t.max, x: w.t_ms, y: w.max }, { label: t.min, x: w.t_ms, y: w.min }],
      });
    }
    var s = r.spectrogram;
    if (s && s.matrix) {
      viz.heatmap(el, s.matrix, { title: t.spec, xLabel: t.frames, yLabel: t.freq, min: s.min_db, max: 0 });
    }

    var tm = r.timings;
    if (tm) {
      var perSample = tm.compiled_rtf === undefined ? null : Math.round((tm.compiled_rtf * 1e6) / (r.sample_rate || 16000) * 10) / 10;
      var rows = [[t.compiled, fmt(perSample, " µs"), fmt(tm.compiled_rtf), "✓"]];
      if (tm.cached_ms_per_sample !== undefined) {
        rows.push([t.cached, fmt(tm.cached_ms_per_sample, " ms"), fmt(tm.cached_rtf), yn(tm.cached_equals_compiled)]);
      }
      if (tm.naive_ms_per_sample !== undefined && tm.naive_ms_per_sample !== null) {
        rows.push([t.naive, fmt(tm.naive_ms_per_sample, " ms"), fmt(tm.naive_rtf), yn(tm.naive_equals_compiled)]);
      }
      viz.table(el, {
        columns: [t.path, t.perSample, t.rtf, t.same],
        rows: rows.map(function (row) {
          return row.map(function (c) { return c === null ? t.none : c; });
        }),
      });
      if (tm.fast_over_naive_speedup) viz.note(el, t.speedup(tm.fast_over_naive_speedup));
    }

    var rf = r.receptive_field;
    if (rf && rf.dilations) {
      viz.note(el, t.rf(rf));
      if (rf.coverage) viz.heatmap(el, rf.coverage, { title: t.cover, xLabel: t.offset, yLabel: t.level, min: 0, max: 1 });
      if (rf.paths) {
        viz.table(el, {
          columns: [t.target, t.route],
          rows: rf.paths.map(function (p) { return [p.input_offset, (p.offsets || []).join(" → ")]; }),
        });
      }
      if (rf.layers) {
        viz.table(el, {
          columns: [t.layer, t.stack, t.dilation],
          rows: rf.layers.map(function (l) { return [l.layer, l.stack, l.dilation]; }),
        });
      }
    }
    if (r.model) viz.note(el, t.model(r.model));
  };
})();
