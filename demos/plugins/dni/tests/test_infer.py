"""infer.run: trains both methods live and returns curves, examples and the bundled figures."""

from __future__ import annotations

import json
import math

import pytest

from demos.plugins.dni import META
from demos.plugins.dni.infer import CHECKS, bundled, run

DEFAULTS = {name: spec["default"] for name, spec in META["params"].items()}


@pytest.mark.slow
def test_a_small_live_run_returns_both_curves_and_reports_progress() -> None:
    seen: list[float] = []
    params = dict(DEFAULTS, window=2, length=4, steps=100, seed=1)
    result = run(params, lambda pct, msg: seen.append(pct))
    assert json.loads(json.dumps(result, allow_nan=False)) == result  # JSON-clean, no NaN
    for method in ("dni", "truncated"):
        r = result["runs"][method]
        assert len(r["step"]) == len(r["val_acc"]) == CHECKS + (100 % CHECKS != 0)
        assert all(0.0 <= a <= 1.0 for a in r["val_acc"])
    dni = result["runs"]["dni"]
    assert len(dni["sg_cosine"]) == len(dni["step"])
    assert all(c is None or -1.0 <= c <= 1.0 for c in dni["sg_cosine"])
    assert result["runs"]["truncated"]["sg_cosine"] == []
    assert result["windows_per_episode"] == math.ceil(5 / 2)
    assert seen == sorted(seen) and seen[-1] == 100
    assert len(result["examples"]) == 6 and result["examples"][0]["episode"].startswith("*")


def test_the_bundled_figures_come_from_the_stored_evaluation() -> None:
    b = bundled()
    assert set(b["figures"]) >= {"acc_dni", "acc_truncated_bptt", "acc_full_bptt"}
    lo, hi = b["figures"]["acc_dni"]["ci95"]
    assert lo <= b["figures"]["acc_dni"]["mean"] <= hi
    assert b["longest"] and {"window", "dni", "truncated", "full"} <= set(b["longest"][0])
