/* Renderer of the Parallel WaveNet demo: the teacher's note (sample by sample) and the student's
   note (one parallel pass) side by side, with waveforms, spectrograms, timings and the NLL of
   each under the teacher. */
(function () {
  "use strict";

  var T = {
    en: {
      teacher: "Teacher: WaveNet, sample by sample (cached queues)",
      student: "Student: inverse autoregressive flow, one parallel pass",
      request: function (r) { return "Asked for " + r.note + " (" + r.target_hz + " Hz, " + r.timbre + "), " + r.samples + " samples at " + r.sample_rate + " Hz."; },
      wave: function (who) { return "Waveform: " + who; },
      spec: function (who) { return "Spectrogram (dB, 0–4 kHz, high frequencies at the top): " + who; },
      teacherShort: "teacher", studentShort: "student",
      time: "time (ms)", amp: "amplitude", min: "min", max: "max", freq: "frequency", frames: "time",
      model: "model", took: "time taken", rate: "samples per second", nll: "NLL under the teacher (nats/sample)",
      dominant: "dominant frequency", timings: "Time each took",
      speedup: function (r) { return "The student made the note " + r.speedup + "× faster than the teacher; its NLL under the teacher is " + (r.nll_gap >= 0 ? "+" : "") + r.nll_gap + " nats/sample from the teacher's own note."; },
      about: function (m) { return "Student: " + m.parameters + " parameters, " + m.flows + " flows of " + m.layers_per_flow + " layers, " + (m.power_loss ? "with" : "without") + " the power loss, checkpoint of step " + m.best_step + " of " + m.distillation_steps + " (chosen on validation notes). Teacher: " + m.teacher_parameters + " parameters."; },
    },
    es: {
      teacher: "Maestro: WaveNet, muestra a muestra (colas en caché)",
      student: "Estudiante: flujo autorregresivo inverso, una sola pasada en paralelo",
      request: function (r) { return "Se pidió " + r.note + " (" + r.target_hz + " Hz, " + r.timbre + "), " + r.samples + " muestras a " + r.sample_rate + " Hz."; },
      wave: function (who) { return "Forma de onda: " + who; },
      spec: function (who) { return "Espectrograma (dB, 0–4 kHz, frecuencias altas arriba): " + who; },
      teacherShort: "maestro", studentShort: "estudiante",
      time: "tiempo (ms)", amp: "amplitud", min: "mín", max: "máx", freq: "frecuencia", frames: "tiempo",
      model: "modelo", took: "tiempo empleado", rate: "muestras por segundo", nll: "NLL bajo el maestro (nats/muestra)",
      dominant: "frecuencia dominante", timings: "Tiempo de cada uno",
      speedup: function (r) { return "El estudiante hizo la nota " + r.speedup + "× más rápido que el maestro; su NLL bajo el maestro está a " + (r.nll_gap >= 0 ? "+" : "") + r.nll_gap + " nats/muestra de la nota del propio maestro."; },
      about: function (m) { return "Estudiante: " + m.parameters + " parámetros, " + m.flows + " flujos de " + m.layers_per_flow + " capas, " + (m.power_loss ? "con" : "sin") + " la pérdida de potencia, punto de control del paso " + m.best_step + " de " + m.distillation_steps + " (elegido con notas de validación). Maestro: " + m.teacher_parameters + " parámetros."; },
    },
  };

  function side(el, viz, t, title, short, part) {
    var box = document.createElement("div");
    box.className = "demo-side";
    el.appendChild(box);
    if (part.wav_base64) viz.audio(box, part.wav_base64, { title: title });
    var w = part.waveform;
    if (w && w.t_ms) {
      viz.line(box, {
        title: t.wave(short), xLabel: t.time, yLabel: t.amp,
        series: [{ label: t.max, x: w.t_ms, y: w.max }, { label: t.min, x: w.t_ms, y: w.min }],
      });
    }
    var s = part.spectrogram;
    if (s && s.matrix) {
      viz.heatmap(box, s.matrix, { title: t.spec(short), xLabel: t.frames, yLabel: t.freq, min: s.min_db, max: 0 });
    }
    return box;
  }

  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers["parallel_wavenet"] = function (el, result, ctx) {
    var t = T[ctx && ctx.lang === "es" ? "es" : "en"];
    var viz = ctx && ctx.viz;
    var r = result || {};
    if (!viz || !r.teacher || !r.student) return;
    viz.note(el, t.request(r));
    var row = document.createElement("div");
    row.className = "demo-side-by-side";
    row.style.display = "flex";
    row.style.flexWrap = "wrap";
    row.style.gap = "1rem";
    el.appendChild(row);
    [side(row, viz, t, t.teacher, t.teacherShort, r.teacher), side(row, viz, t, t.student, t.studentShort, r.student)]
      .forEach(function (box) { box.style.flex = "1 1 20rem"; box.style.minWidth = "0"; });

    viz.table(el, {
      columns: [t.model, t.took, t.rate, t.nll, t.dominant],
      rows: [
        [t.teacher, r.teacher.seconds + " s", r.teacher.samples_per_s, r.teacher.nll, r.teacher.dominant_hz + " Hz"],
        [t.student, r.student.seconds + " s", r.student.samples_per_s, r.student.nll, r.student.dominant_hz + " Hz"],
      ],
    });
    viz.bar(el, {
      title: t.timings, labels: [t.teacherShort, t.studentShort],
      series: [{ label: t.took + " (s)", values: [r.teacher.seconds, r.student.seconds] }],
    });
    if (r.speedup) viz.note(el, t.speedup(r));
    if (r.model) viz.note(el, t.about(r.model));
  };
})();
