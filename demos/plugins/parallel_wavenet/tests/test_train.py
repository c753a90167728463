"""Distillation: every step is reported, the kept checkpoint is the best on validation, and it
records the teacher it was distilled from."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos.kit import checkpoint
from demos.plugins.parallel_wavenet.train import (
    TrainConfig,
    learning_rate,
    teacher_sha256,
    train,
)

SMOKE = dict(steps=3, batch=1, length=600, val_length=200, val_every=1, channels=4)


def test_the_learning_rate_decays_to_a_tenth() -> None:
    rates = [learning_rate(s, 100, 1.0) for s in range(100)]
    assert rates[0] == 1.0 and rates == sorted(rates, reverse=True)
    assert abs(rates[-1] - 0.1) < 1e-9


def test_train_reports_every_step_and_keeps_the_best_validation_checkpoint(tmp_path) -> None:
    seen: list[dict] = []
    result = train(
        TrainConfig(seeds="4", out_dir=tmp_path, **SMOKE), lambda s, f: seen.append(dict(f))
    )
    assert len(seen) == 3 and all(np.isfinite(f["loss"]) and f["kl"] > 0 for f in seen)
    assert result.checkpoints == [tmp_path / "student_seed4.pt"]
    payload = checkpoint.load(result.checkpoints[0])
    m = payload["metrics"]
    vals = [v for _, v in m["val_curve"]]
    assert len(vals) == 3 and m["val_student_nll"] == pytest.approx(min(vals), abs=1e-4)
    assert m["val_curve"][vals.index(min(vals))][0] == m["best_step"]
    assert m["teacher_sha256"] == teacher_sha256() and payload["seed"] == 4
    assert payload["config"]["channels"] == 4


def test_the_same_seed_distils_the_same_student(tmp_path) -> None:
    a = train(TrainConfig(seeds="1", out_dir=tmp_path / "a", **dict(SMOKE, steps=2)))
    b = train(TrainConfig(seeds="1", out_dir=tmp_path / "b", **dict(SMOKE, steps=2)))
    wa = checkpoint.load(a.checkpoints[0])["model"]
    wb = checkpoint.load(b.checkpoints[0])["model"]
    assert all(torch.equal(wa[k], wb[k]) for k in wa)


def test_without_the_power_loss_only_the_kl_is_optimised(tmp_path) -> None:
    seen: list[dict] = []
    train(
        TrainConfig(
            seeds="0", out_dir=tmp_path, power_weight=0.0, name="np", **dict(SMOKE, steps=1)
        ),
        lambda s, f: seen.append(dict(f)),
    )
    assert seen[0]["power"] == 0.0 and seen[0]["loss"] == seen[0]["kl"]
    assert checkpoint.load(tmp_path / "np_seed0.pt")["metrics"]["power_weight"] == 0.0
