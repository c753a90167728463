"""A small, static drawing of the vault-wide concept map for the front page (no JavaScript needed).

:func:`layout` places the nodes of :func:`graphs.concept_map.summarise`'s output with a seeded
force-directed layout (networkx's Fruchterman-Reingold), so the same vault always gives the same
picture, and scales it into an SVG ``viewBox``. Only the most connected nodes are kept
(``MAX_NODES``): a thumbnail is a glimpse, the full map is one click away. No Django import here.
"""

from __future__ import annotations

import math

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


def _unit_layout(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions of one connected graph, scaled into the unit square."""
    if len(g) == 1:
        return {next(iter(g)): (0.5, 0.5)}
    pos = nx.spring_layout(g, seed=SEED)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {k: ((x - min(xs)) / span_x, (y - min(ys)) / span_y) for k, (x, y) in pos.items()}


def _packed_layout(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own, the components in a grid (largest first).

    A force layout of the whole graph pushes unconnected parts to the far corners; a grid keeps
    every part readable at thumbnail size.
    """
    parts = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    big = [p for p in parts if len(p) > 1]
    singles = sorted(n for p in parts if len(p) == 1 for n in p)
    cells: list[tuple[set[str], bool]] = [(p, False) for p in big]
    if singles:
        cells.append((set(singles), True))
    cols = math.ceil(math.sqrt(len(cells)))
    rows = math.ceil(len(cells) / cols)
    cell_w = (WIDTH - 2 * MARGIN) / cols
    cell_h = (HEIGHT - 2 * MARGIN) / rows
    placed: dict[str, tuple[float, float]] = {}
    for i, (cell, loose) in enumerate(cells):
        if loose:  # the nodes with no edge: a row across their cell
            unit = {n: ((j + 0.5) / len(cell), 0.5) for j, n in enumerate(sorted(cell))}
        else:
            unit = _unit_layout(g.subgraph(cell))
        col, row = i % cols, i // cols
        pad = 0.08
        for key, (x, y) in unit.items():
            placed[key] = (
                round(MARGIN + (col + pad + x * (1 - 2 * pad)) * cell_w, 1),
                round(MARGIN + (row + pad + y * (1 - 2 * pad)) * cell_h, 1),
            )
    return placed


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
    placed = _packed_layout(g)
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
