"""The task: seeded, the held-out split never shares an item with training, a printer."""

from __future__ import annotations

import pytest
import torch

from tests.demo_plugins.probe.task import describe, sample


def test_a_seed_draws_the_same_batch() -> None:
    a, _ = sample(8, torch.Generator().manual_seed(3))
    b, _ = sample(8, torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_held_out_items_are_never_training_items() -> None:
    train, _ = sample(500, torch.Generator().manual_seed(0), "train")
    held, _ = sample(500, torch.Generator().manual_seed(0), "held_out")
    assert not set(train.tolist()) & set(held.tolist())
    with pytest.raises(ValueError, match="unknown split"):
        sample(1, torch.Generator(), "validation")


def test_the_printer_writes_one_line_per_item() -> None:
    x, y = sample(3, torch.Generator().manual_seed(0))
    assert len(describe(x, y).splitlines()) == 3
