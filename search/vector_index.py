"""The in-memory vector index: normalised float32 matrices, exact cosine search, faiss HNSW above a size.

Rows are index entries (a point's text or a concept-map label citing it). Entries that speak about
the same point of the same talk, in any language, form a *group* (talk, number): a group scores as
its best entry, so a Spanish query reaches an English point through its Spanish twin, and a point
is found through its concept-map label. No Django import: ``search.engine`` loads it from the
database, ``bench/search_bench.py`` from generated arrays.

Exact search is one matrix-vector product per model, ``M[n, d] @ q[d]``. Above ``ANN_THRESHOLD``
entries, an HNSW graph per model (Malkov & Yashunin 2018, "Efficient and robust approximate nearest
neighbor search using Hierarchical Navigable Small World graphs", via faiss) proposes candidates,
and the fused score is computed exactly on those candidates, their groups and the lexical matches.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from . import ranking

#: Entries above which the HNSW index replaces the exact scan (measured: bench/search_bench.py).
ANN_THRESHOLD = 10_000
#: HNSW graph degree and search breadth (bench/search_bench.py: recall@10 against exact, see README).
#: With two ranking models the graph's build quality is what limits recall: at 100,000 generated
#: points (bench seed 0) efConstruction 40 gave recall@10 0.905, 128 gave 0.952 at the same search
#: settings (doubling efSearch and candidates instead: 0.934), for 2.3x the build time.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 128
HNSW_EF_SEARCH = 1024
#: Candidates each model proposes per query when the ANN index is used.
ANN_CANDIDATES = 1024
#: Rows examined per requested result before widening (groups have a few rows each).
_TOP_ROWS_PER_RESULT = 32


@dataclass
class Scored:
    """Fused scores of a query over a set of rows (entries)."""

    rows: np.ndarray  # int64[m] row indices into the index
    score: np.ndarray  # float64[m] fused score
    cos: dict[str, np.ndarray]  # model -> float64[m] cosine
    lex: np.ndarray  # float64[m] normalised lexical score in [0, 1]


@dataclass
class VectorIndex:
    """n entries. Arrays are aligned by row; ``vectors[model]`` is float32[n, d], rows L2-normalised."""

    entry_ids: np.ndarray  # int64[n]
    point_ids: np.ndarray  # int64[n]
    talk_ids: np.ndarray  # int64[n]
    numbers: np.ndarray  # int64[n]
    langs: np.ndarray  # uint8[n], index into lang_codes
    kinds: np.ndarray  # uint8[n], 0 point text, 1 concept-map label
    event_ids: np.ndarray  # int64[n], -1 when none
    years: np.ndarray  # int64[n], 0 when none
    vectors: dict[str, np.ndarray]
    #: The languages ``langs`` indexes, in order (the site's: ``vault.languages.codes()``).
    lang_codes: tuple[str, ...]
    terms: list[str] | None = (
        None  # lexical terms per row, space-separated (for BM25 on the ANN path)
    )
    ann_threshold: int = ANN_THRESHOLD
    #: The text of each concept-map label row, by entry id (what a hit "matched the label" shows).
    labels: dict[int, str] = field(default_factory=dict)
    groups: np.ndarray = field(init=False)  # int64[n], group of each row
    group_point: np.ndarray = field(
        init=False
    )  # int64[n_groups, 2] point id per language, -1 if none
    _ann: dict[str, object] = field(default_factory=dict, init=False, repr=False)
    _ann_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _bm25: tuple | None = field(default=None, init=False, repr=False)
    _df: Counter | None = field(default=None, init=False, repr=False)
    _moments: dict[str, tuple] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        keys = self.talk_ids * 100_000 + self.numbers
        uniq, self.groups = np.unique(keys, return_inverse=True)
        self.groups = self.groups.astype(np.int64)
        self.group_point = np.full((len(uniq), len(self.lang_codes)), -1, dtype=np.int64)
        is_point = self.kinds == 0
        self.group_point[self.groups[is_point], self.langs[is_point]] = self.point_ids[is_point]
        order = np.argsort(self.groups, kind="stable")
        self._group_order = order
        self._group_start = np.searchsorted(self.groups[order], np.arange(len(uniq) + 1))
        self._entry_order = np.argsort(self.entry_ids)

    def __len__(self) -> int:
        return len(self.entry_ids)

    @property
    def n_groups(self) -> int:
        return len(self.group_point)

    @property
    def uses_ann(self) -> bool:
        return len(self) >= self.ann_threshold

    def ann_active(self, mask: np.ndarray | None) -> bool:
        """Whether a query with this filter takes the HNSW path (a selective filter scans exactly)."""
        if not self.uses_ann:
            return False
        return mask is None or int(mask.sum()) >= self.ann_threshold

    # --- filters ------------------------------------------------------------------------------------

    def mask(self, talk_ids=None, event_ids=None, years=None) -> np.ndarray | None:
        """bool[n] of rows passing the filters (None: no filter). Languages are not filtered here:
        a group's other-language entries still score it."""
        m = None
        for values, column in (
            (talk_ids, self.talk_ids),
            (event_ids, self.event_ids),
            (years, self.years),
        ):
            if values is None:
                continue
            sel = np.isin(column, np.asarray(list(values), dtype=np.int64))
            m = sel if m is None else m & sel
        return m

    def rows_of_entries(self, entry_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry ids int64[m] -> (row indices of those in the index, bool[m] which ones were)."""
        sorted_ids = self.entry_ids[self._entry_order]
        if len(sorted_ids) == 0:
            return np.zeros(0, np.int64), np.zeros(len(entry_ids), bool)
        pos = np.clip(np.searchsorted(sorted_ids, entry_ids), 0, len(sorted_ids) - 1)
        ok = sorted_ids[pos] == entry_ids
        return self._entry_order[pos[ok]], ok

    def rows_of_groups(self, groups: np.ndarray) -> np.ndarray:
        """All rows of the given groups (vectorised: no Python loop over groups)."""
        if len(groups) == 0:
            return np.zeros(0, np.int64)
        starts = self._group_start[groups]
        lengths = self._group_start[groups + 1] - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return self._group_order[np.arange(int(lengths.sum())) + offsets]

    # --- scoring ------------------------------------------------------------------------------------

    def score(
        self,
        qvecs: dict[str, np.ndarray],
        qlang: str,
        lex_rows: np.ndarray,
        lex_scores: np.ndarray,
        mask: np.ndarray | None = None,
        exact: bool | None = None,
        qterms: list[str] | None = None,
    ) -> Scored:
        """Fused scores of a query: ``qvecs[model]`` float32[d]; lexical matches as rows + raw scores.

        Exact path (below the ANN threshold, a selective filter, or ``exact=True``): every (masked)
        row, with the lexical matches the database's full-text search found. HNSW path: the
        candidates of every model plus all rows of their groups, scored exactly, with BM25 computed
        here on those candidates from ``qterms`` (a full-text query over 100k rows costs more than
        the whole ranking budget; see search/README.md).
        """
        use_exact = exact if exact is not None else not self.ann_active(mask)
        weight = self.query_weight(qterms) if qterms else None
        if use_exact:
            rows = np.flatnonzero(mask) if mask is not None else np.arange(len(self))
            full = mask is None or len(rows) > len(self) // 4
            cos = {}
            for m, q in qvecs.items():
                # One full product avoids copying a large row subset; small subsets are gathered.
                cos[m] = (self.vectors[m] @ q)[rows] if full else self.vectors[m][rows] @ q
            lex = np.zeros(len(rows))
            if len(lex_rows):
                lookup = np.full(len(self), -1.0)
                lookup[lex_rows] = self._lexical(lex_scores, weight)
                lex = np.maximum(lookup[rows], 0.0)
        else:
            rows = self._ann_candidates(qvecs, mask)
            cos = {m: self.vectors[m][rows] @ q for m, q in qvecs.items()}
            lex = self._lexical(self.bm25(rows, qterms or []), weight)
        cos = {m: c.astype(np.float64) for m, c in cos.items()}
        english_pair = (self.langs[rows] == self.lang_codes.index("en")) & (qlang == "en")
        # Constant calibration (ranking.CALIBRATION): chosen by CV over the per-query standardisation.
        fused = ranking.fuse(cos, english_pair, None) + ranking.W_LEX * lex
        return Scored(rows=rows, score=fused, cos=cos, lex=lex)

    @staticmethod
    def _lexical(raw: np.ndarray, weight: float | None) -> np.ndarray:
        """Raw BM25 -> share of the query's own weight; by the best match when the index has no
        terms to weigh the query with (hand-built indexes)."""
        if weight is None:
            return ranking.normalise_lexical(raw)
        return ranking.lexical_share(raw, weight)

    def query_weight(self, qterms: list[str]) -> float | None:
        """The query's own BM25 weight over this index's entries (None: the index has no terms)."""
        if self.terms is None:
            return None
        if self._df is None:
            self._df = Counter(t for body in self.terms for t in set(body.split()))
        return ranking.query_weight(len(self), [self._df.get(t, 0) for t in dict.fromkeys(qterms)])

    def query_stats(self, qvecs: dict[str, np.ndarray]) -> dict[str, tuple[float, float]]:
        """Mean and standard deviation of each model's cosines between the query and every entry.

        From the index's first and second moments (mu = E[x], S = E[x x^T], computed once):
        mean = q . mu, variance = q^T S q - mean^2. Costs d^2 per query instead of a full scan, so the
        HNSW path standardises exactly as the exact scan does.
        """
        out = {}
        for m, q in qvecs.items():
            if m not in self._moments:
                x = self.vectors[m]
                n = max(len(x), 1)
                mu = x.sum(axis=0, dtype=np.float64) / n
                second = (x.T @ x).astype(np.float64) / n
                self._moments[m] = (mu, second)
            mu, second = self._moments[m]
            q64 = q.astype(np.float64)
            mean = float(q64 @ mu)
            var = float(q64 @ second @ q64) - mean * mean
            out[m] = (mean, math.sqrt(max(var, 1e-12)))
        return out

    def bm25(self, rows: np.ndarray, qterms: list[str]) -> np.ndarray:
        """BM25 of ``qterms`` for the given rows (float64[len(rows)]), from the in-memory terms.

        The per-(row, term) BM25 weights are precomputed once into a sparse [n, vocabulary] matrix,
        so a query costs one column slice and one row gather.
        """
        if self.terms is None or not qterms:
            return np.zeros(len(rows))
        if self._bm25 is None:
            self._bm25 = _bm25_matrix(self.terms)
        matrix, vocab = self._bm25
        cols = [vocab[t] for t in dict.fromkeys(qterms) if t in vocab]
        if not cols or len(rows) == 0:
            return np.zeros(len(rows))
        return np.asarray(matrix[:, cols].tocsr()[rows].sum(axis=1)).ravel()

    def _ann_candidates(self, qvecs, mask: np.ndarray | None) -> np.ndarray:
        found = []
        for m, q in qvecs.items():
            _, idx = self.ann(m).search(q.reshape(1, -1).astype(np.float32), ANN_CANDIDATES)
            found.append(idx[0][idx[0] >= 0])
        rows = np.unique(np.concatenate(found).astype(np.int64))
        rows = self.rows_of_groups(
            np.unique(self.groups[rows])
        )  # twins and labels of every candidate
        if mask is not None:
            rows = rows[mask[rows]]
        return np.unique(rows)

    def ann(self, model: str):
        """The model's HNSW index, built on first use (inner product = cosine on normalised rows)."""
        with self._ann_lock:
            if model not in self._ann:
                import faiss

                faiss.omp_set_num_threads(1)
                vecs = np.ascontiguousarray(self.vectors[model], dtype=np.float32)
                index = faiss.IndexHNSWFlat(vecs.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
                index.add(vecs)
                index.hnsw.efSearch = HNSW_EF_SEARCH
                self._ann[model] = index
            return self._ann[model]

    def build_ann(self) -> None:
        for m in self.vectors:
            self.ann(m)

    # --- grouping -----------------------------------------------------------------------------------

    def top_groups(
        self, scored: Scored, lang: str, k: int, exclude_groups=()
    ) -> list[tuple[int, float, int]]:
        """Best ``k`` groups with a point in ``lang`` ('en'|'es'|'any'): [(group, score, best row)].

        A group scores as its best row, so walking rows from the best down and keeping each group
        the first time it appears gives the answer; only the top few hundred rows are sorted.
        """
        valid: np.ndarray
        if lang == "any":
            valid = np.asarray((self.group_point >= 0).any(axis=1))
        else:
            valid = self.group_point[:, self.lang_codes.index(lang)] >= 0
        excluded = set(exclude_groups)
        m = len(scored.rows)
        take = min(m, _TOP_ROWS_PER_RESULT * max(k, 1))
        while True:
            part = np.argpartition(-scored.score, take - 1)[:take] if take < m else np.arange(m)
            order = part[np.argsort(-scored.score[part], kind="stable")]
            out: list[tuple[int, float, int]] = []
            seen: set[int] = set()
            for pos in order:
                grp = int(self.groups[scored.rows[pos]])
                if grp in seen:
                    continue
                seen.add(grp)
                if grp in excluded or not valid[grp]:
                    continue
                out.append((grp, float(scored.score[pos]), int(scored.rows[pos])))
                if len(out) == k:
                    return out
            if take >= m:
                return out
            take = min(m, take * 4)


def _bm25_matrix(terms: list[str]):
    """Rows' space-separated terms -> (CSC float64[n, vocabulary] of BM25 weights, term -> column)."""
    from scipy import sparse

    vocab: dict[str, int] = {}
    indptr, indices, counts = [0], [], []
    lengths = np.zeros(len(terms))
    for r, body in enumerate(terms):
        toks = body.split()
        lengths[r] = len(toks)
        tf = Counter(toks)
        for t, f in tf.items():
            indices.append(vocab.setdefault(t, len(vocab)))
            counts.append(f)
        indptr.append(len(indices))
    n = len(terms)
    tf = sparse.csr_matrix(
        (np.array(counts, float), np.array(indices), np.array(indptr)),
        shape=(n, max(len(vocab), 1)),
    )
    df = np.bincount(tf.indices, minlength=tf.shape[1])
    idf = ranking.idf(n, df)
    norm = ranking.BM25_K1 * (
        1 - ranking.BM25_B + ranking.BM25_B * lengths / max(lengths.mean(), 1.0)
    )
    row_norm = np.repeat(norm, np.diff(tf.indptr))
    data = tf.data * (ranking.BM25_K1 + 1) / (tf.data + row_norm) * idf[tf.indices]
    weights = sparse.csr_matrix((data, tf.indices, tf.indptr), shape=tf.shape).tocsc()
    return weights, vocab
