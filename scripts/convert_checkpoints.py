"""Rewrite the bundled demo checkpoints in the kit's format (``demos.kit.checkpoint.FIELDS``).

A one-off for the move to ``demos/kit``: each file keeps its weights, config, step and metrics
exactly (checked after writing) and gains ``seed`` (the training seed, from what the file or the
plug-in's README records) and ``code_version`` (the commit that last wrote the file). Keys outside
the format move into ``metrics`` (the WaveNet's ``unigram_logprobs``). Files already in the format
are left alone, so running it again changes nothing.

    .venv/bin/python scripts/convert_checkpoints.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demos.kit import checkpoint  # noqa: E402


def training_seed(slug: str, payload: dict[str, Any]) -> int:
    """The seed the file was trained with, read from what the file itself records."""
    config, metrics = payload["config"], payload["metrics"]
    if slug == "dnc":
        return int(metrics["args"]["seed"])
    if slug == "learned_opt":
        return int(config["train"]["seed"])
    if slug == "wage":
        return int(config["seed"])
    # act and wavenet record no seed: both were trained with their default, 0 (their READMEs).
    return 0


def last_commit(path: Path) -> str:
    out = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--abbrev=12", "--", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return out or "unknown"


def same(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return a == b or (a != a and b != b)  # NaN equals NaN here


def convert(path: Path) -> bool:
    old = checkpoint.read_unchecked(path)
    if set(old) == set(checkpoint.FIELDS):
        return False
    slug = path.parent.parent.name
    extra = {k: v for k, v in old.items() if k not in checkpoint.FIELDS}
    new = {
        "model": old["model"],
        "config": old["config"],
        "step": int(old["step"]),
        "metrics": {**old["metrics"], **extra},
        "seed": training_seed(slug, old),
        "code_version": last_commit(path),
    }
    checkpoint.save(new, path)
    back = checkpoint.load(path)
    assert all(same(back[k], new[k]) for k in checkpoint.FIELDS), path
    assert path.stat().st_size < checkpoint.MAX_BYTES, path
    return True


def main() -> None:
    for path in sorted((ROOT / "demos" / "plugins").glob("*/weights/*.pt")):
        print(f"{'converted' if convert(path) else 'unchanged'} {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
