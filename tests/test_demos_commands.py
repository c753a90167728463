"""``train_demo`` passes its arguments through; ``eval_demo`` prints a table and a JSON last line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.demos_support import *  # fixture: probe


def test_train_demo_passes_every_argument_to_the_plugin(probe, tmp_path):
    out = tmp_path / "args.json"
    call_command("train_demo", "probe", "--out", str(out), "--steps", "7", "--seed", "3")
    got = json.loads(out.read_text())
    assert got["argv"] == ["--out", str(out), "--steps", "7", "--seed", "3"]
    assert got["steps"] == 7 and got["rest"] == ["--seed", "3"]


def test_train_demo_refuses_an_unknown_demo(probe):
    with pytest.raises(CommandError, match="Unknown"):
        call_command("train_demo", "nope")


def test_eval_demo_prints_the_table_then_json_as_the_last_line(probe):
    stdout = StringIO()
    call_command("eval_demo", "probe", stdout=stdout)
    lines = stdout.getvalue().strip().splitlines()
    assert lines[0].startswith("figure")
    assert json.loads(lines[-1]) == {"accuracy": 0.75, "steps": 3}


def test_eval_demo_refuses_a_demo_without_evaluate(probe, monkeypatch):
    monkeypatch.setattr(type(probe), "has_module", lambda self, name: False)
    with pytest.raises(CommandError, match=r"no evaluate\.py"):
        call_command("eval_demo", "probe")
