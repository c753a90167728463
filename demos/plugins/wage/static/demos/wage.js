/* WAGE demo: a drawing pad for the "digit" field, and the renderer of infer.py run()'s result
 * (the bundled integer networks' prediction, per-layer alpha, weight and update codes, costs, table).
 * Every field of the result is read null-safely. */
(function () {
  "use strict";

  var ALPHABET = "0123456789abcdefg"; // grey level 0..16 per pixel, as infer.decode_digit reads it
  var PAD = 160; // drawing pad size in CSS pixels
  var GRID = 32; // the optdigits bitmap: 32 x 32, counted in 4 x 4 blocks -> 8 x 8 levels 0..16

  var T = {
    en: {
      padLabel: "Drawing pad: draw one digit with the mouse, a pen or a finger",
      clear: "Clear",
      padHelp: "Draw a digit (0–9), then run. It is cut to its bounding box, scaled to 32 × 32 and counted in 4 × 4 blocks, as the 8 × 8 digits were made.",
      drawn: "your drawn digit",
      testImage: "test image #{i} (label {l})",
      summary: "{net} (training seed {s}) reads {src} as {c}.",
      integerNote: "Computed from integer codes only: integer multiply-accumulates and right shifts by α (no floating point).",
      floatNote: "float32 network: ordinary floating-point arithmetic.",
      accNote: "This network: validation accuracy {v}%, test accuracy {t}% ({mode}).",
      bundledMode: "bundled weights",
      retrainedMode: "retrained just now",
      inputTitle: "The 8 × 8 input (grey levels 0–16)",
      scoresTitle: "Output scores per class (integer accumulators)",
      scoresTitleFloat: "Output scores per class",
      digitClass: "Class",
      score: "Score",
      seedsTitle: "The bundled networks on the same digit",
      network: "Network",
      seed: "Seed",
      predicted: "Prediction",
      testAcc: "Test accuracy (%)",
      valAcc: "Validation accuracy (%)",
      layersTitle: "Per layer: the scale α (a power of two, a shift) and the weights",
      layer: "Layer",
      shape: "Fan-in → fan-out",
      alpha: "α",
      shiftBits: "Right shift (bits)",
      levels: "Distinct weights",
      zeroUpd: "Zero updates (%)",
      histTitle: "Forward weights as integer codes (all layers)",
      histTitleFloat: "Forward weights (float32 histogram)",
      code: "Integer code n (weight = n · 2^(1−k_W) / α)",
      value: "Weight value",
      count: "Count",
      ternary: "k_W = 2: every weight is −1, 0 or +1 (times a per-layer power of two): ternary.",
      updTitle: "Update codes n ≠ 0 of 2-8-8-8 (ΔW = n · 2^−7), share of all updates over training, seeds 0–2",
      updCode: "Update code n (the end bins hold |n| ≥ 8)",
      share: "Share of updates (%)",
      rate: "rate",
      updNote: "Zero updates: {z}. Each variant runs at its own rate, chosen on validation. Deterministic rounding makes every scaled gradient below one half a zero update, stochastic rounding keeps it on average: that matters when the rate is small (see the evaluation below).",
      variants: { stochastic: "stochastic (the paper's Q_G)", deterministic: "deterministic rounding", noshift: "no shift" },
      retrainSummary: "Retrained for {e} epochs: {net} {w}% vs float32 {f}% test accuracy (training time {tw} s and {tf} s).",
      accTitle: "Validation accuracy per epoch (retrained)",
      lossTitle: "Training loss (sum of squared errors) per epoch (retrained)",
      epoch: "Epoch",
      acc: "Validation accuracy",
      loss: "Loss",
      float: "float32",
      costTitle: "Memory and energy estimate vs float32 (counts × Horowitz 45 nm energies)",
      quantity: "Quantity",
      ratio: "WAGE / float32",
      tableTitle: "Bundled results: accuracy, mean ± std over {s} seeds, {e} epochs",
      setting: "k_W-k_A-k_G-k_E",
      accuracy: "Test accuracy (%)",
      perSeed: "Test, per seed (%)",
      valMean: "Validation (%)",
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
      padLabel: "Área de dibujo: dibuja un dígito con el ratón, un lápiz o el dedo",
      clear: "Borrar",
      padHelp: "Dibuja un dígito (0–9) y ejecuta. Se recorta a su caja, se escala a 32 × 32 y se cuenta en bloques de 4 × 4, como se hicieron los dígitos de 8 × 8.",
      drawn: "tu dígito dibujado",
      testImage: "la imagen de test n.º {i} (etiqueta {l})",
      summary: "{net} (semilla de entrenamiento {s}) lee {src} como {c}.",
      integerNote: "Calculado solo con códigos enteros: multiplicaciones y sumas enteras y desplazamientos a la derecha por α (sin coma flotante).",
      floatNote: "Red float32: aritmética de coma flotante corriente.",
      accNote: "Esta red: precisión de validación {v}%, precisión de test {t}% ({mode}).",
      bundledMode: "pesos incluidos",
      retrainedMode: "reentrenada ahora",
      inputTitle: "La entrada de 8 × 8 (niveles de gris 0–16)",
      scoresTitle: "Puntuación de salida por clase (acumuladores enteros)",
      scoresTitleFloat: "Puntuación de salida por clase",
      digitClass: "Clase",
      score: "Puntuación",
      seedsTitle: "Las redes incluidas sobre el mismo dígito",
      network: "Red",
      seed: "Semilla",
      predicted: "Predicción",
      testAcc: "Precisión de test (%)",
      valAcc: "Precisión de validación (%)",
      layersTitle: "Por capa: la escala α (una potencia de dos, un desplazamiento) y los pesos",
      layer: "Capa",
      shape: "Entradas → salidas",
      alpha: "α",
      shiftBits: "Desplazamiento a la derecha (bits)",
      levels: "Pesos distintos",
      zeroUpd: "Actualizaciones nulas (%)",
      histTitle: "Pesos del paso hacia delante como códigos enteros (todas las capas)",
      histTitleFloat: "Pesos del paso hacia delante (histograma float32)",
      code: "Código entero n (peso = n · 2^(1−k_W) / α)",
      value: "Valor del peso",
      count: "Cantidad",
      ternary: "k_W = 2: cada peso vale −1, 0 o +1 (por una potencia de dos por capa): ternario.",
      updTitle: "Códigos de actualización n ≠ 0 de 2-8-8-8 (ΔW = n · 2^−7), fracción de todas las actualizaciones del entrenamiento, semillas 0–2",
      updCode: "Código de actualización n (los extremos recogen |n| ≥ 8)",
      share: "Fracción de actualizaciones (%)",
      rate: "tasa",
      updNote: "Actualizaciones nulas: {z}. Cada variante usa su propia tasa, elegida en validación. El redondeo determinista convierte en nulo todo gradiente escalado menor que un medio y el estocástico lo conserva en promedio: eso importa cuando la tasa es pequeña (ver la evaluación de abajo).",
      variants: { stochastic: "estocástico (el Q_G del artículo)", deterministic: "redondeo determinista", noshift: "sin desplazamiento" },
      retrainSummary: "Reentrenada durante {e} épocas: {net} {w}% frente a float32 {f}% de precisión de test (tiempo de entrenamiento {tw} s y {tf} s).",
      accTitle: "Precisión de validación por época (reentrenada)",
      lossTitle: "Pérdida de entrenamiento (suma de errores al cuadrado) por época (reentrenada)",
      epoch: "Época",
      acc: "Precisión de validación",
      loss: "Pérdida",
      float: "float32",
      costTitle: "Estimación de memoria y energía frente a float32 (conteos × energías de Horowitz, 45 nm)",
      quantity: "Magnitud",
      ratio: "WAGE / float32",
      tableTitle: "Resultados incluidos: precisión, media ± desv. típica sobre {s} semillas, {e} épocas",
      setting: "k_W-k_A-k_G-k_E",
      accuracy: "Precisión de test (%)",
      perSeed: "Test, por semilla (%)",
      valMean: "Validación (%)",
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

  function texts(lang) {
    return T[lang === "es" ? "es" : "en"];
  }

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

  function mean(xs) {
    if (!Array.isArray(xs) || !xs.length) return null;
    return xs.reduce(function (a, b) { return a + b; }, 0) / xs.length;
  }

  function section(el) {
    var div = document.createElement("div");
    div.className = "demo-section";
    el.appendChild(div);
    return div;
  }

  /* ---- The drawing pad: encodes the drawing as the 64-character "digit" parameter. ---- */

  // 8 x 8 grey levels 0..16 from the pad's ink: bounding box -> 32 x 32 (aspect kept, centred),
  // each pixel on or off, then the count of on pixels in each 4 x 4 block.
  function encodePad(canvas) {
    var w = canvas.width, h = canvas.height;
    var data = canvas.getContext("2d").getImageData(0, 0, w, h).data;
    var x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        if (data[4 * (y * w + x) + 3] > 40) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return "";
    var bw = x1 - x0 + 1, bh = y1 - y0 + 1, side = Math.max(bw, bh);
    var small = document.createElement("canvas");
    small.width = GRID;
    small.height = GRID;
    var sctx = small.getContext("2d");
    var scale = GRID / side;
    var dw = Math.max(1, Math.round(bw * scale)), dh = Math.max(1, Math.round(bh * scale));
    sctx.drawImage(canvas, x0, y0, bw, bh, Math.floor((GRID - dw) / 2), Math.floor((GRID - dh) / 2), dw, dh);
    var px = sctx.getImageData(0, 0, GRID, GRID).data;
    var out = "";
    for (var by = 0; by < 8; by++) {
      for (var bx = 0; bx < 8; bx++) {
        var on = 0;
        for (var yy = 0; yy < 4; yy++) {
          for (var xx = 0; xx < 4; xx++) {
            if (px[4 * ((4 * by + yy) * GRID + 4 * bx + xx) + 3] > 96) on++;
          }
        }
        out += ALPHABET.charAt(on);
      }
    }
    return out;
  }

  // Show a stored 64-character digit on the pad (e.g. from a shared link), as grey blocks.
  function paintCode(canvas, code) {
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!/^[0-9a-g]{64}$/.test(code || "")) return;
    var cell = canvas.width / 8;
    for (var i = 0; i < 64; i++) {
      var level = ALPHABET.indexOf(code.charAt(i)) / 16;
      if (level <= 0) continue;
      ctx.fillStyle = "rgba(0, 0, 0, " + level.toFixed(3) + ")";
      ctx.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
    }
  }

  function installPad() {
    var input = document.getElementById("f-digit");
    if (!input || input.getAttribute("data-pad")) return;
    input.setAttribute("data-pad", "1");
    var t = texts(document.documentElement.lang);
    var box = document.createElement("div");
    box.className = "wage-pad";
    var canvas = document.createElement("canvas");
    canvas.width = PAD;
    canvas.height = PAD;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", t.padLabel);
    canvas.setAttribute("data-testid", "wage-pad");
    canvas.style.width = PAD + "px";
    canvas.style.height = PAD + "px";
    canvas.style.border = "1px solid currentColor";
    canvas.style.touchAction = "none";
    canvas.style.background = "#fff";
    canvas.style.cursor = "crosshair";
    canvas.style.display = "block";
    var clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = t.clear;
    clear.setAttribute("data-testid", "wage-pad-clear");
    var help = document.createElement("small");
    help.className = "demo-help";
    help.textContent = t.padHelp;
    box.appendChild(canvas);
    box.appendChild(clear);
    box.appendChild(help);
    input.parentNode.insertBefore(box, input.nextSibling);

    var ctx = canvas.getContext("2d");
    var drawing = false, last = null, fresh = !input.value;
    paintCode(canvas, input.value);

    function point(ev) {
      var r = canvas.getBoundingClientRect();
      return { x: (ev.clientX - r.left) * canvas.width / r.width, y: (ev.clientY - r.top) * canvas.height / r.height };
    }
    function update() {
      input.value = encodePad(canvas);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    canvas.addEventListener("pointerdown", function (ev) {
      ev.preventDefault();
      if (!fresh) { ctx.clearRect(0, 0, canvas.width, canvas.height); fresh = true; }
      drawing = true;
      last = point(ev);
      if (canvas.setPointerCapture) { try { canvas.setPointerCapture(ev.pointerId); } catch (e) { /* ignore */ } }
      ctx.fillStyle = "#000";
      ctx.beginPath();
      ctx.arc(last.x, last.y, PAD / 22, 0, 2 * Math.PI);
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (ev) {
      if (!drawing) return;
      var p = point(ev);
      ctx.strokeStyle = "#000";
      ctx.lineWidth = PAD / 11;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      update();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
    clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      fresh = true;
      update();
    });
    input.addEventListener("input", function () { paintCode(canvas, input.value); fresh = !input.value; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", installPad);
  else installPad();

  /* ---- The renderer. ---- */

  function pixelMatrix(pixels) {
    var rows = [];
    for (var r = 0; r < 8; r++) rows.push(pixels.slice(8 * r, 8 * r + 8));
    return rows;
  }

  window.DemoRenderers = window.DemoRenderers || {};
  window.DemoRenderers["wage"] = function (el, result, ctx) {
    ctx = ctx || {};
    var t = texts(ctx.lang);
    var viz = ctx.viz || window.DemoViz;
    var r = result || {};
    if (!viz) return;

    var input = r.input || {};
    var pred = r.prediction || {};
    var acc = r.acc || {};
    if (r.network) {
      var src = input.source === "drawn" ? t.drawn : fmt(t.testImage, { i: input.index, l: input.label });
      var box = section(el);
      var head = viz.note(box, fmt(t.summary, { net: r.network, s: r.seed, src: src, c: pred["class"] }));
      if (head && head.setAttribute) head.setAttribute("data-testid", "wage-prediction");
      viz.note(box, (pred.integer ? t.integerNote : t.floatNote) + " " + fmt(t.accNote, {
        v: pct(acc.val), t: pct(acc.test), mode: r.mode === "retrained" ? t.retrainedMode : t.bundledMode
      }));
    }

    if (Array.isArray(input.pixels) && input.pixels.length === 64) {
      viz.heatmap(section(el), pixelMatrix(input.pixels), { title: t.inputTitle, min: 0, max: 16 });
    }
    if (Array.isArray(pred.scores) && pred.scores.length) {
      viz.bar(section(el), {
        title: pred.integer ? t.scoresTitle : t.scoresTitleFloat, xLabel: t.digitClass, yLabel: t.score,
        labels: pred.scores.map(function (_, i) { return String(i); }),
        series: [{ label: t.score, values: pred.scores }]
      });
    }

    if (Array.isArray(r.bundled) && r.bundled.length) {
      viz.table(section(el), {
        title: t.seedsTitle,
        columns: [t.network, t.seed, t.predicted, t.valAcc, t.testAcc],
        rows: r.bundled.map(function (b) {
          return [b.network, String(b.seed), String(b["class"]), pct(b.val_acc), pct(b.test_acc)];
        })
      });
    }

    var upd = r.update_codes || {};
    var perLayerZero = upd.per_layer_zero_share || [];
    if (Array.isArray(r.layers) && r.layers.length) {
      viz.table(section(el), {
        title: t.layersTitle,
        columns: [t.layer, t.shape, t.alpha, t.shiftBits, t.levels, t.zeroUpd],
        rows: r.layers.map(function (l, i) {
          return [String(l.layer), l.fan_in + " → " + l.fan_out, String(l.alpha),
            l.shift_bits === null || l.shift_bits === undefined ? "—" : String(l.shift_bits),
            String(l.levels), typeof perLayerZero[i] === "number" ? pct(perLayerZero[i]) : "—"];
        })
      });
    }

    var hist = r.histogram;
    if (hist && hist.values && hist.counts) {
      var isInt = hist.kind === "integer";
      var hbox = section(el);
      viz.bar(hbox, {
        title: isInt ? t.histTitle : t.histTitleFloat,
        xLabel: isInt ? t.code : t.value, yLabel: t.count,
        labels: hist.values.map(String),
        series: [{ label: t.count, values: hist.counts }]
      });
      if (isInt && hist.values.length <= 3 && String(r.bits || "").charAt(0) === "2") viz.note(hbox, t.ternary);
    }

    var variants = r.variant_update_codes || {};
    var names = ["stochastic", "deterministic", "noshift"].filter(function (v) {
      return variants[v] && Array.isArray(variants[v].counts);
    });
    if (names.length) {
      var codes = variants[names[0]].codes || [];
      var keep = [];
      codes.forEach(function (c, i) { if (c !== 0) keep.push(i); });
      var ubox = section(el);
      viz.bar(ubox, {
        title: t.updTitle, xLabel: t.updCode, yLabel: t.share,
        labels: keep.map(function (i) { return String(codes[i]); }),
        series: names.map(function (v) {
          var counts = variants[v].counts, total = counts.reduce(function (a, b) { return a + b; }, 0) || 1;
          return { label: t.variants[v], values: keep.map(function (i) { return 100 * counts[i] / total; }) };
        })
      });
      viz.note(ubox, fmt(t.updNote, {
        z: names.map(function (v) {
          return t.variants[v] + " " + pct(variants[v].zero_share) + "% (" + t.rate + " " + variants[v].rate + ")";
        }).join(", ")
      }));
    }

    var rt = r.retrain;
    if (rt && rt.curves) {
      var rs = rt.seconds || {};
      viz.note(section(el), fmt(t.retrainSummary, {
        e: rt.epochs, net: r.network, w: pct(rt.acc_wage), f: pct(rt.acc_float), tw: rs.wage, tf: rs["float"]
      }));
      var epochs = rt.curves.epoch || [];
      var cw = rt.curves.wage || {}, cf = rt.curves["float"] || {};
      if (epochs.length) {
        viz.line(section(el), {
          title: t.accTitle, xLabel: t.epoch, yLabel: t.acc,
          series: [
            { label: r.network || "WAGE", x: epochs, y: cw.val_acc || [] },
            { label: t["float"], x: epochs, y: cf.val_acc || [] }
          ]
        });
        viz.line(section(el), {
          title: t.lossTitle, xLabel: t.epoch, yLabel: t.loss, logY: true,
          series: [
            { label: r.network || "WAGE", x: epochs, y: cw.loss || [] },
            { label: t["float"], x: epochs, y: cf.loss || [] }
          ]
        });
      }
    }

    if (Array.isArray(r.costs) && r.costs.length) {
      viz.table(section(el), {
        title: t.costTitle,
        columns: [t.quantity, r.bits || "WAGE", t["float"], t.ratio],
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
        columns: [t.setting, t.valMean, t.accuracy, t.perSeed],
        rows: table.rows.map(function (row) {
          return [row.bits, pct(mean(row.val)), pct(row.mean) + " ± " + pct(row.std),
            (row.runs || []).map(pct).join(" / ")];
        })
      });
    } else if (r.network) {
      viz.note(tableBox, t.noTable);
    }
  };
})();
