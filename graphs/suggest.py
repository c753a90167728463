"""A draft concept graph for a talk that has none, from its summary points ("Suggest a concept graph").

- **Keyphrases** with the embedder, as KeyBERT does (Grootendorst 2020): the candidate phrases of a
  point are the runs of 1-3 words without a stop word (``search.analyzer``'s lists); its label is
  the phrase closest to the point's own vector, less ``DISTINCT`` times its closeness to the whole
  talk (so "learned optimizers", which every point of that talk says, does not label them all),
  followed by the point's number.
- **Groups** by clustering the points' vectors: Ward agglomerative clustering (the rows are
  normalised, so Euclidean distance ranks as cosine does), ``round(sqrt(n / 2))`` clusters (4 for
  30 points). A group is named by the same rule with the group's mean in place of a point.
- **Shape**: a root node (the talk), one node per group, edges root -> group -> point; each group a
  classDef with a light fill from ``PALETTE``.

``draft(...)`` is pure (vectors in, a ``mermaid.Graph`` out); ``suggest_for(translation)`` encodes
through the search's embedding cache and returns the Mermaid text the editor opens with. Nothing is
saved here: the curator edits and saves it (``talks/admin_views.py`` records the provenance).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from graphs import mermaid

MAX_PHRASE_WORDS = 3
DISTINCT = 0.5
MIN_WORD_CHARS = 3
PALETTE = ("#f9d4d4", "#d4f9d4", "#d4d4f9", "#f9f9d4", "#f9d4f9", "#d4f9f9", "#fde2c4", "#e2e8f0")
GENERATOR = "Suggested concept graph (keyphrases and groups from the summary points' embeddings)"
_WORD = re.compile(r"[\w][\w\-/]*", re.UNICODE)


def candidate_phrases(text: str, stopwords: frozenset[str]) -> list[str]:
    """Runs of 1-3 consecutive words with no stop word, as written: ``"ACT permite …"`` -> …"""
    words = _WORD.findall(text)
    runs: list[list[str]] = [[]]
    for w in words:
        keep = w.lower() not in stopwords and (len(w) >= MIN_WORD_CHARS or w.isupper())
        if keep and not w.isdigit():
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    out: dict[str, None] = {}
    for run in runs:
        for size in range(1, MAX_PHRASE_WORDS + 1):
            for i in range(len(run) - size + 1):
                out.setdefault(" ".join(run[i : i + size]), None)
    return list(out)


def group_count(n: int) -> int:
    return max(1, min(len(PALETTE), round(math.sqrt(n / 2))))


def clusters(vectors: np.ndarray, k: int) -> list[int]:
    """Cluster index (0..k-1, ordered by first appearance) of each row of float32[n, d]."""
    n = len(vectors)
    if n <= 1 or k <= 1:
        return [0] * n
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = fcluster(linkage(vectors, method="ward"), t=k, criterion="maxclust")
    order: dict[int, int] = {}
    return [order.setdefault(int(label), len(order)) for label in labels]


def _key(i: int) -> str:
    """A, B, …, Z, AA, AB, … (the corpus's node keys)."""
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def _label(phrase: str) -> str:
    phrase = phrase.strip()
    return phrase[:1].upper() + phrase[1:]


def draft(
    root_label: str,
    points: Sequence[tuple[int, str]],
    point_vectors: np.ndarray,
    phrases: Sequence[Sequence[str]],
    phrase_vectors: Sequence[np.ndarray],
) -> mermaid.Graph:
    """The draft graph. ``point_vectors``: float32[n, d] (normalised rows); ``phrases[i]`` the
    candidates of point i and ``phrase_vectors[i]`` their float32[m_i, d] vectors."""
    talk = point_vectors.mean(axis=0)

    def best(candidates: Sequence[str], vecs: np.ndarray, target: np.ndarray) -> str | None:
        if not len(candidates):
            return None
        score = vecs @ target - DISTINCT * (vecs @ talk)
        return _label(candidates[int(np.argmax(score))])

    keyphrases = [
        best(phrases[i], phrase_vectors[i], point_vectors[i])
        or _label(" ".join(text.split()[:MAX_PHRASE_WORDS]))
        or str(number)
        for i, (number, text) in enumerate(points)
    ]
    k = group_count(len(points))
    member = clusters(point_vectors, k)
    k = max(member, default=-1) + 1
    groups, nodes, edges = [], [mermaid.Node("A", root_label.replace("]", ")"), "rect", None)], []
    next_key = 1
    for g in range(k):
        rows = [i for i, c in enumerate(member) if c == g]
        centre = point_vectors[rows].mean(axis=0)
        pool = [p for i in rows for p in phrases[i]]
        pool_vecs = np.vstack([phrase_vectors[i] for i in rows if len(phrases[i])] or [talk[None]])
        heading = best(pool, pool_vecs, centre) if pool else None
        name = f"g{g + 1}"
        groups.append(mermaid.Group(name, f"fill:{PALETTE[g]}, font-weight:bold, font-size:14px"))
        group_key = _key(next_key)
        next_key += 1
        nodes.append(mermaid.Node(group_key, heading or keyphrases[rows[0]], "rect", name))
        edges.append(mermaid.Edge("A", group_key))
        for i in rows:
            key = _key(next_key)
            next_key += 1
            label = f"{keyphrases[i]} {points[i][0]}".replace("]", ")").replace("[", "(")
            nodes.append(mermaid.Node(key, label, "rect", name))
            edges.append(mermaid.Edge(group_key, key))
    return mermaid.Graph("LR", tuple(nodes), tuple(edges), tuple(groups))


def suggest(
    root_label: str,
    points: Sequence[tuple[int, str]],
    lang: str,
    encode: Callable[[list[str], str], np.ndarray],
    stopwords: frozenset[str],
) -> str:
    """The draft's Mermaid text; ``encode(texts, lang)`` returns normalised float32[n, d] rows."""
    if not points:
        raise ValueError("this translation has no summary points to draft a graph from")
    point_vectors = encode([text for _n, text in points], lang)
    phrases = [candidate_phrases(text, stopwords) for _n, text in points]
    flat = [p for group in phrases for p in group]
    flat_vectors = encode(flat, lang) if flat else np.zeros((0, point_vectors.shape[1]), np.float32)
    split, start = [], 0
    for group in phrases:
        split.append(flat_vectors[start : start + len(group)])
        start += len(group)
    graph = draft(root_label, points, point_vectors, phrases, split)
    return mermaid.serialise(graph)


def suggest_for(translation) -> str:
    """The draft for a ``TalkTranslation`` from its points (multilingual USE, cached on disk)."""
    from search import analyzer, entries
    from talks.models import SummaryPoint

    talk = translation.talk
    points = list(
        SummaryPoint.objects.filter(talk=talk, lang=translation.lang)
        .order_by("number")
        .values_list("number", "text")
    )
    root = " · ".join(str(x) for x in (talk.speaker, talk.event) if x) or translation.title[:60]
    stop = analyzer.STOPWORDS_ES if translation.lang == "es" else analyzer.STOPWORDS_EN
    return suggest(
        root,
        points,
        translation.lang,
        lambda texts, lang: entries.encode_cached("use", texts, lang),
        frozenset(stop),
    )
