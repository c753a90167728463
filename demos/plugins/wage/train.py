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
HEADLINE = "2-8-8-8"
ABLATION_VARIANTS = ("deterministic", "noshift")
DEFAULT_SEEDS = 3
DEFAULT_EPOCHS = 60
# The tuning grids, each chosen on the validation split (train() keeps the best rate's seeds).
FLOAT_LRS = (0.0125, 0.025, 0.05, 0.1, 0.2)
ETAS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)  # WAGE eta at k_G = 8, powers of two
TABLE_ETAS = (2.0, 4.0, 8.0)  # the other settings of the table: a smaller grid each
NOSHIFT_LRS = tuple(2.0**-e for e in range(11, 5, -1))  # 2^-11 .. 2^-6


def _csv(values: tuple[float, ...]) -> str:
    return ",".join(str(v) for v in values)


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
    """One training run: the trained model, per-epoch curves, final validation and test accuracy.

    ``test_correct``: 0/1 per test image (the per-item values the evaluation bootstraps);
    ``update_counts``: [layers][2 * MAX_CODE + 1] counts of the update codes n = -8..8.
    """

    model: WageMLP
    test_acc: float
    seconds: float
    steps: int
    curves: dict[str, list[float]] = field(default_factory=dict)
    val_acc: float = 0.0
    test_correct: list[int] = field(default_factory=list)
    update_counts: list[list[int]] = field(default_factory=list)


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
        "val_acc": [],
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
        info = {
            "loss": loss_sum / n,
            "train_acc": correct / n,
            "val_acc": accuracy(model, data.x_val, data.y_val),
            "test_acc": accuracy(model, data.x_test, data.y_test),
            "lr": lr,
        }
        curves["epoch"].append(epoch + 1)
        for key in ("loss", "train_acc", "val_acc", "test_acc"):
            curves[key].append(round(info[key], 5))
        if not math.isfinite(info["loss"]):
            raise FloatingPointError(f"loss became {info['loss']} at epoch {epoch + 1}")
        on_step(epoch + 1, info)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        hits = model(data.x_test).argmax(dim=1) == data.y_test
    return RunResult(
        model,
        info["test_acc"],
        seconds,
        steps,
        curves,
        val_acc=info["val_acc"],
        test_correct=[int(h) for h in hits],
        update_counts=model.update_counts.tolist(),
    )


def checkpoint_name(bits: str, seed: int, variant: str = "stochastic") -> str:
    """weights/ file name of one run, e.g. "wage_2888_s0.pt", "wage_2888_deterministic_s0.pt"."""
    tag = "" if variant == "stochastic" else f"_{variant}"
    return f"wage_{bits.replace('-', '')}{tag}_s{seed}.pt"


INT8_STEP_KEY = "int8_steps"  # metrics[...]: {state key: step} of the tensors stored as int8 codes
_STEPS = tuple(2.0**-e for e in range(0, 9))  # 1, 1/2, ..., 2^-8


def compact_state_dict(state: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], dict]:
    """Store a tensor as int8 codes n (value = n * step) when that is exact, else as it is.

    WAGE weights are whole multiples of sigma(k_G) = 2^(1-k_G) inside (-1, 1), so for
    k_G <= 8 they are int8 codes times a power of two: a quarter of float32, losslessly.
    Float-path weights are not and stay float32. Returns (state, {key: step}); `restore_state_dict`
    undoes it.
    """
    out, steps = {}, {}
    for key, t in state.items():
        out[key] = t
        if not t.is_floating_point():
            continue
        for step in _STEPS:  # the coarsest step that holds t exactly
            codes = t / step
            if codes.abs().max() <= 127 and torch.equal(codes.round(), codes):
                out[key] = codes.to(torch.int8)
                steps[key] = step
                break
    return out, steps


def restore_state_dict(state: dict[str, torch.Tensor], steps: dict) -> dict[str, torch.Tensor]:
    """The float32 state dict from `compact_state_dict`'s (state, steps)."""
    return {
        key: t.to(torch.float32) * float(steps[key]) if key in steps else t
        for key, t in state.items()
    }


def save_checkpoint(result: RunResult, path: Path, extra: Mapping[str, Any] | None = None) -> None:
    """Write the kit's checkpoint (``demos.kit.checkpoint.FIELDS``) to ``path``.

    ``metrics`` holds what the evaluation needs besides the weights: validation and test
    accuracy, the 0/1 result per test image and the update-code histogram.
    """
    cfg = result.model.cfg
    state, steps = compact_state_dict(result.model.state_dict())
    checkpoint.save(
        {
            "model": state,
            "config": asdict(cfg),
            "step": result.steps,
            "metrics": {
                "val_acc": result.val_acc,
                "test_acc": result.test_acc,
                "test_correct": "".join(str(h) for h in result.test_correct),
                "update_counts": result.update_counts,
                "seconds": round(result.seconds, 2),
                INT8_STEP_KEY: steps,
                **(extra or {}),
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
    lines = [f"{'k_W-k_A-k_G-k_E':<22} {'test acc (%)':>16} {'error (%)':>10}  per seed"]
    for r in rows:
        runs = " ".join(f"{100 * v:.2f}" for v in r["runs"])
        acc = f"{100 * r['mean']:.2f} ± {100 * r['std']:.2f}"
        lines.append(f"{r['bits']:<22} {acc:>16} {100 * (1 - r['mean']):>10.2f}  {runs}")
    return "\n".join(lines)


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",") if v.strip()]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


@dataclass
class TrainConfig:
    """The ``train_demo wage`` flags; the defaults reproduce the bundled weights and table."""

    settings: str = option(
        ",".join(SETTINGS),
        "comma-separated k_W-k_A-k_G-k_E settings, or 'float' (default: the bundled table)",
    )
    ablations: str = option(
        ",".join(ABLATION_VARIANTS),
        "Q_G variants of 2-8-8-8 trained besides (deterministic, noshift; '' for none)",
    )
    seeds: int = option(DEFAULT_SEEDS, "seeds per setting (0..n-1)")
    epochs: int = option(DEFAULT_EPOCHS, "epochs per run")
    float_lrs: str = option(
        _csv(FLOAT_LRS), "float32 SGD learning-rate grid (chosen on validation)"
    )
    etas: str = option(_csv(ETAS), "WAGE eta grid at k_G = 8 (powers of two, chosen on validation)")
    table_etas: str = option(
        _csv(TABLE_ETAS), "eta grid of the other bit-width settings (chosen on validation)"
    )
    noshift_lrs: str = option(
        _csv(NOSHIFT_LRS), "learning-rate grid of the no-shift Q_G variant (chosen on validation)"
    )
    budget_min: float = option(
        60.0, "wall-clock budget in minutes; runs not started by then are skipped (reported)"
    )
    out: Path = option(WEIGHTS_DIR, "directory for checkpoints")


def _families(
    cfg: TrainConfig, settings: list[str]
) -> list[tuple[str, str, str, str, list[float]]]:
    """The tuned runs: (name, bits, variant, Config field of the rate, grid)."""
    families = []
    if "float" in settings:
        families.append(("float", "float", "stochastic", "lr_float", _floats(cfg.float_lrs)))
    if HEADLINE in settings:
        families.append((HEADLINE, HEADLINE, "stochastic", "lr", _floats(cfg.etas)))
    for variant in [v.strip() for v in cfg.ablations.split(",") if v.strip()]:
        if variant not in ABLATION_VARIANTS:
            raise ValueError(f"unknown ablation {variant!r}; one of {ABLATION_VARIANTS}")
        if variant == "deterministic":
            families.append(
                (f"{HEADLINE}/deterministic", HEADLINE, variant, "lr", _floats(cfg.etas))
            )
        else:
            grid = _floats(cfg.noshift_lrs)
            families.append((f"{HEADLINE}/noshift", HEADLINE, variant, "lr_float", grid))
    for bits in settings:
        if bits not in ("float", HEADLINE):
            families.append((bits, bits, "stochastic", "lr", _floats(cfg.table_etas)))
    return families


def variant_overrides(variant: str) -> dict[str, Any]:
    """Config fields of a Q_G variant: "stochastic" (the paper's), "deterministic", "noshift"."""
    overrides: dict[str, dict[str, Any]] = {
        "stochastic": {},
        "deterministic": {"rounding": "deterministic"},
        "noshift": {"grad_shift": False},
    }
    return overrides[variant]


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Tune, train and save every run; write the summary ``table.json`` to ``cfg.out``.

    1. Each tuned family (float32, 2-8-8-8 and its Q_G variants) trains every rate of its own grid
       on every seed; the rate with the best mean *validation* accuracy is kept and its seeds'
       checkpoints are written (the other rates keep only their figures, in table.json).
    2. Every other setting of ``cfg.settings`` does the same on the smaller ``table_etas`` grid.

    The tuning of families not trained this time is kept from an existing table.json in
    ``cfg.out`` (a run split in parts gives the same files as one run: every run is seeded alone).

    ``on_step(epoch, figures)`` follows every epoch; ``figures["model"]`` names the run.
    """
    torch.set_num_threads(1)  # the machine is shared; one thread is also deterministic
    cfg.out.mkdir(parents=True, exist_ok=True)
    settings = [s.strip() for s in cfg.settings.split(",") if s.strip()]
    data = load_digits_split()
    deadline = time.monotonic() + 60.0 * cfg.budget_min
    families = _families(cfg, settings)
    total = cfg.seeds * sum(len(f[4]) for f in families)
    skipped: list[str] = []
    result = TrainResult(step=0, metrics={})
    tuning: dict[str, dict] = {}

    def run_one(bits: str, variant: str, seed: int, overrides: dict, bar: tqdm) -> RunResult | None:
        name = f"{bits}/{variant}/s{seed}/{overrides}"
        if time.monotonic() > deadline:
            skipped.append(name)
            bar.update(cfg.epochs)
            return None
        model_cfg = config_for(
            bits, epochs=cfg.epochs, seed=seed, **variant_overrides(variant), **overrides
        )
        bar.set_description(f"{bits} {variant} seed {seed}")

        def step(epoch: int, info: Mapping[str, Any]) -> None:
            bar.update(1)
            on_step(epoch, {**info, "model": name})

        run = train_run(model_cfg, step, data)
        result.step += run.steps
        return run

    def save(run: RunResult, variant: str, extra: dict) -> None:
        cfg_ = run.model.cfg
        path = cfg.out / checkpoint_name(cfg_.bits, cfg_.seed, variant)
        save_checkpoint(run, path, extra)
        result.checkpoints.append(path)
        tqdm.write(f"{path.name}: val {100 * run.val_acc:.2f}%, test {100 * run.test_acc:.2f}%")

    with tqdm(total=total * cfg.epochs, unit="epoch") as bar:
        for name, bits, variant, field_name, grid in families:
            rows: list[dict] = []
            runs_by_rate: list[list[RunResult]] = []
            for rate in grid:
                done: list[RunResult] = []
                val: list[float] = []
                test: list[float | None] = []
                for seed in range(cfg.seeds):
                    try:
                        run = run_one(bits, variant, seed, {field_name: rate}, bar)
                    except FloatingPointError:  # diverged: counts as 0 on validation
                        bar.update(cfg.epochs - bar.n % cfg.epochs if bar.n % cfg.epochs else 0)
                        val.append(0.0)
                        test.append(None)
                        continue
                    if run is not None:
                        done.append(run)
                        val.append(run.val_acc)
                        test.append(run.test_acc)
                runs_by_rate.append(done)
                if val:
                    rows.append({"rate": rate, "val": val, "test": test, "val_mean": _mean(val)})
            if not rows:
                continue
            best = max(range(len(rows)), key=lambda i: rows[i]["val_mean"])  # first of equals
            tuning[name] = {"field": field_name, "grid": rows, "chosen": rows[best]["rate"]}
            for run in runs_by_rate[best]:
                save(run, variant, {"tuned": field_name, "grid": [r["rate"] for r in rows]})
    previous = cfg.out / TABLE_FILE
    kept = json.loads(previous.read_text()).get("tuning", {}) if previous.exists() else {}
    table = stored_table(cfg.out)
    table["tuning"] = {**kept, **tuning}
    print(format_table(table["rows"]))
    for name, t in table["tuning"].items():
        shown = ", ".join(f"{r['rate']:g}: {100 * r['val_mean']:.2f}" for r in t["grid"])
        print(f"{name}: {t['field']} on validation {{{shown}}} -> {t['chosen']:g}")
    if skipped:
        print(f"budget reached, skipped: {', '.join(skipped)}")
    (cfg.out / TABLE_FILE).write_text(json.dumps(table, indent=1) + "\n")
    result.metrics = {"table": table, "skipped": skipped}
    return result


def stored_table(out: Path) -> dict:
    """The table over every checkpoint in ``out``, from the accuracies stored at training time.

    Rows follow SETTINGS order (other settings after them), Q_G variants as "2-8-8-8/<variant>";
    {"epochs", "seeds", "rows"}, each row with test ("mean", "std", "runs") and "val".
    """
    accs: dict[str, list[float]] = {}
    vals: dict[str, list[float]] = {}
    epochs, seeds = set(), set()
    for path in sorted(out.glob("wage_*_s*.pt")):
        ckpt = checkpoint.load(path)
        cfg = Config(**{**ckpt["config"], "sizes": tuple(ckpt["config"]["sizes"])})
        key = cfg.bits if cfg.variant == "stochastic" else f"{cfg.bits}/{cfg.variant}"
        accs.setdefault(key, []).append(ckpt["metrics"]["test_acc"])
        vals.setdefault(key, []).append(ckpt["metrics"]["val_acc"])
        epochs.add(cfg.epochs)
        seeds.add(cfg.seed)
    order = [b for b in SETTINGS if b in accs] + sorted(b for b in accs if b not in SETTINGS)
    rows = summarise({b: accs[b] for b in order})
    for row in rows:
        row["val"] = vals[row["bits"]]
    return {
        "epochs": max(epochs) if len(epochs) == 1 else sorted(epochs),
        "seeds": len(seeds),
        "rows": rows,
    }


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
