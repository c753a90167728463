"""What the admin's curation pages need beyond the importer: a detailed preview of a parsed text,
its diff against the talk already stored, the talk a headerless text translates, and re-imports
from the stored sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphs.store import linked_points

from .importers.knowledge_vault import (
    ImportProblem,
    Metadata,
    NoTalkGiven,
    ParsedDocument,
    lint,
    parse,
)
from .importers.writer import build_preview, import_documents
from .models import (
    LANG_CODES,
    SourceDocument,
    SummaryPoint,
    Talk,
    TalkTranslation,
    TranslationKind,
)

# A suggestion needs most points to align with the same-numbered point of the other language.
MIN_ALIGNMENT = 0.5


@dataclass
class DocPreview:
    """One pasted or uploaded text as the preview page shows it."""

    filename: str
    text: str
    doc: ParsedDocument | None = None
    summary: dict = field(default_factory=dict)
    points: list = field(default_factory=list)  # ScannedPoint, with duplicate/gap flags
    problems: list[ImportProblem] = field(default_factory=list)  # nothing is written while any
    warnings: list[ImportProblem] = field(default_factory=list)  # imported without it, as a draft
    nodes: list[dict] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    diff: dict | None = None
    suggestions: list[dict] = field(default_factory=list)
    slug_override: str = ""  # a talk the curator accepted for a headerless text
    refused: bool = (
        False  # over a limit (file count or size): not read, not carried to the next step
    )

    @property
    def ok(self) -> bool:
        return self.doc is not None and not self.problems


def preview_text(text: str, filename: str, overrides: Metadata) -> DocPreview:
    """Parse ``text`` without writing: every problem with its line, graph details, diff, suggestion."""
    out = DocPreview(filename=filename, text=text)
    out.points, out.problems, out.warnings = lint(text, filename, overrides)
    try:
        out.doc = parse(text, filename, overrides)
    except ImportProblem as problem:
        if isinstance(problem, NoTalkGiven):
            out.suggestions = suggest_talks(text, filename, overrides)
        return out
    out.summary = build_preview(out.doc)
    if (
        not out.doc.meta.title
        and not TalkTranslation.objects.filter(talk__slug=out.doc.slug, lang=out.doc.lang).exists()
    ):
        # The importer would refuse it on Confirm; say so now.
        out.problems.append(
            ImportProblem("no title: the text has no header; fill in the Title field", 0, filename)
        )
    graph = out.doc.graph
    if graph is not None:
        known = set(out.doc.points)
        out.groups = [g.name for g in graph.groups]
        out.nodes = [
            {
                "key": n.key,
                "label": " ".join(n.label.split()),
                "group": n.group or "",
                "points": linked_points(n, known),
            }
            for n in graph.nodes
        ]
        out.edges = [(e.source, e.target, e.label) for e in graph.edges]
    out.diff = diff_with_stored(out.doc)
    return out


def diff_with_stored(doc: ParsedDocument) -> dict | None:
    """What importing ``doc`` would change in the stored talk (None for a new talk or language)."""
    talk = Talk.objects.filter(slug=doc.slug).first()
    tr = talk.translation(doc.lang) if talk else None
    if tr is None:
        return None
    stored = dict(
        SummaryPoint.objects.filter(talk=talk, lang=doc.lang).values_list("number", "text")
    )
    changed = [
        {"number": n, "old": stored[n], "new": doc.points[n]}
        for n in sorted(set(stored) & set(doc.points))
        if stored[n] != doc.points[n]
    ]
    return {
        "title": (tr.title, doc.meta.title)
        if doc.meta.title and doc.meta.title != tr.title
        else None,
        "added": sorted(set(doc.points) - set(stored)),
        "removed": sorted(set(stored) - set(doc.points)),
        "changed": changed,
        "graph_changed": tr.graph_source.strip() != doc.graph_source.strip(),
        "graph_counts": _graph_counts_change(tr.talk, doc),
        "unchanged": not changed
        and set(stored) == set(doc.points)
        and tr.graph_source.strip() == doc.graph_source.strip(),
    }


def _graph_counts_change(talk: Talk, doc: ParsedDocument) -> dict:
    """``{"nodes": (stored, new), "edges": (stored, new)}`` for the preview's diff."""
    from graphs.models import ConceptGraph

    stored = ConceptGraph.objects.filter(talk=talk, lang=doc.lang).first()
    old = (stored.nodes.count(), stored.edges.count()) if stored else (0, 0)
    new = (len(doc.graph.nodes), len(doc.graph.edges)) if doc.graph else (0, 0)
    return {"nodes": (old[0], new[0]), "edges": (old[1], new[1])}


def suggest_talks(text: str, filename: str, overrides: Metadata, limit: int = 3) -> list[dict]:
    """Talks a headerless text may translate, best first: ``[{slug, title, lang, aligned, similarity}]``.

    Each of the text's points is matched to its nearest point of the talk in the other language by
    the multilingual USE embeddings (the search index's stored vectors where present); ``aligned`` is
    the share of points whose nearest neighbour has the same number.
    """
    placeholder = Metadata(slug="-").merged_with(overrides)
    if not placeholder.lang:
        from search.analyzer import guess_language

        try:
            parse(text, filename, placeholder)
        except ImportProblem as problem:
            if problem.message.startswith("unknown language"):
                placeholder.lang = guess_language(text)
    try:
        doc = parse(text, filename, placeholder)
    except ImportProblem:
        return []
    lang = doc.lang
    numbers = sorted(doc.points)
    from search.entries import encode_cached

    query = encode_cached("use", [doc.points[n] for n in numbers], lang)
    others = [code for code in LANG_CODES if code != lang]
    candidates = (
        Talk.objects.exclude(kind=Talk.Kind.DISCUSSION)
        .filter(points__lang__in=others)
        .exclude(translations__lang=lang)
        .distinct()
        .prefetch_related("translations")
    )
    found: list[dict[str, Any]] = []
    for talk in candidates:
        rows = list(
            SummaryPoint.objects.filter(talk=talk, lang__in=others)
            .order_by("number")
            .values_list("number", "text", "lang")
        )
        if not rows:
            continue
        vectors = encode_cached("use", [r[1] for r in rows], rows[0][2])
        sims = query @ vectors.T  # [n_query, n_talk]
        nearest = sims.argmax(axis=1)
        aligned = float(np.mean([rows[j][0] == n for n, j in zip(numbers, nearest, strict=True)]))
        found.append(
            {
                "slug": talk.slug,
                "title": talk.title_in(lang),
                "lang": lang,
                "aligned": aligned,
                "similarity": float(sims.max(axis=1).mean()),
            }
        )
    found.sort(key=lambda s: (s["aligned"], s["similarity"]), reverse=True)
    return [s for s in found if s["aligned"] >= MIN_ALIGNMENT][:limit]


def reimport_from_source(talks, user=None) -> list:
    """Parse each translation's latest stored source again and rewrite it (undoing edits by hand)."""
    docs = []
    for talk in talks:
        for tr in talk.translations.all():
            if tr.translation_kind == TranslationKind.CURATORS:
                continue  # made in the workbench: it has no stored source of its own
            source = (
                tr.source
                or SourceDocument.objects.filter(talk=talk, lang=tr.lang)
                .order_by("-imported_at")
                .first()
            )
            if source is None:
                continue
            defaults = Metadata(
                slug=talk.slug,
                lang=tr.lang,
                kind=talk.kind,
                title=tr.title,
                subject=talk.subject,
                related_talk=talk.related_talk.slug if talk.related_talk_id else "",
                attribution=tr.attribution,
                translation=tr.translation_kind,
                translated_from=tr.translated_from,
            )
            docs.append(parse(source.raw_text, source.filename, defaults))
    return import_documents(docs, user=user, force=True) if docs else []
