"""networkx views of a concept graph: the graph itself, centrality metrics, GraphML and node-link exports.

Pure Python over ``graphs.mermaid.Graph`` (no Django import), so the benchmark and the API share it.
Betweenness is computed on the undirected graph (Brandes' algorithm, O(V·E)): a concept that bridges
two branches of the talk scores high whichever way the Mermaid arrows point.
"""

from __future__ import annotations

import io
import json

import networkx as nx

from graphs import mermaid

TOP_CONCEPTS = 5


def to_networkx(graph: mermaid.Graph) -> nx.DiGraph:
    """Nodes keyed by Mermaid key with ``label``, ``title``, ``group``, ``points``, ``shape``; edges in order."""
    g = nx.DiGraph(direction=graph.direction)
    for order, node in enumerate(graph.nodes):
        g.add_node(
            node.key,
            label=node.label,
            title=node.title,
            group=node.group or "",
            points=list(node.points),
            shape=node.shape,
            order=order,
        )
    for edge in graph.edges:
        g.add_edge(edge.source, edge.target, label=edge.label, style=edge.style)
    return g


def centrality(g: nx.DiGraph, top: int = TOP_CONCEPTS) -> dict[str, list[dict]]:
    """The ``top`` concepts by betweenness and by degree: ``[{key, title, score}]``, highest first.

    Scores are computed on the whole graph, but only nodes citing a summary point are ranked when the
    graph has any: the root node names the talk itself, not one of its concepts.
    """
    undirected = g.to_undirected(as_view=True)
    betweenness = nx.betweenness_centrality(undirected, normalized=True) if len(g) > 2 else {}
    degree = dict(undirected.degree())
    concepts = [k for k, data in g.nodes(data=True) if data["points"]]
    if concepts:
        betweenness = {k: betweenness.get(k, 0.0) for k in concepts}
        degree = {k: degree[k] for k in concepts}

    def ranked(scores: dict, digits: int) -> list[dict]:
        order = sorted(scores, key=lambda k: (-scores[k], g.nodes[k]["order"]))[:top]
        return [
            {"key": k, "title": g.nodes[k]["title"], "score": round(scores[k], digits)}
            for k in order
        ]

    return {"betweenness": ranked(betweenness, 3), "degree": ranked(degree, 0)}


def _flat(g: nx.DiGraph) -> nx.DiGraph:
    """A copy whose attributes GraphML can hold (no lists): points become ``"2,3"``."""
    flat = g.copy()
    for _key, data in flat.nodes(data=True):
        data["points"] = ",".join(map(str, data["points"]))
    return flat


def graphml(g: nx.DiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(_flat(g), buffer, encoding="utf-8")
    return buffer.getvalue()


def node_link_json(g: nx.DiGraph) -> str:
    return json.dumps(nx.node_link_data(g, edges="links"), ensure_ascii=False, indent=1)
