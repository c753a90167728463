"""Shared fixtures for the DNC demo tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # The tests run on a shared 2-core machine; tiny matrices gain nothing from threads.
    torch.set_num_threads(1)
