"""Shared setup for the V-trace demo's tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # A shared 2-core machine; a 4.7 k-parameter MLP gains nothing from threads.
    torch.set_num_threads(1)
