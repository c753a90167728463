"""Live DNI run: train the same LSTM twice at the visitor's window T and length L, once with
truncated BPTT and once with synthetic gradients, and return both training curves.

Both copies start from the same weights (the seed) and see the same episodes; every few steps
their accuracy on validation episodes is measured, and for the DNI copy the cosine between the
synthetic gradients and the true gradients at the truncation boundaries (the true ones computed
by full BPTT for this chart only; training never uses them). A few test episodes with both
answers, and the bundled figures of ``evaluation.json`` (accuracy over three seeds, the longest
length solved at each T), come back too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch

from demos.kit.evaluation import read_report
from demos.kit.training import Progress

from .task import describe, sample
from .train import fit

FOLDER = Path(__file__).resolve().parent
CHECKS = 24  # validation checks per method in a live run
EXAMPLES, EXAMPLE_SEED = 6, 4242
SHARE = {"dni": (0.0, 60.0), "truncated": (60.0, 38.0)}  # progress: DNI costs more per step


def _clean(values: list[float]) -> list[float | None]:
    return [None if not math.isfinite(v) else round(float(v), 4) for v in values]


@lru_cache(maxsize=1)
def bundled() -> dict[str, Any]:
    """The headline figures and the T table of the stored evaluation (empty before one exists)."""
    report = read_report(FOLDER)
    if report is None:
        return {}
    figures = {
        name: {"mean": f["mean"], "ci95": f["ci95"]}
        for name, f in report.get("figures", {}).items()
        if "mean" in f
    }
    details = report.get("details", {})
    return {
        "figures": figures,
        "window": details.get("window"),
        "length": details.get("length"),
        "seeds": report.get("seeds", []),
        "table": details.get("table", []),
        "longest": details.get("longest", []),
    }


def run(params: dict, progress: Progress) -> dict:
    window, length = int(params["window"]), int(params["length"])
    steps, seed = int(params["steps"]), int(params["seed"])
    every = max(1, steps // CHECKS)
    runs: dict[str, Any] = {}
    for method, (base, share) in SHARE.items():

        def on_eval(
            step: int, figures: Mapping[str, float], base=base, share=share, method=method
        ) -> None:
            progress(base + share * step / steps, f"{method}: step {step}/{steps}")

        done = fit(
            method,
            window=window,
            length=length,
            steps=steps,
            lr=1e-2,
            seed=seed,
            eval_every=every,
            cosine=method == "dni",
            on_eval=on_eval,
        )
        runs[method] = {
            "step": done.history["step"],
            "val_acc": _clean(done.history["val_acc"]),
            "loss": _clean(done.history["loss"]),
            "sg_rel_error": _clean(done.history["sg_rel_error"]),
            "sg_cosine": _clean(done.history.get("sg_cosine", [])),
            "best_val_acc": round(done.best_val_acc, 4),
            "best_step": done.best_step,
            "core": done.core,
        }
    examples = sample(EXAMPLES, length, 4, torch.Generator().manual_seed(EXAMPLE_SEED), "test")
    with torch.no_grad():
        answers = {}
        for method, r in runs.items():
            core = r.pop("core")
            logits, _ = core(examples.inputs, core.initial_state(EXAMPLES))
            answers[method] = logits[:, -1].argmax(-1)
    lines = describe(examples).splitlines()
    progress(100, "done")
    return {
        "window": window,
        "length": length,
        "steps": steps,
        "seed": seed,
        "windows_per_episode": math.ceil((length + 1) / window),
        "chance": 0.25,
        "runs": runs,
        "examples": [
            {
                "episode": lines[i],
                "target": int(examples.symbol[i]),
                "dni": int(answers["dni"][i]),
                "truncated": int(answers["truncated"][i]),
            }
            for i in range(EXAMPLES)
        ],
        "bundled": bundled(),
    }
