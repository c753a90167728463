"""The seed study's stacked training runs each member exactly as a separate DNC would."""

from __future__ import annotations

from dataclasses import replace

import torch

from demos.plugins.dnc import task as tasks
from demos.plugins.dnc.model import ABLATIONS, Config
from demos.plugins.dnc.stacked import StackedDNC, member

CFG = Config(input_size=7, output_size=6, hidden_size=12, memory_slots=6, word_size=5)


def _members():
    variants = [CFG] + [replace(CFG, **{flag: False}) for flag in ABLATIONS.values()]
    return [member(cfg, seed) for seed in (0, 1) for cfg in variants]


def _inputs(n: int) -> torch.Tensor:
    batch = tasks.make_batch("copy", 3 * n, 2, 4, torch.Generator().manual_seed(0))
    return batch.inputs.view(batch.inputs.shape[0], n, 3, -1)


def test_each_member_of_the_stack_computes_what_its_own_dnc_computes():
    members = _members()
    stacked = StackedDNC(members)
    x = _inputs(len(members))
    with torch.no_grad():
        logits = stacked(x)
        for i, dnc in enumerate(members):
            torch.testing.assert_close(logits[:, i], dnc(x[:, i])[0], atol=1e-5, rtol=1e-5)
            for name, value in stacked.unstack(i).state_dict().items():
                assert torch.equal(value, dnc.state_dict()[name])


def test_each_members_gradient_is_its_own_and_clipped_on_its_own():
    members = _members()[:2]
    stacked = StackedDNC(members)
    x = _inputs(2)
    stacked(x)[:, 0].sum().backward()  # a loss of member 0 only
    norms = stacked.clip_grad_norms(1e-3)
    assert float(norms[1]) == 0.0 and float(norms[0]) > 1e-3
    clipped = torch.stack([p.grad[0].pow(2).sum() for p in stacked.weights.values()]).sum()
    assert abs(float(clipped.sqrt()) - 1e-3) < 1e-6
    assert all(float(p.grad[1].abs().max()) == 0.0 for p in stacked.weights.values())
