"""``train(cfg, on_step)`` of the probe plug-in: "trains" for ``--steps`` steps, writes its config."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step


@dataclass
class TrainConfig:
    """The ``train_demo probe`` flags."""

    out: Path = option(Path("probe-train.json"), "where to write the received configuration")
    steps: int = option(1, "training steps")
    seed: int = option(0, "random seed")
    mode: str = option("ok", "what training does", choices=("ok", "fail"))
    verbose: bool = option(False, "say more")


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    if cfg.mode == "fail":
        raise ValueError("the probe was asked to fail")
    for step in range(1, cfg.steps + 1):
        on_step(step, {"loss": 1.0 / step})
    cfg.out.write_text(json.dumps({**asdict(cfg), "out": str(cfg.out)}))
    return TrainResult(step=cfg.steps, metrics={"loss": 1.0 / max(cfg.steps, 1)}, checkpoints=[])
