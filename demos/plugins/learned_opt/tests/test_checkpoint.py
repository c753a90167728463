"""The bundled checkpoint loads and still scores its stored figure on the fixed check set."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from demos.plugins.learned_opt.evaluate import load_checkpoint
from demos.plugins.learned_opt.model import n_theta
from demos.plugins.learned_opt.train import WEIGHTS, check_metric


def test_checkpoint_is_small_and_self_describing():
    assert WEIGHTS.stat().st_size < 5 * 1024 * 1024
    ckpt = checkpoint.load(WEIGHTS)
    assert set(ckpt) >= {"model", "config", "step", "metrics"}
    curve = ckpt["metrics"]["meta_curve"]
    assert len(curve) >= 2 and curve[-1]["update"] == ckpt["step"] > 0


@pytest.mark.slow
def test_checkpoint_reproduces_its_stored_metric():
    theta, cfg, metrics = load_checkpoint()
    assert theta.shape == (n_theta(cfg.hidden),)
    assert check_metric(theta, cfg.hidden) == pytest.approx(
        metrics["check_mean_log_loss"], abs=1e-4
    )
