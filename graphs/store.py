"""Write a parsed concept graph into rows, replacing the talk-language's previous graph.

Called inside the importer's transaction (``translation_imported``), so the delete and the inserts
commit together with the talk's points: a reader sees the old graph or the new one, never a mix.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphs import mermaid
from graphs.models import ConceptEdge, ConceptGraph, ConceptGroup, ConceptNode
from talks.models import Talk


def linked_points(node: mermaid.Node, known: Iterable[int] | None) -> list[int]:
    """The points ``node`` cites that exist (all it cites when ``known`` is None)."""
    cited = node.points
    if known is None:
        return list(cited)
    known = set(known)
    return [n for n in cited if n in known]


def replace_graph(
    talk: Talk,
    lang: str,
    graph: mermaid.Graph | None,
    known_points: Iterable[int] | None,
) -> ConceptGraph | None:
    """Replace ``talk``'s graph in ``lang`` by ``graph`` (``None`` deletes it). Constant query count."""
    ConceptGraph.objects.filter(talk=talk, lang=lang).delete()
    if graph is None:
        return None
    known = set(known_points) if known_points is not None else None
    row = ConceptGraph.objects.create(
        talk=talk, lang=lang, direction=graph.direction, source=mermaid.serialise(graph)
    )
    groups = ConceptGroup.objects.bulk_create(
        ConceptGroup(graph=row, order=i, name=g.name, style=g.style)
        for i, g in enumerate(graph.groups)
    )
    group_by_name = {g.name: g for g in groups}
    nodes = []
    for i, node in enumerate(graph.nodes):
        points = linked_points(node, known)
        nodes.append(
            ConceptNode(
                graph=row,
                order=i,
                key=node.key,
                label=node.label,
                title=node.title,
                shape=node.shape,
                group=group_by_name.get(node.group) if node.group else None,
                points=points,
                point=points[0] if points else None,
            )
        )
    nodes = ConceptNode.objects.bulk_create(nodes)
    node_by_key = {n.key: n for n in nodes}
    ConceptEdge.objects.bulk_create(
        ConceptEdge(
            graph=row,
            order=i,
            source=node_by_key[e.source],
            target=node_by_key[e.target],
            label=e.label[:500],
            style=e.style,
        )
        for i, e in enumerate(graph.edges)
    )
    return row
