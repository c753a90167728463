"""The bundled checkpoint loads, is small, and reproduces the NLL it stores."""

from __future__ import annotations

import numpy as np
import pytest

from demos.wavenet import task
from demos.wavenet.infer import WEIGHTS, load
from demos.wavenet.train import CHECK_SET, heldout_nll, unigram_nll

MAX_CHECKPOINT_BYTES = 5 * 1024 * 1024


def test_the_checkpoint_is_under_5_mb_and_rebuilds_its_model() -> None:
    assert WEIGHTS.stat().st_size < MAX_CHECKPOINT_BYTES
    model, ckpt = load()
    assert set(ckpt) >= {"model", "config", "step", "metrics"}
    assert model.receptive_field == 4095


def test_the_checkpoint_reproduces_its_stored_nll_on_the_check_set() -> None:
    model, ckpt = load()
    got = heldout_nll(model, *task.heldout_batch(**CHECK_SET))
    assert got == pytest.approx(ckpt["metrics"]["nll_check"], abs=1e-4)


def test_the_stored_nll_is_clearly_below_the_unigram_baseline() -> None:
    _, ckpt = load()
    m = ckpt["metrics"]
    assert m["nll"] < m["nll_unigram"] - 1.0
    x, _, _ = task.heldout_batch(**CHECK_SET)
    assert unigram_nll(np.array(ckpt["unigram_logprobs"]), x) > m["nll_check"]


@pytest.mark.slow
def test_the_checkpoint_reproduces_its_stored_held_out_nll() -> None:
    model, ckpt = load()
    assert heldout_nll(model, *task.heldout_batch()) == pytest.approx(
        ckpt["metrics"]["nll"], abs=1e-4
    )
