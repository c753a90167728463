"""Train the probe's one linear unit (SGD on squared error) and write ``weights/probe.pt``.

python manage.py train_demo probe              # with DEMOS_EXTRA_PACKAGES=tests.demo_plugins.probe
python -m tests.demo_plugins.probe.train --steps 200
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from demos.kit import checkpoint, cli
from demos.kit.cli import option
from demos.kit.training import OnStep, TrainResult, no_step

from .model import Config, Probe
from .task import sample

WEIGHTS = Path(__file__).resolve().parent / "weights" / "probe.pt"
CHECK_SEED, CHECK_SIZE = 99, 32  # a fixed held-out batch whose error the checkpoint stores


@dataclass
class TrainConfig:
    """The ``train_demo probe`` flags; the defaults made the bundled checkpoint."""

    out: Path = option(WEIGHTS, "checkpoint path")
    steps: int = option(200, "SGD steps")
    lr: float = option(0.01, "learning rate")
    batch: int = option(16, "items per step")
    seed: int = option(0, "random seed (initialisation and data)")
    mode: str = option(
        "ok", "what training does ('fail' raises, for tests)", choices=("ok", "fail")
    )
    verbose: bool = option(False, "print the configuration as JSON before training")


def check_error(model: Probe) -> float:
    """Mean absolute error on the fixed held-out check batch."""
    x, y = sample(CHECK_SIZE, torch.Generator().manual_seed(CHECK_SEED), "held_out")
    with torch.no_grad():
        return float((model(x) - y).abs().mean())


def train(cfg: TrainConfig, on_step: OnStep = no_step) -> TrainResult:
    """Fit the unit for ``cfg.steps`` steps, calling ``on_step(step, {"loss"})``; save the checkpoint."""
    if cfg.mode == "fail":
        raise ValueError("the probe was asked to fail")
    if cfg.verbose:
        print(json.dumps({**asdict(cfg), "out": str(cfg.out)}))
    torch.manual_seed(cfg.seed)
    model_cfg = Config()
    model = Probe(model_cfg)
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    data = torch.Generator().manual_seed(cfg.seed + 1)
    loss = torch.tensor(float("nan"))
    for step in range(1, cfg.steps + 1):
        x, y = sample(cfg.batch, data)
        loss = ((model(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        on_step(step, {"loss": loss.item()})
    metrics = {"loss": loss.item(), "check_abs_error": check_error(model), "lr": cfg.lr}
    checkpoint.save(
        {
            "model": model.state_dict(),
            "config": asdict(model_cfg),
            "step": cfg.steps,
            "metrics": metrics,
            "seed": cfg.seed,
        },
        cfg.out,
    )
    return TrainResult(step=cfg.steps, metrics=metrics, checkpoints=[cfg.out])


if __name__ == "__main__":
    import sys

    cli.main(sys.modules[__name__], sys.argv[1:])
