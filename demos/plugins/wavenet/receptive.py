"""The receptive field of the dilated stack, as numbers the page can draw (Fig. 3 of the paper).

Levels: 0 is the input x, level k is the output of layer k (dilation d_k). The unit of level k at
offset o (relative to the newest sample, o ≤ 0) reads level k − 1 at o and at o − d_k, so the
output at offset 0 of the top level depends on the inputs at offsets −(R − 1) … 0, R = 1 + Σ d_k.
"""

from __future__ import annotations

import numpy as np

from .model import Config


def active_offsets(dilations: list[int]) -> list[np.ndarray]:
    """For each level 0..L, the offsets (≤ 0) on some path to the top output. [L + 1] arrays."""
    levels = [np.array([0])]
    for d in reversed(dilations):
        top = levels[0]
        levels.insert(0, np.union1d(top, top - d))
    return levels


def path_to_input(dilations: list[int], offset: int) -> list[int]:
    """The offsets, level L down to level 0, of one path from the top output to input `offset` ≤ 0.

    Going down, a layer takes its past tap (−d) while the remaining distance is at least d; within
    a stack of 1, 2, 4, … that is the binary expansion of the distance.
    """
    if not -sum(dilations) <= offset <= 0:
        raise ValueError("offset outside the receptive field")
    path = [0]
    remaining = -offset
    for d in reversed(dilations):
        if remaining >= d:
            remaining -= d
            path.append(path[-1] - d)
        else:
            path.append(path[-1])
    return path


def describe(cfg: Config, bins: int = 64) -> dict:
    """Dilations, receptive field in samples and ms, a coverage map and example paths."""
    dil = list(cfg.dilations)
    rf = cfg.receptive_field
    per_stack = dil.index(max(dil)) + 1
    levels = active_offsets(dil)
    # Coverage map: rows = levels from the output (top) down to the input; columns = offset bins
    # from the oldest input (left) to the newest (right); value = share of the bin on some path.
    edges = np.linspace(-(rf - 1), 1, bins + 1)
    coverage = []
    for offs in reversed(levels):
        counts, _ = np.histogram(offs, bins=edges)
        width, _ = np.histogram(np.arange(-(rf - 1), 1), bins=edges)
        coverage.append([round(float(v), 3) for v in counts / np.maximum(width, 1)])
    examples = sorted({-(rf - 1), -(rf - 1) // 3, -100, -1})
    return {
        "dilations": dil,
        "layers": [
            {"layer": k + 1, "stack": k // per_stack + 1, "dilation": d} for k, d in enumerate(dil)
        ],
        "receptive_field_samples": rf,
        "receptive_field_ms": round(1000.0 * rf / cfg.sample_rate, 2),
        "sample_rate": cfg.sample_rate,
        "coverage": coverage,
        "coverage_offsets": [round(e) for e in edges[:-1]],
        "active_per_level": [len(offs) for offs in reversed(levels)],
        "paths": [{"input_offset": int(o), "offsets": path_to_input(dil, o)} for o in examples],
    }
