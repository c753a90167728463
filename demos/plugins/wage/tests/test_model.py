"""Properties of the WAGE network and its SGD step (Wu et al., ICLR 2018, Section 3)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
import torch
from torch import nn

from demos.plugins.wage import quant
from demos.plugins.wage.model import (
    MAX_CODE,
    Config,
    WageMLP,
    integer_forward,
    round_shift,
    sse_loss,
)
from demos.plugins.wage.task import load_digits_split
from demos.plugins.wage.train import parse_bits

SMALL = (64, 32, 32, 10)


def _batch(n: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    data = load_digits_split()
    return data.x_train[:n], data.y_train[:n]


def _model(**overrides: object) -> WageMLP:
    cfg = replace(Config(), **overrides)
    return WageMLP(cfg, torch.Generator().manual_seed(0))


def test_initial_ternary_weights_take_three_levels_in_about_equal_shares() -> None:
    model = _model()  # 2-8-8-8, 64-256-256-10
    for w, alpha in zip(model.forward_weights(), model.alphas, strict=False):
        levels = torch.unique(w * alpha)
        assert levels.tolist() == [-0.5, 0.0, 0.5]
        shares = torch.stack([(w * alpha == v).float().mean() for v in levels])
        assert torch.all((shares - 1 / 3).abs() < 0.06)


def test_all_32_bit_widths_reproduce_a_plain_float_mlp_and_sgd() -> None:
    model = _model(sizes=SMALL, k_w=32, k_a=32, k_g=32, k_e=32)
    assert model.alphas.tolist() == [1.0, 1.0, 1.0]
    layers = [nn.Linear(i, o, bias=False) for i, o in itertools.pairwise(SMALL)]
    for lin, w in zip(layers, model.weights, strict=False):
        lin.weight.data.copy_(w.detach())
    plain = nn.Sequential(layers[0], nn.ReLU(), layers[1], nn.ReLU(), layers[2])
    x, y = _batch()
    out_wage, out_plain = model(x), plain(x)
    assert torch.allclose(out_wage, out_plain, atol=1e-6)
    sse_loss(out_wage, y).backward()
    sse_loss(out_plain, y).backward()
    for lin, w in zip(layers, model.weights, strict=False):
        assert torch.allclose(w.grad, lin.weight.grad, atol=1e-6)
    model.sgd_step(0.05)
    torch.optim.SGD(plain.parameters(), lr=0.05).step()
    for lin, w in zip(layers, model.weights, strict=False):
        assert torch.allclose(w.detach(), lin.weight.detach(), atol=1e-6)


def _loss_after_steps(model: WageMLP, lr: float, steps: int) -> tuple[float, float]:
    x, y = _batch()
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        before = float(sse_loss(model(x), y))
    for _ in range(steps):
        sse_loss(model(x), y).backward()
        model.sgd_step(lr, gen)
    with torch.no_grad():
        after = float(sse_loss(model(x), y))
    return before, after


def test_one_training_step_reduces_the_loss_on_a_fixed_seed() -> None:
    # 8-bit weights: one whole-step update (eta = 1) already moves the forward weights.
    before, after = _loss_after_steps(_model(k_w=8), lr=1.0, steps=1)
    assert after < 0.8 * before
    before, after = _loss_after_steps(_model(k_w=32, k_a=32, k_g=32, k_e=32), lr=0.01, steps=1)
    assert after < 0.8 * before


def test_ternary_weights_need_a_few_steps_to_flip_then_the_loss_falls() -> None:
    # k_W = 2: an update of at most eta * sigma(8) = 4/128 cannot cross a ternary threshold
    # (0.25 away) in one step, so the first step leaves the forward pass unchanged.
    before, after = _loss_after_steps(_model(), lr=4.0, steps=1)
    assert after == before
    before, after = _loss_after_steps(_model(), lr=4.0, steps=10)
    assert after < 0.8 * before


def test_updates_are_whole_k_g_steps_and_weights_stay_on_their_grids() -> None:
    model = _model(sizes=SMALL, k_w=2, k_g=8)
    x, y = _batch()
    gen = torch.Generator().manual_seed(1)
    for _ in range(5):
        sse_loss(model(x), y).backward()
        model.sgd_step(model.cfg.lr, gen)
    for w, w_fwd, alpha in zip(model.weights, model.forward_weights(), model.alphas, strict=False):
        steps = w.detach() / quant.sigma(8)
        assert torch.equal(steps, torch.round(steps))  # the k_G-bit accumulator
        assert float(w.detach().abs().max()) <= 1 - quant.sigma(2)  # saturated to the k_W range
        assert set(torch.unique(w_fwd * alpha).tolist()) <= {-0.5, 0.0, 0.5}


def test_hidden_activations_and_errors_lie_on_their_grids() -> None:
    model = _model(sizes=SMALL, k_a=6, k_e=5)
    x, y = _batch()
    seen: dict[str, list[torch.Tensor]] = {"act": [], "err": []}
    original_qa, original_qe = quant.quantize_activation, quant.quantize_error

    def record_activation(t: torch.Tensor, k: int) -> torch.Tensor:
        out = original_qa(t, k)
        seen["act"].append(out.detach())
        return out

    def record_error(t: torch.Tensor, k: int) -> torch.Tensor:
        # The quantised error is the gradient arriving at the input of Q_E.
        t.register_hook(lambda g: seen["err"].append(g.detach()))
        return original_qe(t, k)

    quant.quantize_activation, quant.quantize_error = record_activation, record_error
    try:
        sse_loss(model(x), y).backward()
    finally:
        quant.quantize_activation, quant.quantize_error = original_qa, original_qe
    assert len(seen["act"]) == 3 and len(seen["err"]) == 3
    for a in seen["act"]:
        scaled = a / quant.sigma(6)
        assert torch.equal(scaled, torch.round(scaled)) and float(a.abs().max()) <= 1 - quant.sigma(
            6
        )
    for e in seen["err"]:
        scaled = e / quant.sigma(5)
        assert torch.equal(scaled, torch.round(scaled)) and float(e.abs().max()) <= 1 - quant.sigma(
            5
        )


def test_round_shift_is_torch_round_of_the_division_in_integers() -> None:
    acc = torch.arange(-70, 71, dtype=torch.int64)
    for s in range(0, 5):
        expected = torch.round(acc.to(torch.float64) / 2**s).to(torch.int64)
        assert torch.equal(round_shift(acc, s), expected), s


@pytest.mark.parametrize("bits", ["2-8-8-8", "8-8-8-8", "2-4-8-8", "2-2-8-8"])
def test_the_integer_forward_pass_equals_the_simulated_one_exactly(bits: str) -> None:
    model = _model(**dict(zip(("k_w", "k_a", "k_g", "k_e"), parse_bits(bits), strict=True)))
    x = load_digits_split().x_test[:64]
    scores = integer_forward(model, x)
    assert scores.dtype == torch.int64
    cfg = model.cfg
    scale = 2.0 ** (cfg.k_a + cfg.k_w - 2) * float(model.alphas[-1])
    assert torch.equal(model(x) * scale, scores.to(torch.float32))
    with pytest.raises(ValueError):
        integer_forward(_model(k_w=32, k_a=32, k_g=32, k_e=32), x)


def test_sgd_step_counts_the_update_codes_and_the_variants_change_them() -> None:
    shares = {}
    for rounding in ("stochastic", "deterministic"):
        model = _model(rounding=rounding, lr=1.0)
        data = load_digits_split()
        gen = torch.Generator().manual_seed(0)
        for _ in range(3):
            sse_loss(model(data.x_train[:64]), data.y_train[:64]).backward()
            model.sgd_step(model.cfg.lr, gen)
        counts = model.update_counts
        assert int(counts.sum()) == 3 * sum(w.numel() for w in model.weights)
        shares[rounding] = float(counts[:, MAX_CODE].sum() / counts.sum())
    assert shares["deterministic"] > shares["stochastic"]
    assert _model(grad_shift=False).cfg.variant == "noshift"
    assert _model(grad_shift=False).cfg.learning_rate(0) == Config().lr_float
