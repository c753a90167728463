"""Property tests of the DNC addressing (in the spirit of deepmind/dnc's addressing_test.py)."""

from __future__ import annotations

import torch

from demos.plugins.dnc import addressing

BATCH, SLOTS, WORD, READS = 3, 7, 5, 2


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _random_weighting(*shape: int, gen: torch.Generator) -> torch.Tensor:
    """Random weightings that sum to at most 1 over the last axis."""
    w = torch.rand(*shape, SLOTS, generator=gen)
    return w / w.sum(-1, keepdim=True) * torch.rand(*shape, 1, generator=gen)


def test_oneplus_is_at_least_one():
    x = torch.linspace(-50, 50, 101)
    assert bool((addressing.oneplus(x) >= 1.0).all())


def test_content_weights_are_distributions():
    gen = _gen()
    memory = torch.randn(BATCH, SLOTS, WORD, generator=gen)
    keys = torch.randn(BATCH, READS, WORD, generator=gen)
    strengths = addressing.oneplus(torch.randn(BATCH, READS, generator=gen))
    w = addressing.content_weights(memory, keys, strengths)
    assert w.shape == (BATCH, READS, SLOTS)
    assert bool((w >= 0).all())
    torch.testing.assert_close(w.sum(-1), torch.ones(BATCH, READS))


def test_content_weights_pick_the_matching_row_when_strong():
    gen = _gen(1)
    memory = torch.randn(BATCH, SLOTS, WORD, generator=gen)
    keys = memory[:, 4:5].clone()
    w = addressing.content_weights(memory, keys, torch.full((BATCH, 1), 100.0))
    assert bool((w.argmax(-1) == 4).all())


def test_content_weights_on_zero_memory_are_finite_and_have_finite_gradients():
    memory = torch.zeros(BATCH, SLOTS, WORD, requires_grad=True)
    keys = torch.zeros(BATCH, READS, WORD, requires_grad=True)
    strengths = torch.ones(BATCH, READS)
    w = addressing.content_weights(memory, keys, strengths)
    assert bool(torch.isfinite(w).all())
    torch.testing.assert_close(w, torch.full_like(w, 1.0 / SLOTS))
    (w * torch.arange(SLOTS).float()).sum().backward()
    assert bool(torch.isfinite(memory.grad).all()) and bool(torch.isfinite(keys.grad).all())


def test_usage_rises_with_writes_and_falls_with_freed_reads():
    prev_usage = torch.full((1, SLOTS), 0.5)
    write = torch.zeros(1, SLOTS)
    write[0, 0] = 1.0
    read = torch.zeros(1, 1, SLOTS)
    read[0, 0, 1] = 1.0
    psi = addressing.retention(torch.ones(1, 1), read)
    usage = addressing.update_usage(prev_usage, write, psi)
    assert float(usage[0, 0]) == 1.0  # just written
    assert float(usage[0, 1]) == 0.0  # read with the free gate open
    assert float(usage[0, 2]) == 0.5  # untouched


def test_usage_stays_in_unit_interval():
    gen = _gen(2)
    usage = torch.zeros(BATCH, SLOTS)
    for _ in range(20):
        psi = addressing.retention(
            torch.rand(BATCH, READS, generator=gen),
            _random_weighting(BATCH, READS, gen=gen),
        )
        usage = addressing.update_usage(usage, _random_weighting(BATCH, gen=gen), psi)
        assert bool((usage >= 0).all()) and bool((usage <= 1).all())


def test_allocation_follows_usage_order():
    gen = _gen(3)
    usage = torch.rand(BATCH, SLOTS, generator=gen)
    alloc = addressing.allocation(usage)
    order = torch.argsort(usage, dim=-1)
    in_usage_order = torch.gather(alloc, -1, order)
    # the freest slot gets the most, and allocation never rises as usage rises
    assert bool((in_usage_order[:, :-1] >= in_usage_order[:, 1:] - 1e-7).all())
    assert bool((alloc >= 0).all()) and bool((alloc.sum(-1) <= 1 + 1e-6).all())


def test_allocation_on_free_memory_fills_slots_in_index_order():
    usage = torch.zeros(1, SLOTS)
    alloc = addressing.allocation(usage)
    assert int(alloc.argmax()) == 0
    usage[0, 0] = 1.0
    assert int(addressing.allocation(usage).argmax()) == 1


def test_allocation_on_full_memory_allocates_almost_nothing():
    alloc = addressing.allocation(torch.ones(BATCH, SLOTS))
    assert float(alloc.sum(-1).max()) < 1e-5


def test_allocation_breaks_ties_deterministically():
    usage = torch.tensor([[0.3, 0.1, 0.3, 0.1, 0.9]])
    first, second = addressing.allocation(usage), addressing.allocation(usage.clone())
    assert torch.equal(first, second)
    assert float(first[0, 1]) > float(
        first[0, 3]
    )  # equal usage: the lower index is allocated first


def test_gradients_through_allocation_are_finite():
    gen = _gen(4)
    # exact zeros, exact ones and ties are the cases where a naive sort/cumprod misbehaves
    usage = torch.rand(BATCH, SLOTS, generator=gen)
    usage[0] = 0.0
    usage[1] = 1.0
    usage[2, :3] = 0.5
    usage.requires_grad_(True)
    alloc = addressing.allocation(usage)
    (alloc * torch.randn(BATCH, SLOTS, generator=gen)).sum().backward()
    assert bool(torch.isfinite(usage.grad).all())
    assert float(usage.grad.abs().sum()) > 0.0


def test_write_weighting_sums_to_at_most_one():
    gen = _gen(5)
    content = torch.softmax(torch.randn(BATCH, SLOTS, generator=gen), -1)
    alloc = addressing.allocation(torch.rand(BATCH, SLOTS, generator=gen))
    w = addressing.write_weighting(
        content,
        alloc,
        torch.rand(BATCH, 1, generator=gen),
        torch.rand(BATCH, 1, generator=gen),
    )
    assert bool((w >= 0).all()) and bool((w.sum(-1) <= 1 + 1e-6).all())


def test_link_matrix_has_zero_diagonal_and_rows_and_columns_at_most_one():
    gen = _gen(6)
    link = torch.zeros(BATCH, SLOTS, SLOTS)
    precedence = torch.zeros(BATCH, SLOTS)
    for _ in range(15):
        write = _random_weighting(BATCH, gen=gen)
        link = addressing.update_link(link, precedence, write)
        precedence = addressing.update_precedence(precedence, write)
        assert float(torch.diagonal(link, dim1=-2, dim2=-1).abs().max()) == 0.0
        assert bool((link >= -1e-7).all())
        assert bool((link.sum(-1) <= 1 + 1e-6).all()) and bool((link.sum(-2) <= 1 + 1e-6).all())
        assert bool((precedence.sum(-1) <= 1 + 1e-6).all())


def test_links_record_write_order_and_directional_reads_follow_it():
    link = torch.zeros(1, SLOTS, SLOTS)
    precedence = torch.zeros(1, SLOTS)
    for slot in (2, 5, 1):  # write slot 2, then 5, then 1 (one-hot writes)
        write = torch.zeros(1, SLOTS)
        write[0, slot] = 1.0
        link = addressing.update_link(link, precedence, write)
        precedence = addressing.update_precedence(precedence, write)
    read = torch.zeros(1, 1, SLOTS)
    read[0, 0, 5] = 1.0
    forward, backward = addressing.directional_read_weights(link, read)
    assert int(forward.argmax()) == 1 and float(forward.max()) == 1.0
    assert int(backward.argmax()) == 2 and float(backward.max()) == 1.0
