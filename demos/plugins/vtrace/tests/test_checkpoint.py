"""The bundled checkpoints: kit format, small, one per (method, lag, seed), and each reproduces the
validation return it was chosen by."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from demos.plugins.vtrace.infer import bundled, policies
from demos.plugins.vtrace.task import episode_seeds, play
from demos.plugins.vtrace.train import WEIGHTS_DIR
from demos.plugins.vtrace.vtrace import METHODS


def test_every_method_has_three_seeds_at_every_bundled_lag() -> None:
    keys = set(bundled())
    lags = {k for _, k, _ in keys}
    assert 0 in lags and len(lags) >= 2
    # On-policy the three targets are one computation: lag 0 is trained once, as V-trace.
    expected = {(m, k, s) for m in METHODS for k in lags - {0} for s in (0, 1, 2)}
    assert keys == expected | {("vtrace", 0, s) for s in (0, 1, 2)}
    for m in METHODS:
        assert sorted(policies(m, 0)) == [0, 1, 2]


def test_the_checkpoints_are_in_the_kit_format_and_small_together() -> None:
    paths = sorted(WEIGHTS_DIR.glob("*.pt"))
    for path in paths:
        assert set(checkpoint.load(path)) == set(checkpoint.FIELDS)
    assert sum(p.stat().st_size for p in paths) < checkpoint.MAX_BYTES


def test_a_checkpoint_reproduces_its_validation_return() -> None:
    key = max(bundled())  # one of them: replaying all is the evaluation's job
    policy, metrics = bundled()[key]
    seeds = episode_seeds("validation", metrics["validation_episodes"])
    assert play(policy.log_probs, seeds).mean() == pytest.approx(metrics["validation_return"])
    assert metrics["validation_by_lr"][f"{metrics['lr']:g}"] == max(
        metrics["validation_by_lr"].values()
    )
