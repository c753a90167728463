"""The baselines' learning rates are tuned on the validation tasks, on their own grids."""

from __future__ import annotations

import pytest
import torch

from demos.plugins.learned_opt.baselines import TUNED_LRS, race, tune_baselines
from demos.plugins.learned_opt.model import construct_theta
from demos.plugins.learned_opt.task import make_task
from demos.plugins.learned_opt.train import ADAM_GRID, SGD_GRID, MetaConfig, validation_tasks


def test_the_race_reports_training_and_held_out_test_losses_for_every_member():
    task = make_task("syn_reg", 0, 10)
    result = race(task, construct_theta("adam", 3e-2).unsqueeze(0), 16)
    members = 1 + len(SGD_GRID) + len(ADAM_GRID)
    assert len(result["train"]) == len(result["test"]) == members
    # The learned optimizer at its start is Adam 3e-2: the same run as that grid member.
    adam = 1 + len(SGD_GRID) + ADAM_GRID.index(3e-2)
    assert result["train"][0] == pytest.approx(result["train"][adam], rel=1e-4)
    assert result["test"][0] != result["train"][0]


def test_tuning_picks_the_grid_entry_with_the_lowest_mean_log_loss():
    tuned = tune_baselines([make_task("quad", 0, 10)])
    for kind, grid in (("sgd", SGD_GRID), ("adam", ADAM_GRID)):
        table = tuned["table"][kind]
        assert set(table) == set(grid)
        assert tuned[kind] == min(table, key=table.__getitem__)


@pytest.mark.slow
def test_the_bundled_tuned_learning_rates_are_what_validation_picks():
    with torch.no_grad():
        tuned = tune_baselines(validation_tasks(MetaConfig().val_tasks))
    assert {k: tuned[k] for k in TUNED_LRS} == TUNED_LRS
