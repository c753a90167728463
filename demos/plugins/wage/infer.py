"""Live WAGE run: the bundled integer networks classify a digit (drawn by the visitor or a test image).

By default nothing is trained: the chosen network (a bit-width setting or a Q_G variant, training
seed 0-2) is loaded from weights/ and run through the integer-only forward pass
(`model.integer_forward`: integer codes, integer multiply-accumulates, shifts by alpha), beside its
other seeds and the float32 networks. The result also carries what the page shows about the
network: alpha and the distinct weight values per layer, the histogram of the integer weight
codes, the update-code histograms of the Q_G variants (share of zero updates), the memory/energy
estimate of ``costs.py`` and the bundled table. With ``retrain`` the network is trained again
from scratch for ``epochs`` (and float32 beside it), and the retrained one classifies the digit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import torch

from demos.kit.training import Progress

from . import _NETWORKS, quant
from .costs import estimate_costs
from .evaluate import VARIANTS, load_checkpoint, zero_share
from .model import MAX_CODE, WageMLP, integer_forward
from .task import PIXEL_MAX, load_digits_split
from .train import HEADLINE, TABLE_FILE, WEIGHTS_DIR, checkpoint_name, config_for, train_run

FLOAT_HIST_BINS = 41  # the float path has no levels: a plain histogram instead
WAGE_SHARE = 70.0  # progress when retraining: the WAGE run takes about 70% of the time
BUNDLED_SEEDS = (0, 1, 2)
PIXEL_ALPHABET = "0123456789abcdefg"  # one character per pixel: grey level 0..16 (base 17)
NETWORKS = tuple(_NETWORKS)  # one list: the choices of META["params"]["network"]


def split_network(network: str) -> tuple[str, str]:
    """ "2-8-8-8/deterministic" -> ("2-8-8-8", "deterministic"); "float" -> ("float", "stochastic")."""
    bits, _, variant = network.partition("/")
    return bits, variant or "stochastic"


def decode_digit(text: str) -> torch.Tensor:
    """64 characters of PIXEL_ALPHABET (row-major 8x8 grey levels) -> [64] pixels in [0, 1]."""
    if len(text) != 64 or any(c not in PIXEL_ALPHABET for c in text):
        raise ValueError("a digit is 64 characters 0-9a-g (grey levels 0..16)")
    return torch.tensor([PIXEL_ALPHABET.index(c) for c in text], dtype=torch.float32) / PIXEL_MAX


@lru_cache(maxsize=1)
def bundled_table() -> dict:
    """The table written by train.py ({"epochs", "seeds", "rows", "tuning"}); empty if untrained."""
    path = WEIGHTS_DIR / TABLE_FILE
    if not path.exists():
        return {"epochs": 0, "seeds": 0, "rows": []}
    return json.loads(path.read_text())


def load_network(network: str, seed: int) -> tuple[WageMLP, dict]:
    bits, variant = split_network(network)
    return load_checkpoint(WEIGHTS_DIR / checkpoint_name(bits, seed, variant))


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


def layers(model: WageMLP) -> list[dict]:
    """Per layer: sizes, alpha (a power of two), the right shift it costs, distinct weights."""
    cfg, rows = model.cfg, []
    for i, (w, wq) in enumerate(zip(model.weights, model.forward_weights(), strict=True)):
        alpha = float(model.alphas[i])
        shift_bits = None
        if not quant.is_float(cfg.k_w):
            shift_bits = cfg.k_w - 1 + round(torch.log2(torch.tensor(alpha)).item())
        rows.append(
            {
                "layer": i + 1,
                "fan_in": int(w.shape[1]),
                "fan_out": int(w.shape[0]),
                "alpha": alpha,
                "shift_bits": shift_bits,
                "levels": int(torch.unique(wq).numel()),
            }
        )
    return rows


def update_codes(counts: list[list[int]]) -> dict:
    """{"codes": -8..8, "counts" summed over layers, "zero_share", "per_layer_zero_share"}."""
    if not counts:
        return {}
    t = torch.tensor(counts, dtype=torch.int64)
    return {
        "codes": list(range(-MAX_CODE, MAX_CODE + 1)),
        "counts": [int(c) for c in t.sum(0)],
        "zero_share": zero_share(counts),
        "per_layer_zero_share": [zero_share([row]) for row in counts],
    }


@lru_cache(maxsize=1)
def variant_update_codes() -> dict:
    """Each bundled Q_G variant of 2-8-8-8: its update codes over all seeds, and its rate."""
    out = {}
    for variant in VARIANTS:
        network = HEADLINE if variant == "stochastic" else f"{HEADLINE}/{variant}"
        total: list[list[int]] = []
        rate = None
        for seed in BUNDLED_SEEDS:
            try:
                model, ckpt = load_network(network, seed)
            except FileNotFoundError:
                continue
            counts = ckpt["metrics"].get("update_counts", [])
            rate = model.cfg.lr if model.cfg.grad_shift else model.cfg.lr_float
            total = (
                counts
                if not total
                else [
                    [a + b for a, b in zip(x, y, strict=False)]
                    for x, y in zip(total, counts, strict=False)
                ]
            )
        if total:
            out[variant] = {**update_codes(total), "rate": rate}
    return out


def classify(model: WageMLP, x: torch.Tensor) -> dict:
    """The prediction for one image x: [64], through the integer forward pass where there is one."""
    if quant.is_float(model.cfg.k_w) or quant.is_float(model.cfg.k_a):
        with torch.no_grad():
            scores = model(x[None])[0]
        return {
            "class": int(scores.argmax()),
            "scores": [round(float(s), 4) for s in scores],
            "integer": False,
        }
    scores_int = integer_forward(model, x[None])[0]
    return {
        "class": int(scores_int.argmax()),
        "scores": [int(s) for s in scores_int],
        "integer": True,
    }


def run(params: dict, progress: Progress) -> dict:
    """Classify the visitor's digit with a bundled network (or a retrained one); JSON result."""
    network, seed = str(params["network"]), int(params["seed"])
    bits, variant = split_network(network)
    data = load_digits_split()
    source: dict[str, Any]
    if params.get("digit"):
        x = decode_digit(str(params["digit"]))
        source = {"source": "drawn", "index": None, "label": None}
    else:
        index = int(params["sample"])
        x = data.x_test[index]
        source = {"source": "test", "index": index, "label": int(data.y_test[index])}
    pixels = [round(float(v) * PIXEL_MAX) for v in x]
    progress(5.0, f"loading {network}")
    model, ckpt = load_network(network, seed)
    result: dict[str, Any] = {
        "mode": "bundled",
        "network": network,
        "bits": bits,
        "variant": variant,
        "seed": seed,
        "sizes": list(model.cfg.sizes),
        "input": {**source, "pixels": pixels},
        "acc": {"val": ckpt["metrics"]["val_acc"], "test": ckpt["metrics"]["test_acc"]},
    }
    others = []
    for name in dict.fromkeys([network, "float"]):
        for s in BUNDLED_SEEDS:
            m, c = load_network(name, s)
            others.append(
                {
                    "network": name,
                    "seed": s,
                    "class": classify(m, x)["class"],
                    "test_acc": c["metrics"]["test_acc"],
                    "val_acc": c["metrics"]["val_acc"],
                }
            )
    result["bundled"] = others
    counts = ckpt["metrics"].get("update_counts", [])
    if params.get("retrain"):
        epochs = int(params["epochs"])
        overrides = {k: getattr(model.cfg, k) for k in ("lr", "lr_float", "rounding", "grad_shift")}
        cfg = config_for(bits, epochs=epochs, seed=seed, **overrides)
        ckpt_float = load_network("float", seed)[1]
        float_lr = ckpt_float["config"]["lr_float"]

        def on_wage(epoch: int, info: Mapping[str, Any]) -> None:
            progress(WAGE_SHARE * epoch / epochs, f"{network}: epoch {epoch}/{epochs}")

        def on_float(epoch: int, info: Mapping[str, Any]) -> None:
            pct = WAGE_SHARE + (100.0 - WAGE_SHARE) * epoch / epochs
            progress(min(pct, 99.0), f"float32: epoch {epoch}/{epochs}")

        wage = train_run(cfg, on_wage, data)
        ref = train_run(config_for("float", epochs=epochs, seed=seed, lr_float=float_lr), on_float)
        model, counts = wage.model, wage.update_counts
        result["mode"] = "retrained"
        result["acc"] = {"val": wage.val_acc, "test": wage.test_acc}
        result["retrain"] = {
            "epochs": epochs,
            "acc_wage": wage.test_acc,
            "acc_float": ref.test_acc,
            "gap_points": round(100.0 * (ref.test_acc - wage.test_acc), 2),
            "seconds": {"wage": round(wage.seconds, 2), "float": round(ref.seconds, 2)},
            "curves": {
                "epoch": wage.curves["epoch"],
                "wage": _curves(wage.curves),
                "float": _curves(ref.curves),
            },
        }
    cfg = model.cfg
    result["prediction"] = classify(model, x)
    result["layers"] = layers(model)
    result["histogram"] = weight_histogram(model)
    result["update_codes"] = update_codes(counts)
    result["variant_update_codes"] = variant_update_codes()
    result["costs"] = (
        estimate_costs(cfg.sizes, cfg.k_w, cfg.k_a, cfg.k_g, cfg.k_e, cfg.batch_size)
        if bits != "float"
        else []
    )
    result["table"] = {k: v for k, v in bundled_table().items() if k != "tuning"}
    progress(100.0, "done")
    return result


def _curves(curves: dict[str, list[float]]) -> dict[str, list[float]]:
    return {key: curves[key] for key in ("loss", "train_acc", "val_acc", "test_acc")}
