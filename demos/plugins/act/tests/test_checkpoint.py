"""Every bundled checkpoint loads and reproduces the held-out figures it stores."""

from __future__ import annotations

import pytest

from demos.plugins.act import DIM
from demos.plugins.act.infer import load_checkpoint
from demos.plugins.act.train import (
    BASELINE,
    TAUS,
    WEIGHTS_DIR,
    check_set,
    checkpoint_name,
    measure,
)

MAX_CHECKPOINT_BYTES = 5 * 1024 * 1024


@pytest.mark.parametrize("label", [*TAUS, BASELINE])
def test_bundled_checkpoint_reproduces_its_stored_metrics(label: str) -> None:
    path = WEIGHTS_DIR / checkpoint_name(DIM, label)
    assert path.stat().st_size < MAX_CHECKPOINT_BYTES
    model, stored, _ = load_checkpoint(path)
    inputs, target, _ = check_set(DIM)
    got = measure(model, inputs, target)
    assert got["error"] == pytest.approx(stored["error"], abs=1e-9)
    assert got["mean_steps"] == pytest.approx(stored["mean_steps"], abs=1e-9)
    assert got["mean_ponder_cost"] == pytest.approx(stored["mean_ponder_cost"], rel=1e-5)
    if label == BASELINE:
        assert model.cfg.max_steps == 1


def test_bundled_models_meet_the_issue_figures_on_the_check_set() -> None:
    stored = {
        label: load_checkpoint(WEIGHTS_DIR / checkpoint_name(DIM, label))[1]
        for label in (*TAUS, BASELINE)
    }
    best = min(TAUS, key=lambda t: stored[t]["error"])
    assert stored[best]["error"] < 0.02
    assert stored[best]["mean_steps"] > 2
    assert stored[BASELINE]["error"] > 0.20
