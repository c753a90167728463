"""infer.run: echoes its parameters and the bundled model reads the count back."""

from __future__ import annotations

import pytest

from tests.demo_plugins.probe import META
from tests.demo_plugins.probe.infer import run

DEFAULTS = {name: spec["default"] for name, spec in META["params"].items()}


def test_the_default_run_echoes_and_reads_the_count_back() -> None:
    seen: list[float] = []
    result = run(dict(DEFAULTS, count=6), lambda pct, msg: seen.append(pct))
    assert result["echo"]["count"] == 6 and result["reading"] == pytest.approx(6, abs=0.1)
    assert seen == [100]


def test_a_failing_mode_raises_a_user_error() -> None:
    with pytest.raises(ValueError):
        run(dict(DEFAULTS, mode="fail"), lambda pct, msg: None)
