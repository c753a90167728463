/* The vault-wide concept map: talks (boxes) and concepts (dots, sized by how many talks share them),
 * from the summarised graph in #vault-graph-data (graphs/vault.py). Clicking a talk opens it. */
(function () {
  "use strict";

  function init() {
    var container = document.querySelector("[data-vault-network]");
    var script = document.getElementById("vault-graph-data");
    if (!container || !script || !window.vis) return;
    var data = JSON.parse(script.textContent);
    var nodes = data.nodes.map(function (n) {
      var talk = n.kind === "talk";
      return {
        id: n.id,
        label: n.label,
        url: n.url || "",
        shape: talk ? "box" : "dot",
        size: talk ? undefined : 8 + 6 * (n.talks || 1),
        color: talk ? { background: "#dbeafe", border: "#1e3a8a" } : (n.talks > 1 ? "#f59e0b" : "#cbd5e1"),
        title: talk ? n.label : n.label + " (" + (n.talks || 1) + ")",
      };
    });
    var network = new vis.Network(
      container,
      { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(data.edges) },
      {
        interaction: { hover: true },
        physics: { solver: "forceAtlas2Based", stabilization: { iterations: 200 } },
        edges: { color: { color: "#94a3b8" }, smooth: false },
      }
    );
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      container.dataset.settled = "true";
    });
    network.on("doubleClick", function (params) {
      var node = params.nodes.length && nodes.find(function (n) { return n.id === params.nodes[0]; });
      if (node && node.url) window.location.href = node.url;
    });
    container.visNetwork = network;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
