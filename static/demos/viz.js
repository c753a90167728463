/* window.DemoViz: the drawing helpers every demo renderer uses (demos/PLUGIN.md, "Browser renderer").
 *
 * Charts are Chart.js 4 (static/vendor/chartjs, window.Chart); the heatmap is a plain canvas. Every
 * helper appends one element to `el` and returns it; charts get role="img" and an aria-label made of
 * their title, and keep their Chart instance on `element.chart` (tests and renderers may read it).
 */
(function () {
  "use strict";

  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"];
  // Viridis stops for the heatmap (perceptually uniform, readable in greyscale).
  var VIRIDIS = [
    [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
    [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
  ];
  var CELL_MAX = 28; // px: small matrices stay readable without becoming huge
  var HEATMAP_MAX_WIDTH = 720;

  function color(i) {
    return PALETTE[i % PALETTE.length];
  }

  function figure(el, kind, title) {
    var fig = document.createElement("figure");
    fig.className = "viz viz-" + kind;
    if (title) {
      var cap = document.createElement("figcaption");
      cap.textContent = title;
      fig.appendChild(cap);
    }
    el.appendChild(fig);
    return fig;
  }

  function canvasIn(fig, title, height) {
    var box = document.createElement("div");
    box.className = "viz-canvas";
    box.style.position = "relative";
    box.style.height = (height || 300) + "px";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", title || "chart");
    box.appendChild(canvas);
    fig.appendChild(box);
    return canvas;
  }

  function axis(label, extra) {
    var out = { title: { display: !!label, text: label || "" } };
    for (var k in extra || {}) out[k] = extra[k];
    return out;
  }

  function chart(fig, canvas, config) {
    if (!window.Chart) {
      note(fig, "Chart.js is not loaded.");
      return fig;
    }
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false; // results appear at once; no motion for users who avoid it
    fig.chart = new window.Chart(canvas, config);
    return fig;
  }

  function finite(v) {
    return typeof v === "number" && isFinite(v);
  }

  function line(el, opts) {
    opts = opts || {};
    var fig = figure(el, "line", opts.title);
    var canvas = canvasIn(fig, opts.title, opts.height);
    var datasets = (opts.series || []).map(function (s, i) {
      var xs = s.x || [];
      var ys = s.y || [];
      var points = [];
      for (var j = 0; j < ys.length; j++) {
        var x = xs.length ? xs[j] : j;
        var y = ys[j];
        if (opts.logY && !(y > 0)) y = null; // a log axis cannot show 0 or negatives
        points.push({ x: x, y: finite(y) ? y : null });
      }
      return {
        label: s.label,
        data: points,
        borderColor: color(i),
        backgroundColor: color(i),
        pointRadius: points.length > 60 ? 0 : 2,
        borderWidth: 2,
        spanGaps: false,
      };
    });
    return chart(fig, canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        parsing: true,
        plugins: {
          title: { display: false, text: opts.title || "" }, // shown once, as the figcaption
          legend: { display: datasets.length > 1 },
        },
        scales: {
          x: axis(opts.xLabel, { type: "linear" }),
          y: axis(opts.yLabel, { type: opts.logY ? "logarithmic" : "linear" }),
        },
      },
    });
  }

  function bar(el, opts) {
    opts = opts || {};
    var fig = figure(el, "bar", opts.title);
    var canvas = canvasIn(fig, opts.title, opts.height);
    var datasets = (opts.series || []).map(function (s, i) {
      return {
        label: s.label,
        data: (s.values || []).map(function (v) {
          var n = typeof v === "string" ? parseFloat(v) : v;
          return finite(n) ? n : null;
        }),
        backgroundColor: color(i),
      };
    });
    return chart(fig, canvas, {
      type: "bar",
      data: { labels: (opts.labels || []).map(String), datasets: datasets },
      options: {
        plugins: {
          title: { display: false, text: opts.title || "" }, // shown once, as the figcaption
          legend: { display: datasets.length > 1 },
        },
        scales: { x: axis(opts.xLabel), y: axis(opts.yLabel, { beginAtZero: true }) },
      },
    });
  }

  function viridis(t) {
    t = Math.max(0, Math.min(1, t));
    var pos = t * (VIRIDIS.length - 1);
    var i = Math.min(VIRIDIS.length - 2, Math.floor(pos));
    var f = pos - i;
    var a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return "rgb(" + [0, 1, 2].map(function (c) { return Math.round(a[c] + f * (b[c] - a[c])); }).join(",") + ")";
  }

  function heatmap(el, matrix, opts) {
    opts = opts || {};
    var fig = figure(el, "heatmap", opts.title);
    var rows = Array.isArray(matrix) ? matrix : [];
    var nRows = rows.length;
    var nCols = nRows ? Math.max.apply(null, rows.map(function (r) { return (r || []).length; })) : 0;
    var lo = opts.min, hi = opts.max;
    if (!finite(lo) || !finite(hi)) {
      var all = [];
      rows.forEach(function (r) { (r || []).forEach(function (v) { if (finite(v)) all.push(v); }); });
      if (!finite(lo)) lo = all.length ? Math.min.apply(null, all) : 0;
      if (!finite(hi)) hi = all.length ? Math.max.apply(null, all) : 1;
    }
    var span = hi - lo || 1;
    var cell = Math.max(2, Math.min(CELL_MAX, Math.floor(HEATMAP_MAX_WIDTH / Math.max(1, nCols))));
    var left = opts.yLabel ? 22 : 4, top = 4, legend = 46;
    var canvas = document.createElement("canvas");
    var dpr = window.devicePixelRatio || 1;
    var w = left + nCols * cell + legend, h = top + nRows * cell + (opts.xLabel ? 22 : 4);
    canvas.width = w * dpr;
    canvas.height = h * dpr;
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    canvas.setAttribute("role", "img");
    canvas.setAttribute(
      "aria-label",
      (opts.title || "heatmap") + " (" + nRows + " × " + nCols + ", " + lo.toPrecision(3) + " … " + hi.toPrecision(3) + ")"
    );
    var ctx = canvas.getContext("2d");
    ctx.scale(dpr, dpr);
    for (var r = 0; r < nRows; r++) {
      for (var c = 0; c < nCols; c++) {
        var v = (rows[r] || [])[c];
        ctx.fillStyle = finite(v) ? viridis((v - lo) / span) : "#ddd";
        ctx.fillRect(left + c * cell, top + r * cell, cell, cell);
      }
    }
    // Colour bar with its range, right of the matrix.
    var barX = left + nCols * cell + 8, barH = Math.max(20, nRows * cell);
    for (var y = 0; y < barH; y++) {
      ctx.fillStyle = viridis(1 - y / barH);
      ctx.fillRect(barX, top + y, 10, 1);
    }
    ctx.fillStyle = "#1d2330";
    ctx.font = "10px system-ui, sans-serif";
    ctx.fillText(String(+hi.toPrecision(3)), barX + 12, top + 9);
    ctx.fillText(String(+lo.toPrecision(3)), barX + 12, top + barH);
    if (opts.xLabel) ctx.fillText(opts.xLabel, left, top + nRows * cell + 16);
    if (opts.yLabel) {
      ctx.save();
      ctx.translate(12, top + (nRows * cell) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center";
      ctx.fillText(opts.yLabel, 0, 0);
      ctx.restore();
    }
    var box = document.createElement("div");
    box.className = "viz-scroll";
    box.appendChild(canvas);
    fig.appendChild(box);
    fig.matrix = { rows: nRows, cols: nCols, min: lo, max: hi };
    return fig;
  }

  function table(el, opts) {
    opts = opts || {};
    var wrap = document.createElement("div");
    wrap.className = "viz viz-table";
    var t = document.createElement("table");
    var cols = opts.columns || [];
    if (cols.some(function (c) { return c !== "" && c !== null && c !== undefined; })) {
      var head = t.createTHead().insertRow();
      cols.forEach(function (c) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = c === null || c === undefined ? "" : String(c);
        head.appendChild(th);
      });
    }
    var body = t.createTBody();
    (opts.rows || []).forEach(function (row) {
      var tr = body.insertRow();
      (row || []).forEach(function (v) {
        tr.insertCell().textContent = v === null || v === undefined ? "–" : String(v);
      });
    });
    if (opts.title) t.createCaption().textContent = opts.title;
    wrap.appendChild(t);
    el.appendChild(wrap);
    return wrap;
  }

  function media(el, kind, tag, src, opts) {
    var fig = figure(el, kind, opts.title);
    var node = document.createElement(tag);
    node.src = src;
    fig.appendChild(node);
    return { fig: fig, node: node };
  }

  function audio(el, base64Wav, opts) {
    opts = opts || {};
    var m = media(el, "audio", "audio", "data:audio/wav;base64," + (base64Wav || ""), opts);
    m.node.controls = true;
    m.node.preload = "auto";
    if (opts.title) m.node.setAttribute("aria-label", opts.title);
    return m.fig;
  }

  function image(el, base64Png, opts) {
    opts = opts || {};
    var m = media(el, "image", "img", "data:image/png;base64," + (base64Png || ""), opts);
    m.node.alt = opts.alt || opts.title || "";
    return m.fig;
  }

  function note(el, text) {
    var p = document.createElement("p");
    p.className = "viz viz-note";
    p.textContent = text === null || text === undefined ? "" : String(text);
    el.appendChild(p);
    return p;
  }

  window.DemoViz = {
    heatmap: heatmap,
    line: line,
    bar: bar,
    table: table,
    audio: audio,
    image: image,
    note: note,
    palette: PALETTE,
  };
})();
