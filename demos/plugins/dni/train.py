"""Train the delayed-recall LSTM three ways and write ``weights/``: truncated BPTT, truncated BPTT
with synthetic gradients (DNI), and full BPTT (Jaderberg et al. 2016, section 3.2).

For each method, the first seed is trained at every learning rate of the method's grid and the
rate with the best validation accuracy is kept; the other seeds train at that rate. Each model's
checkpoint is the step with the best validation accuracy (validation and test episodes are disjoint, task.py). The optional table
trains a model per (method, T, length) cell and seed for the "longest length solved against T" figure.

python manage.py train_demo dni                  # the bundled weights (about 10 CPU-minutes)
python -m demos.plugins.dni.train --no-table --steps 200
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step

from .model import Config, Core, SyntheticGradient
from .task import Batch, sample
from .unroll import Unrolled, backward, dni_backward, true_boundary_grads

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
TABLE_DIR = WEIGHTS_DIR / "table"
METHODS = ("dni", "truncated", "full")
VALID_SEED, VALID_SIZE = 7001, 512
GRAD_CLIP = 1.0


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


@dataclass
class TrainConfig:
    """The ``train_demo dni`` flags; the defaults made the bundled weights."""

    out_dir: Path = option(WEIGHTS_DIR, "folder of the checkpoints")
    methods: str = option(
        ",".join(METHODS), "comma-separated methods to train (dni, truncated, full)"
    )
    window: int = option(4, "truncation window T of the headline figures")
    length: int = option(
        24, "dependency length of the headline figures (steps from symbol to recall)"
    )
    steps: int = option(1500, "Adam steps per model")
    batch: int = option(32, "episodes per step")
    lrs: str = option("3e-3,1e-2", "learning-rate grid, chosen per method on validation")
    seeds: str = option("0,1,2", "training seeds")
    eval_every: int = option(50, "steps between validation checks (checkpoint selection)")
    symbols: int = option(4, "alphabet size K")
    hidden: int = option(32, "LSTM units")
    headline: bool = option(
        True, "train the headline models (3 methods x seeds at --window, --length)"
    )
    table: bool = option(True, "also train the longest-length-vs-T table")
    table_windows: str = option("2,4", "truncation windows T of the table")
    table_lengths: str = option("8,16,24", "dependency lengths of the table")
    table_steps: int = option(1000, "Adam steps per table model")
    table_seeds: str = option("0,1,2", "training seeds of every table cell")
    skip_existing: bool = option(False, "keep table checkpoints already written (resume a run)")


@dataclass
class Fit:
    """One trained model: the best-validation weights and the curves that led there."""

    core: Core
    sg: SyntheticGradient
    best_step: int
    best_val_acc: float
    history: dict[str, list[float]] = field(default_factory=dict)


def validation_set(length: int, symbols: int) -> Batch:
    return sample(
        VALID_SIZE, length, symbols, torch.Generator().manual_seed(VALID_SEED), "validation"
    )


@torch.no_grad()
def accuracy(core: Core, batch: Batch) -> torch.Tensor:
    """[n] float: 1 where the answer at the recall step is the remembered symbol."""
    logits, _ = core(batch.inputs, core.initial_state(len(batch.symbol)))
    return (logits[:, -1].argmax(-1) == batch.symbol).float()


def step_method(
    method: str, core: Core, sg: SyntheticGradient, batch: Batch, window: int
) -> Unrolled:
    """One windowed backward of `method` (accumulates ``.grad``)."""
    if method == "dni":
        return dni_backward(core, sg, batch.inputs, batch.target, window)
    if method == "truncated":
        return backward(core, batch.inputs, batch.target, window)
    if method == "full":
        return backward(core, batch.inputs, batch.target, batch.inputs.shape[1])
    raise ValueError(f"unknown method {method!r}")


def sg_cosine(core: Core, sg: SyntheticGradient, batch: Batch, window: int) -> float:
    """Mean cosine between δ̂ = M(s_k) and the true dL_future/ds_k, over boundaries and episodes."""
    true = true_boundary_grads(core, batch.inputs, batch.target, window)
    if not true:
        return float("nan")
    with torch.no_grad():
        s = core.initial_state(len(batch.symbol))
        cos = []
        for k, t0 in enumerate(range(0, window * len(true), window)):
            _, s = core(batch.inputs[:, t0 : t0 + window], s)
            cos.append(torch.nn.functional.cosine_similarity(sg(s), true[k], dim=-1, eps=1e-12))
        return float(torch.cat(cos).mean())


def fit(
    method: str,
    *,
    window: int,
    length: int,
    steps: int,
    lr: float,
    seed: int,
    batch: int = 32,
    symbols: int = 4,
    hidden: int = 32,
    eval_every: int = 50,
    cosine: bool = False,
    on_step: OnStep = no_step,
    on_eval: Callable[[int, dict[str, float]], None] | None = None,
    bar: bool = False,
) -> Fit:
    """Train one model with `method`; keep the weights of its best validation check.

    Every `eval_every` steps (and at the end) the validation accuracy is measured, with the mean
    loss and synthetic-gradient error since the last check (and, with `cosine`, `sg_cosine` on
    the last batch); `on_eval(step, figures)` sees them.
    """
    torch.manual_seed(seed)
    cfg = Config(symbols=symbols, hidden=hidden)
    core, sg = Core(cfg), SyntheticGradient(cfg)
    params = list(core.parameters()) + (list(sg.parameters()) if method == "dni" else [])
    opt = torch.optim.Adam(params, lr=lr)
    data = torch.Generator().manual_seed(10_000 + seed)
    valid = validation_set(length, symbols)
    best = (-1.0, 0, copy.deepcopy(core.state_dict()), copy.deepcopy(sg.state_dict()))
    hist: dict[str, list[float]] = {"step": [], "val_acc": [], "loss": [], "sg_rel_error": []}
    if cosine:
        hist["sg_cosine"] = []
    losses: list[float] = []
    errors: list[float] = []
    for step in tqdm(range(1, steps + 1), desc=f"{method} T={window} L={length}", disable=not bar):
        b = sample(batch, length, symbols, data)
        opt.zero_grad()
        out = step_method(method, core, sg, b, window)
        torch.nn.utils.clip_grad_norm_(params, GRAD_CLIP)
        opt.step()
        losses.append(out.loss)
        errors.append(out.sg_rel_error)
        on_step(step, {"loss": out.loss, "sg_rel_error": out.sg_rel_error, "model": method})
        if step % eval_every == 0 or step == steps:
            acc = float(accuracy(core, valid).mean())
            figures = {
                "val_acc": acc,
                "loss": sum(losses) / len(losses),
                "sg_rel_error": _mean(errors),
            }
            if cosine:
                figures["sg_cosine"] = (
                    sg_cosine(core, sg, b, window) if method == "dni" else float("nan")
                )
            for key, value in figures.items():
                hist.setdefault(key, []).append(value)
            hist["step"].append(step)
            losses, errors = [], []
            if acc > best[0]:
                best = (acc, step, copy.deepcopy(core.state_dict()), copy.deepcopy(sg.state_dict()))
            if on_eval is not None:
                on_eval(step, figures)
    core.load_state_dict(best[2])
    sg.load_state_dict(best[3])
    return Fit(core.eval(), sg.eval(), best[1], best[0], hist)


def _mean(values: list[float]) -> float:
    finite = [v for v in values if v == v]
    return sum(finite) / len(finite) if finite else float("nan")


def save_fit(
    path: Path, run: Fit, method: str, window: int, length: int, seed: int, lr: float, steps: int
) -> Path:
    model = {f"core.{k}": v for k, v in run.core.state_dict().items()}
    if method == "dni":
        model.update({f"sg.{k}": v for k, v in run.sg.state_dict().items()})
    return checkpoint.save(
        {
            "model": model,
            "config": asdict(run.core.cfg),
            "step": run.best_step,
            "metrics": {
                "method": method,
                "window": window,
                "length": length,
                "lr": lr,
                "steps_trained": steps,
                "val_acc": run.best_val_acc,
                "history": run.history,
            },
            "seed": seed,
        },
        path,
    )


def checkpoint_name(method: str, seed: int) -> str:
    return f"{method}_s{seed}.pt"


def table_name(method: str, window: int, length: int, seed: int) -> str:
    return f"{method}_T{window}_L{length}_s{seed}.pt"


def _headline(
    cfg: TrainConfig, method: str, seeds: list[int], lrs: list[float], on_step: OnStep
) -> tuple[dict[str, Any], dict[int, Fit]]:
    """The learning rate chosen on the first seed's validation accuracy, then every seed at it."""

    def one(seed: int, lr: float) -> Fit:
        return fit(
            method,
            window=cfg.window,
            length=cfg.length,
            steps=cfg.steps,
            lr=lr,
            seed=seed,
            batch=cfg.batch,
            symbols=cfg.symbols,
            hidden=cfg.hidden,
            eval_every=cfg.eval_every,
            on_step=on_step,
            bar=True,
        )

    first = {lr: one(seeds[0], lr) for lr in lrs}
    chosen = max(lrs, key=lambda lr: (first[lr].best_val_acc, -lr))  # ties: the smaller rate
    runs = {seeds[0]: first[chosen], **{seed: one(seed, chosen) for seed in seeds[1:]}}
    info = {
        "val_acc_by_lr": {str(lr): r.best_val_acc for lr, r in first.items()},
        "lr_chosen_on_seed": seeds[0],
        "lr": chosen,
        "val_acc": {str(seed): r.best_val_acc for seed, r in runs.items()},
    }
    return info, runs


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Train the headline models (and the table); write their checkpoints and ``grid.json``."""
    torch.set_num_threads(1)
    started = time.monotonic()
    methods = [m.strip() for m in cfg.methods.split(",") if m.strip()]
    seeds, lrs = _ints(cfg.seeds), _floats(cfg.lrs)
    written: list[Path] = []
    grid: dict[str, Any] = {"window": cfg.window, "length": cfg.length, "methods": {}}
    total_steps = 0
    if cfg.table and not cfg.headline and not (cfg.out_dir / "grid.json").exists():
        raise ValueError("the table uses the headline's learning rates: train the headline first")
    if cfg.headline:
        for method in methods:
            path_of = {seed: cfg.out_dir / checkpoint_name(method, seed) for seed in seeds}
            info, runs = _headline(cfg, method, seeds, lrs, on_step)
            grid["methods"][method] = info
            for seed, run in runs.items():
                written.append(
                    save_fit(
                        path_of[seed],
                        run,
                        method,
                        cfg.window,
                        cfg.length,
                        seed,
                        info["lr"],
                        cfg.steps,
                    )
                )
            total_steps += cfg.steps * (len(lrs) + len(seeds) - 1)
    elif (cfg.out_dir / "grid.json").exists():  # the table alone: the rates chosen before
        grid = json.loads((cfg.out_dir / "grid.json").read_text())
    if cfg.table:
        table_dir = cfg.out_dir / TABLE_DIR.name
        # Seeds outermost: a run cut short leaves whole seeds of the table, not a few cells.
        for seed in _ints(cfg.table_seeds):
            for method in methods:
                lr = grid["methods"][method]["lr"]
                for window in [0] if method == "full" else _ints(cfg.table_windows):
                    for length in _ints(cfg.table_lengths):
                        path = table_dir / table_name(method, window, length, seed)
                        if cfg.skip_existing and path.exists():
                            continue
                        run = fit(
                            method,
                            window=window or length + 1,
                            length=length,
                            steps=cfg.table_steps,
                            lr=lr,
                            seed=seed,
                            batch=cfg.batch,
                            symbols=cfg.symbols,
                            hidden=cfg.hidden,
                            eval_every=cfg.eval_every,
                            on_step=on_step,
                            bar=True,
                        )
                        total_steps += cfg.table_steps
                        written.append(
                            save_fit(path, run, method, window, length, seed, lr, cfg.table_steps)
                        )
    grid["minutes" if cfg.headline else "table_minutes"] = (time.monotonic() - started) / 60
    cfg.out_dir.mkdir(parents=True, exist_ok=True)
    (cfg.out_dir / "grid.json").write_text(json.dumps(grid, indent=1) + "\n")
    return TrainResult(step=total_steps, metrics=grid, checkpoints=written)


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
