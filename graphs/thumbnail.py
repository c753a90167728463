"""A small, static drawing of the vault-wide concept map for the front page (no JavaScript needed).

:func:`layout` places the nodes of :func:`graphs.concept_map.summarise`'s output with a seeded
force-directed layout (networkx's Fruchterman-Reingold), so the same vault always gives the same
picture, and scales it into an SVG ``viewBox``. Only the most connected nodes are kept
(``MAX_NODES``): a thumbnail is a glimpse, the full map is one click away. No Django import here.
"""

from __future__ import annotations

import networkx as nx

WIDTH = 640
HEIGHT = 360
MARGIN = 18
MAX_NODES = 80
SEED = 7
TALK_RADIUS = 7.0
CONCEPT_RADIUS = 3.0
CONCEPT_RADIUS_PER_TALK = 1.5
MAX_RADIUS = 12.0


def _radius(node: dict) -> float:
    if node.get("kind") == "talk":
        return TALK_RADIUS
    return min(MAX_RADIUS, CONCEPT_RADIUS + CONCEPT_RADIUS_PER_TALK * int(node.get("talks") or 1))


def layout(summary: dict, max_nodes: int = MAX_NODES) -> dict:
    """``{"width", "height", "nodes": [{id, kind, label, url, talks, x, y, r}], "edges": [{x1, y1, x2, y2}]}``."""
    nodes = sorted(summary.get("nodes", []), key=lambda n: (-int(n.get("degree") or 0), n["id"]))
    kept = {n["id"]: n for n in nodes[:max_nodes]}
    g = nx.Graph()
    g.add_nodes_from(sorted(kept))
    g.add_edges_from(
        (e["from"], e["to"])
        for e in summary.get("edges", [])
        if e["from"] in kept and e["to"] in kept
    )
    out: dict = {"width": WIDTH, "height": HEIGHT, "nodes": [], "edges": []}
    if not g:
        return out
    pos = nx.spring_layout(g, seed=SEED) if len(g) > 1 else {next(iter(g)): (0.0, 0.0)}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def place(key: str) -> tuple[float, float]:
        x, y = pos[key]
        return (
            round(MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 1),
            round(MARGIN + (y - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1),
        )

    placed = {key: place(key) for key in g}
    for a, b in sorted(g.edges):
        (x1, y1), (x2, y2) = placed[a], placed[b]
        out["edges"].append({"x1": x1, "y1": y1, "x2": x2, "y2": y2})
    for key in sorted(g, key=lambda k: kept[k].get("kind") == "talk"):  # talks drawn on top
        node = kept[key]
        x, y = placed[key]
        out["nodes"].append(
            {
                "id": key,
                "kind": node.get("kind", "concept"),
                "label": node.get("label", key),
                "url": node.get("url", ""),
                "talks": int(node.get("talks") or 0),
                "x": x,
                "y": y,
                "r": _radius(node),
            }
        )
    return out
