"""Command-line flags built from a ``@dataclass`` config, so no plug-in writes an argparse parser.

Every field of the dataclass is one flag: ``max_updates`` becomes ``--max-updates``, its type
(``int``, ``float``, ``str``, ``bool``, ``Path``, or one of them ``| None``) converts the value, its
default is the flag's default and ``metadata["help"]`` its help (required: a flag nobody can read
about is a flag nobody can use). ``metadata["choices"]`` limits the values. A ``bool`` defaulting
to False is a switch (``--skip-existing``); one defaulting to True gets ``--no-…`` too.

    @dataclass
    class TrainConfig:
        steps: int = option(2000, "optimiser steps")
        out: Path = option(WEIGHTS, "checkpoint path")

    cfg = cli.parse(TrainConfig, ["--steps", "20"])   # TrainConfig(steps=20, out=WEIGHTS)
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_SCALARS: tuple[type, ...] = (int, float, str, bool, Path)


def option(default: Any, help: str, *, choices: Sequence[Any] | None = None) -> Any:
    """A dataclass field that is also a flag: its default, its help text, optionally its choices."""
    metadata: dict[str, Any] = {"help": help}
    if choices is not None:
        metadata["choices"] = tuple(choices)
    return dataclasses.field(default=default, metadata=metadata)


def _scalar(hint: Any, where: str) -> tuple[type, bool]:
    """(the scalar type, whether None is allowed) of a field's annotation."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and args[0] in _SCALARS:
            return args[0], True
    elif hint in _SCALARS:
        return hint, False
    raise TypeError(f"{where}: a flag is int, float, str, bool or Path (or one of them | None)")


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def parser(
    cls: type, prog: str | None = None, description: str | None = None
) -> argparse.ArgumentParser:
    """The parser for `cls`'s fields (TypeError for a field without help or of another type)."""
    p = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    add_flags(p, cls)
    return p


def add_flags(p: argparse.ArgumentParser, cls: type) -> None:
    """Add one flag per field of the dataclass `cls` to `p` (a management command's parser too)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        where = f"{cls.__name__}.{f.name}"
        help_text = f.metadata.get("help")
        if not help_text:
            raise TypeError(f"{where} has no help= metadata")
        if f.default is dataclasses.MISSING:
            raise TypeError(f"{where} has no default")
        kind, optional = _scalar(hints[f.name], where)
        # argparse expands %-formats in help texts ("95 %" would break --help).
        kwargs: dict[str, Any] = {
            "default": f.default,
            "help": help_text.replace("%", "%%"),
            "dest": f.name,
        }
        if kind is bool:
            kwargs["action"] = argparse.BooleanOptionalAction if f.default else "store_true"
        else:
            kwargs["type"] = kind
            kwargs["metavar"] = f.name.upper()
            if "choices" in f.metadata:
                kwargs["choices"] = f.metadata["choices"]
                kwargs.pop("metavar")
        if optional and kind is not bool:
            kwargs["help"] += " (default: none)"
        p.add_argument(flag_name(f.name), **kwargs)


def parse(
    cls: type[T],
    argv: Sequence[str] | None = None,
    prog: str | None = None,
    description: str | None = None,
) -> T:
    """An instance of `cls` from `argv` (argparse exits with status 2 and a usage line on bad input)."""
    args = parser(cls, prog, description).parse_args(list(argv or []))
    return cls(**vars(args))


def first_line(doc: str | None) -> str:
    """The first sentence line of a module docstring, for a parser's description."""
    return (doc or "").strip().split("\n", 1)[0]


def main(train_module: Any, argv: Sequence[str] | None = None, prog: str | None = None) -> Any:
    """Parse `argv` into the module's ``TrainConfig`` and call its ``train(cfg)``; returns its result.

    What ``manage.py train_demo <slug>`` and ``python -m demos.plugins.<slug>.train`` both run.
    """
    cfg = parse(
        train_module.TrainConfig,
        argv,
        prog or f"python -m {train_module.__name__}",
        first_line(train_module.__doc__),
    )
    return train_module.train(cfg)
