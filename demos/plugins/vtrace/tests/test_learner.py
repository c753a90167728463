"""The actor-learner loop: lagged snapshots, the NumPy actor matching the network, and learning."""

from __future__ import annotations

import numpy as np
import torch

from demos.plugins.vtrace.learner import Actors, LearnConfig, NumpyPolicy, learn, loss_of
from demos.plugins.vtrace.model import ActorCritic, Config


def test_the_numpy_actor_computes_the_networks_policy() -> None:
    torch.manual_seed(0)
    net = ActorCritic(Config())
    obs = np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32)
    with torch.no_grad():
        expected = torch.log_softmax(net(torch.from_numpy(obs))[0], -1).numpy()
    assert np.allclose(NumpyPolicy(net.state_dict()).log_probs(obs), expected, atol=1e-5)


def test_a_snapshot_does_not_follow_later_updates() -> None:
    torch.manual_seed(0)
    net = ActorCritic(Config())
    snap = NumpyPolicy(net.state_dict())
    obs = np.ones((1, 4), dtype=np.float32)
    before = snap.log_probs(obs).copy()
    with torch.no_grad():
        for p in net.parameters():
            p.add_(1.0)
    assert np.array_equal(snap.log_probs(obs), before)


def test_an_unroll_has_the_shapes_and_episode_ends_of_the_batch() -> None:
    torch.manual_seed(0)
    actors = Actors(4, seed=0)
    batch = actors.unroll(NumpyPolicy(ActorCritic(Config()).state_dict()), 30)
    actors.close()
    assert batch["obs"].shape == (31, 4, 4) and batch["actions"].shape == (30, 4)
    assert batch["rewards"].eq(1).all() and batch["done"].sum() >= 1  # a random policy falls fast
    assert (batch["logmu"] <= 0).all()


def test_on_policy_the_importance_weights_are_one() -> None:
    torch.manual_seed(0)
    net = ActorCritic(Config())
    actors = Actors(4, seed=1)
    batch = actors.unroll(NumpyPolicy(net.state_dict()), 10)
    actors.close()
    _, parts = loss_of(net, batch, LearnConfig())
    assert abs(parts["mean_rho"] - 1.0) < 1e-4


def test_the_actors_policy_lags_the_learner_by_k_updates() -> None:
    seen: list[float] = []
    # With lag 3 the first 4 unrolls are played by the initial parameters: ratios drift from 1 only
    # once the learner has moved; with lag 0 every unroll is on-policy.
    learn(LearnConfig(lag=3, updates=6, lr=3e-2), lambda u, f: seen.append(f["mean_rho"]))
    assert abs(seen[0] - 1.0) < 1e-4 and any(abs(r - 1.0) > 1e-3 for r in seen[1:])
    on: list[float] = []
    learn(LearnConfig(lag=0, updates=6, lr=3e-2), lambda u, f: on.append(f["mean_rho"]))
    assert all(abs(r - 1.0) < 1e-4 for r in on)


def test_a_fixed_seed_run_is_reproducible() -> None:
    a = learn(LearnConfig(updates=5, seed=3))
    b = learn(LearnConfig(updates=5, seed=3))
    for x, y in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert torch.equal(x, y)
