"""The model: a linear unit, shapes [batch] -> [batch], rebuilt from its Config."""

from __future__ import annotations

import torch

from tests.demo_plugins.probe.model import Config, Probe


def test_the_model_maps_a_batch_of_counts_to_a_batch_of_readings() -> None:
    torch.manual_seed(0)
    model = Probe(Config())
    assert model(torch.arange(5.0)).shape == (5,)


def test_the_initial_weights_scale_with_the_config() -> None:
    torch.manual_seed(0)
    small = Probe(Config(init_scale=1e-3))
    assert float(small.linear.weight.detach().abs().max()) < 0.01
