"""Tests of the DNC controller glue and the LSTM baseline."""

from __future__ import annotations

import torch

from demos.plugins.dnc import task as tasks
from demos.plugins.dnc.model import DNC, Config, LSTMBaseline, count_parameters


def _copy_batch(seed: int = 0, length: int = 4) -> tasks.Batch:
    return tasks.make_batch("copy", 8, 1, length, torch.Generator().manual_seed(seed))


def test_one_training_step_reduces_the_loss():
    torch.manual_seed(0)
    model = DNC(Config(input_size=7, output_size=6))
    batch = _copy_batch()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    before = tasks.masked_bce(model(batch.inputs)[0], batch)
    optimiser.zero_grad()
    before.backward()
    optimiser.step()
    after = tasks.masked_bce(model(batch.inputs)[0], batch)
    assert after.item() < before.item()


def test_trace_has_one_entry_per_step_for_any_memory_size():
    torch.manual_seed(1)
    model = DNC(Config(input_size=7, output_size=6, num_reads=2))
    batch = _copy_batch(length=5)
    steps = batch.inputs.shape[0]
    for slots in (3, 16, 33):
        with torch.no_grad():
            logits, trace = model(batch.inputs, num_slots=slots, trace=True)
        assert logits.shape == (steps, 8, 6)
        assert trace["write_weights"].shape == (steps, 8, slots)
        assert trace["read_weights"].shape == (steps, 8, 2, slots)
        assert trace["usage"].shape == (steps, 8, slots)
        assert trace["free_gates"].shape == (steps, 8, 2)
        assert trace["allocation_gate"].shape == (steps, 8)
        assert trace["link"].shape == (8, slots, slots)
        assert all(bool(torch.isfinite(v).all()) for v in trace.values())


def test_gradients_are_finite_through_a_whole_sequence():
    torch.manual_seed(2)
    model = DNC(Config(input_size=7, output_size=6, memory_slots=4))
    batch = _copy_batch(length=6)  # longer than the memory: usage saturates, allocation ties
    tasks.masked_bce(model(batch.inputs)[0], batch).backward()
    assert all(bool(torch.isfinite(p.grad).all()) for p in model.parameters())


def test_lstm_baseline_has_about_the_dncs_parameter_count():
    cfg = Config(input_size=7, output_size=6)
    dnc, lstm = count_parameters(DNC(cfg)), count_parameters(LSTMBaseline(cfg))
    assert abs(dnc - lstm) / dnc < 0.05
