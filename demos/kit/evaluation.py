"""What every demo's evaluation shares: seeds, held-out splits, intervals, baselines, ablations and
one report shape (no Django, no torch: NumPy only).

A plug-in's ``evaluate.py`` exposes

    ACCEPTANCE = (Criterion("parity_error", "<", 0.02), ...)   # what the demo promises
    def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report

and builds its `Report` with the pieces below:

- `Split`: a named held-out set, with the seed that drew it and its *distinct* items counted
  (a batch of 200 random sequences may hold fewer than 200 different ones); `check_disjoint`
  raises `OverlapError` when two splits share an item.
- `bootstrap`: a percentile-bootstrap 95 % interval of a mean over per-item values (seeded, so a
  report is reproducible); `bootstrap_seeds`: the same for a figure measured on several training
  seeds, resampling seeds and then items within each seed, so the interval holds both the
  seed-to-seed spread and the finite test set.
- `BASELINES`: the registry of what a demo is compared with (``register_baseline``), so every
  report names a baseline the same way; `Ablation`: a named variant of the model and its figure.
- `Report.to_json()`: the one JSON shape ``manage.py eval_demo`` prints as its last line (the
  training ``seeds`` as a list, every interval figure as ``{"mean", "ci95": [lo, hi]}``, and
  ``ablations`` as a mapping from name to its figures); `Report.table()`: the same as a human
  table. ``eval_demo <slug> --write`` also stores it as the plug-in's ``evaluation.json``, which
  the demo page shows (`read_report`).

``EvalConfig.quick`` asks for a small version of the evaluation (a few seconds on two cores, what
``tests/test_demo_contract.py`` runs): smaller held-out sets, no timing loops. The acceptance
figures hold in both.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cli import option

LEVEL = 0.95
RESAMPLES = 2000
REPORT_VERSION = 2
REPORT_FILE = "evaluation.json"
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


@dataclass
class EvalConfig:
    """The ``eval_demo`` flags shared by every plug-in."""

    quick: bool = option(False, "a small, fast evaluation (what the contract test runs)")
    write: bool = option(
        False, "also store the (full) report as the plug-in's evaluation.json, shown on its page"
    )
    resamples: int = option(RESAMPLES, "bootstrap resamples for the 95 % intervals")
    seed: int = option(0, "seed of the bootstrap resampling (the held-out sets have their own)")


class OverlapError(ValueError):
    """Two splits that must be disjoint share items."""


@dataclass(frozen=True)
class Split:
    """A held-out set: its name, the seed that drew it, and its items (anything hashable)."""

    name: str
    seed: int | None
    items: tuple[Hashable, ...]

    @classmethod
    def of(cls, name: str, seed: int | None, items: Iterable[Hashable]) -> Split:
        return cls(name, seed, tuple(items))

    @property
    def draws(self) -> int:
        return len(self.items)

    @property
    def size(self) -> int:
        """Distinct items, not draws."""
        return distinct(self.items)

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "size": self.size, "draws": self.draws}


def distinct(items: Iterable[Hashable]) -> int:
    """How many different items `items` holds."""
    return len(set(items))


def check_disjoint(*splits: Split) -> dict[str, int]:
    """{name: distinct size} of `splits`; OverlapError naming the pair and a shared item if any."""
    seen: dict[Hashable, str] = {}
    for split in splits:
        for item in set(split.items):
            other = seen.get(item)
            if other is not None and other != split.name:
                shared = sum(1 for i in set(split.items) if seen.get(i) == other)
                raise OverlapError(
                    f"splits {other!r} and {split.name!r} share {shared} item(s), e.g. {item!r}"
                )
            seen[item] = split.name
    return {s.name: s.size for s in splits}


@dataclass(frozen=True)
class Interval:
    """A mean over `n` values (items, or seeds with `bootstrap_seeds`) and its bootstrap interval."""

    mean: float
    low: float
    high: float
    n: int
    level: float = LEVEL

    def to_json(self) -> dict[str, Any]:
        return {"mean": self.mean, "ci95": [self.low, self.high], "n": self.n, "level": self.level}


def bootstrap(
    values: Sequence[float] | Any,
    *,
    weights: Sequence[float] | Any | None = None,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Interval:
    """Percentile-bootstrap interval of the mean of per-item `values` (0/1, losses…).

    With `weights`, of the weighted mean ``sum(w x) / sum(w)``: per-sequence error rates weighted
    by scored bits give the pooled bit error rate, resampled by sequence.
    """
    import numpy as np

    x = np.asarray(values, dtype=np.float64).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if x.size == 0:
        raise ValueError("no values to bootstrap")
    if w.shape != x.shape or (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights are non-negative, one per value, not all zero")
    if not 0 < level < 1:
        raise ValueError("level is a fraction in (0, 1)")
    mean = float((w * x).sum() / w.sum())
    if x.size == 1 or resamples <= 0:
        return Interval(mean, mean, mean, int(x.size), level)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    # In chunks: 2000 resamples of 8192 items would otherwise be one 130 MB index matrix.
    chunk = max(1, 2_000_000 // x.size)
    for lo in range(0, resamples, chunk):
        hi = min(resamples, lo + chunk)
        idx = rng.integers(0, x.size, (hi - lo, x.size))
        ws = w[idx].sum(axis=1)
        means[lo:hi] = (w[idx] * x[idx]).sum(axis=1) / np.where(ws > 0, ws, 1.0)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    # The percentile interval of a mean always holds the mean up to rounding; make it exact.
    return Interval(mean, min(float(low), mean), max(float(high), mean), int(x.size), level)


def bootstrap_seeds(
    per_seed: Mapping[int, Sequence[float] | Any],
    *,
    level: float = LEVEL,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Interval:
    """Two-level percentile bootstrap of a figure measured on several training seeds.

    `per_seed` maps each training seed to its per-item values on the test set (one value per
    seed works too). The estimate is the mean over seeds of each seed's mean; each resample draws
    the seeds with replacement and then, within every drawn seed, its items with replacement. With
    three seeds the interval is wide, as it should be: it says how much another seed could move
    the figure. ``n`` is the number of seeds.
    """
    import numpy as np

    groups = [np.asarray(v, dtype=np.float64).ravel() for _, v in sorted(per_seed.items())]
    if not groups or any(g.size == 0 for g in groups):
        raise ValueError("every seed needs at least one value")
    if not 0 < level < 1:
        raise ValueError("level is a fraction in (0, 1)")
    means = np.array([g.mean() for g in groups])
    mean = float(means.mean())
    k = len(groups)
    if resamples <= 0 or (k == 1 and groups[0].size == 1):
        return Interval(mean, mean, mean, k, level)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, k, (resamples, k))
    # Each seed's item means under resampling, drawn once per (resample, slot) that picks it.
    inner = np.empty((resamples, k))
    for slot in range(k):
        for g_index, g in enumerate(groups):
            rows = np.flatnonzero(picks[:, slot] == g_index)
            if rows.size == 0:
                continue
            if g.size == 1:
                inner[rows, slot] = g[0]
                continue
            chunk = max(1, 2_000_000 // g.size)
            for lo in range(0, rows.size, chunk):
                part = rows[lo : lo + chunk]
                idx = rng.integers(0, g.size, (part.size, g.size))
                inner[part, slot] = g[idx].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(inner.mean(axis=1), [tail, 1 - tail])
    return Interval(mean, min(float(low), mean), max(float(high), mean), k, level)


@dataclass(frozen=True)
class Baseline:
    """Something a demo is compared with, named once for every report."""

    name: str
    description: str


BASELINES: dict[str, Baseline] = {}


def register_baseline(name: str, description: str) -> Baseline:
    """Add a baseline to the registry (again with the same text is fine; another text is not)."""
    known = BASELINES.get(name)
    if known is not None and known.description != description:
        raise ValueError(f"baseline {name!r} is already registered as {known.description!r}")
    BASELINES[name] = Baseline(name, description)
    return BASELINES[name]


@dataclass(frozen=True)
class Ablation:
    """A named variant of a demo's model or method, and the figures it is judged by."""

    name: str
    description: str
    figures: Mapping[str, Any]  # figure name -> number, bool or Interval

    def __post_init__(self) -> None:
        if not self.figures:
            raise ValueError(f"ablation {self.name!r} has no figures")

    def to_json(self) -> dict[str, Any]:
        return {"description": self.description, "figures": _figures_json(self.figures)}


@dataclass(frozen=True)
class Criterion:
    """An acceptance figure: ``figures[figure] <op> target`` (``quick``: checked in quick mode too)."""

    figure: str
    op: str
    target: float | bool
    quick: bool = True

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}; one of {', '.join(_OPS)}")

    def holds(self, value: Any) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return bool(_OPS[self.op](value, self.target))


@dataclass
class Report:
    """One evaluation of one demo, in the shape every plug-in shares."""

    demo: str
    quick: bool
    figures: dict[str, Any] = field(default_factory=dict)  # name -> number, bool or Interval
    splits: list[Split] = field(default_factory=list)
    seeds: Sequence[int] = ()  # the training seeds whose models were evaluated
    draw_seeds: dict[str, int] = field(default_factory=dict)  # seeds that drew splits, resamples
    baselines: dict[str, Any] = field(default_factory=dict)  # registered name -> its figure
    ablations: list[Ablation] = field(default_factory=list)
    acceptance: Sequence[Criterion] = ()
    details: dict[str, Any] = field(default_factory=dict)  # the plug-in's own figures, all of them

    def value(self, name: str) -> Any:
        v = self.figures.get(name)
        return v.mean if isinstance(v, Interval) else v

    def checks(self) -> list[dict[str, Any]]:
        rows = []
        for c in self.acceptance:
            if self.quick and not c.quick:
                continue
            value = self.value(c.figure)
            rows.append(
                {
                    "figure": c.figure,
                    "op": c.op,
                    "target": c.target,
                    "value": value,
                    "passed": c.holds(value),
                }
            )
        return rows

    @property
    def passed(self) -> bool:
        return all(row["passed"] for row in self.checks())

    def to_json(self) -> dict[str, Any]:
        unknown = sorted(set(self.baselines) - set(BASELINES))
        if unknown:
            raise ValueError(f"unregistered baselines: {', '.join(unknown)}")
        check_disjoint(*self.splits)
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"training seeds repeat: {list(self.seeds)}")
        return {
            "report_version": REPORT_VERSION,
            "demo": self.demo,
            "quick": self.quick,
            "seeds": [int(s) for s in self.seeds],
            "draw_seeds": dict(self.draw_seeds),
            "splits": {s.name: s.to_json() for s in self.splits},
            "figures": _figures_json(self.figures),
            "baselines": {
                k: {"description": BASELINES[k].description, "figure": v}
                for k, v in self.baselines.items()
            },
            "ablations": {a.name: a.to_json() for a in self.ablations},
            "acceptance": self.checks(),
            "passed": self.passed,
            "details": self.details,
        }

    def table(self) -> str:
        """The report for people: figures with intervals, splits, baselines, ablations, checks."""
        lines = [
            f"{self.demo}{' (quick)' if self.quick else ''}, training seeds {list(self.seeds)}"
        ]
        width = max([len(k) for k in self.figures] + [len(a.name) for a in self.ablations] + [6])
        lines.append(f"{'figure'.ljust(width)}  {'value':>10}  95 % interval")
        for name, v in self.figures.items():
            if isinstance(v, Interval):
                lines.append(
                    f"{name.ljust(width)}  {_fmt(v.mean):>10}  [{_fmt(v.low)}, {_fmt(v.high)}] n={v.n}"
                )
            else:
                lines.append(f"{name.ljust(width)}  {_fmt(v):>10}")
        for s in self.splits:
            lines.append(f"split {s.name}: seed {s.seed}, {s.size} distinct of {s.draws} drawn")
        for name, v in self.baselines.items():
            lines.append(f"baseline {name} ({BASELINES[name].description}): {_fmt(v)}")
        for a in self.ablations:
            shown = ", ".join(f"{k} = {_fmt_figure(v)}" for k, v in a.figures.items())
            lines.append(f"ablation {a.name} ({a.description}): {shown}")
        for row in self.checks():
            mark = "ok" if row["passed"] else "FAILED"
            lines.append(
                f"accept {row['figure']} {row['op']} {_fmt(row['target'])}: {_fmt(row['value'])} {mark}"
            )
        return "\n".join(lines)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _fmt_figure(v: Any) -> str:
    if isinstance(v, Interval):
        return f"{_fmt(v.mean)} [{_fmt(v.low)}, {_fmt(v.high)}]"
    return _fmt(v)


def _figures_json(figures: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: (v.to_json() if isinstance(v, Interval) else {"value": v}) for k, v in figures.items()
    }


def value_of(figure: Mapping[str, Any]) -> Any:
    """The number of one serialised figure: an interval's mean or a plain figure's value."""
    return figure["mean"] if "mean" in figure else figure["value"]


def figures_of(report: Mapping[str, Any]) -> dict[str, Any]:
    """{name: value} from a report's JSON (what a page or a test reads)."""
    return {k: value_of(v) for k, v in report["figures"].items()}


def write_report(report: Report, folder: Path) -> Path:
    """Store a full report as ``folder/evaluation.json`` (what the demo page shows)."""
    if report.quick:
        raise ValueError("only a full evaluation is stored; run without --quick")
    path = Path(folder) / REPORT_FILE
    path.write_text(json.dumps(report.to_json(), indent=1, sort_keys=True, default=float) + "\n")
    return path


def read_report(folder: Path) -> dict[str, Any] | None:
    """The stored ``evaluation.json`` of a plug-in folder, or None when it has none."""
    path = Path(folder) / REPORT_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) else None
