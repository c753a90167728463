"""The task: CartPole-v1 episodes named by reset seed, disjoint splits, a seeded player, a printer."""

from __future__ import annotations

import numpy as np
import pytest

from demos.plugins.vtrace.task import (
    MAX_RETURN,
    TRAIN_STRIDE,
    VALIDATION_BASE,
    describe,
    episode_seeds,
    play,
    train_seed,
    uniform_log_probs,
)


def test_the_splits_never_share_an_episode_seed() -> None:
    train = {train_seed(s, i) for s in range(10) for i in (0, 1, TRAIN_STRIDE - 1)}
    held = [set(episode_seeds(name, 500)) for name in ("validation", "test", "demo")]
    assert max(train) < VALIDATION_BASE
    for i, a in enumerate(held):
        assert not a & train
        assert all(not a & b for b in held[i + 1 :])
    with pytest.raises(ValueError, match="unknown split"):
        episode_seeds("train", 1)
    with pytest.raises(ValueError):
        train_seed(0, TRAIN_STRIDE)


def test_an_episode_plays_out_the_same_from_its_seed() -> None:
    seeds = episode_seeds("demo", 4)
    a, b = play(uniform_log_probs, seeds), play(uniform_log_probs, seeds)
    assert np.array_equal(a, b) and a.shape == (4,)
    assert play(uniform_log_probs, episode_seeds("test", 4)).tolist() != a.tolist()


def test_a_random_policy_drops_the_pole_quickly_and_returns_are_bounded() -> None:
    returns = play(uniform_log_probs, episode_seeds("demo", 16))
    assert 8 <= returns.mean() < 60 and returns.max() <= MAX_RETURN


def test_a_policy_that_pushes_towards_the_fall_balances_longer() -> None:
    # Push in the direction the pole leans (angle + angular velocity): a classic hand controller.
    def lean(obs: np.ndarray) -> np.ndarray:
        right = (obs[:, 2] + 0.5 * obs[:, 3] > 0).astype(np.float64)
        p = np.clip(np.stack([1 - right, right], -1), 1e-6, 1.0)
        return np.log(p)

    seeds = episode_seeds("demo", 8)
    assert play(lean, seeds).mean() > 3 * play(uniform_log_probs, seeds).mean()


def test_the_printer_writes_one_line_per_episode() -> None:
    assert len(describe([1, 2], [10.0, 20.0]).splitlines()) == 2
