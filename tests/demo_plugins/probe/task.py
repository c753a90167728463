"""The probe's task: read back a number. Training draws multiples of 0.5 in [0, 8]; the held-out
split is the odd multiples of 0.25, so no held-out item is ever a training item (by construction,
and ``evaluate.py`` checks it with the kit)."""

from __future__ import annotations

import torch

TOP = 8.0


def sample(
    n: int, generator: torch.Generator, split: str = "train"
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x [n], target [n]): training x on the 0.5 grid, held-out x on the odd quarters."""
    if split == "train":
        x = torch.randint(0, int(2 * TOP) + 1, (n,), generator=generator).float() / 2
    elif split == "held_out":
        x = (2 * torch.randint(0, int(2 * TOP), (n,), generator=generator).float() + 1) / 4
    else:
        raise ValueError(f"unknown split {split!r}")
    return x, x.clone()


def describe(x: torch.Tensor, y: torch.Tensor) -> str:
    """One line per item, for people: ``x -> target``."""
    return "\n".join(f"{float(a):5.2f} -> {float(b):5.2f}" for a, b in zip(x, y, strict=True))
