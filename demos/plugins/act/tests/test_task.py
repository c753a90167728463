"""The parity task generator: targets, k, seeding and the train/held-out split."""

from __future__ import annotations

import itertools

import pytest
import torch

from demos.plugins.act.task import (
    HELD_OUT_FRACTION,
    SPLITS,
    format_vector,
    is_held_out,
    parity_target,
    random_vectors,
    sample,
    split_of,
)


def test_target_is_the_parity_of_the_plus_one_entries() -> None:
    v = torch.tensor(
        [
            [1, -1, 0, 1, 1, 0, -1, 0],
            [-1, -1, 0, 0, 0, 0, 0, 0],
            [1, 1, 0, 0, 0, 0, 0, 0],
        ]
    ).float()
    assert parity_target(v).tolist() == [1.0, 0.0, 0.0]


def test_random_vectors_have_exactly_k_non_zero_plus_minus_one_entries() -> None:
    g = torch.Generator().manual_seed(0)
    k = torch.arange(9).repeat(20)
    v = random_vectors(len(k), 8, g, k)
    assert ((v != 0).sum(-1) == k).all()
    assert set(v.unique().tolist()) <= {-1.0, 0.0, 1.0}


def test_sampling_is_seeded() -> None:
    a = sample(64, 8, torch.Generator().manual_seed(7))
    b = sample(64, 8, torch.Generator().manual_seed(7))
    assert torch.equal(a.inputs, b.inputs) and torch.equal(a.target, b.target)


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_yields_only_its_own_vectors(split: str) -> None:
    g = torch.Generator().manual_seed(1)
    k = torch.randint(1, 9, (2048,), generator=g)
    vectors = sample(2048, 8, g, split=split, nonzero=k).inputs[:, 0]
    assert (split_of(vectors) == SPLITS.index(split)).all()
    assert ((vectors != 0).sum(-1) == k).all()


def test_the_splits_have_their_sizes_and_the_zero_vector_is_trained_on() -> None:
    space = torch.tensor(list(itertools.product([-1, 0, 1], repeat=8))).float()
    counts = torch.bincount(split_of(space), minlength=len(SPLITS)).float()
    expected = [1 - HELD_OUT_FRACTION, HELD_OUT_FRACTION]
    fractions = counts / len(space)
    torch.testing.assert_close(fractions, torch.tensor(expected), atol=0.03, rtol=0)
    assert int(split_of(torch.zeros(1, 8))[0]) == SPLITS.index("train")
    assert not bool(is_held_out(torch.zeros(1, 8))[0])


def test_format_vector_reads_as_symbols() -> None:
    assert format_vector([1, 0, -1, 1]) == "+ 0 - +  (2 ones -> even)"
