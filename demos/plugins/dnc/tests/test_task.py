"""Tests of the task generators and the scoring helpers."""

from __future__ import annotations

import torch

from demos.plugins.dnc import task as tasks


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_copy_target_is_the_pattern_after_the_delimiter():
    pattern = tasks.random_pattern(5, 6, _gen())
    x, y, m = tasks.copy_example(pattern)
    assert x.shape == (11, 7) and y.shape == (11, 6)
    assert torch.equal(y[6:], pattern) and torch.equal(x[:5, :6], pattern)
    assert float(x[5, 6]) == 1.0 and float(m.sum()) == 5.0 and float(m[:6].sum()) == 0.0


def test_repeat_copy_repeats_the_pattern_and_ends_with_a_marker():
    pattern = tasks.random_pattern(3, 6, _gen(1))
    x, y, _m = tasks.repeat_copy_example(pattern, 4)
    assert x.shape[0] == 3 + 1 + 12 + 1
    assert torch.equal(y[4:16, :6], pattern.repeat(4, 1))
    assert float(y[-1, 6]) == 1.0 and float(y[:-1, 6].sum()) == 0.0
    assert abs(float(x[3, 7]) - 4 / tasks.REPEAT_SCALE) < 1e-6


def test_recall_answer_is_the_item_after_the_query():
    items = tasks.distinct_items(5, 2, 6, _gen(2))
    x, y, m = tasks.recall_example(items, 2)
    assert torch.equal(x[10:12, :6], items[2]) and bool((x[10:12, 6] == 1).all())
    assert torch.equal(y[12:14], items[3]) and float(m.sum()) == 2.0


def test_recall_items_are_all_distinct_vectors():
    items = tasks.distinct_items(8, 2, 6, _gen(3)).view(16, 6)
    assert len({tuple(v.tolist()) for v in items}) == 16


def test_batches_are_reproducible_from_the_seed_and_padded_with_masked_steps():
    a = tasks.make_batch("copy", 6, 1, 5, _gen(4))
    b = tasks.make_batch("copy", 6, 1, 5, _gen(4))
    assert torch.equal(a.inputs, b.inputs) and torch.equal(a.targets, b.targets)
    lengths = a.mask.sum(0)  # copy: one scored step per pattern vector
    assert a.inputs.shape[0] == 2 * int(lengths.max()) + 1
    assert bool(((lengths >= 1) & (lengths <= 5)).all())
    assert bool(((a.mask == 0) | (a.mask == 1)).all())


def test_bit_error_counts_only_scored_bits():
    batch = tasks.make_batch("copy", 4, 3, 3, _gen(5))
    perfect = torch.where(batch.targets > 0, 10.0, -10.0)
    assert tasks.bit_error_rate(perfect, batch) == 0.0 and tasks.exact_rate(perfect, batch) == 1.0
    flipped = -perfect
    assert tasks.bit_error_rate(flipped, batch) == 1.0 and tasks.exact_rate(flipped, batch) == 0.0


def test_describe_draws_one_row_per_channel():
    batch = tasks.make_batch("copy", 1, 2, 2, _gen(6))
    text = tasks.describe(batch)
    assert len(text.splitlines()) == 7 + 1 + 6


def test_the_train_validation_and_test_parts_never_share_a_sequence():
    drawn = {part: tasks.make_batch("copy", 300, 1, 3, _gen(7), part=part) for part in tasks.PARTS}
    keys = {
        part: {
            tasks.example_key(b.inputs[: 2 * int(b.mask[:, i].sum()) + 1, i]) for i in range(300)
        }
        for part, b in drawn.items()
    }
    assert not keys["train"] & keys["test"] and not keys["validation"] & keys["test"]
    assert not keys["train"] & keys["validation"]
    for part, b in drawn.items():
        for i in range(5):
            length = 2 * int(b.mask[:, i].sum()) + 1
            assert tasks.part_of(b.inputs[:length, i]) == part


def test_distinct_batches_hold_no_sequence_twice_and_fail_when_the_part_is_too_small():
    batch = tasks.make_batch("copy", 200, 2, 2, _gen(8), part="test", distinct=True)
    assert len({tasks.example_key(batch.inputs[:, i]) for i in range(200)}) == 200
    try:
        tasks.make_batch("copy", 40, 1, 1, _gen(9), part="test", distinct=True)  # ~16 exist
    except ValueError as error:
        assert "too few" in str(error)
    else:
        raise AssertionError("64 one-step patterns cannot give 40 distinct test sequences")
