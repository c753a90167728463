"""WaveNet: a stack of dilated causal convolutions over μ-law audio (van den Oord et al. 2016).

The joint probability of a waveform is factorised into next-sample conditionals (eq. 1),

    p(x | h) = Π_t p(x_t | x_1, …, x_{t−1}, h),

each a softmax over the 256 μ-law classes (mulaw.py). Every residual layer k applies a causal
convolution of kernel 2 with dilation d_k (1, 2, 4, …, repeated in stacks), the gated activation
unit with *global conditioning* h and *local conditioning* y (section 2.5)

    z = tanh(W_f,k ∗ x + V_f,k^T h + U_f,k ∗ y) ⊙ σ(W_g,k ∗ x + V_g,k^T h + U_g,k ∗ y),

and a 1×1 convolution whose output splits into the residual (added to the layer input) and the
skip connection (summed over all layers, Fig. 4). The output head is ReLU → 1×1 → ReLU → 1×1 →
softmax. Here h is the sum of a note embedding, a projection of Fourier features of the note's
frequency, and a timbre embedding; y_t is a per-sample excitation, sin φ_t, cos φ_t, sin 2φ_t,
cos 2φ_t of the running phase φ_t of the fundamental (task.local_features), through a 1×1
convolution U_k into every layer's filter and gate, as WaveNet's text-to-speech model took log F0
among its local features and as a neural source-filter model takes a sine excitation. With global
conditioning alone the network has to keep the period from its own past output, and sampling
noise makes it drift (the previous checkpoint hit the pitch on 50 % of the requests); with the
phase given at every sample it only has to shape each period.

"Causal" means the output at time t sees only inputs x_{≤t}: every convolution is left-padded
with d_k zeros, so the whole model sees zeros before the start of a sequence. The fast generator
(fast.py) starts its queues with the same zeros, which is why the two agree exactly. The local
conditioning at position t is the phase of the sample it predicts; it is known in advance (it
comes from the requested pitch), so it does not break causality in the inputs x.
The residual stream is 16 channels wide rather than the suggested 32: the
training budget is ~20 minutes of one shared core, and the cached path still beats the naive one
by far more than the 20× asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from .mulaw import N_CLASSES, SILENCE


def _default_dilations() -> list[int]:
    # Two stacks of 1, 2, 4, …, 1024: a receptive field of 2·2047 + 1 = 4,095 samples (256 ms).
    return [2**i for i in range(11)] * 2


@dataclass
class Config:
    """CPU-sized defaults: ~69 k parameters; trains in ~20 min, runs in real time on one core."""

    sample_rate: int = 16_000
    residual_channels: int = 16
    skip_channels: int = 32
    end_channels: int = 32
    cond_channels: int = 16
    n_notes: int = 25
    lowest_midi: int = 48  # note 0 = C3
    # cos/sin features of the first harmonics of the asked pitch (see pitch_features).
    pitch_harmonics: int = 4
    n_timbres: int = 3
    # Per-sample local conditioning channels (task.local_features: sin φ, cos φ, sin 2φ, cos 2φ).
    local_channels: int = 4
    dilations: list[int] = field(default_factory=_default_dilations)
    # Ablation switches (evaluate.py, variants.py); the bundled model has both on.
    # phase_input=False: U_k is zero and frozen, so y never reaches a gate (a global-only model).
    phase_input: bool = True
    # audio_input=False: every input x_t is replaced by the silent class, so the model sees only
    # the conditioning (the no-audio-context baseline); `tie_inputs` makes the embedding say so.
    audio_input: bool = True

    @property
    def receptive_field(self) -> int:
        """Samples x_{t−R+1..t} that the prediction of x_{t+1} can see (kernel 2 per layer)."""
        return 1 + sum(self.dilations)


class ResidualLayer(nn.Module):
    """One gated, dilated, causal layer with residual and skip outputs (Fig. 4 of the paper)."""

    def __init__(self, cfg: Config, dilation: int) -> None:
        super().__init__()
        c = cfg.residual_channels
        self.dilation = dilation
        self.channels = c
        # Filter and gate in one convolution: output rows [0, c) are W_f, rows [c, 2c) are W_g.
        self.conv = nn.Conv1d(c, 2 * c, kernel_size=2, dilation=dilation)
        self.cond = nn.Linear(cfg.cond_channels, 2 * c, bias=False)  # V_f, V_g
        self.local = nn.Conv1d(cfg.local_channels, 2 * c, kernel_size=1, bias=False)  # U_f, U_g
        # Residual rows [0, c) and skip rows [c, c + skip) in one 1×1 convolution.
        self.out = nn.Conv1d(c, c + cfg.skip_channels, kernel_size=1)

    def forward(
        self, x: torch.Tensor, h: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x: [batch, c, T], h: [batch, cond], y: [batch, local, T] ->
        (residual output [batch, c, T], skip [batch, skip, T])."""
        pre = self.conv(F.pad(x, (self.dilation, 0))) + self.cond(h).unsqueeze(-1) + self.local(y)
        f, g = pre.chunk(2, dim=1)
        z = torch.tanh(f) * torch.sigmoid(g)
        o = self.out(z)
        return x + o[:, : self.channels], o[:, self.channels :]


class WaveNet(nn.Module):
    """Logits of p(x_{t+1} | x_{≤t}, note, timbre, y_t) for every t of a μ-law sequence."""

    def __init__(self, cfg: Config) -> None:
        super().__init__()
        self.cfg = cfg
        c = cfg.residual_channels
        # A lookup of the 256 classes is the paper's one-hot input times a 1×1 convolution.
        self.embed = nn.Embedding(N_CLASSES, c)
        self.note_embed = nn.Embedding(cfg.n_notes, cfg.cond_channels)
        self.timbre_embed = nn.Embedding(cfg.n_timbres, cfg.cond_channels)
        self.pitch_proj = nn.Linear(2 * cfg.pitch_harmonics + 1, cfg.cond_channels, bias=False)
        self.layers = nn.ModuleList(ResidualLayer(cfg, d) for d in cfg.dilations)
        self.head1 = nn.Conv1d(cfg.skip_channels, cfg.end_channels, kernel_size=1)
        self.head2 = nn.Conv1d(cfg.end_channels, N_CLASSES, kernel_size=1)
        if not cfg.phase_input:
            for layer in self.layers:
                local = cast(ResidualLayer, layer).local
                nn.init.zeros_(local.weight)
                local.weight.requires_grad_(False)

    def tie_inputs(self) -> None:
        """For audio_input=False: every class's embedding becomes the silent class's, so the
        cached and compiled generators (which look the embedding up) compute what forward does."""
        if not self.cfg.audio_input:
            with torch.no_grad():
                self.embed.weight.copy_(self.embed.weight[SILENCE].expand_as(self.embed.weight))

    @property
    def receptive_field(self) -> int:
        return self.cfg.receptive_field

    def pitch_features(self, note: torch.Tensor) -> torch.Tensor:
        """note: [batch] long -> [batch, 2·harmonics + 1]: cos kω, sin kω (ω = 2π f0 / sample rate)
        and the note's place in the range, from −1 (lowest) to 1 (highest).

        The per-sample phase advance ω is what a sample-level predictor needs to continue a
        periodic wave (a resonator x_t ≈ 2 cos ω · x_{t−1} − x_{t−2}); sharing these smooth
        features across notes makes the pitch conditioning learn faster than the embedding alone.
        """
        cfg = self.cfg
        f0 = 440.0 * 2.0 ** ((note.double() + cfg.lowest_midi - 69) / 12)
        k = torch.arange(1, cfg.pitch_harmonics + 1, dtype=torch.float64)
        angle = 2 * math.pi * f0.unsqueeze(-1) * k / cfg.sample_rate
        place = 2.0 * note.double().unsqueeze(-1) / max(1, cfg.n_notes - 1) - 1.0
        return torch.cat([angle.cos(), angle.sin(), place], dim=-1).float()

    def conditioning(self, note: torch.Tensor, timbre: torch.Tensor) -> torch.Tensor:
        """note, timbre: [batch] long -> h: [batch, cond] (the global conditioning vector)."""
        return (
            self.note_embed(note)
            + self.pitch_proj(self.pitch_features(note))
            + self.timbre_embed(timbre)
        )

    def forward(
        self,
        x: torch.Tensor,
        note: torch.Tensor,
        timbre: torch.Tensor,
        local: torch.Tensor,
        layer_inputs: list[torch.Tensor] | None = None,
    ) -> torch.Tensor:
        """x: [batch, T] μ-law classes, local: [batch, local_channels, T] (column t: the features of
        the phase of x_{t+1}) -> logits [batch, 256, T] (column t predicts x_{t+1}).

        If `layer_inputs` is a list, each layer's input [batch, c, T] is appended to it; the fast
        generator uses them to fill its queues from a prompt.
        """
        h = self.conditioning(note, timbre)
        if not self.cfg.audio_input:
            x = torch.full_like(x, SILENCE)
        a = self.embed(x).transpose(1, 2)
        skip: torch.Tensor | None = None
        for layer in self.layers:
            if layer_inputs is not None:
                layer_inputs.append(a)
            a, s = layer(a, h, local)
            skip = s if skip is None else skip + s
        assert skip is not None, "WaveNet needs at least one layer"
        return self.head2(F.relu(self.head1(F.relu(skip))))

    def loss(
        self,
        x: torch.Tensor,
        note: torch.Tensor,
        timbre: torch.Tensor,
        local: torch.Tensor,
        inputs: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Mean next-sample cross-entropy in nats. x: [batch, T + 1] (inputs x[:, :-1], targets
        x[:, 1:]), local: [batch, local_channels, T] (the features of the targets' phases).
        `inputs` [batch, T], if given, replaces x[:, :-1] as the input (training with noisy inputs)."""
        logits = self.forward(x[:, :-1] if inputs is None else inputs, note, timbre, local)
        return F.cross_entropy(logits, x[:, 1:])
