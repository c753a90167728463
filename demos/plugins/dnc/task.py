"""Algorithmic tasks of the DNC / NTM papers: copy, repeat-copy and associative recall.

Graves et al., "Neural Turing Machines" (2014), sections 4.1-4.3, and the DNC paper's
(Nature 2016) copy experiments. Every generator is seeded through a ``torch.Generator`` and returns
a ``Batch`` of time-major tensors; the loss and the bit error only count steps where ``mask`` is 1.

Layouts (``bits`` data channels, then the control channels):

* copy: the pattern (L steps), one delimiter step (channel ``bits``), then L blank steps during
  which the target is the pattern.
* repeat_copy: the pattern, then one step with a start flag (channel ``bits``) and the number of
  repeats R / ``REPEAT_SCALE`` (channel ``bits + 1``); the target is the pattern R times, then an
  end marker (output channel ``bits``).
* recall: K items of ``item_len`` vectors (all vectors distinct), then a query item flagged on
  channel ``bits``, then ``item_len`` blank steps whose target is the item that followed the query.

Held-out data: every example belongs to one *part* by a hash of its input (``part_of``): half of
all possible sequences are for training, a quarter for validation and a quarter for testing.
``make_batch(..., part=...)`` draws only from that part (and, with ``distinct=True``, never the
same sequence twice), so the training, validation and test sets are disjoint by construction, also
at short lengths where random draws would repeat (copy of length 2 has only 4,096 sequences).
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

import torch

TASKS = ("copy", "repeat_copy", "recall")
PARTS = ("train", "validation", "test")
_PART_OF_HASH = ("train", "train", "validation", "test")  # crc32 % 4 -> part
_MAX_REJECTIONS = 100_000  # a part/length with too few distinct sequences fails instead of hanging
REPEAT_SCALE = 10.0  # the repeat count is fed as R / REPEAT_SCALE so that it stays in [0, 1]


class Batch(NamedTuple):
    inputs: torch.Tensor  # [T, batch, input_size]
    targets: torch.Tensor  # [T, batch, output_size]
    mask: torch.Tensor  # [T, batch], 1 where the output is scored


def sizes(task: str, bits: int) -> tuple[int, int]:
    """(input_size, output_size) of a task with ``bits`` data bits."""
    return {
        "copy": (bits + 1, bits),
        "repeat_copy": (bits + 2, bits + 1),
        "recall": (bits + 1, bits),
    }[task]


def random_pattern(length: int, bits: int, generator: torch.Generator) -> torch.Tensor:
    """[length, bits] of fair random bits."""
    return torch.randint(0, 2, (length, bits), generator=generator).float()


def _stack(examples: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]) -> Batch:
    """Pad single examples ([T_i, in], [T_i, out], [T_i]) to the longest and stack time-major."""
    steps = max(x.shape[0] for x, _, _ in examples)
    inputs = torch.zeros(steps, len(examples), examples[0][0].shape[1])
    targets = torch.zeros(steps, len(examples), examples[0][1].shape[1])
    mask = torch.zeros(steps, len(examples))
    for b, (x, y, m) in enumerate(examples):
        inputs[: x.shape[0], b], targets[: y.shape[0], b], mask[: m.shape[0], b] = (
            x,
            y,
            m,
        )
    return Batch(inputs, targets, mask)


def copy_example(
    pattern: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    length, bits = pattern.shape
    steps = 2 * length + 1
    x, y, m = torch.zeros(steps, bits + 1), torch.zeros(steps, bits), torch.zeros(steps)
    x[:length, :bits] = pattern
    x[length, bits] = 1.0
    y[length + 1 :] = pattern
    m[length + 1 :] = 1.0
    return x, y, m


def repeat_copy_example(
    pattern: torch.Tensor, repeats: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    length, bits = pattern.shape
    steps = length + 1 + length * repeats + 1
    x, y, m = (
        torch.zeros(steps, bits + 2),
        torch.zeros(steps, bits + 1),
        torch.zeros(steps),
    )
    x[:length, :bits] = pattern
    x[length, bits] = 1.0
    x[length, bits + 1] = repeats / REPEAT_SCALE
    y[length + 1 : steps - 1, :bits] = pattern.repeat(repeats, 1)
    y[steps - 1, bits] = 1.0
    m[length + 1 :] = 1.0
    return x, y, m


def recall_example(
    items: torch.Tensor, query: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """items: [K, item_len, bits]; the query is item ``query`` (< K - 1), the answer item query+1."""
    num_items, item_len, bits = items.shape
    stored = num_items * item_len
    steps = stored + 2 * item_len
    x, y, m = torch.zeros(steps, bits + 1), torch.zeros(steps, bits), torch.zeros(steps)
    x[:stored, :bits] = items.reshape(stored, bits)
    x[stored : stored + item_len, :bits] = items[query]
    x[stored : stored + item_len, bits] = 1.0
    y[stored + item_len :] = items[query + 1]
    m[stored + item_len :] = 1.0
    return x, y, m


def distinct_items(
    num_items: int, item_len: int, bits: int, generator: torch.Generator
) -> torch.Tensor:
    """[num_items, item_len, bits] with every vector different, so that a query is unambiguous."""
    codes = torch.randperm(2**bits, generator=generator)[: num_items * item_len]
    powers = 2 ** torch.arange(bits - 1, -1, -1)
    vectors = ((codes.unsqueeze(-1) // powers) % 2).float()
    return vectors.view(num_items, item_len, bits)


def example_key(inputs: torch.Tensor) -> bytes:
    """The identity of one example: its input steps [T, input_size] as bytes (a split's item)."""
    return inputs.numpy().tobytes()


def part_of(inputs: torch.Tensor) -> str:
    """ "train", "validation" or "test": the part an example's input [T, input_size] belongs to."""
    return _PART_OF_HASH[zlib.crc32(example_key(inputs)) % len(_PART_OF_HASH)]


def _example(
    task: str,
    n: int,
    generator: torch.Generator,
    bits: int,
    min_repeats: int,
    max_repeats: int,
    item_len: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    if task == "copy":
        return copy_example(random_pattern(n, bits, generator))
    if task == "repeat_copy":
        r = int(torch.randint(min_repeats, max_repeats + 1, (1,), generator=generator))
        return repeat_copy_example(random_pattern(n, bits, generator), r)
    if task == "recall":
        n = max(n, 2)
        query = int(torch.randint(0, n - 1, (1,), generator=generator))
        return recall_example(distinct_items(n, item_len, bits, generator), query)
    raise ValueError(f"unknown task {task!r}")


def make_batch(
    task: str,
    batch: int,
    min_len: int,
    max_len: int,
    generator: torch.Generator,
    bits: int = 6,
    min_repeats: int = 1,
    max_repeats: int = 3,
    item_len: int = 2,
    part: str | None = None,
    distinct: bool = False,
) -> Batch:
    """A batch with lengths (copy), lengths and repeats (repeat_copy) or item counts (recall)
    drawn uniformly in [min_len, max_len]; only from ``part`` when given (see ``part_of``), and
    without repeats when ``distinct``. ``part=None`` draws from everything (the bundled page
    checkpoints were trained that way)."""
    if part is not None and part not in PARTS:
        raise ValueError(f"unknown part {part!r}; one of {', '.join(PARTS)}")
    examples: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
    seen: set[bytes] = set()
    rejected = 0
    while len(examples) < batch:
        n = int(torch.randint(min_len, max_len + 1, (1,), generator=generator))
        example = _example(task, n, generator, bits, min_repeats, max_repeats, item_len)
        key = example_key(example[0]) if (part is not None or distinct) else b""
        if (part is not None and part_of(example[0]) != part) or (distinct and key in seen):
            rejected += 1
            if rejected > _MAX_REJECTIONS:
                raise ValueError(f"too few distinct {task} sequences in part {part!r}")
            continue
        seen.add(key)
        examples.append(example)
    return _stack(examples)


def masked_bce(logits: torch.Tensor, batch: Batch) -> torch.Tensor:
    """Sigmoid cross-entropy summed over scored steps and bits, averaged over the batch."""
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, batch.targets, reduction="none"
    )
    return (loss.sum(-1) * batch.mask).sum() / batch.mask.shape[1]


def bit_errors(logits: torch.Tensor, batch: Batch) -> torch.Tensor:
    """[T, batch] wrong bits per step (0 where unscored)."""
    wrong = ((logits > 0).float() != batch.targets).float().sum(-1)
    return wrong * batch.mask


def bit_error_rate(logits: torch.Tensor, batch: Batch) -> float:
    """Fraction of scored bits that are wrong."""
    scored = batch.mask.sum() * batch.targets.shape[-1]
    return float(bit_errors(logits, batch).sum() / scored.clamp(min=1))


def exact_rate(logits: torch.Tensor, batch: Batch) -> float:
    """Fraction of sequences whose every scored bit is right."""
    return float((bit_errors(logits, batch).sum(0) == 0).float().mean())


def describe(batch: Batch, index: int = 0, logits: torch.Tensor | None = None) -> str:
    """A human-readable picture: one row per channel, one column per time step."""

    def rows(matrix: torch.Tensor, name: str) -> list[str]:
        return [
            f"{name}{c:<2d} " + "".join("█" if v > 0.5 else "·" for v in matrix[:, c])
            for c in range(matrix.shape[1])
        ]

    lines = rows(batch.inputs[:, index], "in ")
    lines.append("mask  " + "".join("^" if v else " " for v in batch.mask[:, index]))
    lines += rows(batch.targets[:, index], "tgt")
    if logits is not None:
        lines += rows(torch.sigmoid(logits[:, index]), "out")
    return "\n".join(lines)
