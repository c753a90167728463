"""The probe's model: one linear unit that learns to read a count back, ``y = w·x + b``.

A stand-in for a paper's model, small enough to train in a second; what matters is the shape a
plug-in's ``model.py`` has: a ``@dataclass Config`` with CPU-sized defaults (stored in every
checkpoint as ``asdict(cfg)`` so the model rebuilds itself) and the ``nn.Module``, with the tensor
shapes in the docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class Config:
    """Everything needed to rebuild the model from a checkpoint."""

    init_scale: float = 0.1  # the weight and bias start at this times a standard normal


class Probe(nn.Module):
    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        self.linear = nn.Linear(1, 1)
        with torch.no_grad():
            self.linear.weight.normal_(0.0, cfg.init_scale)
            self.linear.bias.normal_(0.0, cfg.init_scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: [batch] counts -> [batch] the model's reading of them."""
        return self.linear(x.unsqueeze(-1)).squeeze(-1)
