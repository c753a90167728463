"""The delayed-recall task: seeded, disjoint splits, the answer only at the cue, a printer."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.dni.task import describe, encode, item, sample, split_of


def test_a_seed_draws_the_same_episodes() -> None:
    a = sample(16, 6, 4, torch.Generator().manual_seed(3))
    b = sample(16, 6, 4, torch.Generator().manual_seed(3))
    assert torch.equal(a.tokens, b.tokens)


def test_the_splits_never_share_an_episode() -> None:
    drawn = {
        name: {item(t) for t in sample(400, 5, 4, torch.Generator().manual_seed(0), name).tokens}
        for name in ("train", "validation", "test")
    }
    assert not drawn["train"] & drawn["test"] and not drawn["validation"] & drawn["test"]
    assert not drawn["train"] & drawn["validation"]
    assert all(split_of(t) == "test" for t in drawn["test"])
    with pytest.raises(ValueError, match="unknown split"):
        sample(1, 5, 4, torch.Generator(), "dev")


def test_the_symbol_is_shown_once_and_asked_for_only_at_the_cue() -> None:
    tokens = torch.tensor([[2, 0, 1, 3, 3]])
    b = encode(tokens, 4)
    assert b.inputs.shape == (1, 6, 9)
    assert b.inputs[0, :, :4].sum() == 1 and b.inputs[0, 0, 2] == 1  # symbol lines: step 0 only
    assert b.inputs[0, 1:5, 4:8].sum(dim=1).tolist() == [1, 1, 1, 1]  # one distractor per step
    assert b.inputs[0, :, 8].tolist() == [0, 0, 0, 0, 0, 1]  # the cue at the last step
    assert b.target[0].tolist() == [-1, -1, -1, -1, -1, 2] and int(b.symbol[0]) == 2


def test_the_printer_writes_one_line_per_episode() -> None:
    b = sample(3, 4, 4, torch.Generator().manual_seed(0))
    text = describe(b, answers=b.symbol)
    assert len(text.splitlines()) == 3 and text.startswith("*")
