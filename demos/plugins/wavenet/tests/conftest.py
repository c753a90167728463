"""Shared fixtures for the WaveNet demo tests: a tiny random model for the property tests."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.wavenet.model import Config, WaveNet

# Two stacks of 1, 2, 4, 8: a receptive field of 31 samples, small enough for fast tests.
TINY = Config(
    residual_channels=8,
    skip_channels=8,
    end_channels=8,
    cond_channels=4,
    dilations=[1, 2, 4, 8] * 2,
)


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    # The tests run on a shared 2-core machine; tiny matrices gain nothing from threads.
    torch.set_num_threads(1)


@pytest.fixture
def tiny_model() -> WaveNet:
    torch.manual_seed(0)
    model = WaveNet(TINY).eval()
    # Random biases too, so that zero padding and zero-initialised queues are really exercised.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return model
