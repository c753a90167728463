"""Shared setup for the WAGE demo tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # A shared 2-core machine; these small matrices gain nothing from more threads.
    torch.set_num_threads(1)
