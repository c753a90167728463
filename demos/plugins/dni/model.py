"""The recurrent core and the synthetic-gradient module of Jaderberg et al. (2016), "Decoupled
Neural Interfaces using Synthetic Gradients" (arXiv:1608.05343), section 3.2 (RNNs).

The core is an LSTM that reads the task's one-hot inputs and a linear readout that answers at the
recall step. Its state at a truncation boundary is ``s = [h, c]`` (``[batch, 2 * hidden]``). The
synthetic-gradient module ``M`` maps that state to a prediction of ``dL_future / ds``, the gradient
that the losses after the boundary would send back through it (the paper's ``δ̂ = M(h)``); its
last layer starts at zero, so an untrained module adds nothing and the core trains exactly as
truncated BPTT does (section 3, "zero-initialised").
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class Config:
    """Everything needed to rebuild the core and its synthetic-gradient module."""

    symbols: int = 4  # alphabet size K of the recall task (chance accuracy 1 / K)
    hidden: int = 32  # LSTM units
    sg_hidden: int = (
        0  # hidden units of the synthetic-gradient module; 0 = linear (the paper's RNN setting)
    )
    forget_bias: float = 1.0  # initial forget-gate bias (all variants alike)

    @property
    def inputs(self) -> int:
        return 2 * self.symbols + 1  # symbol channels, distractor channels, recall cue

    @property
    def state(self) -> int:
        return 2 * self.hidden


State = tuple[torch.Tensor, torch.Tensor]  # (h, c), each [1, batch, hidden] as nn.LSTM keeps them


class Core(nn.Module):
    """LSTM + readout: ``forward(x [batch, steps, inputs], s [batch, 2H]) -> (logits, s')``."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        self.lstm = nn.LSTM(cfg.inputs, cfg.hidden, batch_first=True)
        self.readout = nn.Linear(cfg.hidden, cfg.symbols)
        with torch.no_grad():
            h = cfg.hidden  # PyTorch orders the gates i, f, g, o
            ih, hh = self.lstm.bias_ih_l0, self.lstm.bias_hh_l0
            assert isinstance(ih, torch.Tensor) and isinstance(hh, torch.Tensor)
            ih[h : 2 * h].fill_(cfg.forget_bias)
            hh[h : 2 * h].zero_()

    def initial_state(self, batch: int) -> torch.Tensor:
        """[batch, 2H] zeros: the state before the first step of an episode."""
        return torch.zeros(batch, self.cfg.state)

    def forward(self, x: torch.Tensor, s: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: [batch, steps, inputs], s: [batch, 2H] -> (logits [batch, steps, K], s' [batch, 2H])."""
        h, c = s.chunk(2, dim=-1)
        out, (h1, c1) = self.lstm(x, (h.unsqueeze(0).contiguous(), c.unsqueeze(0).contiguous()))
        return self.readout(out), torch.cat([h1[0], c1[0]], dim=-1)


class SyntheticGradient(nn.Module):
    """``M(s) ≈ dL_future / ds``: [batch, 2H] -> [batch, 2H], zero at initialisation."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        if cfg.sg_hidden > 0:
            self.net: nn.Module = nn.Sequential(
                nn.Linear(cfg.state, cfg.sg_hidden), nn.ReLU(), nn.Linear(cfg.sg_hidden, cfg.state)
            )
            last = self.net[-1]
        else:
            self.net = nn.Linear(cfg.state, cfg.state)
            last = self.net
        assert isinstance(last, nn.Linear)
        with torch.no_grad():
            last.weight.zero_()
            last.bias.zero_()

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """s: [batch, 2H] (detached core state) -> [batch, 2H] predicted gradient."""
        return self.net(s)
