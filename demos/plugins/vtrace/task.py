"""The control task: gymnasium's CartPole-v1 (balance a pole for up to 500 steps, reward 1 a step).

Episodes are identified by the seed their environment is reset with, and the seeds of the three
uses never meet (`evaluate.py` checks it with the kit's ``check_disjoint``):

- training episodes of training seed ``s``: ``s * TRAIN_STRIDE + i`` for ``i = 0, 1, …``
  (below ``VALIDATION_BASE`` for every seed < 10);
- validation episodes (choosing each method's learning rate): ``VALIDATION_BASE + i``;
- test episodes (the reported figures): ``TEST_BASE + i``; the page's live figures: ``DEMO_BASE + i``.

`play` runs many episodes side by side with one forward pass of the policy per time step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import gymnasium as gym
import numpy as np

ENV_ID = "CartPole-v1"
MAX_RETURN = 500.0
TRAIN_STRIDE = 100_000
VALIDATION_BASE = 1_000_000
TEST_BASE = 2_000_000
DEMO_BASE = 3_000_000


def make_env() -> gym.Env:
    """A fresh CartPole-v1 (with gymnasium's 500-step time limit); no rendering."""
    return gym.make(ENV_ID)


def train_seed(seed: int, episode: int) -> int:
    """The reset seed of training episode `episode` of training seed `seed`."""
    if not 0 <= episode < TRAIN_STRIDE:
        raise ValueError("a training run has fewer than TRAIN_STRIDE episodes")
    return seed * TRAIN_STRIDE + episode


def episode_seeds(split: str, n: int) -> list[int]:
    """The first `n` reset seeds of a held-out split: ``validation``, ``test`` or ``demo``."""
    base = {"validation": VALIDATION_BASE, "test": TEST_BASE, "demo": DEMO_BASE}.get(split)
    if base is None:
        raise ValueError(f"unknown split {split!r}")
    return [base + i for i in range(n)]


def play(
    log_probs: Callable[[np.ndarray], np.ndarray],
    seeds: Sequence[int],
) -> np.ndarray:
    """[len(seeds)] the return of one episode per reset seed, the episodes run side by side.

    ``log_probs(obs [N, 4]) -> log π(·|x) [N, 2]``. Actions are sampled from π (by a generator seeded
    with the episode's seed, so an episode always plays out the same).
    """
    envs = [make_env() for _ in seeds]
    obs = np.stack([env.reset(seed=int(s))[0] for env, s in zip(envs, seeds, strict=True)]).astype(
        np.float32
    )
    rngs = [np.random.default_rng(int(s)) for s in seeds]
    returns = np.zeros(len(seeds))
    alive = np.ones(len(seeds), dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        probs = np.exp(log_probs(obs[idx]))
        for row, i in enumerate(idx):
            action = int(rngs[i].random() > probs[row, 0])  # CartPole has two actions
            o, r, term, trunc, _ = envs[i].step(action)
            returns[i] += r
            obs[i] = o
            if term or trunc:
                alive[i] = False
    for env in envs:
        env.close()
    return returns


def describe(seeds: Sequence[int], returns: Sequence[float]) -> str:
    """One line per episode, for people: ``seed -> return``."""
    return "\n".join(f"episode {s}: return {r:.0f}" for s, r in zip(seeds, returns, strict=True))


def uniform_log_probs(obs: np.ndarray) -> np.ndarray:
    """[N, 2] log ½ for every observation: the uniform random policy (a baseline)."""
    return np.full((obs.shape[0], 2), np.log(0.5))
