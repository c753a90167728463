"""A compiled per-sample generation loop: the cached queues of fast.py, in numba.

The PyTorch cached path (fast.py) spends most of its ~1 ms per sample dispatching ~150 small
operator calls from Python. Here the whole loop over samples, layers and channels is one
compiled function: per sample it does the same arithmetic (two matrix-vector products per layer
plus the output head) on float32 weights that stay in cache, with the same zero-initialised ring
buffers, the same local conditioning features (task.local_features of the requested pitch's
phase, added to each layer's pre-activation through its U_k), and draws each class with the same
`sample_class` and the same uniform numbers. tanh is computed in float64 with a branch-free
series (|error| < 1e-8) that the compiler vectorises, since the scalar libm tanh alone would cost
about half the budget of real time.
"""

from __future__ import annotations

import math
from typing import cast

import numba
import numpy as np
import torch

from .fast import CachedGenerator
from .model import WaveNet
from .mulaw import SILENCE
from .sampling import sample_class
from .task import local_features, note_hz, steady_phase_hz

_TANH_CLAMP = 10.0  # tanh(10) = 1 − 4e-9: beyond it the value is 1 to float32 precision


@numba.njit(fastmath=True, error_model="numpy", inline="always", cache=True)
def _tanh(x: float) -> float:
    # tanh|x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}); e^{−2|x|} = (e^{−2|x|/32})^32 by five squarings,
    # e^r for r in [−0.625, 0] by its Taylor series to r^9 (relative error < 1e-9).
    a = min(abs(x), _TANH_CLAMP)
    r = a * (-2.0 / 32.0)
    p = 1.0 + r * (
        1.0
        + r
        * (
            1 / 2
            + r
            * (
                1 / 6
                + r
                * (
                    1 / 24
                    + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r / 362880))))
                )
            )
        )
    )
    p = p * p
    p = p * p
    p = p * p
    p = p * p
    p = p * p
    return math.copysign((1.0 - p) / (1.0 + p), x)


@numba.njit(fastmath=True, error_model="numpy", cache=True)
def _generate(
    token: int,
    t0: int,
    u: np.ndarray,
    temperature: float,
    local: np.ndarray,  # [len(u), local_channels]: features of positions t0 … t0 + len(u) − 1
    embed: np.ndarray,  # [256, c]
    dilations: np.ndarray,  # [layers]
    offsets: np.ndarray,  # [layers]: first row of each layer's ring buffer in `queues`
    queues: np.ndarray,  # [sum(d), c], updated in place
    w_past: np.ndarray,  # [layers, c, 2c]  (transposed: input channel first)
    w_now: np.ndarray,  # [layers, c, 2c]
    bias: np.ndarray,  # [layers, 2c] conv bias + V^T h
    w_local: np.ndarray,  # [layers, local_channels, 2c] (transposed U_k)
    w_out: np.ndarray,  # [layers, c, c + skip]
    b_out: np.ndarray,  # [layers, c + skip]
    w_h1: np.ndarray,  # [skip, end]
    b_h1: np.ndarray,  # [end]
    w_h2: np.ndarray,  # [end, 256]
    b_h2: np.ndarray,  # [256]
) -> np.ndarray:
    n_layers, c, c2 = w_past.shape
    n_local = w_local.shape[1]
    n_skip = w_h1.shape[0]
    n_end = w_h1.shape[1]
    n_cls = w_h2.shape[1]
    out = np.empty(u.shape[0], dtype=np.int64)
    a = np.empty(c, dtype=np.float32)
    pre = np.empty(c2, dtype=np.float32)
    z = np.empty(c, dtype=np.float32)
    o = np.empty(c + n_skip, dtype=np.float32)
    skip = np.empty(n_skip, dtype=np.float32)
    hidden = np.empty(n_end, dtype=np.float32)
    logits = np.empty(n_cls, dtype=np.float32)
    for i in range(u.shape[0]):
        t = t0 + i
        for j in range(c):
            a[j] = embed[token, j]
        skip[:] = 0.0
        for k in range(n_layers):
            row = offsets[k] + t % dilations[k]
            for j in range(c2):
                pre[j] = bias[k, j]
            for j in range(n_local):
                y = local[i, j]
                for m in range(c2):
                    pre[m] += w_local[k, j, m] * y
            for j in range(c):
                past = queues[row, j]
                now = a[j]
                for m in range(c2):
                    pre[m] += w_past[k, j, m] * past + w_now[k, j, m] * now
            for j in range(c):
                z[j] = _tanh(pre[j]) * (
                    0.5 + 0.5 * _tanh(0.5 * pre[c + j])
                )  # σ(x) = (1 + tanh(x/2)) / 2
            for m in range(c + n_skip):
                o[m] = b_out[k, m]
            for j in range(c):
                zj = z[j]
                for m in range(c + n_skip):
                    o[m] += w_out[k, j, m] * zj
            for j in range(c):
                queues[row, j] = a[j]  # pop a(t − d), push a(t)
                a[j] += o[j]
            for m in range(n_skip):
                skip[m] += o[c + m]
        for m in range(n_end):
            hidden[m] = b_h1[m]
        for j in range(n_skip):
            s = max(skip[j], 0.0)
            for m in range(n_end):
                hidden[m] += w_h1[j, m] * s
        for m in range(n_cls):
            logits[m] = b_h2[m]
        for j in range(n_end):
            s = max(hidden[j], 0.0)
            for m in range(n_cls):
                logits[m] += w_h2[j, m] * s
        token = sample_class(logits, u[i], temperature)
        out[i] = token
    return out


class CompiledGenerator:
    """The numba engine's weights (from a CachedGenerator's folded ones) and its queue state."""

    def __init__(
        self, model: WaveNet, note: int, timbre: int, phase_hz: float | None = None
    ) -> None:
        cached = CachedGenerator(model, note, timbre)
        self.note = note
        # The local conditioning follows `phase_hz` if given (evaluate.py's detuned-phase probe),
        # else the note's own frequency.
        self.phase_hz = note_hz(note) if phase_hz is None else float(phase_hz)
        f32 = np.float32

        def stack(i: int, transpose: bool = True) -> np.ndarray:
            mats = [cast(torch.Tensor, layer[i]).numpy() for layer in cached.layers]
            return np.ascontiguousarray(
                np.stack([m.T if transpose else m for m in mats]), dtype=f32
            )

        self.dilations = np.array([d for d, *_ in cached.layers], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.dilations)[:-1]]).astype(np.int64)
        self.channels = model.cfg.residual_channels
        self.queues = np.zeros((int(self.dilations.sum()), self.channels), dtype=f32)
        assert model.head1.bias is not None and model.head2.bias is not None
        with torch.no_grad():
            self.weights = (
                np.ascontiguousarray(model.embed.weight.numpy(), dtype=f32),
                self.dilations,
                self.offsets,
                self.queues,
                stack(1),
                stack(2),
                stack(3, transpose=False),
                np.ascontiguousarray(
                    cached.w_local.numpy()
                    .reshape(len(cached.layers), -1, model.cfg.local_channels)
                    .transpose(0, 2, 1),
                    dtype=f32,
                ),
                stack(4),
                stack(5, transpose=False),
                np.ascontiguousarray(model.head1.weight[:, :, 0].numpy().T, dtype=f32),
                model.head1.bias.numpy().astype(f32),
                np.ascontiguousarray(model.head2.weight[:, :, 0].numpy().T, dtype=f32),
                model.head2.bias.numpy().astype(f32),
            )
        self.t = 0

    def generate(self, u: np.ndarray, temperature: float = 1.0, token: int = SILENCE) -> np.ndarray:
        """len(u) new μ-law classes after input `token`, continuing from the current queues. -> int64."""
        local = local_features(steady_phase_hz(self.phase_hz, self.t, len(u))[None])[0]
        out = _generate(
            token,
            self.t,
            np.asarray(u, dtype=np.float64),
            float(temperature),
            np.ascontiguousarray(local.T),
            *self.weights,
        )
        self.t += len(u)
        return out


def generate_compiled(
    model: WaveNet,
    note: int,
    timbre: int,
    u: np.ndarray,
    temperature: float = 1.0,
    phase_hz: float | None = None,
) -> np.ndarray:
    """len(u) new μ-law classes from silence with the compiled engine (local conditioning at
    `phase_hz` if given, else at the note's frequency). -> int64 [len(u)]."""
    return CompiledGenerator(model, note, timbre, phase_hz).generate(u, temperature)
