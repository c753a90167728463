"""Windowed BPTT (unroll.py): the properties the paper's argument rests on.

A perfect synthetic gradient makes windowed training exactly full BPTT; a zero one is exactly
truncated BPTT; truncation cuts the recall loss off the step that showed the symbol, and a
synthetic gradient reconnects it; the last boundary's bootstrapped target is exact.
"""

from __future__ import annotations

import pytest
import torch

from demos.plugins.dni.model import Config, Core, SyntheticGradient
from demos.plugins.dni.task import sample
from demos.plugins.dni.unroll import backward, dni_backward, true_boundary_grads, windows

LENGTH, WINDOW = 9, 3  # 10 steps: windows of 3, 3, 3 and 1


@pytest.fixture
def case() -> tuple[Core, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    core = Core(Config(hidden=8))
    b = sample(6, LENGTH, 4, torch.Generator().manual_seed(0))
    return core, b.inputs, b.target


def grads(core: Core) -> list[torch.Tensor]:
    out = [p.grad.clone() for p in core.parameters()]  # type: ignore[union-attr]
    core.zero_grad(set_to_none=True)
    return out


def test_windows_cover_the_episode_in_order() -> None:
    assert windows(10, 3) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert windows(4, 8) == [(0, 4)]
    with pytest.raises(ValueError):
        windows(4, 0)


def test_a_perfect_synthetic_gradient_gives_the_full_bptt_gradient(case) -> None:
    core, x, y = case
    backward(core, x, y, window=x.shape[1])
    full = grads(core)
    true = true_boundary_grads(core, x, y, WINDOW)
    assert len(true) == 3
    backward(core, x, y, WINDOW, synthetic=lambda k, s: true[k])
    for a, b in zip(grads(core), full, strict=True):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5)


def test_truncation_changes_the_gradient_and_a_zero_module_changes_nothing(case) -> None:
    core, x, y = case
    backward(core, x, y, window=x.shape[1])
    full = grads(core)
    backward(core, x, y, WINDOW)
    truncated = grads(core)
    assert max(float((a - b).abs().max()) for a, b in zip(full, truncated, strict=True)) > 1e-4
    sg = SyntheticGradient(core.cfg)  # zero-initialised
    dni_backward(core, sg, x, y, WINDOW)
    for a, b in zip(grads(core), truncated, strict=True):
        torch.testing.assert_close(a, b)


def test_truncation_cuts_the_symbol_off_and_a_synthetic_gradient_reconnects_it(case) -> None:
    core, x, y = case
    symbol_lines = slice(0, core.cfg.symbols)  # input lines that are non-zero at step 0 only
    backward(core, x, y, WINDOW)
    assert core.lstm.weight_ih_l0.grad is not None
    assert float(core.lstm.weight_ih_l0.grad[:, symbol_lines].abs().max()) == 0.0
    core.zero_grad(set_to_none=True)
    sg = SyntheticGradient(core.cfg)
    with torch.no_grad():
        sg.net.weight.normal_(0.0, 0.1)  # type: ignore[union-attr]
    dni_backward(core, sg, x, y, WINDOW)
    assert float(core.lstm.weight_ih_l0.grad[:, symbol_lines].abs().max()) > 0.0


def test_the_last_bootstrapped_target_is_the_exact_gradient(case) -> None:
    core, x, y = case
    sg = SyntheticGradient(core.cfg)
    with torch.no_grad():
        sg.net.weight.normal_(0.0, 0.1)  # type: ignore[union-attr]
    true = true_boundary_grads(core, x, y, WINDOW)
    out = dni_backward(core, sg, x, y, WINDOW)
    assert len(out.boundary_grads) == len(true)
    torch.testing.assert_close(out.boundary_grads[-1], true[-1], atol=1e-6, rtol=1e-5)
    # ... while earlier ones lean on the module's guesses, which are not the truth.
    assert float((out.boundary_grads[0] - true[0]).abs().max()) > 1e-4
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in sg.parameters())
    assert out.sg_rel_error > 0
