"""Shared setup for the DNI demo tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # A shared 2-core machine; an LSTM of 32 units gains nothing from threads.
    torch.set_num_threads(1)
