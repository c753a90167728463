"""The one training signature every plug-in keeps: ``train(cfg, on_step) -> TrainResult``.

``cfg`` is the plug-in's ``TrainConfig`` dataclass (its fields are the ``train_demo`` flags, see
``demos.kit.cli``). ``on_step(step, figures)`` is called after every optimiser step (a WAGE epoch,
an ES meta-update) with the step number, counted from 1 within the current model, and a dict of
plain values (``loss`` at least, when the step has one; ``model`` names the model being trained
when a plug-in trains several). A plug-in shows its own tqdm bar besides; ``on_step`` is for the
caller (tests, a notebook, a job reporting progress). A live run's progress is the other callback,
`Progress`, which ``infer.run`` receives from ``demos/tasks.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OnStep = Callable[[int, Mapping[str, Any]], None]
"""``on_step(step, figures)``: called after each optimiser step of a training run."""

Progress = Callable[[float, str], None]
"""``progress(percent, message)``: what an ``infer.run`` reports while it works (0–100)."""


def no_step(step: int, figures: Mapping[str, Any]) -> None:
    """The `OnStep` that does nothing (the default of every ``train``)."""


@dataclass
class TrainResult:
    """What a ``train`` returns: the steps taken, its figures, and the checkpoints it wrote."""

    step: int
    metrics: dict[str, Any]
    checkpoints: list[Path] = field(default_factory=list)
