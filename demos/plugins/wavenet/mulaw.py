"""μ-law companding and 8-bit quantisation (van den Oord et al. 2016, WaveNet, eq. 2).

    f(x_t) = sign(x_t) · ln(1 + μ|x_t|) / ln(1 + μ),   −1 < x_t < 1,   μ = 255

The companded value is quantised to 256 classes, so that the next-sample distribution is a
softmax over 256 values instead of 65,536 (16-bit audio). Works on numpy arrays and torch tensors.
"""

from __future__ import annotations

import numpy as np

MU = 255
N_CLASSES = MU + 1
# The class of a silent sample (x = 0): the starting input of every generation.
SILENCE = N_CLASSES // 2


def encode(x: np.ndarray) -> np.ndarray:
    """Audio in [-1, 1] -> μ-law classes in 0..255. Shape preserved, dtype int64."""
    x = np.clip(np.asarray(x, dtype=np.float64), -1.0, 1.0)
    f = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    return np.floor((f + 1.0) / 2.0 * MU + 0.5).astype(np.int64)


def decode(q: np.ndarray) -> np.ndarray:
    """μ-law classes 0..255 -> audio in [-1, 1] (the inverse of eq. 2 at the class centre)."""
    f = 2.0 * np.asarray(q, dtype=np.float64) / MU - 1.0
    return np.sign(f) * np.expm1(np.abs(f) * np.log1p(MU)) / MU
