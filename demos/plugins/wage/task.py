"""The task: scikit-learn's bundled 8x8 handwritten digits (1,797 images, no download).

A fixed, stratified train/validation/test split (seeded) is shared by training, the live demo and
the evaluation: 1,149 training images, 288 validation images (every choice, e.g. the float32
learning rate, is made on these) and the same 360 test images as before, which are only reported.
Pixels (0..16) are divided by 16, so inputs lie in [0, 1] like the ReLU activations that Q_A
represents (the 17 grey levels are multiples of 2^-4, exact for k_A >= 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

SPLIT_SEED = 0  # fixed: the held-out set never changes between runs
TEST_FRACTION = 0.2
VAL_FRACTION = 0.2  # of what is left after the test split: 288 images
NUM_CLASSES = 10
PIXEL_MAX = 16.0  # sklearn digits are 4-bit grey levels 0..16


@dataclass(frozen=True)
class Digits:
    """The split. x_*: [n, 64] float32 in [0, 1]; y_*: [n] int64 class labels."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


@lru_cache(maxsize=1)
def load_digits_split() -> Digits:
    """Load sklearn's digits and return the fixed stratified split (1,149 / 288 / 360)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = data.data.astype(np.float32) / PIXEL_MAX
    y = data.target.astype(np.int64)
    x_rest, x_te, y_rest, y_te = train_test_split(
        x, y, test_size=TEST_FRACTION, stratify=y, random_state=SPLIT_SEED
    )
    x_tr, x_va, y_tr, y_va = train_test_split(
        x_rest, y_rest, test_size=VAL_FRACTION, stratify=y_rest, random_state=SPLIT_SEED
    )
    return Digits(*(torch.from_numpy(a) for a in (x_tr, y_tr, x_va, y_va, x_te, y_te)))


def one_hot(y: torch.Tensor) -> torch.Tensor:
    """[n] int64 labels -> [n, 10] float32 targets for the sum-of-squared-error loss."""
    return torch.nn.functional.one_hot(y, NUM_CLASSES).to(torch.float32)


def render_digit(x: torch.Tensor) -> str:
    """A human-readable 8x8 picture of one image x: [64] in [0, 1]."""
    shades = " .:-=+*#%@"
    levels = (x.reshape(8, 8).clamp(0.0, 1.0) * (len(shades) - 1)).round().long()
    return "\n".join("".join(shades[int(v)] * 2 for v in row) for row in levels)


if __name__ == "__main__":
    split = load_digits_split()
    print(
        f"train {tuple(split.x_train.shape)}  val {tuple(split.x_val.shape)}"
        f"  test {tuple(split.x_test.shape)}"
    )
    for i in range(3):
        print(f"label {int(split.y_train[i])}\n{render_digit(split.x_train[i])}\n")
