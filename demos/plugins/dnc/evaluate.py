"""Evaluate the DNC seed study (weights/study/, see study.py) and the page's bundled checkpoints.

    python manage.py eval_demo dnc [--quick] [--write]
    python -m demos.plugins.dnc.evaluate

Everything is scored on the *test* part of task.part_of (sequences no training or validation batch
can hold), drawn without repeats, ``SEQUENCES`` per length (quick: ``QUICK_SEQUENCES``). Headline
figures are means over the three training seeds with a two-level bootstrap interval (kit
``bootstrap_seeds``: seeds, then sequences within each seed):

* copy: bit error per sequence on the trained lengths (2-6; length 1 has only ~16 test
  sequences), at 1.5× the longest trained length (9), and the "memory runs out" curve: error
  against length up to 2× the 16 memory slots;
* associative recall: the fraction of queries whose whole answer item is right, on the trained
  2-4 items and against the number of items;
* the same for each ablation (``ABLATIONS``) and for the LSTM baseline, whose learning rate is
  chosen from its own grid on the validation part (``study.LSTM_LRS``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

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

from . import study
from . import task as tasks
from .model import WEIGHTS_DIR, load_checkpoint
from .train import _VALIDATION_BATCH, _VALIDATION_SEED

ABLATIONS = ("no_temporal_links", "no_allocation", "no_free_gates")
EVAL_SEED = 31337  # draws the test sequences (the part, not the seed, keeps them held out)
SEQUENCES = 64  # per length: the "at least 64 sequences per length"
QUICK_SEQUENCES = 16
COPY_TRAINED = (2, 6)  # scored trained copy lengths (length 1: too few distinct test sequences)
COPY_LONGER = 9  # 1.5 × the longest trained length
COPY_CURVE = (2, 4, 6, 8, 9, 10, 12, 14, 16, 20, 24, 32)  # the "memory runs out" curve (N = 16)
QUICK_COPY_CURVE = (2, 6, 9, 16, 32)
RECALL_TRAINED = (2, 4)
RECALL_CURVE = (2, 3, 4, 5, 6, 7)  # items of 2 vectors; 7 items + the query fill all 16 slots
QUICK_RECALL_CURVE = (2, 4, 6)

ACCEPTANCE = (
    Criterion("copy_bit_error", "<", 0.01),  # the DNC copies the trained lengths
    # it carries the copy to 1.5× the trained length better than the tuned LSTM does
    Criterion("copy_bit_error_1p5x", "<", 0.15),
    Criterion("lstm_copy_bit_error_1p5x", ">", 0.15),
    Criterion("copy_bit_error_2x_memory", ">", 0.3),  # memory runs out: near chance (0.5)
    # content-only writes (no allocation) break copy even at the trained lengths
    Criterion("no_allocation_copy_bit_error", ">", 0.03),
)
register_baseline(
    "dnc/lstm",
    "an LSTM of about the DNC's parameter count, no external memory, learning rate tuned on "
    "validation; figure: copy bit error at 1.5× the trained length",
)

Model = torch.nn.Module


def _test_batch(task: str, length: int, n: int) -> tasks.Batch:
    """n distinct test-part sequences of one length (copy) or item count (recall)."""
    gen = torch.Generator().manual_seed(EVAL_SEED + 1000 * (task == "recall") + length)
    return tasks.make_batch(
        task, n, length, length, gen, **study.task_kw(), part="test", distinct=True
    )


def _validation_batch(task: str) -> tasks.Batch:
    """The validation batch the study selected on (train.fit and study.train_seed draw it so)."""
    lo, hi = study.TASK_RANGE[task]
    gen = torch.Generator().manual_seed(_VALIDATION_SEED + hi)
    return tasks.make_batch(
        task, _VALIDATION_BATCH, lo, hi, gen, **study.task_kw(), part="validation"
    )


def _keys(batch: tasks.Batch) -> list[bytes]:
    """Each sequence's identity (task.example_key of its unpadded input): a split's items."""
    out = []
    for b in range(batch.inputs.shape[1]):
        scored = torch.nonzero(batch.mask[:, b]).flatten()
        end = int(scored[-1]) + 1 if scored.numel() else batch.inputs.shape[0]
        out.append(tasks.example_key(batch.inputs[:end, b]))
    return out


def _per_sequence(model: Model, batch: tasks.Batch, slots: int | None = None) -> dict[str, Any]:
    """Per-sequence bit error rate and exactness of ``model`` on ``batch``."""
    with torch.no_grad():
        logits, _ = model(batch.inputs, num_slots=slots)
    wrong = tasks.bit_errors(logits, batch).sum(0)
    bits = batch.mask.sum(0) * batch.targets.shape[-1]
    return {
        "bit_error": (wrong / bits.clamp(min=1)).numpy(),
        "exact": (wrong == 0).float().numpy(),
    }


def _interval(per_seed: dict[int, Any], cfg: EvalConfig) -> Interval:
    return bootstrap_seeds(per_seed, resamples=cfg.resamples, seed=cfg.seed)


def _summary(iv: Interval) -> dict[str, Any]:
    return {"mean": round(iv.mean, 5), "ci95": [round(iv.low, 5), round(iv.high, 5)]}


Scores = dict[int, dict[str, Any]]  # length (recall: items) -> per-sequence arrays


class _Scorer:
    """The test batches, each drawn once and shared by every model, and one padded forward pass
    per model over all the lengths it is scored on (padding comes after a sequence's scored steps,
    so it cannot change them)."""

    def __init__(self, cfg: EvalConfig) -> None:
        self.cfg = cfg
        self.n = QUICK_SEQUENCES if cfg.quick else SEQUENCES
        self.batches: dict[tuple[str, int], tasks.Batch] = {}

    def batch(self, task: str, length: int) -> tasks.Batch:
        if (task, length) not in self.batches:
            self.batches[(task, length)] = _test_batch(task, length, self.n)
        return self.batches[(task, length)]

    def score(
        self, model: Model, task: str, lengths: list[int], slots: int | None = None
    ) -> Scores:
        parts = [self.batch(task, n) for n in lengths]
        steps = max(b.inputs.shape[0] for b in parts)

        def pad(t: torch.Tensor) -> torch.Tensor:
            return torch.cat([t, t.new_zeros(steps - t.shape[0], *t.shape[1:])])

        joined = tasks.Batch(
            torch.cat([pad(b.inputs) for b in parts], 1),
            torch.cat([pad(b.targets) for b in parts], 1),
            torch.cat([pad(b.mask) for b in parts], 1),
        )
        scores = _per_sequence(model, joined, slots)
        out: Scores = {}
        for i, n in enumerate(lengths):
            rows = slice(i * self.n, (i + 1) * self.n)
            out[n] = {k: v[rows] for k, v in scores.items()}
        return out


def _pick(scores: Scores, lengths: range | tuple[int, ...], key: str) -> Any:
    return np.concatenate([scores[n][key] for n in lengths])


def _load_study(variant: str, task: str, seed: int) -> Model:
    path = study.dnc_path(variant, task, seed)
    if not path.exists():
        raise FileNotFoundError(f"weights/study/{path.name} is missing: see study.py")
    return load_checkpoint(path, "dnc")[0]


def _copy_lengths(quick: bool) -> list[int]:
    curve = QUICK_COPY_CURVE if quick else COPY_CURVE
    return sorted({*range(COPY_TRAINED[0], COPY_TRAINED[1] + 1), COPY_LONGER, 32, *curve})


def _copy_figures(
    scores: dict[int, Scores], cfg: EvalConfig, prefix: str = ""
) -> tuple[dict[str, Interval], dict[str, Any]]:
    """Copy figures over seeds from each seed's scores; the curve as {length: mean, ci95}."""
    lo, hi = COPY_TRAINED
    trained = range(lo, hi + 1)
    figures = {
        f"{prefix}copy_bit_error": _interval(
            {s: _pick(sc, trained, "bit_error") for s, sc in scores.items()}, cfg
        ),
        f"{prefix}copy_bit_error_1p5x": _interval(
            {s: sc[COPY_LONGER]["bit_error"] for s, sc in scores.items()}, cfg
        ),
    }
    curve = {
        str(n): _summary(_interval({s: sc[n]["bit_error"] for s, sc in scores.items()}, cfg))
        for n in (QUICK_COPY_CURVE if cfg.quick else COPY_CURVE)
    }
    per_seed = {
        s: round(float(_pick(sc, trained, "bit_error").mean()), 5) for s, sc in scores.items()
    }
    return figures, {"curve": curve, "per_seed": per_seed}


def _variant_figures(
    variant: str, scorer: _Scorer, out: Callable[[str], None]
) -> tuple[dict[str, Interval], dict[str, Any]]:
    """The figures of one variant ("full" or an ablation) over the study's seeds."""
    cfg = scorer.cfg
    copy_lengths = _copy_lengths(cfg.quick)
    recall_lengths = sorted(
        {*range(RECALL_TRAINED[0], RECALL_TRAINED[1] + 1),
         *(QUICK_RECALL_CURVE if cfg.quick else RECALL_CURVE)}
    )  # fmt: skip
    copy = {
        s: scorer.score(_load_study(variant, "copy", s), "copy", copy_lengths) for s in study.SEEDS
    }
    recall = {
        s: scorer.score(_load_study(variant, "recall", s), "recall", recall_lengths)
        for s in study.SEEDS
    }
    figures, copy_details = _copy_figures(copy, cfg)
    figures["copy_bit_error_2x_memory"] = _interval(
        {s: sc[32]["bit_error"] for s, sc in copy.items()}, cfg
    )
    trained = range(RECALL_TRAINED[0], RECALL_TRAINED[1] + 1)
    figures["recall_exact"] = _interval(
        {s: _pick(sc, trained, "exact") for s, sc in recall.items()}, cfg
    )
    recall_curve = {
        str(n): _summary(_interval({s: sc[n]["exact"] for s, sc in recall.items()}, cfg))
        for n in (QUICK_RECALL_CURVE if cfg.quick else RECALL_CURVE)
    }
    out(
        f"{variant:<18} copy 2–6 {100 * figures['copy_bit_error'].mean:6.2f} %   "
        f"copy 9 {100 * figures['copy_bit_error_1p5x'].mean:6.2f} %   "
        f"copy 32 {100 * figures['copy_bit_error_2x_memory'].mean:6.2f} %   "
        f"recall 2–4 exact {100 * figures['recall_exact'].mean:6.2f} %"
    )
    details = {
        "copy_bit_error_by_length": copy_details["curve"],
        "recall_exact_by_items": recall_curve,
        "per_seed": {
            "copy_bit_error": copy_details["per_seed"],
            "recall_exact": {
                s: round(float(_pick(sc, trained, "exact").mean()), 5) for s, sc in recall.items()
            },
        },
    }
    return figures, details


def _lstm(
    scorer: _Scorer, out: Callable[[str], None]
) -> tuple[dict[str, Interval], dict[str, Any]]:
    """Choose the LSTM's learning rate on the validation part, then score it on the test part."""
    cfg = scorer.cfg
    val = _validation_batch("copy")
    grid: dict[str, dict[int, float]] = {}
    models: dict[float, dict[int, Model]] = {}
    for lr in study.LSTM_LRS:
        models[lr] = {}
        for seed in study.SEEDS:
            path = study.lstm_path(lr, seed)
            if not path.exists():
                raise FileNotFoundError(f"weights/study/{path.name} is missing: see study.py")
            models[lr][seed] = load_checkpoint(path, "lstm")[0]
        grid[f"{lr:g}"] = {
            s: round(float(_per_sequence(m, val)["bit_error"].mean()), 5)
            for s, m in models[lr].items()
        }
    chosen = min(study.LSTM_LRS, key=lambda lr: float(np.mean(list(grid[f"{lr:g}"].values()))))
    lengths = _copy_lengths(cfg.quick)
    scores = {s: scorer.score(m, "copy", lengths) for s, m in models[chosen].items()}
    figures, details = _copy_figures(scores, cfg, prefix="lstm_")
    out(
        f"{'lstm (lr ' + f'{chosen:g}' + ')':<18} copy 2–6 "
        f"{100 * figures['lstm_copy_bit_error'].mean:6.2f} %   "
        f"copy 9 {100 * figures['lstm_copy_bit_error_1p5x'].mean:6.2f} %   "
        "(validation bit error by rate: "
        + ", ".join(f"{k}: {np.mean(list(v.values())):.4f}" for k, v in grid.items())
        + ")"
    )
    return figures, {
        "validation_bit_error_by_lr": grid,
        "chosen_lr": chosen,
        "copy_bit_error_by_length": details["curve"],
        "per_seed": {"copy_bit_error": details["per_seed"]},
    }


def _page_models(scorer: _Scorer, out: Callable[[str], None]) -> dict[str, Any]:
    """The page's bundled checkpoints (weights/*.pt, trained on lengths 1-8 on every part of the
    data, see README) on the same test sequences: what the live demo runs."""
    found: dict[str, Any] = {}
    for name, kind, task in (
        ("dnc_copy", "dnc", "copy"),
        ("lstm_copy", "lstm", "copy"),
        ("dnc_recall", "dnc", "recall"),
    ):
        path = WEIGHTS_DIR / f"{name}.pt"
        if not path.exists():
            continue
        model = load_checkpoint(path, kind)[0]
        if task == "copy":
            for length in (8, 10, 12, 16):
                r = _per_sequence(model, scorer.batch("copy", length))
                found[f"{name}_bit_error_len{length}"] = round(float(r["bit_error"].mean()), 5)
            if kind == "dnc":
                r = _per_sequence(model, scorer.batch("copy", 32), slots=64)
                found[f"{name}_bit_error_len32_n64"] = round(float(r["bit_error"].mean()), 5)
        else:
            for items in (4, 6, 7):
                r = _per_sequence(model, scorer.batch("recall", items))
                found[f"{name}_exact_{items}_items"] = round(float(r["exact"].mean()), 5)
    out("page checkpoints: " + ", ".join(f"{k} {v:.4f}" for k, v in found.items()))
    return found


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report of the seed study: figures with seed-level intervals, the three ablations,
    the tuned LSTM baseline, and the page's checkpoints in ``details``."""
    torch.set_num_threads(1)
    scorer = _Scorer(cfg)
    full, full_details = _variant_figures("full", scorer, out)
    ablated = {name: _variant_figures(name, scorer, out) for name in ABLATIONS}
    lstm, lstm_details = _lstm(scorer, out)
    page = _page_models(scorer, out)
    figures: dict[str, Any] = {**full, **lstm}
    # the ablation the acceptance checks, as a plain figure (its interval is in "ablations")
    figures["no_allocation_copy_bit_error"] = round(
        ablated["no_allocation"][0]["copy_bit_error"].mean, 5
    )
    descriptions = {
        "no_temporal_links": "no link matrix: the read heads address by content only",
        "no_allocation": "content-only writes: the allocation gate is held at 0",
        "no_free_gates": "free gates held at 0: read slots are never freed, usage never falls",
    }
    ablations = [Ablation(name, descriptions[name], ablated[name][0]) for name in ABLATIONS]
    splits = [
        Split.of("validation copy", _VALIDATION_SEED + study.TASK_RANGE["copy"][1],
                 _keys(_validation_batch("copy"))),
        Split.of("validation recall", _VALIDATION_SEED + study.TASK_RANGE["recall"][1],
                 _keys(_validation_batch("recall"))),
        Split.of("test copy", EVAL_SEED,
                 [k for (t, _), b in scorer.batches.items() if t == "copy" for k in _keys(b)]),
        Split.of("test recall", EVAL_SEED + 1000,
                 [k for (t, _), b in scorer.batches.items() if t == "recall" for k in _keys(b)]),
    ]  # fmt: skip
    details = {
        "sequences_per_length": scorer.n,
        "memory_slots": 16,
        "trained_lengths": {"copy": list(study.TASK_RANGE["copy"]),
                            "recall_items": list(study.TASK_RANGE["recall"])},
        "full": full_details,
        "ablations": {name: ablated[name][1] for name in ABLATIONS},
        "lstm": lstm_details,
        "page_checkpoints": page,
        "parts": "train/validation/test by crc32 of each sequence's input (task.part_of)",
    }  # fmt: skip
    return Report(
        demo="dnc",
        quick=cfg.quick,
        figures=figures,
        splits=splits,
        seeds=list(study.SEEDS),
        draw_seeds={"test": EVAL_SEED, "validation": _VALIDATION_SEED, "bootstrap": cfg.seed},
        baselines={"dnc/lstm": round(lstm["lstm_copy_bit_error_1p5x"].mean, 5)},
        ablations=ablations,
        acceptance=ACCEPTANCE,
        details=details,
    )


if __name__ == "__main__":
    print(json.dumps(evaluate(EvalConfig(), lambda line: print(line)).to_json()))
