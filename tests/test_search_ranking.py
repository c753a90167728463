"""search.ranking: score fusion, lexical normalisation, BM25 and metrics (no database)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from search import ranking


def test_same_language_scores_average_both_models_and_cross_language_use_only_use():
    use = np.array([0.6, 0.6])
    mono = np.array([0.2, 0.9])
    same = np.array([True, False])
    out = ranking.fuse(use, mono, same, None, w_mono=1.0)
    assert np.allclose(out, [0.4, 0.6])


def test_lexical_weight_adds_the_normalised_lexical_score():
    use = np.zeros(3)
    out = ranking.fuse(
        use, None, np.ones(3, bool), np.array([0.0, 2.0, 4.0]), w_lex=0.5
    )
    assert np.allclose(out, [0.0, 0.25, 0.5])


@given(
    st.lists(
        st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=50
    )
)
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
