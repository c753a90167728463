"""The evaluation's rules: wins need a margin, ties are not wins, splits are disjoint."""

from __future__ import annotations

import math

import pytest

from demos.kit.evaluation import OverlapError, check_disjoint
from demos.plugins.learned_opt.evaluate import MARGIN, _indicator, _splits, outcome


def test_a_win_needs_a_final_loss_at_least_the_margin_lower():
    assert outcome(0.98, 1.0) == 1
    assert outcome(1.0, 0.98) == -1
    assert outcome(0.995, 1.0) == 0  # 0.5 % lower: a tie, not a win
    assert outcome(1.0, 1.0 + 1e-7) == 0  # rounding between two equal rules ties
    assert MARGIN == 0.01


def test_a_diverged_run_loses_to_a_finite_one_and_two_diverged_runs_tie():
    assert outcome(math.inf, 5.0) == -1
    assert outcome(5.0, math.inf) == 1
    assert outcome(math.inf, math.inf) == 0


def test_win_tie_and_loss_indicators_split_every_task_once():
    rows = [{"a": (x, x), "b": (1.0, 1.0)} for x in (0.5, 0.999, 2.0, 0.98)]
    parts = [_indicator(rows, "a", "b", 0, which) for which in (1, 0, -1)]
    assert parts == [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0]]
    assert [sum(col) for col in zip(*parts, strict=True)] == [1, 1, 1, 1]


def test_meta_training_validation_and_test_tasks_are_disjoint():
    metrics = {s: {"train_task_seeds": [s * 10_000_000, s * 10_000_000 + 500]} for s in (0, 1, 2)}
    splits = _splits(metrics, 100, 2)
    sizes = check_disjoint(*splits)
    assert sizes["meta-training tasks"] == 1500 and sizes["test tasks"] == 100
    overlapping = {0: {"train_task_seeds": [1_000_000, 1_000_010]}}  # the test seeds
    with pytest.raises(OverlapError):
        check_disjoint(*_splits(overlapping, 100, 0))
