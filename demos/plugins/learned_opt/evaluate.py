"""Evaluate the bundled learned optimizer: the race on held-out and out-of-distribution tasks,
and the hardness figures (roughness, antithetic variance, ES-vs-backprop cosine).

    python manage.py eval_demo learned_opt
    python -m demos.plugins.learned_opt.evaluate

Baselines per task: Adam at its default learning rate 1e-3, and the best final loss over a grid
of SGD and of Adam learning rates *chosen on that very task* (an oracle-tuned baseline, the
strongest honest comparison). "Final loss" is the full-data training loss after the task's
horizon (100 steps in distribution; 200 for the long-horizon out-of-distribution task).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import lru_cache

import torch

from demos.kit import checkpoint

from .hardness import cosine_experiment, slice_experiment, variance_experiment
from .inner import recorded_losses, run_mixed
from .model import Config, construct_theta
from .task import OOD_FAMILIES, Task, heldout_task, make_task, ood_task
from .train import ADAM_DEFAULT_LR, ADAM_GRID, SGD_GRID, WEIGHTS

N_HELDOUT = 50
N_OOD_PER_FAMILY = 4
CHECK_STEPS = 40


@lru_cache(maxsize=2)
def load_checkpoint(path: str = str(WEIGHTS)) -> tuple[torch.Tensor, Config, dict]:
    """(θ [D], Config, metrics) of a checkpoint, cached per process."""
    ckpt = checkpoint.load(path)
    cfg_dict = {k: v for k, v in ckpt["config"].items() if k in Config.__dataclass_fields__}
    return ckpt["model"]["theta"].float(), Config(**cfg_dict), ckpt["metrics"]


def check_tasks() -> list[Task]:
    """The small fixed evaluation set whose figure is stored in the checkpoint (and re-checked)."""
    return [make_task("syn_cls", 0, CHECK_STEPS), make_task("quad", 0, CHECK_STEPS)]


def check_metric(theta: torch.Tensor, hidden: int) -> float:
    """Mean log final loss of θ on ``check_tasks``."""
    vals = []
    for task in check_tasks():
        run = run_mixed(task, theta.unsqueeze(0), hidden, record_every=task.horizon)
        vals.append(math.log(float(recorded_losses(run)[0, -1])))
    return sum(vals) / len(vals)


def race_finals(task: Task, thetas: torch.Tensor, hidden: int) -> dict[str, list[float] | float]:
    """Final losses of the learned optimizers ``thetas [L, D]`` and of the baselines on ``task``."""
    kinds = ["sgd"] * len(SGD_GRID) + ["adam"] * len(ADAM_GRID)
    run = run_mixed(task, thetas, hidden, kinds, SGD_GRID + ADAM_GRID, record_every=task.horizon)
    final = torch.nan_to_num(recorded_losses(run)[:, -1], nan=math.inf).tolist()
    n = thetas.shape[0]
    sgd, adam = final[n : n + len(SGD_GRID)], final[n + len(SGD_GRID) :]
    return {
        "learned": final[:n],
        "sgd_tuned": min(sgd),
        "adam_tuned": min(adam),
        "adam_default": adam[ADAM_GRID.index(ADAM_DEFAULT_LR)],
    }


def _fractions(rows: list[dict], which: int) -> dict[str, float]:
    return {
        k: sum(r["learned"][which] < r[k] for r in rows) / len(rows)
        for k in ("adam_default", "sgd_tuned", "adam_tuned")
    }


def _geo_ratio(rows: list[dict], which: int, key: str) -> float:
    """Geometric mean of learned / baseline final loss (< 1: learned lower)."""
    logs = [
        math.log(max(r["learned"][which], 1e-12) / max(r[key], 1e-12))
        for r in rows
        if math.isfinite(r["learned"][which]) and math.isfinite(r[key])
    ]
    return math.exp(sum(logs) / max(len(logs), 1))


def evaluate(
    out: Callable[[str], None] = print,
    n_heldout: int = N_HELDOUT,
    n_ood: int = N_OOD_PER_FAMILY,
) -> dict:
    """Evaluate the bundled checkpoint; prints a table, returns the acceptance figures."""
    torch.set_num_threads(1)
    start = time.time()
    theta, cfg, metrics = load_checkpoint()
    init = construct_theta(cfg.init_kind, cfg.init_lr, cfg.hidden)
    thetas = torch.stack([theta, init])  # the meta-trained optimizer and its hand-designed start
    with torch.no_grad():
        rows = [race_finals(heldout_task(i), thetas, cfg.hidden) for i in range(n_heldout)]
        ood_rows = [
            race_finals(ood_task(f, s), thetas, cfg.hidden)
            for f in OOD_FAMILIES
            for s in range(n_ood)
        ]
    trained, start_frac, ood = (
        _fractions(rows, 0),
        _fractions(rows, 1),
        _fractions(ood_rows, 0),
    )
    out(
        f"Learned optimizer (hidden {cfg.hidden}, {metrics.get('train_seconds', '?')} s of ES meta-training)"
    )
    out(
        f"{'fraction of tasks where learned final loss <':<46} {'Adam 1e-3':>10} {'tuned SGD':>10} {'tuned Adam':>11}"
    )
    for label, frac in (
        (f"held-out, in distribution ({n_heldout})", trained),
        (f"  same, at the Adam-{cfg.init_lr:g} start ({n_heldout})", start_frac),
        (f"out of distribution ({len(ood_rows)})", ood),
    ):
        out(
            f"{label:<46} {frac['adam_default']:>10.2f} {frac['sgd_tuned']:>10.2f} {frac['adam_tuned']:>11.2f}"
        )
    geo = {k: _geo_ratio(rows, 0, k) for k in ("adam_default", "sgd_tuned", "adam_tuned")}
    out(
        "geometric-mean final-loss ratio learned/baseline (held-out): "
        + ", ".join(f"{k} {v:.3f}" for k, v in geo.items())
    )
    out("out of distribution, per family (learned < Adam 1e-3 / tuned SGD / tuned Adam):")
    for i, fam in enumerate(OOD_FAMILIES):
        fam_rows = ood_rows[i * n_ood : (i + 1) * n_ood]
        f = _fractions(fam_rows, 0)
        out(f"  {fam:<14} {f['adam_default']:.2f} / {f['sgd_tuned']:.2f} / {f['adam_tuned']:.2f}")
    hard_start = time.time()
    sl = slice_experiment(theta, cfg.hidden)
    var = variance_experiment(theta, cfg.hidden)
    cos = cosine_experiment(theta, cfg.hidden)
    out(
        f"meta-loss roughness: {sl['short_unroll']}-step unroll {sl['roughness_short']:.3f}, "
        f"{sl['long_unroll']}-step {sl['roughness_long']:.3f} (ratio {sl['roughness_long_over_short']:.2f}), "
        f"long smoothed over Gaussian perturbations of α (σ={sl['smooth_sigma']}) "
        f"{sl['roughness_smoothed_long']:.3f}"
    )
    out(
        f"ES gradient variance, {var['unrolls_per_estimate']} unrolls: antithetic {var['variance_antithetic']:.4g}"
        f" vs plain {var['variance_plain']:.4g} (ratio {var['antithetic_variance_ratio']:.2e})"
    )
    out(
        f"ES ({cos['cosine_pairs']} pairs) vs backprop meta-gradient on a {cos['cosine_unroll']}-step unroll: "
        f"cosine {cos['es_backprop_cosine']:.3f} (sampling noise alone would allow ≈ "
        f"{cos['cosine_if_only_sampling_noise']:.3f})"
    )
    result = {
        "beats_adam_default_frac": trained["adam_default"],
        "beats_sgd_tuned_frac": trained["sgd_tuned"],
        "beats_adam_tuned_frac": trained["adam_tuned"],
        "ood_beats_adam_default_frac": ood["adam_default"],
        "ood_beats_sgd_tuned_frac": ood["sgd_tuned"],
        "ood_beats_adam_tuned_frac": ood["adam_tuned"],
        "init_beats_adam_default_frac": start_frac["adam_default"],
        "init_beats_sgd_tuned_frac": start_frac["sgd_tuned"],
        "init_beats_adam_tuned_frac": start_frac["adam_tuned"],
        "geo_ratio_vs_adam_tuned": geo["adam_tuned"],
        "geo_ratio_vs_sgd_tuned": geo["sgd_tuned"],
        "n_heldout_tasks": n_heldout,
        "n_ood_tasks": len(ood_rows),
        "roughness_short": sl["roughness_short"],
        "roughness_long": sl["roughness_long"],
        "roughness_smoothed_long": sl["roughness_smoothed_long"],
        "roughness_long_over_short": sl["roughness_long_over_short"],
        "antithetic_variance_ratio": var["antithetic_variance_ratio"],
        "es_backprop_cosine": cos["es_backprop_cosine"],
        "seconds_race": hard_start - start,
        "seconds_total": time.time() - start,
    }
    out(f"evaluation took {result['seconds_total']:.0f} s")
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(evaluate()))
