"""The WAGE quantisers: W, A, G and E constrained to low-bit integer grids.

Wu, Li, Chen & Shi, "Training and Inference with Integers in Deep Neural Networks", ICLR 2018
(arXiv:1802.04680), Section 3 ("WAGE quantization"):

- sigma(k) = 2^(1-k), the distance between neighbouring k-bit levels;
- Q(x, k) = Clip{sigma(k) * round(x / sigma(k)), -1 + sigma(k), 1 - sigma(k)}, the linear
  mapping to a signed k-bit integer grid with deterministic rounding;
- Shift(x) = 2^round(log2 x), the nearest power of two, so every rescaling is a bit shift;
- initialisation limit L = max(L_min, L'), L_min = beta * sigma(k_W), and the layer scale
  alpha = max{Shift(L_min / L'), 1} that stands in for batch normalisation
  (weight initialisation);
- Q_W(W) = Q(W, k_W) and Q_A(a) = Q(a / alpha, k_A) (like the authors' code we fold 1/alpha
  into the weights, which gives the same products);
- Q_E(e) = Q(e / Shift(max|e|), k_E): errors keep their orientation, not their scale;
- Q_G: g_s = eta * g / Shift(max|g|) with eta a power of two, then
  Delta W = sigma(k_G) * sgn(g_s) * (floor|g_s| + Bernoulli(|g_s| - floor|g_s|)), i.e.
  *stochastic* rounding to an integer count of k_G-bit steps.

A bit width ``k >= FLOAT_BITS`` (32) switches a quantiser off, which gives the float path.
All functions work on CPU tensors; stochastic rounding draws from an explicit
``torch.Generator`` so runs are reproducible and never assume CUDA.
"""

from __future__ import annotations

import torch

FLOAT_BITS = 32  # k >= FLOAT_BITS means "no quantisation": the float32 path.
BETA = 1.5  # the paper's beta > 1 in L_min = beta * sigma(k_W): keeps init weights off zero.


def is_float(k: int) -> bool:
    """True when bit width ``k`` means "keep float32" (quantiser switched off)."""
    return k >= FLOAT_BITS


def sigma(k: int) -> float:
    """sigma(k): the resolution 2^(1-k) of a signed k-bit fixed-point number in (-1, 1)."""
    return 2.0 ** (1 - k)


def shift(x: torch.Tensor) -> torch.Tensor:
    """Shift(x): the power of two nearest to x (x > 0), 2^round(log2 x)."""
    return torch.pow(2.0, torch.round(torch.log2(x)))


def clip(x: torch.Tensor, k: int) -> torch.Tensor:
    """Saturate x to the k-bit range [-1 + sigma(k), 1 - sigma(k)] (identity on the float path)."""
    if is_float(k):
        return x
    bound = 1.0 - sigma(k)
    return torch.clamp(x, -bound, bound)


def quantize(x: torch.Tensor, k: int) -> torch.Tensor:
    """Q(x, k): deterministic rounding onto the k-bit grid, then saturation.

    Any shape in, same shape out; every output value is an integer multiple of sigma(k).
    """
    if is_float(k):
        return x
    s = sigma(k)
    return clip(torch.round(x / s) * s, k)


def integer_codes(x: torch.Tensor, k: int) -> torch.Tensor:
    """The signed integers n with Q(x, k) = n * sigma(k): what k-bit hardware would store."""
    return torch.round(quantize(x, k) / sigma(k)).to(torch.int64)


def layer_scale(fan_in: int, k_w: int) -> tuple[float, float]:
    """Section 3.3.1: the init limit L and the layer-wise shift scale alpha for one layer.

    L' = sqrt(6 / fan_in) is the usual uniform (He/"MSRA"-style) limit; low-bit weights need at
    least L_min = beta * sigma(k_W), otherwise almost every initial weight rounds to zero. Since
    the weights are then larger than L' wants, the layer output is divided by
    alpha = max{Shift(L_min / L'), 1}, a power of two (a bit shift in hardware).

    Returns (L, alpha).
    """
    limit_float = (6.0 / fan_in) ** 0.5
    if is_float(k_w):
        return limit_float, 1.0
    limit_min = BETA * sigma(k_w)
    alpha = max(float(shift(torch.tensor(limit_min / limit_float))), 1.0)
    return max(limit_min, limit_float), alpha


def quantize_weight(w: torch.Tensor, k_w: int, alpha: float) -> torch.Tensor:
    """Q_W: the forward weight Q(W, k_W) / alpha, with a straight-through gradient.

    w: [out, in]. Rounding has zero derivative almost everywhere, so (as in the paper) the
    backward pass treats Q_W as the identity: dL/dW := dL/dW_q.
    """
    w_q = quantize(w, k_w) / alpha
    return w + (w_q - w).detach()


def quantize_activation(x: torch.Tensor, k_a: int) -> torch.Tensor:
    """Q_A(x) = Q(x, k_A); the clip keeps its gradient (zero where saturated), the
    rounding is straight-through. x: any shape."""
    x_c = clip(x, k_a)
    return x_c + (quantize(x_c, k_a) - x_c).detach()


def quantize_error_tensor(e: torch.Tensor, k_e: int) -> torch.Tensor:
    """Q_E(e) = Q(e / Shift(max|e|), k_E).

    Errors are tiny and shrink layer by layer, so only their *orientation* is kept: shift-scaling
    puts the largest entry near 1 before rounding. A zero tensor (max = 0, e.g. a batch already
    fitted exactly) would make Shift(0) = 0 and the division NaN; it is returned as zeros.
    """
    if is_float(k_e):
        return e
    e_max = e.abs().max()
    if e_max == 0:
        return torch.zeros_like(e)
    return quantize(e / shift(e_max), k_e)


class _QuantizeError(torch.autograd.Function):
    """Identity forward; Q_E on the error flowing backward through this point."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, k_e: int) -> torch.Tensor:
        ctx.k_e = k_e
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return quantize_error_tensor(grad, ctx.k_e), None


def quantize_error(x: torch.Tensor, k_e: int) -> torch.Tensor:
    """Mark x so that the error dL/dx is quantised by Q_E in the backward pass."""
    if is_float(k_e):
        return x
    return _QuantizeError.apply(x, k_e)


def stochastic_round(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Round x to a neighbouring integer, up with probability frac(x): unbiased, E[result] = x.

    The paper writes sgn(x) * (floor|x| + Bernoulli(|x| - floor|x|)); floor(x + u) with
    u ~ U[0, 1) has exactly the same distribution for either sign and costs fewer passes.
    """
    draw = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    return torch.floor(x + draw)


ROUNDINGS = ("stochastic", "deterministic")


def gradient_codes(
    g: torch.Tensor,
    k_g: int,
    lr: float,
    generator: torch.Generator | None = None,
    *,
    rounding: str = "stochastic",
    shift_scale: bool = True,
) -> torch.Tensor:
    """The integer number of k_G-bit steps n in Delta W = sigma(k_G) * n (a float tensor of integers).

    The paper's Q_G (``shift_scale``, ``rounding="stochastic"``): g_s = lr * g / Shift(max|g|),
    n = stochastic_round(g_s). The ablations of ``evaluate.py`` change one part each:
    ``rounding="deterministic"`` rounds g_s to the nearest integer (every |g_s| < 1/2 becomes a
    zero update); ``shift_scale=False`` drops the division by Shift(max|g|), so that lr is an
    absolute SGD step and n = round(lr * g / sigma(k_G)). An all-zero gradient gives n = 0.
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding is one of {ROUNDINGS}, not {rounding!r}")
    if shift_scale:
        g_max = g.abs().max()
        if g_max == 0:
            return torch.zeros_like(g)
        scaled = lr * g / shift(g_max)
    else:
        scaled = lr * g / sigma(k_g)
    if rounding == "stochastic":
        return stochastic_round(scaled, generator)
    return torch.round(scaled)


def quantize_gradient(
    g: torch.Tensor,
    k_g: int,
    lr: float,
    generator: torch.Generator | None = None,
    *,
    rounding: str = "stochastic",
    shift_scale: bool = True,
) -> torch.Tensor:
    """Q_G: the weight update Delta W = Q_G(g) for plain mini-batch SGD.

    g: a weight gradient, any shape. On the float path this is just lr * g. Otherwise
    g_s = lr * g / Shift(max|g|) (lr a power of two, so still a shift) and
    Delta W = sigma(k_G) * stochastic_round(g_s): an integer number of k_G-bit steps, at most
    about lr of them. As for errors, an all-zero gradient gives a zero update, not NaN.
    ``rounding`` and ``shift_scale``: see `gradient_codes`.
    """
    if is_float(k_g):
        return lr * g
    codes = gradient_codes(g, k_g, lr, generator, rounding=rounding, shift_scale=shift_scale)
    return sigma(k_g) * codes
