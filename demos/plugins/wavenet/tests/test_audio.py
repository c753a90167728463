"""WAV encoding, waveform envelope, spectrogram and dominant frequency."""

from __future__ import annotations

import base64
import io
import wave

import numpy as np
import pytest

from demos.plugins.wavenet import audio

SR = 16_000


def _tone(hz: float, seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return 0.5 * np.sin(2 * np.pi * hz * t)


def test_the_wav_is_16_bit_mono_pcm_with_every_sample() -> None:
    x = _tone(440.0, 0.1)
    with wave.open(io.BytesIO(base64.b64decode(audio.wav_base64(x, SR)))) as w:
        assert (
            w.getnchannels(),
            w.getsampwidth(),
            w.getframerate(),
            w.getnframes(),
        ) == (1, 2, SR, len(x))
        pcm = np.frombuffer(w.readframes(len(x)), dtype="<i2")
    np.testing.assert_allclose(pcm / 32767, x, atol=1e-4)


@pytest.mark.parametrize("hz", [130.81, 261.63, 523.25, 1000.0])
def test_the_dominant_frequency_of_a_tone_is_found_within_half_a_percent(
    hz: float,
) -> None:
    assert audio.dominant_frequency(_tone(hz) + 0.3 * _tone(2 * hz), SR) == pytest.approx(
        hz, rel=0.005
    )


def test_silence_has_no_dominant_frequency() -> None:
    assert audio.dominant_frequency(np.zeros(4000), SR) == 0.0


def test_the_envelope_brackets_the_signal() -> None:
    x = _tone(200.0)
    env = audio.envelope(x, SR, points=50)
    assert len(env["min"]) == len(env["max"]) == len(env["t_ms"]) == 50
    assert all(lo <= hi for lo, hi in zip(env["min"], env["max"], strict=True))
    assert max(env["max"]) == pytest.approx(x.max(), abs=1e-4)


def test_the_spectrogram_peaks_in_the_row_of_the_tone() -> None:
    spec = audio.spectrogram(_tone(1000.0), SR, frames=20, bins=40)
    m = np.array(spec["matrix"])
    assert m.shape == (40, 20)
    # Rows run from 4 kHz (top) down to 0 Hz: 1 kHz sits three quarters of the way down.
    assert abs(int(np.argmax(m[:, 10])) - 30) <= 1
