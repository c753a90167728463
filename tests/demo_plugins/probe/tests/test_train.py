"""Training: a fixed-seed run lowers the loss, reports every step and writes a kit checkpoint."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from tests.demo_plugins.probe.train import TrainConfig, train


def test_train_reports_each_step_lowers_the_loss_and_saves(tmp_path) -> None:
    losses: list[float] = []
    cfg = TrainConfig(out=tmp_path / "p.pt", steps=50)
    result = train(cfg, lambda step, figures: losses.append(figures["loss"]))
    assert len(losses) == 50 and losses[-1] < losses[0] / 10
    assert result.step == 50 and result.checkpoints == [tmp_path / "p.pt"]
    assert checkpoint.load(tmp_path / "p.pt")["step"] == 50


def test_a_failing_run_writes_nothing(tmp_path) -> None:
    with pytest.raises(ValueError, match="asked to fail"):
        train(TrainConfig(out=tmp_path / "p.pt", mode="fail"))
    assert not (tmp_path / "p.pt").exists()
