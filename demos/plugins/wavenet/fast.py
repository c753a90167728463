"""Naive and fast (cached) autoregressive generation in PyTorch.

Naive: for every new sample, run the whole network over the last R inputs (R = receptive field)
and keep the last output: about R × layers convolution columns per sample.

Fast: Paine et al. 2016, "Fast Wavenet Generation Algorithm" (arXiv:1611.09482). Layer k with
dilation d_k needs, besides its current input a_k(t), only its input a_k(t − d_k), which it saw
d_k steps ago. Each layer keeps a queue of its last d_k inputs: pop the oldest (the "past" tap),
push the current one. One sample then costs one column per layer, so the speed-up over naive grows
with the receptive field. The queues start with zeros, exactly the causal zero padding that the
model saw in training, so both paths compute the same logits and, with the same uniform numbers
(sampling.py), draw the same samples.

Both take the same local conditioning: at position t (the input x_t, predicting x_{t+1}) the
features of the phase of a note held at the requested pitch (task.steady_phase), computed element
by element so that a window, a step and a whole clip agree to the bit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import numpy as np
import torch

from .model import ResidualLayer, WaveNet
from .mulaw import SILENCE
from .sampling import sample_class
from .task import local_features, steady_phase


def _cond(note: int, timbre: int) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor([note]), torch.tensor([timbre])


def local_track(note: int, start: int, n: int) -> torch.Tensor:
    """The local conditioning of positions start … start + n − 1 for `note`. float32 [1, 4, n]."""
    return torch.from_numpy(local_features(steady_phase(note, start, n)[None]))


@torch.no_grad()
def generate_naive(
    model: WaveNet,
    note: int,
    timbre: int,
    u: np.ndarray,
    temperature: float = 1.0,
    prompt: list[int] | None = None,
) -> np.ndarray:
    """len(u) new μ-law classes, each from a full pass over the last R inputs. -> int64 [len(u)]."""
    tokens = [SILENCE] if prompt is None else list(prompt)
    start = len(tokens)
    n, t = _cond(note, timbre)
    rf = model.receptive_field
    track = local_track(note, 0, start + len(u))
    for i in range(len(u)):
        end = len(tokens)
        first = max(0, end - rf)
        window = torch.tensor([tokens[first:end]])
        logits = model(window, n, t, track[..., first:end])[0, :, -1].numpy()
        tokens.append(sample_class(logits, float(u[i]), temperature))
    return np.array(tokens[start:], dtype=np.int64)


class CachedGenerator:
    """The per-layer queues of Paine et al. and one-sample steps over them, in PyTorch.

    State: queue k is a ring buffer [d_k, channels]; the input of layer k at time τ lives in
    row τ mod d_k, so at time t row t mod d_k still holds a_k(t − d_k) (or zero if t < d_k).
    The local conditioning of every layer is one [layers · 2c, 4] matrix applied once per step.
    """

    def __init__(self, model: WaveNet, note: int, timbre: int) -> None:
        self.model = model
        self.note = note
        self.cond = _cond(note, timbre)
        with torch.no_grad():
            h = model.conditioning(*self.cond)[0]
            residual_layers = cast(Iterable[ResidualLayer], model.layers)
            # (dilation, W past tap, W now tap, folded bias, out weight, out bias) per layer.
            self.layers: list[
                tuple[int, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]
            ] = []
            for layer in residual_layers:
                w = (
                    layer.conv.weight
                )  # [2c, c, 2]: tap 0 multiplies a(t − d), tap 1 multiplies a(t)
                # The global conditioning is constant over the clip: fold V^T h into the bias.
                assert layer.conv.bias is not None and layer.out.bias is not None
                bias = layer.conv.bias + layer.cond(h)
                out = layer.out.weight[:, :, 0]
                self.layers.append(
                    (
                        layer.dilation,
                        w[:, :, 0].clone(),
                        w[:, :, 1].clone(),
                        bias,
                        out,
                        layer.out.bias,
                    )
                )
            # U_k of every layer stacked: [layers · 2c, local_channels], and the biases alike.
            self.w_local = torch.cat([layer.local.weight[:, :, 0] for layer in residual_layers])
            self.biases = torch.cat([bias for _, _, _, bias, _, _ in self.layers])
        self.channels = model.cfg.residual_channels
        self.queues = [torch.zeros(d, self.channels) for d, *_ in self.layers]
        self.t = 0

    @torch.no_grad()
    def prime(self, tokens: list[int]) -> None:
        """Consume a prompt in one batched forward pass, filling the queues from its layer inputs.

        Only at the start (t = 0): the pass assumes the zero padding before the prompt.
        """
        if self.t != 0:
            raise ValueError("prime() must come before any step()")
        inputs: list[torch.Tensor] = []
        length = len(tokens)
        self.model(
            torch.tensor([tokens]),
            *self.cond,
            local_track(self.note, 0, length),
            layer_inputs=inputs,
        )
        for q, (d, *_), a in zip(self.queues, self.layers, inputs, strict=True):
            for tau in range(max(0, length - d), length):
                q[tau % d] = a[0, :, tau]
        self.t += length

    @torch.no_grad()
    def step(self, token: int) -> np.ndarray:
        """Feed x_t, return the logits of x_{t+1} as float32 [256]."""
        m = self.model
        c = self.channels
        a = m.embed.weight[token]
        y = local_track(self.note, self.t, 1)[0, :, 0]
        # Bias + V^T h + U y of every layer at once: [layers, 2c].
        biases = torch.addmv(self.biases, self.w_local, y).view(len(self.layers), 2 * c)
        skip: torch.Tensor | None = None
        for q, (d, w_past, w_now, _, w_out, b_out), bias in zip(
            self.queues, self.layers, biases.unbind(0), strict=True
        ):
            row = self.t % d
            pre = torch.addmv(torch.addmv(bias, w_past, q[row]), w_now, a)
            z = torch.tanh(pre[:c]) * torch.sigmoid(pre[c:])
            o = torch.addmv(b_out, w_out, z)
            q[row] = a  # pop a(t − d), push a(t)
            a = a + o[:c]
            skip = o[c:] if skip is None else skip + o[c:]
        self.t += 1
        assert skip is not None and m.head1.bias is not None and m.head2.bias is not None
        hidden = torch.relu(torch.addmv(m.head1.bias, m.head1.weight[:, :, 0], torch.relu(skip)))
        return torch.addmv(m.head2.bias, m.head2.weight[:, :, 0], hidden).numpy()


def generate_cached(
    model: WaveNet,
    note: int,
    timbre: int,
    u: np.ndarray,
    temperature: float = 1.0,
    prompt: list[int] | None = None,
) -> np.ndarray:
    """len(u) new μ-law classes with the cached queues (same samples as generate_naive). -> int64 [len(u)]."""
    gen = CachedGenerator(model, note, timbre)
    token = SILENCE
    if prompt is not None:
        gen.prime(list(prompt[:-1]))
        token = prompt[-1]
    out = np.empty(len(u), dtype=np.int64)
    for i in range(len(u)):
        token = sample_class(gen.step(token), float(u[i]), temperature)
        out[i] = token
    return out
