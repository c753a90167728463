"""Memory and energy estimates of a WAGE network against the same network in float32.

The reasoning of Wu et al., ICLR 2018 (arXiv:1802.04680), introduction and discussion: what a low-bit
integer network saves is (a) the bits that must be *stored* (weights: k_W bits for inference,
k_G-bit accumulators while training) and *moved* (activations, errors, gradients), and (b) the
energy of each operation, because integer adders/multipliers are far cheaper than float32 ones
and ternary weights need no multiplier at all. The per-operation energies are Horowitz's 45 nm
figures ("Computing's energy problem", ISSCC 2014), which the paper's discussion relies on.

This is an *estimate* from counts (MACs, bits), not a measurement: integer add energy is taken
linear in the bit width, multiply energy proportional to the product of operand widths (which
reproduces Horowitz's 8-bit and 32-bit integer figures), memory energy per bit from an 8 KB SRAM.
"""

from __future__ import annotations

import itertools
import math

from .quant import FLOAT_BITS, is_float

# Horowitz (ISSCC 2014), 45 nm, picojoules per operation.
PJ_FLOAT32_ADD = 0.9
PJ_FLOAT32_MULT = 3.7
PJ_INT8_ADD = 0.03
PJ_INT8_MULT = 0.2
PJ_SRAM_PER_BIT = 10.0 / 64.0  # 8 KB SRAM, 64-bit read: 10 pJ
TERNARY_BITS = 2  # k_W = 2: weights in {-1, 0, +1}, a MAC is a sign-select and an add


def _add_pj(bits: int) -> float:
    """Energy of one addition at ``bits`` (float32 when bits >= 32)."""
    return PJ_FLOAT32_ADD if is_float(bits) else PJ_INT8_ADD * bits / 8.0


def _mult_pj(bits_a: int, bits_b: int) -> float:
    """Energy of one bits_a x bits_b multiply; none for a ternary operand; float32 if either is."""
    if is_float(bits_a) or is_float(bits_b):
        return PJ_FLOAT32_MULT
    if min(bits_a, bits_b) <= TERNARY_BITS:
        return 0.0
    return PJ_INT8_MULT * bits_a * bits_b / 64.0


def _mac_pj(bits_a: int, bits_b: int, fan_in: int) -> float:
    """One multiply-accumulate; the integer accumulator needs bits_a + bits_b + log2(fan_in) bits."""
    if is_float(bits_a) or is_float(bits_b):
        return PJ_FLOAT32_MULT + PJ_FLOAT32_ADD
    acc_bits = bits_a + bits_b + math.ceil(math.log2(fan_in))
    return _mult_pj(bits_a, bits_b) + _add_pj(acc_bits)


def _costs(sizes: tuple[int, ...], k_w: int, k_a: int, k_g: int, k_e: int, batch: int) -> dict:
    """Raw figures for one setting: bits stored/moved and pJ, per sample (training: per sample
    of a mini-batch of ``batch``)."""
    layers = list(itertools.pairwise(sizes))
    n_weights = sum(i * o for i, o in layers)
    units = sum(sizes)  # every activation (input included) is read/written once per pass
    errors = sum(sizes[1:])
    infer_macs_pj = sum(i * o * _mac_pj(k_w, k_a, i) for i, o in layers)
    # Backward: errors through W^T (k_W x k_E) and weight gradients e x a (k_E x k_A).
    backward_pj = sum(i * o * (_mac_pj(k_w, k_e, o) + _mac_pj(k_e, k_a, batch)) for i, o in layers)
    infer_bits = n_weights * k_w + units * k_a
    # Training moves weights twice (forward, backward), activations, errors, and per step the
    # gradient and the k_G-bit weight accumulator (read + write), shared by the batch.
    train_bits = (
        2 * n_weights * k_w + units * k_a + errors * k_e + n_weights * (k_g + 2 * k_g) / batch
    )
    return {
        "weights_infer_kib": n_weights * k_w / 8 / 1024,
        "weights_train_kib": n_weights * max(k_w, k_g) / 8 / 1024,
        "bits_moved_infer": infer_bits,
        "bits_moved_train": train_bits,
        "energy_infer_nj": (infer_macs_pj + infer_bits * PJ_SRAM_PER_BIT) / 1000.0,
        "energy_train_nj": (infer_macs_pj + backward_pj + train_bits * PJ_SRAM_PER_BIT) / 1000.0,
    }


def estimate_costs(
    sizes: tuple[int, ...], k_w: int, k_a: int, k_g: int, k_e: int, batch: int
) -> list[dict]:
    """Rows {"key", "wage", "float32", "ratio"} comparing the setting with float32.

    ratio = wage / float32 (e.g. 2/32 = 0.0625 for ternary weight memory).
    """
    wage = _costs(sizes, k_w, k_a, k_g, k_e, batch)
    ref = _costs(sizes, *(FLOAT_BITS,) * 4, batch)
    return [
        {
            "key": key,
            "wage": round(wage[key], 3),
            "float32": round(ref[key], 3),
            "ratio": round(wage[key] / ref[key], 4),
        }
        for key in wage
    ]
