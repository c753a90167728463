"""Why meta-training is hard, measured (talk points 9-12).

* ``slice_experiment``: the meta-loss L(θ + α·u) along one direction u for a short and a long
  unroll, and the long one averaged over Gaussian perturbations of α (the smoothed L_σ, point 11).
  u is the magnitude-head bias, so the optimizer's overall step size scales by e^α: the long
  unroll crosses the edge of stability where the inner dynamics turn chaotic and the meta-loss
  changes faster than the sampling can follow (points 9-10).
* ``variance_experiment``: the variance of the ES gradient estimate, antithetic vs plain, for
  the same number of unrolls, from repeated independent estimates (point 12).
* ``cosine_experiment``: ES vs backprop meta-gradient on a short unroll (they agree where the
  meta-loss is smooth).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from .es import (
    antithetic_estimate,
    backprop_gradient,
    cosine,
    estimator_variance,
    meta_loss,
    meta_slice,
    plain_estimate,
    roughness,
)
from .model import N_INPUTS, n_theta
from .task import Task, small_task

SHORT_UNROLL = 10
LONG_UNROLL = 100
SLICE_POINTS = 61
SLICE_RANGE = (-2.0, 2.0)  # α: the step size scales by e^α along the slice (θ at α = 0)
SMOOTH_SIGMA = 0.2  # std of the Gaussian perturbation of α, in the same units
COSINE_PAIRS = 256
VARIANCE_PAIRS = 8  # 16 unrolls per estimate, antithetic or not
VARIANCE_REPEATS = 24


def hardness_task(seed: int = 0, horizon: int = LONG_UNROLL) -> Task:
    """The small fixed problem the analyses use (thousands of unrolls must stay cheap)."""
    return small_task(seed, horizon)


def slice_direction(hidden: int) -> torch.Tensor:
    """The magnitude-head bias axis ``[D]``: moving along it scales every step by e^α (it is
    the last entry of θ, b3[1], added to log|Δp| for every parameter)."""
    u = torch.zeros(n_theta(hidden))
    u[-1] = 1.0
    return u


def gaussian_smooth(values: torch.Tensor, spacing: float, sigma: float) -> torch.Tensor:
    """E_z L(α + σz), z ~ N(0, 1), by quadrature on the sampled grid ``values [S]`` → ``[S - 2·pad]``
    (the ends, where the kernel would leave the grid, are dropped)."""
    pad = math.ceil(3 * sigma / spacing)
    offsets = torch.arange(-pad, pad + 1, dtype=values.dtype) * spacing
    kernel = torch.exp(-0.5 * (offsets / sigma) ** 2)
    kernel = kernel / kernel.sum()
    return torch.nn.functional.conv1d(values.view(1, 1, -1), kernel.view(1, 1, -1)).flatten()


def slice_experiment(
    theta: torch.Tensor,
    hidden: int,
    seed: int = 0,
    points: int = SLICE_POINTS,
    long_unroll: int = LONG_UNROLL,
    progress: Callable[[float, str], None] | None = None,
) -> dict:
    """1-D meta-loss slices (short, long, long smoothed over perturbations) and their roughness."""
    lo, hi = SLICE_RANGE
    spacing = (hi - lo) / (points - 1)
    pad = math.ceil(3 * SMOOTH_SIGMA / spacing)
    # The grid runs `pad` points past both ends so that the smoothed curve covers [lo, hi].
    alphas = lo + spacing * torch.arange(-pad, points + pad, dtype=torch.float32)
    inner = slice(pad, pad + points)
    u = slice_direction(hidden)
    task = hardness_task(seed, long_unroll)
    short = meta_slice(task, theta, u, alphas[inner], hidden, SHORT_UNROLL)
    if progress:
        progress(35, "short unroll slice")
    long_ext = meta_slice(task, theta, u, alphas, hidden, long_unroll)
    long, smooth = long_ext[inner], gaussian_smooth(long_ext, spacing, SMOOTH_SIGMA)
    r_short, r_long, r_smooth = roughness(short), roughness(long), roughness(smooth)
    return {
        "task": task.describe(),
        "alphas": alphas[inner].tolist(),
        "short": short.tolist(),
        "long": long.tolist(),
        "smoothed_long": smooth.tolist(),
        "short_unroll": SHORT_UNROLL,
        "long_unroll": long_unroll,
        "smooth_sigma": SMOOTH_SIGMA,
        "roughness_short": r_short,
        "roughness_long": r_long,
        "roughness_smoothed_long": r_smooth,
        "roughness_long_over_short": r_long / max(r_short, 1e-12),
    }


def variance_experiment(
    theta: torch.Tensor,
    hidden: int,
    seed: int = 0,
    sigma: float = 0.01,
    unroll: int = SHORT_UNROLL,
    repeats: int = VARIANCE_REPEATS,
) -> dict:
    """Total variance of antithetic vs plain ES estimates with 2·VARIANCE_PAIRS unrolls each."""
    task = hardness_task(seed)
    gen = torch.Generator().manual_seed(seed + 777)
    anti = torch.stack(
        [
            antithetic_estimate(task, theta, hidden, sigma, VARIANCE_PAIRS, unroll, gen)[0]
            for _ in range(repeats)
        ]
    )
    plain = torch.stack(
        [
            plain_estimate(task, theta, hidden, sigma, 2 * VARIANCE_PAIRS, unroll, gen)
            for _ in range(repeats)
        ]
    )
    v_anti, v_plain = estimator_variance(anti), estimator_variance(plain)
    return {
        "unrolls_per_estimate": 2 * VARIANCE_PAIRS,
        "repeats": repeats,
        "sigma": sigma,
        "variance_antithetic": v_anti,
        "variance_plain": v_plain,
        "antithetic_variance_ratio": v_anti / v_plain,
    }


def cosine_experiment(
    theta: torch.Tensor,
    hidden: int,
    seed: int = 0,
    sigma: float = 0.01,
    unroll: int = SHORT_UNROLL,
    pairs: int = COSINE_PAIRS,
) -> dict:
    """Cosine between the antithetic ES meta-gradient and the backprop one on a short unroll."""
    task = hardness_task(seed)
    gen = torch.Generator().manual_seed(seed + 4242)
    es_grad = antithetic_estimate(task, theta, hidden, sigma, pairs, unroll, gen)[0]
    bp_grad = backprop_gradient(task, theta, hidden, unroll)
    # Reference: the cosine an unbiased estimator with this many pairs would reach in D dimensions.
    expected = 1.0 / math.sqrt(1.0 + theta.numel() / pairs)
    return {
        "es_backprop_cosine": cosine(es_grad, bp_grad),
        "cosine_unroll": unroll,
        "cosine_pairs": pairs,
        "cosine_if_only_sampling_noise": expected,
        "inputs": N_INPUTS,
    }


GRID_2D = 15
RANDOM_AXIS_SCALE = 2.0  # half-width of the random-direction axis (θ-space norm)


def slice_2d_experiment(
    theta: torch.Tensor,
    hidden: int,
    seed: int = 0,
    long_unroll: int = LONG_UNROLL,
    points: int = GRID_2D,
) -> dict:
    """Meta-loss on a 2-D plane: α along the step-size axis × β along a random unit direction,
    for the short and the long unroll. Returns ``[points, points]`` matrices (rows: β)."""
    lo, hi = SLICE_RANGE
    alphas = torch.linspace(lo, hi, points)
    betas = torch.linspace(-RANDOM_AXIS_SCALE, RANDOM_AXIS_SCALE, points)
    gen = torch.Generator().manual_seed(seed + 999)
    rand = torch.randn(theta.numel(), generator=gen)
    rand[-1] = 0.0  # keep the two axes orthogonal
    rand = rand / rand.norm()
    u = slice_direction(hidden)
    grid = (theta + alphas.view(1, -1, 1) * u + betas.view(-1, 1, 1) * rand).reshape(
        -1, theta.numel()
    )
    task = hardness_task(seed, long_unroll)
    short = meta_loss(task, grid, hidden, SHORT_UNROLL).loss.view(points, points)
    long = meta_loss(task, grid, hidden, long_unroll).loss.view(points, points)
    return {
        "alphas": alphas.tolist(),
        "betas": betas.tolist(),
        "short": short.tolist(),
        "long": long.tolist(),
    }
