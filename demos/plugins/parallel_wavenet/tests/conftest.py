"""Shared fixtures for the Parallel WaveNet tests: a tiny random student for property tests."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.parallel_wavenet.model import Config, Student

TINY = Config(channels=4, cond_channels=4, n_flows=2, dilations=[1, 2, 4])


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # A shared 2-core machine; tiny convolutions gain nothing from threads.
    torch.set_num_threads(1)


@pytest.fixture
def tiny_student() -> Student:
    torch.manual_seed(0)
    student = Student(TINY).eval()
    with torch.no_grad():  # random heads too, so that every flow really depends on its past
        for p in student.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return student


def inputs(student: Student, batch: int, n: int, note: int = 9, timbre: int = 1):
    """(z, note, timbre, local) for a batch of one conditioning."""
    import numpy as np

    from demos.plugins.parallel_wavenet import task

    notes = np.full(batch, note)
    local = task.local_inputs(notes, n, student.cfg.time_scales_ms)
    return (
        torch.from_numpy(task.noise(0, batch, n)).double(),
        torch.from_numpy(notes),
        torch.full((batch,), timbre),
        torch.from_numpy(local).double(),
    )
