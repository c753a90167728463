"""A WAGE multilayer perceptron: every layer's W, A, G and E on low-bit integer grids.

Wu et al., ICLR 2018 (arXiv:1802.04680), Fig. 1 and Section 3. One hidden layer computes

    z = Q_A(h) @ (Q_W(W) / alpha)^T      (integer MACs; 1/alpha is a bit shift)
    h' = Q_A(ReLU(z))                   with Q_E applied to dL/dReLU(z) on the way back

and the output layer's error is quantised by Q_E too (the "first layer in backprop"). There are
no biases and no batch normalisation: the constant shift scale alpha replaces it. The weights are
updated by plain mini-batch SGD with Delta W = Q_G(dL/dW) and saturated to the k_W
range after each step, as the authors' implementation does (beyond it Q_W would not change).
The loss is the sum of squared errors against one-hot targets, as the paper uses (no softmax).
With every k = 32 the same module is an ordinary float32 MLP trained by SGD.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from . import quant
from .task import one_hot

LR_DECAY = 8.0  # divide the learning rate by 8 (a 3-bit shift) for the final epochs
LR_REFERENCE_BITS = 8  # Config.lr is eta for k_G = 8, the paper's gradient width
MAX_CODE = 8  # the update-code histogram counts n in -8..8 (the end bins hold |n| >= 8)


@dataclass
class Config:
    """Network, bit widths and SGD settings (CPU-sized defaults: 64-256-256-10, WAGE 2-8-8-8)."""

    sizes: tuple[int, ...] = (64, 256, 256, 10)
    k_w: int = 2
    k_a: int = 8
    k_g: int = 8
    k_e: int = 8
    # eta for WAGE at k_G = 8: a power of two, in units of sigma(k_G) steps (Q_G).
    lr: float = 4.0
    lr_float: float = 0.05  # plain SGD step on the float path (k_G = 32) and without the shift
    # Fraction of the epochs after which the rate is divided by LR_DECAY.
    decay_at: float = 0.75
    batch_size: int = 64
    epochs: int = 60
    seed: int = 0
    # Q_G's parts (the deterministic_rounding ablation): "stochastic" or "deterministic"
    # rounding of the update, and whether g is divided by Shift(max|g|) first.
    rounding: str = "stochastic"
    grad_shift: bool = True

    @property
    def bits(self) -> str:
        """The paper's "k_W-k_A-k_G-k_E" label, e.g. "2-8-8-8" ("float" when all are 32)."""
        widths = (self.k_w, self.k_a, self.k_g, self.k_e)
        if all(quant.is_float(k) for k in widths):
            return "float"
        return "-".join(str(k) for k in widths)

    @property
    def variant(self) -> str:
        """The Q_G variant: "stochastic" (the paper's), "deterministic" or "noshift"."""
        if not self.grad_shift:
            return "noshift" if self.rounding == "stochastic" else "noshift-deterministic"
        return self.rounding

    def learning_rate(self, epoch: int) -> float:
        """The step-decayed rate for this epoch (eta on the WAGE path, lr_float on the float one).

        eta is rescaled by 2^(k_G - 8), another power of two, so that the largest update
        eta * sigma(k_G) stays lr * sigma(8) whatever k_G is: changing k_G then changes the
        resolution of the update (how finely it is rounded), not its size.
        """
        if quant.is_float(self.k_g) or not self.grad_shift:
            base = self.lr_float
        else:
            base = self.lr * 2.0 ** (self.k_g - LR_REFERENCE_BITS)
        return base / LR_DECAY if epoch >= int(self.decay_at * self.epochs) else base


class WageMLP(nn.Module):
    """An MLP whose forward and backward passes run through the WAGE quantisers.

    Weights are stored as [out, in] tensors ``weights[i]``; ``alphas[i]`` is layer i's scale.
    """

    alphas: torch.Tensor  # [layers], a buffer

    def __init__(self, cfg: Config, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.cfg = cfg
        self.weights = nn.ParameterList()
        alphas = []
        for fan_in, fan_out in zip(cfg.sizes[:-1], cfg.sizes[1:], strict=False):
            limit, alpha = quant.layer_scale(fan_in, cfg.k_w)
            w = (torch.rand(fan_out, fan_in, generator=generator) * 2.0 - 1.0) * limit
            # Training starts from weights already on the k_W grid (uniform on +-1.5 sigma gives
            # the three ternary levels equal shares); later updates are whole k_G steps.
            self.weights.append(nn.Parameter(quant.quantize(w, cfg.k_w)))
            alphas.append(alpha)
        self.register_buffer("alphas", torch.tensor(alphas, dtype=torch.float32))
        # Update codes n of every sgd_step, per layer: counts of n = -MAX_CODE..MAX_CODE.
        self.update_counts = torch.zeros(len(self.weights), 2 * MAX_CODE + 1, dtype=torch.int64)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: [batch, sizes[0]] in [0, 1] -> outputs [batch, sizes[-1]] (fed to the SSE loss)."""
        cfg = self.cfg
        h = quant.quantize_activation(x, cfg.k_a)
        last = len(self.weights) - 1
        for i, w in enumerate(self.weights):
            z = h @ quant.quantize_weight(w, cfg.k_w, float(self.alphas[i])).T
            if i == last:
                return quant.quantize_error(z, cfg.k_e)
            z = quant.quantize_error(torch.relu(z), cfg.k_e)
            h = quant.quantize_activation(z, cfg.k_a)
        raise AssertionError("unreachable: the network has at least one layer")

    @torch.no_grad()
    def forward_weights(self) -> list[torch.Tensor]:
        """The weights the forward pass multiplies by: Q_W(W) / alpha, each [out, in]."""
        return [
            quant.quantize(w, self.cfg.k_w) / float(a)
            for w, a in zip(self.weights, self.alphas, strict=False)
        ]

    @torch.no_grad()
    def sgd_step(self, lr: float, generator: torch.Generator | None = None) -> None:
        """Pure mini-batch SGD: W <- Clip(W - Q_G(dL/dW)), then clear the gradients.

        On the WAGE path the update codes n (Delta W = sigma(k_G) * n) are counted in
        ``update_counts``.
        """
        cfg = self.cfg
        for i, w in enumerate(self.weights):
            if w.grad is None:
                continue
            if quant.is_float(cfg.k_g):
                w.sub_(lr * w.grad)
            else:
                codes = quant.gradient_codes(
                    w.grad,
                    cfg.k_g,
                    lr,
                    generator,
                    rounding=cfg.rounding,
                    shift_scale=cfg.grad_shift,
                )
                w.sub_(quant.sigma(cfg.k_g) * codes)
                bins = codes.clamp(-MAX_CODE, MAX_CODE).to(torch.int64) + MAX_CODE
                self.update_counts[i] += torch.bincount(bins.flatten(), minlength=2 * MAX_CODE + 1)
            if not quant.is_float(self.cfg.k_w):
                bound = 1.0 - quant.sigma(self.cfg.k_w)
                w.clamp_(-bound, bound)
            w.grad = None


def sse_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """0.5 * sum of squared errors to one-hot targets, averaged over the batch.

    out: [batch, classes]; y: [batch] int64. The mean only sets the float path's step size:
    Q_E and Q_G divide the scale out again on the WAGE path.
    """
    return 0.5 * ((out - one_hot(y)) ** 2).sum(dim=1).mean()


@torch.no_grad()
def accuracy(model: WageMLP, x: torch.Tensor, y: torch.Tensor) -> float:
    """Top-1 accuracy of the (quantised) forward pass. x: [n, 64]; y: [n]."""
    return float((model(x).argmax(dim=1) == y).float().mean())


def round_shift(acc: torch.Tensor, s: int) -> torch.Tensor:
    """acc / 2^s rounded half to even, in integer arithmetic only (acc: int64, s >= 0).

    The same rounding as ``torch.round`` (and Q's), done the way integer hardware would:
    an arithmetic right shift, then +1 where the dropped bits are above one half, or exactly
    one half with an odd quotient.
    """
    if s == 0:
        return acc
    q = acc >> s
    rest = acc - (q << s)
    half = 1 << (s - 1)
    return q + ((rest > half) | ((rest == half) & (q % 2 == 1))).to(torch.int64)


@torch.no_grad()
def integer_forward(model: WageMLP, x: torch.Tensor) -> torch.Tensor:
    """The forward pass of a WAGE network in integers only: [n, 64] pixels in [0, 1] -> int64 scores.

    Activations and weights are their integer codes a = Q_A(.) / sigma(k_A) and
    c = Q_W(W) / sigma(k_W); each layer is an integer matrix product, and the rescaling by
    sigma(k_W) / alpha (both powers of two) back onto the k_A grid is a rounding right shift by
    k_W - 1 + log2(alpha) bits. The scores are the last layer's accumulators: the float-simulated
    output times 2^(k_A + k_W - 2) * alpha, so the argmax (the prediction) is the same.
    Needs k_W, k_A < 32 (the float network has no integer form).
    """
    cfg = model.cfg
    if quant.is_float(cfg.k_w) or quant.is_float(cfg.k_a):
        raise ValueError("the float32 network has no integer form")
    a = quant.integer_codes(quant.clip(x, cfg.k_a), cfg.k_a)  # [n, in], int64
    top = 2 ** (cfg.k_a - 1) - 1  # the largest k_A code, 1 - sigma(k_A)
    last = len(model.weights) - 1
    for i, w in enumerate(model.weights):
        c = quant.integer_codes(w, cfg.k_w)  # [out, in]
        acc = a @ c.T  # int64 multiply-accumulate
        if i == last:
            return acc
        shift_bits = cfg.k_w - 1 + round(math.log2(float(model.alphas[i])))
        a = round_shift(acc.clamp(min=0), shift_bits).clamp(max=top)  # ReLU, shift, saturate
    raise AssertionError("unreachable: the network has at least one layer")
