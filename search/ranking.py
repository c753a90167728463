"""Ranking maths: score fusion, lexical normalisation, BM25 and the evaluation metrics. No Django.

Fusion is a calibrated weighted sum (the shipped default):

    sem(q, p)   = (cos_use + W_MONO * cos_minilm) / (1 + W_MONO)   if lang(q) == lang(p)
                = cos_use                                           otherwise
    score(q, p) = sem(q, p) + W_LEX * lex(q, p)

where ``lex`` is the lexical score divided by the query's best lexical score (so in [0, 1]). MiniLM
is only trusted between texts of one language (an English model whose Spanish vectors do not line up
with the English ones); USE is multilingual. Averaging rather than adding keeps same-language and
cross-language scores on one scale, so a point can be reached through its translation (the index
scores a (talk, number) group by its best entry) without same-language entries always winning. Reciprocal-rank fusion (Cormack, Clarke &
Buettcher 2009, "Reciprocal rank fusion outperforms Condorcet and individual rank learning
methods": ``sum_i 1 / (K + rank_i)``) is kept for comparison; the weighted sum measured better on
search/eval/queries.tsv (figures in search/README.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

#: Weight of the same-language MiniLM cosine relative to the multilingual USE cosine.
W_MONO = 1.0
#: Weight of the normalised lexical score.
W_LEX = 0.2
#: RRF's damping constant, as in Cormack et al. (2009).
RRF_K = 60
#: BM25 parameters (Robertson & Zaragoza 2009), the usual defaults.
BM25_K1 = 1.2
BM25_B = 0.75


def fuse(
    use_cos: np.ndarray,
    mono_cos: np.ndarray | None,
    same_lang: np.ndarray,
    lex: np.ndarray | None,
    w_mono: float = W_MONO,
    w_lex: float = W_LEX,
) -> np.ndarray:
    """Fused scores for n candidates: all inputs float[n] (``same_lang`` bool[n]) -> float[n]."""
    score = use_cos.astype(np.float64, copy=True)
    if mono_cos is not None:
        score = np.where(same_lang, (score + w_mono * mono_cos) / (1.0 + w_mono), score)
    if lex is not None:
        score += w_lex * normalise_lexical(lex)
    return score


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
        ranks = (
            np.argsort(np.argsort(-np.asarray(scores), axis=1, kind="stable"), axis=1)
            + 1
        )
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
        self.idf = {
            t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()
        }

    def scores(self, query: Iterable[str]) -> np.ndarray:
        """Query terms -> float[n_docs], 0 where no term matches."""
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
