"""The bundled checkpoint: kit format, under 5 MB, and it reproduces its stored figure."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from tests.demo_plugins.probe.infer import load
from tests.demo_plugins.probe.train import WEIGHTS, check_error


def test_the_checkpoint_is_in_the_kit_format() -> None:
    payload = checkpoint.load(WEIGHTS)
    assert set(payload) == set(checkpoint.FIELDS)
    assert WEIGHTS.stat().st_size < checkpoint.MAX_BYTES


def test_the_checkpoint_reproduces_its_stored_check_error() -> None:
    model, payload = load()
    assert check_error(model) == pytest.approx(payload["metrics"]["check_abs_error"], abs=1e-7)
