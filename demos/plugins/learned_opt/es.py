"""Evolution-strategies meta-gradients over truncated unrolls, and the tools that show why
meta-training is hard (talk points 9-13).

Meta-loss of optimizer weights θ on a task, over a truncation of K inner steps from state s:

    L(θ) = 1/K Σ_{t=t0}^{t0+K-1} log ℓ_t(θ)          (log keeps tasks of any loss scale comparable)

Gaussian smoothing L_σ(θ) = E_ε L(θ + σε), ε ~ N(0, I) (Metz et al. 2019, "Understanding and
correcting pathologies in the training of learned optimizers") has the gradient

    ∇L_σ = E[ L(θ + σε) ε ] / σ                       (plain ES, "no antithetic")
         = E[ (L(θ + σε) - L(θ - σε)) ε ] / (2σ)      (antithetic ES; Salimans et al. 2017)

The antithetic form cancels the even part of L around θ, above all the constant L(θ), which
dominates the plain estimator's variance (talk point 12). Truncated unrolls (point 13) carry the
inner state of a task across meta-steps so that a 100-step inner run costs several cheap ES steps.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from .inner import capped_log_losses, unroll
from .model import InnerState, init_state, learned_step
from .task import Task


class MetaEval(NamedTuple):
    """Meta-losses ``[P]`` of a population and the inner state each member ended in."""

    loss: torch.Tensor
    state: InnerState


def _expand(state: InnerState, members: int) -> InnerState:
    """Copy a one-member state ``[1, N]`` to ``members`` members."""
    return InnerState(
        state.params.expand(members, -1).clone(),
        state.moms.expand(-1, members, -1).clone(),
        state.rms.expand(members, -1).clone(),
        state.step,
    )


def meta_loss(
    task: Task,
    thetas: torch.Tensor,
    hidden: int,
    steps: int,
    start: InnerState | None = None,
    initial_loss: float | None = None,
    differentiable: bool = False,
) -> MetaEval:
    """Mean capped log minibatch loss of each θ in ``thetas [P, D]`` over ``steps`` inner steps.

    ``start`` is a one-member state (None: the task's initialisation); ``initial_loss`` sets the
    divergence cap (default: the loss at the task's initial point).
    """
    members = thetas.shape[0]
    state = _expand(start, members) if start is not None else init_state(task.init_params(members))
    if initial_loss is None:
        with torch.no_grad():
            initial_loss = float(task.loss(task.init_params(1))[0])
    seg_ids = task.seg_ids

    def step_fn(s: InnerState, g: torch.Tensor) -> InnerState:
        return learned_step(thetas, s, g, seg_ids, task.horizon, hidden)

    run = unroll(task, step_fn, state, steps, differentiable=differentiable)
    init = torch.full((members,), initial_loss)
    return MetaEval(capped_log_losses(run.losses, init).mean(dim=1), run.state)


def perturbations(pairs: int, dim: int, gen: torch.Generator) -> torch.Tensor:
    """Gaussian directions ε ``[pairs, D]``."""
    return torch.randn(pairs, dim, generator=gen)


def antithetic_estimate(
    task: Task,
    theta: torch.Tensor,
    hidden: int,
    sigma: float,
    pairs: int,
    steps: int,
    gen: torch.Generator,
    start: InnerState | None = None,
    initial_loss: float | None = None,
    with_centre: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, MetaEval | None]:
    """Antithetic ES gradient ``[D]`` of L_σ from 2·pairs unrolls; also the per-pair losses.

    With ``with_centre`` the unperturbed θ runs in the same batch (its state continues the
    truncated inner run; its loss is the meta-training curve). Returns (grad, losses [2·pairs],
    centre MetaEval or None).
    """
    eps = perturbations(pairs, theta.numel(), gen)
    thetas = torch.cat([theta + sigma * eps, theta - sigma * eps])
    if with_centre:
        thetas = torch.cat([theta.unsqueeze(0), thetas])
    ev = meta_loss(task, thetas, hidden, steps, start, initial_loss)
    losses = ev.loss[1:] if with_centre else ev.loss
    diff = losses[:pairs] - losses[pairs:]
    grad = (diff.unsqueeze(1) * eps).sum(0) / (2 * sigma * pairs)
    centre = None
    if with_centre:
        centre = MetaEval(
            ev.loss[:1],
            InnerState(
                ev.state.params[:1],
                ev.state.moms[:, :1],
                ev.state.rms[:1],
                ev.state.step,
            ),
        )
    return grad, losses, centre


def plain_estimate(
    task: Task,
    theta: torch.Tensor,
    hidden: int,
    sigma: float,
    samples: int,
    steps: int,
    gen: torch.Generator,
) -> torch.Tensor:
    """Plain (one-sided, no baseline) ES gradient ``[D]`` from ``samples`` unrolls."""
    eps = perturbations(samples, theta.numel(), gen)
    losses = meta_loss(task, theta + sigma * eps, hidden, steps).loss
    return (losses.unsqueeze(1) * eps).sum(0) / (sigma * samples)


def backprop_gradient(task: Task, theta: torch.Tensor, hidden: int, steps: int) -> torch.Tensor:
    """Exact ∇_θ L by backpropagating through the whole unroll (second-order terms included)."""
    with torch.enable_grad():  # callers may sit under no_grad (inference)
        theta = theta.detach().clone().requires_grad_(True)
        loss = meta_loss(task, theta.unsqueeze(0), hidden, steps, differentiable=True).loss.sum()
        (grad,) = torch.autograd.grad(loss, theta)
    return grad


def estimator_variance(estimates: torch.Tensor) -> float:
    """Total variance (trace of the covariance) of repeated gradient estimates ``[R, D]``."""
    return float(estimates.var(dim=0).sum())


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(torch.nn.functional.cosine_similarity(a, b, dim=0))


def roughness(values: torch.Tensor) -> float:
    """Scale-free roughness of a sampled 1-D curve ``[S]``: mean |Δ²L| / mean |ΔL|.

    ~0 for a smooth curve sampled finely (second differences shrink faster than first ones),
    ~1.5-2 for a curve that changes faster than the sampling (white noise gives 2·√(3/2)/... ≈ 1.7).
    """
    v = values.double()
    first = (v[1:] - v[:-1]).abs().mean()
    second = (v[2:] - 2 * v[1:-1] + v[:-2]).abs().mean()
    return float(second / (first + 1e-12))


def meta_slice(
    task: Task,
    theta: torch.Tensor,
    direction: torch.Tensor,
    alphas: torch.Tensor,
    hidden: int,
    steps: int,
    smooth_sigma: float = 0.0,
    smooth_samples: int = 0,
    seed: int = 0,
) -> torch.Tensor:
    """L(θ + α·u) for α in ``alphas [S]`` → ``[S]``; with smoothing, the mean over the same
    ``smooth_samples`` Gaussian perturbations of scale ``smooth_sigma`` at every α (a Monte-Carlo
    L_σ whose noise is common to all α, so what remains is smoothing, not noise)."""
    points = theta.unsqueeze(0) + alphas.unsqueeze(1) * direction.unsqueeze(0)  # [S, D]
    if smooth_samples == 0:
        return meta_loss(task, points, hidden, steps).loss
    gen = torch.Generator().manual_seed(seed)
    eps = torch.randn(smooth_samples, theta.numel(), generator=gen)
    batch = (points.unsqueeze(1) + smooth_sigma * eps.unsqueeze(0)).reshape(-1, theta.numel())
    return meta_loss(task, batch, hidden, steps).loss.view(len(alphas), smooth_samples).mean(1)
