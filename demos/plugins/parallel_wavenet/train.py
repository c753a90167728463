"""Distil the bundled WaveNet teacher into the IAF student (van den Oord et al. 2018, section 3).

Each step draws conditionings from the train split and fresh noise, runs the student once over
the whole clip, lets the teacher score every position of the student's sample in one
teacher-forced pass, and takes an Adam step on the mean per-sample KL (distill.py) plus the
weighted power loss against the synthesiser's note. Every `val_every` steps the student's mean
NLL under the teacher on the validation conditionings (fixed noise) is measured; the best
checkpoint by that figure is the one kept. One checkpoint per seed:

    python -m demos.plugins.parallel_wavenet.train                       # seeds 0, 1, 2
    python -m demos.plugins.parallel_wavenet.train --power-weight 0 --name no_power   # ablation
    python -m demos.plugins.parallel_wavenet.train --steps 5 --seeds 0 --out-dir /tmp/pw  # smoke
"""

from __future__ import annotations

import copy
import hashlib
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step
from demos.plugins.wavenet.infer import WEIGHTS as TEACHER_WEIGHTS
from demos.plugins.wavenet.infer import load as load_teacher
from demos.plugins.wavenet.model import WaveNet

from . import distill, task
from .model import Config, Student

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
VAL_NOISE_SEED = 5_000_000  # the validation noise; training noise comes from the run's seed
_GRAD_CLIP = 1.0
_FINAL_LR_FRACTION = 0.1


def teacher_sha256(path: Path = TEACHER_WEIGHTS) -> str:
    """sha256 of the teacher's checkpoint file (stored in every student checkpoint)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class TrainConfig:
    seeds: str = option("0,1,2", "training seeds, comma-separated (one checkpoint each)")
    steps: int = option(800, "optimiser steps per seed")
    batch: int = option(4, "notes per step")
    length: int = option(1500, "samples per note in training (from the onset)")
    lr: float = option(3e-3, "Adam learning rate (cosine decay to a tenth)")
    power_weight: float = option(5.0, "weight of the power loss (0: distillation alone)")
    val_every: int = option(50, "steps between validation measurements")
    val_length: int = option(4000, "samples per validation note")
    channels: int = option(32, "residual channels of each flow")
    flows: int = option(2, "number of IAF flows")
    name: str = option("student", "checkpoint name prefix: <name>_seed<k>.pt")
    out_dir: Path = option(WEIGHTS_DIR, "folder for the checkpoints")


def checkpoint_path(name: str, seed: int, folder: Path = WEIGHTS_DIR) -> Path:
    return Path(folder) / f"{name}_seed{seed}.pt"


def batch_inputs(
    student: Student, conds: list[tuple[int, int]], z: np.ndarray
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(z, note, timbre, local) tensors for `conds` and noise z [batch, T]."""
    notes = np.array([n for n, _ in conds])
    local = task.local_inputs(notes, z.shape[1], student.cfg.time_scales_ms)
    return (
        torch.from_numpy(z),
        torch.from_numpy(notes),
        torch.tensor([t for _, t in conds]),
        torch.from_numpy(local),
    )


def student_nll(
    student: Student, teacher: WaveNet, conds: list[tuple[int, int]], z: np.ndarray
) -> np.ndarray:
    """Per-note mean NLL (nats/sample) under the teacher of the student's notes from noise z."""
    with torch.no_grad():
        zt, note, timbre, local = batch_inputs(student, conds, z)
        out = student(zt, note, timbre, local)
        classes = torch.from_numpy(task.classes(out.x.numpy()))
        return distill.teacher_nll(teacher, classes, note, timbre, local[:, :4]).numpy()


def learning_rate(step: int, steps: int, base: float) -> float:
    frac = step / max(1, steps - 1)
    return base * (
        _FINAL_LR_FRACTION + (1 - _FINAL_LR_FRACTION) * 0.5 * (1 + math.cos(math.pi * frac))
    )


def train_one(cfg: TrainConfig, seed: int, on_step: OnStep = no_step) -> tuple[Path, dict]:
    """One seeded distillation; writes the best-on-validation checkpoint. -> (path, metrics)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    teacher, _ = load_teacher()
    for p in teacher.parameters():
        p.requires_grad_(False)
    model_cfg = Config(channels=cfg.channels, n_flows=cfg.flows)
    student = Student(model_cfg)
    opt = torch.optim.Adam(student.parameters(), lr=cfg.lr)
    conds = task.split()
    train_conds, val_conds = conds["train"], conds["validation"]
    val_z = task.noise(VAL_NOISE_SEED, len(val_conds), cfg.val_length)
    best = (math.inf, 0, copy.deepcopy(student.state_dict()))
    curve: list[list[float]] = []
    start = time.time()
    for step in tqdm(range(1, cfg.steps + 1), desc=f"{cfg.name} seed {seed}", leave=False):
        for group in opt.param_groups:
            group["lr"] = learning_rate(step - 1, cfg.steps, cfg.lr)
        picks = rng.integers(0, len(train_conds), cfg.batch)
        batch = [train_conds[i] for i in picks]
        z = rng.standard_normal((cfg.batch, cfg.length)).astype(np.float32)
        zt, note, timbre, local = batch_inputs(student, batch, z)
        out = student(zt, note, timbre, local)
        logp = distill.soft_teacher_logprobs(teacher, out.x, note, timbre, local[:, :4])
        kl = distill.kl_per_step(out, logp).mean()
        loss = kl
        power = torch.zeros(())
        if cfg.power_weight > 0:
            ref = np.stack([task.reference(rng, n, t, cfg.length) for n, t in batch])
            power = distill.power_loss(out.x, torch.from_numpy(task.companded(ref)).float())
            loss = kl + cfg.power_weight * power
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), _GRAD_CLIP)
        opt.step()
        figures = {"loss": loss.item(), "kl": kl.item(), "power": power.item()}
        if step % cfg.val_every == 0 or step == cfg.steps:
            student.eval()
            val = float(student_nll(student, teacher, val_conds, val_z).mean())
            student.train()
            curve.append([step, round(val, 4)])
            figures["val_nll"] = val
            if val < best[0]:
                best = (val, step, copy.deepcopy(student.state_dict()))
        on_step(step, figures)
    val_nll, best_step, state = best
    metrics = {
        "val_student_nll": val_nll,
        "best_step": best_step,
        "val_curve": curve,
        "power_weight": cfg.power_weight,
        "teacher_sha256": teacher_sha256(),
        "train_minutes": round((time.time() - start) / 60, 2),
        "train_conditionings": len(train_conds),
    }
    path = checkpoint.save(
        {
            "model": state,
            "config": asdict(model_cfg),
            "step": cfg.steps,
            "metrics": metrics,
            "seed": seed,
        },
        checkpoint_path(cfg.name, seed, cfg.out_dir),
    )
    return path, metrics


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Distil one student per seed in `cfg.seeds`; returns the checkpoints written."""
    torch.set_num_threads(1)
    seeds = [int(s) for s in cfg.seeds.split(",") if s.strip()]
    paths, metrics = [], {}
    for seed in seeds:
        path, m = train_one(cfg, seed, on_step)
        paths.append(path)
        metrics[str(seed)] = {k: m[k] for k in ("val_student_nll", "best_step", "train_minutes")}
        print(
            f"seed {seed}: best validation NLL {m['val_student_nll']:.4f} at step {m['best_step']}"
        )
    return TrainResult(step=cfg.steps * len(seeds), metrics=metrics, checkpoints=paths)


if __name__ == "__main__":
    cli.main(sys.modules[__name__], sys.argv[1:])
