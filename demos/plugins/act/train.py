"""Train the bundled ACT parity checkpoints (Graves 2016, section 3.1, scaled to CPU).

For every training seed (0, 1, 2 by default): one tanh RNN with ACT per time penalty τ, the
fixed-ponder ablation (the same RNN with exactly N = 2, 3 or 5 updates per input and no
halting unit), and the one-update no-ACT baseline with its own learning-rate grid. Every
model is trained with Adam for the same number of updates on fresh batches drawn from the
training split of the vector space (see task.py), and scored on the whole validation split
every `eval_every` updates; the best validated state so far is written to the model's
checkpoint at every validation (ties: the later state), so a run stopped after its
validation at update U has written exactly what ``--max-updates U`` writes. The baseline
is trained once per learning rate of its grid (`--baseline-lrs`, one checkpoint each);
evaluate.py and infer.py keep, per seed, the rate with the lowest validation error. The
test split is never touched here.

    python -m demos.plugins.act.train                        # everything, seeds 0, 1, 2
    python -m demos.plugins.act.train --only 1e-3 --seeds 0 --max-updates 3000
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step
from demos.plugins.act.model import ACTRNN, Config, act_loss
from demos.plugins.act.task import ParityBatch, sample, split_vectors

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
TAUS = ("1e-1", "1e-2", "1e-3")
BASELINE = "baseline"
FIXED = {"fixed2": 2, "fixed3": 3, "fixed5": 5}  # label -> N, the fixed ponder steps
LABELS = (*TAUS, *FIXED, BASELINE)
SEEDS = (0, 1, 2)
BASELINE_LRS = (1e-3, 3e-3, 1e-2)
EVAL_CHUNK = 1024  # rows per forward pass when evaluating, to bound memory


@dataclass
class TrainConfig:
    """The ``train_demo act`` flags; the defaults reproduce the bundled checkpoints."""

    only: str = option("", f"comma-separated subset of {', '.join(LABELS)} (default: all)")
    baseline_lrs: str = option(
        ",".join(f"{lr:g}" for lr in BASELINE_LRS), "the baseline's learning-rate grid"
    )
    seeds: str = option("0,1,2", "comma-separated training seeds")
    dim: int = option(10, "parity vector size D")
    hidden: int = option(128, "tanh units in the RNN")
    max_ponder: int = option(20, "M, the cap on ponder updates per input")
    lr: float = option(3e-3, "Adam learning rate of the ACT and fixed-step models")
    batch_size: int = option(128, "vectors per update")
    max_updates: int = option(10000, "updates per model (every model gets the same number)")
    eval_every: int = option(250, "updates between validations")
    grad_clip: float = option(1.0, "gradient-norm clipping (keeps early long ponder chains tame)")
    threads: int = option(1, "torch CPU threads (the machine is shared)")
    out: Path = option(WEIGHTS_DIR, "directory to write checkpoints to")


def checkpoint_name(dim: int, label: str, seed: int, lr: float | None = None) -> str:
    """File name of a checkpoint: parity10_tau1e-3_s0.pt, parity10_fixed3_s1.pt, parity10_baseline_lr3e-3_s2.pt."""
    if label == BASELINE:
        if lr is None:
            raise ValueError("a baseline checkpoint is named by its learning rate too")
        return f"parity{dim}_{BASELINE}_lr{lr:g}_s{seed}.pt"
    kind = label if label in FIXED else f"tau{label}"
    return f"parity{dim}_{kind}_s{seed}.pt"


def model_config(dim: int, label: str, hidden: int, max_ponder: int) -> Config:
    """The model Config for a τ label ("1e-3", …), a fixed-step label or the baseline."""
    if label == BASELINE:
        return Config(input_size=dim, hidden_size=hidden, max_steps=1, time_penalty=0.0)
    if label in FIXED:
        return Config(
            input_size=dim,
            hidden_size=hidden,
            max_steps=FIXED[label],
            time_penalty=0.0,
            fixed_steps=True,
        )
    return Config(
        input_size=dim, hidden_size=hidden, max_steps=max_ponder, time_penalty=float(label)
    )


@torch.no_grad()
def measure(model: ACTRNN, inputs: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """Error rate, mean ponder steps N and mean ponder cost ρ on [n, 1, D] inputs, [n, 1] targets."""
    per = per_vector(model, inputs, target)
    return {
        "error": float(per["wrong"].mean()),
        "mean_steps": float(per["steps"].mean()),
        "mean_ponder_cost": float(per["ponder_cost"].mean()),
    }


@torch.no_grad()
def per_vector(
    model: ACTRNN, inputs: torch.Tensor, target: torch.Tensor
) -> dict[str, torch.Tensor]:
    """{"wrong", "steps", "ponder_cost"}: [n] float per input of [n, 1, D] inputs, [n, 1] targets."""
    model.eval()
    wrong, steps, cost = [], [], []
    for start in range(0, inputs.shape[0], EVAL_CHUNK):
        out = model(inputs[start : start + EVAL_CHUNK], keep_steps=False)
        pred = (out.logits.squeeze(-1) > 0).float()
        wrong.append((pred != target[start : start + EVAL_CHUNK]).float()[:, 0])
        steps.append(out.steps[:, 0].float())
        cost.append(out.ponder_cost[:, 0])
    return {"wrong": torch.cat(wrong), "steps": torch.cat(steps), "ponder_cost": torch.cat(cost)}


def validation_set(dim: int) -> ParityBatch:
    """The whole validation split, each vector once (checkpoint, τ and learning-rate selection)."""
    return split_vectors(dim, "validation")


Kept = Callable[[ACTRNN, int, dict[str, Any], int], None]
"""``kept(best model, its update, its validation figures, updates run)`` after every validation."""


def _no_kept(model: ACTRNN, best_update: int, figures: dict[str, Any], updates: int) -> None:
    """The `Kept` that keeps nothing."""


def train_one(
    cfg: Config,
    tcfg: TrainConfig,
    seed: int,
    lr: float,
    on_step: OnStep = no_step,
    kept: Kept = _no_kept,
) -> tuple[ACTRNN, int, dict[str, Any]]:
    """Train one model for tcfg.max_updates; returns (best model, its update, its validation figures).

    on_step(update, {"loss", "task_loss", "ponder", "valid_error"}) is called after every
    update. Every tcfg.eval_every updates (and after the last) the model is scored on the
    validation split, the best state so far is kept (ties go to the later, more trained
    one) and handed to `kept`. The figures hold the validation curve too ("curve": [[update,
    error], …]).
    """
    torch.manual_seed(seed)
    model = ACTRNN(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    data = torch.Generator().manual_seed(seed + 1)
    valid = validation_set(cfg.input_size)
    best = (measure(model, valid.inputs, valid.target), 0, copy.deepcopy(model.state_dict()))
    curve = [[0, best[0]["error"]]]
    snapshot = ACTRNN(cfg)
    for update in range(1, tcfg.max_updates + 1):
        model.train()
        batch = sample(tcfg.batch_size, cfg.input_size, data, split="train")
        out = model(batch.inputs, keep_steps=False)
        loss, task_loss = act_loss(out, batch.target, cfg.time_penalty)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tcfg.grad_clip)
        opt.step()
        if update % tcfg.eval_every == 0 or update == tcfg.max_updates:
            figures = measure(model, valid.inputs, valid.target)
            curve.append([update, round(figures["error"], 6)])
            if figures["error"] <= best[0]["error"]:
                best = (figures, update, copy.deepcopy(model.state_dict()))
            snapshot.load_state_dict(best[2])
            kept(snapshot, best[1], {**best[0], "curve": list(curve)}, update)
        on_step(
            update,
            {
                "loss": loss.item(),
                "task_loss": task_loss.item(),
                "ponder": float(out.steps.float().mean()),
                "valid_error": best[0]["error"],
            },
        )
    figures, best_update, state = best
    model.load_state_dict(state)
    return model, best_update, {**figures, "curve": curve}


def save_checkpoint(
    model: ACTRNN, updates: int, metrics: Mapping[str, Any], path: Path, seed: int
) -> None:
    """Write the kit's checkpoint (``demos.kit.checkpoint.FIELDS``) to `path`."""
    checkpoint.save(
        {
            "model": model.state_dict(),
            "config": asdict(model.cfg),
            "step": updates,
            "metrics": dict(metrics),
            "seed": seed,
        },
        path,
    )


def _labels(only: str) -> list[str]:
    labels = [s.strip() for s in only.split(",") if s.strip()] or list(LABELS)
    unknown = [label for label in labels if label not in LABELS]
    if unknown:
        raise ValueError(f"unknown model label(s) {', '.join(unknown)}; known: {', '.join(LABELS)}")
    return labels


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Train the requested models for every seed and write their checkpoints to ``cfg.out``.

    ``on_step(update, figures)`` follows every update of every model; ``figures["model"]`` is
    the label being trained, ``figures["seed"]`` its seed and ``figures["lr"]`` its rate.
    """
    torch.set_num_threads(cfg.threads)
    labels = _labels(cfg.only)
    seeds = [int(s) for s in cfg.seeds.split(",") if s.strip()]
    baseline_lrs = [float(s) for s in cfg.baseline_lrs.split(",") if s.strip()]
    start = time.monotonic()
    result = TrainResult(step=0, metrics={})
    for seed in seeds:
        for label in labels:
            for lr in baseline_lrs if label == BASELINE else [cfg.lr]:
                path = cfg.out / checkpoint_name(
                    cfg.dim, label, seed, lr if label == BASELINE else None
                )
                valid = _train_and_keep(cfg, label, seed, lr, path, on_step)
                result.checkpoints.append(path)
                result.metrics[path.stem] = valid
                result.step += cfg.max_updates
    print(f"total training time {time.monotonic() - start:.0f} s")
    return result


def _train_and_keep(
    cfg: TrainConfig, label: str, seed: int, lr: float, path: Path, on_step: OnStep
) -> dict[str, Any]:
    """Train one model, writing its best validated state to `path` at every validation."""
    model_cfg = model_config(cfg.dim, label, cfg.hidden, cfg.max_ponder)
    bar = tqdm(total=cfg.max_updates, desc=f"{label} s{seed} lr {lr:g}", mininterval=2.0)
    t0 = time.monotonic()

    def step(update: int, info: Mapping[str, Any]) -> None:
        bar.update(1)
        if update % 100 == 0:
            bar.set_postfix(
                loss=f"{info['task_loss']:.3f}",
                ponder=f"{info['ponder']:.2f}",
                best_valid=f"{info['valid_error']:.2%}",
            )
        on_step(update, {**info, "model": label, "seed": seed, "lr": lr})

    def keep(model: ACTRNN, best_update: int, valid: dict[str, Any], updates: int) -> None:
        metrics = {
            "valid_error": valid["error"],
            "valid_mean_steps": valid["mean_steps"],
            "valid_mean_ponder_cost": valid["mean_ponder_cost"],
            "valid_curve": valid["curve"],
            "updates_run": updates,
            "train_seconds": round(time.monotonic() - t0, 1),
            "label": label,
            "tau": model_cfg.time_penalty,
            "lr": lr,
            "batch_size": cfg.batch_size,
        }
        save_checkpoint(model, best_update, metrics, path, seed)

    _, updates, valid = train_one(model_cfg, cfg, seed, lr, step, keep)
    bar.close()
    print(
        f"{label} seed {seed}: kept update {updates} (lr {lr:g}), "
        f"{time.monotonic() - t0:.1f} s, validation error {valid['error']:.2%}, "
        f"mean ponder steps {valid['mean_steps']:.2f} -> {path.name}",
        flush=True,
    )
    return valid


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
