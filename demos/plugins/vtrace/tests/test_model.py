"""The actor-critic: shapes, a near-uniform first policy, and a size that fits a small checkpoint."""

from __future__ import annotations

import torch

from demos.plugins.vtrace.model import ActorCritic, Config, parameter_count


def test_the_network_maps_time_and_batch_to_logits_and_values() -> None:
    torch.manual_seed(0)
    net = ActorCritic(Config())
    logits, values = net(torch.randn(21, 8, 4))
    assert logits.shape == (21, 8, 2) and values.shape == (21, 8)


def test_the_first_policy_is_near_uniform_and_the_first_baseline_near_zero() -> None:
    torch.manual_seed(0)
    logits, values = ActorCritic(Config())(torch.randn(64, 4))
    probs = torch.softmax(logits, -1)
    assert torch.allclose(probs, torch.full_like(probs, 0.5), atol=0.02)
    assert float(values.detach().abs().max()) < 1.0


def test_the_network_is_cpu_sized() -> None:
    assert parameter_count(ActorCritic(Config())) < 10_000
