"""Live demo: race the meta-trained optimizer against SGD, momentum and Adam, or show why
meta-training is hard (meta-loss slices, ES gradient variance, ES vs backprop).

The race also returns the learned update rule itself (``rule``): the update the meta-trained
MLP outputs over a grid of normalised gradient and momentum features, beside its untrained start
(Adam at lr 3e-2), for the chosen task's first weight matrix at the end of the race.

``run(params, progress)`` with params (already validated against META["params"]):
  mode  "race" | "hard"
  task  a family from ``task.FAMILIES`` (in distribution) or ``task.OOD_FAMILIES`` (not)
  steps inner steps of the race (the meta-training horizon was 100: more is out of distribution)
  seed  which task of that family / which slice task
"""

from __future__ import annotations

import math
import time

import torch

from demos.kit.training import Progress

from .baselines import TUNED_LRS
from .evaluate import MARGIN, load_checkpoint, outcome
from .hardness import (
    cosine_experiment,
    slice_2d_experiment,
    slice_experiment,
    variance_experiment,
)
from .inner import MixedState, Run, recorded_losses, run_mixed
from .model import (
    F_ADAM,
    F_GRAD,
    F_M50,
    F_M90,
    F_M99,
    F_PARAM,
    F_RMSPROP,
    Config,
    construct_theta,
    features,
    mlp_update,
)
from .task import FAMILIES, META_HORIZON, Task, make_task
from .train import ADAM_DEFAULT_LR, ADAM_GRID, SGD_GRID

MOMENTUM_LR = 0.01  # heavy ball μ = 0.9: the same effective step as SGD at 0.1
RULE_POINTS = 21
RULE_RANGE = 3.0  # normalised features from -3 to 3 (1 = the tensor's RMS)
MAX_CURVE_POINTS = 50
CURVE_ROWS = 512  # curves use a fixed subset of the data (the full set for small data sets)
COSINE_PAIRS_LIVE = 128


def _clean(values: list[float]) -> list[float | None]:
    """JSON has no NaN/inf: a diverged loss becomes null (drawn as a gap)."""
    return [round(v, 6) if math.isfinite(v) else None for v in values]


def _race(params: dict, progress: Progress) -> dict:
    theta, cfg, metrics = load_checkpoint()
    steps, name = int(params["steps"]), params["task"]
    task = make_task(name, int(params["seed"]), steps)
    kinds = ["sgd"] * len(SGD_GRID) + ["momentum"] + ["adam"] * len(ADAM_GRID)
    lrs = [*list(SGD_GRID), MOMENTUM_LR, *list(ADAM_GRID)]
    every = max(1, math.ceil(steps / MAX_CURVE_POINTS))
    progress(5, task.describe())
    rows = None
    if task.x.shape[0] > CURVE_ROWS:
        gen = torch.Generator().manual_seed(task.seed)
        rows = torch.randperm(task.x.shape[0], generator=gen)[:CURVE_ROWS]
    run = run_mixed(
        task,
        theta.unsqueeze(0),
        cfg.hidden,
        kinds,
        lrs,
        steps,
        record_every=every,
        progress=lambda k: (
            progress(5 + 90 * k / steps, f"step {k}/{steps}") if k % 20 == 0 else None
        ),
        record_rows=rows,
    )
    full = torch.nan_to_num(recorded_losses(run), nan=math.inf)  # [1 + 14, points]
    final = full[:, -1]
    sgd_idx = list(range(1, 1 + len(SGD_GRID)))
    adam_idx = list(range(2 + len(SGD_GRID), 2 + len(SGD_GRID) + len(ADAM_GRID)))
    best_sgd = min(sgd_idx, key=lambda i: float(final[i]))
    best_adam = min(adam_idx, key=lambda i: float(final[i]))
    members = {
        "learned": 0,
        "momentum": 1 + len(SGD_GRID),
        "adam": adam_idx[ADAM_GRID.index(ADAM_DEFAULT_LR)],
        "sgd_tuned": 1 + SGD_GRID.index(TUNED_LRS["sgd"]),
        "adam_tuned": adam_idx[ADAM_GRID.index(TUNED_LRS["adam"])],
        "sgd_oracle": best_sgd,
        "adam_oracle": best_adam,
    }
    test = torch.nan_to_num(task.loss(run.state.params, test=True), nan=math.inf)
    curves = [
        {
            "key": k,
            "lr": None if k == "learned" else lrs[i - 1],
            "y": _clean(full[i].tolist()),
        }
        for k, i in members.items()
    ]
    finals = {
        k: (float(final[i]) if math.isfinite(float(final[i])) else None) for k, i in members.items()
    }
    finals_test = {
        k: (float(test[i]) if math.isfinite(float(test[i])) else None) for k, i in members.items()
    }
    # How the learned optimizer fares against each entry, with the evaluation's margin.
    outcomes = {
        k: {1: "win", 0: "tie", -1: "loss"}[outcome(float(final[0]), float(final[i]))]
        for k, i in members.items()
        if k != "learned"
    }

    def rank_key(k: str) -> float:
        v = finals[k]
        return math.inf if v is None else v

    ranked = sorted(finals, key=rank_key)
    return {
        "mode": "race",
        "task": task.describe(),
        "family": name,
        "loss_rows": int(task.x.shape[0] if rows is None else len(rows)),
        "in_distribution": name in FAMILIES and steps <= META_HORIZON,
        "meta_horizon": META_HORIZON,
        "steps": run.full_steps,
        "curves": curves,
        "final": finals,
        "final_test": finals_test,
        "outcome": outcomes,
        "margin": MARGIN,
        "ranking": ranked,
        "grid": {"sgd": list(SGD_GRID), "adam": list(ADAM_GRID)},
        "tuned": dict(TUNED_LRS),
        "start_lr": cfg.init_lr,
        "rule": update_rule(theta, cfg, task, run),
        "meta_curve": [
            {
                "seconds": r["seconds"],
                "update": r["update"],
                "val": r.get("val_mean_log_loss"),
            }
            for r in metrics.get("meta_curve", [])
            if r.get("val_mean_log_loss") is not None
        ],
    }


def update_rule(theta: torch.Tensor, cfg: Config, task: Task, run: Run[MixedState]) -> dict:
    """The learned update over a grid of normalised gradient ĝ and momentum m̂ features.

    The other inputs are those of ``task``'s first weight matrix at the end of ``run`` (its
    per-tensor log-scales and the time features); the parameter feature is 0. Along the grid the
    three momenta and Adam's direction move together (m̂) and RMSProp's direction with ĝ: what
    the normalised features are when the second moment is the same across the tensor. Updates
    are in units of the start's step at m̂ = 1 (Adam at lr ``cfg.init_lr``), so the start's own
    rule is exactly -m̂. Rows run from m̂ = +3 (top) to -3; columns from ĝ = -3 to +3.
    """
    state = run.state.learned._replace(params=run.state.params[:1])
    with torch.enable_grad():
        params = state.params.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(task.loss(params).sum(), params)
    x, _ = features(state._replace(step=state.step - 1), grad, task.seg_ids, task.horizon)
    base = x[0, task.segments[0][0]]  # [F]: log-scales and time are the same across the tensor
    axis = torch.linspace(-RULE_RANGE, RULE_RANGE, RULE_POINTS)
    m_grid, g_grid = torch.meshgrid(axis.flip(0), axis, indexing="ij")  # [rows, cols]
    inputs = base.repeat(RULE_POINTS * RULE_POINTS, 1)
    g, m = g_grid.reshape(-1), m_grid.reshape(-1)
    inputs[:, F_GRAD] = g
    inputs[:, F_RMSPROP] = g
    for feat in (F_M50, F_M90, F_M99, F_ADAM):
        inputs[:, feat] = m
    inputs[:, F_PARAM] = 0.0
    start = construct_theta(cfg.init_kind, cfg.init_lr, cfg.hidden)
    both = mlp_update(
        torch.stack([theta, start]), inputs.unsqueeze(0).expand(2, -1, -1), cfg.hidden
    )
    unit_in = base.clone()
    unit_in[F_ADAM] = 1.0
    unit = float(mlp_update(start.unsqueeze(0), unit_in.view(1, 1, -1), cfg.hidden).abs())
    grids = (both / max(unit, 1e-30)).view(2, RULE_POINTS, RULE_POINTS)
    return {
        "g": [round(float(v), 3) for v in axis],
        "m": [round(float(v), 3) for v in axis.flip(0)],
        "learned": [_clean(row) for row in grids[0].tolist()],
        "start": [_clean(row) for row in grids[1].tolist()],
        "unit": unit,
        "step": int(state.step),
    }


def _hard(params: dict, progress: Progress) -> dict:
    theta, cfg, _ = load_checkpoint()
    seed = int(params["seed"])
    progress(2, "meta-loss slices")
    sl = slice_experiment(
        theta,
        cfg.hidden,
        seed,
        long_unroll=int(params["long_unroll"]),
        progress=progress,
    )
    progress(60, "2-D meta-loss slices")
    plane = slice_2d_experiment(theta, cfg.hidden, seed, int(params["long_unroll"]))
    progress(75, "ES variance with and without antithetic sampling")
    var = variance_experiment(theta, cfg.hidden, seed)
    progress(90, "ES vs backprop meta-gradient")
    cos = cosine_experiment(theta, cfg.hidden, seed, pairs=COSINE_PAIRS_LIVE)
    for key in ("short", "long", "smoothed_long"):
        sl[key] = _clean(sl[key])
    return {"mode": "hard", "slice": sl, "plane": plane, "variance": var, "cosine": cos}


def run(params: dict, progress: Progress) -> dict:
    """Run the demo; see the module docstring for ``params``."""
    start = time.time()
    with torch.no_grad():
        result = _race(params, progress) if params["mode"] == "race" else _hard(params, progress)
    result["seconds"] = round(time.time() - start, 2)
    progress(100, "done")
    return result
