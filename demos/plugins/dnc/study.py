"""The seed study behind ``evaluate.py``: small, seeded training runs whose weights it scores.

Three training seeds of the full DNC and of each ablation (``model.ABLATIONS``: no temporal links,
no allocation, no free gates) on copy (lengths 1-6) and associative recall (2-4 items of 2
vectors), and the LSTM baseline on copy with its own learning-rate grid (``LSTM_LRS``), three seeds
per rate. Every run trains on the training part of ``task.part_of`` only and keeps the weights
with the lowest error on the validation part (``--select-best``); ``evaluate.py`` reports on the
test part. The runs are shorter than the page's bundled checkpoints (lengths 1-8, batch 32, until
learned + 1,000 steps) so that all 33 fit about 25 minutes of one CPU core; the architecture is the
page's (LSTM-64 controller, 16 × 16 memory, one read head).

    python -m demos.plugins.dnc.study                 # every run (skips those already written)
    python -m demos.plugins.dnc.study --only recall   # the runs whose name contains "recall"
    python -m demos.plugins.dnc.study --shard 1 --shards 2   # every second run, from the second

Each run is also one ``train_demo dnc`` command (``commands()`` prints them, README "Retrain").
"""

from __future__ import annotations

import signal
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import torch
from tqdm import tqdm

from demos.kit import cli
from demos.kit.cli import option

from . import task as tasks
from .model import (
    ABLATIONS,
    DNC,
    WEIGHTS_DIR,
    Config,
    count_parameters,
    load_checkpoint,
    save_checkpoint,
)
from .stacked import StackedDNC, member
from .train import _VALIDATION_BATCH, _VALIDATION_SEED, TrainConfig, check_batch, evaluate_on
from .train import train as train_one

STUDY_DIR = WEIGHTS_DIR / "study"
SEEDS = (0, 1, 2)
VARIANTS = ("full", *ABLATIONS)
STUDY_TASKS = ("copy", "recall")
DNC_LR = 3e-3
LSTM_LRS = (1e-3, 3e-3, 1e-2)
LSTM_STEPS = 2000
BATCH = 32
EVAL_EVERY = 100
CLIP_GRAD = 10.0
BITS, ITEM_LEN = 6, 2
# (shortest, longest) length (recall: items) and optimiser steps of each task's runs
TASK_RANGE = {"copy": (1, 6), "recall": (2, 4)}
DNC_STEPS = 1000
RESUME_DATA_SEED = 1000  # a resumed run draws new batches, not the first run's again


def dnc_path(variant: str, task: str, seed: int) -> Path:
    return STUDY_DIR / f"dnc_{variant}_{task}_s{seed}.pt"


def lstm_path(lr: float, seed: int) -> Path:
    return STUDY_DIR / f"lstm_copy_lr{lr:g}_s{seed}.pt"


def task_kw() -> dict[str, Any]:
    return {"bits": BITS, "min_repeats": 1, "max_repeats": 3, "item_len": ITEM_LEN}


def lstm_runs() -> list[TrainConfig]:
    """The baseline's grid: every rate of LSTM_LRS with every seed, on the study's copy range."""
    lo, hi = TASK_RANGE["copy"]
    return [
        TrainConfig(
            task="copy",
            model="lstm",
            seed=seed,
            lr=lr,
            batch=BATCH,
            min_len=lo,
            max_len=hi,
            max_steps=LSTM_STEPS,
            budget_min=5.0,
            eval_every=EVAL_EVERY,
            consolidate=200,
            partition=True,
            select_best=True,
            out=lstm_path(lr, seed),
        )
        for seed in SEEDS
        for lr in LSTM_LRS
    ]


def _pad_stack(batches: list[tasks.Batch]) -> tasks.Batch:
    """Member batches -> one Batch of [T, E, batch, ...] (shorter ones padded, padding unscored)."""
    steps = max(b.inputs.shape[0] for b in batches)

    def pad(t: torch.Tensor) -> torch.Tensor:
        extra = steps - t.shape[0]
        return torch.cat([t, t.new_zeros(extra, *t.shape[1:])]) if extra else t

    return tasks.Batch(
        torch.stack([pad(b.inputs) for b in batches], 1),
        torch.stack([pad(b.targets) for b in batches], 1),
        torch.stack([pad(b.mask) for b in batches], 1),
    )


def _member_losses(logits: torch.Tensor, batch: tasks.Batch) -> torch.Tensor:
    """[E] of task.masked_bce for each member (logits, targets [T, E, batch, out])."""
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, batch.targets, reduction="none"
    )
    return (loss.sum(-1) * batch.mask).sum((0, 2)) / batch.mask.shape[2]


def _member_errors(logits: torch.Tensor, batch: tasks.Batch) -> list[float]:
    """Bit error rate of each member on the same batch (logits [T, E, batch, out])."""
    wrong = ((logits > 0).float() != batch.targets).float().sum(-1) * batch.mask
    scored = batch.mask.sum((0, 2)) * batch.targets.shape[-1]
    return (wrong.sum((0, 2)) / scored.clamp(min=1)).tolist()


def train_seed(
    seed: int,
    steps: int = DNC_STEPS,
    study_tasks: tuple[str, ...] = STUDY_TASKS,
    resume: bool = False,
) -> list[Path]:
    """Train every variant of VARIANTS on both STUDY_TASKS with one seed, as one stacked run.

    Member (variant, task) starts from the weights ``torch.manual_seed(seed)`` gives a fresh DNC
    and sees the data of ``torch.Generator().manual_seed(seed)`` for its task: the variants start
    alike and see the same sequences, so they differ only by the mechanism switched off (copy and
    recall have the same input and output sizes, so both tasks share the stack). Every EVAL_EVERY
    steps each member is scored on its task's validation part and keeps its best weights.

    ``resume`` goes on from the checkpoints already written (their selected weights, a fresh Adam,
    new batches from the generator seeded ``seed + RESUME_DATA_SEED``) for ``steps`` more steps.
    """
    torch.set_num_threads(1)
    kw = task_kw()
    members = [(v, t) for t in study_tasks for v in VARIANTS]
    cfgs = []
    for variant, task in members:
        input_size, output_size = tasks.sizes(task, BITS)
        cfg = Config(task=task, input_size=input_size, output_size=output_size)
        off: dict[str, Any] = {} if variant == "full" else {ABLATIONS[variant]: False}
        cfgs.append(replace(cfg, **off))
    dncs = [member(c, seed) for c in cfgs]
    before = {i: 0 for i in range(len(members))}
    if resume:
        for i, (variant, task) in enumerate(members):
            loaded, payload = load_checkpoint(dnc_path(variant, task, seed), "dnc")
            dncs[i] = cast(DNC, loaded)
            before[i] = int(payload["metrics"]["train_steps"])
    model = StackedDNC(dncs)
    optimiser = torch.optim.Adam(model.parameters(), lr=DNC_LR)
    data_seed = seed + (RESUME_DATA_SEED if resume else 0)
    gens = {t: torch.Generator().manual_seed(data_seed) for t in study_tasks}
    val = {}
    for t in study_tasks:
        lo, hi = TASK_RANGE[t]
        vgen = torch.Generator().manual_seed(_VALIDATION_SEED + hi)
        val[t] = tasks.make_batch(t, _VALIDATION_BATCH, lo, hi, vgen, **kw, part="validation")
    val_stacked = _pad_stack([val[t] for _, t in members])
    best: list[dict[str, Any]] = [{"error": float("inf"), "step": 0} for _ in members]
    start, wall = time.process_time(), time.monotonic()
    stop = {"now": False}

    def request_stop(signum: int, frame: object) -> None:  # SIGTERM/SIGINT: finish and save
        stop["now"] = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    bar = tqdm(range(1, steps + 1), desc=f"study seed {seed} ×{model.size}", mininterval=5.0)
    taken = 0
    for step in bar:
        if stop["now"]:
            break
        taken = step
        per_task = {
            t: tasks.make_batch(t, BATCH, *TASK_RANGE[t], gens[t], **kw, part="train")
            for t in study_tasks
        }
        batch = _pad_stack([per_task[t] for _, t in members])
        losses = _member_losses(model(batch.inputs), batch)
        optimiser.zero_grad()
        losses.sum().backward()
        model.clip_grad_norms(CLIP_GRAD)
        optimiser.step()
        if step % EVAL_EVERY == 0:
            with torch.no_grad():
                errors = _member_errors(model(val_stacked.inputs), val_stacked)
            for i, error in enumerate(errors):
                if error < best[i]["error"]:
                    best[i] = {"error": error, "step": step, "state": model.member_state(i)}
            bar.set_postfix(val=" ".join(f"{e:.2f}" for e in errors))
    bar.close()
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    seconds, wall_seconds = time.process_time() - start, time.monotonic() - wall
    written = []
    for i, ((variant, task), cfg) in enumerate(zip(members, cfgs, strict=True)):
        lo, hi = TASK_RANGE[task]
        dnc = model.unstack(i)
        if "state" in best[i]:
            dnc.load_state_dict(best[i]["state"])
        check_error, check_exact = evaluate_on(dnc, check_batch(task, hi, kw))
        metrics = {
            "study": {"variant": variant, "members": len(members), "lr": DNC_LR},
            "train_cpu_seconds_all_members": round(seconds, 1),
            "train_wall_seconds_all_members": round(wall_seconds, 1),
            "train_steps": before[i] + taken,
            "resumed_at_step": before[i] if resume else None,
            "selected_step": before[i] + best[i]["step"] if "state" in best[i] else before[i],
            "val_bit_error": best[i]["error"],
            "check_length": hi,
            "check_bit_error": check_error,
            "check_exact": check_exact,
            "parameters": count_parameters(dnc),
            "args": {"min_len": lo, "max_len": hi, "batch": BATCH, **kw},
        }
        path = dnc_path(variant, task, seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_checkpoint(path, dnc, cfg, before[i] + taken, metrics, seed)
        written.append(path)
        print(f"{path.name}: val {best[i]['error']:.4f} at step {best[i]['step']}", flush=True)
    return written


@dataclass
class StudyConfig:
    """The flags of ``python -m demos.plugins.dnc.study``."""

    part: str = option("all", "what to train", choices=("all", "dnc", "lstm"))
    seed: int = option(-1, "only this training seed (-1: every seed of SEEDS)")
    lr: float = option(0.0, "lstm: only this learning rate of LSTM_LRS (0: all of them)")
    steps: int = option(DNC_STEPS, "optimiser steps of each stacked DNC run")
    task: str = option(
        "both", "dnc: train the copy or recall members only", choices=("both", *STUDY_TASKS)
    )
    resume: bool = option(False, "dnc: go on from the checkpoints written (see train_seed)")


def main(cfg: StudyConfig) -> None:
    torch.set_num_threads(1)
    seeds = SEEDS if cfg.seed < 0 else (cfg.seed,)
    if cfg.part in ("all", "dnc"):
        for seed in seeds:
            chosen = STUDY_TASKS if cfg.task == "both" else (cfg.task,)
            train_seed(seed, cfg.steps, chosen, cfg.resume)
    if cfg.part in ("all", "lstm"):
        for run in lstm_runs():
            if run.seed in seeds and cfg.lr in (0.0, run.lr):
                print(f"== {run.out}", flush=True)
                train_one(run)


if __name__ == "__main__":
    main(cli.parse(StudyConfig, sys.argv[1:], "python -m demos.plugins.dnc.study"))
