"""The task distribution: seeded, batched, and disjoint from evaluation."""

from __future__ import annotations

import torch

from demos.plugins.learned_opt.task import (
    FAMILIES,
    OOD_FAMILIES,
    heldout_task,
    make_task,
    ood_task,
    sample_task,
)


def test_tasks_are_determined_by_their_seed():
    a, b = sample_task(123), sample_task(123)
    assert a.describe() == b.describe()
    torch.testing.assert_close(a.init_params(2), b.init_params(2))
    torch.testing.assert_close(a.batch_indices(10), b.batch_indices(10))


def test_every_member_starts_from_the_same_point_and_gets_its_own_loss():
    task = make_task("digits", 1, 20)
    params = task.init_params(3)
    assert torch.equal(params[0], params[2])
    params[1] += 0.5
    loss = task.loss(params, task.batch_indices(1)[0])
    assert loss.shape == (3,)
    assert loss[0] == loss[2] and loss[1] != loss[0]


def test_the_distribution_covers_all_families_and_heldout_seeds_are_unseen():
    seen = {sample_task(s).family for s in range(40)}
    assert seen == set(FAMILIES)
    assert heldout_task(0).seed >= 1_000_000  # meta-training seeds are small


def test_out_of_distribution_tasks_are_bigger_or_different():
    deep, wide = ood_task("digits_deep", 0), ood_task("digits_wide", 0)
    assert len(deep.layers) == 6 and max(wide.layers) == 256
    assert ood_task("digits_long", 0).horizon == 200
    for fam in OOD_FAMILIES:
        task = ood_task(fam, 1)
        loss = task.loss(task.init_params(1))
        assert torch.isfinite(loss).all()


def test_every_task_holds_out_test_rows_it_never_trains_on():
    for task in [sample_task(s) for s in range(12)] + [ood_task(f, 0) for f in OOD_FAMILIES]:
        assert task.x_test is not None and len(task.x_test) > 0
        params = task.init_params(2)
        test, train = task.loss(params, test=True), task.loss(params)
        assert test.shape == (2,) and torch.isfinite(test).all()
        assert not torch.equal(test, train)
        assert int(task.batch_indices(100).max()) < task.x.shape[0]  # batches index training rows
