"""The receptive-field description agrees with the dilations and with the model's dependencies."""

from __future__ import annotations

import itertools

import pytest
import torch

from demos.plugins.wavenet import receptive
from demos.plugins.wavenet.model import Config, WaveNet
from demos.plugins.wavenet.tests.conftest import TINY


def test_every_path_step_is_a_tap_of_its_layer_and_ends_at_the_asked_input() -> None:
    dil = TINY.dilations
    for offset in range(-(TINY.receptive_field - 1), 1):
        path = receptive.path_to_input(dil, offset)
        assert path[0] == 0 and path[-1] == offset and len(path) == len(dil) + 1
        for d, (a, b) in zip(reversed(dil), itertools.pairwise(path), strict=True):
            assert a - b in (0, d)


def test_an_offset_beyond_the_receptive_field_is_refused() -> None:
    with pytest.raises(ValueError):
        receptive.path_to_input(TINY.dilations, -TINY.receptive_field)


def test_the_inputs_on_some_path_are_exactly_those_the_output_depends_on() -> None:
    torch.manual_seed(0)
    model = WaveNet(TINY)
    x = model.embed(torch.randint(0, 256, (1, 60))).detach().requires_grad_(True)
    # Gradient of the last output with respect to each input column (bypassing the lookup).
    h = model.conditioning(torch.tensor([0]), torch.tensor([0]))
    y = torch.randn(1, TINY.local_channels, 60)
    a, skip = x.transpose(1, 2), 0.0
    for layer in model.layers:
        a, s = layer(a, h, y)
        skip = skip + s
    skip[..., -1].sum().backward()
    depends = {int(i) - 59 for i in torch.nonzero(x.grad[0].abs().sum(1)).flatten()}
    assert depends == set(receptive.active_offsets(TINY.dilations)[0].tolist())


def test_the_bundled_description_is_4095_samples_and_256_ms() -> None:
    d = receptive.describe(Config())
    assert d["receptive_field_samples"] == 4095 and d["receptive_field_ms"] == pytest.approx(255.94)
    assert d["active_per_level"][0] == 1 and d["active_per_level"][-1] == 4095
    assert len(d["coverage"]) == len(d["dilations"]) + 1
    assert [row["stack"] for row in d["layers"]] == [1] * 11 + [2] * 11
