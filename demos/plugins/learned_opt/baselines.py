"""The baselines' learning rates, tuned on the validation tasks, and the race of one task.

Each hand-designed optimizer gets its own grid (``SGD_GRID``, ``ADAM_GRID``) and keeps the one
learning rate with the lowest mean log final training loss over the validation tasks
(``train.validation_tasks``), the same tasks and criterion that chose each seed's θ. The result
is bundled as ``TUNED_LRS`` for the live demo (recomputing it costs ~200 inner runs);
``tests/test_baselines.py`` recomputes it, and ``evaluate.py`` recomputes it on every run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from .inner import recorded_losses, run_mixed
from .task import Task
from .train import ADAM_GRID, SGD_GRID

GRID_KINDS = ["sgd"] * len(SGD_GRID) + ["adam"] * len(ADAM_GRID)
GRID_LRS = [*SGD_GRID, *ADAM_GRID]
_LOG_CAP = math.log(1e6)  # a diverged run's log loss, so that means stay finite
TUNED_LRS = {"sgd": 0.1, "adam": 0.03}  # tune_baselines(validation_tasks(16)), bundled


def safe_log(loss: float) -> float:
    """log of a final loss, capped at log 1e6 (a diverged run) so that means stay finite."""
    return min(math.log(max(loss, 1e-12)), _LOG_CAP) if math.isfinite(loss) else _LOG_CAP


def race(task: Task, thetas: torch.Tensor, hidden: int) -> dict[str, list[float]]:
    """Final full-data training and held-out test losses of the learned optimizers
    ``thetas [L, D]`` followed by the SGD and Adam grids (``GRID_LRS``): {"train", "test"} [L+H],
    inf for a diverged run."""
    run = run_mixed(task, thetas, hidden, GRID_KINDS, GRID_LRS, record_every=task.horizon)
    train = torch.nan_to_num(recorded_losses(run)[:, -1], nan=math.inf)
    with torch.no_grad():
        test = torch.nan_to_num(task.loss(run.state.params, test=True), nan=math.inf)
    return {"train": train.tolist(), "test": test.tolist()}


def tune_baselines(tasks: Sequence[Task]) -> dict[str, Any]:
    """The SGD and the Adam learning rate of their grids with the lowest mean log final training
    loss over ``tasks`` (the validation tasks), and the whole table {kind: {lr: mean log loss}}."""
    logs = torch.zeros(len(GRID_LRS))
    for task in tasks:
        final = race(task, torch.zeros(0, 1), 1)["train"]
        logs += torch.tensor([safe_log(v) for v in final])
    logs /= len(tasks)
    table = {
        "sgd": {lr: float(v) for lr, v in zip(SGD_GRID, logs[: len(SGD_GRID)], strict=True)},
        "adam": {lr: float(v) for lr, v in zip(ADAM_GRID, logs[len(SGD_GRID) :], strict=True)},
    }
    best: dict[str, Any] = {kind: min(t, key=t.__getitem__) for kind, t in table.items()}
    return best | {"table": table}
