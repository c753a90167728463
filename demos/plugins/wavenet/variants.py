"""Train the seeds and variants that evaluate.py compares, and store their test figures.

    python -m demos.plugins.wavenet.variants                       # everything, then the store
    python -m demos.plugins.wavenet.variants --part compared --seed 1   # one slice of it

Every run is ``train.train`` with the flags shown (so each is also one ``train_demo wavenet``
command) and keeps its best checkpoint on the validation set:

- ``full_short`` (the full model), ``global_only`` (ablation no_phase_conditioning: U_k frozen at
  zero, no per-sample phase) and ``no_audio`` (baseline: no audio context) on seeds 0, 1, 2 with
  the short recipe ``SHORT`` (200 steps, the bundled recipe's two phases and schedule): the three
  at equal compute, about 30 CPU-seconds a run on a free core.
- ``no_audio`` gets its own learning-rate grid (``NO_AUDIO_LRS``) on seed 0, chosen by validation
  NLL; its seeds 1 and 2 use the chosen rate. The other variants keep the bundled 4e-3.
- ``--part full`` trains seeds 1 and 2 of the bundled recipe (the defaults, 2,000 steps, about 5
  CPU-minutes each on a free core); ``--part all`` stores them when their checkpoints exist.
  They were started for this report and stopped: on the shared machine (load 15–25 on two
  cores) they would have needed about two hours each.

The seed checkpoints go to ``--work`` (not bundled: the page shows only the bundled model); their
per-item test figures (measure.py) go to ``weights/variants.json``, with the bundled model's,
which evaluate.py recomputes live and compares. Several processes can share one ``--work``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from demos.kit import checkpoint, cli
from demos.kit.cli import option

from .infer import WEIGHTS
from .measure import measure
from .model import Config, WaveNet
from .train import TrainConfig, train

STORE = Path(__file__).resolve().parent / "weights" / "variants.json"
SEEDS = (0, 1, 2)
SHORT_STEPS, SHORT_EVAL_EVERY = 200, 20
SHORT = {"steps": SHORT_STEPS, "eval_every": SHORT_EVAL_EVERY}
NO_AUDIO_LRS = (4e-3, 1e-2)
# (variant name in the store, train --variant, recipe)
_WAIT_S = 10.0
COMPARED = (("full_short", "full"), ("global_only", "global_only"))


def _short(variant: str, seed: int, lr: float | None = None) -> TrainConfig:
    """The short recipe's TrainConfig (the bundled learning rate unless `lr`)."""
    cfg = TrainConfig(variant=variant, seed=seed, steps=SHORT_STEPS, eval_every=SHORT_EVAL_EVERY)
    return cfg if lr is None else dataclasses.replace(cfg, lr=lr)


def _load(path: Path) -> tuple[WaveNet, dict]:
    ckpt = checkpoint.load(path)
    model = WaveNet(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, ckpt


def _run(work: Path, name: str, cfg: TrainConfig, measure_only: bool) -> Path:
    """Train `cfg` into work/name.pt unless that checkpoint exists already.

    Training writes work/name.partial.pt and renames it when done, under work/name.lock, so that
    several processes (``--part``, ``--seed``) can share one work folder: one trains a run, the
    others wait for it.
    """
    out = work / f"{name}.pt"
    lock = work / f"{name}.lock"
    if out.exists():
        return out
    if measure_only:
        raise FileNotFoundError(f"{out} is missing; run without --measure-only")
    try:
        lock.touch(exist_ok=False)
    except FileExistsError:
        while not out.exists():  # another process is training it
            time.sleep(_WAIT_S)
        return out
    partial = work / f"{name}.partial.pt"
    train(dataclasses.replace(cfg, out=partial))
    partial.rename(out)
    lock.unlink()
    return out


def _entry(path: Path, detuned: bool, label: str) -> dict:
    """measure.measure of the checkpoint at `path`, cached beside it (path.json)."""
    cache = path.with_suffix(".json")
    if cache.exists() and cache.stat().st_mtime >= path.stat().st_mtime:
        return json.loads(cache.read_text())
    model, ckpt = _load(path)
    metrics = ckpt.get("metrics", {})
    print(f"measuring {label}", flush=True)
    entry = {
        "checkpoint": label,
        "best_step": int(ckpt["step"]),
        "validation_nll_at_selection": round(float(metrics["nll"]), 6),
        **measure(model, detuned=detuned),
    }
    if path != WEIGHTS:
        cache.write_text(json.dumps(entry))
    return entry


@dataclass
class VariantsConfig:
    """The flags of ``python -m demos.plugins.wavenet.variants``."""

    work: Path = option(
        Path(tempfile.gettempdir()) / "wavenet-variants", "folder of the seed checkpoints"
    )
    store: Path = option(STORE, "where the per-item test figures go")
    measure_only: bool = option(False, "measure existing checkpoints, train nothing")
    train_only: bool = option(False, "train (what is missing), measure nothing")
    part: str = option(
        "all", "what to train: all (short runs, then the store) | compared | no_audio | full"
    )
    seed: int = option(-1, "with --part compared or full: only this seed (-1: every seed)")
    threads: int = option(1, "torch CPU threads (the machine is shared)")


def run(cfg: VariantsConfig) -> dict:
    """Train what is missing (each run measured as soon as it is trained), then write the store."""
    torch.set_num_threads(cfg.threads)
    cfg.work.mkdir(parents=True, exist_ok=True)
    runs: dict[str, dict[str, dict]] = {name: {} for name in ("full", "full_short", "global_only")}

    def done(name: str, train_cfg: TrainConfig, detuned: bool, label: str) -> Path:
        path = _run(cfg.work, name, train_cfg, cfg.measure_only)
        if not cfg.train_only:
            _entry(path, detuned, label)
        return path

    def wanted(part: str, seed: int) -> bool:
        return cfg.part in ("all", part) and cfg.seed in (-1, seed)

    # Seed by seed, so that an interrupted run still leaves matched pairs.
    for s in SEEDS:
        for name, variant in COMPARED:
            if not wanted("compared", s):
                continue
            path = done(
                f"{name}-s{s}",
                _short(variant, s),
                name == "full_short",
                f"{name} seed {s}",
            )
            runs[name][str(s)] = {"path": path}
    if cfg.part not in ("all", "no_audio", "full"):
        return {}
    if cfg.part == "full":
        for s in (1, 2):
            if wanted("full", s):
                done(f"full-s{s}", TrainConfig(seed=s), True, f"seed {s}")
        return {}
    grid = {
        lr: _run(
            cfg.work,
            f"no_audio-lr{lr:g}-s0",
            _short("no_audio", 0, lr),
            cfg.measure_only,
        )
        for lr in NO_AUDIO_LRS
    }
    grid_nll = {lr: float(checkpoint.load(p)["metrics"]["nll"]) for lr, p in grid.items()}
    best_lr = min(grid_nll, key=lambda lr: grid_nll[lr])
    runs["no_audio"] = {"0": {"path": grid[best_lr]}}
    for s in (1, 2):
        path = done(
            f"no_audio-lr{best_lr:g}-s{s}",
            _short("no_audio", s, best_lr),
            False,
            f"no_audio seed {s}",
        )
        runs["no_audio"][str(s)] = {"path": path}
    if cfg.part != "all":
        return {}
    for s in (1, 2):  # the bundled recipe's other seeds: stored when --part full has made them
        if (cfg.work / f"full-s{s}.pt").exists():
            runs["full"][str(s)] = {
                "path": done(f"full-s{s}", TrainConfig(seed=s), True, f"seed {s}")
            }
    if cfg.train_only:
        return {}

    out: dict[str, dict[str, dict]] = {"full": {"0": _entry(WEIGHTS, True, "bundled wavenet.pt")}}
    for name, by_seed in runs.items():
        for seed, row in by_seed.items():
            label = f"{name} seed {seed}, {row['path'].name}"
            out.setdefault(name, {})[seed] = _entry(row["path"], name.startswith("full"), label)
    store = {
        "recipes": {"full": "train defaults (2,000 steps)", "short": SHORT},
        # validation NLL of the no-audio baseline per learning rate (seed 0)
        "no_audio_grid": {f"{lr:g}": round(v, 6) for lr, v in grid_nll.items()},
        "no_audio_lr": best_lr,
        "runs": out,
    }
    cfg.store.write_text(json.dumps(store, indent=1) + "\n")
    print(f"wrote {cfg.store}")
    return store


def main(argv: list[str]) -> None:
    run(cli.parse(VariantsConfig, argv))


if __name__ == "__main__":
    main(sys.argv[1:])
