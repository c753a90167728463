"""A per-parameter MLP learned optimizer, applied to a whole population of inner problems at once.

After Metz et al., "Tasks, stability, architecture, and compute: training more effective learned
optimizers, and using them to train themselves" (2020) and "Practical tradeoffs between memory,
compute, and performance in learned optimizers" (2022, the ``small_fc_lopt`` family): every scalar
parameter p of the inner problem is updated by the same small MLP f_θ,

    x_i   = [ ĝ, m̂_β (β ∈ 0.5, 0.9, 0.99), p̂, â, r̂ ,  log s_k (one per feature),  time features ]
    (d, μ) = f_θ(x_i)                                             (a 2-hidden-layer ReLU MLP)
    Δp_i  = d · exp(μ)                                            (direction × exp(magnitude))

where every raw feature is normalised by its root-mean-square s_k over the tensor the parameter
belongs to (x̂ = x / s_k), â = m̂_0.9 / (√v̂ + ε) is Adam's direction and r̂ = g / (√v̂ + ε) is
RMSProp's. The per-tensor log-scales log s_k are inputs too (a cheap "hierarchical" feature, talk
point 15). They are what lets *linear* paths through the MLP reproduce hand-designed optimizers
exactly (talk point 7): with d = -x̂_k and μ = log s_k + log η the update is -η·x_k, i.e. SGD
(x = g), heavy-ball momentum (x = m_0.9, η' = η/(1-0.9)) or Adam (x = â). ``construct_theta``
builds those weights; ReLU passes a linear signal through as relu(z) - relu(-z).

The MLP weights θ are one flat vector so evolution strategies can perturb them; a batch of θs
``[P, D]`` (one per population member) is applied with batched matmuls, member p acting only on
inner problem p. Shapes: P population members, N inner parameters, F = ``N_INPUTS`` features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn

MOMENTUM_BETAS = (0.5, 0.9, 0.99)
RMS_BETA = 0.999
ADAM_BETA = 0.9  # the momentum Adam's direction feature uses (index 1 of MOMENTUM_BETAS)
ADAM_EPS = 1e-8
_NORM_EPS = 1e-24  # inside the per-tensor RMS square root: keeps log s finite for all-zero tensors
LOG_SCALE_MULT = 0.1  # log-scales are ~-10..2; shrink them to O(1) inputs
TIME_SCALES = (10.0, 100.0)
MAX_LOG_STEP = 3.0  # clamp on the magnitude head: |Δp| ≤ e^3·|d| keeps one bad θ from overflowing

# Indices of the normalised features.
F_GRAD, F_M50, F_M90, F_M99, F_PARAM, F_ADAM, F_RMSPROP = range(7)
N_NORMED = 7
N_TIME = 1 + len(TIME_SCALES)
N_INPUTS = 2 * N_NORMED + N_TIME
FEATURE_NAMES = (
    "grad",
    "mom0.5",
    "mom0.9",
    "mom0.99",
    "param",
    "adam_dir",
    "rmsprop_dir",
)


@dataclass
class Config:
    """Learned-optimizer architecture and its starting point for meta-training."""

    hidden: int = 16
    init_kind: str = "adam"  # hand-designed optimizer the weights start from
    init_lr: float = 3e-2
    init_noise: float = 0.01  # std of the random weights of the spare hidden units


class InnerState(NamedTuple):
    """Optimizer state for P inner problems of N parameters (all [P, N] but ``step``)."""

    params: torch.Tensor
    moms: torch.Tensor  # [len(MOMENTUM_BETAS), P, N]
    rms: torch.Tensor  # second-moment EMA v
    step: int


def init_state(params: torch.Tensor) -> InnerState:
    """Zero momenta for params ``[P, N]``."""
    zeros = torch.zeros_like(params)
    return InnerState(params, torch.zeros((len(MOMENTUM_BETAS), *params.shape)), zeros, 0)


def n_theta(hidden: int) -> int:
    """Number of meta-parameters of a 2-hidden-layer MLP N_INPUTS → hidden → hidden → 2."""
    return N_INPUTS * hidden + hidden + hidden * hidden + hidden + hidden * 2 + 2


def unpack(theta: torch.Tensor, hidden: int) -> list[torch.Tensor]:
    """Split ``theta [P, D]`` into [W1 [P,F,H], b1 [P,H], W2 [P,H,H], b2 [P,H], W3 [P,H,2], b3 [P,2]]."""
    shapes = [
        (N_INPUTS, hidden),
        (hidden,),
        (hidden, hidden),
        (hidden,),
        (hidden, 2),
        (2,),
    ]
    out, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        out.append(theta[:, start : start + size].reshape(theta.shape[0], *shape))
        start += size
    return out


def features(
    state: InnerState, grad: torch.Tensor, seg_ids: torch.Tensor, horizon: int
) -> tuple[torch.Tensor, InnerState]:
    """Update the accumulators with ``grad [P, N]`` and return (inputs [P, N, F], new state).

    ``seg_ids [N]`` says which tensor (weight matrix, bias, …) each flat parameter belongs to;
    normalisation statistics are per member and per tensor (tensors are contiguous slices).
    """
    moms = torch.stack(
        [b * m + (1 - b) * grad for b, m in zip(MOMENTUM_BETAS, state.moms, strict=False)]
    )
    rms = RMS_BETA * state.rms + (1 - RMS_BETA) * grad * grad
    t = state.step + 1
    m_hat = moms[1] / (1 - ADAM_BETA**t)
    denom = torch.sqrt(rms / (1 - RMS_BETA**t)) + ADAM_EPS
    raw = torch.stack(
        [grad, moms[0], moms[1], moms[2], state.params, m_hat / denom, grad / denom],
        dim=-1,
    )  # [P, N, 7]
    lengths = torch.bincount(seg_ids)
    chunks = torch.split(raw * raw, lengths.tolist(), dim=1)
    mean_sq = torch.stack([c.mean(dim=1) for c in chunks], dim=1)  # [P, tensors, 7]
    scale = torch.repeat_interleave(torch.sqrt(mean_sq + _NORM_EPS), lengths, dim=1)
    p_count, n_count = grad.shape
    time = torch.tensor([t / horizon] + [math.tanh(t / s) for s in TIME_SCALES], dtype=raw.dtype)
    x = torch.cat(
        [
            raw / scale,
            LOG_SCALE_MULT * torch.log(scale),
            time.expand(p_count, n_count, N_TIME),
        ],
        -1,
    )
    return x, InnerState(state.params, moms, rms, t)


def mlp_update(theta: torch.Tensor, x: torch.Tensor, hidden: int) -> torch.Tensor:
    """Per-parameter MLP: ``theta [P, D]``, ``x [P, N, F]`` → update Δp ``[P, N]``."""
    w1, b1, w2, b2, w3, b3 = unpack(theta, hidden)
    h = torch.relu(torch.baddbmm(b1.unsqueeze(1), x, w1))
    h = torch.relu(torch.baddbmm(b2.unsqueeze(1), h, w2))
    out = torch.baddbmm(b3.unsqueeze(1), h, w3)
    direction, magnitude = out[..., 0], out[..., 1]
    return direction * torch.exp(magnitude.clamp(max=MAX_LOG_STEP))


def learned_step(
    theta: torch.Tensor,
    state: InnerState,
    grad: torch.Tensor,
    seg_ids: torch.Tensor,
    horizon: int,
    hidden: int,
) -> InnerState:
    """One learned-optimizer step on P inner problems: params ← params + f_θ(features)."""
    x, state = features(state, grad, seg_ids, horizon)
    params = state.params + mlp_update(theta, x, hidden)
    return InnerState(params, state.moms, state.rms, state.step)


_LINEAR_FEATURE = {
    "sgd": (F_GRAD, 1.0),
    "momentum": (F_M90, 1.0 / (1.0 - 0.9)),
    "adam": (F_ADAM, 1.0),
}


def construct_theta(
    kind: str, lr: float, hidden: int = 16, noise: float = 0.0, seed: int = 0
) -> torch.Tensor:
    """Weights ``[D]`` under which the learned optimizer *is* a hand-designed one (point 7).

    kind: "sgd" (Δp = -lr·g), "momentum" (PyTorch heavy ball, μ = 0.9, Δp = -lr·buf) or
    "adam" (β = 0.9, 0.999, ε = 1e-8). Hidden units 0-3 carry ±x̂_k and ±log s_k through the
    ReLUs; the other units get N(0, noise²) input weights and zero output weights, so they do
    not change the update but give evolution strategies something to grow.
    """
    if kind not in _LINEAR_FEATURE:
        raise ValueError(f"unknown optimizer kind {kind!r}")
    feat, gain = _LINEAR_FEATURE[kind]
    gen = torch.Generator().manual_seed(seed)
    w1 = noise * torch.randn(N_INPUTS, hidden, generator=gen, dtype=torch.float64)
    b1 = torch.zeros(hidden, dtype=torch.float64)
    w2 = noise * torch.randn(hidden, hidden, generator=gen, dtype=torch.float64)
    b2 = torch.zeros(hidden, dtype=torch.float64)
    w3 = torch.zeros(hidden, 2, dtype=torch.float64)
    b3 = torch.zeros(2, dtype=torch.float64)
    log_in = N_NORMED + feat
    w1[:, :4] = 0.0
    w1[feat, 0], w1[feat, 1] = 1.0, -1.0  # relu(x̂), relu(-x̂)
    w1[log_in, 2], w1[log_in, 3] = 1.0, -1.0  # relu(0.1·log s), relu(-0.1·log s)
    w2[:4, :] = 0.0
    w2[:, :4] = 0.0
    w2[0, 0] = w2[1, 1] = w2[2, 2] = w2[3, 3] = 1.0
    w3[0, 0], w3[1, 0] = -1.0, 1.0  # d = -x̂
    w3[2, 1], w3[3, 1] = (
        1.0 / LOG_SCALE_MULT,
        -1.0 / LOG_SCALE_MULT,
    )  # μ = log s + log(lr·gain)
    b3[1] = math.log(lr * gain)
    theta = torch.cat([w1.flatten(), b1, w2.flatten(), b2, w3.flatten(), b3])
    return theta.to(torch.get_default_dtype())


class LearnedOptimizer(nn.Module):
    """Holds the flat meta-parameters θ ``[D]``; ``step`` applies them (one member or many)."""

    def __init__(self, cfg: Config | None = None, seed: int = 0) -> None:
        super().__init__()
        self.cfg = cfg or Config()
        init = construct_theta(
            self.cfg.init_kind,
            self.cfg.init_lr,
            self.cfg.hidden,
            self.cfg.init_noise,
            seed,
        )
        self.theta = nn.Parameter(init)

    def step(
        self, state: InnerState, grad: torch.Tensor, seg_ids: torch.Tensor, horizon: int
    ) -> InnerState:
        """Apply the current θ to every member of ``state`` (grad ``[P, N]``)."""
        theta = self.theta.unsqueeze(0).expand(grad.shape[0], -1)
        return learned_step(theta, state, grad, seg_ids, horizon, self.cfg.hidden)
