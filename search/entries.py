"""Keep ``IndexEntry`` rows in step with summary points and concept-graph labels.

For each point: one entry for its text, plus one per concept-graph node (of the same talk and
language) whose label cites the point. Entries whose text is unchanged keep their vectors; the rest
are encoded in batches by every model in ``embedders.DEFAULT_MODELS``. Vectors are also kept in a
small on-disk cache keyed by (model, SHA-256 of the text), so re-importing a talk, rebuilding the
index or setting up a test database does not load the models at all when the texts were seen before.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction

from talks.models import SummaryPoint, TalkTranslation

from . import analyzer, embedders
from .models import IndexEntry

log = logging.getLogger(__name__)

#: Points encoded per batch by ``rebuild`` (bounds memory and gives the progress bar its steps).
REBUILD_BATCH = 128
_CACHE_LOCK = threading.Lock()


def checksum(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def entry_checksum(body: str) -> str:
    """An entry's checksum: its indexed text under the current model set (``embedders.models_key``).

    Adding, removing or upgrading a model changes every checksum, so ``rebuild_search_index``
    re-encodes every entry (each model's vectors still come from the disk cache when it has them).
    """
    return checksum(f"{embedders.models_key()}\n{body}")


# --- on-disk embedding cache ------------------------------------------------------------------------


def _cache_path() -> Path:
    """``settings.SEARCH_EMBEDDING_CACHE``, else ``var/search-embeddings.sqlite3``."""
    path = getattr(settings, "SEARCH_EMBEDDING_CACHE", "")
    return Path(path) if path else Path(settings.VAR_DIR) / "search-embeddings.sqlite3"


def _cache_connect() -> sqlite3.Connection:
    conn = sqlite3.connect(_cache_path(), timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS vec (model TEXT, sha TEXT, v BLOB, PRIMARY KEY (model, sha))"
    )
    return conn


def encode_cached(model: str, texts: Sequence[str], lang: str = "en") -> np.ndarray:
    """Passage vectors for ``texts`` (float32[n, d]), from the disk cache where possible.

    Cached under the model's version key (``Embedder.key``): another version never reads them.
    """
    key = embedders.get(model).key
    shas = [checksum(t) for t in texts]
    found: dict[str, np.ndarray] = {}
    with _CACHE_LOCK:
        conn = _cache_connect()
        try:
            for i in range(0, len(shas), 500):
                chunk = shas[i : i + 500]
                q = f"SELECT sha, v FROM vec WHERE model=? AND sha IN ({','.join('?' * len(chunk))})"
                for sha, blob in conn.execute(q, [key, *chunk]):
                    found[sha] = np.frombuffer(blob, dtype=np.float32)
        finally:
            conn.close()
    missing = [i for i, s in enumerate(shas) if s not in found]
    if missing:
        vecs = embedders.encode([texts[i] for i in missing], lang, model=model)
        with _CACHE_LOCK:
            conn = _cache_connect()
            try:
                with conn:
                    conn.executemany(
                        "INSERT OR REPLACE INTO vec VALUES (?, ?, ?)",
                        [(key, shas[i], v.tobytes()) for i, v in zip(missing, vecs, strict=True)],
                    )
            finally:
                conn.close()
        for i, v in zip(missing, vecs, strict=True):
            found[shas[i]] = v
    dim = embedders.get(model).dim
    return np.vstack([found[s] for s in shas]) if shas else np.zeros((0, dim), np.float32)


# --- which texts each point contributes -------------------------------------------------------------


def _node_labels(graph_source: str) -> dict[int, list[tuple[str, str]]]:
    """Point number -> [(node key, label title)] for a translation's concept graph ('' -> {})."""
    if not graph_source.strip():
        return {}
    try:
        from graphs import mermaid
    except ImportError:  # the graphs app is optional for search
        return {}
    try:
        graph = mermaid.parse(graph_source)
    except ValueError as exc:  # a broken graph must not block indexing the points
        log.warning("search: concept graph not indexed: %s", exc)
        return {}
    out: dict[int, list[tuple[str, str]]] = {}
    for node in graph.nodes:
        title = " ".join(node.title.split())
        for number in node.points:
            if title:
                out.setdefault(number, []).append((node.key, title))
    return out


def _acronyms(points: list[SummaryPoint]) -> dict[tuple[int, str], dict[str, str]]:
    """(talk id, lang) -> short forms defined anywhere in that translation's points."""
    talks = {p.talk_id for p in points}
    bodies: dict[tuple[int, str], list[str]] = {}
    for talk_id, lang, body in (
        SummaryPoint.objects.filter(talk_id__in=talks)
        .order_by("number")
        .values_list("talk_id", "lang", "text")
    ):
        bodies.setdefault((talk_id, lang), []).append(body)
    return {k: analyzer.acronyms(v) for k, v in bodies.items()}


def wanted_entries(
    points: Iterable[SummaryPoint],
) -> list[tuple[SummaryPoint, str, str, str]]:
    """(point, kind, node_key, text) for every entry these points should have.

    The text is what gets embedded and matched: the point's (or label's) words, with short forms
    defined elsewhere in the same translation followed by their long form ("Truncated BPTT
    (Back-propagation through time)"; ``search.analyzer.expand_acronyms``).
    """
    points = list(points)
    graphs = {
        (t.talk_id, t.lang): _node_labels(t.graph_source)
        for t in TalkTranslation.objects.filter(talk_id__in={p.talk_id for p in points}).only(
            "talk_id", "lang", "graph_source"
        )
    }
    known = _acronyms(points)
    out: list[tuple[SummaryPoint, str, str, str]] = []
    for p in points:
        acr = known.get((p.talk_id, p.lang), {})
        out.append((p, IndexEntry.Kind.POINT, "", analyzer.expand_acronyms(p.text, acr)))
        for key, label in graphs.get((p.talk_id, p.lang), {}).get(p.number, []):
            out.append((p, IndexEntry.Kind.NODE, key, analyzer.expand_acronyms(label, acr)))
    return out


# --- writing entries --------------------------------------------------------------------------------


def index_points(point_ids: Iterable[int]) -> int:
    """Bring the entries of these points up to date; returns how many entries were (re)encoded."""
    points = list(SummaryPoint.objects.filter(pk__in=list(point_ids)))
    if not points:
        return 0
    wanted = wanted_entries(points)
    existing = {
        (e.point_id, e.kind, e.node_key): e
        for e in IndexEntry.objects.filter(point__in=points).only(
            "id", "point_id", "kind", "node_key", "checksum"
        )
    }
    todo = [
        w
        for w in wanted
        if (e := existing.get((w[0].pk, w[1], w[2]))) is None or e.checksum != entry_checksum(w[3])
    ]
    keep = {(w[0].pk, w[1], w[2]) for w in wanted}
    stale = [e.pk for k, e in existing.items() if k not in keep]

    vectors = {}
    if todo:
        texts = [w[3] for w in todo]
        # The packaged models take either language; the first point's language is a fine hint.
        vectors = {m: encode_cached(m, texts, todo[0][0].lang) for m in embedders.DEFAULT_MODELS}
    with transaction.atomic():
        if stale:
            IndexEntry.objects.filter(pk__in=stale).delete()
        for i, (point, kind, key, body) in enumerate(todo):
            IndexEntry.objects.update_or_create(
                point=point,
                kind=kind,
                node_key=key,
                defaults={
                    "text": body,
                    "terms": " ".join(analyzer.terms(body)),
                    "checksum": entry_checksum(body),
                    **{m: vectors[m][i].tobytes() for m in embedders.DEFAULT_MODELS},
                },
            )
    return len(todo)


def index_translation(talk_id: int, lang: str) -> int:
    ids = SummaryPoint.objects.filter(talk_id=talk_id, lang=lang).values_list("pk", flat=True)
    return index_points(list(ids))


def rebuild(
    on_batch: Callable[[int], None] | None = None, batch: int = REBUILD_BATCH
) -> dict[str, int]:
    """Index every point (unchanged entries are skipped). ``on_batch(n_points_done)`` reports progress."""
    ids = list(SummaryPoint.objects.order_by("pk").values_list("pk", flat=True))
    encoded = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        encoded += index_points(chunk)
        if on_batch:
            on_batch(len(chunk))
    return {
        "points": len(ids),
        "encoded": encoded,
        "entries": IndexEntry.objects.count(),
    }
