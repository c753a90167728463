"""Evaluation of the ACT parity demo: every training seed, selection on validation, figures on test.

The vector space is split once into train, validation and test (task.py). For each of the
SEEDS training seeds there is one ACT network per time penalty τ, one fixed-ponder network
per N in 2, 3, 5 (the ``fixed_steps`` ablation) and the one-update baseline (its learning
rate picked per seed on validation, train.py). Here:

- τ is chosen on the **validation** split (lowest mean error over the seeds; ties go to the
  larger τ, which ponders less); every checkpoint was chosen on validation in train.py;
- every figure is measured on the **test** split, each distinct vector once (5,346 vectors;
  ``--quick``: every QUICK_STRIDE-th of them, still every k), as the mean over seeds and
  vectors with a hierarchical bootstrap 95 % interval (kit ``bootstrap_seeds``: resample
  seeds, then vectors within each seed);
- parity_error, mean_ponder: error and mean ponder steps N of the chosen τ;
- baseline_error: the one-update no-ACT RNN, its learning rate chosen per seed on validation
  from its own grid (BASELINE_LRS); act_beats_baseline: the two intervals are apart;
- ponder_tau_<τ>, error_tau_<τ>: mean ponder steps and error of every τ (ponder vs τ);
- ponder_rank_corr: Spearman correlation between k (non-zero entries) and N per test vector
  for the chosen τ, averaged over seeds; ponder_monotone_in_tau: mean N never rises with τ;
- ablation ``fixed_steps``: the error of the networks with N = 2, 3, 5 fixed ponder steps,
  trained like the ACT networks (same updates, batch and learning rate), beside the chosen
  ACT network's error and mean steps.

    python -m demos.plugins.act.evaluate
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import torch
from scipy.stats import spearmanr

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
from demos.plugins.act import DIM
from demos.plugins.act.infer import BATCH_SIZE, load_checkpoint
from demos.plugins.act.model import ACTRNN
from demos.plugins.act.task import ParityBatch, random_vectors, split_vectors
from demos.plugins.act.train import (
    BASELINE,
    BASELINE_LRS,
    FIXED,
    SEEDS,
    TAUS,
    WEIGHTS_DIR,
    checkpoint_name,
    per_vector,
)

ABLATIONS = ("fixed_steps",)
QUICK_STRIDE = 4
LATENCY_SEED = 2024
_LATENCY_REPEATS = 5

ACCEPTANCE = (
    Criterion("test_vectors", ">=", 5000, quick=False),
    Criterion("parity_error", "<", 0.02),
    Criterion("mean_ponder", ">", 2.0),
    Criterion("baseline_error", ">", 0.2),
    Criterion("act_beats_baseline", "==", True),
)
register_baseline("act/no_act", "the same RNN with one update per input (no ACT)")


def _codes(batch: ParityBatch) -> list[tuple[int, ...]]:
    """Each [1, D] input vector as a hashable tuple (the items of a split)."""
    return [tuple(int(v) for v in row) for row in batch.inputs[:, 0].tolist()]


def _strided(batch: ParityBatch, stride: int) -> ParityBatch:
    return ParityBatch(*(t[::stride] for t in batch))


def _load(label: str) -> dict[int, ACTRNN]:
    """{seed: model} of one label's bundled checkpoints."""
    return {s: load_checkpoint(WEIGHTS_DIR / checkpoint_name(DIM, label, s))[0] for s in SEEDS}


def _baselines(valid: ParityBatch) -> tuple[dict[int, ACTRNN], dict[int, dict[str, float]]]:
    """({seed: the baseline of the learning rate with the lowest validation error}, the grid).

    Ties go to the first rate in BASELINE_LRS.
    """
    chosen, grid = {}, {}
    for s in SEEDS:
        errors, models = {}, {}
        for lr in BASELINE_LRS:
            model = load_checkpoint(WEIGHTS_DIR / checkpoint_name(DIM, BASELINE, s, lr))[0]
            errors[f"{lr:g}"] = float(per_vector(model, valid.inputs, valid.target)["wrong"].mean())
            models[f"{lr:g}"] = model
        best = min(errors, key=lambda lr: errors[lr])
        chosen[s], grid[s] = models[best], errors
    return chosen, grid


def _interval(values: dict[int, torch.Tensor], cfg: EvalConfig) -> Interval:
    return bootstrap_seeds(
        {s: v.numpy() for s, v in values.items()}, resamples=cfg.resamples, seed=cfg.seed
    )


@torch.no_grad()
def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report of every bundled seed: τ chosen on validation, figures on test."""
    torch.set_num_threads(1)
    train, valid = split_vectors(DIM, "train"), split_vectors(DIM, "validation")
    test_all = split_vectors(DIM, "test")
    test = _strided(test_all, QUICK_STRIDE) if cfg.quick else test_all
    labels = (*TAUS, *FIXED, BASELINE)
    models = {label: _load(label) for label in (*TAUS, *FIXED)}
    models[BASELINE], baseline_grid = _baselines(valid)
    on_valid = {
        label: {s: per_vector(m, valid.inputs, valid.target) for s, m in ms.items()}
        for label, ms in models.items()
    }
    on_test = {
        label: {s: per_vector(m, test.inputs, test.target) for s, m in ms.items()}
        for label, ms in models.items()
    }

    def mean_over_seeds(per: dict[int, dict[str, torch.Tensor]], key: str) -> float:
        return float(sum(float(p[key].mean()) for p in per.values()) / len(per))

    # TAUS runs from large to small τ: min keeps the first of equal errors, the larger τ.
    valid_error = {t: mean_over_seeds(on_valid[t], "wrong") for t in TAUS}
    best = min(TAUS, key=lambda t: valid_error[t])

    out(
        f"ACT parity, D = {DIM}: {len(test.inputs)} distinct test vectors"
        f"{f' (every {QUICK_STRIDE}th)' if cfg.quick else ''}, {len(valid.inputs)} validation, "
        f"{len(train.inputs)} training; seeds {', '.join(map(str, SEEDS))}"
    )
    out(f"{'model':>10} {'valid err':>9} {'test err':>9} {'ponder N':>9} {'ρ = N+R':>8}  per seed")
    rows: dict[str, dict[str, Any]] = {}
    for label in labels:
        by_seed = {s: float(p["wrong"].mean()) for s, p in on_test[label].items()}
        row = {
            "valid_error": mean_over_seeds(on_valid[label], "wrong"),
            "error": mean_over_seeds(on_test[label], "wrong"),
            "mean_steps": mean_over_seeds(on_test[label], "steps"),
            "mean_ponder_cost": mean_over_seeds(on_test[label], "ponder_cost"),
            "error_by_seed": by_seed,
        }
        rows[label] = row
        name = label if label in (BASELINE, *FIXED) else f"τ={label}"
        seeds = " ".join(f"{e:.2%}" for e in by_seed.values())
        out(
            f"{name:>10} {row['valid_error']:>9.2%} {row['error']:>9.2%} "
            f"{row['mean_steps']:>9.3f} {row['mean_ponder_cost']:>8.3f}  {seeds}"
        )
    out(f"τ chosen on validation: {best} (validation error {valid_error[best]:.2%})")

    per_k = []
    out(f"\nchosen τ={best}, test vectors by number of non-zero entries k (mean over seeds)")
    out(f"{'k':>3} {'count':>6} {'error':>8} {'ponder N':>9}")
    for k in range(1, DIM + 1):
        sel = test.nonzero == k
        row = {
            "k": k,
            "count": int(sel.sum()),
            "error": float(sum(float(p["wrong"][sel].mean()) for p in on_test[best].values()))
            / len(SEEDS),
            "mean_steps": float(sum(float(p["steps"][sel].mean()) for p in on_test[best].values()))
            / len(SEEDS),
        }
        per_k.append(row)
        out(f"{k:>3} {row['count']:>6} {row['error']:>8.2%} {row['mean_steps']:>9.3f}")
    corr_by_seed = {s: _rank_corr(test.nonzero, p["steps"]) for s, p in on_test[best].items()}
    corr = sum(corr_by_seed.values()) / len(corr_by_seed)
    ponders = [rows[t]["mean_steps"] for t in TAUS]  # τ decreasing along TAUS
    monotone = all(a <= b for a, b in itertools.pairwise(ponders))

    def wrong(label: str) -> Interval:
        return _interval({s: p["wrong"] for s, p in on_test[label].items()}, cfg)

    def steps(label: str) -> Interval:
        return _interval({s: p["steps"] for s, p in on_test[label].items()}, cfg)

    parity_error, baseline_error = wrong(best), wrong(BASELINE)
    figures: dict[str, Any] = {
        "parity_error": parity_error,
        "mean_ponder": steps(best),
        "baseline_error": baseline_error,
        "act_beats_baseline": parity_error.high < baseline_error.low,
        "ponder_rank_corr": corr,
        "ponder_monotone_in_tau": monotone,
        "test_vectors": len(test.inputs),
    }
    for t in TAUS:
        figures[f"ponder_tau_{t}"] = steps(t)
        figures[f"error_tau_{t}"] = wrong(t)
    fixed_figures: dict[str, Any] = {f"error_N{n}": wrong(label) for label, n in FIXED.items()}
    fixed_figures.update({"act_error": parity_error, "act_mean_ponder": figures["mean_ponder"]})

    details: dict[str, Any] = {
        "dim": DIM,
        "best_tau": best,
        "selection": "τ with the lowest mean validation error over seeds (ties: larger τ)",
        "valid_error_by_tau": valid_error,
        "per_model": rows,
        "per_k": per_k,
        "ponder_rank_corr_by_seed": corr_by_seed,
        "baseline_valid_error_by_lr": baseline_grid,
        "baseline_lr_by_seed": {s: min(g, key=lambda lr: g[lr]) for s, g in baseline_grid.items()},
    }
    if not cfg.quick:
        wall_ms, cpu_ms = _batch_latency(models[best][SEEDS[0]])
        details.update({"batch256_ms": wall_ms, "batch256_cpu_ms": cpu_ms})
        out(
            f"\nbatch of {BATCH_SIZE} vectors through τ={best}: {wall_ms:.1f} ms wall, "
            f"{cpu_ms:.1f} ms CPU (best of {_LATENCY_REPEATS})"
        )
    out(
        f"\nchosen τ={best}: test error {parity_error.mean:.2%} "
        f"[{parity_error.low:.2%}, {parity_error.high:.2%}], baseline {baseline_error.mean:.2%}, "
        f"mean ponder {figures['mean_ponder'].mean:.2f}, Spearman(k, N) {corr:.3f}, "
        f"ponder monotone in τ: {monotone}"
    )
    return Report(
        demo="act",
        quick=cfg.quick,
        figures=figures,
        seeds=list(SEEDS),
        draw_seeds={"bootstrap": cfg.seed, "latency_batch": LATENCY_SEED},
        splits=[
            Split.of("test", None, _codes(test)),
            Split.of("validation", None, _codes(valid)),
            Split.of("train", None, _codes(train)),
        ],
        baselines={"act/no_act": baseline_error.mean},
        ablations=[
            Ablation(
                "fixed_steps",
                "the same RNN with exactly N = 2, 3 or 5 ponder updates per input and no halting "
                "unit, trained like the ACT networks, beside the chosen ACT network",
                fixed_figures,
            )
        ],
        acceptance=ACCEPTANCE,
        details=details,
    )


def _rank_corr(k: torch.Tensor, steps: torch.Tensor) -> float:
    """Spearman correlation of k and N; 0 when N is constant (no association, not NaN)."""
    if bool((steps == steps[0]).all()):
        return 0.0
    return float(spearmanr(k.numpy(), steps.numpy()).statistic)


def _batch_latency(model: torch.nn.Module) -> tuple[float, float]:
    """(wall ms, CPU ms): the best of a few timed forward passes of one inference batch."""
    g = torch.Generator().manual_seed(LATENCY_SEED)
    vectors = random_vectors(BATCH_SIZE, DIM, g).unsqueeze(1)
    model(vectors, keep_steps=False)  # warm-up
    wall, cpu = [], []
    for _ in range(_LATENCY_REPEATS):
        w0, c0 = time.perf_counter(), time.process_time()
        model(vectors, keep_steps=False)
        wall.append(1000 * (time.perf_counter() - w0))
        cpu.append(1000 * (time.process_time() - c0))
    return min(wall), min(cpu)


if __name__ == "__main__":
    import json

    print(json.dumps(evaluate(EvalConfig()).to_json(), default=float))
