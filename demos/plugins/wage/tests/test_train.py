"""train writes contract checkpoints and a table that evaluate() reads back."""

from __future__ import annotations

import json

import pytest
import torch

from demos.kit import cli
from demos.kit.evaluation import EvalConfig
from demos.plugins.wage import train as wage_train
from demos.plugins.wage.evaluate import evaluate
from demos.plugins.wage.train import (
    compact_state_dict,
    config_for,
    parse_bits,
    train_run,
)


def test_bits_labels_parse_to_four_widths() -> None:
    assert parse_bits("2-8-8-6") == (2, 8, 8, 6)
    assert parse_bits("float") == (32, 32, 32, 32)
    assert config_for("float").bits == "float"
    with pytest.raises(ValueError):
        parse_bits("2-8-8")


def test_a_seeded_run_is_reproducible() -> None:
    a = train_run(config_for("2-8-8-8", epochs=1, seed=3, sizes=(64, 32, 10)))
    b = train_run(config_for("2-8-8-8", epochs=1, seed=3, sizes=(64, 32, 10)))
    assert a.curves == b.curves
    for wa, wb in zip(a.model.weights, b.model.weights, strict=False):
        assert torch.equal(wa, wb)


@pytest.mark.slow
def test_train_writes_checkpoints_and_evaluate_reads_them(tmp_path) -> None:
    result = cli.main(
        wage_train,
        [
            "--settings",
            "float,2-8-8-8",
            "--seeds",
            "2",
            "--epochs",
            "1",
            "--out",
            str(tmp_path),
        ],
    )
    assert len(result.checkpoints) == 4 and result.metrics["skipped"] == []
    assert sorted(p.name for p in tmp_path.glob("*.pt")) == [
        "wage_2888_s0.pt",
        "wage_2888_s1.pt",
        "wage_float_s0.pt",
        "wage_float_s1.pt",
    ]
    table = json.loads((tmp_path / "table.json").read_text())
    assert [r["bits"] for r in table["rows"]] == ["float", "2-8-8-8"]
    lines: list[str] = []
    result = evaluate(EvalConfig(), lines.append, weights_dir=tmp_path).details
    assert {"acc_float", "acc_2888", "table"} <= set(result)
    assert result["stored_metric_mismatches"] == []
    assert result["acc_2888"] == pytest.approx(table["rows"][1]["mean"])
    assert any("2-8-8-8" in line for line in lines)


def test_checkpoints_store_float16_only_where_it_is_exact() -> None:
    grid = torch.tensor([-0.5, 0.0, 3 / 128, 0.5])  # WAGE weights: multiples of 2^-7
    off_grid = torch.tensor([0.1, 1 / 3])  # float-path weights
    out = compact_state_dict({"grid": grid, "off": off_grid})
    assert out["grid"].dtype == torch.float16 and torch.equal(out["grid"].float(), grid)
    assert out["off"].dtype == torch.float32 and torch.equal(out["off"], off_grid)
