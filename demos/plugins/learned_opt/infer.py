"""Live demo: race the meta-trained optimizer against SGD, momentum and Adam, or show why
meta-training is hard (meta-loss slices, ES gradient variance, ES vs backprop).

``run(params, progress)`` with params (already validated against META["params"]):
  mode  "race" | "hard"
  task  a family from ``task.FAMILIES`` (in distribution) or ``task.OOD_FAMILIES`` (not)
  steps inner steps of the race (the meta-training horizon was 100: more is out of distribution)
  seed  which task of that family / which slice task
"""

from __future__ import annotations

import math
import time

import torch

from demos.kit.training import Progress

from .evaluate import load_checkpoint
from .hardness import (
    cosine_experiment,
    slice_2d_experiment,
    slice_experiment,
    variance_experiment,
)
from .inner import recorded_losses, run_mixed
from .task import FAMILIES, META_HORIZON, make_task
from .train import ADAM_DEFAULT_LR, ADAM_GRID, SGD_GRID

SGD_DEFAULT_LR = 0.1
MOMENTUM_LR = 0.01  # heavy ball μ = 0.9: the same effective step as SGD at 0.1
MAX_CURVE_POINTS = 50
CURVE_ROWS = 512  # curves use a fixed subset of the data (the full set for small data sets)
COSINE_PAIRS_LIVE = 128


def _clean(values: list[float]) -> list[float | None]:
    """JSON has no NaN/inf: a diverged loss becomes null (drawn as a gap)."""
    return [round(v, 6) if math.isfinite(v) else None for v in values]


def _race(params: dict, progress: Progress) -> dict:
    theta, cfg, metrics = load_checkpoint()
    steps, name = int(params["steps"]), params["task"]
    task = make_task(name, int(params["seed"]), steps)
    kinds = ["sgd"] * len(SGD_GRID) + ["momentum"] + ["adam"] * len(ADAM_GRID)
    lrs = [*list(SGD_GRID), MOMENTUM_LR, *list(ADAM_GRID)]
    every = max(1, math.ceil(steps / MAX_CURVE_POINTS))
    progress(5, task.describe())
    rows = None
    if task.x.shape[0] > CURVE_ROWS:
        gen = torch.Generator().manual_seed(task.seed)
        rows = torch.randperm(task.x.shape[0], generator=gen)[:CURVE_ROWS]
    run = run_mixed(
        task,
        theta.unsqueeze(0),
        cfg.hidden,
        kinds,
        lrs,
        steps,
        record_every=every,
        progress=lambda k: (
            progress(5 + 90 * k / steps, f"step {k}/{steps}") if k % 20 == 0 else None
        ),
        record_rows=rows,
    )
    full = torch.nan_to_num(recorded_losses(run), nan=math.inf)  # [1 + 14, points]
    final = full[:, -1]
    sgd_idx = list(range(1, 1 + len(SGD_GRID)))
    adam_idx = list(range(2 + len(SGD_GRID), 2 + len(SGD_GRID) + len(ADAM_GRID)))
    best_sgd = min(sgd_idx, key=lambda i: float(final[i]))
    best_adam = min(adam_idx, key=lambda i: float(final[i]))
    members = {
        "learned": 0,
        "sgd": 1 + SGD_GRID.index(SGD_DEFAULT_LR),
        "momentum": 1 + len(SGD_GRID),
        "adam": adam_idx[ADAM_GRID.index(ADAM_DEFAULT_LR)],
        "sgd_tuned": best_sgd,
        "adam_tuned": best_adam,
    }
    curves = [
        {
            "key": k,
            "lr": None if k == "learned" else lrs[i - 1],
            "y": _clean(full[i].tolist()),
        }
        for k, i in members.items()
    ]
    finals = {
        k: (float(final[i]) if math.isfinite(float(final[i])) else None) for k, i in members.items()
    }

    def rank_key(k: str) -> float:
        v = finals[k]
        return math.inf if v is None else v

    ranked = sorted(finals, key=rank_key)
    return {
        "mode": "race",
        "task": task.describe(),
        "family": name,
        "loss_rows": int(task.x.shape[0] if rows is None else len(rows)),
        "in_distribution": name in FAMILIES and steps <= META_HORIZON,
        "meta_horizon": META_HORIZON,
        "steps": run.full_steps,
        "curves": curves,
        "final": finals,
        "ranking": ranked,
        "grid": {"sgd": list(SGD_GRID), "adam": list(ADAM_GRID)},
        "meta_curve": [
            {
                "seconds": r["seconds"],
                "update": r["update"],
                "val": r.get("val_mean_log_loss"),
            }
            for r in metrics.get("meta_curve", [])
            if r.get("val_mean_log_loss") is not None
        ],
    }


def _hard(params: dict, progress: Progress) -> dict:
    theta, cfg, _ = load_checkpoint()
    seed = int(params["seed"])
    progress(2, "meta-loss slices")
    sl = slice_experiment(
        theta,
        cfg.hidden,
        seed,
        long_unroll=int(params["long_unroll"]),
        progress=progress,
    )
    progress(60, "2-D meta-loss slices")
    plane = slice_2d_experiment(theta, cfg.hidden, seed, int(params["long_unroll"]))
    progress(75, "ES variance with and without antithetic sampling")
    var = variance_experiment(theta, cfg.hidden, seed)
    progress(90, "ES vs backprop meta-gradient")
    cos = cosine_experiment(theta, cfg.hidden, seed, pairs=COSINE_PAIRS_LIVE)
    for key in ("short", "long", "smoothed_long"):
        sl[key] = _clean(sl[key])
    return {"mode": "hard", "slice": sl, "plane": plane, "variance": var, "cosine": cos}


def run(params: dict, progress: Progress) -> dict:
    """Run the demo; see the module docstring for ``params``."""
    start = time.time()
    with torch.no_grad():
        result = _race(params, progress) if params["mode"] == "race" else _hard(params, progress)
    result["seconds"] = round(time.time() - start, 2)
    progress(100, "done")
    return result
