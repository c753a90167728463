"""The interactive view: a networkx concept graph as vis-network node and edge dicts, laid out in the page.

The pages load the vendored ``static/vendor/vis-network/vis-network.min.js`` and call
``new vis.Network`` with :func:`network_payload`'s JSON; :func:`standalone_html` (used by
``bench/graph_bench.py`` to weigh a page) writes the same data into one HTML file that links the
vendored script, never a CDN. The dicts follow vis-network's DataSet format (``id``, ``label``,
``title``, ``shape``, ``color``, ``size``; ``from``, ``to``, ``arrows``), built directly from networkx:
no wrapper library (pyvis, which did this before, pulls IPython into a production install and scans
Python lists on every ``add_node``, quadratic at 30,000 nodes).

Nodes are coloured by group (the classDef ``fill``) and sized by degree; physics (Barnes-Hut) runs a
bounded stabilisation and the page turns it off once settled, so the layout stops moving.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

NODE_SIZE_BASE = 12
NODE_SIZE_PER_DEGREE = 4
NODE_SIZE_MAX = 48
DEFAULT_FILL = "#e2e8f0"
STABILISATION_ITERATIONS = 250
_SAFE_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}")

OPTIONS: dict = {
    "autoResize": True,
    "interaction": {
        "hover": True,
        "tooltipDelay": 150,
        "navigationButtons": False,
        "keyboard": True,
    },
    "nodes": {
        "shape": "dot",
        "font": {"size": 14, "face": "system-ui, sans-serif", "multi": False},
    },
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#94a3b8"},
        "smooth": False,
    },
    "physics": {
        "solver": "barnesHut",
        "barnesHut": {
            "gravitationalConstant": -6000,
            "springLength": 120,
            "springConstant": 0.04,
            "damping": 0.3,
        },
        "stabilization": {
            "enabled": True,
            "iterations": STABILISATION_ITERATIONS,
            "fit": True,
        },
    },
}


def safe_colour(value: str, default: str = DEFAULT_FILL) -> str:
    """A CSS colour we can put in a style attribute (classDef text is user data)."""
    return value if _SAFE_COLOUR.fullmatch(value or "") else default


def node_size(degree: int) -> int:
    return min(NODE_SIZE_MAX, NODE_SIZE_BASE + NODE_SIZE_PER_DEGREE * degree)


@dataclass
class Network:
    """vis-network's data: node and edge dicts, in the graph's order."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


def build_network(g: nx.DiGraph, fills: dict[str, str] | None = None) -> Network:
    """The vis-network data for the concept graph ``g`` (see ``graphs.analysis.to_networkx``).

    ``fills`` maps group name -> classDef fill colour. Node ids are the Mermaid keys; each node dict
    carries ``points`` and ``category`` (its group) for the page script. networkx already guarantees
    unique nodes, so this is one pass over nodes and edges (linear).
    """
    fills = fills or {}
    net = Network()
    for key, data in g.nodes(data=True):
        fill = safe_colour(fills.get(data["group"], ""))
        net.nodes.append(
            {
                "id": key,
                "label": data["title"] or key,
                "shape": "dot",
                "title": f"{key}: {data['title']}",
                "color": {
                    "background": fill,
                    "border": "#475569",
                    "highlight": {"background": fill, "border": "#0f172a"},
                },
                "size": node_size(g.degree(key)),
                "category": data["group"],
                "points": data["points"],
            }
        )
    for source, target, data in g.edges(data=True):
        edge: dict[str, Any] = {"from": source, "to": target, "arrows": "to"}
        if data.get("label"):
            edge["label"] = data["label"]
        net.edges.append(edge)
    return net


def network_payload(net: Network) -> dict:
    """``{"nodes", "edges", "options"}`` for ``new vis.Network(container, data, options)``."""
    return {"nodes": net.nodes, "edges": net.edges, "options": OPTIONS}


def _script_json(value: Any) -> str:
    """JSON that cannot close the ``<script>`` element it is written into (labels are user data)."""
    return (
        json.dumps(value, indent=1)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def standalone_html(net: Network, vis_js_url: str) -> str:
    """One HTML page drawing ``net`` with the vis-network script at ``vis_js_url`` (no CDN)."""
    payload = network_payload(net)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<script src="{vis_js_url}"></script>
<style>html, body, #graph {{ height: 100%; margin: 0; }}</style>
</head>
<body>
<div id="graph"></div>
<script>
  const data = {_script_json({"nodes": payload["nodes"], "edges": payload["edges"]})};
  const options = {_script_json(payload["options"])};
  new vis.Network(document.getElementById("graph"), {{
    nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)
  }}, options);
</script>
</body>
</html>
"""
