"""Follow the importer: store each imported translation's concept graph; add graph counts to previews.

Connected in ``GraphsConfig.ready``. A graph that does not parse raises ``ImportProblem`` naming the
file line, which rolls the whole import back (the importer's transaction is atomic).
"""

from __future__ import annotations

import logging

from graphs import mermaid
from graphs.store import linked_points, replace_graph
from talks.importers.knowledge_vault import ImportProblem, ParsedDocument
from vault import sql


def parse_document_graph(parsed: ParsedDocument) -> mermaid.Graph | None:
    """The document's graph, or None when it has none; syntax errors become ``ImportProblem``."""
    if not parsed.graph_source:
        return None
    graph = parsed.graph  # parsed by the importer already
    if graph is None:
        try:
            graph = mermaid.parse(parsed.graph_source)
        except mermaid.MermaidSyntaxError as exc:
            line = (parsed.graph_line or 1) + exc.line - 1
            raise ImportProblem(f"concept graph: {exc}", line, parsed.filename) from None
    _check_fits(graph, parsed)
    return graph


def _check_fits(graph: mermaid.Graph, parsed: ParsedDocument) -> None:
    """Node ids, class names and styles longer than their columns are refused before anything is written
    (PostgreSQL would raise a DataError; SQLite would store them whole)."""
    from graphs.models import ConceptGroup, ConceptNode

    limits = (
        ("node id", ConceptNode, "key", [n.key for n in graph.nodes]),
        ("class name", ConceptGroup, "name", [g.name for g in graph.groups]),
        ("class style", ConceptGroup, "style", [g.style for g in graph.groups]),
    )
    for what, model, field, values in limits:
        limit = sql.max_length(model, field)
        for value in values:
            if len(value) > limit:
                raise ImportProblem(
                    f"concept graph: a {what} is {len(value)} characters long (at most {limit}): {value[:40]!r}…",
                    parsed.graph_line,
                    parsed.filename,
                )


def on_translation_imported(
    sender, talk, lang: str, translation, parsed: ParsedDocument, **kwargs
) -> None:
    replace_graph(talk, lang, parse_document_graph(parsed), known_points=parsed.points.keys())


log = logging.getLogger(__name__)


def sync_translation(translation) -> bool:
    """Re-derive a translation's stored graph from its ``graph_source`` (after an edit or an upgrade).

    Returns False, keeping the stored graph, when the source does not parse (forms validate it
    first through ``TalkTranslation.clean``).
    """
    try:
        graph = (
            mermaid.parse(translation.graph_source) if translation.graph_source.strip() else None
        )
    except mermaid.MermaidSyntaxError as exc:
        log.warning("graph of %s not updated: %s", translation, exc)
        return False
    known = translation.talk.points.filter(lang=translation.lang).values_list("number", flat=True)
    replace_graph(translation.talk, translation.lang, graph, known_points=list(known))
    return True


def on_translation_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """An edited translation (admin, ORM) gets its graph rows rebuilt from its source."""
    if not raw:
        sync_translation(instance)


def graph_counts(graph: mermaid.Graph, known_points) -> dict:
    known = set(known_points)
    return {
        "nodes": len(graph.nodes),
        "edges": len(graph.edges),
        "groups": len(graph.groups),
        "point_links": sum(1 for n in graph.nodes if linked_points(n, known)),
    }


def on_preview_built(sender, parsed: ParsedDocument, preview: dict, **kwargs) -> None:
    """Add ``preview["graph"] = {lang: {nodes, edges, groups, point_links}}`` (``{lang: None}`` if none).

    A graph that does not parse is reported as ``{lang: {"error": "...", "line": n}}`` so a dry run
    lists every problem instead of stopping at the first.
    """
    try:
        graph = parse_document_graph(parsed)
    except ImportProblem as problem:
        preview["graph"] = {parsed.lang: {"error": problem.message, "line": problem.line}}
        return
    preview["graph"] = {parsed.lang: graph_counts(graph, parsed.points.keys()) if graph else None}
