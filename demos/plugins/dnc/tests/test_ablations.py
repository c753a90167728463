"""Each ablation switch of model.Config really removes its mechanism (and only that one)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import torch

from demos.plugins.dnc import addressing
from demos.plugins.dnc import task as tasks
from demos.plugins.dnc.access import MemoryAccess, initial_state
from demos.plugins.dnc.model import ABLATIONS, DNC, Config

BATCH, SLOTS, WORD, READS, CONTROLLER = 3, 6, 5, 2, 10
CFG = Config(input_size=7, output_size=6, hidden_size=16, memory_slots=8, word_size=6)


def _steps(access: MemoryAccess, steps: int = 8, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    state = initial_state(BATCH, SLOTS, WORD, READS)
    out = []
    for _ in range(steps):
        _, state, xi = access(3 * torch.randn(BATCH, CONTROLLER, generator=gen), state)
        out.append((state, xi))
    return out


def _access(**switches: bool) -> MemoryAccess:
    torch.manual_seed(0)
    return MemoryAccess(CONTROLLER, WORD, READS, **switches)


def _trace(cfg: Config):
    torch.manual_seed(0)
    model = DNC(cfg)
    batch = tasks.make_batch("copy", 4, 3, 5, torch.Generator().manual_seed(1))
    with torch.no_grad():
        return model(batch.inputs, trace=True)


def test_the_ablation_names_are_the_issues_and_each_names_a_config_switch():
    assert tuple(ABLATIONS) == ("no_temporal_links", "no_allocation", "no_free_gates")
    assert all(getattr(CFG, flag) is True for flag in ABLATIONS.values())


def test_without_temporal_links_the_link_matrix_stays_empty_and_reads_go_by_content():
    for state, xi in _steps(_access(temporal_links=False)):
        assert float(state.link.abs().max()) == 0.0 and float(state.precedence.abs().max()) == 0.0
        torch.testing.assert_close(xi.read_modes[..., 1], torch.ones(BATCH, READS))
        torch.testing.assert_close(state.read_weights.sum(-1), torch.ones(BATCH, READS))
    # the full access does fill the link matrix and mixes in the directional modes
    full = _steps(_access())
    assert float(full[-1][0].link.detach().abs().max()) > 0.0
    assert float(full[-1][1].read_modes[..., 0].detach().max()) > 0.0


def test_without_allocation_writes_follow_the_write_key_alone():
    for _, xi in _steps(_access(allocation=False)):
        assert float(xi.allocation_gate.abs().max()) == 0.0
    # the write weighting is then the write gate times the content weighting of the write key
    access = _access(allocation=False)
    gen = torch.Generator().manual_seed(3)
    prev = initial_state(BATCH, SLOTS, WORD, READS)
    for _ in range(3):
        h = 3 * torch.randn(BATCH, CONTROLLER, generator=gen)
        _, state, xi = access(h, prev)
        content = addressing.content_weights(prev.memory, xi.write_key, xi.write_strength)
        torch.testing.assert_close(state.write_weights, xi.write_gate * content.squeeze(1))
        prev = state


def test_without_free_gates_usage_never_falls():
    for (before, _), (after, xi) in itertools.pairwise(_steps(_access(free_gates=False))):
        assert float(xi.free_gates.abs().max()) == 0.0
        assert bool((after.usage >= before.usage - 1e-7).all())
    # with the free gates working, some usage does fall after a read
    usage = [state.usage for state, _ in _steps(_access())]
    assert any(bool((b < a - 1e-4).any()) for a, b in itertools.pairwise(usage))


def test_an_ablated_dnc_keeps_the_parameters_and_changes_only_its_mechanism():
    full_logits, full_trace = _trace(CFG)
    for name, flag in ABLATIONS.items():
        cfg = replace(CFG, **{flag: False})
        assert sum(p.numel() for p in DNC(cfg).parameters()) == sum(
            p.numel() for p in DNC(CFG).parameters()
        )
        logits, _ = _trace(cfg)
        assert not torch.allclose(logits, full_logits), name  # the switch changes the output
    assert float(_trace(replace(CFG, allocation=False))[1]["allocation_gate"].max()) == 0.0
    assert float(_trace(replace(CFG, free_gates=False))[1]["free_gates"].max()) == 0.0
    assert float(_trace(replace(CFG, temporal_links=False))[1]["link"].abs().max()) == 0.0
    assert float(full_trace["link"].abs().max()) > 0.0
