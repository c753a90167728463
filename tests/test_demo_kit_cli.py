"""demos.kit.cli: flags come from a dataclass's fields, with their types, defaults and help."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from demos.kit import cli
from demos.kit.cli import option


@dataclass
class Flags:
    steps: int = option(10, "optimiser steps")
    lr: float = option(1e-3, "learning rate")
    task: str = option("copy", "which task", choices=("copy", "recall"))
    out: Path = option(Path("w.pt"), "checkpoint path")
    init: Path | None = option(None, "warm start")
    skip_existing: bool = option(False, "keep what exists")
    compile: bool = option(True, "compile the model")


def test_no_flags_give_the_dataclass_defaults():
    assert cli.parse(Flags, []) == Flags()


def test_each_flag_converts_to_its_fields_type():
    cfg = cli.parse(
        Flags,
        ["--steps", "7", "--lr", "0.5", "--task", "recall", "--init", "a.pt", "--skip-existing"],
    )
    assert cfg == Flags(steps=7, lr=0.5, task="recall", init=Path("a.pt"), skip_existing=True)
    assert isinstance(cfg.init, Path) and cli.parse(Flags, ["--no-compile"]).compile is False


@pytest.mark.parametrize(
    "argv", [["--steps", "many"], ["--task", "sort"], ["--unknown", "1"], ["--lr"]]
)
def test_bad_input_exits_with_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.parse(Flags, argv, prog="train_demo x")
    assert exc.value.code == 2
    assert "usage: train_demo x" in capsys.readouterr().err


def test_help_lists_every_field_with_its_help_and_default(capsys):
    with pytest.raises(SystemExit):
        cli.parse(Flags, ["--help"])
    text = capsys.readouterr().out
    for flag in ("--steps", "--lr", "--task", "--out", "--init", "--skip-existing", "--compile"):
        assert flag in text
    assert "optimiser steps (default: 10)" in text


def test_a_percent_sign_in_a_help_text_is_printed_as_written(capsys):
    from demos.kit.evaluation import EvalConfig

    with pytest.raises(SystemExit):
        cli.parse(EvalConfig, ["--help"])
    assert "95 % intervals" in capsys.readouterr().out


def test_a_field_without_help_is_refused():
    @dataclass
    class NoHelp:
        steps: int = field(default=1)

    with pytest.raises(TypeError, match=r"NoHelp\.steps has no help"):
        cli.parser(NoHelp)


def test_a_field_of_another_type_is_refused():
    @dataclass
    class Listy:
        sizes: list = option((1, 2), "layer sizes")

    with pytest.raises(TypeError, match=r"Listy\.sizes"):
        cli.parser(Listy)


def test_every_plugin_train_config_builds_a_parser():
    from demos import registry

    for demo in registry.all_demos():
        train = demo.module("train")
        assert cli.parser(train.TrainConfig).parse_args([]) is not None, demo.slug
