"""Property tests of the DNC memory access (read/write heads, interface vector)."""

from __future__ import annotations

import torch

from demos.plugins.dnc.access import MemoryAccess, initial_state, read_memory, write_memory

BATCH, SLOTS, WORD, READS, CONTROLLER = 4, 6, 5, 2, 12


def _run_steps(
    access: MemoryAccess,
    steps: int,
    slots: int = SLOTS,
    seed: int = 0,
    scale: float = 1.0,
):
    gen = torch.Generator().manual_seed(seed)
    state = initial_state(BATCH, slots, WORD, READS)
    history = []
    for _ in range(steps):
        reads, state, xi = access(scale * torch.randn(BATCH, CONTROLLER, generator=gen), state)
        history.append((reads, state, xi))
    return history


def test_erase_is_clamped_to_the_unit_interval():
    memory = torch.ones(1, 3, 2)
    write = torch.tensor([[1.0, 0.0, 0.0]])
    zero = torch.zeros(1, 2)
    over = write_memory(memory, write, torch.full((1, 2), 3.0), zero)
    under = write_memory(memory, write, torch.full((1, 2), -3.0), zero)
    torch.testing.assert_close(
        over[0, 0], torch.zeros(2)
    )  # erase 3 acts as 1: cleared, not flipped
    torch.testing.assert_close(
        under[0, 0], torch.ones(2)
    )  # erase -3 acts as 0: kept, not amplified
    torch.testing.assert_close(over[0, 1:], memory[0, 1:])  # unwritten rows untouched


def test_write_then_read_returns_the_written_word():
    memory = torch.zeros(1, 4, 3)
    w = torch.tensor([[0.0, 0.0, 1.0, 0.0]])
    v = torch.tensor([[0.5, -1.0, 2.0]])
    memory = write_memory(memory, w, torch.ones(1, 3), v)
    torch.testing.assert_close(read_memory(memory, w.unsqueeze(1))[0, 0], v[0])


def test_interface_values_lie_in_their_ranges():
    torch.manual_seed(0)
    access = MemoryAccess(CONTROLLER, WORD, READS)
    xi = access.parse_interface(10 * torch.randn(BATCH, CONTROLLER))
    assert bool((xi.read_strengths >= 1).all()) and bool((xi.write_strength >= 1).all())
    for gate in (xi.erase, xi.free_gates, xi.allocation_gate, xi.write_gate):
        assert bool((gate >= 0).all()) and bool((gate <= 1).all())
    torch.testing.assert_close(xi.read_modes.sum(-1), torch.ones(BATCH, READS))


def test_read_and_write_weightings_sum_to_at_most_one():
    torch.manual_seed(1)
    access = MemoryAccess(CONTROLLER, WORD, READS)
    for _, state, _ in _run_steps(access, 12, scale=3.0):
        assert bool((state.write_weights >= 0).all()) and bool((state.read_weights >= -1e-7).all())
        assert bool((state.write_weights.sum(-1) <= 1 + 1e-5).all())
        assert bool((state.read_weights.sum(-1) <= 1 + 1e-5).all())
        assert bool((state.usage >= 0).all()) and bool((state.usage <= 1 + 1e-6).all())


def test_first_step_on_zero_memory_is_finite_with_finite_gradients():
    torch.manual_seed(2)
    access = MemoryAccess(CONTROLLER, WORD, READS)
    controller = torch.zeros(BATCH, CONTROLLER, requires_grad=True)
    reads, state, _ = access(controller, initial_state(BATCH, SLOTS, WORD, READS))
    assert all(bool(torch.isfinite(t).all()) for t in (reads, *state))
    (reads.sum() + state.memory.sum()).backward()
    assert bool(torch.isfinite(controller.grad).all())
    assert all(bool(torch.isfinite(p.grad).all()) for p in access.parameters())


def test_memory_size_is_a_runtime_choice():
    torch.manual_seed(3)
    access = MemoryAccess(CONTROLLER, WORD, READS)
    for slots in (2, SLOTS, 40):
        reads, state, _ = _run_steps(access, 5, slots=slots)[-1]
        assert reads.shape == (BATCH, READS, WORD)
        assert state.memory.shape == (BATCH, slots, WORD) and state.link.shape == (
            BATCH,
            slots,
            slots,
        )
