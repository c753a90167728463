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
from typing import Any

import torch

from demos.kit import checkpoint
from demos.kit.evaluation import (
    Ablation,
    Criterion,
    EvalConfig,
    Report,
    Split,
    bootstrap,
    register_baseline,
)

from .hardness import cosine_experiment, slice_experiment, variance_experiment
from .inner import recorded_losses, run_mixed
from .model import Config, construct_theta
from .task import OOD_FAMILIES, TEST_SEED_OFFSET, Task, heldout_task, make_task, ood_task
from .train import ADAM_DEFAULT_LR, ADAM_GRID, SGD_GRID, VAL_SEED_OFFSET, WEIGHTS, MetaConfig

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


QUICK_HELDOUT, QUICK_OOD = 8, 1
ACCEPTANCE = (
    Criterion("beats_adam_default_frac", ">=", 0.7),
    # 70 % of 50 tasks exactly: a handful of tasks cannot show it (quick=False).
    Criterion("beats_sgd_tuned_frac", ">=", 0.7, quick=False),
    Criterion("roughness_long_over_short", ">", 1.0, quick=False),
    Criterion("antithetic_variance_ratio", "<", 1.0, quick=False),
)
register_baseline("learned_opt/adam_default", "Adam at learning rate 1e-3")
register_baseline("learned_opt/sgd_tuned", "SGD at the best learning rate of a grid, per task")
register_baseline("learned_opt/adam_tuned", "Adam at the best learning rate of a grid, per task")


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report: how often the learned optimizer wins, with bootstrap intervals over tasks."""
    n_heldout, n_ood = (QUICK_HELDOUT, QUICK_OOD) if cfg.quick else (N_HELDOUT, N_OOD_PER_FAMILY)
    details, rows = _figures(out, n_heldout, n_ood, hardness=not cfg.quick)
    figures: dict[str, Any] = {
        f"beats_{k}_frac": bootstrap(
            [float(r["learned"][0] < r[k]) for r in rows], resamples=cfg.resamples, seed=cfg.seed
        )
        for k in ("adam_default", "sgd_tuned", "adam_tuned")
    }
    for key in ("roughness_long_over_short", "antithetic_variance_ratio", "es_backprop_cosine"):
        if key in details:
            figures[key] = details[key]
    held_out = Split.of(
        "held_out tasks", TEST_SEED_OFFSET, [TEST_SEED_OFFSET + i for i in range(n_heldout)]
    )
    validation = Split.of(
        "validation tasks",
        VAL_SEED_OFFSET,
        [VAL_SEED_OFFSET + i for i in range(MetaConfig().val_tasks)],
    )
    return Report(
        demo="learned_opt",
        quick=cfg.quick,
        figures=figures,
        splits=[held_out, validation],
        seeds={"held_out": TEST_SEED_OFFSET, "validation": VAL_SEED_OFFSET, "bootstrap": cfg.seed},
        baselines={
            f"learned_opt/{k}": details[f"beats_{k}_frac"]
            for k in ("adam_default", "sgd_tuned", "adam_tuned")
        },
        ablations=[
            Ablation(
                "hand-designed start",
                f"the optimizer's starting weights (Adam at {load_checkpoint()[1].init_lr:g}), before ES",
                "beats_adam_default_frac",
                details["init_beats_adam_default_frac"],
            ),
            Ablation(
                "out of distribution",
                "the meta-trained optimizer on task families it never saw",
                "beats_adam_default_frac",
                details["ood_beats_adam_default_frac"],
            ),
        ],
        acceptance=ACCEPTANCE,
        details=details,
    )


def _figures(
    out: Callable[[str], None],
    n_heldout: int = N_HELDOUT,
    n_ood: int = N_OOD_PER_FAMILY,
    hardness: bool = True,
) -> tuple[dict, list[dict]]:
    """Evaluate the bundled checkpoint; prints a table; (the figures, the held-out race rows)."""
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
    if not hardness:
        return _race_result(trained, start_frac, ood, geo, n_heldout, len(ood_rows), cfg), rows
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
    return result, rows


def _race_result(
    trained: dict, start_frac: dict, ood: dict, geo: dict, n_heldout: int, n_ood: int, cfg: Config
) -> dict:
    """The race figures alone (quick mode: no hardness experiments)."""
    return {
        **{f"beats_{k}_frac": v for k, v in trained.items()},
        **{f"ood_beats_{k}_frac": v for k, v in ood.items()},
        **{f"init_beats_{k}_frac": v for k, v in start_frac.items()},
        "geo_ratio_vs_adam_tuned": geo["adam_tuned"],
        "geo_ratio_vs_sgd_tuned": geo["sgd_tuned"],
        "n_heldout_tasks": n_heldout,
        "n_ood_tasks": n_ood,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(evaluate(EvalConfig()).to_json()))
