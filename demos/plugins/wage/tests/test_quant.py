"""Properties of the WAGE quantisers (Wu et al., ICLR 2018, Sec. 3)."""

from __future__ import annotations

import math

import pytest
import torch

from demos.plugins.wage import quant


def _on_grid(x: torch.Tensor, k: int) -> bool:
    scaled = x / quant.sigma(k)
    return bool(torch.equal(scaled, torch.round(scaled))) and float(
        x.abs().max()
    ) <= 1 - quant.sigma(k)


@pytest.mark.parametrize("k", [2, 3, 4, 6, 8, 12])
def test_quantize_puts_every_value_on_the_k_bit_grid(k: int) -> None:
    x = torch.randn(4096, generator=torch.Generator().manual_seed(k)) * 2
    q = quant.quantize(x, k)
    assert _on_grid(q, k)
    # A signed k-bit grid symmetric about 0 has at most 2^k - 1 levels.
    assert torch.unique(q).numel() <= 2**k - 1


def test_two_bit_quantisation_is_ternary() -> None:
    q = quant.quantize(torch.linspace(-2, 2, 1001), 2)
    assert set(torch.unique(q).tolist()) == {-0.5, 0.0, 0.5}
    codes = quant.integer_codes(torch.linspace(-2, 2, 1001), 2)
    assert set(torch.unique(codes).tolist()) == {-1, 0, 1}


def test_quantize_rounds_to_the_nearest_level() -> None:
    s = quant.sigma(4)
    x = torch.tensor([0.3 * s, 0.7 * s, -1.4 * s, 5.0])
    assert quant.quantize(x, 4).tolist() == [0.0, s, -s, 1 - s]


def test_shift_returns_the_nearest_power_of_two() -> None:
    x = torch.tensor([1.0, 1.4, 1.5, 3.0, 0.3, 1e-3])
    expected = [2.0 ** round(math.log2(v)) for v in x.tolist()]
    assert quant.shift(x).tolist() == pytest.approx(expected)


def test_layer_scale_follows_the_initialisation_rule() -> None:
    # k_W = 2: L_min = 1.5 * 0.5 = 0.75 > L' = sqrt(6/64) ~ 0.306, alpha = Shift(2.45) = 2.
    assert quant.layer_scale(64, 2) == (0.75, 2.0)
    # fan_in 256: L' ~ 0.153, L_min / L' ~ 4.9 -> alpha = 4.
    assert quant.layer_scale(256, 2) == (0.75, 4.0)
    # k_W = 8: L_min = 1.5 / 128 < L', so the usual limit and no scale.
    assert quant.layer_scale(256, 8) == (pytest.approx(math.sqrt(6 / 256)), 1.0)
    assert quant.layer_scale(256, 32) == (pytest.approx(math.sqrt(6 / 256)), 1.0)


def test_float_bits_switch_every_quantiser_off() -> None:
    x = torch.randn(100, generator=torch.Generator().manual_seed(0)) * 3
    assert torch.equal(quant.quantize(x, 32), x)
    assert torch.equal(quant.clip(x, 32), x)
    assert torch.equal(quant.quantize_activation(x, 32), x)
    assert torch.equal(quant.quantize_error_tensor(x, 32), x)
    assert torch.equal(quant.quantize_gradient(x, 32, 0.25), 0.25 * x)
    assert torch.equal(quant.quantize_weight(x, 32, 1.0), x)


def test_activation_quantiser_clips_and_passes_gradient_inside_the_range() -> None:
    x = torch.tensor([-2.0, -0.3, 0.01, 0.5, 3.0], requires_grad=True)
    y = quant.quantize_activation(x, 8)
    assert _on_grid(y.detach(), 8)
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("k", [4, 6, 8])
def test_error_quantiser_shift_scales_then_rounds_to_the_grid(k: int) -> None:
    e = torch.randn(64, 32, generator=torch.Generator().manual_seed(1)) * 1e-4
    q = quant.quantize_error_tensor(e, k)
    assert _on_grid(q, k)
    # Shift(max|e|) is within a factor sqrt(2) of max|e|: the largest entry lands near 1.
    assert float(q.abs().max()) >= 0.5
    # Orientation is kept: signs agree wherever the quantised error is non-zero.
    nz = q != 0
    assert torch.equal(torch.sign(q[nz]), torch.sign(e[nz]))


def test_error_quantiser_maps_an_all_zero_error_to_zeros_not_nan() -> None:
    q = quant.quantize_error_tensor(torch.zeros(3, 5), 8)
    assert torch.equal(q, torch.zeros(3, 5))
    g = quant.quantize_gradient(torch.zeros(7), 8, 8.0)
    assert torch.equal(g, torch.zeros(7))


def test_error_quantiser_acts_on_the_backward_pass_only() -> None:
    x = torch.randn(8, 16, generator=torch.Generator().manual_seed(2), requires_grad=True)
    y = quant.quantize_error(x, 6)
    assert torch.equal(y, x)
    upstream = torch.randn(8, 16, generator=torch.Generator().manual_seed(3)) * 1e-3
    y.backward(upstream)
    assert torch.equal(x.grad, quant.quantize_error_tensor(upstream, 6))
    assert _on_grid(x.grad, 6)


def test_gradient_quantiser_gives_whole_k_g_steps_bounded_by_the_rate() -> None:
    g = torch.randn(256, 64, generator=torch.Generator().manual_seed(4)) * 1e-5
    lr = 8.0
    dw = quant.quantize_gradient(g, 8, lr, torch.Generator().manual_seed(5))
    steps = dw / quant.sigma(8)
    assert torch.equal(steps, torch.round(steps))
    # |g_s| = lr * |g| / Shift(max|g|) <= lr * sqrt(2), rounded up at most once.
    assert float(steps.abs().max()) <= math.ceil(lr * math.sqrt(2))
    assert torch.all(torch.sign(dw[dw != 0]) == torch.sign(g[dw != 0]))


def test_stochastic_rounding_is_unbiased_in_expectation() -> None:
    x = torch.tensor([0.1, -0.25, 0.5, 1.7, -2.3, 0.0])
    gen = torch.Generator().manual_seed(6)
    draws = quant.stochastic_round(x.expand(20_000, -1), gen)
    assert torch.equal(draws, torch.round(draws))  # integers only
    # The std of the mean of 20k Bernoulli draws is <= 0.5 / sqrt(20k) ~ 0.0035.
    assert draws.mean(dim=0).tolist() == pytest.approx(x.tolist(), abs=0.015)
    # Each result is one of the two neighbouring integers.
    assert torch.all((draws - x).abs() < 1)


def test_stochastic_rounding_is_reproducible_with_a_cpu_generator() -> None:
    x = torch.linspace(-3, 3, 50)
    a = quant.stochastic_round(x, torch.Generator().manual_seed(7))
    b = quant.stochastic_round(x, torch.Generator().manual_seed(7))
    assert torch.equal(a, b)


def test_deterministic_rounding_drops_every_update_below_half_a_step() -> None:
    g = torch.tensor([0.1, -0.2, 0.3, 1.0])  # Shift(max) = 1: g_s = lr * g
    det = quant.gradient_codes(g, 8, 1.0, rounding="deterministic")
    assert det.tolist() == [0.0, 0.0, 0.0, 1.0]
    gen = torch.Generator().manual_seed(0)
    draws = torch.stack(
        [quant.gradient_codes(g, 8, 1.0, gen, rounding="stochastic") for _ in range(4000)]
    )
    assert torch.allclose(draws.mean(0), g, atol=0.03)  # stochastic keeps them on average
    with pytest.raises(ValueError):
        quant.gradient_codes(g, 8, 1.0, rounding="up")


def test_without_the_shift_the_rate_is_an_absolute_step_on_the_k_g_grid() -> None:
    g = torch.tensor([4.0, -2.0, 0.0]) / 128  # 4, -2 and 0 steps of sigma(8) at lr 1
    codes = quant.gradient_codes(g, 8, 1.0, shift_scale=False, rounding="deterministic")
    assert codes.tolist() == [4.0, -2.0, 0.0]
    # With the shift the same gradient is first scaled so that its largest entry is ~lr.
    shifted = quant.gradient_codes(g, 8, 1.0, shift_scale=True, rounding="deterministic")
    assert shifted.tolist() == [1.0, 0.0, 0.0]  # -1/2 rounds half to even, to 0
