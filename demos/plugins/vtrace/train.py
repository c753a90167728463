"""Train the bundled CartPole policies: every method at every lag, each method's learning rate chosen
on validation episodes, three training seeds, and write ``weights/<method>_lag<k>_seed<s>.pt``.

    python manage.py train_demo vtrace                      # the bundled set (about 6 CPU-minutes)
    python -m demos.plugins.vtrace.train --lags 32 --methods vtrace --lrs 3e-3 --seeds 1

On-policy (lag 0) the three targets coincide, so only V-trace is trained there. For each
(method, lag) every learning rate of the grid is trained with every seed; the rate with the
best mean return over the seeds on the validation episodes (``task.episode_seeds("validation")``,
never used for the reported figures) is kept, and its runs' policies are written, one checkpoint per
seed, with the validation returns of the whole grid in their metrics.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step

from .learner import LearnConfig, NumpyPolicy, learn
from .model import ActorCritic, Config
from .task import episode_seeds, play
from .vtrace import METHODS

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
VALIDATION_EPISODES = 16


def weights_name(method: str, lag: int, seed: int) -> str:
    return f"{method}_lag{lag}_seed{seed}.pt"


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


@dataclass
class TrainConfig:
    """The ``train_demo vtrace`` flags; the defaults made the bundled checkpoints."""

    out_dir: Path = option(WEIGHTS_DIR, "folder the checkpoints are written to")
    methods: str = option(",".join(METHODS), "comma-separated learner targets to train")
    lags: str = option("0,8,32", "comma-separated actor lags k (updates behind the learner)")
    lrs: str = option("3e-4,1e-3,3e-3", "each method's learning-rate grid (chosen on validation)")
    seeds: int = option(3, "training seeds 0 … seeds-1")
    updates: int = option(1000, "learner updates per run")
    actors: int = option(8, "actors (unrolls per batch)")
    unroll: int = option(20, "unroll length n")
    validation_episodes: int = option(VALIDATION_EPISODES, "validation episodes per policy")


def validation_return(model: ActorCritic, episodes: int = VALIDATION_EPISODES) -> float:
    """Mean return of `model`'s policy on the first `episodes` validation episodes."""
    policy = NumpyPolicy(model.state_dict())
    return float(play(policy.log_probs, episode_seeds("validation", episodes)).mean())


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Train the grid, keep each (method, lag)'s best learning rate, write its seeds' checkpoints."""
    torch.set_num_threads(1)
    methods = [m.strip() for m in cfg.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        raise ValueError(f"unknown methods {unknown}; known: {', '.join(METHODS)}")
    lags, lrs, seeds = _ints(cfg.lags), _floats(cfg.lrs), list(range(cfg.seeds))
    base = LearnConfig(updates=cfg.updates, actors=cfg.actors, unroll=cfg.unroll)
    # On-policy (lag 0) every ratio π/μ is 1 and the three targets are one computation: train it
    # once, as V-trace, and let the other methods share it (`infer.policies`).
    runs = [
        (m, k, lr, s)
        for m in methods
        for k in lags
        if k != 0 or m == METHODS[0]
        for lr in lrs
        for s in seeds
    ]
    written: list[Path] = []
    selected: dict[str, Any] = {}
    bar = tqdm(runs, desc="vtrace runs", unit="run")
    done: dict[tuple[str, int, float], list[dict[str, Any]]] = {}
    for method, lag, lr, seed in bar:
        bar.set_postfix_str(f"{method} lag {lag} lr {lr:g} seed {seed}")
        name = f"{method}/lag{lag}/lr{lr:g}/seed{seed}"
        learn_cfg = replace(base, method=method, lag=lag, lr=lr, seed=seed)
        started, cpu = time.time(), time.process_time()

        def report(update: int, figures: dict[str, float], name: str = name) -> None:
            on_step(update, {"loss": figures["loss"], "model": name})

        result = learn(learn_cfg, report)
        val = validation_return(result.model, cfg.validation_episodes)
        done.setdefault((method, lag, lr), []).append(
            {
                "seed": seed,
                "state": {k: v.clone() for k, v in result.model.state_dict().items()},
                "val": val,
                "result": result,
                "learn": asdict(learn_cfg),
                "seconds": time.time() - started,
                "cpu_seconds": time.process_time() - cpu,
            }
        )
        if len(done[(method, lag, lr)]) == len(seeds) and lr == lrs[-1]:
            written += _keep_best(cfg, method, lag, lrs, done, selected)
    return TrainResult(
        step=cfg.updates * len(runs), metrics={"selected": selected}, checkpoints=written
    )


def _keep_best(
    cfg: TrainConfig,
    method: str,
    lag: int,
    lrs: list[float],
    done: dict[tuple[str, int, float], list[dict[str, Any]]],
    selected: dict[str, Any],
) -> list[Path]:
    """Write the checkpoints of (method, lag)'s best learning rate on validation; forget the rest."""
    val_by_lr = {
        f"{lr:g}": float(np.mean([r["val"] for r in done[(method, lag, lr)]])) for lr in lrs
    }
    best = max(lrs, key=lambda lr: val_by_lr[f"{lr:g}"])  # the first of equals: the smallest rate
    selected[f"{method}/lag{lag}"] = {"lr": best, "validation_by_lr": val_by_lr}
    paths = []
    for run in done[(method, lag, best)]:
        r = run["result"]
        metrics = {
            "method": method,
            "lag": lag,
            "lr": best,
            "validation_return": run["val"],
            "validation_by_lr": val_by_lr,
            "validation_episodes": cfg.validation_episodes,
            "episodes": r.episodes,
            "curve": r.curve,
            "learn": run["learn"],
            "seconds": round(run["seconds"], 2),
            "cpu_seconds": round(run["cpu_seconds"], 2),
        }
        path = cfg.out_dir / weights_name(method, lag, run["seed"])
        checkpoint.save(
            {
                "model": run["state"],
                "config": asdict(Config()),
                "step": r.updates,
                "metrics": metrics,
                "seed": run["seed"],
            },
            path,
        )
        paths.append(path)
    for lr in lrs:
        del done[(method, lag, lr)]
    return paths


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
