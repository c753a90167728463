"""Evaluate the bundled learned optimizers (three meta-training seeds) against tuned baselines,
and the hardness figures (roughness, antithetic variance, ES-vs-backprop cosine).

    python manage.py eval_demo learned_opt [--quick] [--write]
    python -m demos.plugins.learned_opt.evaluate

Protocol (what a referee checks):

* Three splits of inner problems, disjoint by construction and checked: the meta-training tasks
  of each seed, the validation tasks (``train.validation_tasks``: they picked each seed's θ and the
  baselines' learning rates) and the test tasks reported here (``task.heldout_task``); the
  out-of-distribution tasks are a fourth, separate set.
* Baselines: Adam at its default learning rate 1e-3, and SGD and Adam at the learning rate of
  their own grids (``SGD_GRID``, ``ADAM_GRID``) with the lowest mean log final training loss on
  the validation tasks: one learning rate per optimizer for the whole distribution, as the learned
  optimizer is one θ for it. The per-task best of the grid (chosen on the reported task itself,
  an oracle) is in ``details`` only.
* A win needs a margin: the learned optimizer's final loss below (1 - ``MARGIN``) × the baseline's;
  a loss is the reverse; everything in between is a tie, so rounding never counts as a win.
* ``start_theta``: the untrained start (Adam at lr 3e-2, which is in the Adam grid) raced as its
  own entry, the ablation that says what meta-training added.
* Every inner problem has held-out rows; the test loss of the final parameters is reported
  beside the final full-data training loss (the one every optimizer was selected on).
* Headline figures are means over seeds × tasks with a hierarchical bootstrap 95 % interval
  (``bootstrap_seeds``: seeds, then tasks within each seed).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import Any

import torch

from demos.kit import checkpoint
from demos.kit.evaluation import (
    Ablation,
    Criterion,
    EvalConfig,
    Interval,
    Report,
    Split,
    bootstrap,
    bootstrap_seeds,
    register_baseline,
)

from .baselines import TUNED_LRS, race, safe_log, tune_baselines
from .hardness import cosine_experiment, slice_experiment, variance_experiment
from .model import Config, construct_theta
from .task import OOD_FAMILIES, TEST_SEED_OFFSET, heldout_task, ood_task
from .train import (
    ADAM_DEFAULT_LR,
    ADAM_GRID,
    SEEDS,
    SGD_GRID,
    VAL_SEED_OFFSET,
    WEIGHTS,
    MetaConfig,
    validation_tasks,
    weights_path,
)

N_TEST = 100
N_OOD_PER_FAMILY = 6
QUICK_TEST, QUICK_OOD = 8, 0
MARGIN = 0.01  # a win needs a final loss at least 1 % lower
ABLATIONS = ("start_theta",)
BASELINE_KEYS = ("adam_default", "sgd_tuned", "adam_tuned")


@lru_cache(maxsize=8)
def load_checkpoint(path: str = str(WEIGHTS)) -> tuple[torch.Tensor, Config, dict]:
    """(θ [D], Config, metrics) of a checkpoint, cached per process."""
    ckpt = checkpoint.load(path)
    cfg_dict = {k: v for k, v in ckpt["config"].items() if k in Config.__dataclass_fields__}
    return ckpt["model"]["theta"].float(), Config(**cfg_dict), ckpt["metrics"]


def outcome(learned: float, base: float, margin: float = MARGIN) -> int:
    """+1 (learned at least ``margin`` lower), -1 (baseline at least ``margin`` lower), 0 (tie).

    A diverged run (inf) loses against a finite one; two diverged runs tie."""
    if learned < (1 - margin) * base or (math.isinf(base) and math.isfinite(learned)):
        return 1
    if base < (1 - margin) * learned or (math.isinf(learned) and math.isfinite(base)):
        return -1
    return 0


def _entries(result: dict[str, list[float]], n_learned: int, lrs: dict[str, Any]) -> dict:
    """{entry: (train, test)} for one task: "learned<i>", the baselines and the per-task oracles."""
    train, test = result["train"], result["test"]
    out = {f"learned{i}": (train[i], test[i]) for i in range(n_learned)}

    def at(kind: str, lr: float) -> tuple[float, float]:
        grid = SGD_GRID if kind == "sgd" else ADAM_GRID
        j = n_learned + (0 if kind == "sgd" else len(SGD_GRID)) + grid.index(lr)
        return train[j], test[j]

    out["adam_default"] = at("adam", ADAM_DEFAULT_LR)
    out["sgd_tuned"] = at("sgd", lrs["sgd"])
    out["adam_tuned"] = at("adam", lrs["adam"])
    for kind, grid in (("sgd", SGD_GRID), ("adam", ADAM_GRID)):
        best = min(grid, key=lambda lr, kind=kind: at(kind, lr)[0])
        out[f"{kind}_oracle"] = at(kind, best)
    return out


def _compare(rows: list[dict], entry: str, base: str, split: int) -> list[int]:
    """Outcomes of ``entry`` against ``base`` on every task; split 0 = train loss, 1 = test loss."""
    return [outcome(r[entry][split], r[base][split]) for r in rows]


def _indicator(rows: list[dict], entry: str, base: str, split: int, which: int) -> list[float]:
    """1.0 where ``entry``'s outcome against ``base`` is ``which`` (+1 win, 0 tie, -1 loss)."""
    return [float(o == which) for o in _compare(rows, entry, base, split)]


def _log_ratios(rows: list[dict], entry: str, base: str, split: int) -> list[float]:
    """log(entry's final loss / base's) per task (< 0: the entry ended lower)."""
    return [safe_log(r[entry][split]) - safe_log(r[base][split]) for r in rows]


def _frac(outcomes: list[int], which: int) -> float:
    return sum(o == which for o in outcomes) / len(outcomes)


def _per_seed(seeds: Sequence[int], fn: Callable[[str], list[float]]) -> dict[int, list[float]]:
    """{seed: fn(entry of that seed)}: the per-task values ``bootstrap_seeds`` resamples."""
    return {s: fn(f"learned{i}") for i, s in enumerate(seeds)}


def _interval_figures(
    rows: list[dict],
    ood_rows: list[dict],
    seeds: Sequence[int],
    start: str,
    resamples: int,
    seed: int,
) -> dict[str, Interval]:
    """The headline figures, each a mean over seeds × test tasks with its hierarchical interval."""

    def boot(fn: Callable[[str], list[float]]) -> Interval:
        return bootstrap_seeds(_per_seed(seeds, fn), resamples=resamples, seed=seed)

    figs: dict[str, Interval] = {}
    for split, prefix in ((0, ""), (1, "test_")):
        for base in BASELINE_KEYS:
            for name, which in (("win", 1), ("tie", 0), ("loss", -1)):
                if base != "adam_tuned" and name != "win":
                    continue
                figs[f"{prefix}{name}_vs_{base}"] = boot(
                    partial(_indicator, rows, base=base, split=split, which=which)
                )
        figs[f"{prefix}log_ratio_vs_adam_tuned"] = boot(
            partial(_log_ratios, rows, base="adam_tuned", split=split)
        )
    figs["win_vs_start"] = boot(partial(_indicator, rows, base=start, split=0, which=1))
    figs["log_ratio_vs_start"] = boot(partial(_log_ratios, rows, base=start, split=0))
    if ood_rows:
        figs["ood_win_vs_adam_tuned"] = bootstrap_seeds(
            {
                s: [float(o == 1) for o in _compare(ood_rows, f"learned{i}", "adam_tuned", 0)]
                for i, s in enumerate(seeds)
            },
            resamples=resamples,
            seed=seed,
        )
    return figs


def _start_figures(rows: list[dict], start: str, resamples: int, seed: int) -> dict[str, Any]:
    """The ``start_theta`` ablation: the untrained start as its own entry (intervals over tasks)."""
    figs: dict[str, Any] = {}
    for split, prefix in ((0, ""), (1, "test_")):
        for base in BASELINE_KEYS:
            outs = _compare(rows, start, base, split)
            for name, which in (("win", 1), ("tie", 0), ("loss", -1)):
                if base != "adam_tuned" and name != "win":
                    continue
                figs[f"{prefix}{name}_vs_{base}"] = bootstrap(
                    [float(o == which) for o in outs], resamples=resamples, seed=seed
                )
        figs[f"{prefix}log_ratio_vs_adam_tuned"] = bootstrap(
            _log_ratios(rows, start, "adam_tuned", split), resamples=resamples, seed=seed
        )
    return figs


ACCEPTANCE = (
    # Adam at its default lr is far too slow for 100 steps: the learned rule must beat it clearly.
    Criterion("win_vs_adam_default", ">=", 0.7),
    # Meta-training must have improved on its own start (the start_theta ablation) on most tasks.
    Criterion("win_vs_start", ">=", 0.5),
    Criterion("log_ratio_vs_start", "<", 0.0),
    Criterion("tuned_lrs_are_the_bundled_ones", "==", True, quick=False),
    Criterion("roughness_long_over_short", ">", 1.0, quick=False),
    Criterion("antithetic_variance_ratio", "<", 1.0, quick=False),
)
register_baseline("learned_opt/adam_default", "Adam at learning rate 1e-3")
register_baseline(
    "learned_opt/sgd_tuned", "SGD at the learning rate of its grid best on the validation tasks"
)
register_baseline(
    "learned_opt/adam_tuned", "Adam at the learning rate of its grid best on the validation tasks"
)


def _splits(seed_metrics: dict[int, dict], n_test: int, n_ood: int) -> list[Split]:
    """Task identities (family, seed) of every split; ``Report`` checks them disjoint."""
    train_items: list[tuple[str, int]] = []
    for metrics in seed_metrics.values():
        lo, hi = metrics["train_task_seeds"]
        train_items += [("dist", s) for s in range(lo, hi)]
    val = [("dist", VAL_SEED_OFFSET + i) for i in range(MetaConfig().val_tasks)]
    test = [("dist", TEST_SEED_OFFSET + i) for i in range(n_test)]
    ood = [(f, s) for f in OOD_FAMILIES for s in range(n_ood)]
    splits = [
        Split.of("meta-training tasks", None, train_items),
        Split.of("validation tasks", VAL_SEED_OFFSET, val),
        Split.of("test tasks", TEST_SEED_OFFSET, test),
    ]
    if ood:  # quick mode races none
        splits.append(Split.of("out-of-distribution tasks", TEST_SEED_OFFSET * 2, ood))
    return splits


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report: win / tie / loss fractions with margin, over seeds, on the test tasks."""
    torch.set_num_threads(1)
    t0 = time.time()
    n_test, n_ood = (QUICK_TEST, QUICK_OOD) if cfg.quick else (N_TEST, N_OOD_PER_FAMILY)
    loaded = {s: load_checkpoint(str(weights_path(s))) for s in SEEDS}
    mcfg = loaded[SEEDS[0]][1]
    start_theta = construct_theta(mcfg.init_kind, mcfg.init_lr, mcfg.hidden)
    thetas = torch.stack([loaded[s][0] for s in SEEDS] + [start_theta])
    start = f"learned{len(SEEDS)}"
    with torch.no_grad():
        # The full run tunes the baselines afresh; quick mode takes the bundled result.
        tuned = tune_baselines(validation_tasks(MetaConfig().val_tasks)) if not cfg.quick else None
        lrs: dict[str, Any] = tuned or {**TUNED_LRS, "table": {}}
        rows = [
            _entries(race(heldout_task(i), thetas, mcfg.hidden), len(thetas), lrs)
            for i in range(n_test)
        ]
        ood_rows = [
            _entries(race(ood_task(f, s), thetas, mcfg.hidden), len(thetas), lrs)
            for f in OOD_FAMILIES
            for s in range(n_ood)
        ]
    figures: dict[str, Any] = dict(
        _interval_figures(rows, ood_rows, SEEDS, start, cfg.resamples, cfg.seed)
    )
    # The live demo races the bundled learning rates: they must be what validation picks.
    figures["tuned_lrs_are_the_bundled_ones"] = all(lrs[k] == v for k, v in TUNED_LRS.items())
    figures["sgd_tuned_lr"] = lrs["sgd"]
    figures["adam_tuned_lr"] = lrs["adam"]
    details = _tables(out, rows, ood_rows, lrs, loaded, start, mcfg)
    if not cfg.quick:
        details.update(_hardness(out, loaded[SEEDS[0]][0], mcfg.hidden))
        for key in ("roughness_long_over_short", "antithetic_variance_ratio", "es_backprop_cosine"):
            figures[key] = details[key]
    details["seconds_total"] = round(time.time() - t0, 1)
    out(f"evaluation took {details['seconds_total']:.0f} s")
    return Report(
        demo="learned_opt",
        quick=cfg.quick,
        figures=figures,
        seeds=list(SEEDS),
        draw_seeds={
            "test": TEST_SEED_OFFSET,
            "validation": VAL_SEED_OFFSET,
            "out_of_distribution": TEST_SEED_OFFSET * 2,
            "bootstrap": cfg.seed,
        },
        splits=_splits({s: loaded[s][2] for s in SEEDS}, n_test, n_ood),
        baselines={f"learned_opt/{k}": figures[f"win_vs_{k}"].mean for k in BASELINE_KEYS},
        ablations=[
            Ablation(
                "start_theta",
                f"the untrained start (Adam at lr {mcfg.init_lr:g}, in the Adam grid) raced as "
                "its own entry on the same test tasks",
                _start_figures(rows, start, cfg.resamples, cfg.seed),
            )
        ],
        acceptance=ACCEPTANCE,
        details=details,
    )


def _mean_log(rows: list[dict], entry: str, split: int) -> float:
    return sum(safe_log(r[entry][split]) for r in rows) / len(rows)


def _tables(
    out: Callable[[str], None],
    rows: list[dict],
    ood_rows: list[dict],
    lrs: dict[str, Any],
    loaded: dict[int, tuple[torch.Tensor, Config, dict]],
    start: str,
    mcfg: Config,
) -> dict[str, Any]:
    """Print the per-entry tables; return every figure behind them (the report's ``details``)."""
    names = {f"learned{i}": f"learned, seed {s}" for i, s in enumerate(SEEDS)}
    names[start] = f"start θ (Adam {mcfg.init_lr:g})"
    names |= {
        "adam_default": f"Adam {ADAM_DEFAULT_LR:g}",
        "sgd_tuned": f"SGD {lrs['sgd']:g} (validation)",
        "adam_tuned": f"Adam {lrs['adam']:g} (validation)",
        "sgd_oracle": "SGD, best lr per task (oracle)",
        "adam_oracle": "Adam, best lr per task (oracle)",
    }
    out("validation grid, mean log final training loss over the validation tasks:")
    for kind, table in lrs["table"].items():
        out(f"  {kind:<5}" + "  ".join(f"{lr:g}: {v:.3f}" for lr, v in table.items()))
    out(f"\n{'entry':<34} {'mean log train':>14} {'mean log test':>14}   ({len(rows)} test tasks)")
    details: dict[str, Any] = {"n_test_tasks": len(rows), "n_ood_tasks": len(ood_rows)}
    details["validation_grid"] = {
        k: {str(lr): v for lr, v in t.items()} for k, t in lrs["table"].items()
    }
    for entry, label in names.items():
        tr, te = _mean_log(rows, entry, 0), _mean_log(rows, entry, 1)
        out(f"{label:<34} {tr:>14.3f} {te:>14.3f}")
        details[f"mean_log_train/{entry}"] = tr
        details[f"mean_log_test/{entry}"] = te
    out(f"\nwin / tie / loss (margin {MARGIN:.0%}) on the final loss, {len(rows)} test tasks:")
    out(f"{'entry':<22} {'against':<34} {'train loss':>16} {'test loss':>16}")
    for entry in [*[f"learned{i}" for i in range(len(SEEDS))], start]:
        for base in ("adam_default", "sgd_tuned", "adam_tuned", "sgd_oracle", "adam_oracle"):
            cells = []
            for split in (0, 1):
                o = _compare(rows, entry, base, split)
                w, t, lo = _frac(o, 1), _frac(o, 0), _frac(o, -1)
                cells.append(f"{w:.2f}/{t:.2f}/{lo:.2f}")
                key = ("" if split == 0 else "test_") + f"{entry}_vs_{base}"
                details[key] = {"win": w, "tie": t, "loss": lo}
            out(f"{names[entry]:<22} {names[base]:<34} {cells[0]:>16} {cells[1]:>16}")
        if entry != start:
            o = _compare(rows, entry, start, 0)
            details[f"{entry}_vs_start"] = {
                "win": _frac(o, 1),
                "tie": _frac(o, 0),
                "loss": _frac(o, -1),
            }
            out(
                f"{names[entry]:<22} {names[start]:<34} {_frac(o, 1):.2f}/{_frac(o, 0):.2f}/{_frac(o, -1):.2f}"
            )
    if ood_rows:
        n_ood = len(ood_rows) // len(OOD_FAMILIES)
        out(
            f"\nout of distribution, win/tie/loss against tuned Adam (train loss), {n_ood} per family:"
        )
        for k, fam in enumerate(OOD_FAMILIES):
            fam_rows = ood_rows[k * n_ood : (k + 1) * n_ood]
            cells = []
            for entry in [*[f"learned{i}" for i in range(len(SEEDS))], start]:
                o = _compare(fam_rows, entry, "adam_tuned", 0)
                cells.append(f"{_frac(o, 1):.2f}/{_frac(o, 0):.2f}/{_frac(o, -1):.2f}")
                details[f"ood/{fam}/{entry}_vs_adam_tuned"] = {
                    "win": _frac(o, 1),
                    "tie": _frac(o, 0),
                    "loss": _frac(o, -1),
                }
            out(
                f"  {fam:<14} "
                + "  ".join(
                    f"{names[e]}: {c}"
                    for e, c in zip(
                        [*[f"learned{i}" for i in range(len(SEEDS))], start], cells, strict=True
                    )
                )
            )
    details["seeds"] = {
        str(s): {
            "best_update": m.get("best_update"),
            "val_mean_log_loss": m.get("val_mean_log_loss"),
            "train_task_seeds": m.get("train_task_seeds"),
            "train_seconds": m.get("train_seconds"),
        }
        for s, (_, _, m) in loaded.items()
    }
    return details


def _hardness(out: Callable[[str], None], theta: torch.Tensor, hidden: int) -> dict[str, Any]:
    """The meta-loss landscape figures at seed 0's θ (full run only)."""
    sl = slice_experiment(theta, hidden)
    var = variance_experiment(theta, hidden)
    cos = cosine_experiment(theta, hidden)
    out(
        f"\nmeta-loss roughness: {sl['short_unroll']}-step unroll {sl['roughness_short']:.3f}, "
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
    return {
        "roughness_short": sl["roughness_short"],
        "roughness_long": sl["roughness_long"],
        "roughness_smoothed_long": sl["roughness_smoothed_long"],
        "roughness_long_over_short": sl["roughness_long_over_short"],
        "antithetic_variance_ratio": var["antithetic_variance_ratio"],
        "es_backprop_cosine": cos["es_backprop_cosine"],
    }


if __name__ == "__main__":
    import json

    print(json.dumps(evaluate(EvalConfig()).to_json()))
