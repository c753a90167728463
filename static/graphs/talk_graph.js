/* A talk's concept graph: the Mermaid diagram (securityLevel 'strict') and the vis-network view.
 * Data comes from the json_script named by [data-graph-views][data-payload] (graphs/services.py).
 * Clicking or hovering a concept shows its summary point in the page language and highlights the
 * point in the page's list (#point-<lang>-<n>). */
(function () {
  "use strict";

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
    var network = new vis.Network(
      container,
      { nodes: new vis.DataSet(data.network.nodes), edges: new vis.DataSet(data.network.edges) },
      data.network.options
    );
    // Physics lays the graph out, then stops so the picture holds still.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      container.dataset.settled = "true";
    });
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
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default", flowchart: { useMaxWidth: true } });
    mermaid.render("mermaid-" + data.slug + "-" + data.graphLang, data.mermaid).then(function (result) {
      target.innerHTML = result.svg; // sanitised by Mermaid (strict: DOMPurify, no scripts or click handlers)
      target.dataset.rendered = "true";
      target.querySelectorAll("g.node").forEach(function (g) {
        var match = /flowchart-(\w+)-\d+$/.exec(g.id || "");
        if (!match || !data.nodes[match[1]]) return;
        g.dataset.key = match[1];
        g.style.cursor = "pointer";
        g.addEventListener("click", function () { showConcept(root, data, match[1], true); });
      });
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
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
