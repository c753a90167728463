"""The Differentiable Neural Computer (controller glue) and the LSTM baseline it is compared with.

Graves et al., Nature 538 (2016), Methods, "Controller network": at every step the LSTM controller
reads the input ``x_t`` concatenated with the previous read vectors ``r_{t-1}``; its output gives
the interface vector (access.MemoryAccess) and, together with the new read vectors, the output
``y_t = W_y [h_t; r_t]``. The memory (addressing.py, access.py) has no parameters of its own, so the
number of slots N is a run-time choice: ``DNC.forward(x, num_slots=...)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from demos.kit import checkpoint

from .access import AccessState, MemoryAccess, initial_state

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


@dataclass
class Config:
    """CPU-sized defaults: a 16×16 memory, one read head, an LSTM-64 controller."""

    task: str = "copy"
    input_size: int = 8  # task bits + control channels
    output_size: int = 6
    hidden_size: int = 64  # controller LSTM units
    memory_slots: int = 16  # N at training time (any N works at inference)
    word_size: int = 16  # W
    num_reads: int = 1  # R
    clip_value: float = 20.0  # output logits are clipped, as deepmind/dnc clips its outputs
    lstm_hidden: int = 0  # the baseline's units, 0 = chosen to match the DNC's parameter count
    # The ablation switches (evaluate.ABLATIONS): each False disables one access mechanism.
    temporal_links: bool = True  # False: no link matrix, reads by content only
    allocation: bool = True  # False: content-only writes (the allocation gate is held at 0)
    free_gates: bool = True  # False: free gates held at 0, so usage never falls


ABLATIONS = {
    "no_temporal_links": "temporal_links",
    "no_allocation": "allocation",
    "no_free_gates": "free_gates",
}
"""Ablation name -> the Config switch it turns off."""


class DNC(nn.Module):
    """LSTM controller + external memory. forward: x [T, batch, input_size] -> logits [T, batch, out]."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        read_size = cfg.num_reads * cfg.word_size
        self.controller = nn.LSTMCell(cfg.input_size + read_size, cfg.hidden_size)
        self.access = MemoryAccess(
            cfg.hidden_size,
            cfg.word_size,
            cfg.num_reads,
            temporal_links=cfg.temporal_links,
            allocation=cfg.allocation,
            free_gates=cfg.free_gates,
        )
        self.output = nn.Linear(cfg.hidden_size + read_size, cfg.output_size)

    def forward(
        self, x: torch.Tensor, num_slots: int | None = None, trace: bool = False
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Run a whole sequence from an empty memory of ``num_slots`` rows (default: the config's).

        Returns (logits [T, batch, output_size], trace). With ``trace=True`` the trace holds, stacked
        over time: write_weights [T, batch, N], read_weights [T, batch, R, N], usage [T, batch, N],
        free_gates [T, batch, R], allocation_gate / write_gate [T, batch], read_modes
        [T, batch, R, 3] (backward, content, forward), memory [T, batch, N, word_size], and the
        final link matrix link [batch, N, N].
        """
        cfg = self.cfg
        steps, batch = x.shape[0], x.shape[1]
        n = num_slots or cfg.memory_slots
        state: AccessState = initial_state(batch, n, cfg.word_size, cfg.num_reads)
        h = x.new_zeros(batch, cfg.hidden_size)
        c = x.new_zeros(batch, cfg.hidden_size)
        reads = x.new_zeros(batch, cfg.num_reads * cfg.word_size)
        outputs = []
        record: dict[str, list[torch.Tensor]] = {}
        for t in range(steps):
            h, c = self.controller(torch.cat([x[t], reads], dim=-1), (h, c))
            read_words, state, xi = self.access(h, state)
            reads = read_words.flatten(1)
            outputs.append(self.output(torch.cat([h, reads], dim=-1)))
            if trace:
                for key, value in (
                    ("write_weights", state.write_weights),
                    ("read_weights", state.read_weights),
                    ("usage", state.usage),
                    ("free_gates", xi.free_gates),
                    ("allocation_gate", xi.allocation_gate.squeeze(-1)),
                    ("write_gate", xi.write_gate.squeeze(-1)),
                    ("read_modes", xi.read_modes),
                    ("memory", state.memory),
                ):
                    record.setdefault(key, []).append(value)
        logits = torch.stack(outputs).clamp(-cfg.clip_value, cfg.clip_value)
        traced = {key: torch.stack(values) for key, values in record.items()}
        if trace:
            traced["link"] = state.link
        return logits, traced


class LSTMBaseline(nn.Module):
    """A plain LSTM with about as many parameters as the DNC. x [T, batch, in] -> [T, batch, out]."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        hidden = cfg.lstm_hidden or matching_lstm_hidden(cfg)
        self.lstm = nn.LSTM(cfg.input_size, hidden)
        self.output = nn.Linear(hidden, cfg.output_size)

    def forward(
        self, x: torch.Tensor, num_slots: int | None = None, trace: bool = False
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Same signature as DNC.forward so that training and evaluation treat both alike."""
        hidden, _ = self.lstm(x)
        return self.output(hidden).clamp(-self.cfg.clip_value, self.cfg.clip_value), {}


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def matching_lstm_hidden(cfg: Config) -> int:
    """Units h of an LSTM whose parameter count 4h(in + h) + 8h + (h + 1)·out ≈ the DNC's."""
    target = count_parameters(DNC(cfg))
    a, b, c = (
        4.0,
        4.0 * cfg.input_size + 8.0 + cfg.output_size,
        cfg.output_size - target,
    )
    return max(1, round((-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)))


def build(kind: str, cfg: Config) -> nn.Module:
    """``kind`` is "dnc" or "lstm"."""
    return DNC(cfg) if kind == "dnc" else LSTMBaseline(cfg)


def save_checkpoint(
    path: Path, model: nn.Module, cfg: Config, step: int, metrics: dict[str, Any], seed: int
) -> None:
    payload = {
        "model": model.state_dict(),
        "config": asdict(cfg),
        "step": step,
        "metrics": metrics,
        "seed": seed,
    }
    checkpoint.save(payload, path)


def load_checkpoint(path: Path, kind: str) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild a model from a kit checkpoint on the CPU, in eval mode."""
    payload = checkpoint.load(path)
    model = build(kind, Config(**payload["config"]))
    model.load_state_dict(payload["model"])
    model.eval()
    return model, payload
