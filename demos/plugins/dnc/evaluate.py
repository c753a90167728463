"""Evaluate the bundled DNC and LSTM checkpoints on fixed, seeded, held-out data.

    python manage.py eval_demo dnc
    python -m demos.plugins.dnc.evaluate

Copy is scored at the trained lengths, at 1.25× and 1.5× the longest trained length (still inside
the 16-slot memory), and beyond the memory ("when memory runs out"); the LSTM baseline beside it.
Associative recall is scored as the fraction of queries whose whole answer item is right.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

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

from . import task as tasks
from .model import WEIGHTS_DIR, load_checkpoint

EVAL_SEED = 31337  # held out: training uses seed 0 and validation 4242+
EVAL_SEQUENCES = 200


QUICK_SEQUENCES = 50
ACCEPTANCE = (
    Criterion("copy_bit_error_trained", "<", 0.01),
    Criterion("copy_bit_error_1p25x", "<", 0.05),
    Criterion("lstm_bit_error_1p25x", ">", 0.05),  # the LSTM is clearly worse beyond training
    Criterion("recall_exact", ">=", 0.95),
)
register_baseline("dnc/lstm", "an LSTM of the same controller size, no external memory")


def _outcome(
    model: torch.nn.Module,
    task: str,
    lo: int,
    hi: int,
    kw: dict[str, int],
    slots: int | None = None,
    n: int = EVAL_SEQUENCES,
) -> tuple[torch.Tensor, tasks.Batch]:
    """([T, n] wrong bits per scored step, the held-out batch) of ``model`` on lengths lo..hi."""
    gen = torch.Generator().manual_seed(EVAL_SEED + 97 * hi + lo)
    batch = tasks.make_batch(task, n, lo, hi, gen, **kw)
    with torch.no_grad():
        logits, _ = model(batch.inputs, num_slots=slots)
    return tasks.bit_errors(logits, batch), batch


def _score(
    model: torch.nn.Module,
    task: str,
    lo: int,
    hi: int,
    kw: dict[str, int],
    slots: int | None = None,
    n: int = EVAL_SEQUENCES,
) -> tuple[float, float]:
    """(bit error rate, exact-sequence rate), as tasks.bit_error_rate and tasks.exact_rate."""
    wrong, batch = _outcome(model, task, lo, hi, kw, slots, n)
    scored = batch.mask.sum() * batch.targets.shape[-1]
    return float(wrong.sum() / scored.clamp(min=1)), float((wrong.sum(0) == 0).float().mean())


def _sequences(batch: tasks.Batch) -> list[bytes]:
    """Each sequence of a batch as bytes (its scored length and its inputs), a split's items."""
    return [
        bytes([int(batch.mask[:, b].sum())]) + batch.inputs[:, b].numpy().tobytes()
        for b in range(batch.inputs.shape[1])
    ]


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report: the figures below, with bootstrap intervals over sequences."""
    n = QUICK_SEQUENCES if cfg.quick else EVAL_SEQUENCES
    details = _figures(out, n)
    dnc, payload = _load_required("dnc", "copy")
    kw, trained = _task_kw(payload), int(payload["metrics"]["check_length"])
    wrong, batch = _outcome(dnc, "copy", 1, trained, kw, n=n)
    bits = batch.mask.sum(0) * batch.targets.shape[-1]
    per_seq = (wrong.sum(0) / bits.clamp(min=1)).numpy()
    figures: dict[str, Any] = {
        "copy_bit_error_trained": bootstrap(
            per_seq, weights=bits.numpy(), resamples=cfg.resamples, seed=cfg.seed
        ),
        "copy_bit_error_1p25x": details["copy_bit_error_1p25x"],
        "copy_bit_error_1p5x": details["copy_bit_error_1p5x"],
    }
    splits = [Split.of("held_out copy 1..trained", EVAL_SEED + 97 * trained + 1, _sequences(batch))]
    for key in ("lstm_bit_error_1p25x", "recall_exact", "repeat_copy_bit_error"):
        if key in details:
            figures[key] = details[key]
    recall = _load("dnc", "recall")
    if recall is not None:
        model, rp = recall
        most = int(rp["metrics"]["check_length"])
        wrong_r, batch_r = _outcome(model, "recall", 2, most, _task_kw(rp), n=n)
        exact = (wrong_r.sum(0) == 0).float().numpy()
        figures["recall_exact"] = bootstrap(exact, resamples=cfg.resamples, seed=cfg.seed)
        splits.append(Split.of("held_out recall", EVAL_SEED + 97 * most + 2, _sequences(batch_r)))
    slots = int(payload["config"]["memory_slots"])
    ablations = [
        Ablation(
            f"memory N={4 * slots}",
            f"the copy DNC run with {4 * slots} memory slots instead of {slots}",
            f"copy_bit_error_len{2 * slots}_n{4 * slots}",
            details[f"copy_bit_error_len{2 * slots}_n{4 * slots}"],
        ),
        Ablation(
            f"memory N={slots}, length {2 * slots}",
            "the copy DNC on sequences twice as long as its memory",
            f"copy_bit_error_len{2 * slots}_n{slots}",
            details[f"copy_bit_error_len{2 * slots}_n{slots}"],
        ),
    ]
    return Report(
        demo="dnc",
        quick=cfg.quick,
        figures=figures,
        splits=splits,
        seeds={"held_out": EVAL_SEED, "bootstrap": cfg.seed},
        baselines={"dnc/lstm": details.get("lstm_bit_error_1p25x")},
        ablations=ablations,
        acceptance=ACCEPTANCE,
        details=details,
    )


def _load_required(kind: str, task: str) -> tuple[torch.nn.Module, dict[str, Any]]:
    loaded = _load(kind, task)
    assert loaded is not None, f"weights/{kind}_{task}.pt is missing"
    return loaded


def _load(kind: str, task: str) -> tuple[torch.nn.Module, dict[str, Any]] | None:
    path = WEIGHTS_DIR / f"{kind}_{task}.pt"
    return load_checkpoint(path, kind) if path.exists() else None


def _task_kw(payload: dict[str, Any]) -> dict[str, int]:
    args = payload["metrics"].get("args", {})
    return {
        "bits": int(args.get("bits", 6)),
        "min_repeats": 1,
        "max_repeats": int(args.get("max_repeats", 3)),
        "item_len": int(args.get("item_len", 2)),
    }


def _figures(out: Callable[[str], None], n: int = EVAL_SEQUENCES) -> dict[str, Any]:
    """Every figure (each on ``n`` held-out sequences), printed as a table through ``out``."""
    torch.set_num_threads(1)
    result: dict[str, Any] = {}
    rows: list[tuple[str, str, str]] = []

    def add(key: str, label: str, value: float) -> None:
        result[key] = round(value, 5)
        rows.append((label, key, f"{100 * value:.2f} %"))

    dnc_loaded = _load("dnc", "copy")
    assert dnc_loaded is not None, "weights/dnc_copy.pt is missing"
    dnc, payload = dnc_loaded
    kw = _task_kw(payload)
    trained = int(payload["metrics"]["check_length"])
    at_125, at_150 = round(1.25 * trained), round(1.5 * trained)
    add(
        "copy_bit_error_trained",
        f"DNC copy, lengths 1–{trained}",
        _score(dnc, "copy", 1, trained, kw, n=n)[0],
    )
    add(
        f"copy_bit_error_len{trained}",
        f"DNC copy, length {trained}",
        _score(dnc, "copy", trained, trained, kw, n=n)[0],
    )
    add(
        "copy_bit_error_1p25x",
        f"DNC copy, length {at_125} (1.25×)",
        _score(dnc, "copy", at_125, at_125, kw, n=n)[0],
    )
    add(
        "copy_bit_error_1p5x",
        f"DNC copy, length {at_150} (1.5×)",
        _score(dnc, "copy", at_150, at_150, kw, n=n)[0],
    )
    slots = int(payload["config"]["memory_slots"])
    for length in (slots, 2 * slots):
        add(
            f"copy_bit_error_len{length}_n{slots}",
            f"DNC copy, length {length}, N={slots}",
            _score(dnc, "copy", length, length, kw, n=n)[0],
        )
    add(
        f"copy_bit_error_len{2 * slots}_n{4 * slots}",
        f"DNC copy, length {2 * slots}, N={4 * slots}",
        _score(dnc, "copy", 2 * slots, 2 * slots, kw, slots=4 * slots, n=n)[0],
    )

    lstm_loaded = _load("lstm", "copy")
    if lstm_loaded is not None:
        lstm = lstm_loaded[0]
        add(
            "lstm_bit_error_trained",
            f"LSTM copy, lengths 1–{trained}",
            _score(lstm, "copy", 1, trained, kw, n=n)[0],
        )
        add(
            "lstm_bit_error_1p25x",
            f"LSTM copy, length {at_125} (1.25×)",
            _score(lstm, "copy", at_125, at_125, kw, n=n)[0],
        )
        add(
            "lstm_bit_error_1p5x",
            f"LSTM copy, length {at_150} (1.5×)",
            _score(lstm, "copy", at_150, at_150, kw, n=n)[0],
        )

    recall_loaded = _load("dnc", "recall")
    if recall_loaded is not None:
        model, rp = recall_loaded
        rkw, most = _task_kw(rp), int(rp["metrics"]["check_length"])
        error, exact = _score(model, "recall", 2, most, rkw, n=n)
        result["recall_exact"] = round(exact, 5)
        rows.append(
            (
                f"DNC recall, 2–{most} items: queries exactly right",
                "recall_exact",
                f"{100 * exact:.2f} %",
            )
        )
        add("recall_bit_error", f"DNC recall, 2–{most} items", error)
        # one item more than in training, in a memory twice the trained size so that the
        # figure measures generalisation, not running out of slots
        longer, big = most + 1, 2 * int(rp["config"]["memory_slots"])
        exact_longer = _score(model, "recall", longer, longer, rkw, slots=big, n=n)[1]
        result[f"recall_exact_{longer}_items_n{big}"] = round(exact_longer, 5)
        rows.append(
            (
                f"DNC recall, {longer} items, N={big}: queries exactly right",
                f"recall_exact_{longer}_items_n{big}",
                f"{100 * exact_longer:.2f} %",
            )
        )
        # the same in the trained 16 slots, where 7 items and the query leave no slot free
        exact_full = _score(model, "recall", longer, longer, rkw, n=n)[1]
        key = f"recall_exact_{longer}_items_n{big // 2}"
        result[key] = round(exact_full, 5)
        label = f"DNC recall, {longer} items, N={big // 2}: queries exactly right"
        rows.append((label, key, f"{100 * exact_full:.2f} %"))

    repeat_loaded = _load("dnc", "repeat_copy")
    if repeat_loaded is not None:
        model, rp = repeat_loaded
        rkw, longest = _task_kw(rp), int(rp["metrics"]["check_length"])
        add(
            "repeat_copy_bit_error",
            f"DNC repeat-copy, lengths 1–{longest}, 1–{rkw['max_repeats']} repeats",
            _score(model, "repeat_copy", 1, longest, rkw, n=n)[0],
        )

    width = max(len(label) for label, _, _ in rows)
    out(f"{'figure'.ljust(width)}  value")
    for label, _, value in rows:
        out(f"{label.ljust(width)}  {value:>9}")
    return result


if __name__ == "__main__":
    print(json.dumps(evaluate(EvalConfig(), lambda line: print(line)).to_json()))
