"""The per-parameter MLP optimizer: its hand-designed special cases and its features."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.learned_opt.model import (
    FEATURE_NAMES,
    N_INPUTS,
    N_NORMED,
    Config,
    LearnedOptimizer,
    construct_theta,
    features,
    init_state,
    learned_step,
    n_theta,
)
from demos.plugins.learned_opt.task import make_task

STEPS = 8


def _reference_trajectory(task, make_opt) -> torch.Tensor:
    """Train with a real ``torch.optim`` optimizer on the same minibatches."""
    param = task.init_params(1).clone().requires_grad_(True)
    opt = make_opt([param])
    idx = task.batch_indices(task.horizon)
    for t in range(STEPS):
        opt.zero_grad()
        task.loss(param, idx[t]).sum().backward()
        opt.step()
    return param.detach()


def _learned_trajectory(task, theta: torch.Tensor, hidden: int) -> torch.Tensor:
    state = init_state(task.init_params(1))
    idx = task.batch_indices(task.horizon)
    for t in range(STEPS):
        params = state.params.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(task.loss(params, idx[t]).sum(), params)
        state = learned_step(
            theta.unsqueeze(0),
            state._replace(params=params.detach()),
            grad,
            task.seg_ids,
            task.horizon,
            hidden,
        )
    return state.params


@pytest.mark.parametrize(
    ("kind", "lr", "make_opt"),
    [
        ("sgd", 0.1, lambda p: torch.optim.SGD(p, lr=0.1)),
        ("momentum", 0.02, lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9)),
        ("adam", 3e-3, lambda p: torch.optim.Adam(p, lr=3e-3)),
    ],
)
def test_constructed_weights_reproduce_hand_designed_optimizers(kind, lr, make_opt):
    task = make_task("syn_cls", 0, 50)
    theta = construct_theta(kind, lr, hidden=16, noise=0.05)  # spare units must not matter
    ours = _learned_trajectory(task, theta, 16)
    ref = _reference_trajectory(task, make_opt)
    moved = (ref - task.init_params(1)).abs().max()
    assert moved > 1e-3  # the comparison is not vacuous
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-6)


def test_construction_rejects_unknown_optimizers():
    with pytest.raises(ValueError):
        construct_theta("lion", 1e-3)


def test_normalised_features_have_unit_rms_per_tensor():
    task = make_task("digits", 0, 50)
    params = task.init_params(3) + 0.1 * torch.randn(3, task.n_params)
    grad = torch.randn(3, task.n_params) * torch.linspace(0.01, 10, task.n_params)
    x, state = features(init_state(params), grad, task.seg_ids, task.horizon)
    assert x.shape == (3, task.n_params, N_INPUTS)
    assert state.step == 1
    for start, end in task.segments[:2]:  # the first weight matrix and its bias
        rms = x[:, start:end, :N_NORMED].pow(2).mean(dim=1).sqrt()
        torch.testing.assert_close(rms, torch.ones_like(rms), rtol=1e-4, atol=1e-4)
    assert torch.isfinite(x).all()
    assert len(FEATURE_NAMES) == N_NORMED


def test_update_is_finite_and_clamped_for_random_weights():
    torch.manual_seed(0)
    cfg = Config()
    theta = 3.0 * torch.randn(2, n_theta(cfg.hidden))
    task = make_task("quad", 0, 50)
    params = task.init_params(2)
    state = learned_step(
        theta,
        init_state(params),
        torch.randn(2, task.n_params),
        task.seg_ids,
        50,
        cfg.hidden,
    )
    assert torch.isfinite(state.params).all()


def test_module_holds_one_flat_theta_of_the_right_size():
    opt = LearnedOptimizer(Config(hidden=8))
    assert opt.theta.shape == (n_theta(8),)
    assert set(opt.state_dict()) == {"theta"}
