"""Live inference for the ACT parity demo: one input pondered step by step, plus batch charts.

`run(params, progress)` loads the page's checkpoints once per process (training seed
PAGE_SEED: one per time penalty τ and the no-ACT baseline), ponders the user's vector with
the chosen τ, says which split of the vector space it belongs to (was it trained on?), and
summarises a seeded batch of 256 random vectors: mean ponder steps per number of non-zero
entries for every τ, and the error-vs-ponder trade-off across τ on the validation split (as
in Graves 2016, section 3.1). The figures over all training seeds are in evaluate.py.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from pathlib import Path

import torch

from demos.kit import checkpoint
from demos.kit.training import Progress
from demos.plugins.act import DIM
from demos.plugins.act.model import ACTRNN, Config
from demos.plugins.act.task import parity_target, random_vectors, split_name
from demos.plugins.act.train import BASELINE, BASELINE_LRS, TAUS, WEIGHTS_DIR, checkpoint_name

BATCH_SIZE = 256
PAGE_SEED = 0  # the training seed whose models the page runs
_ENTRY_RE = re.compile(r"[+-]?\d+")


def load_checkpoint(path: Path) -> tuple[ACTRNN, dict, int]:
    """(model in eval mode, stored metrics, update count) from a bundled checkpoint file."""
    ckpt = checkpoint.load(path)
    model = ACTRNN(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, ckpt["metrics"], int(ckpt["step"])


@lru_cache(maxsize=1)
def load_models(dim: int = DIM, seed: int = PAGE_SEED) -> dict[str, tuple[ACTRNN, dict, int]]:
    """One seed's checkpoints, keyed by τ label or "baseline" (cached per process).

    The baseline is the learning rate of its grid with the lowest stored validation error
    (ties: the first in BASELINE_LRS), as in evaluate.py.
    """
    models = {
        label: load_checkpoint(WEIGHTS_DIR / checkpoint_name(dim, label, seed)) for label in TAUS
    }
    grid = [
        load_checkpoint(WEIGHTS_DIR / checkpoint_name(dim, BASELINE, seed, lr))
        for lr in BASELINE_LRS
    ]
    models[BASELINE] = min(grid, key=lambda m: float(m[1]["valid_error"]))
    return models


def parse_vector(text: str, dim: int = DIM) -> list[float]:
    """'1,-1,0,…' (commas and/or spaces) -> list of dim floats in {-1, 0, 1}; ValueError otherwise."""
    entries = _ENTRY_RE.findall(text)
    leftover = _ENTRY_RE.sub("", text).replace(",", "").strip()
    if leftover or len(entries) != dim or any(int(e) not in (-1, 0, 1) for e in entries):
        raise ValueError(f"the vector must have exactly {dim} entries, each 1, -1 or 0")
    return [float(int(e)) for e in entries]


def _ponder_one(model: ACTRNN, vector: torch.Tensor) -> dict:
    """Details of pondering one [D] vector: halting probabilities, steps, remainder, outputs."""
    out = model(vector.view(1, 1, -1))
    steps = int(out.steps[0, 0])
    prob_odd = float(torch.sigmoid(out.logits[0, 0, 0]))
    return {
        "probability_odd": round(prob_odd, 4),
        "prediction": int(prob_odd > 0.5),
        "steps": steps,
        "remainder": round(float(out.remainder[0, 0]), 4),
        "ponder_cost": round(float(out.ponder_cost[0, 0]), 4),
        "halting": [round(float(p), 4) for p in out.halting[0, 0, :steps]],
        "halt_units": [round(float(h), 4) for h in out.halt_units[0, 0, :steps]],
        "cumulative": [round(float(c), 4) for c in out.halt_units[0, 0, :steps].cumsum(0)],
        "step_probability_odd": [
            round(float(p), 4) for p in torch.sigmoid(out.step_logits[0, 0, :steps, 0])
        ],
    }


def _batch_summary(models: dict, tau: str, seed: int, dim: int) -> dict:
    """Mean steps per k for every τ, and per-k error of the chosen τ and the baseline, on 256 vectors."""
    g = torch.Generator().manual_seed(seed)
    # Stratified over k = 0..D so every bar of the chart rests on ~28 vectors.
    k = torch.arange(BATCH_SIZE) % (dim + 1)
    vectors = random_vectors(BATCH_SIZE, dim, g, k)
    target = parity_target(vectors)
    ks = list(range(dim + 1))
    mean_steps: dict[str, list[float]] = {}
    error_by_k: dict[str, list[float]] = {}
    overall: dict[str, dict[str, float]] = {}
    elapsed_ms: dict[str, float] = {}
    for label, (model, _, _) in models.items():
        started = time.perf_counter()
        out = model(vectors.unsqueeze(1), keep_steps=False)
        elapsed_ms[label] = 1000 * (time.perf_counter() - started)
        steps = out.steps[:, 0].float()
        wrong = ((out.logits[:, 0, 0] > 0).float() != target).float()
        mean_steps[label] = [round(float(steps[k == i].mean()), 3) for i in ks]
        error_by_k[label] = [round(float(wrong[k == i].mean()), 4) for i in ks]
        overall[label] = {
            "error": round(float(wrong.mean()), 4),
            "mean_steps": round(float(steps.mean()), 3),
        }
    return {
        "size": BATCH_SIZE,
        "k": ks,
        "mean_steps": {label: mean_steps[label] for label in TAUS},
        "error_by_k": {tau: error_by_k[tau], BASELINE: error_by_k[BASELINE]},
        "overall": overall,
        "elapsed_ms": round(elapsed_ms[tau], 1),
        "elapsed_all_ms": round(sum(elapsed_ms.values()), 1),
    }


def _tradeoff(models: dict) -> list[dict]:
    """Validation error and mean ponder of the page's models, read from their checkpoint metrics."""
    rows = []
    for label, (_, metrics, updates) in models.items():
        rows.append(
            {
                "tau": label,
                "error": round(float(metrics["valid_error"]), 4),
                "mean_steps": round(float(metrics["valid_mean_steps"]), 3),
                "mean_ponder_cost": round(float(metrics["valid_mean_ponder_cost"]), 3),
                "updates": updates,
            }
        )
    return rows


@torch.no_grad()
def run(params: dict, progress: Progress = lambda pct, msg: None) -> dict:
    """Ponder one vector with the chosen τ and summarise a seeded batch (see the module docstring).

    params: {"vector": str, "k": int, "seed": int, "tau": str}, validated by META's schema.
    """
    progress(5, "loading checkpoints")
    models = load_models()
    tau = str(params.get("tau", "1e-3"))
    if tau not in TAUS:
        raise ValueError(f"unknown time penalty {tau!r}")
    seed = int(params.get("seed", 0))
    text = str(params.get("vector", "") or "")
    if text.strip():
        vector = torch.tensor(parse_vector(text))
        source = "typed"
    else:
        k = max(0, min(DIM, int(params.get("k", 4))))
        vector = random_vectors(1, DIM, torch.Generator().manual_seed(seed), torch.tensor([k]))[0]
        source = "random"
    progress(20, "pondering the input")
    model = models[tau][0]
    single = _ponder_one(model, vector)
    baseline = _ponder_one(models[BASELINE][0], vector)
    progress(50, f"running a batch of {BATCH_SIZE} vectors through every model")
    batch = _batch_summary(models, tau, seed, DIM)
    progress(100, "done")
    values = [int(v) for v in vector.tolist()]
    split = split_name(vector)
    return {
        "dim": DIM,
        "tau": tau,
        "source": source,
        "vector": values,
        "nonzero": sum(v != 0 for v in values),
        "ones": sum(v == 1 for v in values),
        "target": int(parity_target(vector.view(1, -1))[0]),
        "split": split,  # "train", "validation" or "test" (task.py)
        "in_training_set": split == "train",
        "training_seed": PAGE_SEED,
        **single,
        "max_steps": model.cfg.max_steps,
        "epsilon": model.cfg.epsilon,
        "baseline": {
            "probability_odd": baseline["probability_odd"],
            "prediction": baseline["prediction"],
        },
        "batch": batch,
        "tradeoff": _tradeoff(models),
    }
