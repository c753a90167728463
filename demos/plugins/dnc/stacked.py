"""Several DNCs trained side by side in one process: the seed study's way to fit a CPU budget.

A DNC step on these small sizes costs a few hundred tiny tensor operations, each dominated by its
fixed overhead, so twelve separate runs cost about twelve times one. ``StackedDNC`` holds E
independent DNCs (the same ``Config`` up to the ablation switches) as parameters with a leading
member axis and runs them as one batch: the controllers and the two projections are batched
matrix products, and the parameter-free memory (access.step) runs on the flattened
[E * batch] rows, each member's ablation switches given per row. The members never mix: each has
its own data, its own loss term (their sum has each member's own gradient), its own gradient-norm
clipping and Adam's per-element state. ``unstack`` gives each member back as a plain ``DNC``.
"""

from __future__ import annotations

from dataclasses import replace

import torch
from torch import nn

from . import access
from .model import DNC, Config

# The parameters of a DNC (model.DNC's state_dict names), stacked along a new first axis.
_NAMES = (
    "controller.weight_ih",
    "controller.weight_hh",
    "controller.bias_ih",
    "controller.bias_hh",
    "access.interface.weight",
    "access.interface.bias",
    "output.weight",
    "output.bias",
)


def _key(name: str) -> str:
    return name.replace(".", "__")


class StackedDNC(nn.Module):
    """E DNCs as one module. forward: x [T, E, batch, input_size] -> logits [T, E, batch, out]."""

    def __init__(self, members: list[DNC]) -> None:
        super().__init__()
        if not members:
            raise ValueError("no members to stack")
        base = members[0].cfg

        def shape(cfg: Config) -> Config:  # what must agree: all but the task and the switches
            return replace(cfg, task="", temporal_links=True, allocation=True, free_gates=True)

        if any(shape(m.cfg) != shape(base) for m in members):
            raise ValueError("stacked members differ in more than their task and ablation switches")
        self.cfg = base
        self.configs = [m.cfg for m in members]
        states = [m.state_dict() for m in members]
        self.weights = nn.ParameterDict(
            {_key(n): nn.Parameter(torch.stack([s[n] for s in states])) for n in _NAMES}
        )
        for flag in ("temporal_links", "allocation", "free_gates"):
            on = torch.tensor([float(getattr(c, flag)) for c in self.configs])
            self.register_buffer(f"on_{flag}", on, persistent=False)

    @property
    def size(self) -> int:
        return len(self.configs)

    def _w(self, name: str) -> torch.Tensor:
        return self.weights[_key(name)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        cfg, e = self.cfg, self.size
        steps, _, batch, _ = x.shape
        rows = e * batch

        def per_row(on: torch.Tensor) -> torch.Tensor:
            return on.repeat_interleave(batch)

        switches = {
            "temporal_links": per_row(self.get_buffer("on_temporal_links")),
            "allocation": per_row(self.get_buffer("on_allocation")),
            "free_gates": per_row(self.get_buffer("on_free_gates")),
        }
        state = access.initial_state(rows, cfg.memory_slots, cfg.word_size, cfg.num_reads)
        h = x.new_zeros(e, batch, cfg.hidden_size)
        c = x.new_zeros(e, batch, cfg.hidden_size)
        reads = x.new_zeros(e, batch, cfg.num_reads * cfg.word_size)
        w_ih, w_hh = self._w("controller.weight_ih"), self._w("controller.weight_hh")
        bias = (self._w("controller.bias_ih") + self._w("controller.bias_hh")).unsqueeze(1)
        w_if, b_if = self._w("access.interface.weight"), self._w("access.interface.bias")
        w_out, b_out = self._w("output.weight"), self._w("output.bias")
        outputs = []
        for t in range(steps):
            inp = torch.cat([x[t], reads], dim=-1)  # [E, batch, in + R*W]
            gates = torch.bmm(inp, w_ih.transpose(1, 2)) + torch.bmm(h, w_hh.transpose(1, 2)) + bias
            i, f, g, o = gates.chunk(4, dim=-1)  # nn.LSTMCell's gate order
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            raw = torch.bmm(h, w_if.transpose(1, 2)) + b_if.unsqueeze(1)
            xi = access.squash(
                raw.reshape(rows, -1),
                cfg.word_size,
                cfg.num_reads,
                temporal_links=switches["temporal_links"],
                allocation=switches["allocation"],
                free_gates=switches["free_gates"],
            )
            words, state = access.step(xi, state, switches["temporal_links"])
            reads = words.reshape(e, batch, -1)
            hr = torch.cat([h, reads], dim=-1)
            outputs.append(torch.bmm(hr, w_out.transpose(1, 2)) + b_out.unsqueeze(1))
        return torch.stack(outputs).clamp(-cfg.clip_value, cfg.clip_value)

    def clip_grad_norms(self, max_norm: float) -> torch.Tensor:
        """Each member's own gradient-norm clipping (as torch.nn.utils.clip_grad_norm_ would do
        on a single DNC). Returns the E norms before clipping."""
        grads = [p.grad for p in self.weights.values() if p.grad is not None]
        sq = torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0)
        norms = sq.sqrt()
        scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(scale.view(-1, *([1] * (g.dim() - 1))))
        return norms

    def member_state(self, index: int) -> dict[str, torch.Tensor]:
        """Member ``index``'s weights as a ``DNC`` state_dict (copied)."""
        return {n: self._w(n)[index].detach().clone() for n in _NAMES}

    def unstack(self, index: int) -> DNC:
        """Member ``index`` as a plain DNC (eval mode)."""
        model = DNC(self.configs[index])
        model.load_state_dict(self.member_state(index))
        model.eval()
        return model


def member(cfg: Config, seed: int) -> DNC:
    """A freshly initialised DNC, seeded as a single training run would be (torch.manual_seed)."""
    torch.manual_seed(seed)
    return DNC(cfg)
