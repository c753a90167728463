"""The learner's network: a small MLP actor-critic for CartPole (IMPALA, section 3, in miniature).

One shared hidden layer feeds a softmax policy head π(a|x) and a value head V(x), as the IMPALA
agent shares its torso between the policy and the baseline. CPU-sized: 4 → 64 → 64 → (2 + 1),
about 4.7 k parameters, a 20 kB checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class Config:
    """Everything needed to rebuild the network from a checkpoint."""

    obs_dim: int = 4  # CartPole: cart position, cart velocity, pole angle, pole angular velocity
    actions: int = 2  # push left, push right
    hidden: int = 64


class ActorCritic(nn.Module):
    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        self.torso = nn.Sequential(
            nn.Linear(cfg.obs_dim, cfg.hidden),
            nn.Tanh(),
            nn.Linear(cfg.hidden, cfg.hidden),
            nn.Tanh(),
        )
        self.policy = nn.Linear(cfg.hidden, cfg.actions)
        self.value = nn.Linear(cfg.hidden, 1)
        with torch.no_grad():  # a near-uniform first policy and a zero first baseline
            self.policy.weight.mul_(0.01)
            self.policy.bias.zero_()
            self.value.weight.mul_(0.1)
            self.value.bias.zero_()

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """obs: [..., obs_dim] -> (logits [..., actions], value [...])."""
        h = self.torso(obs)
        return self.policy(h), self.value(h).squeeze(-1)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
