"""search.vector_index.VectorIndex on generated vectors: exact search, groups across languages, filters, ANN."""

from __future__ import annotations

import numpy as np
import pytest

from search.vector_index import VectorIndex

D = 16


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _index(n_talks=3, n_points=5, langs=(0, 1), seed=0, **kw) -> tuple[VectorIndex, dict]:
    """Every (talk, number) has a random direction; its EN and ES entries lie near it."""
    rng = np.random.default_rng(seed)
    rows = [(t, n, lang) for t in range(n_talks) for n in range(1, n_points + 1) for lang in langs]
    base = {(t, n): rng.normal(size=D) for t in range(n_talks) for n in range(1, n_points + 1)}
    vecs = _unit(np.array([base[(t, n)] + 0.05 * rng.normal(size=D) for t, n, _ in rows]))
    m = len(rows)
    return VectorIndex(
        entry_ids=np.arange(1, m + 1),
        point_ids=np.arange(101, 101 + m),
        talk_ids=np.array([t + 1 for t, _, _ in rows]),
        numbers=np.array([n for _, n, _ in rows]),
        langs=np.array([lg for _, _, lg in rows], dtype=np.uint8),
        kinds=np.zeros(m, dtype=np.uint8),
        event_ids=np.array([t + 10 for t, _, _ in rows]),
        years=np.array([2017 + t for t, _, _ in rows]),
        vectors={"use": vecs, "minilm": vecs.copy()},
        lang_codes=("en", "es"),
        **kw,
    ), base


def _query(base, key, noise=0.1, seed=1):
    rng = np.random.default_rng(seed)
    q = _unit(base[key] + noise * rng.normal(size=D))
    return {"use": q, "minilm": q}


def test_exact_search_ranks_the_nearest_group_first():
    idx, base = _index()
    scored = idx.score(_query(base, (1, 3)), "en", np.zeros(0, np.int64), np.zeros(0))
    _grp, _score, row = idx.top_groups(scored, "en", 3)[0]
    assert (idx.talk_ids[row], idx.numbers[row]) == (2, 3)


def test_a_group_without_a_point_in_the_requested_language_is_not_returned():
    idx, base = _index(langs=(1,))  # Spanish only
    scored = idx.score(_query(base, (0, 1)), "en", np.zeros(0, np.int64), np.zeros(0))
    assert idx.top_groups(scored, "en", 5) == []
    assert len(idx.top_groups(scored, "es", 5)) == 5
    assert len(idx.top_groups(scored, "any", 5)) == 5


def test_filters_restrict_rows_to_the_talk_event_and_year():
    idx, base = _index()
    mask = idx.mask(talk_ids=[3])
    scored = idx.score(_query(base, (0, 1)), "en", np.zeros(0, np.int64), np.zeros(0), mask=mask)
    assert set(idx.talk_ids[scored.rows]) == {3}
    assert idx.mask(years=[2018]).sum() == idx.mask(event_ids=[11]).sum() == 10
    assert idx.mask(talk_ids=[1], years=[2018]).sum() == 0


def test_lexical_matches_raise_a_group_score():
    idx, base = _index()
    q = _query(base, (0, 1))
    plain = idx.score(q, "en", np.zeros(0, np.int64), np.zeros(0))
    row = int(np.flatnonzero((idx.talk_ids == 3) & (idx.numbers == 5) & (idx.langs == 0))[0])
    boosted = idx.score(q, "en", np.array([row]), np.array([7.0]))
    i = int(np.flatnonzero(plain.rows == row)[0])
    assert boosted.score[i] > plain.score[i]
    assert boosted.lex[i] == pytest.approx(1.0)


def test_rows_of_entries_drops_unknown_ids():
    idx, _ = _index()
    rows, ok = idx.rows_of_entries(np.array([3, 999, 1]))
    assert list(ok) == [True, False, True]
    assert list(idx.entry_ids[rows]) == [3, 1]


@pytest.mark.slow
def test_hnsw_candidates_keep_recall_at_10_above_095():
    rng = np.random.default_rng(7)
    n = 6000
    centers = rng.normal(size=(300, D))
    vecs = _unit(centers[rng.integers(0, 300, n)] + 0.6 * rng.normal(size=(n, D)))
    kw = {
        "entry_ids": np.arange(1, n + 1),
        "point_ids": np.arange(1, n + 1),
        "talk_ids": np.arange(1, n + 1) // 30 + 1,
        "numbers": np.arange(1, n + 1) % 30 + 1,
        "langs": np.zeros(n, np.uint8),
        "kinds": np.zeros(n, np.uint8),
        "event_ids": np.full(n, -1),
        "years": np.zeros(n, np.int64),
        "vectors": {"use": vecs, "minilm": vecs},
        "lang_codes": ("en", "es"),
    }
    idx = VectorIndex(ann_threshold=1000, **kw)
    recalls = []
    for s in range(30):
        q = _unit(rng.normal(size=D) + centers[s])
        qv = {"use": q, "minilm": q}
        none = (np.zeros(0, np.int64), np.zeros(0))
        exact = {g for g, _, _ in idx.top_groups(idx.score(qv, "en", *none, exact=True), "en", 10)}
        approx = {g for g, _, _ in idx.top_groups(idx.score(qv, "en", *none), "en", 10)}
        recalls.append(len(exact & approx) / 10)
    assert idx.uses_ann
    assert np.mean(recalls) >= 0.95


def test_the_ann_path_scores_words_in_memory_with_bm25():
    idx, base = _index(ann_threshold=11)
    idx.terms = ["memor netwo"] * len(idx)
    target = int(np.flatnonzero((idx.talk_ids == 2) & (idx.numbers == 2) & (idx.langs == 0))[0])
    idx.terms[target] = "waven audio"
    assert idx.ann_active(None) and not idx.ann_active(idx.mask(talk_ids=[1]))
    q = _query(base, (1, 2), noise=0.0)
    scored = idx.score(q, "en", np.zeros(0, np.int64), np.zeros(0), qterms=["waven"])
    i = int(np.flatnonzero(scored.rows == target)[0])
    assert scored.lex[i] == pytest.approx(1.0)
    assert scored.lex.sum() == pytest.approx(1.0)  # no other row has the word


def test_query_stats_are_the_mean_and_spread_of_the_querys_cosines_over_the_index():
    idx, base = _index()
    q = _query(base, (0, 1))
    stats = idx.query_stats(q)
    for m, v in q.items():
        c = idx.vectors[m].astype(np.float64) @ v.astype(np.float64)
        assert stats[m] == pytest.approx((c.mean(), c.std()), rel=1e-5)


def test_the_exact_and_hnsw_paths_give_a_row_the_same_score():
    # Standardisation uses the whole index's statistics on both paths, not the rows scanned.
    idx, base = _index(ann_threshold=11)
    q = _query(base, (2, 3))
    none = (np.zeros(0, np.int64), np.zeros(0))
    exact = idx.score(q, "en", *none, exact=True)
    approx = idx.score(q, "en", *none, exact=False)
    assert idx.uses_ann and len(approx.rows) > 0
    by_row = dict(zip(exact.rows.tolist(), exact.score, strict=True))
    for r, s in zip(approx.rows.tolist(), approx.score, strict=True):
        assert s == pytest.approx(by_row[r])
