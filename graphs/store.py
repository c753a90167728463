"""Write a parsed concept graph into rows, replacing the talk-language's previous graph.

Called inside the importer's transaction (``translation_imported``), so the deletes and the inserts
commit together with the talk's points: a reader sees the old graph or the new one, never a mix.

The importer sends one signal per document, so this runs once per graph, and thousands of graphs
are imported at a time (``bench/import_bench.py``): rows are written with one multi-row
``INSERT … RETURNING id`` per table instead of ORM ``create``/``bulk_create``, whose per-object and
per-query overhead dominated the import (``vault/sql.py``). Five queries per new graph, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from graphs import mermaid
from graphs.models import ConceptEdge, ConceptGraph, ConceptGroup, ConceptNode
from talks.models import Talk
from vault import sql


def linked_points(node: mermaid.Node, known: Iterable[int] | None) -> list[int]:
    """The points ``node`` cites that exist (all it cites when ``known`` is None)."""
    return _linked(mermaid.split_points(node.label)[1], None if known is None else set(known))


def _linked(cited: tuple[int, ...], known: set[int] | None) -> list[int]:
    return list(cited) if known is None else [n for n in cited if n in known]


def delete_graph(talk: Talk, lang: str) -> None:
    """Delete the graph's rows, children first, with plain SQL (no ORM cascade collection)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')} FROM {quote(ConceptGraph._meta.db_table)} WHERE talk_id = %s AND lang = %s",
            [talk.pk, lang],
        )
        graph_ids = [r[0] for r in cursor.fetchall()]
        for graph_id in graph_ids:
            for model in (ConceptEdge, ConceptNode, ConceptGroup):
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} WHERE graph_id = %s",
                    [graph_id],
                )
            cursor.execute(
                f"DELETE FROM {quote(ConceptGraph._meta.db_table)} WHERE {quote('id')} = %s",
                [graph_id],
            )


def replace_graph(
    talk: Talk,
    lang: str,
    graph: mermaid.Graph | None,
    known_points: Iterable[int] | None,
) -> ConceptGraph | None:
    """Replace ``talk``'s graph in ``lang`` by ``graph`` (``None`` deletes it). Constant query count."""
    delete_graph(talk, lang)
    if graph is None:
        return None
    known = set(known_points) if known_points is not None else None
    (graph_id,) = sql.insert(
        ConceptGraph,
        ["talk", "lang", "direction", "source", "created_at"],
        [(talk.pk, lang, graph.direction, mermaid.serialise(graph), timezone.now())],
        returning=True,
    )
    group_ids = dict(
        zip(
            [g.name for g in graph.groups],
            sql.insert(
                ConceptGroup,
                ["graph", "order", "name", "style"],
                [(graph_id, i, g.name, g.style) for i, g in enumerate(graph.groups)],
                returning=True,
            ),
            strict=True,
        )
    )
    nodes = []
    for i, node in enumerate(graph.nodes):
        # Split once per node (not node.title + node.points): this is the import's hot loop.
        title, cited = mermaid.split_points(node.label)
        points = _linked(cited, known)
        group = group_ids.get(node.group) if node.group else None
        first = points[0] if points else None
        nodes.append((graph_id, i, node.key, node.label, title, node.shape, group, points, first))
    columns = [
        "graph",
        "order",
        "key",
        "label",
        "title",
        "shape",
        "group",
        "points",
        "point",
    ]
    node_ids = dict(
        zip(
            [n.key for n in graph.nodes],
            sql.insert(ConceptNode, columns, nodes, returning=True),
            strict=True,
        )
    )
    sql.insert(
        ConceptEdge,
        ["graph", "order", "source", "target", "label", "style"],
        [
            (
                graph_id,
                i,
                node_ids[e.source],
                node_ids[e.target],
                e.label[:500],
                e.style,
            )
            for i, e in enumerate(graph.edges)
        ],
    )
    return ConceptGraph(pk=graph_id, talk=talk, lang=lang, direction=graph.direction)
