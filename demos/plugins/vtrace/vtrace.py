"""V-trace targets (Espeholt et al. 2018, "IMPALA", section 4.1, equation 1 and remark 1).

For a trajectory ``(x_t, a_t, r_t)`` for ``t = s … s+n-1`` drawn by a behaviour policy μ, the
n-step V-trace target of ``V(x_s)`` is

    v_s = V(x_s) + Σ_{t=s}^{s+n-1} γ^{t-s} (Π_{i=s}^{t-1} c_i) δ_t V,
    δ_t V = ρ_t (r_t + γ V(x_{t+1}) − V(x_t)),
    ρ_t = min(ρ̄, π(a_t|x_t) / μ(a_t|x_t)),   c_i = min(c̄, π(a_i|x_i) / μ(a_i|x_i)),

computed backwards by the recursion of remark 1,
``v_s = V(x_s) + δ_s V + γ_s c_s (v_{s+1} − V(x_{s+1}))``, with ``v_{s+n} = V(x_{s+n})``. The
truncation levels play different parts: ρ̄ sets the fixed point (the value function of a policy
between μ, at ρ̄ → 0, and π, at ρ̄ → ∞), c̄ only how fast the traces are cut (the variance).
The policy gradient uses the advantage ``ρ_s (r_s + γ v_{s+1} − V(x_s))`` (section 4.2).

``discounts`` is γ per step, already zero where an episode ended, so the sums stop at episode
boundaries inside an unroll. Every tensor is ``[T, B]`` (time first, B unrolls side by side) except
``bootstrap``, ``[B]``: the value of the state after the unroll's last step. Pure functions, no
gradients flow through the targets (callers pass detached values).

The three learner targets of the demo are three settings of (ρ̄, c̄):
- ``vtrace``: ρ̄ = c̄ = 1 (the paper's default);
- ``no_correction``: ρ = c = 1 whatever π/μ, the n-step return as if the data were on-policy;
- ``unclipped_is``: ρ̄ = c̄ = ∞, the plain per-decision importance weights, never truncated.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

METHODS = ("vtrace", "no_correction", "unclipped_is")


class VTraceReturns(NamedTuple):
    vs: torch.Tensor  # [T, B] the V-trace targets v_s
    pg_advantages: torch.Tensor  # [T, B] ρ_s (r_s + γ_s v_{s+1} − V(x_s))
    rhos: torch.Tensor  # [T, B] the truncated weights ρ_s actually used


def truncation(method: str, rho_bar: float = 1.0, c_bar: float = 1.0) -> tuple[float, float]:
    """(ρ̄, c̄) of a learner target; ``no_correction`` is handled by `targets` (weights set to 1)."""
    if method == "vtrace":
        return rho_bar, c_bar
    if method == "unclipped_is":
        return math.inf, math.inf
    if method == "no_correction":
        return 1.0, 1.0
    raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")


def vtrace(
    log_rhos: torch.Tensor,
    discounts: torch.Tensor,
    rewards: torch.Tensor,
    values: torch.Tensor,
    bootstrap: torch.Tensor,
    rho_bar: float = 1.0,
    c_bar: float = 1.0,
) -> VTraceReturns:
    """V-trace targets by the backward recursion (remark 1).

    log_rhos: [T, B] log π(a_t|x_t) − log μ(a_t|x_t); discounts, rewards, values: [T, B];
    bootstrap: [B] V(x_{T}). ``rho_bar`` / ``c_bar`` may be ``math.inf`` (no truncation).
    """
    with torch.no_grad():
        ratios = torch.exp(log_rhos)
        rhos = torch.clamp(ratios, max=rho_bar)
        cs = torch.clamp(ratios, max=c_bar)
        next_values = torch.cat([values[1:], bootstrap.unsqueeze(0)], dim=0)
        deltas = rhos * (rewards + discounts * next_values - values)
        acc = torch.zeros_like(bootstrap)  # v_{s+1} − V(x_{s+1}), zero after the last step
        out = torch.empty_like(values)
        for t in range(values.shape[0] - 1, -1, -1):
            acc = deltas[t] + discounts[t] * cs[t] * acc
            out[t] = acc
        vs = out + values
        next_vs = torch.cat([vs[1:], bootstrap.unsqueeze(0)], dim=0)
        pg_rhos = torch.clamp(ratios, max=rho_bar)
        pg_advantages = pg_rhos * (rewards + discounts * next_vs - values)
    return VTraceReturns(vs, pg_advantages, rhos)


def targets(
    method: str,
    log_rhos: torch.Tensor,
    discounts: torch.Tensor,
    rewards: torch.Tensor,
    values: torch.Tensor,
    bootstrap: torch.Tensor,
    rho_bar: float = 1.0,
    c_bar: float = 1.0,
) -> VTraceReturns:
    """The learner target of `method` (one of METHODS); shapes as in `vtrace`."""
    rho, c = truncation(method, rho_bar, c_bar)
    if method == "no_correction":
        log_rhos = torch.zeros_like(log_rhos)  # every weight 1: as if the data were on-policy
    return vtrace(log_rhos, discounts, rewards, values, bootstrap, rho, c)


def n_step_returns(
    discounts: torch.Tensor, rewards: torch.Tensor, bootstrap: torch.Tensor
) -> torch.Tensor:
    """[T, B] the n-step returns ``Σ_{t≥s} (Π γ) r_t + (Π γ) V(x_T)`` of every step of an unroll."""
    out = torch.empty_like(rewards)
    acc = bootstrap
    for t in range(rewards.shape[0] - 1, -1, -1):
        acc = rewards[t] + discounts[t] * acc
        out[t] = acc
    return out
