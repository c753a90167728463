"""``evaluate(cfg, out)`` of the probe plug-in: a two-row table and a kit report of its figures.

``ACCEPTANCE`` declares what the probe promises; ``PROBE_ACCURACY`` lets a test make it fail.
"""

from __future__ import annotations

from collections.abc import Callable

from demos.kit.evaluation import Criterion, EvalConfig, Report, Split, bootstrap, register_baseline

ACCEPTANCE = (Criterion("accuracy", ">=", 0.5), Criterion("steps", "==", 3, quick=False))
PROBE_ACCURACY = 0.75
register_baseline("probe/chance", "a coin flip")


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    n = 4 if cfg.quick else 8
    hits = [1.0] * round(PROBE_ACCURACY * n) + [0.0] * (n - round(PROBE_ACCURACY * n))
    rows = {"accuracy": PROBE_ACCURACY, "steps": 3}
    out("figure    value")
    for name, value in rows.items():
        out(f"{name:<9} {value}")
    return Report(
        demo="probe",
        quick=cfg.quick,
        figures={
            "accuracy": bootstrap(hits, resamples=cfg.resamples, seed=cfg.seed),
            "steps": rows["steps"],
        },
        splits=[Split.of("held_out", 7, range(n))],
        seeds={"held_out": 7},
        baselines={"probe/chance": 0.5},
        acceptance=ACCEPTANCE,
        details=rows,
    )
