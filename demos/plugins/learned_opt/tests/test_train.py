"""Meta-training: a fixed-seed meta-update lowers the meta-loss; the learned optimizer trains."""

from __future__ import annotations

import torch

from demos.plugins.learned_opt.es import antithetic_estimate, meta_loss
from demos.plugins.learned_opt.inner import run_mixed
from demos.plugins.learned_opt.model import construct_theta
from demos.plugins.learned_opt.task import make_task
from demos.plugins.learned_opt.train import Stream

HIDDEN = 8


def test_one_meta_training_step_reduces_the_meta_loss_on_its_truncation():
    stream = Stream(7)  # a task from the meta-training distribution
    theta = construct_theta("adam", 1e-3, HIDDEN).requires_grad_(True)
    meta_opt = torch.optim.Adam([theta], lr=0.05)
    gen = torch.Generator().manual_seed(0)
    grad, _, centre = antithetic_estimate(
        stream.task,
        theta.detach(),
        HIDDEN,
        0.01,
        8,
        10,
        gen,
        None,
        stream.initial_loss,
        with_centre=True,
    )
    theta.grad = grad
    meta_opt.step()
    after = meta_loss(
        stream.task, theta.detach().unsqueeze(0), HIDDEN, 10, None, stream.initial_loss
    )
    assert float(after.loss) < float(centre.loss)


def test_the_centre_member_carries_the_truncated_inner_run_forward():
    stream = Stream(3)
    theta = construct_theta("adam", 1e-2, HIDDEN)
    gen = torch.Generator().manual_seed(0)
    _, _, centre = antithetic_estimate(
        stream.task,
        theta,
        HIDDEN,
        0.01,
        2,
        5,
        gen,
        None,
        stream.initial_loss,
        with_centre=True,
    )
    assert centre.state.step == 5 and centre.state.params.shape[0] == 1
    _, _, centre2 = antithetic_estimate(
        stream.task,
        theta,
        HIDDEN,
        0.01,
        2,
        5,
        gen,
        centre.state,
        stream.initial_loss,
        with_centre=True,
    )
    assert centre2.state.step == 10


def test_a_learned_optimizer_step_reduces_the_training_loss():
    task = make_task("syn_cls", 0, 20)
    run = run_mixed(
        task,
        construct_theta("adam", 1e-2, HIDDEN).unsqueeze(0),
        HIDDEN,
        steps=5,
        record_every=1,
    )
    assert run.full_losses[0, 1] < run.full_losses[0, 0]
    assert run.full_losses[0, -1] < run.full_losses[0, 0]


def test_meta_training_with_a_fixed_seed_and_update_count_is_reproducible():
    from demos.plugins.learned_opt.model import Config
    from demos.plugins.learned_opt.train import MetaConfig, meta_train

    cfg, tcfg = Config(hidden=HIDDEN), MetaConfig(seed=3, max_updates=4, val_tasks=1, val_every=2)
    (a, curve_a, best_a), (b, _, best_b) = meta_train(cfg, tcfg), meta_train(cfg, tcfg)
    assert torch.equal(a, b) and best_a == best_b
    assert [r["update"] for r in curve_a if "val_mean_log_loss" in r] == [0, 2, 4, 4]
    assert best_a["train_task_seeds"][0] == 3 * 10_000_000
