/* A talk's concept graph: the Mermaid diagram (securityLevel 'strict') and the vis-network view.
 * Data comes from the json_script named by [data-graph-views][data-payload] (graphs/services.py).
 * Clicking or hovering a concept shows its summary point in the page language and highlights the
 * point in the page's list (#point-<lang>-<n>). The reader's tools (search, groups, export, pan and
 * zoom, kept layout) are in graph_tools.js, which this file calls when it is loaded. */
(function () {
  "use strict";

  // SVG text labels show the character references the serialiser writes for Mermaid ("#37;" for
  // "%", "&gt;") literally, as HTML labels never did: turn them back into characters, in text nodes
  // only (nodeValue never parses markup). Mermaid may wrap a label mid-reference, so each <text> is
  // decoded as a whole and every character stays in the text node it was drawn in.
  var NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  var REFERENCE = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi;

  function character(match) {
    if (match[3]) return NAMED[match[3].toLowerCase()];
    var code = match[1] ? parseInt(match[1], 10) : parseInt(match[2], 16);
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : match[0];
  }

  function decodeText(element) {
    var nodes = [];
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
    var full = "", owner = [];
    nodes.forEach(function (n, i) {
      full += n.nodeValue;
      for (var k = 0; k < n.nodeValue.length; k++) owner.push(i);
    });
    if (full.indexOf("&") < 0) return;
    var out = nodes.map(function () { return ""; });
    var last = 0, match, k;
    REFERENCE.lastIndex = 0;
    while ((match = REFERENCE.exec(full)) !== null) {
      for (k = last; k < match.index; k++) out[owner[k]] += full[k];
      out[owner[match.index]] += character(match);
      last = match.index + match[0].length;
    }
    for (k = last; k < full.length; k++) out[owner[k]] += full[k];
    nodes.forEach(function (n, i) { n.nodeValue = out[i]; });
  }

  function decodeLabelEntities(root) {
    root.querySelectorAll("text").forEach(decodeText);
  }

  function pointElements(number) {
    return document.querySelectorAll('li.point[data-number="' + number + '"]');
  }

  function showConcept(root, data, key, scroll) {
    var node = data.nodes[key];
    var panel = root.querySelector("[data-graph-point]");
    if (!node || !panel) return;
    document.querySelectorAll(".point.graph-highlight").forEach(function (el) {
      el.classList.remove("graph-highlight");
    });
    panel.replaceChildren();
    var heading = document.createElement("p");
    heading.className = "graph-point-title";
    heading.textContent = key + " · " + node.title;
    panel.appendChild(heading);
    if (!node.points.length) {
      var none = document.createElement("p");
      none.className = "hint";
      none.textContent = data.text.noPoint;
      panel.appendChild(none);
    }
    node.points.forEach(function (number) {
      var point = data.points[String(number)];
      var block = document.createElement("blockquote");
      block.dataset.point = number;
      if (point) block.lang = point.lang;
      var label = document.createElement("strong");
      label.textContent = data.text.point + " " + number + ". ";
      block.appendChild(label);
      block.appendChild(document.createTextNode(point ? point.text : ""));
      panel.appendChild(block);
      var targets = pointElements(number);
      targets.forEach(function (el) { el.classList.add("graph-highlight"); });
      if (scroll && targets.length) targets[0].scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
    root.dataset.selected = key;
  }

  function renderNetwork(root, data) {
    var container = root.querySelector("[data-graph-network]");
    if (!container || !window.vis) return;
    var tools = window.GraphTools;
    var layoutKey = tools ? tools.layoutKey(data) : null;
    var saved = tools ? tools.loadLayout(layoutKey, data.network.nodes) : null;
    var nodes = new vis.DataSet(
      data.network.nodes.map(function (n) {
        return saved ? Object.assign({}, n, { x: saved[n.id].x, y: saved[n.id].y }) : n;
      })
    );
    var options = saved ? Object.assign({}, data.network.options, { physics: { enabled: false } }) : data.network.options;
    var network = new vis.Network(container, { nodes: nodes, edges: new vis.DataSet(data.network.edges) }, options);
    container.visNodes = nodes;
    // Physics lays the graph out once, then stops so the picture holds still; the positions are
    // kept (localStorage), so a reload shows the same picture.
    if (saved) {
      container.dataset.settled = "true";
      container.dataset.layout = "restored";
    } else {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        if (tools) tools.saveLayout(layoutKey, network);
        container.dataset.settled = "true";
        container.dataset.layout = "settled";
      });
    }
    network.on("dragEnd", function () { if (tools) tools.saveLayout(layoutKey, network); });
    network.on("click", function (params) {
      if (params.nodes.length) showConcept(root, data, params.nodes[0], true);
    });
    network.on("hoverNode", function (params) { showConcept(root, data, params.node, false); });
    container.visNetwork = network; // for tests and the console
    root.querySelectorAll("[data-graph-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.graphSelect;
        network.selectNodes([key]);
        network.focus(key, { scale: 1.2, animation: true });
        showConcept(root, data, key, true);
      });
    });
  }

  function renderMermaid(root, data) {
    var target = root.querySelector("[data-graph-mermaid]");
    if (!target || !window.mermaid) return;
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    // SVG text labels (no HTML in foreignObject): the exported PNG can be drawn from the SVG.
    mermaid.initialize({
      startOnLoad: false, securityLevel: "strict", theme: dark ? "dark" : "default",
      htmlLabels: false, flowchart: { useMaxWidth: true, htmlLabels: false }
    });
    mermaid.render("mermaid-" + data.slug + "-" + data.graphLang, data.mermaid).then(function (result) {
      target.innerHTML = result.svg; // sanitised by Mermaid (strict: DOMPurify, no scripts or click handlers)
      decodeLabelEntities(target);
      target.dataset.rendered = "true";
      target.querySelectorAll("g.node").forEach(function (g) {
        var match = /flowchart-(\w+)-\d+$/.exec(g.id || "");
        if (!match || !data.nodes[match[1]]) return;
        g.dataset.key = match[1];
        g.style.cursor = "pointer";
        // Keyboard access: every node is a focusable button (Tab, then Enter or Space). Its name
        // comes from its visible label (no aria-label that could differ from what is drawn).
        g.setAttribute("tabindex", "0");
        g.setAttribute("role", "button");
        g.addEventListener("click", function () { showConcept(root, data, match[1], true); });
        g.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            showConcept(root, data, match[1], true);
          }
        });
      });
      if (window.GraphTools) window.GraphTools.mermaidReady(root, data, target);
    }).catch(function (error) {
      target.textContent = String(error && error.message ? error.message : error);
      target.dataset.rendered = "error";
    });
  }

  function init() {
    document.querySelectorAll("[data-graph-views]").forEach(function (root) {
      var script = document.getElementById(root.dataset.payload);
      if (!script) return;
      var data = JSON.parse(script.textContent);
      renderNetwork(root, data);
      renderMermaid(root, data);
      if (window.GraphTools) {
        window.GraphTools.setup(root, data, function (key, scroll) { showConcept(root, data, key, scroll); });
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
