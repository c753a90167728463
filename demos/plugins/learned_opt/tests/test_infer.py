"""The live demo: JSON output with the renderer's keys; the package imports without torch."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from demos.plugins.learned_opt import META

RACE_KEYS = {
    "mode",
    "task",
    "in_distribution",
    "steps",
    "curves",
    "final",
    "ranking",
    "meta_curve",
    "seconds",
}


def _defaults() -> dict:
    return {name: spec["default"] for name, spec in META["params"].items()}


def test_package_import_does_not_import_torch():
    code = "import sys, demos.plugins.learned_opt as m; assert m.META['slug']; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_meta_params_have_bilingual_labels_and_valid_defaults():
    for spec in META["params"].values():
        assert set(spec["label"]) == {"en", "es"}
        if spec["type"] == "choice":
            assert spec["default"] in spec["choices"]
        if spec["type"] == "int":
            assert spec["min"] <= spec["default"] <= spec["max"]


@pytest.mark.slow
def test_race_with_schema_defaults_returns_json_the_renderer_can_draw():
    from demos.plugins.learned_opt.infer import run

    seen = []
    result = run(_defaults(), lambda pct, msg: seen.append(pct))
    json.dumps(result, allow_nan=False)
    assert set(result) >= RACE_KEYS
    keys = [c["key"] for c in result["curves"]]
    assert keys == ["learned", "sgd", "momentum", "adam", "sgd_tuned", "adam_tuned"]
    assert all(len(c["y"]) == len(result["steps"]) for c in result["curves"])
    assert result["steps"][-1] == META["params"]["steps"]["default"]
    assert seen[-1] == 100


@pytest.mark.slow
def test_hard_mode_returns_slices_variance_and_cosine():
    from demos.plugins.learned_opt.infer import run

    params = {**_defaults(), "mode": "hard", "long_unroll": 30}
    result = run(params, lambda pct, msg: None)
    json.dumps(result, allow_nan=False)
    sl = result["slice"]
    assert len(sl["alphas"]) == len(sl["short"]) == len(sl["long"]) == len(sl["smoothed_long"])
    plane = result["plane"]
    assert len(plane["long"]) == len(plane["betas"]) and len(plane["long"][0]) == len(
        plane["alphas"]
    )
    assert 0 < result["variance"]["antithetic_variance_ratio"] < 1
    assert -1 <= result["cosine"]["es_backprop_cosine"] <= 1
