/* The concept-graph reader's tools (graphs/_graph_views.html), called by talk_graph.js:
 * - a node search box: matching concepts are selected in the interactive view, marked in the
 *   diagram, and the first one's point is shown;
 * - the group legend's check boxes hide or show a group's nodes in both views;
 * - export of both views as SVG and PNG (built in the page, no server round trip);
 * - pan and zoom on the Mermaid diagram (wheel, drag, the +/−/reset buttons, keys + − 0 and arrows),
 *   our own small viewBox code: no pan-zoom library is vendored;
 * - the interactive layout is kept in localStorage after its first settle (layoutKey, saveLayout).
 * No inline script: the page's CSP allows only our own files. */
(function () {
  "use strict";

  var ZOOM_STEP = 1.25;
  var ZOOM_MIN = 0.2;
  var ZOOM_MAX = 20;
  var PAN_STEP = 0.1; // share of the visible width per arrow key
  var DRAG_SLOP = 4; // pixels a press may move and still count as a click

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function hash(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    return (h >>> 0).toString(36);
  }

  // --- kept layout ------------------------------------------------------------------------------

  function layoutKey(data) {
    // The graph's text is part of the key: an edited graph is laid out afresh.
    return "kv-graph-layout:" + data.slug + ":" + data.graphLang + ":" + hash(data.mermaid);
  }

  function loadLayout(key, nodes) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(key) || "null");
      if (!saved) return null;
      for (var i = 0; i < nodes.length; i++) if (!saved[nodes[i].id]) return null;
      return saved;
    } catch (error) {
      return null; // storage blocked or a value we did not write
    }
  }

  function saveLayout(key, network) {
    try {
      window.localStorage.setItem(key, JSON.stringify(network.getPositions()));
    } catch (error) {
      /* storage full or blocked: the layout is simply not kept */
    }
  }

  // --- downloads --------------------------------------------------------------------------------

  function download(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function svgText(svg) {
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    if (svg.dataset.baseViewBox) copy.setAttribute("viewBox", svg.dataset.baseViewBox);
    copy.removeAttribute("style");
    var box = (copy.getAttribute("viewBox") || "0 0 800 600").split(/[\s,]+/).map(Number);
    copy.setAttribute("width", String(box[2]));
    copy.setAttribute("height", String(box[3]));
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }

  function svgToPng(text, name) {
    var image = new Image();
    image.onload = function () {
      var scale = 2;
      var canvas = document.createElement("canvas");
      canvas.width = image.naturalWidth * scale;
      canvas.height = image.naturalHeight * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { download(name, blob); }, "image/png");
    };
    // A data: URL (the CSP's img-src allows data:, not blob:).
    image.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(text)));
  }

  function escapeXml(text) {
    return String(text).replace(/[<>&"]/g, function (c) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" }[c];
    });
  }

  // The interactive view as SVG: its nodes where vis-network has them now, edges as lines.
  function networkSvg(container, data) {
    var network = container.visNetwork;
    var nodes = container.visNodes;
    var pos = network.getPositions();
    var shown = data.network.nodes.filter(function (n) { return !(nodes.get(n.id) || {}).hidden; });
    var xs = [], ys = [];
    shown.forEach(function (n) { xs.push(pos[n.id].x); ys.push(pos[n.id].y); });
    var pad = 80;
    var minX = Math.min.apply(null, xs) - pad, minY = Math.min.apply(null, ys) - pad;
    var w = Math.max.apply(null, xs) + pad - minX, h = Math.max.apply(null, ys) + pad - minY;
    var ids = {};
    shown.forEach(function (n) { ids[n.id] = true; });
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [minX, minY, w, h].join(" ") +
      '" width="' + Math.round(w) + '" height="' + Math.round(h) + '" font-family="sans-serif" font-size="12">',
      '<rect x="' + minX + '" y="' + minY + '" width="' + w + '" height="' + h + '" fill="#ffffff"/>'];
    data.network.edges.forEach(function (e) {
      if (!ids[e.from] || !ids[e.to]) return;
      var a = pos[e.from], b = pos[e.to];
      out.push('<line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x + '" y2="' + b.y + '" stroke="#94a3b8"/>');
    });
    shown.forEach(function (n) {
      var p = pos[n.id];
      var fill = (n.color && (n.color.background || n.color)) || "#e2e8f0";
      if (typeof fill !== "string") fill = "#e2e8f0";
      out.push('<g class="node" data-key="' + escapeXml(n.id) + '"><circle cx="' + p.x + '" cy="' + p.y +
        '" r="' + (n.size || 12) + '" fill="' + escapeXml(fill) + '" stroke="#334155"/>');
      String(n.label || n.id).split("\n").forEach(function (line, i) {
        out.push('<text x="' + p.x + '" y="' + (p.y + (n.size || 12) + 14 + 14 * i) +
          '" text-anchor="middle">' + escapeXml(line) + "</text>");
      });
      out.push("</g>");
    });
    out.push("</svg>");
    return out.join("\n");
  }

  function exportView(root, data, what) {
    var name = data.slug + "-" + data.graphLang;
    var svg = root.querySelector("[data-graph-mermaid] svg");
    var container = root.querySelector("[data-graph-network]");
    if (what === "mermaid-svg" && svg) {
      download(name + "-diagram.svg", new Blob([svgText(svg)], { type: "image/svg+xml" }));
    } else if (what === "mermaid-png" && svg) {
      svgToPng(svgText(svg), name + "-diagram.png");
    } else if (what === "network-svg" && container && container.visNetwork) {
      download(name + "-network.svg", new Blob([networkSvg(container, data)], { type: "image/svg+xml" }));
    } else if (what === "network-png" && container) {
      var canvas = container.querySelector("canvas");
      if (canvas) canvas.toBlob(function (blob) { download(name + "-network.png", blob); }, "image/png");
    }
  }

  // --- pan and zoom on the Mermaid diagram ---------------------------------------------------------

  function viewBox(svg) {
    return svg.getAttribute("viewBox").split(/[\s,]+/).map(Number);
  }

  function setViewBox(svg, box) {
    svg.setAttribute("viewBox", box.join(" "));
    var base = svg.dataset.baseViewBox.split(" ").map(Number);
    svg.dataset.zoom = (base[2] / box[2]).toFixed(3);
  }

  function zoomAt(svg, factor, cx, cy) {
    var box = viewBox(svg);
    var base = svg.dataset.baseViewBox.split(" ").map(Number);
    var zoom = base[2] / (box[2] / factor);
    if (zoom < ZOOM_MIN || zoom > ZOOM_MAX) return;
    if (cx === undefined) { cx = box[0] + box[2] / 2; cy = box[1] + box[3] / 2; }
    setViewBox(svg, [cx - (cx - box[0]) / factor, cy - (cy - box[1]) / factor, box[2] / factor, box[3] / factor]);
  }

  function pan(svg, dx, dy) { // in diagram units
    var box = viewBox(svg);
    setViewBox(svg, [box[0] + dx, box[1] + dy, box[2], box[3]]);
  }

  function toDiagram(svg, clientX, clientY) {
    var m = svg.getScreenCTM();
    if (!m) return { x: undefined, y: undefined };
    var p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }

  function enablePanZoom(root, target) {
    var svg = target.querySelector("svg");
    if (!svg || !svg.getAttribute("viewBox")) return;
    svg.dataset.baseViewBox = viewBox(svg).join(" ");
    svg.dataset.zoom = "1.000";
    target.setAttribute("tabindex", "0");
    target.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = toDiagram(svg, event.clientX, event.clientY);
      zoomAt(svg, event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, p.x, p.y);
    }, { passive: false });
    var drag = null;
    target.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, moved: false };
    });
    target.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < DRAG_SLOP) return;
      if (!drag.moved) target.setPointerCapture(event.pointerId);
      drag.moved = true;
      var scale = viewBox(svg)[2] / svg.getBoundingClientRect().width;
      pan(svg, -dx * scale, -dy * scale);
      drag.x = event.clientX;
      drag.y = event.clientY;
      target.classList.add("dragging");
    });
    function end(event) {
      if (drag && drag.moved) {
        // A drag is not a click on the node under the pointer.
        target.addEventListener("click", function stop(e) { e.stopPropagation(); }, { capture: true, once: true });
        if (event && event.pointerId !== undefined && target.hasPointerCapture(event.pointerId)) {
          target.releasePointerCapture(event.pointerId);
        }
      }
      drag = null;
      target.classList.remove("dragging");
    }
    target.addEventListener("pointerup", end);
    target.addEventListener("pointercancel", end);
    target.addEventListener("keydown", function (event) {
      if (event.target !== target) return; // keys on a focused node select it instead
      var box = viewBox(svg), step = box[2] * PAN_STEP;
      var keys = {
        "+": function () { zoomAt(svg, ZOOM_STEP); }, "=": function () { zoomAt(svg, ZOOM_STEP); },
        "-": function () { zoomAt(svg, 1 / ZOOM_STEP); }, "0": function () { reset(svg); },
        ArrowLeft: function () { pan(svg, -step, 0); }, ArrowRight: function () { pan(svg, step, 0); },
        ArrowUp: function () { pan(svg, 0, -step); }, ArrowDown: function () { pan(svg, 0, step); }
      };
      if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
    });
    root.querySelectorAll("[data-graph-zoom]").forEach(function (button) {
      button.disabled = false;
      button.addEventListener("click", function () {
        var how = button.dataset.graphZoom;
        if (how === "in") zoomAt(svg, ZOOM_STEP);
        else if (how === "out") zoomAt(svg, 1 / ZOOM_STEP);
        else reset(svg);
      });
    });
  }

  function reset(svg) {
    setViewBox(svg, svg.dataset.baseViewBox.split(" ").map(Number));
  }

  // --- search and groups ---------------------------------------------------------------------------

  function hiddenGroups(root) {
    var hidden = {};
    root.querySelectorAll("[data-graph-group]").forEach(function (box) {
      if (!box.checked) hidden[box.dataset.graphGroup] = true;
    });
    return hidden;
  }

  function setupSearch(root, data, show) {
    var input = root.querySelector("[data-graph-search]");
    var status = root.querySelector("[data-graph-search-status]");
    if (!input) return;
    var matches = [];
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      var hidden = hiddenGroups(root);
      matches = !query ? [] : Object.keys(data.nodes).filter(function (key) {
        var node = data.nodes[key];
        return !hidden[node.group] && (fold(node.title).indexOf(query) >= 0 || fold(key) === query);
      });
      root.querySelectorAll("[data-graph-mermaid] g.node[data-key]").forEach(function (g) {
        g.classList.toggle("graph-match", matches.indexOf(g.dataset.key) >= 0);
      });
      var container = root.querySelector("[data-graph-network]");
      var network = container && container.visNetwork;
      if (network) {
        network.selectNodes(matches);
        if (matches.length) network.focus(matches[0], { scale: 1.1, animation: false });
      }
      root.dataset.matches = matches.join(",");
      if (status) status.textContent = query ? data.text.matches.replace("%(count)s", String(matches.length)) : "";
      if (matches.length) show(matches[0], false);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && matches.length) {
        event.preventDefault();
        show(matches[0], true);
      }
    });
  }

  function setupLegend(root, data) {
    root.querySelectorAll("[data-graph-group]").forEach(function (box) {
      box.addEventListener("change", function () {
        var group = box.dataset.graphGroup;
        var keys = Object.keys(data.nodes).filter(function (key) { return data.nodes[key].group === group; });
        var container = root.querySelector("[data-graph-network]");
        if (container && container.visNodes) {
          container.visNodes.update(keys.map(function (key) { return { id: key, hidden: !box.checked }; }));
        }
        root.querySelectorAll("[data-graph-mermaid] g.node[data-key]").forEach(function (g) {
          if (keys.indexOf(g.dataset.key) >= 0) g.classList.toggle("graph-hidden", !box.checked);
        });
        root.dataset.hiddenGroups = Object.keys(hiddenGroups(root)).join(",");
      });
    });
  }

  function setup(root, data, show) {
    setupSearch(root, data, show);
    setupLegend(root, data);
    root.querySelectorAll("[data-graph-export]").forEach(function (button) {
      button.addEventListener("click", function () { exportView(root, data, button.dataset.graphExport); });
    });
    root.querySelectorAll("[data-graph-relayout]").forEach(function (button) {
      button.addEventListener("click", function () {
        try { window.localStorage.removeItem(layoutKey(data)); } catch (error) { /* blocked */ }
        var container = root.querySelector("[data-graph-network]");
        if (!container || !container.visNetwork) return;
        var network = container.visNetwork;
        container.dataset.settled = "false";
        network.setOptions({ physics: { enabled: true } });
        network.once("stabilizationIterationsDone", function () {
          network.setOptions({ physics: { enabled: false } });
          saveLayout(layoutKey(data), network);
          container.dataset.settled = "true";
          container.dataset.layout = "settled";
        });
        network.stabilize();
      });
    });
  }

  function mermaidReady(root, data, target) {
    enablePanZoom(root, target);
    var hidden = hiddenGroups(root);
    target.querySelectorAll("g.node[data-key]").forEach(function (g) {
      var node = data.nodes[g.dataset.key];
      if (node && hidden[node.group]) g.classList.add("graph-hidden");
    });
  }

  window.GraphTools = {
    layoutKey: layoutKey,
    loadLayout: loadLayout,
    saveLayout: saveLayout,
    setup: setup,
    mermaidReady: mermaidReady
  };
})();
