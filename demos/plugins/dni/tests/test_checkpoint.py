"""The bundled checkpoints: kit format, under 5 MB, rebuildable, and they reproduce their figure."""

from __future__ import annotations

import json

import pytest

from demos.kit import checkpoint
from demos.plugins.dni.evaluate import load
from demos.plugins.dni.train import METHODS, TABLE_DIR, WEIGHTS_DIR, accuracy, validation_set

HEADLINE = sorted(WEIGHTS_DIR.glob("*_s*.pt"))


def test_there_are_three_seeds_of_every_method_and_each_is_small() -> None:
    for method in METHODS:
        assert len(list(WEIGHTS_DIR.glob(f"{method}_s*.pt"))) >= 3, method
    for path in [*HEADLINE, *TABLE_DIR.glob("*.pt")]:
        payload = checkpoint.load(path)
        assert set(payload) == set(checkpoint.FIELDS), path.name
        assert path.stat().st_size < checkpoint.MAX_BYTES


@pytest.mark.parametrize("path", HEADLINE, ids=[p.stem for p in HEADLINE])
def test_a_checkpoint_rebuilds_and_reproduces_its_validation_accuracy(path) -> None:
    core, _, ckpt = load(path)
    m = ckpt["metrics"]
    grid = json.loads((WEIGHTS_DIR / "grid.json").read_text())
    assert m["length"] == grid["length"] and m["lr"] == grid["methods"][m["method"]]["lr"]
    valid = validation_set(m["length"], core.cfg.symbols)
    assert float(accuracy(core, valid).mean()) == pytest.approx(m["val_acc"], abs=1e-6)
    assert ("sg.net.weight" in ckpt["model"]) == (m["method"] == "dni")
