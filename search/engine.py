"""Hybrid search over the vault: embeddings + database full-text, fused, grouped, explained.

``search(params)`` is what the results page, the API, ``eval_search`` and "more like this" call:

1. guess the query's language (``search.analyzer.guess_language``, the page's language breaks ties);
2. embed it with every model (``search.embedders``; cached per process);
3. BM25 over the entries' terms in the database (``search.lexical``);
4. fuse per entry and score each (talk, point number) group by its best entry
   (``search.vector_index.VectorIndex``; formula in ``search.ranking``);
5. keep the groups that have a point in the requested language, hydrate them, and say why each
   matched (meaning, words, concept-map label, reached through its translation).

The vector index is loaded from the database once per process and reloaded when the entries change
(one aggregate query per search tells).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from talks.cache import content_version
from talks.models import Event, SummaryPoint, Talk
from vault import languages

from . import analyzer, embedders, lexical, ranking
from .models import IndexEntry
from .vector_index import VectorIndex

LANG_NAMES = {"en": "English", "es": "Spanish"}
log = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: tuple[tuple, VectorIndex] | None = None
_talks_lock = threading.Lock()
_kept_talks: tuple[str, dict[int, Talk]] | None = None


@dataclass
class SearchParams:
    q: str = ""
    lang: str = "any"  # language of the points returned: en | es | any
    k: int = 10
    talk: str | None = None  # talk slug
    event: str | None = None  # event slug
    year: int | None = None
    like: int | None = None  # "more like this" point id (instead of q)
    ui_lang: str = "en"  # the page's language: breaks language-guess ties, orders "any" results
    query_lang: str | None = None  # force the query's language (evaluation); None: guess


@dataclass
class Hit:
    point: SummaryPoint
    other: SummaryPoint | None  # the same point in the other language, when it exists
    score: float
    semantic: float
    lexical: float
    reasons: list[str]
    matched_words: list[str]
    snippet: str  # HTML, escaped, query words in <mark>
    other_snippet: str
    via: str  # "text" | "label" | "translation"
    label: str = ""

    @property
    def talk(self) -> Talk:
        return self.point.talk


@dataclass
class TalkGroup:
    talk: Talk
    hits: list[Hit] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The talk's title in the language of its best hit."""
        return self.talk.title_in(self.hits[0].point.lang) if self.hits else self.talk.slug


@dataclass
class Result:
    hits: list[Hit]
    query_lang: str
    index_size: int
    used_ann: bool
    timings_ms: dict[str, float]
    like: SummaryPoint | None = None

    @property
    def groups(self) -> list[TalkGroup]:
        """Hits grouped by talk, talks in the order of their best hit."""
        out: dict[int, TalkGroup] = {}
        for h in self.hits:
            out.setdefault(h.talk.pk, TalkGroup(h.talk)).hits.append(h)
        return list(out.values())


# --- the index, per process ---------------------------------------------------------------------------


def _generation() -> tuple:
    """(entries, highest id, last update): changes with every insert, update and delete of an entry.

    One round trip of three scalar subqueries, each answered from an index (the smallest one for the
    count, the primary key, ``updated_at``'s): one aggregate over a single scan read the whole table,
    vectors and all (PostgreSQL, 60,000 entries: 25-39 ms, against ~3 ms).
    """
    table = connection.ops.quote_name(IndexEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table}), "
            f"(SELECT MAX(updated_at) FROM {table})"
        )
        return tuple(cursor.fetchone())


def load_index() -> VectorIndex:
    """Every entry, with its point's talk, number, language, event and year, as a ``VectorIndex``."""
    rows = list(
        IndexEntry.objects.order_by("id").values_list(
            "id",
            "point_id",
            "point__talk_id",
            "point__number",
            "point__lang",
            "kind",
            "point__talk__event_id",
            "point__talk__event__year",
            "terms",
            *embedders.DEFAULT_MODELS,
        )
    )
    n = len(rows)
    col = list(zip(*rows, strict=True)) if rows else [()] * (9 + len(embedders.DEFAULT_MODELS))
    vectors = {}
    for j, m in enumerate(embedders.DEFAULT_MODELS):
        dim = embedders.get(m).dim
        blobs = [bytes(v) for v in col[9 + j]]
        stale = sum(len(b) != 4 * dim for b in blobs)
        if stale:
            # A model added since these entries were encoded (its column is empty until
            # rebuild_search_index runs): they stay searchable through the other models.
            log.warning(
                "search: %d entries lack a %s vector; run rebuild_search_index",
                stale,
                m,
            )
            blobs = [b if len(b) == 4 * dim else bytes(4 * dim) for b in blobs]
        buf = b"".join(blobs)
        vectors[m] = (
            np.frombuffer(buf, dtype=np.float32).reshape(n, dim)
            if n
            else np.zeros((0, dim), np.float32)
        )
    lang_codes = languages.codes()
    return VectorIndex(
        entry_ids=np.array(col[0], dtype=np.int64),
        point_ids=np.array(col[1], dtype=np.int64),
        talk_ids=np.array(col[2], dtype=np.int64),
        numbers=np.array(col[3], dtype=np.int64),
        langs=np.array([lang_codes.index(x) for x in col[4]], dtype=np.uint8),
        kinds=np.array([0 if x == IndexEntry.Kind.POINT else 1 for x in col[5]], dtype=np.uint8),
        event_ids=np.array([x if x is not None else -1 for x in col[6]], dtype=np.int64),
        years=np.array([x if x is not None else 0 for x in col[7]], dtype=np.int64),
        vectors=vectors,
        lang_codes=lang_codes,
        terms=list(col[8]),
        labels=dict(IndexEntry.objects.filter(kind=IndexEntry.Kind.NODE).values_list("id", "text")),
    )


def current_index() -> VectorIndex:
    global _cached
    gen = _generation()
    with _lock:
        if _cached is None or _cached[0] != gen:
            _cached = (gen, load_index())
        return _cached[1]


# --- search -------------------------------------------------------------------------------------------


def _filters(params: SearchParams) -> dict:
    out = {}
    if params.talk:
        out["talk_ids"] = list(
            Talk.objects.published().filter(slug=params.talk).values_list("pk", flat=True)
        )
    elif Talk.objects.exclude(status=Talk.Status.PUBLISHED).exists():
        # Drafts and reviewed talks stay out of search; with none, no mask (the ANN path stays open).
        out["talk_ids"] = list(Talk.objects.published().values_list("pk", flat=True))
    if params.event:
        out["event_ids"] = list(
            Event.objects.filter(slug=params.event).values_list("pk", flat=True)
        )
    if params.year:
        out["years"] = [params.year]
    return out


def search(params: SearchParams) -> Result:
    t0 = time.perf_counter()
    index = current_index()
    timings = {"load": (time.perf_counter() - t0) * 1000}
    like_point = None
    exclude: list[int] = []
    if params.like is not None:
        like_point = SummaryPoint.objects.select_related("talk").get(pk=params.like)
        qlang = like_point.lang
        own = {
            e.kind: e
            for e in IndexEntry.objects.filter(point=like_point, kind=IndexEntry.Kind.POINT)
        }
        entry = own.get(IndexEntry.Kind.POINT)
        if entry is None:
            return Result([], qlang, len(index), index.uses_ann, timings, like_point)
        qvecs = {m: entry.vector(m) for m in ranking.RANKING_MODELS}
        terms = analyzer.query_terms(like_point.text)
        qtext = like_point.text
        rows, _ok = index.rows_of_entries(np.array([entry.pk]))
        exclude = [int(index.groups[r]) for r in rows]
    else:
        qlang = params.query_lang or analyzer.guess_language(params.q, hint=params.ui_lang)
        qtext = params.q
        t1 = time.perf_counter()
        qvecs = embedders.encode_query_all(params.q, qlang, ranking.RANKING_MODELS)
        timings["encode"] = (time.perf_counter() - t1) * 1000
        terms = analyzer.query_terms(params.q)
    if len(index) == 0:
        return Result([], qlang, 0, False, timings, like_point)

    t2 = time.perf_counter()
    filters = _filters(params)
    if any(len(v) == 0 for v in filters.values()):
        return Result([], qlang, len(index), index.uses_ann, timings, like_point)
    mask = index.mask(**filters) if filters else None
    if index.ann_active(mask):  # BM25 on the ANN candidates, in memory (see VectorIndex.score)
        lex_rows, lex_scores = np.zeros(0, np.int64), np.zeros(0)
    else:
        lex_ids, raw = lexical.scores(terms)
        lex_rows, ok = index.rows_of_entries(lex_ids)
        lex_scores = raw[ok]
    scored = index.score(qvecs, qlang, lex_rows, lex_scores, mask, qterms=terms)
    tops = index.top_groups(scored, params.lang, params.k, exclude_groups=exclude)
    timings["rank"] = (time.perf_counter() - t2) * 1000
    hits = _hydrate(index, scored, tops, params, qlang, qtext)
    timings["total"] = (time.perf_counter() - t0) * 1000
    return Result(hits, qlang, len(index), index.uses_ann and mask is None, timings, like_point)


def _hydrate(
    index: VectorIndex, scored, tops, params: SearchParams, qlang: str, qtext: str
) -> list[Hit]:
    """Top groups -> hits with the point in the wanted language, its twin, snippets and reasons."""
    pos = {int(r): i for i, r in enumerate(scored.rows)}
    wanted_ids = []
    plan = []
    for grp, score, best_row in tops:
        pts = index.group_point[grp]
        if params.lang in index.lang_codes:
            li = index.lang_codes.index(params.lang)
        else:  # any: the query's language first, then the page's, then whatever exists
            order = [qlang, params.ui_lang, *index.lang_codes]
            li = next(
                index.lang_codes.index(x)
                for x in order
                if x in index.lang_codes and pts[index.lang_codes.index(x)] >= 0
            )
        other_li = 1 - li
        plan.append((grp, score, best_row, int(pts[li]), int(pts[other_li])))
        wanted_ids += [int(pts[li]), int(pts[other_li])]
    # No ordering: the default one (by talk) would join the talks, speakers and events for nothing.
    points = SummaryPoint.objects.order_by().in_bulk([i for i in wanted_ids if i >= 0])
    talks = _talks({p.talk_id for p in points.values()})
    for p in list(points.values()):
        if p.talk_id in talks:
            p.talk = talks[p.talk_id]
        else:  # its talk was deleted a moment ago
            del points[p.pk]
    hits = []
    for _grp, score, best_row, pid, oid in plan:
        point = points.get(pid)
        if point is None:
            # Deleted since the index was loaded (another request, between its check and ours).
            continue
        other = points.get(oid) if oid >= 0 else None
        i = pos[best_row]
        best_lang = index.lang_codes[index.langs[best_row]]
        semantic = float(scored.score[i] - ranking.W_LEX * scored.lex[i])
        label = index.labels.get(int(index.entry_ids[best_row]), "")
        via = (
            "label"
            if index.kinds[best_row] == 1
            else "translation"
            if best_lang != point.lang
            else "text"
        )
        words = analyzer.matched_words(qtext, point.text)
        hits.append(
            Hit(
                point=point,
                other=other,
                score=round(score, 4),
                semantic=round(semantic, 4),
                lexical=round(float(scored.lex[i]), 4),
                reasons=_reasons(
                    qlang,
                    point,
                    best_lang,
                    via,
                    label,
                    words,
                    semantic,
                    params.like is not None,
                ),
                matched_words=words,
                snippet=analyzer.highlight(point.text, qtext),
                other_snippet=analyzer.highlight(other.text, qtext) if other else "",
                via=via,
                label=label if via == "label" else "",
            )
        )
    return hits


def _talks(ids: set[int]) -> dict[int, Talk]:
    """The hits' talks, with speaker, event and translations (titles), by id.

    Kept per process for as long as the content version (``talks.cache``) stands: it changes with
    every edit of a talk, translation, speaker or event, deletions included, so a kept talk is never
    older than what a page would show. Without a reachable cache, read every time.
    """
    global _kept_talks
    version = content_version()
    if version is None:
        return Talk.objects.with_related().in_bulk(list(ids))
    with _talks_lock:
        if _kept_talks is None or _kept_talks[0] != version:
            _kept_talks = (version, {})
        kept = _kept_talks[1]
        missing = ids - kept.keys()
        if missing:
            kept.update(Talk.objects.with_related().in_bulk(list(missing)))
        return {i: kept[i] for i in ids if i in kept}


def _reasons(qlang, point, best_lang, via, entry_text, words, semantic, like) -> list[str]:
    out = [
        _("similar to this point (%(score).2f)") % {"score": semantic}
        if like
        else _("similar meaning (%(score).2f)") % {"score": semantic}
    ]
    if qlang != point.lang and via != "translation":
        out.append(
            _("across languages: %(q)s query, %(p)s point")
            % {"q": _(LANG_NAMES[qlang]), "p": _(LANG_NAMES[point.lang])}
        )
    if via == "translation":
        out.append(_("matched through its %(lang)s version") % {"lang": _(LANG_NAMES[best_lang])})
    if via == "label":
        out.append(_("matched the concept-map label “%(label)s”") % {"label": entry_text})
    if words and not like:
        out.append(_("shares the words: %(words)s") % {"words": ", ".join(words)})
    return out
