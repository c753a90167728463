"""Training: a fixed seed lowers the loss, every step is reported, checkpoints in the kit format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from demos.kit import checkpoint, cli
from demos.plugins.dni import train as dni_train
from demos.plugins.dni.model import Config, Core, SyntheticGradient
from demos.plugins.dni.task import sample
from demos.plugins.dni.train import step_method


@pytest.mark.parametrize("method", ["dni", "truncated", "full"])
def test_one_update_lowers_the_loss_on_its_batch(method: str) -> None:
    torch.manual_seed(0)
    core = Core(Config(hidden=16))
    sg = SyntheticGradient(core.cfg)
    b = sample(64, 3, 4, torch.Generator().manual_seed(0))
    opt = torch.optim.Adam([*core.parameters(), *sg.parameters()], lr=1e-2)
    before = step_method(method, core, sg, b, window=2).loss
    opt.step()
    opt.zero_grad()
    after = step_method(method, core, sg, b, window=2).loss
    assert after < before


def test_fit_reports_every_step_and_keeps_the_best_validation_check() -> None:
    seen: list[int] = []
    run = dni_train.fit(
        "dni", window=2, length=3, steps=20, lr=1e-2, seed=0, hidden=8, eval_every=10,
        on_step=lambda step, figures: seen.append(step),
    )  # fmt: skip
    assert seen == list(range(1, 21))
    assert run.history["step"] == [10, 20]
    assert run.best_val_acc == max(run.history["val_acc"]) and run.best_step in (10, 20)


def test_an_unknown_method_is_an_error() -> None:
    core = Core(Config(hidden=4))
    b = sample(2, 3, 4, torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="unknown method"):
        step_method("rtrl", core, SyntheticGradient(core.cfg), b, 2)


@pytest.mark.slow
def test_train_writes_the_headline_checkpoints_the_grid_and_the_table(tmp_path: Path) -> None:
    args = ["--out-dir", str(tmp_path), "--steps", "4", "--eval-every", "2", "--seeds", "0,1"]
    args += ["--length", "5", "--window", "2", "--hidden", "8", "--lrs", "1e-2,3e-3"]
    args += [
        "--table-windows",
        "2",
        "--table-lengths",
        "3",
        "--table-steps",
        "2",
        "--table-seeds",
        "0",
    ]
    result = cli.main(dni_train, args)
    names = sorted(p.name for p in tmp_path.glob("*.pt"))
    assert names == [f"{m}_s{s}.pt" for m in ("dni", "full", "truncated") for s in (0, 1)]
    table = sorted(p.name for p in (tmp_path / "table").glob("*.pt"))
    assert table == ["dni_T2_L3_s0.pt", "full_T0_L3_s0.pt", "truncated_T2_L3_s0.pt"]
    grid = json.loads((tmp_path / "grid.json").read_text())
    assert grid["methods"]["dni"]["lr"] in (1e-2, 3e-3) and grid["length"] == 5
    assert len(result.checkpoints) == 9
    dni = checkpoint.load(tmp_path / "dni_s1.pt")
    assert set(dni) == set(checkpoint.FIELDS) and dni["seed"] == 1
    assert any(k.startswith("sg.") for k in dni["model"])
    assert not any(k.startswith("sg.") for k in checkpoint.load(tmp_path / "full_s0.pt")["model"])
