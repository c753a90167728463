"""The Parallel WaveNet student: a stack of inverse autoregressive flows (IAF) over noise.

van den Oord et al. 2018, "Parallel WaveNet: Fast High-Fidelity Speech Synthesis"
(arXiv:1711.10433), section 2.2, with the Gaussian flows of Ping et al. 2019, ClariNet
(arXiv:1807.07281). Each flow k maps its input sequence x^(k−1) (x^(0) = z ~ N(0, I)) to

    x^(k)_t = x^(k−1)_t · s^(k)_t + μ^(k)_t,    (μ^(k)_t, log s^(k)_t) = f_k(x^(k−1)_{<t}, h, y_t),

where f_k is a small WaveNet-like stack of causal dilated convolutions whose input is shifted by
one sample, so column t sees only x^(k−1)_{<t}. The whole sequence comes out of one parallel pass:
no sample waits for the previous one. Composing the flows keeps every step Gaussian given the
past noise (ClariNet, section 3.2): x_t = z_t · S_t + M_t with S_t = Π_k s^(k)_t and
M_t = M^(k−1)_t s^(k)_t + μ^(k)_t, so p(x_t | z_{<t}) = N(M_t, S_t²) and the log-determinant of
the Jacobian ∂x/∂z (lower triangular) is Σ_t log S_t.

The student works in the teacher's companded domain: x_t is a μ-law value in [−1, 1] (clipped),
whose class is the teacher's 256-way quantisation (mulaw.py of the wavenet plug-in). h is the
global conditioning (Fourier features of the note's frequency plus a timbre embedding), y_t the
local one: the teacher's own phase features of the requested pitch (task.local_features) and a
few decaying exponentials of the time since the onset, known before generation starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn


def _default_dilations() -> list[int]:
    return [1, 2, 4, 8, 16, 32, 64]


def _default_time_scales() -> list[float]:
    return [10.0, 40.0]


@dataclass
class Config:
    """CPU-sized defaults: two flows of seven layers, ~15 k parameters."""

    sample_rate: int = 16_000
    channels: int = 16
    cond_channels: int = 16
    n_flows: int = 2
    dilations: list[int] = field(default_factory=_default_dilations)  # per flow
    n_notes: int = 25
    lowest_midi: int = 48
    pitch_harmonics: int = 4
    n_timbres: int = 3
    phase_channels: int = 4  # the teacher's sin φ, cos φ, sin 2φ, cos 2φ
    time_scales_ms: list[float] = field(default_factory=_default_time_scales)
    init_log_scale: float = -2.0  # each flow starts as a quiet affine map of its input

    @property
    def local_channels(self) -> int:
        return self.phase_channels + len(self.time_scales_ms)

    @property
    def receptive_field(self) -> int:
        """Past noise samples z_{t−R..t−1} that one output x_t depends on, over all flows."""
        return self.n_flows * (1 + sum(self.dilations))


class StudentOutput(NamedTuple):
    """x: [batch, T] the sample; mean, log_scale: [batch, T] of p(x_t | z_{<t}) = N(mean, scale²)."""

    x: torch.Tensor
    mean: torch.Tensor
    log_scale: torch.Tensor

    def log_det(self) -> torch.Tensor:
        """log |det ∂x/∂z| per sequence: [batch]."""
        return self.log_scale.sum(dim=-1)


class GatedLayer(nn.Module):
    """Causal dilated convolution (kernel 2) with the gated unit and a residual 1×1 output."""

    def __init__(self, cfg: Config, dilation: int) -> None:
        super().__init__()
        c = cfg.channels
        self.dilation = dilation
        self.conv = nn.Conv1d(c, 2 * c, kernel_size=2, dilation=dilation)
        self.cond = nn.Linear(cfg.cond_channels, 2 * c, bias=False)
        self.local = nn.Conv1d(cfg.local_channels, 2 * c, kernel_size=1, bias=False)
        self.out = nn.Conv1d(c, c, kernel_size=1)

    def forward(self, a: torch.Tensor, h: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """a: [batch, c, T], h: [batch, cond], y: [batch, local, T] -> [batch, c, T]."""
        pre = self.conv(F.pad(a, (self.dilation, 0))) + self.cond(h).unsqueeze(-1) + self.local(y)
        f, g = pre.chunk(2, dim=1)
        return a + self.out(torch.tanh(f) * torch.sigmoid(g))


class Flow(nn.Module):
    """One IAF step: (μ_t, log s_t) from x_{<t} (the input shifted right by one sample)."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.inp = nn.Conv1d(1, cfg.channels, kernel_size=1)
        self.layers = nn.ModuleList(GatedLayer(cfg, d) for d in cfg.dilations)
        self.head = nn.Conv1d(cfg.channels, 2, kernel_size=1)
        with torch.no_grad():  # start as x ↦ x · e^{init_log_scale}: a quiet, stable flow
            self.head.weight.mul_(0.01)
            assert self.head.bias is not None
            self.head.bias.copy_(torch.tensor([0.0, cfg.init_log_scale]))

    def forward(
        self, x: torch.Tensor, h: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x: [batch, T] -> (μ, log s), each [batch, T]; column t depends on x[:, :t] only."""
        past = F.pad(x, (1, 0))[:, :-1].unsqueeze(1)
        a = self.inp(past)
        for layer in self.layers:
            a = layer(a, h, y)
        out = self.head(a)
        return out[:, 0], out[:, 1]


class Student(nn.Module):
    """Noise z [batch, T] -> a μ-law-domain waveform [batch, T] in one parallel pass."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        self.timbre_embed = nn.Embedding(cfg.n_timbres, cfg.cond_channels)
        self.pitch_proj = nn.Linear(2 * cfg.pitch_harmonics + 1, cfg.cond_channels)
        self.flows = nn.ModuleList(Flow(cfg) for _ in range(cfg.n_flows))

    def pitch_features(self, note: torch.Tensor) -> torch.Tensor:
        """note: [batch] long -> [batch, 2·harmonics + 1]: cos kω, sin kω and the note's place.

        Continuous in the pitch, so notes the distillation never saw still get a sensible h.
        """
        cfg = self.cfg
        f0 = 440.0 * 2.0 ** ((note.double() + cfg.lowest_midi - 69) / 12)
        k = torch.arange(1, cfg.pitch_harmonics + 1, dtype=torch.float64)
        angle = 2 * math.pi * f0.unsqueeze(-1) * k / cfg.sample_rate
        place = 2.0 * note.double().unsqueeze(-1) / max(1, cfg.n_notes - 1) - 1.0
        return torch.cat([angle.cos(), angle.sin(), place], dim=-1).to(self.pitch_proj.weight.dtype)

    def conditioning(self, note: torch.Tensor, timbre: torch.Tensor) -> torch.Tensor:
        """note, timbre: [batch] long -> h: [batch, cond]."""
        return self.pitch_proj(self.pitch_features(note)) + self.timbre_embed(timbre)

    def forward(
        self, z: torch.Tensor, note: torch.Tensor, timbre: torch.Tensor, local: torch.Tensor
    ) -> StudentOutput:
        """z: [batch, T] noise, local: [batch, local_channels, T] -> StudentOutput."""
        h = self.conditioning(note, timbre)
        x = z
        mean = torch.zeros_like(z)
        log_scale = torch.zeros_like(z)
        for flow in self.flows:
            mu, log_s = flow(x, h, local)
            x = x * log_s.exp() + mu
            mean = mean * log_s.exp() + mu
            log_scale = log_scale + log_s
        return StudentOutput(x, mean, log_scale)
