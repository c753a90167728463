"""search.ranking: score fusion, lexical normalisation, BM25 and metrics (no database)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from search import ranking


def test_each_model_is_standardised_before_the_models_are_averaged():
    # e5-like cosines in a narrow band count as much as USE-like ones spread wide.
    cos = {"use": np.array([0.1, 0.5]), "e5": np.array([0.83, 0.80])}
    stats = {"use": (0.3, 0.2), "e5": (0.815, 0.015)}
    out = ranking.fuse(cos, np.zeros(2, bool), None, stats=stats, scale=1.0)
    assert np.allclose(out, [0.0, 0.0])  # z: (-1 + 1) / 2 and (1 - 1) / 2


def test_minilm_only_counts_when_query_and_entry_are_both_english():
    cos = {"use": np.array([0.5, 0.5]), "minilm": np.array([0.9, 0.9])}
    stats = {"use": (0.5, 0.1), "minilm": (0.5, 0.1)}
    out = ranking.fuse(cos, np.array([True, False]), None, stats=stats, scale=1.0)
    assert np.allclose(out, [2.0, 0.0])  # (0 + 4) / 2, then USE alone


def test_fused_scores_keep_the_order_of_a_single_model():
    rng = np.random.default_rng(0)
    c = rng.uniform(-1, 1, 20)
    out = ranking.fuse({"use": c}, np.ones(20, bool), None)
    assert list(np.argsort(out)) == list(np.argsort(c))


def test_lexical_weight_adds_the_lexical_share():
    cos = {"use": np.full(3, ranking.CALIBRATION["use"][0])}  # z = 0
    out = ranking.fuse(cos, np.ones(3, bool), np.array([0.0, 0.5, 1.0]), w_lex=0.5)
    assert np.allclose(out, [0.0, 0.25, 0.5])


def test_lexical_share_is_bm25_over_the_querys_own_weight():
    # A query with a rare and a common term: matching only the common one earns little.
    n = 100
    weight = ranking.query_weight(n, [1, 40])
    assert weight == pytest.approx(float(ranking.idf(n, 1) + ranking.idf(n, 40)))
    bm = ranking.BM25([["rare", "commo"]] + [["commo"]] * 39 + [["other"]] * 60)
    share = ranking.lexical_share(bm.scores(["rare", "commo"]), weight)
    assert share[0] > 0.5  # not simply 1: the best match found is not the yardstick
    assert share[1] < 0.15
    assert np.all(ranking.lexical_share(np.ones(3), 0.0) == 0)


def test_idf_is_fts5s_and_never_negative():
    assert float(ranking.idf(10, 1)) == pytest.approx(np.log(9.5 / 1.5))
    assert float(ranking.idf(10, 9)) == pytest.approx(1e-6)  # in most documents: floored


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=50))
def test_normalised_lexical_scores_lie_in_the_unit_interval(values):
    out = ranking.normalise_lexical(np.array(values))
    assert np.all(out >= 0) and np.all(out <= 1)
    if max(values) > 0:
        assert np.isclose(out.max(), 1.0)


def test_bm25_prefers_rare_terms_and_ignores_unknown_ones():
    docs = [["memor", "netwo"], ["memor", "waven"], ["memor"], ["memor", "netwo"]]
    bm = ranking.BM25(docs)
    s = bm.scores(["waven", "memor", "zzz"])
    assert int(np.argmax(s)) == 1
    assert np.all(bm.scores(["zzz"]) == 0)


def test_rrf_rewards_agreement_between_rankings():
    a = np.array([[3.0, 2.0, 1.0]])
    b = np.array([[1.0, 3.0, 2.0]])
    fused = ranking.rrf_matrix([a, b])
    assert int(np.argmax(fused[0])) == 1  # ranked 2nd and 1st beats 1st and 3rd


def test_summarise_counts_top1_top3_and_mrr():
    s = ranking.summarise([1, 2, 4, None])
    assert s == {"n": 4, "top1": 0.25, "top3": 0.5, "mrr": (1 + 0.5 + 0.25) / 4}
