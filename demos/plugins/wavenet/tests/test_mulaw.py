"""μ-law companding: round trips, ordering and the silence class."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from demos.plugins.wavenet import mulaw


def test_decoding_then_encoding_every_class_gives_it_back() -> None:
    classes = np.arange(mulaw.N_CLASSES)
    assert np.array_equal(mulaw.encode(mulaw.decode(classes)), classes)


@given(st.floats(min_value=-1.0, max_value=1.0, allow_nan=False))
def test_encoding_then_decoding_stays_within_half_a_companded_step(x: float) -> None:
    y = float(mulaw.decode(mulaw.encode(np.array([x])))[0])

    # Distance in the companded domain is at most half a class (1/255 of the range [-1, 1]).
    def f(v):
        return np.sign(v) * np.log1p(mulaw.MU * abs(v)) / np.log1p(mulaw.MU)

    assert abs(f(x) - f(y)) <= 1.0 / mulaw.MU + 1e-12


def test_encoding_is_monotonic_and_uses_the_full_range() -> None:
    q = mulaw.encode(np.linspace(-1, 1, 10_001))
    assert np.all(np.diff(q) >= 0)
    assert q[0] == 0 and q[-1] == mulaw.N_CLASSES - 1


def test_silence_is_the_class_of_zero_and_decodes_to_almost_zero() -> None:
    assert mulaw.encode(np.array([0.0]))[0] == mulaw.SILENCE
    assert abs(mulaw.decode(np.array([mulaw.SILENCE]))[0]) < 1e-3
