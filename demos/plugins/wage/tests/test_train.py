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
    restore_state_dict,
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
def test_train_tunes_on_validation_writes_checkpoints_and_evaluate_reads_them(tmp_path) -> None:
    result = cli.main(
        wage_train,
        [
            *("--settings", "float,2-8-8-8,2-8-4-8", "--seeds", "2", "--epochs", "1"),
            *("--float-lrs", "0.05,0.1", "--etas", "2,4", "--noshift-lrs", "0.004"),
            *("--out", str(tmp_path)),
        ],
    )
    assert result.metrics["skipped"] == []
    assert sorted(p.name for p in tmp_path.glob("*.pt")) == [
        "wage_2848_s0.pt",
        "wage_2848_s1.pt",
        "wage_2888_deterministic_s0.pt",
        "wage_2888_deterministic_s1.pt",
        "wage_2888_noshift_s0.pt",
        "wage_2888_noshift_s1.pt",
        "wage_2888_s0.pt",
        "wage_2888_s1.pt",
        "wage_float_s0.pt",
        "wage_float_s1.pt",
    ]
    table = json.loads((tmp_path / "table.json").read_text())
    tuning = table["tuning"]
    for name in ("float", "2-8-8-8", "2-8-8-8/deterministic", "2-8-8-8/noshift"):
        grid = tuning[name]["grid"]
        best = max(grid, key=lambda r: r["val_mean"])  # chosen on validation, never on test
        assert tuning[name]["chosen"] == best["rate"], name
    assert [r["rate"] for r in tuning["float"]["grid"]] == [0.05, 0.1]
    lines: list[str] = []
    report = evaluate(EvalConfig(quick=True), lines.append, weights_dir=tmp_path)
    assert report.figures["stored_metrics_match"] is True
    assert report.figures["integer_inference_matches"] is True
    assert report.seeds == [0, 1]
    assert report.figures["acc_2888"].mean == pytest.approx(table["rows"][1]["mean"])
    assert {a.name for a in report.ablations} == {"deterministic_rounding", "bit_widths"}
    assert any("2-8-8-8" in line for line in lines)


def test_checkpoints_store_int8_codes_only_where_it_is_exact() -> None:
    grid = torch.tensor([-0.5, 0.0, 3 / 128, 0.5])  # WAGE weights: multiples of 2^-7
    off_grid = torch.tensor([0.1, 1 / 3])  # float-path weights
    coarse = torch.tensor([2.0, 4.0])  # alpha
    out, steps = compact_state_dict({"grid": grid, "off": off_grid, "alpha": coarse})
    assert out["grid"].dtype == torch.int8 and steps["grid"] == 2.0**-7
    assert out["alpha"].dtype == torch.int8 and steps["alpha"] == 1.0
    assert out["off"].dtype == torch.float32 and "off" not in steps
    back = restore_state_dict(out, steps)
    for key, t in (("grid", grid), ("off", off_grid), ("alpha", coarse)):
        assert torch.equal(back[key], t), key
