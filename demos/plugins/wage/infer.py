"""Live WAGE run: train with the chosen bit widths and, beside it, the same network in float32.

Returns test accuracy of both, per-epoch curves, the histogram of the integer weight codes the
forward pass uses (three levels for k_W = 2: the ternary weights of Wu et al., ICLR 2018), the
memory/energy estimate of ``costs.py`` and the bundled bit-width table for instant display.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import torch

from demos.kit.training import Progress

from . import quant
from .costs import estimate_costs
from .model import WageMLP
from .train import TABLE_FILE, WEIGHTS_DIR, config_for, train_run

FLOAT_HIST_BINS = 41  # the float path has no levels: a plain histogram instead
WAGE_SHARE = 70.0  # progress: the WAGE run takes about 70% of the time (quantisers, rounding)


@lru_cache(maxsize=1)
def bundled_table() -> dict:
    """The table written by train.py ({"epochs", "seeds", "rows"}); empty if not trained yet."""
    path = WEIGHTS_DIR / TABLE_FILE
    if not path.exists():
        return {"epochs": 0, "seeds": 0, "rows": []}
    return json.loads(path.read_text())


def weight_histogram(model: WageMLP) -> dict:
    """Histogram of all forward weights, as k_W-bit integer codes (or float bins for k_W = 32).

    ``levels_per_layer`` counts the distinct values of Q_W(W) / alpha in each layer.
    """
    k_w = model.cfg.k_w
    forward = model.forward_weights()
    levels = [int(torch.unique(w).numel()) for w in forward]
    if quant.is_float(k_w):
        flat = torch.cat([w.flatten() for w in forward])
        lo, hi = float(flat.min()), float(flat.max())
        counts = torch.histc(flat, bins=FLOAT_HIST_BINS, min=lo, max=hi)
        width = (hi - lo) / FLOAT_HIST_BINS
        values = [round(lo + (i + 0.5) * width, 4) for i in range(FLOAT_HIST_BINS)]
        return {
            "kind": "float",
            "values": values,
            "counts": [int(c) for c in counts],
            "levels_per_layer": levels,
        }
    codes = torch.cat([quant.integer_codes(w, k_w).flatten() for w in model.weights])
    values, counts = torch.unique(codes, return_counts=True)
    return {
        "kind": "integer",
        "values": [int(v) for v in values],
        "counts": [int(c) for c in counts],
        "levels_per_layer": levels,
        "alphas": [float(a) for a in model.alphas],
    }


def run(params: dict, progress: Progress) -> dict:
    """Train WAGE (k_W-k_A-k_G-k_E from params) and float32 for params["epochs"]; JSON result."""
    bits = "-".join(str(int(params[k])) for k in ("k_w", "k_a", "k_g", "k_e"))
    epochs, seed = int(params["epochs"]), int(params["seed"])
    cfg = config_for(bits, epochs=epochs, seed=seed)

    total = epochs

    def on_wage(epoch: int, info: Mapping[str, Any]) -> None:
        progress(WAGE_SHARE * epoch / total, f"WAGE {cfg.bits}: epoch {epoch}/{total}")

    def on_float(epoch: int, info: Mapping[str, Any]) -> None:
        pct = WAGE_SHARE + (100.0 - WAGE_SHARE) * epoch / total
        progress(min(pct, 99.0), f"float32: epoch {epoch}/{total}")

    progress(0.0, f"WAGE {cfg.bits}")
    wage = train_run(cfg, on_wage)
    ref = train_run(config_for("float", epochs=epochs, seed=seed), on_float)
    progress(100.0, "done")
    return {
        "bits": cfg.bits,
        "epochs": epochs,
        "seed": seed,
        "sizes": list(cfg.sizes),
        "acc_wage": wage.test_acc,
        "acc_float": ref.test_acc,
        "gap_points": round(100.0 * (ref.test_acc - wage.test_acc), 2),
        "seconds": {"wage": round(wage.seconds, 2), "float": round(ref.seconds, 2)},
        "curves": {
            "epoch": wage.curves["epoch"],
            "wage": _curves(wage.curves),
            "float": _curves(ref.curves),
        },
        "histogram": weight_histogram(wage.model),
        "costs": estimate_costs(cfg.sizes, cfg.k_w, cfg.k_a, cfg.k_g, cfg.k_e, cfg.batch_size),
        "table": bundled_table(),
    }


def _curves(curves: dict[str, list[float]]) -> dict[str, list[float]]:
    return {key: curves[key] for key in ("loss", "train_acc", "test_acc")}
