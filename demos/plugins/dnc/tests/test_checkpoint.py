"""Each bundled checkpoint loads on the CPU and reproduces the metric stored with it."""

from __future__ import annotations

import pytest
import torch

from demos.kit import checkpoint
from demos.plugins.dnc import study
from demos.plugins.dnc.model import WEIGHTS_DIR, load_checkpoint
from demos.plugins.dnc.train import check_batch, evaluate_on, task_kw_of

CHECKPOINTS = sorted(WEIGHTS_DIR.glob("**/*.pt"))  # the page's and the seed study's
MAX_BYTES = 5 * 1024 * 1024


def test_all_the_weights_together_stay_under_5_mb():
    assert sum(p.stat().st_size for p in CHECKPOINTS) < MAX_BYTES


def test_the_seed_study_is_bundled_whole():
    expected = {
        study.dnc_path(v, t, s)
        for v in study.VARIANTS
        for t in study.STUDY_TASKS
        for s in study.SEEDS
    } | {study.lstm_path(lr, s) for lr in study.LSTM_LRS for s in study.SEEDS}
    assert expected <= set(CHECKPOINTS)


def test_the_dnc_and_the_lstm_baseline_are_bundled_for_copy_and_recall():
    names = {p.name for p in CHECKPOINTS}
    assert {"dnc_copy.pt", "lstm_copy.pt", "dnc_recall.pt"} <= names


@pytest.mark.parametrize("path", CHECKPOINTS, ids=lambda p: p.name)
def test_checkpoint_reproduces_its_stored_metric(path):
    torch.set_num_threads(1)
    kind = path.stem.split("_", 1)[0]
    model, payload = load_checkpoint(path, kind)
    assert path.stat().st_size < MAX_BYTES
    assert set(payload) == set(checkpoint.FIELDS)
    metrics = payload["metrics"]
    batch = check_batch(
        payload["config"]["task"], int(metrics["check_length"]), task_kw_of(payload)
    )
    error, exact = evaluate_on(model, batch)
    assert error == pytest.approx(metrics["check_bit_error"], abs=1e-6)
    assert exact == pytest.approx(metrics["check_exact"], abs=1e-6)
