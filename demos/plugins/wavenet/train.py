"""Train the bundled WaveNet on synthesised notes (teacher forcing, eq. 1 of van den Oord et al. 2016).

Every training sequence is one note from its onset with the phase track of its fundamental (the
local conditioning, task.local_features), longer than the receptive field (5,120 >
4,095 samples), so the loss covers both the onset, where the causal padding stands for the
silence before the note, and the sustained part, where the whole receptive field is audio. All
positions are trained, none wasted on context-only padding. Adam, warm-up then cosine decay,
gradient clipping; the best held-out NLL is kept.

    python -m demos.plugins.wavenet.train                 # 17.5 min on one core of the shared machine
    python -m demos.plugins.wavenet.train --steps 20      # a smoke run
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import numpy as np
import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step

from . import mulaw, task
from .model import Config, ResidualLayer, WaveNet

WEIGHTS = Path(__file__).resolve().parent / "weights" / "wavenet.pt"
_WARMUP_STEPS = 20
_FINAL_LR_FRACTION = 0.05
_GRAD_CLIP = 1.0
_UNIGRAM_NOTES = 64  # training notes counted for the unigram μ-law baseline
_LAPLACE = 1.0  # add-one smoothing of the unigram counts
# A tiny fixed set whose NLL is stored too, so a unit test can check a checkpoint in a second.
CHECK_SET = {"batch": 2, "length": 2048, "seed": 7_000_001}
# The model variants evaluate.py compares: (phase_input, audio_input) of model.Config.
VARIANTS = {
    "full": (True, True),  # the bundled model: audio context, global and phase conditioning
    "global_only": (False, True),  # ablation no_phase_conditioning: no per-sample phase
    "no_audio": (True, False),  # baseline: phase and global conditioning, no audio context
}


def unigram_logprobs(rng: np.random.Generator, length: int) -> np.ndarray:
    """log p(class) of μ-law classes over fresh training notes: the no-context baseline. [256]."""
    x, _, _, _ = task.make_batch(rng, _UNIGRAM_NOTES, length)
    counts = np.bincount(x[:, 1:].ravel(), minlength=mulaw.N_CLASSES) + _LAPLACE
    return np.log(counts / counts.sum())


def heldout_nll(
    model: WaveNet,
    x: np.ndarray,
    notes: np.ndarray,
    timbres: np.ndarray,
    phase: np.ndarray,
) -> float:
    """Mean next-sample NLL in nats over a fixed batch (evaluated in chunks of 4 notes)."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(x), 4):
            xb = torch.from_numpy(x[i : i + 4])
            loss = model.loss(
                xb,
                torch.from_numpy(notes[i : i + 4]),
                torch.from_numpy(timbres[i : i + 4]),
                torch.from_numpy(task.local_features(phase[i : i + 4])),
            )
            n = xb.shape[0] * (xb.shape[1] - 1)
            total += float(loss) * n
            count += n
    model.train()
    return total / count


def unigram_nll(logp: np.ndarray, x: np.ndarray) -> float:
    """Mean NLL in nats of the targets x[:, 1:] under the unigram distribution."""
    return float(-logp[x[:, 1:]].mean())


def learning_rate(step: int, steps: int, lr: float) -> float:
    if step < _WARMUP_STEPS:
        return lr * (step + 1) / _WARMUP_STEPS
    progress = (step - _WARMUP_STEPS) / max(1, steps - _WARMUP_STEPS)
    return lr * (
        _FINAL_LR_FRACTION + (1 - _FINAL_LR_FRACTION) * 0.5 * (1 + math.cos(math.pi * progress))
    )


def fit(
    cfg: Config,
    steps: int,
    batch: int,
    length: int,
    short_batch: int,
    short_length: int,
    long_from: float,
    lr: float,
    seed: int,
    max_minutes: float,
    eval_every: int,
    out: Path | None = WEIGHTS,
    init: Path | None = None,
    input_noise: float = 0.0,
    on_step: OnStep = no_step,
    show_progress: bool = True,
) -> tuple[WaveNet, dict]:
    """Train and (if `out`) save the best-by-held-out-NLL checkpoint. Returns (model, metrics)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = WaveNet(cfg)
    if init is not None:  # continue from a checkpoint (a second, fine-tuning run)
        load_init(model, init)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    held = task.heldout_batch()
    logp = unigram_logprobs(np.random.default_rng(seed + 1), length)
    metrics = {"nll": float("inf"), "nll_unigram": unigram_nll(logp, held[0])}
    start = time.time()
    first_long = int(long_from * steps)
    bar = tqdm(range(steps), desc="wavenet", disable=not show_progress)
    for step in bar:
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, steps, lr)
        long_phase = step >= first_long
        if long_phase:
            x, notes, timbres, phase = task.make_batch(rng, batch, length)
        else:
            x, notes, timbres, phase = task.make_batch(rng, short_batch, short_length)
        inputs = None
        if input_noise > 0:
            inputs = torch.from_numpy(noisy_inputs(rng, x, input_noise))
        loss = model.loss(
            torch.from_numpy(x),
            torch.from_numpy(notes),
            torch.from_numpy(timbres),
            torch.from_numpy(task.local_features(phase)),
            inputs,
        )
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), _GRAD_CLIP)
        opt.step()
        on_step(step + 1, {"loss": loss.item()})
        if step % 10 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}", phase=2 if long_phase else 1)
        out_of_time = (time.time() - start) / 60 > max_minutes
        due = long_phase and (
            (step + 1 - first_long) % eval_every == 0 or step + 1 == steps or out_of_time
        )
        if due:
            nll = heldout_nll(model, *held)
            bar.set_postfix(heldout=f"{nll:.3f}", unigram=f"{metrics['nll_unigram']:.3f}")
            if nll < metrics["nll"]:
                metrics.update(
                    nll=nll,
                    best_step=step + 1,
                    train_minutes=(time.time() - start) / 60,
                )
                if out is not None:
                    save(model, step + 1, metrics, out, logp, seed)
        if out_of_time:
            break
    metrics["total_minutes"] = (time.time() - start) / 60
    return model, metrics


def noisy_inputs(rng: np.random.Generator, x: np.ndarray, std: float) -> np.ndarray:
    """The inputs x[:, :-1] with Gaussian noise of `std` μ-law classes added (rounded, clipped).

    Generation feeds the network its own samples, each off the most likely value by about the
    spread of its softmax; noise of that size in the training inputs (as LPCNet does) teaches the
    network to follow the conditioning rather than copy every wobble of its past output. The
    targets stay clean. The first input (the silent start) is kept.
    """
    noisy = x[:, :-1] + np.rint(rng.normal(0.0, std, (x.shape[0], x.shape[1] - 1)))
    noisy[:, 0] = x[:, 0]
    return np.clip(noisy, 0, mulaw.N_CLASSES - 1).astype(np.int64)


def load_init(model: WaveNet, path: Path) -> None:
    """Load a checkpoint's weights into `model`. A checkpoint from before the local conditioning
    lacks the U_k of each layer: they start at zero, so the model starts as the one it was."""
    state = checkpoint.load(path)["model"]
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.endswith(".local.weight") for k in missing):
        raise ValueError(f"{path} does not fit this model: {missing + unexpected}")
    with torch.no_grad():
        for k, layer in enumerate(cast(Iterable[ResidualLayer], model.layers)):
            if f"layers.{k}.local.weight" in missing:
                layer.local.weight.zero_()


def save(model: WaveNet, step: int, metrics: dict, out: Path, logp: np.ndarray, seed: int) -> None:
    """The kit's checkpoint; metrics carry the unigram baseline's log-probabilities for evaluate."""
    model.tie_inputs()
    metrics = dict(
        metrics,
        nll_check=heldout_nll(model, *task.heldout_batch(**CHECK_SET)),
        unigram_logprobs=logp.tolist(),
    )
    checkpoint.save(
        {
            "model": model.state_dict(),
            "config": asdict(model.cfg),
            "step": step,
            "metrics": metrics,
            "seed": seed,
        },
        out,
    )


@dataclass
class TrainConfig:
    """The ``train_demo wavenet`` flags; the defaults made the bundled checkpoint."""

    steps: int = option(2000, "optimiser steps (the cosine schedule spans them)")
    max_minutes: float = option(40.0, "wall-clock budget; stops early when spent")
    long_from: float = option(0.6, "fraction of the steps before phase 2 (long notes)")
    short_batch: int = option(8, "notes per step in phase 1")
    short_length: int = option(1024, "samples per note in phase 1")
    batch: int = option(2, "notes per step in phase 2")
    length: int = option(5120, "samples per note in phase 2 (more than the receptive field)")
    lr: float = option(4e-3, "peak Adam learning rate")
    channels: int = option(16, "residual channels")
    seed: int = option(0, "random seed (data and initialisation)")
    eval_every: int = option(50, "phase-2 steps between held-out NLL checks")
    input_noise: float = option(
        0.0, "std (μ-law classes) of Gaussian noise added to the training inputs"
    )
    out: Path = option(WEIGHTS, "checkpoint path")
    init: Path | None = option(None, "start from this checkpoint's weights")
    threads: int = option(1, "torch CPU threads (the machine is shared)")
    variant: str = option(
        "full", "full | global_only (no phase conditioning) | no_audio (no audio context)"
    )


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Train the WaveNet and keep the best-by-held-out-NLL checkpoint at ``cfg.out``."""
    torch.set_num_threads(cfg.threads)
    if cfg.variant not in VARIANTS:
        raise ValueError(f"unknown variant {cfg.variant!r}; one of {', '.join(VARIANTS)}")
    phase_input, audio_input = VARIANTS[cfg.variant]
    model_cfg = Config(
        residual_channels=cfg.channels, phase_input=phase_input, audio_input=audio_input
    )
    print(
        f"receptive field {model_cfg.receptive_field} samples ({1000 * model_cfg.receptive_field / model_cfg.sample_rate:.0f} ms)"
    )
    _, metrics = fit(
        model_cfg,
        cfg.steps,
        cfg.batch,
        cfg.length,
        cfg.short_batch,
        cfg.short_length,
        cfg.long_from,
        cfg.lr,
        cfg.seed,
        cfg.max_minutes,
        cfg.eval_every,
        cfg.out,
        cfg.init,
        cfg.input_noise,
        on_step,
    )
    print(
        f"held-out NLL {metrics['nll']:.4f} nats/sample (unigram μ-law baseline {metrics['nll_unigram']:.4f}) "
        f"at step {metrics.get('best_step')}, {metrics['total_minutes']:.1f} min -> {cfg.out}"
    )
    return TrainResult(
        step=int(metrics.get("best_step") or 0),
        metrics=metrics,
        checkpoints=[cfg.out] if cfg.out.exists() else [],
    )


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
