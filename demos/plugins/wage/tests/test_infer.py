"""infer.run returns the JSON the renderer (demos/plugins/wage/static/demos/wage.js) draws."""

from __future__ import annotations

import json

import pytest

from demos.plugins.wage import META
from demos.plugins.wage.infer import run

RENDERER_KEYS = {
    "bits",
    "epochs",
    "acc_wage",
    "acc_float",
    "gap_points",
    "seconds",
    "curves",
    "histogram",
    "costs",
    "table",
}


def _defaults(**overrides: object) -> dict:
    params = {name: spec["default"] for name, spec in META["params"].items()}
    params.update(overrides)
    return params


def _check(result: dict, epochs: int) -> None:
    assert set(result) >= RENDERER_KEYS
    json.dumps(result)  # JSON-serialisable
    assert len(result["curves"]["epoch"]) == epochs
    for run_curves in (result["curves"]["wage"], result["curves"]["float"]):
        assert len(run_curves["test_acc"]) == epochs
    assert 0.0 <= result["acc_wage"] <= 1.0 and 0.0 <= result["acc_float"] <= 1.0


def test_a_one_epoch_ternary_run_reports_three_weight_levels() -> None:
    seen = []
    result = run(_defaults(epochs=1), lambda pct, msg: seen.append(pct))
    _check(result, 1)
    assert result["histogram"]["values"] == [-1, 0, 1]
    assert result["histogram"]["levels_per_layer"] == [3, 3, 3]
    assert seen[0] == 0.0 and seen[-1] == 100.0 and seen == sorted(seen)


@pytest.mark.slow
def test_the_default_run_is_json_and_beats_chance_by_far() -> None:
    result = run(_defaults(), lambda pct, msg: None)
    _check(result, META["params"]["epochs"]["default"])
    assert result["bits"] == "2-8-8-8"
    assert result["acc_wage"] > 0.85 and result["acc_float"] > 0.85
