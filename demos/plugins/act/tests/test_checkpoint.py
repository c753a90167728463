"""Every bundled checkpoint loads and reproduces the validation figures it stores."""

from __future__ import annotations

import pytest

from demos.plugins.act import DIM
from demos.plugins.act.infer import load_checkpoint
from demos.plugins.act.train import (
    BASELINE,
    BASELINE_LRS,
    FIXED,
    SEEDS,
    TAUS,
    WEIGHTS_DIR,
    checkpoint_name,
    measure,
    validation_set,
)

MAX_CHECKPOINT_BYTES = 5 * 1024 * 1024
MODELS = [(label, None) for label in (*TAUS, *FIXED)] + [(BASELINE, lr) for lr in BASELINE_LRS]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("label", "lr"), MODELS)
def test_bundled_checkpoint_reproduces_its_stored_validation_metrics(
    label: str, lr: float | None, seed: int
) -> None:
    path = WEIGHTS_DIR / checkpoint_name(DIM, label, seed, lr)
    assert path.stat().st_size < MAX_CHECKPOINT_BYTES
    model, stored, _ = load_checkpoint(path)
    valid = validation_set(DIM)
    got = measure(model, valid.inputs, valid.target)
    assert got["error"] == pytest.approx(stored["valid_error"], abs=1e-9)
    assert got["mean_steps"] == pytest.approx(stored["valid_mean_steps"], abs=1e-9)
    assert got["mean_ponder_cost"] == pytest.approx(stored["valid_mean_ponder_cost"], rel=1e-5)
    if label == BASELINE:
        assert model.cfg.max_steps == 1
    if label in FIXED:
        assert model.cfg.fixed_steps and model.cfg.max_steps == FIXED[label]


def test_all_bundled_weights_stay_under_5_mb_together() -> None:
    total = sum(p.stat().st_size for p in WEIGHTS_DIR.glob("*.pt"))
    assert total < MAX_CHECKPOINT_BYTES
    assert len(list(WEIGHTS_DIR.glob("*.pt"))) == len(MODELS) * len(SEEDS)
