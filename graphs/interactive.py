"""The interactive view: a networkx concept graph laid out by vis-network, with the data built by pyvis.

pyvis (0.3.2) turns the networkx graph into vis-network node and edge dicts. Its HTML pages link
vis-network and Bootstrap from CDNs in every ``cdn_resources`` mode, so the app never serves them:
pages load the vendored ``static/vendor/vis-network/vis-network.min.js`` and call ``new vis.Network``
with :func:`network_payload`'s JSON, and :func:`standalone_html` (used by ``bench/graph_bench.py``)
strips pyvis's remote ``<script>``/``<link>`` tags and points at the vendored file instead.

Nodes are coloured by group (the classDef ``fill``) and sized by degree; physics (Barnes-Hut) runs a
bounded stabilisation and the page turns it off once settled, so the layout stops moving.
"""

from __future__ import annotations

import json
import re

import networkx as nx
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

NODE_SIZE_BASE = 12
NODE_SIZE_PER_DEGREE = 4
NODE_SIZE_MAX = 48
DEFAULT_FILL = "#e2e8f0"
STABILISATION_ITERATIONS = 250
_SAFE_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}")
_REMOTE_TAG = re.compile(
    r"<script[^>]{0,400}src=\"https?://[^\"]{0,400}\"[^>]{0,400}>\s{0,20}</script>"
    r"|<link(?:\s{1,20}[^>]{0,400})?href=\"https?://[^\"]{0,400}\"[^>]{0,400}/?>",
)

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


def build_network(g: nx.DiGraph, fills: dict[str, str] | None = None) -> Network:
    """A pyvis ``Network`` for the concept graph ``g`` (see ``graphs.analysis.to_networkx``).

    ``fills`` maps group name -> classDef fill colour. Node ids are the Mermaid keys; each node dict
    carries ``points`` and ``category`` (its group) for the page script. Nodes and edges are pyvis
    ``Node``/``Edge`` objects appended directly: ``Network.add_node``/``add_edge`` search Python lists
    for duplicates on every call, which made 30,000 nodes take minutes (quadratic); networkx already
    guarantees unique nodes, so this stays linear.
    """
    fills = fills or {}
    net = Network(directed=True, cdn_resources="remote", height="100%", width="100%")
    for key, data in g.nodes(data=True):
        fill = safe_colour(fills.get(data["group"], ""))
        node = Node(
            key,
            "dot",
            label=data["title"] or key,
            title=f"{key}: {data['title']}",
            color={
                "background": fill,
                "border": "#475569",
                "highlight": {"background": fill, "border": "#0f172a"},
            },
            size=node_size(g.degree(key)),
            category=data["group"],
            points=data["points"],
        )
        net.nodes.append(node.options)
        net.node_ids.append(key)
        net.node_map[key] = node.options
    for source, target, data in g.edges(data=True):
        options = {"label": data["label"]} if data.get("label") else {}
        net.edges.append(Edge(source, target, directed=True, **options).options)
    return net


def network_payload(net: Network) -> dict:
    """``{"nodes", "edges", "options"}`` for ``new vis.Network(container, data, options)``."""
    nodes = [{k: v for k, v in n.items() if v is not None} for n in net.nodes]
    edges = [{k: v for k, v in e.items() if v is not None} for e in net.edges]
    return {"nodes": nodes, "edges": edges, "options": OPTIONS}


def standalone_html(net: Network, vis_js_url: str) -> str:
    """pyvis's own HTML page, with every CDN tag removed and the vendored vis-network linked instead."""
    net.set_options(json.dumps(OPTIONS))
    html = _REMOTE_TAG.sub("", net.generate_html())
    return html.replace("<head>", f'<head>\n<script src="{vis_js_url}"></script>', 1)
