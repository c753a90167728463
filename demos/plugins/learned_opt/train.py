"""Meta-train the learned optimizer with antithetic evolution strategies over truncated unrolls.

Each meta-update takes ``--tasks-per-step`` task streams. A stream is one inner problem drawn from
the meta-training distribution (``task.sample_task``) being trained for ``META_HORIZON`` steps by
the *current* θ, ``--truncation`` steps at a time (talk point 13: partial unrolls). For every
truncation, 2·pairs perturbed copies θ ± σε start from the stream's state, the antithetic ES
gradient of the mean log-loss over the truncation is formed (``es.antithetic_estimate``), and the
unperturbed θ (run in the same batch) carries the stream forward. The gradients of the streams are
averaged and applied with Adam. A fixed validation set of held-out tasks picks the best θ, and
the whole meta-training curve is stored in the checkpoint. The bundled optimizers are three
meta-training seeds, one checkpoint each (a fixed number of meta-updates, so a rerun with the same
seed writes the same θ on any machine speed):

    python manage.py train_demo learned_opt --seed 0      # → weights/learned_opt_s0.pt
    python -m demos.plugins.learned_opt.train --seed 1    # → weights/learned_opt_s1.pt
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step

from .es import antithetic_estimate, meta_loss
from .inner import recorded_losses, run_mixed
from .model import Config, InnerState, LearnedOptimizer
from .task import META_HORIZON, Task, make_task, sample_task

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
SEEDS = (0, 1, 2)  # the meta-training seeds whose optimizers are bundled and evaluated
VAL_SEED_OFFSET = 500_000  # validation tasks: neither meta-training nor evaluation seeds
TRAIN_SEED_STRIDE = 10_000_000  # meta-training seed s draws its tasks from s·stride upwards


def weights_path(seed: int) -> Path:
    """The bundled checkpoint of meta-training seed ``seed``."""
    return WEIGHTS_DIR / f"learned_opt_s{seed}.pt"


WEIGHTS = weights_path(SEEDS[0])  # the optimizer the live demo races
ADAM_DEFAULT_LR = 1e-3
SGD_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
ADAM_GRID = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)


@dataclass
class MetaConfig:
    """Meta-training hyper-parameters (defaults sized for a shared 2-core CPU); stored with θ."""

    seed: int = 0
    budget_s: float = 0.0  # wall-clock limit; 0: none (a limit makes θ depend on machine speed)
    max_updates: int = 600
    pairs: int = 8
    sigma: float = 0.01
    truncation: int = 20
    tasks_per_step: int = 2
    meta_lr: float = 5e-3
    grad_clip: float = 1.0
    val_tasks: int = 16
    val_every: int = 50


class Stream:
    """One inner problem being trained by the current θ, a truncation at a time."""

    def __init__(self, seed: int) -> None:
        self.task: Task = sample_task(seed)
        with torch.no_grad():
            self.initial_loss = float(self.task.loss(self.task.init_params(1))[0])
        self.state: InnerState | None = None

    @property
    def done(self) -> bool:
        return self.state is not None and self.state.step >= self.task.horizon


CHECK_STEPS = 40


def check_tasks() -> list[Task]:
    """The small fixed evaluation set whose figure is stored in the checkpoint (and re-checked)."""
    return [make_task("syn_cls", 0, CHECK_STEPS), make_task("quad", 0, CHECK_STEPS)]


def check_metric(theta: torch.Tensor, hidden: int) -> float:
    """Mean log final loss of θ on ``check_tasks``."""
    vals = []
    for task in check_tasks():
        run = run_mixed(task, theta.unsqueeze(0), hidden, record_every=task.horizon)
        vals.append(math.log(float(recorded_losses(run)[0, -1])))
    return sum(vals) / len(vals)


def validation_tasks(n: int) -> list[Task]:
    return [sample_task(VAL_SEED_OFFSET + i) for i in range(n)]


def baseline_finals(tasks: list[Task]) -> list[dict[str, float]]:
    """Final full-data losses of Adam at its default lr and of the best SGD / Adam on the grids."""
    out = []
    kinds = ["sgd"] * len(SGD_GRID) + ["adam"] * len(ADAM_GRID)
    for task in tasks:
        run = run_mixed(
            task,
            torch.zeros(0, 1),
            32,
            kinds,
            SGD_GRID + ADAM_GRID,
            record_every=task.horizon,
        )
        final = torch.nan_to_num(recorded_losses(run)[:, -1], nan=math.inf)
        sgd, adam = final[: len(SGD_GRID)], final[len(SGD_GRID) :]
        out.append(
            {
                "sgd_tuned": float(sgd.min()),
                "adam_tuned": float(adam.min()),
                "adam_default": float(adam[ADAM_GRID.index(ADAM_DEFAULT_LR)]),
            }
        )
    return out


def validate(
    theta: torch.Tensor, hidden: int, tasks: list[Task], base: list[dict[str, float]]
) -> dict:
    """Mean log final loss of θ on the validation tasks and how often it beats the baselines."""
    finals = []
    for task in tasks:
        run = run_mixed(task, theta.unsqueeze(0), hidden, record_every=task.horizon)
        finals.append(float(torch.nan_to_num(recorded_losses(run)[0, -1], nan=math.inf)))
    frac = {
        k: sum(f < b[k] for f, b in zip(finals, base, strict=False)) / len(tasks)
        for k in ("adam_default", "sgd_tuned", "adam_tuned")
    }
    mean_log = sum(math.log(max(min(f, 1e6), 1e-8)) for f in finals) / len(finals)
    return {
        "val_mean_log_loss": mean_log,
        **{f"val_beats_{k}": v for k, v in frac.items()},
    }


def meta_train(
    cfg: Config,
    tcfg: MetaConfig,
    on_step: OnStep = no_step,
    resume: tuple[torch.Tensor, list[dict]] | None = None,
) -> tuple[torch.Tensor, list[dict], dict]:
    """Run meta-training; returns (best θ [D], meta-training curve, best validation metrics).

    ``resume`` = (θ, curve) of an earlier stage: training continues from θ (fresh meta-Adam
    state) and the curve continues the earlier one's updates and seconds.
    """
    torch.manual_seed(tcfg.seed)
    gen = torch.Generator().manual_seed(tcfg.seed)
    if resume is None:
        theta = LearnedOptimizer(cfg, seed=tcfg.seed).theta.detach().clone()
        curve, u_off, t_off = [], 0, 0.0
    else:
        theta, curve = resume[0].detach().clone(), list(resume[1])
        u_off, t_off = curve[-1]["update"], curve[-1]["seconds"]
    meta_opt = torch.optim.Adam([theta], lr=tcfg.meta_lr)
    val = validation_tasks(tcfg.val_tasks)
    base = baseline_finals(val)
    best = {**validate(theta, cfg.hidden, val, base), "best_update": u_off}
    best_theta, start = theta.clone(), time.time()
    if resume is None:
        curve.append({"update": 0, "seconds": 0.0, "train_meta_loss": None, **best})
    first_seed = next_seed = tcfg.seed * TRAIN_SEED_STRIDE
    streams: list[Stream] = []
    for i in range(tcfg.tasks_per_step):
        streams.append(Stream(next_seed))
        next_seed += 1
        # Stagger the streams so that every meta-update sees several training stages.
        skip = (i * META_HORIZON // tcfg.tasks_per_step) // tcfg.truncation * tcfg.truncation
        if skip:
            ev = meta_loss(
                streams[i].task,
                theta.unsqueeze(0),
                cfg.hidden,
                skip,
                initial_loss=streams[i].initial_loss,
            )
            streams[i].state = ev.state
    ema = None
    update = 0
    bar = tqdm(total=tcfg.max_updates, desc="meta-train", unit="update")

    def in_budget() -> bool:
        return tcfg.budget_s <= 0 or time.time() - start < tcfg.budget_s

    while update < tcfg.max_updates and in_budget():
        grads, centre_losses = [], []
        for i, stream in enumerate(streams):
            if stream.done:
                streams[i] = stream = Stream(next_seed)
                next_seed += 1
            grad, _, centre = antithetic_estimate(
                stream.task,
                theta,
                cfg.hidden,
                tcfg.sigma,
                tcfg.pairs,
                tcfg.truncation,
                gen,
                stream.state,
                stream.initial_loss,
                with_centre=True,
            )
            assert centre is not None  # with_centre=True
            stream.state = centre.state
            grads.append(grad)
            centre_losses.append(float(centre.loss[0]))
        grad = torch.stack(grads).mean(0)
        norm = float(grad.norm())
        if norm > tcfg.grad_clip:  # a chaotic truncation can give a huge ES difference
            grad = grad * (tcfg.grad_clip / norm)
        meta_opt.zero_grad()
        theta.grad = grad
        meta_opt.step()
        update += 1
        mean_centre = sum(centre_losses) / len(centre_losses)
        ema = mean_centre if ema is None else 0.95 * ema + 0.05 * mean_centre
        record = {
            "update": u_off + update,
            "seconds": round(t_off + time.time() - start, 1),
            "train_meta_loss": ema,
        }
        if update % tcfg.val_every == 0:
            record.update(validate(theta, cfg.hidden, val, base))
            if record["val_mean_log_loss"] < best["val_mean_log_loss"]:
                best = {
                    **{k: record[k] for k in best if k in record},
                    "best_update": u_off + update,
                }
                best_theta = theta.clone()
            curve.append(record)
            bar.set_postfix(
                val=f"{record['val_mean_log_loss']:.3f}",
                best=f"{best['val_mean_log_loss']:.3f}",
            )
        on_step(update, record)
        bar.update(1)
    bar.close()
    final = validate(theta, cfg.hidden, val, base)
    curve.append(
        {
            "update": u_off + update,
            "seconds": round(t_off + time.time() - start, 1),
            "train_meta_loss": ema,
            **final,
        }
    )
    if final["val_mean_log_loss"] < best["val_mean_log_loss"]:
        best, best_theta = {**final, "best_update": u_off + update}, theta.clone()
    # The meta-training task seeds used, [first, last + 1): disjoint from validation and test.
    best["train_task_seeds"] = [first_seed, next_seed]
    return best_theta, curve, best


def save(
    theta: torch.Tensor,
    cfg: Config,
    tcfg: MetaConfig,
    curve: list[dict],
    best: dict,
    path: Path = WEIGHTS,
    earlier_stages: list[dict] | None = None,
) -> dict:
    """Write the kit's checkpoint; metrics include the check figure.

    ``config["stages"]`` lists the MetaConfig of every stage (more than one after --resume)."""
    metrics = {
        **best,
        "check_mean_log_loss": check_metric(theta, cfg.hidden),
        "meta_curve": curve,
        "train_seconds": curve[-1]["seconds"],
    }
    ckpt = {
        "model": {"theta": theta.detach().clone()},
        "config": {
            **asdict(cfg),
            "train": asdict(tcfg),
            "stages": [*(earlier_stages or []), asdict(tcfg)],
        },
        "step": curve[-1]["update"],
        "metrics": metrics,
        "seed": tcfg.seed,
    }
    checkpoint.save(ckpt, path)
    return metrics


_META = MetaConfig()


@dataclass
class TrainConfig:
    """The ``train_demo learned_opt`` flags (defaults: the MetaConfig and Config defaults)."""

    seed: int = option(_META.seed, "meta-training seed (the bundled ones: 0, 1, 2)")
    budget_s: float = option(
        _META.budget_s, "wall-clock budget in seconds (0: none, the run is then reproducible)"
    )
    max_updates: int = option(_META.max_updates, "stop after this many meta-updates")
    pairs: int = option(_META.pairs, "antithetic pairs per task per update")
    sigma: float = option(_META.sigma, "ES perturbation scale σ")
    truncation: int = option(_META.truncation, "inner steps per truncated unroll")
    tasks_per_step: int = option(_META.tasks_per_step, "task streams averaged per update")
    meta_lr: float = option(_META.meta_lr, "Adam learning rate on θ")
    val_every: int = option(_META.val_every, "validate every N updates")
    val_tasks: int = option(_META.val_tasks, "number of validation tasks")
    hidden: int = option(Config.hidden, "hidden width of the optimizer MLP")
    init_lr: float = option(Config.init_lr, "Adam lr the weights start from")
    out: Path | None = option(None, "checkpoint path (default: weights/learned_opt_s<seed>.pt)")
    resume: Path | None = option(
        None, "continue from this checkpoint (its θ, config and curve; use a new --seed)"
    )


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Meta-train θ (``on_step(update, record)`` after each meta-update) and save it to ``cfg.out``."""
    torch.set_num_threads(1)
    model_cfg = Config(hidden=cfg.hidden, init_lr=cfg.init_lr)
    resume, stages = None, None
    if cfg.resume is not None:
        ckpt = checkpoint.load(cfg.resume)
        fields = {k: v for k, v in ckpt["config"].items() if k in Config.__dataclass_fields__}
        model_cfg = Config(**fields)
        resume = (ckpt["model"]["theta"], ckpt["metrics"]["meta_curve"])
        stages = ckpt["config"].get("stages") or [ckpt["config"]["train"]]
    tcfg = MetaConfig(
        cfg.seed,
        cfg.budget_s,
        cfg.max_updates,
        cfg.pairs,
        cfg.sigma,
        cfg.truncation,
        cfg.tasks_per_step,
        cfg.meta_lr,
        _META.grad_clip,
        cfg.val_tasks,
        cfg.val_every,
    )
    out = cfg.out or weights_path(cfg.seed)
    theta, curve, best = meta_train(model_cfg, tcfg, on_step, resume=resume)
    metrics = save(theta, model_cfg, tcfg, curve, best, out, stages)
    print({k: v for k, v in metrics.items() if k != "meta_curve"})
    return TrainResult(step=int(curve[-1]["update"]), metrics=metrics, checkpoints=[out])


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
