"""Properties of the ACT cell (Graves 2016, section 2): halting distribution, step cap, gradients."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from demos.plugins.act.model import ACTRNN, Config, act_loss


def _model(seed: int, halt_bias: float, max_steps: int = 12, dim: int = 6) -> ACTRNN:
    torch.manual_seed(seed)
    model = ACTRNN(
        Config(
            input_size=dim,
            hidden_size=16,
            max_steps=max_steps,
            halt_bias_init=halt_bias,
        )
    )
    return model.double()


def _inputs(seed: int, batch: int = 16, time: int = 2, dim: int = 6) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(-1, 2, (batch, time, dim), generator=g).double()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), bias=st.floats(-4.0, 4.0), max_steps=st.integers(1, 10))
def test_halting_probabilities_sum_to_one_and_steps_stay_within_the_cap(
    seed: int, bias: float, max_steps: int
) -> None:
    out = _model(seed, bias, max_steps)(_inputs(seed))
    torch.testing.assert_close(
        out.halting.sum(dim=-1), torch.ones_like(out.remainder), rtol=0, atol=1e-12
    )
    assert (out.halting >= 0).all()
    assert (out.steps >= 1).all() and (out.steps <= max_steps).all()
    # p is zero after step N(t), and its last non-zero entry is the remainder R(t).
    width = out.halting.shape[-1]
    after = torch.arange(1, width + 1) > out.steps.unsqueeze(-1)
    assert (out.halting[after] == 0).all()
    last = out.halting.gather(-1, (out.steps - 1).unsqueeze(-1)).squeeze(-1)
    torch.testing.assert_close(last, out.remainder)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), bias=st.floats(-3.0, 3.0))
def test_it_halts_at_the_first_step_whose_running_sum_reaches_one_minus_epsilon(
    seed: int, bias: float
) -> None:
    model = _model(seed, bias, max_steps=12)
    out = model(_inputs(seed))
    threshold = 1 - model.cfg.epsilon
    before = out.halting.sum(-1) - out.remainder  # Σ_{n<N} h^n
    assert (before < threshold).all()
    halted_by_threshold = out.steps < model.cfg.max_steps
    h_last = out.halt_units.gather(-1, (out.steps - 1).unsqueeze(-1)).squeeze(-1)
    assert (before + h_last >= threshold)[halted_by_threshold].all()
    torch.testing.assert_close(out.ponder_cost, out.steps.double() + out.remainder)


def test_a_strongly_negative_halting_bias_runs_to_the_cap() -> None:
    model = _model(0, -20.0, max_steps=7)
    out = model(_inputs(0))
    assert (out.steps == 7).all()
    torch.testing.assert_close(out.halting.sum(-1), torch.ones_like(out.remainder))


def test_outputs_are_the_mean_field_of_the_ponder_steps() -> None:
    model = _model(3, 0.0)
    out = model(_inputs(3, time=1))
    expected = (out.halting.unsqueeze(-1) * out.step_logits).sum(dim=2)
    torch.testing.assert_close(out.logits, expected)


def test_one_step_model_is_a_plain_rnn() -> None:
    model = _model(1, 0.0, max_steps=1)
    x = _inputs(1, time=1)
    out = model(x)
    assert (out.steps == 1).all() and (out.remainder == 1).all()
    flag = torch.ones(x.shape[0], 1, dtype=x.dtype)
    s = model.cell(torch.cat([x[:, 0], flag], -1), torch.zeros(x.shape[0], 16, dtype=x.dtype))
    torch.testing.assert_close(out.logits[:, 0], model.output(s))


def test_ponder_cost_gradient_flows_only_through_the_remainder() -> None:
    """∂ρ/∂h^n = -1 for n < N(t) and 0 for n >= N(t): N contributes no gradient."""
    model = _model(5, 0.5, max_steps=12)
    halt_logits: list[torch.Tensor] = []

    def keep(_module: torch.nn.Module, _inp: tuple, output: torch.Tensor) -> None:
        output.retain_grad()
        halt_logits.append(output)

    model.halt.register_forward_hook(keep)
    out = model(_inputs(5, time=1))
    assert out.steps.min() < out.steps.max() or out.steps.max() > 1  # a case with real pondering
    out.ponder_cost.sum().backward()
    steps = out.steps[:, 0]
    for n, a in enumerate(halt_logits, start=1):
        h = torch.sigmoid(a.detach().squeeze(-1))
        dh = h * (1 - h)  # dσ/da
        expected = torch.where(n < steps, -dh, torch.zeros_like(dh))
        # No gradient at all (None) is the same as a zero gradient: the step after every N(t).
        grad = torch.zeros_like(dh) if a.grad is None else a.grad.squeeze(-1)
        torch.testing.assert_close(grad, expected)


def test_ponder_cost_does_not_reach_the_output_layer() -> None:
    model = _model(2, 0.5)
    out = model(_inputs(2))
    out.ponder_cost.sum().backward()
    assert model.output.weight.grad is None or (model.output.weight.grad == 0).all()
    assert model.halt.weight.grad is not None and model.halt.weight.grad.abs().sum() > 0


def test_gradients_are_finite() -> None:
    model = _model(4, 1.0)
    out = model(_inputs(4))
    target = torch.randint(0, 2, out.remainder.shape, generator=torch.Generator().manual_seed(0))
    loss, _ = act_loss(out, target, time_penalty=1e-2)
    loss.backward()
    for p in model.parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all()


@pytest.mark.parametrize("tau", [0.0, 1e-2])
def test_loss_adds_tau_times_the_ponder_cost(tau: float) -> None:
    model = _model(6, 1.0)
    out = model(_inputs(6))
    target = torch.zeros_like(out.remainder)
    loss, task = act_loss(out, target, tau)
    torch.testing.assert_close(loss, task + tau * out.ponder_cost.sum(1).mean())


@pytest.mark.parametrize("steps", [2, 3, 5])
def test_a_fixed_step_model_ponders_exactly_n_times_and_answers_from_the_last_update(
    steps: int,
) -> None:
    torch.manual_seed(7)
    model = ACTRNN(Config(input_size=6, hidden_size=16, max_steps=steps, fixed_steps=True))
    model = model.double()
    out = model(_inputs(7, time=1))
    assert (out.steps == steps).all() and (out.remainder == 1).all()
    one_hot = torch.zeros(steps, dtype=out.halting.dtype)
    one_hot[-1] = 1
    assert torch.equal(out.halting[0, 0], one_hot)
    torch.testing.assert_close(out.logits[:, 0], out.step_logits[:, 0, -1])
