"""The one way a demo checkpoint is written and read.

A checkpoint is a dict of tensors and plain values (``{"model", "config", "step", "metrics", …}``).
`save` turns what pickle would store as an object (a `Path`, a NumPy scalar) into a plain value
first, so that `load` can always read with ``weights_only=True``: reading a checkpoint never
runs code from it, whoever wrote the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any


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


def save(payload: Mapping[str, Any], path: str | PathLike[str]) -> Path:
    """Write `payload` (made plain) to `path`, creating its folder; returns the path."""
    import torch

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(plain(payload), path)
    return path


def load(path: str | PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint on the CPU with ``weights_only=True``; a clear error for anything else."""
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
