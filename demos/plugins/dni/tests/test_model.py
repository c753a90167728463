"""The core and the synthetic-gradient module: shapes, the zero start, state passing."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.dni.model import Config, Core, SyntheticGradient


@pytest.mark.parametrize("sg_hidden", [0, 16])
def test_the_synthetic_gradient_has_the_state_shape_and_starts_at_zero(sg_hidden: int) -> None:
    cfg = Config(hidden=8, sg_hidden=sg_hidden)
    sg = SyntheticGradient(cfg)
    s = torch.randn(5, cfg.state)
    out = sg(s)
    assert out.shape == (5, 2 * 8)
    assert torch.equal(out, torch.zeros_like(out))  # untrained: exactly truncated BPTT


def test_the_core_maps_a_window_to_logits_and_the_next_state() -> None:
    torch.manual_seed(0)
    cfg = Config(symbols=4, hidden=8)
    core = Core(cfg)
    x = torch.randn(3, 7, cfg.inputs)
    logits, s = core(x, core.initial_state(3))
    assert logits.shape == (3, 7, 4) and s.shape == (3, cfg.state)


def test_running_in_windows_carries_the_state_exactly() -> None:
    torch.manual_seed(0)
    core = Core(Config(hidden=8))
    x = torch.randn(2, 9, core.cfg.inputs)
    whole, end = core(x, core.initial_state(2))
    first, mid = core(x[:, :4], core.initial_state(2))
    second, end2 = core(x[:, 4:], mid)
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)
    torch.testing.assert_close(end2, end)


def test_the_forget_gate_bias_starts_where_the_config_says() -> None:
    core = Core(Config(hidden=6, forget_bias=1.0))
    bias = core.lstm.bias_ih_l0 + core.lstm.bias_hh_l0
    assert torch.allclose(bias[6:12], torch.ones(6))
