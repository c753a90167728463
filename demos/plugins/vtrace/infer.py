"""Live V-trace run: a short actor-learner run at the visitor's lag, one learner per chosen target,
and the bundled policies' returns against the lag they were trained at.

``run(params, progress)`` with params (already validated against META["params"]):
  lag      updates between the learner's parameters and the actors' (0: on-policy)
  method   "all" or one of ``vtrace.METHODS``
  updates  learner updates of each live run
  seed     seed of the live runs (network, actors, episodes)

Each live learner uses the learning rate its method chose on validation episodes at the bundled
lag nearest the visitor's. The bundled figure replays every bundled policy on a few episodes of
the page's own seeds (``task.DEMO_BASE``), not the test episodes of the report.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import numpy as np

from demos.kit import checkpoint
from demos.kit.training import Progress

from .learner import LearnConfig, NumpyPolicy, learn
from .task import episode_seeds, play
from .train import WEIGHTS_DIR
from .vtrace import METHODS

DEMO_EPISODES = 8
CURVE_POINTS = 50


@lru_cache(maxsize=1)
def bundled() -> dict[tuple[str, int, int], tuple[NumpyPolicy, dict[str, Any]]]:
    """{(method, lag, seed): (the policy, its checkpoint's metrics)} of every bundled checkpoint."""
    found = {}
    for path in sorted(WEIGHTS_DIR.glob("*.pt")):
        ckpt = checkpoint.load(path)
        m = ckpt["metrics"]
        found[(m["method"], int(m["lag"]), int(ckpt["seed"]))] = (NumpyPolicy(ckpt["model"]), m)
    if not found:
        raise FileNotFoundError("no bundled policies: run manage.py train_demo vtrace")
    return found


def largest_lag() -> int:
    return max(k for _, k, _ in bundled())


def bundled_lags() -> list[int]:
    return sorted({k for _, k, _ in bundled()})


def policies(method: str, lag: int) -> dict[int, tuple[NumpyPolicy, dict[str, Any]]]:
    """{seed: (policy, metrics)} of the bundled (method, lag) runs.

    At lag 0 every method shares V-trace's runs: on-policy the three targets are one computation
    (every ratio π/μ is 1), so ``train.py`` trains it once.
    """
    if lag == 0:
        method = METHODS[0]
    return {s: v for (m, k, s), v in sorted(bundled().items()) if (m, k) == (method, lag)}


def chosen_lr(method: str, lag: int) -> float:
    """The learning rate `method` chose on validation at the bundled lag nearest `lag`."""
    nearest = min(bundled_lags(), key=lambda k: (abs(k - lag), k))
    return float(next(iter(policies(method, nearest).values()))[1]["lr"])


@lru_cache(maxsize=1)
def bundled_by_lag() -> dict[str, Any]:
    """Mean return of the bundled policies on the page's episodes, per method and lag."""
    seeds = episode_seeds("demo", DEMO_EPISODES)
    lags = bundled_lags()
    table: dict[str, list[float]] = {}
    for method in METHODS:
        table[method] = [
            round(float(np.mean([play(p.log_probs, seeds).mean() for p, _ in runs.values()])), 1)
            for runs in (policies(method, lag) for lag in lags)
        ]
    return {
        "lags": lags,
        "returns": table,
        "episodes": DEMO_EPISODES,
        "seeds": len({s for *_, s in bundled()}),
    }


def run(params: dict, progress: Progress) -> dict:
    """Run the demo; see the module docstring for ``params``."""
    started = time.time()
    lag, updates, seed = int(params["lag"]), int(params["updates"]), int(params["seed"])
    methods = list(METHODS) if params["method"] == "all" else [params["method"]]
    every = max(1, updates // CURVE_POINTS)
    runs = []
    for i, method in enumerate(methods):
        lr = chosen_lr(method, lag)

        def report(update: int, figures: dict, i: int = i, method: str = method) -> None:
            if update % every == 0:
                pct = 100 * (i + update / updates) / (len(methods) + 0.3)
                ret = figures.get("return")
                progress(
                    pct,
                    f"{method}: update {update}/{updates}" + (f", return {ret:.0f}" if ret else ""),
                )

        result = learn(
            LearnConfig(method=method, lag=lag, lr=lr, updates=updates, seed=seed), report, every
        )
        final = play(
            NumpyPolicy(result.model.state_dict()).log_probs, episode_seeds("demo", DEMO_EPISODES)
        )
        runs.append(
            {
                "method": method,
                "lr": lr,
                "updates": [p["update"] for p in result.curve],
                "returns": [round(p["return"], 1) for p in result.curve],
                "final_return": round(float(final.mean()), 1),
                "episodes": result.episodes,
            }
        )
    progress(95, "bundled policies")
    out = {
        "lag": lag,
        "updates": updates,
        "seed": seed,
        "runs": runs,
        "bundled": bundled_by_lag(),
        "seconds": round(time.time() - started, 2),
    }
    progress(100, "done")
    return out
