"""The parity task generator: targets, k, seeding and the train / validation / test split."""

from __future__ import annotations

import math

import pytest
import torch

from demos.plugins.act import DIM
from demos.plugins.act.task import (
    SPLITS,
    TEST_MAX_SHARE,
    TEST_PER_K,
    format_vector,
    parity_target,
    random_vectors,
    sample,
    split_name,
    split_of,
    split_vectors,
    stratum_quota,
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
    k = torch.arange(DIM + 1).repeat(20)
    v = random_vectors(len(k), DIM, g, k)
    assert ((v != 0).sum(-1) == k).all()
    assert set(v.unique().tolist()) <= {-1.0, 0.0, 1.0}


def test_sampling_is_seeded() -> None:
    a = sample(64, DIM, torch.Generator().manual_seed(7))
    b = sample(64, DIM, torch.Generator().manual_seed(7))
    assert torch.equal(a.inputs, b.inputs) and torch.equal(a.target, b.target)


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_yields_only_its_own_vectors(split: str) -> None:
    g = torch.Generator().manual_seed(1)
    k = torch.randint(1, DIM + 1, (2048,), generator=g)
    vectors = sample(2048, DIM, g, split=split, nonzero=k).inputs[:, 0]
    assert (split_of(vectors) == SPLITS.index(split)).all()
    assert ((vectors != 0).sum(-1) == k).all()


def test_the_three_splits_partition_the_vector_space() -> None:
    parts = {s: split_vectors(DIM, s).inputs[:, 0] for s in SPLITS}
    codes = {s: {tuple(row) for row in v.long().tolist()} for s, v in parts.items()}
    assert sum(len(c) for c in codes.values()) == 3**DIM
    assert len(set().union(*codes.values())) == 3**DIM  # every vector once, in one split
    for s, v in parts.items():
        assert len(codes[s]) == len(v)  # a split lists each of its vectors once
        assert (split_of(v) == SPLITS.index(s)).all()


def test_the_test_split_holds_5000_distinct_vectors_balanced_over_k() -> None:
    test = split_vectors(DIM, "test")
    assert len(test.inputs) >= 5000
    counts = torch.bincount(test.nonzero, minlength=DIM + 1).tolist()
    assert counts[0] == 0  # the zero vector is trained on
    for k in range(1, DIM + 1):
        n_k = math.comb(DIM, k) * 2**k
        assert counts[k] == stratum_quota(DIM, k, TEST_PER_K, TEST_MAX_SHARE)
        # every k gets the full quota unless that would take more than its share
        assert counts[k] == TEST_PER_K or counts[k] == int(n_k * TEST_MAX_SHARE)


def test_training_keeps_most_of_every_k_and_the_zero_vector() -> None:
    train = split_vectors(DIM, "train")
    counts = torch.bincount(train.nonzero, minlength=DIM + 1).tolist()
    for k in range(DIM + 1):
        assert counts[k] > 0.5 * math.comb(DIM, k) * 2**k
    assert split_name(torch.zeros(DIM)) == "train"


def test_a_held_out_split_cannot_be_asked_for_the_zero_vector() -> None:
    with pytest.raises(ValueError):
        sample(4, DIM, torch.Generator().manual_seed(0), "test", torch.zeros(4, dtype=torch.long))


def test_format_vector_reads_as_symbols() -> None:
    assert format_vector([1, 0, -1, 1]) == "+ 0 - +  (2 ones -> even)"
