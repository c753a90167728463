"""Training: a fixed-seed update lowers the loss; a short run writes loadable checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from demos.kit import cli
from demos.plugins.act import train as act_train
from demos.plugins.act.infer import load_checkpoint
from demos.plugins.act.model import ACTRNN, Config, act_loss
from demos.plugins.act.task import sample
from demos.plugins.act.train import BASELINE_LRS, TrainConfig, model_config, train_one


@pytest.mark.parametrize("max_steps", [1, 20])
def test_one_training_step_reduces_the_loss(max_steps: int) -> None:
    torch.manual_seed(0)
    model = ACTRNN(Config(max_steps=max_steps, time_penalty=1e-3))
    batch = sample(128, 10, torch.Generator().manual_seed(0))
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


def test_the_labels_build_act_fixed_step_and_baseline_models() -> None:
    assert model_config(10, "1e-2", 16, 20).time_penalty == 1e-2
    fixed = model_config(10, "fixed3", 16, 20)
    assert fixed.fixed_steps and fixed.max_steps == 3 and fixed.time_penalty == 0
    assert model_config(10, "baseline", 16, 20).max_steps == 1
    with pytest.raises(ValueError):
        cli.main(act_train, ["--only", "1e-5", "--max-updates", "1"])


@pytest.mark.slow
def test_train_writes_checkpoints_with_validation_metrics(tmp_path: Path) -> None:
    result = cli.main(
        act_train,
        [
            "--only",
            "1e-2,fixed2,baseline",
            "--seeds",
            "0,1",
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
    names = [p.name for p in result.checkpoints]
    assert names == [
        name
        for seed in (0, 1)
        for name in (
            f"parity10_tau1e-2_s{seed}.pt",
            f"parity10_fixed2_s{seed}.pt",
            *(f"parity10_baseline_lr{lr:g}_s{seed}.pt" for lr in BASELINE_LRS),  # its own grid
        )
    ]
    for name in names:
        model, metrics, updates = load_checkpoint(tmp_path / name)
        assert metrics["updates_run"] == 5
        assert updates in (0, 5)  # the better validated of the two evaluated states
        assert {"valid_error", "valid_mean_steps", "valid_curve", "lr"} <= set(metrics)
        assert model.cfg.hidden_size == 16
    lrs = {load_checkpoint(tmp_path / n)[1]["lr"] for n in names if "baseline" in n}
    assert lrs == set(BASELINE_LRS)


def test_a_run_stopped_after_a_validation_has_written_what_a_shorter_run_writes(
    tmp_path: Path,
) -> None:
    """The checkpoint is rewritten at every validation, so a cut run can be reproduced."""
    cfg = Config(hidden_size=16, max_steps=4)
    written: list[tuple[int, dict]] = []

    def kept(model: ACTRNN, best: int, figures: dict, updates: int) -> None:
        written.append((updates, {k: v.clone() for k, v in model.state_dict().items()}))

    train_one(cfg, TrainConfig(max_updates=6, eval_every=2), 1, 3e-3, kept=kept)
    short, _, _ = train_one(cfg, TrainConfig(max_updates=4, eval_every=2), 1, 3e-3)
    assert [u for u, _ in written] == [2, 4, 6]
    for name, tensor in short.state_dict().items():
        assert torch.equal(tensor, written[1][1][name]), name


def test_the_kept_state_is_the_best_validated_one() -> None:
    cfg = Config(hidden_size=16, max_steps=4)
    seen: list[int] = []
    tcfg = TrainConfig(max_updates=6, eval_every=2)
    model, best_update, figures = train_one(cfg, tcfg, 0, 3e-3, lambda u, info: seen.append(u))
    assert seen == [1, 2, 3, 4, 5, 6]
    assert [u for u, _ in figures["curve"]] == [0, 2, 4, 6]
    kept = min(e for _, e in figures["curve"])
    assert figures["error"] == pytest.approx(kept, abs=1e-6)
    assert best_update == max(u for u, e in figures["curve"] if e == pytest.approx(kept, abs=1e-6))
    assert isinstance(model, ACTRNN)


@pytest.mark.slow
def test_training_is_reproducible_for_a_seed() -> None:
    """Each model depends only on its seed, so checkpoints can be retrained exactly."""
    cfg = Config(hidden_size=16, max_steps=5)
    tcfg = TrainConfig(max_updates=20, eval_every=10)
    a, _, _ = train_one(cfg, tcfg, 3, 3e-3)
    b, _, _ = train_one(cfg, tcfg, 3, 3e-3)
    for name, tensor in a.state_dict().items():
        assert torch.equal(tensor, b.state_dict()[name]), name
