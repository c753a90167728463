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

import threading
from dataclasses import dataclass, field

import numpy as np

from . import ranking

LANG_CODES = ("en", "es")
#: Entries above which the HNSW index replaces the exact scan (measured: bench/search_bench.py).
ANN_THRESHOLD = 50_000
#: HNSW graph degree and search breadth (recall@10 >= 0.95 against exact at 100k, measured).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
#: Candidates each model proposes per query when the ANN index is used.
ANN_CANDIDATES = 256


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
    langs: np.ndarray  # uint8[n], index into LANG_CODES
    kinds: np.ndarray  # uint8[n], 0 point text, 1 concept-map label
    event_ids: np.ndarray  # int64[n], -1 when none
    years: np.ndarray  # int64[n], 0 when none
    vectors: dict[str, np.ndarray]
    ann_threshold: int = ANN_THRESHOLD
    groups: np.ndarray = field(init=False)  # int64[n], group of each row
    group_point: np.ndarray = field(
        init=False
    )  # int64[n_groups, 2] point id per language, -1 if none
    _ann: dict[str, object] = field(default_factory=dict, init=False, repr=False)
    _ann_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False
    )

    def __post_init__(self) -> None:
        keys = self.talk_ids * 100_000 + self.numbers
        uniq, self.groups = np.unique(keys, return_inverse=True)
        self.groups = self.groups.astype(np.int64)
        self.group_point = np.full((len(uniq), len(LANG_CODES)), -1, dtype=np.int64)
        is_point = self.kinds == 0
        self.group_point[self.groups[is_point], self.langs[is_point]] = self.point_ids[
            is_point
        ]
        order = np.argsort(self.groups, kind="stable")
        self._group_order = order
        self._group_start = np.searchsorted(
            self.groups[order], np.arange(len(uniq) + 1)
        )
        self._entry_order = np.argsort(self.entry_ids)

    def __len__(self) -> int:
        return len(self.entry_ids)

    @property
    def n_groups(self) -> int:
        return len(self.group_point)

    @property
    def uses_ann(self) -> bool:
        return len(self) >= self.ann_threshold

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
        starts, ends = self._group_start[groups], self._group_start[groups + 1]
        if len(groups) == 0:
            return np.zeros(0, np.int64)
        return self._group_order[
            np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
        ]

    # --- scoring ------------------------------------------------------------------------------------

    def score(
        self,
        qvecs: dict[str, np.ndarray],
        qlang: str,
        lex_rows: np.ndarray,
        lex_scores: np.ndarray,
        mask: np.ndarray | None = None,
        exact: bool | None = None,
    ) -> Scored:
        """Fused scores of a query: ``qvecs[model]`` float32[d]; lexical matches as rows + raw scores.

        Exact over all (masked) rows below the ANN threshold, or when ``exact``; otherwise exact on the
        ANN candidates, the lexical matches and every row of their groups.
        """
        use_exact = exact if exact is not None else not self.uses_ann
        if mask is not None and mask.sum() < self.ann_threshold:
            use_exact = True  # a selective filter leaves few rows: scanning them is cheap and exact
        if use_exact:
            rows = np.flatnonzero(mask) if mask is not None else np.arange(len(self))
            full = mask is None or len(rows) > len(self) // 4
            cos = {}
            for m, q in qvecs.items():
                # One full product avoids copying a large row subset; small subsets are gathered.
                cos[m] = (
                    (self.vectors[m] @ q)[rows] if full else self.vectors[m][rows] @ q
                )
        else:
            rows = self._ann_candidates(qvecs, lex_rows, mask)
            cos = {m: self.vectors[m][rows] @ q for m, q in qvecs.items()}
        lex = np.zeros(len(rows))
        if len(lex_rows):
            lookup = np.full(len(self), -1.0)
            lookup[lex_rows] = ranking.normalise_lexical(lex_scores)
            lex = np.maximum(lookup[rows], 0.0)
        cos = {m: c.astype(np.float64) for m, c in cos.items()}
        same = self.langs[rows] == LANG_CODES.index(qlang)
        fused = (
            ranking.fuse(cos.get("use"), cos.get("minilm"), same, None)
            + ranking.W_LEX * lex
        )
        return Scored(rows=rows, score=fused, cos=cos, lex=lex)

    def _ann_candidates(
        self, qvecs, lex_rows: np.ndarray, mask: np.ndarray | None
    ) -> np.ndarray:
        found = [lex_rows]
        for m, q in qvecs.items():
            _, idx = self.ann(m).search(
                q.reshape(1, -1).astype(np.float32), ANN_CANDIDATES
            )
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
                index = faiss.IndexHNSWFlat(
                    vecs.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT
                )
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
        """Best ``k`` groups with a point in ``lang`` ('en'|'es'|'any'): [(group, score, best row)]."""
        g = self.groups[scored.rows]
        best = np.full(self.n_groups, -np.inf)
        np.maximum.at(best, g, scored.score)
        if lang == "any":
            valid = (self.group_point >= 0).any(axis=1)
        else:
            valid = self.group_point[:, LANG_CODES.index(lang)] >= 0
        best[~valid] = -np.inf
        for x in exclude_groups:
            best[x] = -np.inf
        n_ok = int(np.isfinite(best).sum())
        k = min(k, n_ok)
        if k <= 0:
            return []
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        out = []
        for grp in top:
            members = np.flatnonzero(g == grp)  # positions in scored.*, not index rows
            best_pos = members[np.argmax(scored.score[members])]
            out.append((int(grp), float(best[grp]), int(scored.rows[best_pos])))
        return out
