"""``evaluate(cfg, out)`` of the probe plug-in: the bundled model on its held-out split, as a kit report.

The held-out items are the odd quarters, the training items the halves (``task.py``): the report
counts the distinct ones and the kit checks that the two splits share none. ``ACCEPTANCE``
declares what the probe promises (tests make it fail by raising a target).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from demos.kit.evaluation import (
    Ablation,
    Criterion,
    EvalConfig,
    Report,
    Split,
    bootstrap,
    register_baseline,
)

from .infer import load
from .model import Config, Probe
from .task import sample

EVAL_SEED, EVAL_SIZE, QUICK_SIZE = 2024, 256, 32
TRAIN_SEED = 1  # train.py draws its data from seed + 1, seed 0 by default
# The ablations every full report of this demo must hold (the contract test checks its evaluation.json).
ABLATIONS = ("untrained",)

ACCEPTANCE = (
    Criterion("abs_error", "<", 0.1),
    Criterion("steps", ">=", 100, quick=False),
)
register_baseline("probe/zero", "always answer 0")


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    size = QUICK_SIZE if cfg.quick else EVAL_SIZE
    model, ckpt = load()
    x, y = sample(size, torch.Generator().manual_seed(EVAL_SEED), "held_out")
    train_x, _ = sample(size, torch.Generator().manual_seed(TRAIN_SEED), "train")
    torch.manual_seed(0)
    untrained = Probe(Config())
    with torch.no_grad():
        errors = (model(x) - y).abs()
        untrained_error = float((untrained(x) - y).abs().mean())
    zero_error = float(y.abs().mean())
    out(f"probe: {size} held-out items (seed {EVAL_SEED})")
    out(f"{'model':<10} {'abs error':>10}")
    for name, value in (("bundled", float(errors.mean())), ("untrained", untrained_error)):
        out(f"{name:<10} {value:>10.4f}")
    return Report(
        demo="probe",
        quick=cfg.quick,
        figures={
            "abs_error": bootstrap(errors.numpy(), resamples=cfg.resamples, seed=cfg.seed),
            "steps": int(ckpt["step"]),
        },
        splits=[
            Split.of("held_out", EVAL_SEED, x.tolist()),
            Split.of("train", TRAIN_SEED, train_x.tolist()),
        ],
        seeds=[int(ckpt["seed"])],
        draw_seeds={"held_out": EVAL_SEED, "train": TRAIN_SEED, "bootstrap": cfg.seed},
        baselines={"probe/zero": zero_error},
        ablations=[
            Ablation("untrained", "the unit before training", {"abs_error": untrained_error})
        ],
        acceptance=ACCEPTANCE,
        details={"abs_error": float(errors.mean()), "untrained_abs_error": untrained_error},
    )
