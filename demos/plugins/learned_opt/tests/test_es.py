"""Evolution strategies: an ES step improves the meta-objective, antithetic sampling cuts
variance, and the ES gradient points like the backprop one on a short unroll."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.learned_opt.es import (
    antithetic_estimate,
    backprop_gradient,
    cosine,
    estimator_variance,
    meta_loss,
    plain_estimate,
    roughness,
)
from demos.plugins.learned_opt.hardness import gaussian_smooth
from demos.plugins.learned_opt.model import construct_theta
from demos.plugins.learned_opt.task import small_task

HIDDEN = 8


def test_one_es_step_improves_a_toy_meta_objective():
    # SGD with a far too small learning rate: the meta-loss falls when the step size grows.
    task = small_task(0, 20)
    theta = construct_theta("sgd", 1e-3, HIDDEN)
    gen = torch.Generator().manual_seed(0)
    grad, _, _ = antithetic_estimate(task, theta, HIDDEN, 0.05, 8, 10, gen)
    before = meta_loss(task, theta.unsqueeze(0), HIDDEN, 10).loss
    after = meta_loss(task, (theta - 0.5 * grad / grad.norm()).unsqueeze(0), HIDDEN, 10).loss
    assert float(after) < float(before)


def test_antithetic_sampling_has_lower_variance_than_plain_es():
    task = small_task(1, 20)
    theta = construct_theta("adam", 1e-2, HIDDEN)
    gen = torch.Generator().manual_seed(1)
    anti = torch.stack(
        [antithetic_estimate(task, theta, HIDDEN, 0.01, 4, 5, gen)[0] for _ in range(6)]
    )
    plain = torch.stack([plain_estimate(task, theta, HIDDEN, 0.01, 8, 5, gen) for _ in range(6)])
    assert estimator_variance(anti) < 0.1 * estimator_variance(plain)


@pytest.mark.slow
def test_es_gradient_agrees_with_backprop_on_a_short_unroll():
    task = small_task(2, 20)
    theta = construct_theta("adam", 1e-2, HIDDEN, noise=0.1)
    gen = torch.Generator().manual_seed(2)
    es = antithetic_estimate(task, theta, HIDDEN, 0.01, 128, 5, gen)[0]
    bp = backprop_gradient(task, theta, HIDDEN, 5)
    assert torch.isfinite(bp).all()
    assert cosine(es, bp) > 0.2


def test_roughness_separates_smooth_from_jagged_curves_and_smoothing_lowers_it():
    x = torch.linspace(0, 3, 61)
    smooth = torch.sin(x)
    jagged = torch.sin(x) + 0.3 * torch.sin(37.0 * x**2)
    assert roughness(smooth) < 0.1
    assert roughness(jagged) > 1.0
    smoothed = gaussian_smooth(jagged, float(x[1] - x[0]), 0.2)
    assert roughness(smoothed) < roughness(jagged)


def test_meta_loss_caps_divergence_instead_of_returning_nan():
    task = small_task(3, 20)
    theta = construct_theta("sgd", 1e4, HIDDEN)  # explodes
    loss = meta_loss(task, theta.unsqueeze(0), HIDDEN, 10).loss
    assert torch.isfinite(loss).all()
