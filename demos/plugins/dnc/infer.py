"""Run the bundled DNC on one input and return what the page draws.

The trained network runs with the memory size N the reader picks (the memory has no parameters, so
any N works): with fewer slots than the sequence needs, usage saturates, the allocation weighting
has nowhere free to point and old slots are overwritten — "what happens when the DNC runs out of
memory" (corpus file 001). The result also holds the copy bit error against sequence length for the
DNC at that N and for the LSTM baseline, which has no N at all.
"""

from __future__ import annotations

import functools
from typing import Any, cast

import torch

from demos.kit.training import Progress

from . import task as tasks
from .model import WEIGHTS_DIR, load_checkpoint

CURVE_LENGTHS = tuple(range(2, 33, 2))  # copy lengths on the "memory runs out" curve
CURVE_SEQUENCES = 64  # sequences per curve point (about 0.5 s of CPU for a new N)
_CURVE_SEED = 2024
_DIGITS = 3  # rounding of floats in the JSON result


@functools.lru_cache(maxsize=8)
def load(kind: str, task: str) -> tuple[torch.nn.Module, dict[str, Any]]:
    """The bundled checkpoint ``weights/<kind>_<task>.pt``, loaded once per process."""
    return load_checkpoint(WEIGHTS_DIR / f"{kind}_{task}.pt", kind)


def _round(t: torch.Tensor) -> list:
    """A tensor as nested lists of floats with _DIGITS decimals (short, exact-looking JSON)."""

    def walk(v: list | float) -> list | float:
        return [walk(x) for x in v] if isinstance(v, list) else round(float(v), _DIGITS)

    return cast(list, walk(t.tolist()))  # a tensor of at least one dimension gives a list


def pattern_from_bits(text: str, bits: int, max_len: int) -> torch.Tensor | None:
    """Typed bits, ``bits`` per vector (the last vector padded with zeros) -> [length, bits]."""
    if not text:
        return None
    text = text[: bits * max_len]
    text = text + "0" * (-len(text) % bits)
    values = torch.tensor([float(c == "1") for c in text])
    return values.view(-1, bits)


def make_example(params: dict[str, Any], bits: int, item_len: int) -> tasks.Batch:
    """The single input the reader asked for, as a batch of one."""
    gen = torch.Generator().manual_seed(int(params["seed"]))
    task, length = params["task"], int(params["length"])
    if task == "recall":
        items = max(2, length)
        query = int(torch.randint(0, items - 1, (1,), generator=gen))
        return tasks._stack(
            [tasks.recall_example(tasks.distinct_items(items, item_len, bits, gen), query)]
        )
    pattern = pattern_from_bits(params.get("bits", ""), bits, length)
    if pattern is None:
        pattern = tasks.random_pattern(length, bits, gen)
    if task == "repeat_copy":
        return tasks._stack([tasks.repeat_copy_example(pattern, int(params["repeats"]))])
    return tasks._stack([tasks.copy_example(pattern)])


@functools.lru_cache(maxsize=64)
def copy_curve(kind: str, slots: int) -> list[float]:
    """Copy bit error at each of CURVE_LENGTHS (fixed seed), for the DNC with ``slots`` slots or
    the LSTM baseline (``slots`` ignored)."""
    model, payload = load(kind, "copy")
    bits = payload["config"]["output_size"]
    gen = torch.Generator().manual_seed(_CURVE_SEED)
    examples = [
        tasks.copy_example(tasks.random_pattern(length, bits, gen))
        for length in CURVE_LENGTHS
        for _ in range(CURVE_SEQUENCES)
    ]
    batch = tasks._stack(examples)  # all lengths in one padded batch: one pass over time
    with torch.no_grad():
        logits, _ = model(batch.inputs, num_slots=slots)
    wrong = tasks.bit_errors(logits, batch).sum(0).view(len(CURVE_LENGTHS), CURVE_SEQUENCES).sum(1)
    scored = torch.tensor(CURVE_LENGTHS, dtype=torch.float) * CURVE_SEQUENCES * bits
    return _round(wrong / scored)


def run(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """params: task, length, repeats, seed, bits, memory_slots (validated by the schema)."""
    task, slots = params["task"], int(params["memory_slots"])
    progress(5, "loading the trained DNC")
    model, payload = load("dnc", task)
    cfg, args = payload["config"], payload["metrics"].get("args", {})
    bits = cfg["output_size"] - (1 if task == "repeat_copy" else 0)
    batch = make_example(params, bits, int(args.get("item_len", 2)))

    progress(25, "running the DNC")
    with torch.no_grad():
        logits, trace = model(batch.inputs, num_slots=slots, trace=True)
    scored = batch.mask[:, 0] > 0
    wrong = int(tasks.bit_errors(logits, batch).sum())
    total = int(scored.sum()) * batch.targets.shape[-1]

    progress(60, "measuring copy error against length")
    curve = {
        "lengths": list(CURVE_LENGTHS),
        "dnc": copy_curve("dnc", slots),
        "lstm": copy_curve("lstm", 0),
        "memory_slots": slots,
        "trained_max_len": int(load("dnc", "copy")[1]["metrics"]["check_length"]),
    }
    progress(95, "packing the result")
    return {
        "task": task,
        "memory_slots": slots,
        "trained_slots": cfg["memory_slots"],
        "trained_max_len": payload["metrics"]["check_length"],
        "steps": int(batch.inputs.shape[0]),
        # heatmaps are [rows][time]: one row per channel or per memory slot
        "input": _round(batch.inputs[:, 0].T),
        "target": _round((batch.targets[:, 0] * batch.mask[:, 0:1]).T),
        "output": _round(torch.sigmoid(logits[:, 0]).T * scored.float()),
        "mask": batch.mask[:, 0].int().tolist(),
        "write_weights": _round(trace["write_weights"][:, 0].T),
        "read_weights": [_round(trace["read_weights"][:, 0, r].T) for r in range(cfg["num_reads"])],
        "usage": _round(trace["usage"][:, 0].T),
        "link": _round(trace["link"][0]),
        "free_gates": [_round(trace["free_gates"][:, 0, r]) for r in range(cfg["num_reads"])],
        "allocation_gate": _round(trace["allocation_gate"][:, 0]),
        "write_gate": _round(trace["write_gate"][:, 0]),
        # per head [3][time]: rows backward, content, forward (they sum to 1 at every step)
        "read_modes": [_round(trace["read_modes"][:, 0, r].T) for r in range(cfg["num_reads"])],
        # memory contents over time: each slot's word length ||M_t[i]|| as [slot][time], and
        # the words themselves at the last step as [slot][word component]
        "memory_norm": _round(trace["memory"][:, 0].norm(dim=-1).T),
        "memory_final": _round(trace["memory"][-1, 0]),
        "bit_errors": wrong,
        "scored_bits": total,
        "bit_error": round(wrong / max(total, 1), 4),
        "curve": curve,
    }
