"""Evaluate the bundled WAGE checkpoints on the fixed held-out digits (360 images).

Every checkpoint in weights/ (one per bit-width setting and seed, written by train.py) is
rebuilt, run through its quantised forward pass on the test split, and the bit-width table
(mean +- std over seeds) is printed, as in Wu et al., ICLR 2018, Table 1.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from demos.kit import checkpoint

from .model import Config, WageMLP, accuracy
from .task import load_digits_split
from .train import SETTINGS, WEIGHTS_DIR, checkpoint_name, format_table, summarise

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
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, ckpt


def evaluate(out: Callable[[str], None] = print, weights_dir: Path = WEIGHTS_DIR) -> dict:
    """Re-measure every bundled checkpoint; return {"acc_float", "acc_2888", "table", ...}."""
    torch.set_num_threads(1)
    start = time.perf_counter()
    data = load_digits_split()
    accs: dict[str, list[float]] = {}
    mismatches = []
    ternary_levels: list[int] = []
    epochs = None
    for bits in SETTINGS:
        for seed in range(MAX_SEEDS):
            path = weights_dir / checkpoint_name(bits, seed)
            if not path.exists():
                continue
            model, ckpt = load_checkpoint(path)
            acc = accuracy(model, data.x_test, data.y_test)
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
    return result


if __name__ == "__main__":
    print(json.dumps(evaluate()))
