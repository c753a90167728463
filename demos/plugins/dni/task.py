"""The delayed-recall task: remember one symbol for ``length`` steps while distractors stream by.

An episode has ``length + 1`` steps. Step 0 shows the symbol to remember (one of K, one-hot, on the
symbol channels); steps 1 … length − 1 show random distractors (one of K, on their own channels); step
``length`` shows the recall cue, and there the network must name the marked symbol. The only loss
is at that step, ``length`` steps after the information arrived: truncated BPTT with a window
``T <= length`` never carries that loss back to step 0 (Jaderberg et al. 2016, section 3.2; the
talk's point 12).

Splits are disjoint by construction: an episode (its whole token sequence) belongs to ``train``,
``validation`` or ``test`` by a fixed hash of its tokens, and each split only draws its own.
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

import torch

SPLITS = {"train": range(0, 8), "validation": range(8, 9), "test": range(9, 10)}
_BUCKETS = 10


class Batch(NamedTuple):
    inputs: torch.Tensor  # [n, length + 1, 2K + 1] float one-hot
    target: torch.Tensor  # [n, length + 1] long; -1 where there is no loss
    tokens: torch.Tensor  # [n, length] long: the marked symbol, then the distractors
    symbol: torch.Tensor  # [n] long: the answer


def split_of(tokens: tuple[int, ...]) -> str:
    """Which split an episode (its token tuple) belongs to."""
    bucket = zlib.crc32(bytes(tokens)) % _BUCKETS
    return next(name for name, r in SPLITS.items() if bucket in r)


def item(tokens: torch.Tensor) -> tuple[int, ...]:
    """An episode as a hashable item (what a kit Split counts)."""
    return tuple(int(t) for t in tokens.tolist())


def encode(tokens: torch.Tensor, symbols: int) -> Batch:
    """tokens [n, length] (marked symbol first, then distractors) -> the one-hot episode batch."""
    n, length = tokens.shape
    x = torch.zeros(n, length + 1, 2 * symbols + 1)
    onehot = torch.nn.functional.one_hot(tokens, symbols).float()
    x[:, 0, :symbols] = onehot[:, 0]  # the symbol to remember, on its own channels
    x[:, 1:length, symbols : 2 * symbols] = onehot[:, 1:]  # distractors, on theirs
    x[:, length, 2 * symbols] = 1.0  # cue: answer now
    target = torch.full((n, length + 1), -1, dtype=torch.long)
    target[:, length] = tokens[:, 0]
    return Batch(x, target, tokens, tokens[:, 0].clone())


def sample(
    n: int, length: int, symbols: int, generator: torch.Generator, split: str = "train"
) -> Batch:
    """n episodes of the split, dependency ``length`` (>= 1), alphabet ``symbols``, seeded."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    if length < 1:
        raise ValueError("length is at least 1")
    keep: list[torch.Tensor] = []
    have = 0
    while have < n:
        draw = torch.randint(0, symbols, (4 * n + 16, length), generator=generator)
        mine = draw[[split_of(item(row)) == split for row in draw]]
        keep.append(mine)
        have += len(mine)
    return encode(torch.cat(keep)[:n], symbols)


def describe(batch: Batch, answers: torch.Tensor | None = None) -> str:
    """One line per episode, for people: ``*2 0 3 1 … ? -> 2`` (and the network's answer)."""
    lines = []
    for i, row in enumerate(batch.tokens.tolist()):
        shown = f"*{row[0]} " + " ".join(str(t) for t in row[1:]) + " ?"
        line = f"{shown} -> {int(batch.symbol[i])}"
        if answers is not None:
            line += f" (answered {int(answers[i])})"
        lines.append(line)
    return "\n".join(lines)
