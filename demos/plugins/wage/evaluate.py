"""Evaluate the bundled WAGE checkpoints on the fixed held-out digits (360 test images).

Every checkpoint in weights/ (one per bit-width setting or Q_G variant and training seed, written
by train.py with its learning rate chosen on the validation split) is rebuilt and run on the
validation and test splits, also through the integer-only forward pass (`model.integer_forward`).
The report gives, over training seeds 0-2 (kit `bootstrap_seeds`: seeds, then test images):

- the 2-8-8-8 and float32 test accuracies and their paired gap (Wu et al., ICLR 2018, Table 1);
- ``deterministic_rounding``: Q_G with round-to-nearest, and Q_G without the Shift(max|g|)
  scaling, against the paper's stochastic rounding (its central claim), each with its own rate
  grid chosen on validation, plus the update-code histograms (share of zero updates);
- ``bit_widths``: the other k_W-k_A-k_G-k_E settings (the bit-width table).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
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
    bootstrap_seeds,
    register_baseline,
)

from .model import MAX_CODE, Config, WageMLP, integer_forward
from .task import SPLIT_SEED, load_digits_split
from .train import (
    HEADLINE,
    INT8_STEP_KEY,
    SETTINGS,
    TABLE_FILE,
    WEIGHTS_DIR,
    format_table,
    restore_state_dict,
    summarise,
)

# The ablations every full report holds (the contract test checks evaluation.json).
ABLATIONS = ("deterministic_rounding",)
VARIANTS = ("stochastic", "deterministic", "noshift")  # Q_G: the paper's, and the two ablations
SMALL_ETA_GAP = "test_gap_eta_1_points"  # stochastic − deterministic at eta = 1, a headline figure
QUICK_RESAMPLES = 300  # --quick: the same checkpoints and figures, fewer bootstrap resamples
# A re-evaluated accuracy must equal the stored one: stored values are float32 means, and one
# test image is 1/360 ~ 0.0028.
STORED_TOLERANCE = 1e-4
ACCEPTANCE = (
    Criterion("acc_2888", ">", 0.9),  # ternary weights still classify digits
    Criterion("gap_2888_points", "<=", 2.0),  # 2-8-8-8 within 2 points of the tuned float32
    Criterion("stored_metrics_match", "==", True),  # the bundled weights give their figures
    Criterion("integer_inference_matches", "==", True),  # integer-only forward = simulated one
    # The paper's claim where updates are small (eta = 1: at most one k_G step, 1/8 after the
    # decay): stochastic rounding beats deterministic rounding by more than 5 points.
    Criterion("test_gap_eta_1_points", ">", 5.0),
)
register_baseline(
    "wage/float32", "the same MLP trained in float32 by SGD, learning rate tuned on validation"
)


def load_checkpoint(path: Path) -> tuple[WageMLP, dict]:
    """Rebuild the network stored at ``path``; returns (model, checkpoint dict)."""
    ckpt = checkpoint.load(path)
    config = dict(ckpt["config"])
    config["sizes"] = tuple(config["sizes"])
    model = WageMLP(Config(**config))
    steps = ckpt["metrics"].get(INT8_STEP_KEY, {})
    model.load_state_dict(restore_state_dict(ckpt["model"], steps))
    model.eval()
    return model, ckpt


def run_key(cfg: Config) -> str:
    """ "2-8-8-8", "float", or "2-8-8-8/deterministic" for a Q_G variant."""
    return cfg.bits if cfg.variant == "stochastic" else f"{cfg.bits}/{cfg.variant}"


def _images(x: torch.Tensor) -> list[bytes]:
    return [row.numpy().tobytes() for row in x]


def zero_share(counts: list[list[int]]) -> float:
    """Share of update codes n = 0 among all codes (every weight, every step, every layer)."""
    t = torch.tensor(counts, dtype=torch.float64)
    return float(t[:, MAX_CODE].sum() / t.sum()) if t.sum() > 0 else float("nan")


def measure(weights_dir: Path = WEIGHTS_DIR) -> dict[str, dict[int, dict[str, Any]]]:
    """Re-run every bundled checkpoint: {run key: {seed: figures}}.

    Per run: "test_correct" (a [360] 0/1 tensor), "val_acc", "test_acc", whether they equal the
    stored ones, whether the integer-only forward pass predicts exactly the same, the stored
    update-code counts, α per layer and the distinct forward weight values per layer.
    """
    torch.set_num_threads(1)
    data = load_digits_split()
    runs: dict[str, dict[int, dict[str, Any]]] = {}
    for path in sorted(weights_dir.glob("wage_*_s*.pt")):
        model, ckpt = load_checkpoint(path)
        cfg, metrics = model.cfg, ckpt["metrics"]
        with torch.no_grad():
            out_test = model(data.x_test)
            val_acc = float((model(data.x_val).argmax(1) == data.y_val).float().mean())
        hits = (out_test.argmax(1) == data.y_test).to(torch.float64)
        stored = metrics.get("test_correct", "")
        matches = (
            abs(float(hits.mean()) - metrics["test_acc"]) <= STORED_TOLERANCE
            and abs(val_acc - metrics["val_acc"]) <= STORED_TOLERANCE
            and stored == "".join(str(int(h)) for h in hits)
        )
        integer = None
        if cfg.bits != "float":
            scores = integer_forward(model, data.x_test)
            integer = bool(torch.equal(scores.argmax(1), out_test.argmax(1)))
        runs.setdefault(run_key(cfg), {})[cfg.seed] = {
            "file": path.name,
            "test_correct": hits,
            "test_acc": float(hits.mean()),
            "val_acc": val_acc,
            "stored_match": matches,
            "integer_match": integer,
            "update_counts": metrics.get("update_counts", []),
            "alphas": [float(a) for a in model.alphas],
            "levels": [int(torch.unique(w).numel()) for w in model.forward_weights()],
            "rate": cfg.lr_float if cfg.bits == "float" or not cfg.grad_shift else cfg.lr,
            "epochs": cfg.epochs,
        }
    return runs


def _accuracy(
    runs: dict[int, dict[str, Any]], cfg: EvalConfig, resamples: int, points: bool = False
) -> Interval:
    scale = 100.0 if points else 1.0
    return bootstrap_seeds(
        {s: scale * r["test_correct"].numpy() for s, r in runs.items()},
        resamples=resamples,
        seed=cfg.seed,
    )


def _gap(
    better: dict[int, dict[str, Any]],
    worse: dict[int, dict[str, Any]],
    cfg: EvalConfig,
    resamples: int,
) -> Interval:
    """better − worse in points, paired per seed and test image, over the seeds both have."""
    seeds = sorted(set(better) & set(worse))
    return bootstrap_seeds(
        {s: 100.0 * (better[s]["test_correct"] - worse[s]["test_correct"]).numpy() for s in seeds},
        resamples=resamples,
        seed=cfg.seed,
    )


def _summed_counts(runs: dict[int, dict[str, Any]]) -> list[int]:
    total = torch.zeros(2 * MAX_CODE + 1, dtype=torch.int64)
    for r in runs.values():
        if r["update_counts"]:
            total += torch.tensor(r["update_counts"], dtype=torch.int64).sum(0)
    return [int(c) for c in total]


def tuning_table(weights_dir: Path = WEIGHTS_DIR) -> dict:
    """The validation grids train.py stored in table.json ({} before training)."""
    path = weights_dir / TABLE_FILE
    return json.loads(path.read_text()).get("tuning", {}) if path.exists() else {}


def equal_rate_gaps(tuning: dict, cfg: EvalConfig, resamples: int) -> dict[str, Interval]:
    """Stochastic − deterministic test accuracy (points) at each eta both grids share.

    At a *fixed* eta nothing is selected, so the test figures train.py stored for the whole grid
    are fair to compare (the rates not chosen keep no weights, only these figures): where the
    paper's claim holds depends on how small the updates are. One value per seed.
    """
    sto, det = tuning.get(HEADLINE), tuning.get(f"{HEADLINE}/deterministic")
    if not sto or not det:
        return {}
    by_rate = {r["rate"]: r["test"] for r in det["grid"]}
    gaps = {}
    for row in sto["grid"]:
        other = by_rate.get(row["rate"])
        pairs = list(zip(row["test"], other or [], strict=False))
        if not other or len(pairs) != len(row["test"]) or None in (v for p in pairs for v in p):
            continue
        per_seed = {s: [100.0 * (a - b)] for s, (a, b) in enumerate(pairs)}
        gaps[f"test_gap_eta_{row['rate']:g}_points"] = bootstrap_seeds(
            per_seed, resamples=resamples, seed=cfg.seed
        )
    return gaps


def evaluate(
    cfg: EvalConfig, out: Callable[[str], None] = print, weights_dir: Path = WEIGHTS_DIR
) -> Report:
    """The kit report over the bundled checkpoints (``cfg.quick``: fewer bootstrap resamples)."""
    start = time.perf_counter()
    resamples = min(cfg.resamples, QUICK_RESAMPLES) if cfg.quick else cfg.resamples
    runs = measure(weights_dir)
    data = load_digits_split()
    if "float" not in runs or HEADLINE not in runs:
        raise FileNotFoundError(f"no float and {HEADLINE} checkpoints in {weights_dir}")
    wage, flt = runs[HEADLINE], runs["float"]
    seeds = sorted(set(wage) & set(flt))
    all_runs = [r for by_seed in runs.values() for r in by_seed.values()]
    integer_runs = [r["integer_match"] for r in all_runs if r["integer_match"] is not None]
    figures: dict[str, Any] = {
        "acc_2888": _accuracy(wage, cfg, resamples),
        "acc_float": _accuracy(flt, cfg, resamples),
        "gap_2888_points": _gap(flt, wage, cfg, resamples),
        "stored_metrics_match": all(r["stored_match"] for r in all_runs),
        "integer_inference_matches": bool(integer_runs) and all(integer_runs),
    }

    variants = {v: runs.get(HEADLINE if v == "stochastic" else f"{HEADLINE}/{v}") for v in VARIANTS}
    ablation_figures: dict[str, Any] = {}
    histograms: dict[str, Any] = {}
    for variant, by_seed in variants.items():
        if not by_seed:
            continue
        counts = _summed_counts(by_seed)
        share = zero_share([counts])
        histograms[variant] = {
            "codes": list(range(-MAX_CODE, MAX_CODE + 1)),
            "counts": counts,
            "zero_share": share,
            "rate": by_seed[min(by_seed)]["rate"],
        }
        ablation_figures[f"acc_{variant}"] = _accuracy(by_seed, cfg, resamples)
        ablation_figures[f"zero_share_{variant}"] = share
        if variant != "stochastic":
            ablation_figures[f"gap_{variant}_points"] = _gap(wage, by_seed, cfg, resamples)
        ablation_figures[f"rate_{variant}"] = histograms[variant]["rate"]
    tuning = tuning_table(weights_dir)
    at_equal_rates = equal_rate_gaps(tuning, cfg, resamples)
    ablation_figures.update(at_equal_rates)
    if SMALL_ETA_GAP in at_equal_rates:
        figures[SMALL_ETA_GAP] = at_equal_rates[SMALL_ETA_GAP]
    ablations = []
    if len(ablation_figures) > 4:
        ablations.append(
            Ablation(
                "deterministic_rounding",
                "2-8-8-8 with Q_G rounding to nearest (deterministic) or without the "
                "Shift(max|g|) scaling (noshift), against stochastic rounding; each variant's "
                "rate chosen on validation; gap = stochastic − variant, points",
                ablation_figures,
            )
        )
    others = [k for k in SETTINGS if k in runs and k not in ("float", HEADLINE)]
    if others:
        ablations.append(
            Ablation(
                "bit_widths",
                "other k_W-k_A-k_G-k_E settings (test accuracy), each with its eta chosen on validation",
                {k: _accuracy(runs[k], cfg, resamples) for k in others},
            )
        )

    keys = [k for k in SETTINGS if k in runs] + sorted(k for k in runs if k not in SETTINGS)
    rows = summarise({k: [runs[k][s]["test_acc"] for s in sorted(runs[k])] for k in keys})
    epochs = wage[min(wage)]["epochs"]
    out(
        f"WAGE on sklearn digits, MLP 64-256-256-10, {epochs} epochs; validation "
        f"{len(data.y_val)} / test {len(data.y_test)} images; training seeds {seeds}"
    )
    out(format_table(rows))
    for name, t in tuning.items():
        grid = ", ".join(f"{r['rate']:g}: {100 * r['val_mean']:.2f}" for r in t["grid"])
        out(f"{name}: {t['field']} on validation (mean %) {{{grid}}} -> {t['chosen']:g}")
    for variant, h in histograms.items():
        out(f"update codes {variant}: {100 * h['zero_share']:.2f} % zero")
    w0 = wage[min(wage)]
    details: dict[str, Any] = {
        "table": rows,
        "val_acc": {k: [runs[k][s]["val_acc"] for s in sorted(runs[k])] for k in keys},
        "tuning": tuning,
        "update_codes": histograms,
        "alphas_2888": w0["alphas"],
        "levels_2888": w0["levels"],
        "epochs": epochs,
        "stored_metric_mismatches": [r["file"] for r in all_runs if not r["stored_match"]],
        "integer_mismatches": [r["file"] for r in all_runs if r["integer_match"] is False],
        "resamples": resamples,
    }
    details["seconds"] = round(time.perf_counter() - start, 2)
    return Report(
        demo="wage",
        quick=cfg.quick,
        figures=figures,
        splits=[
            Split.of("test", SPLIT_SEED, _images(data.x_test)),
            Split.of("val", SPLIT_SEED, _images(data.x_val)),
            Split.of("train", SPLIT_SEED, _images(data.x_train)),
        ],
        seeds=seeds,
        draw_seeds={"split": SPLIT_SEED, "bootstrap": cfg.seed},
        baselines={"wage/float32": figures["acc_float"].mean},
        ablations=ablations,
        acceptance=ACCEPTANCE,
        details=details,
    )


if __name__ == "__main__":
    print(json.dumps(evaluate(EvalConfig()).to_json()))
