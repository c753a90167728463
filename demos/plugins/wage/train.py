"""Train WAGE MLPs on digits and reproduce the bit-width table (mean +- std over seeds).

Wu et al., ICLR 2018 (arXiv:1802.04680), experiments (bit-width table) in miniature: the same network is
trained with several k_W-k_A-k_G-k_E settings and with float32, by pure mini-batch SGD (no
momentum, no weight decay), and each run's test accuracy is stored with its checkpoint.

    .venv/bin/python -m demos.plugins.wage.train                     # the bundled table (9 settings x 3 seeds)
    .venv/bin/python -m demos.plugins.wage.train --settings 2-8-8-8 --seeds 1 --epochs 20
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step

from .model import Config, WageMLP, accuracy, sse_loss
from .quant import FLOAT_BITS
from .task import Digits, load_digits_split

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
TABLE_FILE = "table.json"
# The table's rows: the paper's 2-8-8-8 and its neighbours, lower widths, 8-bit weights, float.
SETTINGS = (
    "float",
    "8-8-8-8",
    "2-8-8-8",
    "2-8-8-6",
    "2-8-8-4",
    "2-6-8-8",
    "2-4-8-8",
    "2-2-8-8",
    "2-8-4-8",
)
DEFAULT_SEEDS = 3
DEFAULT_EPOCHS = 60


def parse_bits(bits: str) -> tuple[int, int, int, int]:
    """ "2-8-8-8" -> (2, 8, 8, 8); "float" -> (32, 32, 32, 32)."""
    if bits == "float":
        return (FLOAT_BITS,) * 4
    widths = tuple(int(k) for k in bits.split("-"))
    if len(widths) != 4 or not all(2 <= k <= FLOAT_BITS for k in widths):
        raise ValueError(f"expected k_W-k_A-k_G-k_E with each k in 2..32, got {bits!r}")
    return widths


def config_for(bits: str, **overrides: Any) -> Config:
    """A default Config with the bit widths of ``bits`` ("2-8-8-8" or "float")."""
    k_w, k_a, k_g, k_e = parse_bits(bits)
    return replace(Config(), k_w=k_w, k_a=k_a, k_g=k_g, k_e=k_e, **overrides)


@dataclass
class RunResult:
    """One training run: the trained model, per-epoch curves and the final test accuracy."""

    model: WageMLP
    test_acc: float
    seconds: float
    steps: int
    curves: dict[str, list[float]] = field(default_factory=dict)


def train_run(cfg: Config, on_step: OnStep = no_step, data: Digits | None = None) -> RunResult:
    """Train one network from seed ``cfg.seed``; call ``on_step(epoch, info)`` after each epoch.

    Three generators (init, batch order, stochastic rounding) make the run reproducible.
    """
    data = data or load_digits_split()
    g_init = torch.Generator().manual_seed(cfg.seed)
    g_order = torch.Generator().manual_seed(cfg.seed + 1_000)
    g_round = torch.Generator().manual_seed(cfg.seed + 2_000)
    model = WageMLP(cfg, g_init)
    n = data.x_train.shape[0]
    curves: dict[str, list[float]] = {
        "epoch": [],
        "loss": [],
        "train_acc": [],
        "test_acc": [],
    }
    steps, start = 0, time.perf_counter()
    for epoch in range(cfg.epochs):
        lr = cfg.learning_rate(epoch)
        order = torch.randperm(n, generator=g_order)
        loss_sum, correct = 0.0, 0
        for lo in range(0, n, cfg.batch_size):
            idx = order[lo : lo + cfg.batch_size]
            out = model(data.x_train[idx])
            loss = sse_loss(out, data.y_train[idx])
            loss.backward()
            model.sgd_step(lr, g_round)
            loss_sum += float(loss.detach()) * len(idx)
            correct += int((out.argmax(dim=1) == data.y_train[idx]).sum())
            steps += 1
        test_acc = accuracy(model, data.x_test, data.y_test)
        info = {
            "loss": loss_sum / n,
            "train_acc": correct / n,
            "test_acc": test_acc,
            "lr": lr,
        }
        curves["epoch"].append(epoch + 1)
        for key in ("loss", "train_acc", "test_acc"):
            curves[key].append(round(info[key], 5))
        if not math.isfinite(info["loss"]):
            raise FloatingPointError(f"loss became {info['loss']} at epoch {epoch + 1}")
        on_step(epoch + 1, info)
    seconds = time.perf_counter() - start
    return RunResult(model, info["test_acc"], seconds, steps, curves)


def checkpoint_name(bits: str, seed: int) -> str:
    """weights/ file name of one run, e.g. "wage_2888_s0.pt" or "wage_float_s1.pt"."""
    return f"wage_{bits.replace('-', '')}_s{seed}.pt"


def compact_state_dict(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Store a tensor as float16 when that is exact (lossless, half the file size).

    WAGE weights are whole multiples of 2^(1-k) in (-1, 1), which float16 holds exactly;
    float-path weights are not and stay float32. load_state_dict converts back on copy.
    """
    out = {}
    for key, t in state.items():
        half = t.half()
        out[key] = half if torch.equal(half.float(), t) else t
    return out


def save_checkpoint(result: RunResult, path: Path) -> None:
    """Write the kit's checkpoint (``demos.kit.checkpoint.FIELDS``) to ``path``."""
    cfg = result.model.cfg
    checkpoint.save(
        {
            "model": compact_state_dict(result.model.state_dict()),
            "config": asdict(cfg),
            "step": result.steps,
            "metrics": {
                "test_acc": result.test_acc,
                "seconds": round(result.seconds, 2),
            },
            "seed": cfg.seed,
        },
        path,
    )


def summarise(accs: dict[str, list[float]]) -> list[dict]:
    """Per setting: mean and (population) std of test accuracy over seeds, in SETTINGS order."""
    rows = []
    for bits, values in accs.items():
        t = torch.tensor(values, dtype=torch.float64)
        std = float(t.std(unbiased=False)) if len(values) > 1 else 0.0
        rows.append({"bits": bits, "mean": float(t.mean()), "std": std, "runs": values})
    return rows


def format_table(rows: list[dict]) -> str:
    """A plain-text table: setting, test accuracy mean +- std, test error, per-seed values."""
    lines = [f"{'k_W-k_A-k_G-k_E':<16} {'test acc (%)':>16} {'error (%)':>10}  per seed"]
    for r in rows:
        runs = " ".join(f"{100 * v:.2f}" for v in r["runs"])
        acc = f"{100 * r['mean']:.2f} ± {100 * r['std']:.2f}"
        lines.append(f"{r['bits']:<16} {acc:>16} {100 * (1 - r['mean']):>10.2f}  {runs}")
    return "\n".join(lines)


def stored_table(out: Path) -> dict:
    """The table over every checkpoint in ``out``, from the accuracies stored at training time.

    Rows follow SETTINGS order (other settings after them); {"epochs", "seeds", "rows"}.
    """
    accs: dict[str, list[float]] = {}
    epochs, seeds = set(), set()
    for path in sorted(out.glob("wage_*_s*.pt")):
        ckpt = checkpoint.load(path)
        cfg = Config(**{**ckpt["config"], "sizes": tuple(ckpt["config"]["sizes"])})
        accs.setdefault(cfg.bits, []).append(ckpt["metrics"]["test_acc"])
        epochs.add(cfg.epochs)
        seeds.add(cfg.seed)
    order = [b for b in SETTINGS if b in accs] + sorted(b for b in accs if b not in SETTINGS)
    return {
        "epochs": max(epochs) if len(epochs) == 1 else sorted(epochs),
        "seeds": len(seeds),
        "rows": summarise({b: accs[b] for b in order}),
    }


@dataclass
class TrainConfig:
    """The ``train_demo wage`` flags; the defaults reproduce the bundled table."""

    settings: str = option(
        ",".join(SETTINGS),
        "comma-separated k_W-k_A-k_G-k_E settings, or 'float' (default: the bundled table)",
    )
    seeds: int = option(DEFAULT_SEEDS, "seeds per setting (0..n-1)")
    epochs: int = option(DEFAULT_EPOCHS, "epochs per run")
    budget_min: float = option(
        60.0, "wall-clock budget in minutes; runs not started by then are skipped (reported)"
    )
    skip_existing: bool = option(
        False, "keep runs whose checkpoint already exists (resume an interrupted table)"
    )
    out: Path = option(WEIGHTS_DIR, "directory for checkpoints")


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Train every (setting, seed), save each checkpoint and the summary table to ``cfg.out``.

    ``on_step(epoch, figures)`` follows every epoch; ``figures["model"]`` is "<bits>/s<seed>".
    """
    torch.set_num_threads(1)  # the machine is shared; one thread is also deterministic
    cfg.out.mkdir(parents=True, exist_ok=True)
    settings = [s.strip() for s in cfg.settings.split(",") if s.strip()]
    data = load_digits_split()
    deadline = time.monotonic() + 60.0 * cfg.budget_min
    jobs = [(bits, seed) for bits in settings for seed in range(cfg.seeds)]
    skipped = []
    result = TrainResult(step=0, metrics={})
    with tqdm(total=len(jobs) * cfg.epochs, unit="epoch") as bar:
        for bits, seed in jobs:
            path = cfg.out / checkpoint_name(bits, seed)
            if (cfg.skip_existing and path.exists()) or time.monotonic() > deadline:
                if not path.exists():
                    skipped.append(f"{bits}/s{seed}")
                bar.update(cfg.epochs)
                continue
            model_cfg = config_for(bits, epochs=cfg.epochs, seed=seed)
            bar.set_description(f"{bits} seed {seed}")

            def step(epoch: int, info: Mapping[str, Any], name: str = f"{bits}/s{seed}") -> None:
                bar.update(1)
                on_step(epoch, {**info, "model": name})

            run = train_run(model_cfg, step, data)
            save_checkpoint(run, path)
            result.checkpoints.append(path)
            result.step += run.steps
            tqdm.write(
                f"{bits} seed {seed}: test acc {100 * run.test_acc:.2f}% ({run.seconds:.1f} s)"
            )
    table = stored_table(cfg.out)
    print(format_table(table["rows"]))
    if skipped:
        print(f"budget reached, skipped: {', '.join(skipped)}")
    (cfg.out / TABLE_FILE).write_text(json.dumps(table, indent=1) + "\n")
    result.metrics = {"table": table, "skipped": skipped}
    return result


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
