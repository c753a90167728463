"""Inner training loops: the learned optimizer and the hand-designed baselines, batched.

All optimizers act on a population ``[P, N]`` of parameter vectors for one task, so an
evolution-strategies population, or the learned optimizer *and* a learning-rate grid of
SGD/momentum/Adam, costs one batched run (on a shared CPU the number of ops sets the speed).
The baselines follow ``torch.optim.SGD`` (heavy ball μ = 0.9, dampening 0) and
``torch.optim.Adam`` (Kingma & Ba 2015, Algorithm 1) exactly, with one learning rate per member.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

import torch

from .model import InnerState, init_state, learned_step
from .task import Task

HAND_KINDS = ("sgd", "momentum", "adam")
HEAVY_BALL = 0.9
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
_LOSS_CAP_FACTOR = 3.0  # a run whose loss exceeds 3× its initial loss counts as diverged


class HandState(NamedTuple):
    """State of batched hand-designed optimizers (tensors ``[H, N]``)."""

    params: torch.Tensor
    buf: torch.Tensor  # heavy-ball buffer
    m: torch.Tensor  # Adam first moment
    sq: torch.Tensor  # Adam second moment
    step: int


def hand_init(params: torch.Tensor) -> HandState:
    zeros = torch.zeros_like(params)
    return HandState(params, zeros, zeros, zeros, 0)


def _runs(kinds: Sequence[str]) -> list[tuple[str, int, int]]:
    """Consecutive runs of equal kinds: ["sgd", "sgd", "adam"] → [("sgd", 0, 2), ("adam", 2, 3)]."""
    runs: list[tuple[str, int, int]] = []
    for i, kind in enumerate(kinds):
        if kind not in HAND_KINDS:
            raise ValueError(f"unknown optimizer {kind!r}")
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1], i + 1)
        else:
            runs.append((kind, i, i + 1))
    return runs


def hand_step(
    kinds: Sequence[str], lrs: torch.Tensor, state: HandState, grad: torch.Tensor
) -> HandState:
    """One step of per-member optimizers ``kinds`` ("sgd", "momentum", "adam"), ``lrs [H]``.

    Each run of equal kinds is updated on its own slice, so no member pays for the others.
    """
    t = state.step + 1
    b1, b2 = ADAM_BETAS
    parts: list[list[torch.Tensor]] = [[], [], [], []]
    for kind, a, b in _runs(kinds):
        g, p, lr = grad[a:b], state.params[a:b], lrs[a:b].unsqueeze(1)
        buf, m, sq = state.buf[a:b], state.m[a:b], state.sq[a:b]
        if kind == "sgd":
            p = p - lr * g
        elif kind == "momentum":
            buf = g.clone() if state.step == 0 else HEAVY_BALL * buf + g
            p = p - lr * buf
        else:
            m = b1 * m + (1 - b1) * g
            sq = b2 * sq + (1 - b2) * g * g
            p = p - lr * (m / (1 - b1**t)) / (torch.sqrt(sq / (1 - b2**t)) + ADAM_EPS)
        for store, value in zip(parts, (p, buf, m, sq), strict=False):
            store.append(value)
    params, buf, m, sq = (torch.cat(store) for store in parts)
    return HandState(params, buf, m, sq, t)


class MixedState(NamedTuple):
    """L learned-optimizer members followed by H hand-designed members, params ``[L+H, N]``."""

    params: torch.Tensor
    learned: InnerState
    hand: HandState
    step: int


# The states unroll() steps: each carries ``params [P, N]`` and ``step``.
S = TypeVar("S", InnerState, HandState, "MixedState")


class Run(NamedTuple, Generic[S]):
    """Minibatch losses ``[P, K]``, full-data losses ``[P, K'+1]`` (every ``record_every`` steps
    and at the end) with their step numbers, and the final state."""

    losses: torch.Tensor
    full_losses: torch.Tensor | None
    full_steps: list[int]
    state: S


def recorded_losses(run: Run[Any]) -> torch.Tensor:
    """``full_losses`` of a run that recorded them (``record_every > 0``)."""
    assert run.full_losses is not None, "the run recorded no full-data losses"
    return run.full_losses


def unroll(
    task: Task,
    step_fn: Callable[[S, torch.Tensor], S],
    state: S,
    steps: int,
    record_every: int = 0,
    differentiable: bool = False,
    progress: Callable[[int], None] | None = None,
    record_rows: torch.Tensor | None = None,
) -> Run[S]:
    """Run ``steps`` inner steps from ``state`` (which carries ``params [P, N]`` and ``step``).

    ``step_fn(state, grad) -> state``. Recorded losses use the rows ``record_rows`` (all when None).
    With ``differentiable`` the inner gradients keep their graph
    (for backprop through the unroll); otherwise parameters are detached after every step.
    """
    idx = task.batch_indices(task.horizon)
    losses, full, full_steps = [], [], []
    for k in range(steps):
        params = state.params
        if not differentiable:
            params = params.detach().requires_grad_(True)
        elif not params.requires_grad:  # the initial point of a differentiable unroll
            params = params.clone().requires_grad_(True)
        with torch.enable_grad():
            loss = task.loss(params, idx[state.step])
            (grad,) = torch.autograd.grad(loss.sum(), params, create_graph=differentiable)
        if record_every and k % record_every == 0:
            with torch.no_grad():
                full.append(task.loss(params.detach(), record_rows))
                full_steps.append(state.step)
        state = step_fn(state._replace(params=params), grad if differentiable else grad.detach())
        if not differentiable:
            state = state._replace(params=state.params.detach())
        losses.append(loss if differentiable else loss.detach())
        if progress is not None:
            progress(k + 1)
    if record_every:
        with torch.no_grad():
            full.append(task.loss(state.params.detach(), record_rows))
            full_steps.append(state.step)
    return Run(
        torch.stack(losses, 1),
        torch.stack(full, 1) if record_every else None,
        full_steps,
        state,
    )


def run_mixed(
    task: Task,
    thetas: torch.Tensor,
    hidden: int,
    kinds: Sequence[str] = (),
    lrs: Sequence[float] = (),
    steps: int | None = None,
    record_every: int = 0,
    progress: Callable[[int], None] | None = None,
    record_rows: torch.Tensor | None = None,
) -> Run[MixedState]:
    """Train ``task`` from its initialisation with learned optimizers ``thetas [L, D]`` and hand
    optimizers ``kinds``/``lrs`` side by side; member order: learned first, then hand."""
    steps = steps or task.horizon
    n_learned, n_hand = thetas.shape[0], len(kinds)
    params = task.init_params(n_learned + n_hand)
    lr_t = torch.tensor(list(lrs), dtype=params.dtype)
    seg_ids = task.seg_ids

    def step_fn(s: MixedState, g: torch.Tensor) -> MixedState:
        parts = []
        learned, hand = s.learned, s.hand
        if n_learned:
            learned = learned_step(
                thetas,
                learned._replace(params=s.params[:n_learned]),
                g[:n_learned],
                seg_ids,
                task.horizon,
                hidden,
            )
            parts.append(learned.params)
        if n_hand:
            hand = hand_step(kinds, lr_t, hand._replace(params=s.params[n_learned:]), g[n_learned:])
            parts.append(hand.params)
        return MixedState(torch.cat(parts), learned, hand, s.step + 1)

    state = MixedState(params, init_state(params[:n_learned]), hand_init(params[n_learned:]), 0)
    return unroll(
        task,
        step_fn,
        state,
        steps,
        record_every,
        progress=progress,
        record_rows=record_rows,
    )


def capped_log_losses(losses: torch.Tensor, initial: torch.Tensor) -> torch.Tensor:
    """log of losses ``[P, K]`` with NaN/inf/divergence replaced by log(3 × initial loss ``[P]``)."""
    cap = (_LOSS_CAP_FACTOR * initial).unsqueeze(1)
    safe = torch.where(torch.isfinite(losses), losses, cap)
    return torch.log(torch.minimum(safe, cap).clamp_min(1e-8))


def final_loss(run: Run[S]) -> torch.Tensor:
    """Full-data loss after the last step ``[P]`` (inf for a diverged run)."""
    last = recorded_losses(run)[:, -1]
    return torch.where(torch.isfinite(last), last, torch.full_like(last, float("inf")))
