"""Ranking maths: score fusion, lexical normalisation, BM25 and the evaluation metrics. No Django.

Fusion is a standardised weighted sum (CombSUM over z-scores: Montague & Aslam 2001, "Relevance
score normalization for metasearch"). For a query q and an entry p, each ranking model's cosine
(``RANKING_MODELS``) is standardised by that model's mean and spread of query-entry cosines over the
development queries (``CALIBRATION``), averaged over the models that apply, and put back on a
cosine-like scale (times ``SCALE``):

    z_m(q, p)   = (cos_m(q, p) - mu_m) / sd_m
    sem(q, p)   = SCALE * mean of z_m(q, p) over the models that apply to (q, p)
    score(q, p) = sem(q, p) + W_LEX * lex(q, p)
    lex(q, p)   = BM25(q, p) / sum of idf(t) over the query's terms t

MiniLM (``MONOLINGUAL``) applies only when the query and the entry are both English: it is an
English model, whose Spanish vectors line up neither with its English ones nor with each other as
well as the multilingual models' do. e5 applies everywhere. Without the standardisation e5 would
hardly count: its cosines sit in a band about 0.03 wide around 0.8, MiniLM's five times wider. USE
is still stored in the index (the concept map links with it) but no longer ranks: with every talk in
both languages, cross-validation found the procedure restricted to MiniLM + e5 better than with USE
(search/README.md, "Search v2").

``lex`` divides BM25 by the query's own weight (what an entry holding each query term once, at
average length, scores) rather than by the best match found: a query whose only shared word is a
common one ("steps", "neural") then gets a small lexical push, not the full ``W_LEX``. BM25 uses
SQLite FTS5's idf, ``log((N - df + 0.5) / (df + 0.5))`` floored at 1e-6, on every path (FTS5,
PostgreSQL, in memory), so both database backends rank alike.

The family, the models and ``W_LEX`` were chosen by cross-validation on the 80 development queries
and reported on the blind set (search/README.md, "Choosing the fusion"; ``search/eval/fusion_cv.py``).
Reciprocal-rank fusion (Cormack, Clarke & Buettcher 2009, ``sum_i 1 / (K + rank_i)``) is kept for
that comparison.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

#: Mean and standard deviation of each model's query-entry cosines over the development queries
#: and the bundled corpus (fusion_cv.py): the "z" family's constants, and the source of SCALE.
#: (MiniLM and e5 through ONNX Runtime int8, every talk in both languages; fusion_cv.py prints them.)
CALIBRATION: dict[str, tuple[float, float]] = {
    "minilm": (0.1675, 0.1492),
    "use": (0.0911, 0.1000),
    "e5": (0.7950, 0.0279),
}
#: The models the ranking fuses (the index stores every model of embedders.DEFAULT_MODELS).
RANKING_MODELS: tuple[str, ...] = ("minilm", "e5")
#: The ranking models' mean spread of cosines: z-scores times this read like cosine differences,
#: and W_LEX is on that scale.
SCALE = float(np.mean([CALIBRATION[m][1] for m in RANKING_MODELS]))
#: Models that only compare English with English.
MONOLINGUAL = frozenset({"minilm"})
#: Weight of the lexical score (cross-validated, see search/README.md).
W_LEX = 0.2
#: RRF's damping constant, as in Cormack et al. (2009).
RRF_K = 60
#: BM25 parameters (Robertson & Zaragoza 2009), the usual defaults (also FTS5's).
BM25_K1 = 1.2
BM25_B = 0.75
#: FTS5's floor for the idf of a term in more than half of the documents.
_IDF_FLOOR = 1e-6


def fuse(
    cos: Mapping[str, np.ndarray],
    english_pair: np.ndarray,
    lex: np.ndarray | None,
    w_lex: float = W_LEX,
    stats: Mapping[str, tuple[float, float]] | None = None,
    scale: float = SCALE,
) -> np.ndarray:
    """Fused scores of n candidates for one query -> float[n].

    ``cos[model]`` float[n]; ``english_pair`` bool[n], query and entry both English; ``lex`` float[n]
    lexical scores already normalised (``lexical_share``), or None; ``stats[model]`` the (mean, sd)
    used to standardise that model's cosines: the query's over the index (what the engine passes),
    or ``CALIBRATION`` when None.
    """
    stats = CALIBRATION if stats is None else stats
    english_pair = np.asarray(english_pair, dtype=bool)
    total = np.zeros(len(english_pair))
    count = np.zeros(len(english_pair))
    for m, c in cos.items():
        mu, sd = stats[m]
        applies = english_pair if m in MONOLINGUAL else np.ones_like(english_pair)
        z = (np.asarray(c, dtype=np.float64) - mu) / max(sd, 1e-9)
        total += np.where(applies, z, 0.0)
        count += applies
    score = scale * total / np.maximum(count, 1)
    if lex is not None:
        score += w_lex * np.asarray(lex, dtype=np.float64)
    return score


def idf(n_docs: int, df):
    """FTS5's BM25 idf: ``log((N - df + 0.5) / (df + 0.5))``, floored at 1e-6 (scalar or array)."""
    return np.maximum(
        np.log((n_docs - np.asarray(df, dtype=np.float64) + 0.5) / (np.asarray(df) + 0.5)),
        _IDF_FLOOR,
    )


def query_weight(n_docs: int, dfs: Iterable[int]) -> float:
    """A query's own BM25 weight: the sum of its distinct terms' idf (unknown terms: df = 0)."""
    return float(sum(idf(n_docs, df) for df in dfs)) if n_docs else 0.0


def lexical_share(scores: np.ndarray, weight: float) -> np.ndarray:
    """BM25 scores float[n] -> share of the query's weight they reach (0 when the query has none)."""
    scores = np.asarray(scores, dtype=np.float64)
    return scores / weight if weight > 0 else np.zeros_like(scores)


def normalise_lexical(scores: np.ndarray) -> np.ndarray:
    """Non-negative lexical scores (bigger is better), float[..., n] -> [0, 1] by the row's maximum.

    BM25 magnitudes depend on the query's length and terms; dividing by the best match makes the
    lexical signal comparable to a cosine from one query to the next.
    """
    scores = np.asarray(scores, dtype=np.float64)
    top = scores.max(axis=-1, keepdims=True) if scores.size else np.ones(1)
    return np.where(top > 0, scores / np.where(top > 0, top, 1.0), 0.0)


def rrf_matrix(score_lists: Sequence[np.ndarray], k: int = RRF_K) -> np.ndarray:
    """Reciprocal-rank fusion of several [n_queries, n_docs] score matrices -> [n_queries, n_docs]."""
    total = np.zeros_like(np.asarray(score_lists[0], dtype=np.float64))
    for scores in score_lists:
        ranks = np.argsort(np.argsort(-np.asarray(scores), axis=1, kind="stable"), axis=1) + 1
        total += 1.0 / (k + ranks)
    return total


class BM25:
    """Okapi BM25 over pre-tokenised documents (evaluation and benchmarks; the app uses the DB's FTS)."""

    def __init__(self, docs: Sequence[Sequence[str]]) -> None:
        self.n = len(docs)
        self.lengths = np.array([len(d) for d in docs], dtype=np.float64)
        self.avg = float(self.lengths.mean()) if self.n else 0.0
        self.tf = [Counter(d) for d in docs]
        df = Counter(t for d in docs for t in set(d))
        self.idf = {t: float(idf(self.n, f)) for t, f in df.items()}

    def scores(self, query: Iterable[str]) -> np.ndarray:
        """Query terms -> float[n_docs], 0 where no term matches (FTS5's bm25(), sign flipped)."""
        out = np.zeros(self.n)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths / max(self.avg, 1e-9))
        for t in set(query):
            idf = self.idf.get(t)
            if idf is None:
                continue
            tf = np.array([c.get(t, 0) for c in self.tf], dtype=np.float64)
            out += idf * tf * (BM25_K1 + 1) / (tf + norm)
        return out


def summarise(ranks: Sequence[int | None]) -> dict[str, float]:
    """1-based ranks of the right answer (None: not found) -> top-1, top-3, MRR and the count."""
    n = len(ranks)
    if n == 0:
        return {"n": 0, "top1": 0.0, "top3": 0.0, "mrr": 0.0}
    return {
        "n": n,
        "top1": sum(r == 1 for r in ranks) / n,
        "top3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1.0 / r for r in ranks if r) / n,
    }


def ndcg_at_k(ranked_grades: Sequence[int], ideal_grades: Sequence[int], k: int = 10) -> float:
    """nDCG@k: graded gains of the hits in ranked order, over the best order of the known grades.

    ``ranked_grades`` holds the grade of each returned hit (0 for an irrelevant one), best first;
    ``ideal_grades`` the grades of every relevant item. Gain ``2**g - 1``, discount ``log2(rank + 1)``.
    """

    def dcg(grades: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(list(grades)[:k]))

    ideal = dcg(sorted(ideal_grades, reverse=True))
    return dcg(ranked_grades) / ideal if ideal > 0 else 0.0
