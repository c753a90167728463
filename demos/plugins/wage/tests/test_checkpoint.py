"""Each bundled checkpoint rebuilds, reproduces its stored figures and runs in integers."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.wage.evaluate import STORED_TOLERANCE, load_checkpoint
from demos.plugins.wage.infer import NETWORKS
from demos.plugins.wage.model import accuracy, integer_forward
from demos.plugins.wage.task import load_digits_split
from demos.plugins.wage.train import SETTINGS, WEIGHTS_DIR

CHECKPOINTS = sorted(WEIGHTS_DIR.glob("wage_*.pt"))
MAX_BYTES = 5 * 1024 * 1024


def test_every_network_of_the_page_has_three_bundled_seeds() -> None:
    names = {p.name for p in CHECKPOINTS}
    assert set(SETTINGS) <= set(NETWORKS)
    for network in NETWORKS:
        bits, _, variant = network.partition("/")
        tag = f"_{variant}" if variant else ""
        for seed in (0, 1, 2):
            assert f"wage_{bits.replace('-', '')}{tag}_s{seed}.pt" in names, (network, seed)
    assert sum(p.stat().st_size for p in WEIGHTS_DIR.iterdir()) < MAX_BYTES  # the folder


@pytest.mark.parametrize("path", CHECKPOINTS, ids=lambda p: p.name)
def test_checkpoint_reproduces_its_stored_validation_and_test_accuracy(path) -> None:
    model, ckpt = load_checkpoint(path)
    assert set(ckpt) >= {"model", "config", "step", "metrics"}
    data = load_digits_split()
    metrics = ckpt["metrics"]
    assert accuracy(model, data.x_test, data.y_test) == pytest.approx(
        metrics["test_acc"], abs=STORED_TOLERANCE
    )
    assert accuracy(model, data.x_val, data.y_val) == pytest.approx(
        metrics["val_acc"], abs=STORED_TOLERANCE
    )
    assert len(metrics["test_correct"]) == 360
    if ckpt["config"]["k_w"] < 32:
        scores = integer_forward(model, data.x_test)
        assert torch.equal(scores.argmax(1), model(data.x_test).argmax(1))


def test_trained_ternary_checkpoint_keeps_exactly_three_weight_levels() -> None:
    model, ckpt = load_checkpoint(WEIGHTS_DIR / "wage_2888_s0.pt")
    assert ckpt["config"]["k_w"] == 2
    for w, alpha in zip(model.forward_weights(), model.alphas, strict=False):
        assert torch.unique(w * alpha).tolist() == [-0.5, 0.0, 0.5]
