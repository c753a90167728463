"""V-trace (IMPALA, equation 1): the recursion against a loop-by-loop transcription of the sum,
the on-policy case, and what the truncation levels ρ̄ and c̄ do."""

from __future__ import annotations

import math

import pytest
import torch

from demos.plugins.vtrace.vtrace import METHODS, n_step_returns, targets, truncation, vtrace

T, B = 7, 5


def trajectory(seed: int = 0, spread: float = 1.0) -> dict[str, torch.Tensor]:
    """A random batch of unrolls, some with an episode ending inside (discount 0 there)."""
    g = torch.Generator().manual_seed(seed)
    discounts = torch.full((T, B), 0.9)
    discounts[torch.rand(T, B, generator=g) < 0.15] = 0.0
    return {
        "log_rhos": spread * torch.randn(T, B, generator=g),
        "discounts": discounts,
        "rewards": torch.randn(T, B, generator=g),
        "values": torch.randn(T, B, generator=g),
        "bootstrap": torch.randn(B, generator=g),
    }


def direct_sum(d: dict[str, torch.Tensor], rho_bar: float, c_bar: float) -> torch.Tensor:
    """[T, B] v_s = V(x_s) + Σ_t (Π_{i<t} γ_i) (Π_{i=s}^{t-1} c_i) δ_t V, written out as the paper does."""
    ratios = d["log_rhos"].exp()
    values = d["values"].tolist()
    vs = torch.empty(T, B)
    for b in range(B):
        v = [row[b] for row in values] + [float(d["bootstrap"][b])]
        for s in range(T):
            total = v[s]
            for t in range(s, T):
                weight = 1.0  # γ^{t-s} Π_{i=s}^{t-1} c_i, with the per-step discounts
                for i in range(s, t):
                    weight *= float(d["discounts"][i, b]) * min(c_bar, float(ratios[i, b]))
                rho_t = min(rho_bar, float(ratios[t, b]))
                delta = rho_t * (
                    float(d["rewards"][t, b]) + float(d["discounts"][t, b]) * v[t + 1] - v[t]
                )
                total += weight * delta
            vs[s, b] = total
    return vs


@pytest.mark.parametrize(
    "rho_bar, c_bar", [(1.0, 1.0), (0.5, 2.0), (2.0, 0.3), (math.inf, math.inf)]
)
def test_the_recursion_equals_the_direct_sum_of_the_definition(rho_bar, c_bar) -> None:
    d = trajectory(1, spread=1.5)
    got = vtrace(**d, rho_bar=rho_bar, c_bar=c_bar).vs
    assert torch.allclose(got, direct_sum(d, rho_bar, c_bar), atol=1e-4)


def test_on_policy_with_unit_weights_vtrace_is_the_n_step_return() -> None:
    d = trajectory(2)
    d["log_rhos"] = torch.zeros(T, B)  # behaviour policy = target policy
    expected = n_step_returns(d["discounts"], d["rewards"], d["bootstrap"])
    for method in METHODS:  # every method agrees on-policy
        assert torch.allclose(targets(method, **d).vs, expected, atol=1e-5), method


def test_without_correction_the_target_ignores_the_policies_ratio() -> None:
    d = trajectory(3, spread=2.0)
    expected = n_step_returns(d["discounts"], d["rewards"], d["bootstrap"])
    assert torch.allclose(targets("no_correction", **d).vs, expected, atol=1e-5)
    assert not torch.allclose(targets("vtrace", **d).vs, expected, atol=1e-3)


def test_the_weights_used_are_the_ratios_truncated_at_rho_bar() -> None:
    d = trajectory(4, spread=2.0)
    ret = vtrace(**d, rho_bar=1.0, c_bar=1.0)
    assert torch.allclose(ret.rhos, torch.clamp(d["log_rhos"].exp(), max=1.0))
    assert float(ret.rhos.max()) <= 1.0 and float(d["log_rhos"].exp().max()) > 1.0
    unclipped = targets("unclipped_is", **d)
    assert torch.allclose(unclipped.rhos, d["log_rhos"].exp())


def test_c_bar_changes_only_the_trace_not_the_last_steps_target() -> None:
    # At the unroll's last step there is no trace left: v_{T-1} = V + ρ δ for every c̄.
    d = trajectory(5, spread=1.5)
    low, high = (vtrace(**d, rho_bar=1.0, c_bar=c).vs for c in (0.1, 10.0))
    assert torch.allclose(low[-1], high[-1])
    assert not torch.allclose(low[:-1], high[:-1], atol=1e-3)
    # With c̄ = 0 the target is the one-step TD target, whatever the later steps hold.
    zero = vtrace(**d, rho_bar=1.0, c_bar=0.0)
    next_v = torch.cat([d["values"][1:], d["bootstrap"][None]])
    one_step = d["values"] + zero.rhos * (d["rewards"] + d["discounts"] * next_v - d["values"])
    assert torch.allclose(zero.vs, one_step, atol=1e-6)


def test_rho_bar_sets_the_fixed_point_c_bar_does_not() -> None:
    # One state, two actions: π picks action 0 with 0.9, μ with 0.5; action 0 pays 1, action 1
    # pays 0; discount 0.5. Iterating V <- E_μ[v_s] over two-step unrolls converges to the value
    # of the policy π_ρ̄(a) ∝ min(ρ̄ μ(a), π(a)) (IMPALA, theorem 1), whatever c̄ is.
    pi, mu, gamma = torch.tensor([0.9, 0.1]), torch.tensor([0.5, 0.5]), 0.5
    pairs = [(a, b) for a in (0, 1) for b in (0, 1)]  # every two-step action sequence
    log_rhos = torch.tensor(
        [[math.log(pi[a] / mu[a]) for a, _ in pairs], [math.log(pi[b] / mu[b]) for _, b in pairs]]
    )  # [2, 4]
    rewards = torch.tensor([[1.0 - a for a, _ in pairs], [1.0 - b for _, b in pairs]])
    prob = torch.tensor([float(mu[a] * mu[b]) for a, b in pairs])  # [4] under μ

    def fixed_point(rho_bar: float, c_bar: float) -> float:
        v = 0.0
        for _ in range(150):
            ret = vtrace(
                log_rhos,
                torch.full((2, 4), gamma),
                rewards,
                torch.full((2, 4), v),
                torch.full((4,), v),
                rho_bar,
                c_bar,
            )
            v = float((prob * ret.vs[0]).sum())
        return v

    def value_of(policy: torch.Tensor) -> float:
        return float(policy[0]) / (1 - gamma)  # reward 1 for action 0, every step

    for rho_bar in (0.2, 0.5, 1.0, 5.0):
        pi_rho = torch.minimum(rho_bar * mu, pi)
        pi_rho = pi_rho / pi_rho.sum()
        for c_bar in (0.2, 1.0, 3.0):
            assert fixed_point(rho_bar, c_bar) == pytest.approx(value_of(pi_rho), abs=1e-4)
    # ρ̄ above every ratio: the value of π itself; ρ̄ below every ratio: the value of μ.
    assert fixed_point(5.0, 1.0) == pytest.approx(value_of(pi), abs=1e-4)
    assert fixed_point(0.2, 1.0) == pytest.approx(value_of(mu), abs=1e-4)
    # c̄ does change the targets themselves (the trace), just not where they lead.
    a, b = (
        vtrace(
            log_rhos, torch.full((2, 4), gamma), rewards, torch.zeros(2, 4), torch.zeros(4), 1.0, c
        ).vs
        for c in (0.2, 3.0)
    )
    assert not torch.allclose(a, b)


def test_the_policy_gradient_advantage_uses_the_next_target_and_rho() -> None:
    d = trajectory(6, spread=1.0)
    ret = vtrace(**d, rho_bar=1.0, c_bar=1.0)
    next_vs = torch.cat([ret.vs[1:], d["bootstrap"][None]])
    expected = ret.rhos * (d["rewards"] + d["discounts"] * next_vs - d["values"])
    assert torch.allclose(ret.pg_advantages, expected, atol=1e-6)


def test_an_unknown_method_is_refused() -> None:
    assert truncation("unclipped_is") == (math.inf, math.inf)
    with pytest.raises(ValueError, match="unknown method"):
        truncation("retrace")
