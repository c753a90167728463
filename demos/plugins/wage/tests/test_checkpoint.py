"""Each bundled checkpoint rebuilds and reproduces its stored test accuracy."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.wage.evaluate import STORED_TOLERANCE, load_checkpoint
from demos.plugins.wage.model import accuracy
from demos.plugins.wage.task import load_digits_split
from demos.plugins.wage.train import SETTINGS, WEIGHTS_DIR

CHECKPOINTS = sorted(WEIGHTS_DIR.glob("wage_*.pt"))
MAX_BYTES = 5 * 1024 * 1024


def test_every_table_setting_has_a_bundled_checkpoint() -> None:
    names = {p.name for p in CHECKPOINTS}
    for bits in SETTINGS:
        assert f"wage_{bits.replace('-', '')}_s0.pt" in names, bits


@pytest.mark.parametrize("path", CHECKPOINTS, ids=lambda p: p.name)
def test_checkpoint_reproduces_its_stored_test_accuracy(path) -> None:
    assert path.stat().st_size < MAX_BYTES
    model, ckpt = load_checkpoint(path)
    assert set(ckpt) >= {"model", "config", "step", "metrics"}
    data = load_digits_split()
    assert accuracy(model, data.x_test, data.y_test) == pytest.approx(
        ckpt["metrics"]["test_acc"], abs=STORED_TOLERANCE
    )


def test_trained_ternary_checkpoint_keeps_exactly_three_weight_levels() -> None:
    model, ckpt = load_checkpoint(WEIGHTS_DIR / "wage_2888_s0.pt")
    assert ckpt["config"]["k_w"] == 2
    for w, alpha in zip(model.forward_weights(), model.alphas, strict=False):
        assert torch.unique(w * alpha).tolist() == [-0.5, 0.0, 0.5]
