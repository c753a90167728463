"""Truncated BPTT, with or without synthetic gradients at the truncation boundaries
(Jaderberg et al. 2016, section 3.2 and figure 3).

An episode of S steps is cut into windows of T steps. Each window starts from the previous one's
final state ``s_k`` (detached: no gradient flows back across a boundary) and is back-propagated on
its own. Without synthetic gradients that is plain truncated BPTT: the losses after a boundary
never reach the steps before it. With them, the window's objective adds ``<δ̂_k, s_k>`` where
``δ̂_k = M(s_k)`` is the module's prediction of ``dL_future / ds_k``, so the window's parameters
get the gradient the future would have sent (equation 1 of the paper, ``∂L/∂θ ≈ ∂L_window/∂θ +
δ̂ ∂s/∂θ``).

The module learns by bootstrapping (section 3.2): its target at boundary k is the gradient that
window k + 1 sends back to its starting state, ``dL_{k+1}/ds_k + δ̂_{k+1} ∂s_{k+1}/∂s_k``, which
itself uses the next prediction; the last window of an episode has no future, so its gradient is
exact and anchors the chain. With T >= S there is one window: full BPTT.

Per-example gradients: the losses are summed per episode, so ``δ̂`` predicts the gradient of one
episode's loss; the parameter update divides by the batch size like a mean loss would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from .model import Core, SyntheticGradient

Synthetic = Callable[[int, torch.Tensor], torch.Tensor]
"""``synthetic(k, s_k) -> δ̂_k``: [batch, 2H] gradient injected at the end of window k."""


@dataclass
class Unrolled:
    """What one windowed pass over a batch measured (the parameter gradients are in ``.grad``)."""

    loss: float  # mean per-episode task loss
    correct: torch.Tensor  # [batch] bool: the answer at the recall step was right
    sg_loss: float = float("nan")  # mean squared error of δ̂ against its bootstrapped targets
    sg_rel_error: float = float("nan")  # ||δ̂ − target||² / ||target||², over all boundaries
    boundary_grads: list[torch.Tensor] = field(default_factory=list)  # [batch, 2H] targets


def windows(steps: int, window: int) -> list[tuple[int, int]]:
    """[(t0, t1), …]: the windows of an episode of `steps` steps, the last one possibly shorter."""
    if window < 1:
        raise ValueError("the window is at least one step")
    return [(t0, min(steps, t0 + window)) for t0 in range(0, steps, window)]


def backward(
    core: Core,
    inputs: torch.Tensor,
    target: torch.Tensor,
    window: int,
    synthetic: Synthetic | None = None,
) -> Unrolled:
    """Windowed forward + backward of one batch; accumulates ``.grad`` of the core's parameters.

    inputs: [batch, S, inputs]; target: [batch, S] (−1: no loss at that step); window: T
    (>= S: full BPTT). ``synthetic`` gives δ̂ at each boundary (None: truncated BPTT).
    Returns the loss, which answers were right, and the gradient each window sent back to its
    starting state (``boundary_grads[k]`` is the bootstrapped target for boundary k).
    """
    batch, steps, _ = inputs.shape
    s = core.initial_state(batch)
    total = 0.0
    correct = torch.zeros(batch, dtype=torch.bool)
    grads: list[torch.Tensor] = []
    spans = windows(steps, window)
    for k, (t0, t1) in enumerate(spans):
        start = s.detach().requires_grad_(True)
        logits, end = core(inputs[:, t0:t1], start)
        tgt = target[:, t0:t1]
        per_step = F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-1, reduction="none"
        )
        objective = per_step.sum()
        total += float(objective.detach())
        scored = tgt >= 0
        if scored.any():
            right = (logits.argmax(-1) == tgt) | ~scored
            correct |= right.all(dim=1) & scored.any(dim=1)
        if synthetic is not None and k < len(spans) - 1:
            objective = objective + (synthetic(k, end.detach()).detach() * end).sum()
        (objective / batch).backward()
        if k > 0:
            assert start.grad is not None
            grads.append(start.grad * batch)  # per-episode gradient into boundary k - 1
        s = end
    return Unrolled(loss=total / batch, correct=correct, boundary_grads=grads)


def dni_backward(
    core: Core, sg: SyntheticGradient, inputs: torch.Tensor, target: torch.Tensor, window: int
) -> Unrolled:
    """`backward` with ``δ̂ = M(s)``, then the module's own regression on the bootstrapped targets.

    Accumulates ``.grad`` of both the core's and the module's parameters.
    """
    preds: list[torch.Tensor] = []

    def synthetic(k: int, s: torch.Tensor) -> torch.Tensor:
        pred = sg(s)  # s is detached: the module's loss trains the module only
        preds.append(pred)
        return pred

    out = backward(core, inputs, target, window, synthetic)
    if preds:
        targets = [g.detach() for g in out.boundary_grads]
        err = sum(((p - t) ** 2).sum(-1).mean() for p, t in zip(preds, targets, strict=True))
        assert isinstance(err, torch.Tensor)
        (err / len(preds)).backward()
        num = sum(float(((p.detach() - t) ** 2).sum()) for p, t in zip(preds, targets, strict=True))
        den = sum(float((t**2).sum()) for t in targets)
        out.sg_loss = float(err.detach()) / len(preds)
        out.sg_rel_error = num / den if den > 0 else float("nan")
    return out


def true_boundary_grads(
    core: Core, inputs: torch.Tensor, target: torch.Tensor, window: int
) -> list[torch.Tensor]:
    """The exact ``dL_future / ds_k`` at every boundary of `window`, by full BPTT.

    [batch, 2H] per boundary, per episode; what a perfect synthetic-gradient module would output.
    Leaves the core's ``.grad`` as it found it.
    """
    saved = [None if p.grad is None else p.grad.clone() for p in core.parameters()]
    batch, steps, _ = inputs.shape
    s = core.initial_state(batch)
    states: list[torch.Tensor] = []
    objective = torch.zeros(())
    spans = windows(steps, window)
    for k, (t0, t1) in enumerate(spans):
        logits, s = core(inputs[:, t0:t1], s)
        if k < len(spans) - 1:
            s.retain_grad()
            states.append(s)
        objective = objective + F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            target[:, t0:t1].reshape(-1),
            ignore_index=-1,
            reduction="sum",
        )
    objective.backward()
    for p, g in zip(core.parameters(), saved, strict=True):
        p.grad = g
    return [torch.zeros_like(x) if x.grad is None else x.grad.clone() for x in states]
