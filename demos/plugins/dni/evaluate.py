"""``evaluate(cfg, out)`` of the DNI demo: the bundled checkpoints on held-out test episodes.

Headline (the documented window T and length L of ``grid.json``): the accuracy of the LSTM
trained with synthetic gradients (``acc_dni``), with truncated BPTT alone (``acc_truncated_bptt``)
and with full BPTT (``acc_full_bptt``), each over the training seeds with a two-level bootstrap
interval (seeds, then episodes); ``dni_gain`` is the per-seed, per-episode difference of the first
two (the same seed gives both the same initial weights and training episodes); ``sg_cosine`` is the
cosine between the DNI models' synthetic gradients and the true gradients (full BPTT) at the
truncation boundaries of the test episodes. Checkpoints and learning rates were chosen on the
validation split (train.py); test episodes are disjoint from it (task.py's hash split, checked).

The table (three seeds per cell) gives the test accuracy of each method at each (T, L) and the
longest tested length each solved at each T (see `_table`): the paper's table 2 in small.

    python manage.py eval_demo dni [--quick]
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import torch

from demos.kit import checkpoint
from demos.kit.evaluation import (
    Ablation,
    Criterion,
    EvalConfig,
    Interval,
    Report,
    Split,
    bootstrap_seeds,
    register_baseline,
)

from .model import Config, Core, SyntheticGradient
from .task import Batch, item, sample
from .train import (
    METHODS,
    TABLE_DIR,
    VALID_SEED,
    WEIGHTS_DIR,
    accuracy,
    validation_set,
)
from .unroll import true_boundary_grads

TEST_SEED, TEST_SIZE, QUICK_SIZE = 9001, 4096, 512
SOLVED = 0.9  # a length counts as solved at this test accuracy
FIGURE = {"dni": "acc_dni", "truncated": "acc_truncated_bptt", "full": "acc_full_bptt"}
ACCEPTANCE = (Criterion("dni_gain", ">=", 0.10),)
ABLATIONS = ("no_synthetic_gradient", "window_T2", "window_T4")
register_baseline(
    "dni/truncated_bptt",
    "the same LSTM trained with truncated BPTT at the same window, no synthetic gradients",
)
register_baseline("dni/chance", "answering a fixed symbol (1 / K)")


def load(path) -> tuple[Core, SyntheticGradient, dict[str, Any]]:
    """The core (and, for DNI checkpoints, the synthetic-gradient module) of a checkpoint."""
    ckpt = checkpoint.load(path)
    cfg = Config(**ckpt["config"])
    core, sg = Core(cfg), SyntheticGradient(cfg)
    state = ckpt["model"]
    core.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("core.")})
    sg_state = {k[3:]: v for k, v in state.items() if k.startswith("sg.")}
    if sg_state:
        sg.load_state_dict(sg_state)
    return core.eval(), sg.eval(), ckpt


def test_set(length: int, symbols: int, size: int) -> Batch:
    return sample(size, length, symbols, torch.Generator().manual_seed(TEST_SEED), "test")


def boundary_cosines(core: Core, sg: SyntheticGradient, batch: Batch, window: int) -> torch.Tensor:
    """[n] per episode: mean over boundaries of cos(M(s_k), true dL_future/ds_k)."""
    true = true_boundary_grads(core, batch.inputs, batch.target, window)
    with torch.no_grad():
        s = core.initial_state(len(batch.symbol))
        cos = []
        for k in range(len(true)):
            _, s = core(batch.inputs[:, k * window : (k + 1) * window], s)
            cos.append(torch.nn.functional.cosine_similarity(sg(s), true[k], dim=-1, eps=1e-12))
    return torch.stack(cos, dim=1).mean(dim=1)


def _interval(per_seed: dict[int, Any], cfg: EvalConfig) -> Interval:
    return bootstrap_seeds(per_seed, resamples=cfg.resamples, seed=cfg.seed)


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    torch.set_num_threads(1)
    grid = json.loads((WEIGHTS_DIR / "grid.json").read_text())
    window, length = int(grid["window"]), int(grid["length"])
    size = QUICK_SIZE if cfg.quick else TEST_SIZE
    acc: dict[str, dict[int, Any]] = {m: {} for m in METHODS}
    cosines: dict[int, Any] = {}
    symbols = 4
    for method in METHODS:
        for path in sorted(WEIGHTS_DIR.glob(f"{method}_s*.pt")):
            core, sg, ckpt = load(path)
            symbols = core.cfg.symbols
            test = test_set(length, symbols, size)
            acc[method][int(ckpt["seed"])] = accuracy(core, test).numpy()
            if method == "dni":
                cosines[int(ckpt["seed"])] = boundary_cosines(core, sg, test, window).numpy()
    seeds = sorted(acc["dni"])
    test = test_set(length, symbols, size)
    valid = validation_set(length, symbols)

    out(f"DNI delayed recall, T = {window}, L = {length}: {size} test episodes (seed {TEST_SEED})")
    out(f"{'method':<10} " + " ".join(f"{'seed ' + str(s):>8}" for s in seeds))
    for method in METHODS:
        out(f"{method:<10} " + " ".join(f"{float(acc[method][s].mean()):>8.3f}" for s in seeds))
    figures: dict[str, Any] = {FIGURE[m]: _interval(acc[m], cfg) for m in METHODS}
    gain = {s: acc["dni"][s] - acc["truncated"][s] for s in seeds}
    figures["dni_gain"] = _interval(gain, cfg)
    figures["sg_cosine"] = _interval(cosines, cfg)
    figures["window"] = window
    figures["length"] = length
    figures["chance"] = 1.0 / symbols

    table, longest, table_splits = _table(size, length, out)
    by_window = {row["window"]: row for row in longest}
    details: dict[str, Any] = {
        "window": window,
        "length": length,
        "test_size": size,
        "per_seed": {m: {str(s): float(v.mean()) for s, v in acc[m].items()} for m in METHODS},
        "sg_cosine_per_seed": {str(s): float(v.mean()) for s, v in cosines.items()},
        "grid": grid["methods"],
        "solved_at": SOLVED,
        "table": table,
        "longest": longest,
    }
    ablations = [
        Ablation(
            "no_synthetic_gradient",
            "the synthetic-gradient module removed: truncated BPTT at the same window",
            {"acc": figures["acc_truncated_bptt"]},
        ),
        *[
            Ablation(
                f"window_T{w}",
                f"truncation window T = {w}: longest tested length solved (table, 3 seeds)",
                {
                    "longest_dni": by_window[w]["dni"],
                    "longest_truncated_bptt": by_window[w]["truncated"],
                    "longest_full_bptt": by_window[w]["full"],
                },
            )
            for w in (2, 4)
            if w in by_window
        ],
    ]
    return Report(
        demo="dni",
        quick=cfg.quick,
        figures=figures,
        splits=[
            Split.of("test", TEST_SEED, [item(t) for t in test.tokens]),
            Split.of("validation", VALID_SEED, [item(t) for t in valid.tokens]),
            *table_splits,
        ],
        seeds=seeds,
        draw_seeds={"test": TEST_SEED, "validation": VALID_SEED, "bootstrap": cfg.seed},
        baselines={
            "dni/truncated_bptt": figures["acc_truncated_bptt"].mean,
            "dni/chance": 1.0 / symbols,
        },
        ablations=ablations,
        acceptance=ACCEPTANCE,
        details=details,
    )


def _table(
    size: int, headline: int, out: Callable[[str], None]
) -> tuple[list[dict], list[dict], list[Split]]:
    """Test accuracy of every table checkpoint, per cell; the longest solved length per method and T.

    A cell (method, T, L) is solved when at least half of its seeds reach SOLVED test accuracy;
    the longest solved length at T is the largest tested L such that every tested length up to
    it is solved (0 when the shortest is not). Also the validation and test splits of each table
    length (the headline length's are the report's own ``validation`` and ``test``).
    """
    cells: dict[tuple[str, int, int], dict[int, float]] = {}
    for path in sorted(TABLE_DIR.glob("*.pt")):
        core, _, ckpt = load(path)
        m = ckpt["metrics"]
        test = test_set(int(m["length"]), core.cfg.symbols, size)
        key = (str(m["method"]), int(m["window"]), int(m["length"]))
        cells.setdefault(key, {})[int(ckpt["seed"])] = float(accuracy(core, test).mean())
    rows: list[dict[str, Any]] = []
    for (method, window, n), accs in sorted(cells.items()):
        solved = sum(a >= SOLVED for a in accs.values())
        rows.append(
            {
                "method": method,
                "window": window,
                "length": n,
                "acc": sum(accs.values()) / len(accs),
                "acc_per_seed": {str(k): v for k, v in sorted(accs.items())},
                "seeds_solved": solved,
                "solved": 2 * solved >= len(accs),
            }
        )
    lengths = sorted({r["length"] for r in rows})
    windows = sorted({r["window"] for r in rows if r["method"] != "full"})

    def longest(method: str, w: int) -> int:
        solved = {
            r["length"]: r["solved"]
            for r in rows
            if r["method"] == method and r["window"] == (0 if method == "full" else w)
        }
        best = 0
        for n in lengths:
            if not solved.get(n, False):
                break
            best = n
        return best

    best = [{"window": w, **{m: longest(m, w) for m in METHODS}} for w in windows]
    if rows:
        out("\ntable: test accuracy per (method, T, L), mean over seeds; solved = at least half")
        out(f"of the seeds reach {SOLVED}")
        for r in rows:
            name = "full" if r["method"] == "full" else f"{r['method']} T={r['window']}"
            per_seed = " ".join(f"{v:.3f}" for v in r["acc_per_seed"].values())
            out(
                f"{name:<14} L={r['length']:<3} {r['acc']:.3f}  ({per_seed}; "
                f"{r['seeds_solved']} solved)"
            )
        out(
            "longest solved length: "
            + "; ".join(
                f"T={b['window']}: dni {b['dni']}, truncated {b['truncated']}, full {b['full']}"
                for b in best
            )
        )
    splits = []
    for n in sorted(set(lengths) - {headline}):
        splits.append(
            Split.of(f"test_L{n}", TEST_SEED, [item(t) for t in test_set(n, 4, size).tokens])
        )
        valid = validation_set(n, 4)
        splits.append(Split.of(f"validation_L{n}", VALID_SEED, [item(t) for t in valid.tokens]))
    return rows, best, splits
