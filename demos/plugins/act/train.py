"""Train the bundled ACT parity checkpoints (Graves 2016, section 3.1, scaled to CPU).

One tanh RNN with ACT per time penalty τ, plus the one-update no-ACT baseline, each trained
with Adam on fresh batches from the training split of the vector space (see task.py) and
stopped early once it fits a fixed validation batch drawn from that training split. The
held-out split is never used for training or model selection, only after training to
store the checkpoint's metrics.

    python -m demos.plugins.act.train                      # all four τ values and the baseline
    python -m demos.plugins.act.train --only 1e-3 --max-updates 3000
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step
from demos.plugins.act.model import ACTRNN, Config, act_loss
from demos.plugins.act.task import ParityBatch, sample

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
TAUS = ("1e-1", "1e-2", "1e-3", "1e-4")
BASELINE = "baseline"
# Small τ first: those models usually stop early, leaving their unused budget to the rest.
TRAIN_ORDER = ("1e-3", "1e-4", "1e-2", "1e-1", BASELINE)

# Fixed, seeded evaluation sets. CHECK_* is the held-out set whose figures each checkpoint
# stores (and a test recomputes); VALID_* is drawn from the training split for stopping.
CHECK_SEED, CHECK_SIZE = 1234, 2048
VALID_SEED, VALID_SIZE = 4321, 1024
EVAL_CHUNK = 1024  # rows per forward pass when evaluating, to bound memory


@dataclass
class TrainConfig:
    """The ``train_demo act`` flags; the defaults reproduce the bundled checkpoints."""

    only: str = option("", "comma-separated subset of τ labels and/or 'baseline' (default: all)")
    dim: int = option(8, "parity vector size D")
    hidden: int = option(128, "tanh units in the RNN")
    max_ponder: int = option(20, "M, the cap on ponder updates per input")
    lr: float = option(3e-3, "Adam learning rate")
    batch_size: int = option(128, "vectors per update")
    max_updates: int = option(8000, "update cap per model")
    # Never stop before this: fitting the training vectors takes ~3000 updates, and the
    # extra updates let the held-out error fall further and the ponder cost act for longer.
    min_updates: int = option(5000, "no early stop before this many updates")
    eval_every: int = option(250, "updates between validations")
    target_error: float = option(0.002, "stop once validation error <= this")
    patience: int = option(
        0, "ACT models stop after this many validations without improvement (0: off)"
    )
    grad_clip: float = option(1.0, "gradient-norm clipping (keeps early long ponder chains tame)")
    seed: int = option(0, "seed for initialisation and data")
    budget_min: float = option(18.0, "wall-clock budget for all models, minutes")
    threads: int = option(1, "torch CPU threads (the machine is shared)")
    out: Path = option(WEIGHTS_DIR, "directory to write checkpoints to")


def checkpoint_name(dim: int, tau: str) -> str:
    """File name of a bundled checkpoint, e.g. parity8_tau1e-3.pt or parity8_baseline.pt."""
    return f"parity{dim}_{'baseline' if tau == BASELINE else 'tau' + tau}.pt"


def model_config(dim: int, tau: str, hidden: int, max_ponder: int) -> Config:
    """The model Config for a τ label ("1e-3", …) or the one-update baseline."""
    if tau == BASELINE:
        return Config(input_size=dim, hidden_size=hidden, max_steps=1, time_penalty=0.0)
    return Config(
        input_size=dim,
        hidden_size=hidden,
        max_steps=max_ponder,
        time_penalty=float(tau),
    )


@torch.no_grad()
def measure(model: ACTRNN, inputs: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """Error rate, mean ponder steps N and mean ponder cost ρ on [n, 1, D] inputs, [n, 1] targets."""
    model.eval()
    wrong, steps, cost = 0.0, 0.0, 0.0
    for start in range(0, inputs.shape[0], EVAL_CHUNK):
        out = model(inputs[start : start + EVAL_CHUNK], keep_steps=False)
        pred = (out.logits.squeeze(-1) > 0).float()
        wrong += float((pred != target[start : start + EVAL_CHUNK]).sum())
        steps += float(out.steps.sum())
        cost += float(out.ponder_cost.sum())
    n = inputs.shape[0]
    return {"error": wrong / n, "mean_steps": steps / n, "mean_ponder_cost": cost / n}


def check_set(dim: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The fixed held-out set (inputs [n,1,D], target [n,1], k [n]) with k ~ U{1..D} as in the paper."""
    g = torch.Generator().manual_seed(CHECK_SEED)
    k = torch.randint(1, dim + 1, (CHECK_SIZE,), generator=g)
    b = sample(CHECK_SIZE, dim, g, split="held_out", nonzero=k)
    return b.inputs, b.target, b.nonzero


def validation_set(dim: int) -> ParityBatch:
    """The fixed early-stopping set: training-split vectors with k ~ U{1..D}."""
    g = torch.Generator().manual_seed(VALID_SEED)
    k = torch.randint(1, dim + 1, (VALID_SIZE,), generator=g)
    return sample(VALID_SIZE, dim, g, split="train", nonzero=k)


def train_one(
    cfg: Config,
    tcfg: TrainConfig,
    on_step: OnStep = no_step,
    deadline: float = math.inf,
) -> tuple[ACTRNN, int, dict[str, float]]:
    """Train one model; returns (best model, its update count, its validation figures).

    on_step(update, {"loss", "task_loss", "ponder", "valid_error"}) is called after every
    update. Every tcfg.eval_every updates the model is scored on the validation batch and
    the best one so far is kept (ties go to the later, more trained one). Training stops at
    tcfg.max_updates, once the validation error is at most tcfg.target_error (but not
    before tcfg.min_updates), after
    tcfg.patience evaluations without improvement (if > 0), or at `deadline` (a
    time.monotonic() value).
    """
    torch.manual_seed(tcfg.seed)
    model = ACTRNN(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=tcfg.lr, fused=True)
    data = torch.Generator().manual_seed(tcfg.seed + 1)
    valid = validation_set(cfg.input_size)
    best = (
        measure(model, valid.inputs, valid.target),
        0,
        copy.deepcopy(model.state_dict()),
    )
    stale = 0
    update = 0
    while update < tcfg.max_updates and time.monotonic() < deadline:
        model.train()
        batch = sample(tcfg.batch_size, cfg.input_size, data, split="train")
        out = model(batch.inputs, keep_steps=False)
        loss, task_loss = act_loss(out, batch.target, cfg.time_penalty)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tcfg.grad_clip)
        opt.step()
        update += 1
        if update % tcfg.eval_every == 0:
            figures = measure(model, valid.inputs, valid.target)
            stale = 0 if figures["error"] < best[0]["error"] else stale + 1
            if figures["error"] <= best[0]["error"]:
                best = (figures, update, copy.deepcopy(model.state_dict()))
        on_step(
            update,
            {
                "loss": loss.item(),
                "task_loss": task_loss.item(),
                "ponder": float(out.steps.float().mean()),
                "valid_error": best[0]["error"],
            },
        )
        if update >= tcfg.min_updates and best[0]["error"] <= tcfg.target_error:
            break
        if tcfg.patience > 0 and stale >= tcfg.patience:
            break
    figures, best_update, state = best
    model.load_state_dict(state)
    return model, best_update, figures


def save_checkpoint(
    model: ACTRNN, updates: int, metrics: dict[str, float], path: Path, seed: int
) -> None:
    """Write the kit's checkpoint (``demos.kit.checkpoint.FIELDS``) to `path`."""
    checkpoint.save(
        {
            "model": model.state_dict(),
            "config": asdict(model.cfg),
            "step": updates,
            "metrics": metrics,
            "seed": seed,
        },
        path,
    )


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Train the requested models and write their checkpoints to ``cfg.out``.

    ``on_step(update, figures)`` follows every update of every model; ``figures["model"]`` is
    the τ label (or "baseline") being trained.
    """
    torch.set_num_threads(cfg.threads)
    labels = [s.strip() for s in cfg.only.split(",") if s.strip()] or list(TRAIN_ORDER)
    for label in labels:
        if label != BASELINE:
            float(label)  # fail early on a malformed τ
    inputs, target, _ = check_set(cfg.dim)
    start = time.monotonic()
    deadline = start + 60.0 * cfg.budget_min
    result = TrainResult(step=0, metrics={})
    for i, label in enumerate(labels):
        model_cfg = model_config(cfg.dim, label, cfg.hidden, cfg.max_ponder)
        # Share what is left of the budget among the models still to train.
        share = (deadline - time.monotonic()) / (len(labels) - i)
        model_deadline = time.monotonic() + share
        bar = tqdm(total=cfg.max_updates, desc=f"τ={label}", unit="upd", mininterval=1.0)

        def step(update: int, info: Mapping[str, Any], bar: tqdm = bar, label: str = label) -> None:
            bar.update(1)
            if update % 50 == 0:
                bar.set_postfix(
                    loss=f"{info['task_loss']:.3f}",
                    ponder=f"{info['ponder']:.2f}",
                    best_valid=f"{info['valid_error']:.2%}",
                )
            on_step(update, {**info, "model": label})

        # The baseline gets the full update cap, so its error is not an early-stopping artefact.
        model_tcfg = replace(cfg, patience=0) if label == BASELINE else cfg
        t0 = time.monotonic()
        model, updates, valid = train_one(model_cfg, model_tcfg, step, model_deadline)
        updates_run = bar.n
        bar.close()
        metrics = measure(model, inputs, target)
        metrics.update(
            {
                "valid_error": valid["error"],
                "updates_run": updates_run,
                "train_seconds": round(time.monotonic() - t0, 1),
                "tau": 0.0 if label == BASELINE else float(label),
                "lr": cfg.lr,
                "batch_size": cfg.batch_size,
            }
        )
        path = cfg.out / checkpoint_name(cfg.dim, label)
        save_checkpoint(model, updates, metrics, path, cfg.seed)
        result.checkpoints.append(path)
        result.metrics[label] = metrics
        result.step += updates_run
        print(
            f"τ={label}: best of {updates_run} updates at {updates}, "
            f"{metrics['train_seconds']} s, held-out error "
            f"{metrics['error']:.2%}, mean ponder steps {metrics['mean_steps']:.2f} -> {path.name}"
        )
    print(f"total training time {time.monotonic() - start:.0f} s")
    return result


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
