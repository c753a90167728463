"""Evaluate the bundled policies: mean return on test episodes at the largest lag, per method, over
the three training seeds (``eval_demo vtrace``), and the return at every bundled lag.

    python manage.py eval_demo vtrace [--quick]
    python -m demos.plugins.vtrace.evaluate

Every figure is the mean return of a final policy (actions sampled from π) on CartPole episodes
whose reset seeds are the test split's (``task.TEST_BASE + i``), never seen by training (its own
seeds) or by the choice of learning rates (the validation split); the kit checks the three are
disjoint. Intervals: the kit's two-level bootstrap over training seeds, then episodes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from demos.kit.evaluation import (
    Ablation,
    Criterion,
    EvalConfig,
    Interval,
    Report,
    Split,
    bootstrap_seeds,
    register_baseline,
)

from .infer import bundled, bundled_lags, largest_lag, policies
from .task import (
    TEST_BASE,
    TRAIN_STRIDE,
    VALIDATION_BASE,
    episode_seeds,
    play,
    uniform_log_probs,
)
from .vtrace import METHODS

TEST_EPISODES, QUICK_EPISODES = 100, 12
RATIO_TARGET = 1.2
ABLATIONS = ("no_correction", "unclipped_is")
ACCEPTANCE = (Criterion("vtrace_ratio", ">=", RATIO_TARGET),)
register_baseline(
    "vtrace/no_correction", "n-step targets with no off-policy correction, same lagged actors"
)
register_baseline("vtrace/uniform_random", "a policy that pushes left or right with 1/2 each")
_DESCRIPTIONS = {
    "no_correction": "the learner's n-step targets and policy gradient ignore π/μ (every weight 1)",
    "unclipped_is": "importance weights π/μ never truncated (ρ̄ = c̄ = ∞)",
}


def test_returns(method: str, lag: int, episodes: int) -> dict[int, np.ndarray]:
    """{training seed: [episodes] test returns} of the bundled (method, lag) policies."""
    seeds = episode_seeds("test", episodes)
    return {s: play(policy.log_probs, seeds) for s, (policy, _) in policies(method, lag).items()}


def _interval(per_seed: dict[int, np.ndarray], cfg: EvalConfig) -> Interval:
    return bootstrap_seeds(per_seed, resamples=cfg.resamples, seed=cfg.seed)


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report: each method's test return at the largest lag, and V-trace's ratio."""
    started = time.time()
    episodes = QUICK_EPISODES if cfg.quick else TEST_EPISODES
    runs = bundled()
    lag = largest_lag()
    lags = bundled_lags() if not cfg.quick else [lag]
    # At lag 0 the methods share one set of runs (on-policy they are one computation): play it once.
    played = {
        k: {m: test_returns(m, k, episodes) for m in METHODS[: 1 if k == 0 else None]} for k in lags
    }
    returns = {(m, k): played[k].get(m, played[k][METHODS[0]]) for m in METHODS for k in lags}
    figures: dict[str, Any] = {f"return_{m}": _interval(returns[(m, lag)], cfg) for m in METHODS}
    means = {key: float(np.mean([v.mean() for v in r.values()])) for key, r in returns.items()}
    ratio = means[("vtrace", lag)] / max(means[("no_correction", lag)], 1e-9)
    figures["vtrace_ratio"] = ratio
    figures["lag"] = lag
    random_returns = play(uniform_log_probs, episode_seeds("test", episodes))

    out(f"V-trace demo: CartPole-v1, {episodes} test episodes per policy, lag k = {lag} updates")
    out(f"{'method':<15}" + "".join(f"{'k=' + str(k):>10}" for k in lags) + "   learning rate")
    for m in METHODS:
        lrs = sorted({meta["lr"] for (mm, k, _), (_, meta) in runs.items() if mm == m and k == lag})
        out(f"{m:<15}" + "".join(f"{means[(m, k)]:>10.1f}" for k in lags) + f"   {lrs}")
    out(
        f"uniform random policy: {random_returns.mean():.1f}; V-trace / no correction = {ratio:.2f}"
    )

    seeds = sorted({s for _, _, s in runs})
    train_items = []
    for s in seeds:
        episodes_run = max(meta["episodes"] for (_, _, ss), (_, meta) in runs.items() if ss == s)
        train_items += [s * TRAIN_STRIDE + i for i in range(episodes_run)]
    val_count = max(meta["validation_episodes"] for _, meta in runs.values())
    ablations = [
        Ablation(
            name,
            _DESCRIPTIONS[name],
            {
                f"return_{name}": figures[f"return_{name}"],
                "ratio_to_vtrace": means[(name, lag)] / max(means[("vtrace", lag)], 1e-9),
            },
        )
        for name in ABLATIONS
    ]
    details: dict[str, Any] = {
        "lag": lag,
        "test_episodes": episodes,
        "return_by_lag": {m: {str(k): round(means[(m, k)], 2) for k in lags} for m in METHODS},
        "return_by_seed": {
            m: {str(s): round(float(v.mean()), 2) for s, v in returns[(m, lag)].items()}
            for m in METHODS
        },
        "learning_rate": {
            m: sorted(
                {meta["lr"] for (mm, k, _), (_, meta) in runs.items() if mm == m and k == lag}
            )
            for m in METHODS
        },
        "validation_by_lr": {
            f"{m}/lag{k}": meta["validation_by_lr"]
            for (m, k, s), (_, meta) in sorted(runs.items())
            if s == seeds[0]
        },
        "uniform_random_return": float(random_returns.mean()),
        "vtrace_ratio": ratio,
        "seconds": round(time.time() - started, 1),
    }
    return Report(
        demo="vtrace",
        quick=cfg.quick,
        figures=figures,
        splits=[
            Split.of("test", TEST_BASE, episode_seeds("test", episodes)),
            Split.of("validation", VALIDATION_BASE, episode_seeds("validation", val_count)),
            Split.of("train", None, train_items),  # each run its own seeds: s * TRAIN_STRIDE + i
        ],
        seeds=seeds,
        draw_seeds={"test": TEST_BASE, "validation": VALIDATION_BASE, "bootstrap": cfg.seed},
        baselines={
            "vtrace/no_correction": means[("no_correction", lag)],
            "vtrace/uniform_random": float(random_returns.mean()),
        },
        ablations=ablations,
        acceptance=ACCEPTANCE,
        details=details,
    )


if __name__ == "__main__":
    import json

    import torch

    torch.set_num_threads(1)
    print(json.dumps(evaluate(EvalConfig()).to_json()))
