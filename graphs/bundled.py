"""The concept graphs the vault's curators ship for bundled talks whose source has none (``data/graphs``).

``manifest.json`` names each ``.mmd`` file's talk, language and provenance: drafted by "Suggest a
concept graph" (``graphs.suggest``), then reviewed and edited by the curators. ``import_bundled``
puts a file on its translation (``graph_source``, with ``graph_generator`` and ``graph_origin``
recording that provenance; the text's own ``generator`` line is left alone) when that translation
has no graph and none was ever given to it. It never overwrites a graph: one that is already the
file's is left unchanged, and any other (the source's own, or a curator's later edit in the admin,
which keeps the "suggested" origin) is kept. So re-running ``setup_vault`` changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from graphs import mermaid

IMPORTED, UNCHANGED, KEPT, NO_TEXT = "imported", "unchanged", "kept", "no text"
REASON = "bundled graph: suggested, then edited by the vault's curators"


class BundledGraphProblem(ValueError):
    """A manifest entry or a file that cannot be imported; nothing is written."""


@dataclass(frozen=True)
class BundledGraph:
    file: str
    slug: str
    lang: str
    source: str  # canonical Mermaid (mermaid.serialise)
    generator: str
    origin: str


def bundled_graphs() -> Path:
    return Path(settings.BASE_DIR) / "data" / "graphs"


def load(folder: Path) -> list[BundledGraph]:
    """Every graph the manifest names, parsed; a missing or malformed one raises before any write."""
    from talks.models import GraphOrigin

    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        return []
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = dict(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BundledGraphProblem(f"{manifest_path}: not a graph manifest ({exc})") from None
    out = []
    for name, entry in sorted(entries.items()):
        path = folder / name
        try:
            slug, lang = str(entry["slug"]), str(entry["lang"])
            generator, origin = str(entry["generator"]), str(entry["origin"])
        except (KeyError, TypeError):
            raise BundledGraphProblem(
                f"{name}: the manifest entry needs slug, lang, generator and origin"
            ) from None
        if origin not in GraphOrigin.values:
            raise BundledGraphProblem(f"{name}: unknown origin {origin!r}")
        if not path.is_file():
            raise BundledGraphProblem(f"{name}: no such file in {folder}")
        try:
            graph = mermaid.parse(path.read_text(encoding="utf-8"))
        except mermaid.MermaidSyntaxError as exc:
            raise BundledGraphProblem(f"{name}: {exc}") from None
        out.append(BundledGraph(name, slug, lang, mermaid.serialise(graph), generator, origin))
    return out


def _canonical(source: str) -> str:
    try:
        return mermaid.serialise(mermaid.parse(source)) if source.strip() else ""
    except mermaid.MermaidSyntaxError:
        return source


def import_bundled(folder: Path | None = None) -> list[tuple[str, BundledGraph]]:
    """(status, graph) for each bundled graph; writes in one transaction."""
    from talks.models import GraphOrigin, TalkTranslation

    graphs = load(folder or bundled_graphs())
    results = []
    with transaction.atomic():
        for g in graphs:
            tr = (
                TalkTranslation.objects.select_related("talk")
                .filter(talk__slug=g.slug, lang=g.lang)
                .first()
            )
            if tr is None:
                results.append((NO_TEXT, g))
            elif (
                _canonical(tr.graph_source) == g.source
                and tr.graph_generator == g.generator
                and tr.graph_origin == g.origin
            ):
                results.append((UNCHANGED, g))
            elif tr.graph_source.strip() or tr.graph_origin != GraphOrigin.SOURCE:
                results.append((KEPT, g))  # the source's graph, or a curator's: never overwritten
            else:
                tr.graph_source = g.source
                tr.graph_generator = g.generator
                tr.graph_origin = g.origin
                tr._change_reason = REASON  # type: ignore[attr-defined]  # simple-history reads it
                tr.save()  # the post_save receiver derives the graph rows
                results.append((IMPORTED, g))
    return results
