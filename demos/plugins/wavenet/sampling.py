"""Drawing the next μ-law class from the softmax, the same way in every generation path.

All three generators (naive, cached PyTorch, compiled) call this one compiled function with one
seeded uniform number per sample, so for the same seed they draw the same classes whenever their
logits agree (they differ only by float32 rounding, ~1e-6, far below the gaps between classes).
Sampling is by inverse CDF: the first class whose cumulative probability exceeds u.
"""

from __future__ import annotations

import math

import numba
import numpy as np


def uniforms(seed: int, n: int) -> np.ndarray:
    """The n uniform numbers in [0, 1) that drive the sampling of n samples. float64 [n]."""
    return np.random.default_rng(seed).random(n)


@numba.njit(cache=True)
def sample_class(logits: np.ndarray, u: float, temperature: float) -> int:
    """logits: [256] -> the class k with CDF(k−1) ≤ u < CDF(k) under softmax(logits / temperature)."""
    n = logits.shape[0]
    top = -np.inf
    for k in range(n):
        top = max(top, float(logits[k]) / temperature)
    cdf = np.empty(n)
    total = 0.0
    for k in range(n):
        total += math.exp(float(logits[k]) / temperature - top)
        cdf[k] = total
    target = u * total
    for k in range(n):
        if cdf[k] > target:
            return k
    return n - 1
