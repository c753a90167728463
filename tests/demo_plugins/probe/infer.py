"""``run(params, progress)`` of the probe plug-in: works for ``seconds``, reporting progress, then echoes
its parameters and the bundled model's reading of ``count`` (checkpoint loaded once per process)."""

from __future__ import annotations

import os
import time
from functools import lru_cache

import torch

from demos.kit import checkpoint
from demos.kit.training import Progress

from .model import Config, Probe
from .train import WEIGHTS

STEP_S = 0.05


@lru_cache(maxsize=1)
def load() -> tuple[Probe, dict]:
    """The bundled model (eval mode) and its checkpoint, read once per process."""
    ckpt = checkpoint.load(WEIGHTS)
    model = Probe(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    return model.eval(), ckpt


def run(params: dict, progress: Progress) -> dict:
    seconds = float(params["seconds"])
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        progress(100 * (time.monotonic() - started) / seconds, "working")
        time.sleep(STEP_S)
    if params["mode"] == "fail":
        raise ValueError(f"cannot read {os.path.abspath(__file__)}")
    if params["mode"] == "crash":
        raise RuntimeError(f"internal error in {os.path.abspath(__file__)}")
    if params["mode"] == "huge":
        return {"blob": "x" * (3 * 1024 * 1024)}
    model, _ = load()
    with torch.no_grad():
        reading = float(model(torch.tensor([float(params["count"])]))[0])
    progress(100, "done")
    return {
        "reading": round(reading, 3),
        "echo": dict(params),
        "pid": os.getpid(),
        "where": os.path.abspath(__file__) if params["mode"] == "echo" and params["flag"] else "",
        "ratio": float("nan") if params["mode"] == "nan" else 0.5,
    }
