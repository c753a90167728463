"""Training: a fixed-seed update lowers the loss; a short run writes a loadable checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from demos.kit import cli
from demos.plugins.act import train as act_train
from demos.plugins.act.infer import load_checkpoint
from demos.plugins.act.model import ACTRNN, Config, act_loss
from demos.plugins.act.task import sample
from demos.plugins.act.train import TrainConfig, train_one


@pytest.mark.parametrize("max_steps", [1, 20])
def test_one_training_step_reduces_the_loss(max_steps: int) -> None:
    torch.manual_seed(0)
    model = ACTRNN(Config(max_steps=max_steps, time_penalty=1e-3))
    batch = sample(128, 8, torch.Generator().manual_seed(0))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    def loss() -> torch.Tensor:
        return act_loss(model(batch.inputs), batch.target, model.cfg.time_penalty)[0]

    before = loss()
    opt.zero_grad()
    before.backward()
    opt.step()
    with torch.no_grad():
        after = loss()
    assert after.item() < before.item()


@pytest.mark.slow
def test_train_writes_checkpoints_with_metrics(tmp_path: Path) -> None:
    result = cli.main(
        act_train,
        [
            "--only",
            "1e-2,baseline",
            "--max-updates",
            "5",
            "--eval-every",
            "5",
            "--hidden",
            "16",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.checkpoints == [tmp_path / "parity8_tau1e-2.pt", tmp_path / "parity8_baseline.pt"]
    for name in ("parity8_tau1e-2.pt", "parity8_baseline.pt"):
        model, metrics, updates = load_checkpoint(tmp_path / name)
        assert metrics["updates_run"] == 5
        assert updates in (0, 5)  # the better validated of the two evaluated states
        assert {"error", "mean_steps", "mean_ponder_cost", "tau"} <= set(metrics)
        assert model.cfg.hidden_size == 16


def test_training_stops_once_the_validation_target_is_met() -> None:
    cfg = Config(hidden_size=16, max_steps=4)
    seen: list[int] = []
    tcfg = TrainConfig(max_updates=50, min_updates=0, eval_every=1, target_error=1.0)
    model, best_update, figures = train_one(cfg, tcfg, lambda u, info: seen.append(u))
    assert seen == [1]  # any error meets a target of 100 %: one update, then stop
    assert best_update in (0, 1) and 0 <= figures["error"] <= 1
    assert isinstance(model, ACTRNN)


@pytest.mark.slow
def test_training_is_reproducible_for_a_seed() -> None:
    """Each model depends only on its seed, so checkpoints can be retrained exactly."""
    cfg = Config(hidden_size=16, max_steps=5)
    tcfg = TrainConfig(max_updates=20, min_updates=0, eval_every=10)
    a, _, _ = train_one(cfg, tcfg)
    b, _, _ = train_one(cfg, tcfg)
    for name, tensor in a.state_dict().items():
        assert torch.equal(tensor, b.state_dict()[name]), name
