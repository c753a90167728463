"""``run(params, progress)`` of the probe plug-in: works for ``seconds``, reporting progress, then echoes."""

from __future__ import annotations

import os
import time

from demos.kit.training import Progress

STEP_S = 0.05


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
    progress(100, "done")
    return {
        "echo": dict(params),
        "pid": os.getpid(),
        "where": os.path.abspath(__file__) if params["mode"] == "echo" and params["flag"] else "",
        "ratio": float("nan") if params["mode"] == "nan" else 0.5,
    }
