"""Shared setup for the probe's tests (a plug-in's tests/ has one, like every real demo)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # A shared 2-core machine; one linear unit gains nothing from threads.
    torch.set_num_threads(1)
