"""The bundled checkpoints (one per meta-training seed) load and still score their stored figure."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from demos.plugins.learned_opt.evaluate import load_checkpoint
from demos.plugins.learned_opt.model import n_theta
from demos.plugins.learned_opt.train import SEEDS, TRAIN_SEED_STRIDE, check_metric, weights_path


@pytest.mark.parametrize("seed", SEEDS)
def test_each_seed_has_a_small_self_describing_checkpoint(seed):
    path = weights_path(seed)
    assert path.stat().st_size < 5 * 1024 * 1024
    ckpt = checkpoint.load(path)
    assert set(ckpt) >= {"model", "config", "step", "metrics"} and ckpt["seed"] == seed
    curve = ckpt["metrics"]["meta_curve"]
    assert len(curve) >= 2 and curve[-1]["update"] == ckpt["step"] > 0
    lo, hi = ckpt["metrics"]["train_task_seeds"]
    assert lo == seed * TRAIN_SEED_STRIDE < hi  # the tasks it was meta-trained on
    assert 0 <= ckpt["metrics"]["best_update"] <= ckpt["step"]  # chosen on validation tasks


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_checkpoint_reproduces_its_stored_metric(seed):
    theta, cfg, metrics = load_checkpoint(str(weights_path(seed)))
    assert theta.shape == (n_theta(cfg.hidden),)
    assert check_metric(theta, cfg.hidden) == pytest.approx(
        metrics["check_mean_log_loss"], abs=1e-4
    )
