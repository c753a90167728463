"""Evaluate the bundled WAGE checkpoints on the fixed held-out digits (360 images).

Every checkpoint in weights/ (one per bit-width setting and seed, written by train.py) is
rebuilt, run through its quantised forward pass on the test split, and the bit-width table
(mean +- std over seeds) is printed, as in Wu et al., ICLR 2018, Table 1.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
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

from .model import Config, WageMLP
from .task import SPLIT_SEED, load_digits_split
from .train import (
    INT8_STEP_KEY,
    SETTINGS,
    WEIGHTS_DIR,
    checkpoint_name,
    format_table,
    restore_state_dict,
    summarise,
)

MAX_SEEDS = 10  # look for checkpoints s0..s9 of each setting
# A re-evaluated accuracy must equal the stored one: stored values are rounded to 5
# decimals, and one test image is 1/360 ~ 0.0028.
STORED_TOLERANCE = 1e-4


def load_checkpoint(path: Path) -> tuple[WageMLP, dict]:
    """Rebuild the network stored at ``path``; returns (model, checkpoint dict)."""
    ckpt = checkpoint.load(path)
    config = dict(ckpt["config"])
    config["sizes"] = tuple(config["sizes"])
    model = WageMLP(Config(**config))
    model.load_state_dict(restore_state_dict(ckpt["model"], ckpt["metrics"].get(INT8_STEP_KEY, {})))
    model.eval()
    return model, ckpt


QUICK_SETTINGS = ("float", "2-8-8-8")
ACCEPTANCE = (
    Criterion("gap_2888_points", "<=", 2.0),  # 2-8-8-8 within 2 points of float32
    Criterion("acc_2888", ">", 0.9),
    Criterion("stored_metrics_match", "==", True),
)
register_baseline("wage/float32", "the same MLP trained and run in float32")


def _images(x: torch.Tensor) -> list[bytes]:
    return [row.numpy().tobytes() for row in x]


def evaluate(
    cfg: EvalConfig, out: Callable[[str], None] = print, weights_dir: Path = WEIGHTS_DIR
) -> Report:
    """The kit report; the interval on the 2-8-8-8 gap is a paired bootstrap over test images."""
    settings = QUICK_SETTINGS if cfg.quick else SETTINGS
    details, correct = _figures(out, weights_dir, settings)
    data = load_digits_split()
    figures: dict[str, Any] = {
        "acc_2888": details["acc_2888"],
        "acc_float": details["acc_float"],
        "stored_metrics_match": details["stored_metric_mismatches"] == [],
    }
    if "2-8-8-8" in correct and "float" in correct:
        # Per image: the float32 runs' mean correctness minus the 2-8-8-8 runs', in points.
        diff = 100 * (correct["float"].mean(0) - correct["2-8-8-8"].mean(0))
        figures["gap_2888_points"] = bootstrap(diff.numpy(), resamples=cfg.resamples, seed=cfg.seed)
    return Report(
        demo="wage",
        quick=cfg.quick,
        figures=figures,
        splits=[
            Split.of("test", SPLIT_SEED, _images(data.x_test)),
            Split.of("train", SPLIT_SEED, _images(data.x_train)),
        ],
        seeds={"split": SPLIT_SEED, "bootstrap": cfg.seed},
        baselines={"wage/float32": details["acc_float"]},
        ablations=[
            Ablation(r["bits"], "k_W-k_A-k_G-k_E bit widths", "test accuracy", r["mean"])
            for r in details["table"]
            if r["bits"] not in ("float", "2-8-8-8")
        ],
        acceptance=ACCEPTANCE,
        details=details,
    )


def _figures(
    out: Callable[[str], None], weights_dir: Path = WEIGHTS_DIR, settings: Sequence[str] = SETTINGS
) -> tuple[dict, dict[str, torch.Tensor]]:
    """Re-measure the bundled checkpoints of `settings`; ({"acc_float", "acc_2888", "table", …},
    {setting: [seeds, test images] 0/1 correctness})."""
    torch.set_num_threads(1)
    start = time.perf_counter()
    data = load_digits_split()
    accs: dict[str, list[float]] = {}
    correct: dict[str, list[torch.Tensor]] = {}
    mismatches = []
    ternary_levels: list[int] = []
    epochs = None
    for bits in settings:
        for seed in range(MAX_SEEDS):
            path = weights_dir / checkpoint_name(bits, seed)
            if not path.exists():
                continue
            model, ckpt = load_checkpoint(path)
            with torch.no_grad():
                hits = (model(data.x_test).argmax(dim=1) == data.y_test).float()
            acc = float(hits.mean())  # = model.accuracy on the test split
            correct.setdefault(bits, []).append(hits)
            accs.setdefault(bits, []).append(acc)
            epochs = ckpt["config"]["epochs"]
            if abs(acc - ckpt["metrics"]["test_acc"]) > STORED_TOLERANCE:
                mismatches.append(path.name)
            if bits == "2-8-8-8" and seed == 0:
                ternary_levels = [int(torch.unique(w).numel()) for w in model.forward_weights()]
    rows = summarise(accs)
    out(
        f"WAGE on sklearn digits, MLP 64-256-256-10, {epochs} epochs, test split of {len(data.y_test)} images"
    )
    out(format_table(rows))
    by_bits = {r["bits"]: r for r in rows}
    result: dict[str, Any] = {
        "acc_float": by_bits["float"]["mean"] if "float" in by_bits else None,
        "acc_2888": by_bits["2-8-8-8"]["mean"] if "2-8-8-8" in by_bits else None,
        "table": rows,
        "epochs": epochs,
        "ternary_levels_2888": ternary_levels,
        "stored_metric_mismatches": mismatches,
    }
    if result["acc_float"] is not None and result["acc_2888"] is not None:
        gap = 100.0 * (result["acc_float"] - result["acc_2888"])
        result["gap_2888_points"] = round(gap, 2)
        out(
            f"float - 2-8-8-8: {gap:+.2f} points; 2-8-8-8 weight levels per layer: {ternary_levels}"
        )
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result, {bits: torch.stack(rows) for bits, rows in correct.items()}


if __name__ == "__main__":
    print(json.dumps(evaluate(EvalConfig()).to_json()))
