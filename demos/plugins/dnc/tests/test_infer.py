"""infer.run returns the JSON the renderer (demos/plugins/dnc/static/demos/dnc.js) draws."""

from __future__ import annotations

import json

from demos.plugins.dnc import META
from demos.plugins.dnc.infer import CURVE_LENGTHS, pattern_from_bits, run

RENDERER_KEYS = {
    "task",
    "steps",
    "memory_slots",
    "trained_slots",
    "trained_max_len",
    "input",
    "target",
    "output",
    "write_weights",
    "read_weights",
    "usage",
    "link",
    "free_gates",
    "allocation_gate",
    "write_gate",
    "read_modes",
    "memory_norm",
    "memory_final",
    "bit_errors",
    "scored_bits",
    "bit_error",
    "curve",
}


def _defaults(**overrides):
    params = {name: spec["default"] for name, spec in META["params"].items()}
    params.update(overrides)
    return params


def _check_shapes(result, slots):
    steps = result["steps"]
    assert len(result["write_weights"]) == slots and len(result["write_weights"][0]) == steps
    assert len(result["usage"]) == slots and len(result["link"]) == slots
    assert all(len(g) == steps for g in result["free_gates"])
    assert len(result["allocation_gate"]) == steps
    for modes in result["read_modes"]:  # backward, content, forward: a distribution per step
        assert len(modes) == 3 and all(len(row) == steps for row in modes)
        assert all(abs(sum(col) - 1.0) < 0.01 for col in zip(*modes, strict=True))
    assert len(result["memory_norm"]) == slots and len(result["memory_norm"][0]) == steps
    assert all(v >= 0 for row in result["memory_norm"] for v in row)
    assert len(result["memory_final"]) == slots
    assert len(result["curve"]["dnc"]) == len(result["curve"]["lstm"]) == len(CURVE_LENGTHS)


def test_run_with_the_schema_defaults_returns_json_with_the_renderer_keys():
    calls = []
    result = run(_defaults(), lambda pct, msg: calls.append(pct))
    json.dumps(result)
    assert set(result) >= RENDERER_KEYS
    _check_shapes(result, META["params"]["memory_slots"]["default"])
    assert calls and all(0 <= pct <= 100 for pct in calls)
    assert 0.0 <= result["bit_error"] <= 1.0


def test_run_with_a_small_memory_and_typed_bits():
    result = run(_defaults(memory_slots=4, length=6, bits="111000101010"), lambda *_: None)
    _check_shapes(result, 4)
    assert result["input"][0][:2] == [1.0, 1.0]  # the first typed vector is 111000
    json.dumps(result)


def test_run_recall_and_repeat_copy():
    for task in ("recall", "repeat_copy"):
        result = run(_defaults(task=task, length=4, repeats=2), lambda *_: None)
        assert result["task"] == task and result["scored_bits"] > 0
        json.dumps(result)


def test_typed_bits_are_cut_into_vectors_and_padded():
    pattern = pattern_from_bits("1010111", 6, 8)
    assert pattern.shape == (2, 6)
    assert pattern[1].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
