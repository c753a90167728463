"""infer.run: a live actor-learner run at the visitor's lag, with progress, and the bundled figure."""

from __future__ import annotations

import json

import pytest

from demos.plugins.vtrace import META
from demos.plugins.vtrace.infer import bundled_by_lag, chosen_lr, run

DEFAULTS = {name: spec["default"] for name, spec in META["params"].items()}


@pytest.mark.slow  # replays every bundled policy for the return-vs-lag figure (~4 s of CPU)
def test_a_short_run_returns_a_curve_per_method_and_reports_progress() -> None:
    seen: list[float] = []
    result = run(dict(DEFAULTS, updates=50, method="all"), lambda pct, msg: seen.append(pct))
    assert [r["method"] for r in result["runs"]] == ["vtrace", "no_correction", "unclipped_is"]
    for r in result["runs"]:
        assert len(r["updates"]) == len(r["returns"]) > 0 and r["updates"][-1] == 50
        assert r["lr"] == chosen_lr(r["method"], DEFAULTS["lag"])
    assert seen == sorted(seen) and seen[-1] == 100 and all(0 <= p <= 100 for p in seen)
    json.dumps(result, allow_nan=False)  # JSON-clean


def test_one_method_runs_alone() -> None:
    result = run(dict(DEFAULTS, updates=50, method="vtrace", lag=0), lambda pct, msg: None)
    assert [r["method"] for r in result["runs"]] == ["vtrace"]


def test_the_bundled_figure_has_a_return_per_method_and_lag() -> None:
    figure = bundled_by_lag()
    assert figure["lags"] == sorted(figure["lags"]) and figure["seeds"] == 3
    for returns in figure["returns"].values():
        assert len(returns) == len(figure["lags"])
        assert all(0 < r <= 500 for r in returns)
