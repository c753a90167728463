"""Adaptive Computation Time (ACT) for a tanh RNN.

Graves, "Adaptive Computation Time for Recurrent Neural Networks", arXiv:1603.08983 (2016),
section 2. For every input x_t the cell takes a variable number N(t) of "ponder" updates:

    s_t^n = S(s_t^{n-1}, x_t^n),  s_t^0 = s_{t-1},  x_t^n = x_t + δ_{n,1}
    y_t^n = W_y s_t^n + b_y
    h_t^n = σ(W_h s_t^n + b_h)
    N(t)  = min{M, min{n' : Σ_{n=1}^{n'} h_t^n >= 1 - ε}}
    R(t)  = 1 - Σ_{n=1}^{N(t)-1} h_t^n
    p_t^n = R(t) if n = N(t), h_t^n if n < N(t), 0 otherwise
    s_t   = Σ_n p_t^n s_t^n,   y_t = Σ_n p_t^n y_t^n   (mean-field updates)
    ρ_t   = N(t) + R(t),  L = L_task + τ Σ_t ρ_t

N(t) is piecewise constant, so the ponder cost's gradient flows only through the remainder
R(t): ∂ρ_t/∂h_t^n = -1 for n < N(t) and 0 otherwise (section 2.1). Here that falls out of
autograd because N is an integer tensor and R is built from the halting units.

With ``max_steps = 1`` the cell is an ordinary one-update RNN (N = 1, R = 1, p = 1): the
demo's no-ACT baseline uses exactly that. With ``fixed_steps = True`` the halting units are
held at 0, so every input is pondered exactly M = max_steps times and the output is that of
the last update (p = δ_{n,M}, R = 1): the demo's fixed-ponder ablation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

# Width of the "first ponder step" flag appended to every input (the δ_{n,1} above).
_FLAG_FEATURES = 1


@dataclass
class Config:
    """Model size and ACT constants (CPU-sized defaults; the paper's parity net uses 128 tanh units)."""

    input_size: int = 10  # D, the parity vector length
    hidden_size: int = 128
    output_size: int = 1  # one logit: P(odd number of +1 entries)
    max_steps: int = 20  # M, the cap on ponder updates per input (1 = no-ACT baseline)
    epsilon: float = 0.01  # ε: halt once the halting units sum to 1 - ε (the paper uses 0.01)
    halt_bias_init: float = 1.0  # b_h at initialisation (the paper initialises it to 1)
    time_penalty: float = 1e-3  # τ, the weight of the ponder cost in the loss
    fixed_steps: bool = False  # halting units held at 0: exactly max_steps updates per input


class ACTOutput(NamedTuple):
    """Result of running the ACT RNN over a batch of sequences.

    logits:       [batch, time, output_size]  mean-field outputs y_t (pre-sigmoid)
    state:        [batch, hidden_size]        final mean-field state s_T
    ponder_cost:  [batch, time]               ρ_t = N(t) + R(t), gradient through R only
    steps:        [batch, time] (int64)       N(t)
    remainder:    [batch, time]               R(t)
    halting:      [batch, time, M']           p_t^n, zero after N(t); M' <= M: longest N
    halt_units:   [batch, time, M'] or None   h_t^n up to N(t) (only with keep_steps)
    step_logits:  [batch, time, M', out] or None  y_t^n of every update (keep_steps)
    """

    logits: torch.Tensor
    state: torch.Tensor
    ponder_cost: torch.Tensor
    steps: torch.Tensor
    remainder: torch.Tensor
    halting: torch.Tensor
    halt_units: torch.Tensor | None
    step_logits: torch.Tensor | None


class _Pondered(NamedTuple):
    """One input step pondered: the per-step slices of ACTOutput (no time axis)."""

    output: torch.Tensor  # [batch, out]
    state: torch.Tensor  # [batch, hidden]
    steps: torch.Tensor  # [batch]
    remainder: torch.Tensor  # [batch]
    halting: torch.Tensor  # [batch, M']
    halt_units: torch.Tensor | None  # [batch, M']
    step_outputs: torch.Tensor | None  # [batch, M', out]


class ACTRNN(nn.Module):
    """A tanh RNN whose every input is pondered for an adaptive number of updates."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        self.cell = nn.RNNCell(
            cfg.input_size + _FLAG_FEATURES, cfg.hidden_size, nonlinearity="tanh"
        )
        self.output = nn.Linear(cfg.hidden_size, cfg.output_size)  # W_y, b_y
        self.halt = nn.Linear(cfg.hidden_size, 1)  # W_h, b_h
        nn.init.constant_(self.halt.bias, cfg.halt_bias_init)

    def ponder(self, x: torch.Tensor, state: torch.Tensor, keep_steps: bool = True) -> _Pondered:
        """Ponder one input x: [batch, input_size] from state s_{t-1}: [batch, hidden].

        keep_steps=False skips the per-update outputs y_t^n and h_t^n, which only the
        pictures need; the mean-field output is then W_y s_t + b_y, equal to Σ_n p_t^n y_t^n
        because the output layer is linear and the p_t^n sum to 1.
        """
        batch = x.shape[0]
        threshold = 1.0 - self.cfg.epsilon
        first = torch.cat([x, x.new_ones(batch, _FLAG_FEATURES)], dim=-1)
        later = torch.cat([x, x.new_zeros(batch, _FLAG_FEATURES)], dim=-1)
        zero = x.new_zeros(batch)

        cumulative = zero  # Σ h^{n'} over the earlier updates of inputs still running
        running = torch.ones(batch, dtype=torch.bool, device=x.device)
        steps = torch.zeros(batch, dtype=torch.long, device=x.device)
        remainder = zero
        mean_state = torch.zeros_like(state)
        mean_output = x.new_zeros(batch, self.cfg.output_size)
        probs, units, outputs = [], [], []

        s = state
        for n in range(1, self.cfg.max_steps + 1):
            s = self.cell(first if n == 1 else later, s)
            h = zero if self.cfg.fixed_steps else torch.sigmoid(self.halt(s)).squeeze(-1)
            # Halt at the first n whose running sum reaches 1 - ε, or at n = M.
            reached = (cumulative + h >= threshold) | (n == self.cfg.max_steps)
            halts_now = running & reached
            r = 1.0 - cumulative  # R(t) if this is step N(t)
            p = torch.where(halts_now, r, torch.where(running, h, zero))  # p_t^n
            mean_state = mean_state + p.unsqueeze(-1) * s
            steps = torch.where(halts_now, n, steps)
            remainder = torch.where(halts_now, r, remainder)
            # Only the updates before N(t) enter R(t), so only they get ponder gradient.
            running = running & ~reached
            cumulative = cumulative + torch.where(running, h, zero)
            probs.append(p)
            if keep_steps:
                y = self.output(s)
                mean_output = mean_output + p.unsqueeze(-1) * y
                units.append(torch.where(p > 0, h, zero))
                outputs.append(y)
            if not bool(running.any()):
                break
        if not keep_steps:
            mean_output = self.output(mean_state)
        return _Pondered(
            output=mean_output,
            state=mean_state,
            steps=steps,
            remainder=remainder,
            halting=torch.stack(probs, dim=1),
            halt_units=torch.stack(units, dim=1) if keep_steps else None,
            step_outputs=torch.stack(outputs, dim=1) if keep_steps else None,
        )

    def forward(
        self,
        x: torch.Tensor,
        state: torch.Tensor | None = None,
        keep_steps: bool = True,
    ) -> ACTOutput:
        """Run over x: [batch, time, input_size] from state [batch, hidden] (None: zeros)."""
        batch, time, _ = x.shape
        s = x.new_zeros(batch, self.cfg.hidden_size) if state is None else state
        per_step = []
        for t in range(time):
            out = self.ponder(x[:, t], s, keep_steps)
            s = out.state
            per_step.append(out)
        width = max(o.halting.shape[1] for o in per_step)

        def stacked(field: str) -> torch.Tensor | None:
            if getattr(per_step[0], field) is None:
                return None
            return torch.stack([_pad_steps(getattr(o, field), width) for o in per_step], dim=1)

        steps = torch.stack([o.steps for o in per_step], dim=1)
        remainder = torch.stack([o.remainder for o in per_step], dim=1)
        return ACTOutput(
            logits=torch.stack([o.output for o in per_step], dim=1),
            state=s,
            ponder_cost=steps.to(remainder.dtype) + remainder,  # ρ = N + R
            steps=steps,
            remainder=remainder,
            halting=torch.stack([_pad_steps(o.halting, width) for o in per_step], dim=1),
            halt_units=stacked("halt_units"),
            step_logits=stacked("step_outputs"),
        )


def _pad_steps(t: torch.Tensor, width: int) -> torch.Tensor:
    """Zero-pad dim 1 (ponder steps) of t to `width`."""
    missing = width - t.shape[1]
    if missing == 0:
        return t
    pad = t.new_zeros(t.shape[0], missing, *t.shape[2:])
    return torch.cat([t, pad], dim=1)


def act_loss(
    out: ACTOutput, target: torch.Tensor, time_penalty: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Task loss plus τ times the ponder cost summed over time, averaged over the batch.

    out.logits: [batch, time, 1]; target: [batch, time] in {0, 1}.
    Returns (total loss, task loss).
    """
    task = F.binary_cross_entropy_with_logits(
        out.logits.squeeze(-1), target.to(out.logits.dtype), reduction="none"
    )
    task = task.sum(dim=1).mean()
    ponder = out.ponder_cost.sum(dim=1).mean()
    return task + time_penalty * ponder, task
