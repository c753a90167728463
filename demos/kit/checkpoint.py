"""The one way a demo checkpoint is written and read.

A checkpoint is one dict of exactly ``FIELDS``:

- ``model``: the state dict (tensors);
- ``config``: ``asdict`` of the model's config, enough to rebuild it;
- ``step``: optimiser steps (or meta-updates) behind the weights, an int;
- ``metrics``: the figures measured at training time (and what a plug-in stores beside the weights
  for inference, such as the WaveNet's unigram baseline);
- ``seed``: the training seed, an int;
- ``code_version``: the repository commit that wrote it (``unknown`` outside a git checkout).

`save` turns what pickle would store as an object (a `Path`, a NumPy scalar) into a plain value
first, so that `load` can always read with ``weights_only=True``: reading a checkpoint never
runs code from it, whoever wrote the file. `load` keeps what it read for the life of the process
(keyed by the file's path, size and modification time, so a rewritten file is read again).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

FIELDS = ("model", "config", "step", "metrics", "seed", "code_version")
MAX_BYTES = 5 * 1024 * 1024  # a bundled checkpoint stays under this (the contract test checks)
_REPO = Path(__file__).resolve().parents[2]
_cache: dict[tuple[str, int, int], dict[str, Any]] = {}


class CheckpointError(ValueError):
    """A file that is not a checkpoint this project can read safely."""


def plain(value: Any) -> Any:
    """`value` with every container a dict, list or tuple and every leaf a tensor or a plain scalar."""
    import torch

    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, PathLike):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return plain(value.tolist())
    raise CheckpointError(
        f"a checkpoint holds tensors and plain values, not {type(value).__name__}"
    )


def code_version() -> str:
    """The commit of this checkout (``…+dirty`` with uncommitted changes), or ``unknown``."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=_REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=_REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}+dirty" if dirty else head


def check(payload: Mapping[str, Any], where: str = "checkpoint") -> None:
    """Raise CheckpointError unless `payload` has exactly FIELDS, with the right kinds of value."""
    keys = set(payload)
    missing, extra = [f for f in FIELDS if f not in keys], sorted(keys - set(FIELDS))
    if missing or extra:
        raise CheckpointError(
            f"{where} must hold exactly {', '.join(FIELDS)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unexpected {', '.join(extra)}" if extra else "")
        )
    for name, kind in (("model", Mapping), ("config", Mapping), ("metrics", Mapping)):
        if not isinstance(payload[name], kind):
            raise CheckpointError(f"{where}: {name} must be a dict")
    for name in ("step", "seed"):
        if not isinstance(payload[name], int) or isinstance(payload[name], bool):
            raise CheckpointError(f"{where}: {name} must be an int")
    if not isinstance(payload["code_version"], str):
        raise CheckpointError(f"{where}: code_version must be a string")


def save(payload: Mapping[str, Any], path: str | PathLike[str]) -> Path:
    """Write `payload` (made plain) to `path`, creating its folder; returns the path.

    `payload` holds FIELDS; ``code_version`` may be left out (the current commit is stored).
    """
    import torch

    payload = dict(payload)
    payload.setdefault("code_version", code_version())
    payload = plain(payload)
    check(payload)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(payload, path)
    return path


def load(path: str | PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint on the CPU with ``weights_only=True``; a clear error for anything else.

    The dict is shared by every caller in this process: read it, never change it.
    """
    path = Path(path)
    stat = path.stat()  # FileNotFoundError for a missing file
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _cache:
        return _cache[key]
    payload = read_unchecked(path)
    check(payload, where=path.name)
    _cache[key] = payload
    return payload


def read_unchecked(path: str | PathLike[str]) -> dict[str, Any]:
    """The dict in `path`, read safely (``weights_only=True``) but not checked against FIELDS.

    Only for converting files written before the format (``scripts/convert_checkpoints.py``).
    """
    import torch

    path = Path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError or EOFError here
        raise CheckpointError(f"{path} is not a checkpoint that loads safely: {exc}") from exc
    if not isinstance(payload, dict):
        raise CheckpointError(f"{path} holds a {type(payload).__name__}, not a checkpoint dict")
    return payload


def clear_cache() -> None:
    """Forget every checkpoint read so far (tests that rewrite files within one clock tick)."""
    _cache.clear()
