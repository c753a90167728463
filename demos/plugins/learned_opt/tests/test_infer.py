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
    "final_test",
    "outcome",
    "rule",
}
CURVE_KEYS = [
    "learned",
    "momentum",
    "adam",
    "sgd_tuned",
    "adam_tuned",
    "sgd_oracle",
    "adam_oracle",
]


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
    assert keys == CURVE_KEYS
    assert set(result["final_test"]) == set(result["final"]) == set(CURVE_KEYS)
    assert set(result["outcome"].values()) <= {"win", "tie", "loss"}
    rule = result["rule"]
    assert len(rule["learned"]) == len(rule["m"]) and len(rule["learned"][0]) == len(rule["g"])
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


def _rule_of(theta):
    from demos.plugins.learned_opt.infer import update_rule
    from demos.plugins.learned_opt.inner import run_mixed
    from demos.plugins.learned_opt.model import Config
    from demos.plugins.learned_opt.task import make_task

    cfg = Config()
    task = make_task("syn_cls", 0, 5)
    run = run_mixed(task, theta.unsqueeze(0), cfg.hidden, record_every=5)
    return update_rule(theta, cfg, task, run)


def test_the_update_rule_of_the_untrained_start_is_adam_minus_the_momentum_feature():
    import torch

    from demos.plugins.learned_opt.model import construct_theta

    rule = _rule_of(construct_theta("adam", 3e-2))
    learned, start = torch.tensor(rule["learned"]), torch.tensor(rule["start"])
    m = torch.tensor(rule["m"]).unsqueeze(1).expand_as(start)
    torch.testing.assert_close(start, -m, atol=1e-4, rtol=1e-4)  # Δ = -m̂ in the start's units
    torch.testing.assert_close(learned, start)  # θ at its start is the start


def test_the_update_rule_of_sgd_weights_depends_on_the_gradient_only():
    import torch

    from demos.plugins.learned_opt.model import construct_theta

    grid = torch.tensor(_rule_of(construct_theta("sgd", 0.1))["learned"])
    assert torch.allclose(grid, grid[:1].expand_as(grid))  # every row (m̂) the same
    assert grid[0, 0] > 0 > grid[0, -1]  # a step against the gradient
