"""Training: a few fixed-seed steps lower the loss; train(cfg, on_step) keeps a kit checkpoint."""

from __future__ import annotations

import numpy as np

from demos.kit import checkpoint
from demos.plugins.wavenet import NOTES, TIMBRES, task
from demos.plugins.wavenet.train import TrainConfig, learning_rate, noisy_inputs, train


def test_the_learning_rate_warms_up_then_decays() -> None:
    rates = [learning_rate(s, 200, 1.0) for s in range(200)]
    assert rates[0] < rates[19] == max(rates) and rates[-1] < 0.1


def test_input_noise_keeps_the_silent_start_and_the_class_range() -> None:
    x = np.full((2, 50), 128, dtype=np.int64)
    noisy = noisy_inputs(np.random.default_rng(0), x, 40.0)
    assert noisy.shape == (2, 49) and (noisy[:, 0] == 128).all()
    assert noisy.min() >= 0 and noisy.max() <= 255 and (noisy != 128).any()


def test_train_reports_every_step_and_writes_a_checkpoint(tmp_path) -> None:
    out = tmp_path / "w.pt"
    losses: list[float] = []
    cfg = TrainConfig(
        steps=4,
        short_batch=2,
        short_length=64,
        batch=1,
        length=64,
        channels=4,
        long_from=0.5,
        eval_every=1,
        out=out,
    )
    result = train(cfg, lambda step, figures: losses.append(figures["loss"]))
    assert len(losses) == 4 and all(np.isfinite(losses))
    assert result.checkpoints == [out]
    payload = checkpoint.load(out)
    assert payload["config"]["residual_channels"] == 4 and payload["seed"] == 0
    assert len(payload["metrics"]["unigram_logprobs"]) == 256


def test_the_meta_choices_match_the_synthesiser() -> None:
    assert NOTES == task.NOTES and TIMBRES == task.TIMBRE_NAMES
