"""Training: the grid keeps each (method, lag)'s best learning rate on validation and writes one
kit checkpoint per seed; every update is reported."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from demos.plugins.vtrace.train import TrainConfig, train, weights_name


def test_train_reports_updates_selects_on_validation_and_saves(tmp_path) -> None:
    seen: list[str] = []
    cfg = TrainConfig(
        out_dir=tmp_path,
        methods="vtrace",
        lags="2",
        lrs="1e-3,3e-2",
        seeds=2,
        updates=4,
        actors=2,
        unroll=5,
        validation_episodes=2,
    )
    result = train(cfg, lambda step, figures: seen.append(figures["model"]))
    assert len(seen) == 2 * 2 * 4 and len(set(seen)) == 4  # 2 rates x 2 seeds x 4 updates
    assert result.checkpoints == [tmp_path / weights_name("vtrace", 2, s) for s in (0, 1)]
    chosen = result.metrics["selected"]["vtrace/lag2"]
    by_lr = chosen["validation_by_lr"]
    assert set(by_lr) == {"0.001", "0.03"} and by_lr[f"{chosen['lr']:g}"] == max(by_lr.values())
    payload = checkpoint.load(tmp_path / weights_name("vtrace", 2, 1))
    assert payload["seed"] == 1 and payload["step"] == 4
    assert payload["metrics"]["lag"] == 2 and payload["metrics"]["lr"] == chosen["lr"]


def test_an_unknown_method_writes_nothing(tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown methods"):
        train(TrainConfig(out_dir=tmp_path, methods="retrace"))
    assert list(tmp_path.iterdir()) == []
