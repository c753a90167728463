"""``train_demo`` parses the plug-in's TrainConfig flags; ``eval_demo`` prints a table and a JSON last line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from demos.kit import checkpoint
from demos.kit.evaluation import Criterion
from tests.demos_support import *  # fixture: probe


def test_train_demo_turns_the_flags_into_the_plugins_train_config(probe, tmp_path, capsys):
    out = tmp_path / "probe.pt"
    stdout = StringIO()
    call_command(
        "train_demo",
        "probe",
        "--out",
        str(out),
        "--steps",
        "7",
        "--seed",
        "3",
        "--verbose",
        stdout=stdout,
    )
    said = json.loads(capsys.readouterr().out.strip().splitlines()[0])  # --verbose prints cfg
    assert said == {
        "out": str(out),
        "steps": 7,
        "lr": 0.01,
        "batch": 16,
        "seed": 3,
        "mode": "ok",
        "verbose": True,
    }
    payload = checkpoint.load(out)
    assert payload["step"] == 7 and payload["seed"] == 3
    assert "probe: 7 steps, 1 checkpoint(s) written" in stdout.getvalue()


def test_train_demo_refuses_a_flag_the_config_does_not_have(probe, tmp_path, capsys):
    with pytest.raises(CommandError, match="exited with status 2"):
        call_command("train_demo", "probe", "--stepz", "7")
    assert "--stepz" in capsys.readouterr().err


def test_train_demo_refuses_a_value_outside_the_choices(probe, capsys):
    with pytest.raises(CommandError, match="status 2"):
        call_command("train_demo", "probe", "--mode", "sideways")
    assert "invalid choice" in capsys.readouterr().err


def test_train_demo_help_lists_every_field_with_its_help(probe, capsys):
    call_command("train_demo", "probe", "--help")
    text = capsys.readouterr().out
    for flag, words in (("--out", "checkpoint path"), ("--steps", "SGD steps")):
        assert flag in text and words in text


def test_train_demo_refuses_an_unknown_demo(probe):
    with pytest.raises(CommandError, match="Unknown"):
        call_command("train_demo", "nope")


def test_eval_demo_prints_the_tables_then_the_json_report_as_the_last_line(probe):
    stdout = StringIO()
    call_command("eval_demo", "probe", stdout=stdout)
    lines = stdout.getvalue().strip().splitlines()
    assert lines[0].startswith("probe: 256 held-out items")
    assert any(
        line.startswith("accept abs_error < 0.1: ") and line.endswith(" ok") for line in lines
    )
    report = json.loads(lines[-1])
    assert report["demo"] == "probe" and report["quick"] is False and report["passed"] is True
    error = report["figures"]["abs_error"]
    low, high = error["ci95"]
    assert error["n"] == 256 and low <= error["mean"] <= high < 0.1
    assert report["seeds"] == [0] and report["draw_seeds"]["held_out"] == 2024
    assert report["ablations"]["untrained"]["figures"]["abs_error"]["value"] > 1.0
    assert report["splits"]["held_out"] == {"seed": 2024, "size": 16, "draws": 256}
    assert report["baselines"]["probe/zero"]["description"] == "always answer 0"
    assert [c["figure"] for c in report["acceptance"]] == ["abs_error", "steps"]
    assert report["details"]["abs_error"] == pytest.approx(error["mean"])


def test_eval_demo_write_stores_the_full_report_where_the_page_reads_it(
    probe, tmp_path, monkeypatch
):
    monkeypatch.setattr(type(probe), "folder", tmp_path)  # not the committed evaluation.json
    stdout = StringIO()
    call_command("eval_demo", "probe", "--write", stdout=stdout, stderr=StringIO())
    stored = json.loads((tmp_path / "evaluation.json").read_text())
    assert stored == json.loads(stdout.getvalue().strip().splitlines()[-1])
    with pytest.raises(CommandError, match="drop --quick"):
        call_command("eval_demo", "probe", "--quick", "--write")


def test_eval_demo_quick_is_smaller_and_skips_the_full_only_checks(probe):
    stdout = StringIO()
    call_command("eval_demo", "probe", "--quick", stdout=stdout)
    report = json.loads(stdout.getvalue().strip().splitlines()[-1])
    assert report["quick"] is True and report["figures"]["abs_error"]["n"] == 32
    assert [c["figure"] for c in report["acceptance"]] == ["abs_error"]


def test_eval_demo_fails_when_an_acceptance_figure_is_not_met(probe, monkeypatch):
    from tests.demo_plugins.probe import evaluate

    monkeypatch.setattr(evaluate, "ACCEPTANCE", (Criterion("abs_error", "<", 1e-6),))
    stdout = StringIO()
    with pytest.raises(CommandError, match="acceptance figures not met: abs_error"):
        call_command("eval_demo", "probe", stdout=stdout)
    assert json.loads(stdout.getvalue().strip().splitlines()[-1])["passed"] is False


def test_eval_demo_refuses_a_demo_without_evaluate(probe, monkeypatch):
    monkeypatch.setattr(type(probe), "has_module", lambda self, name: False)
    with pytest.raises(CommandError, match=r"no evaluate\.py"):
        call_command("eval_demo", "probe")
