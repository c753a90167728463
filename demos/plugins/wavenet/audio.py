"""What the page shows of a generated clip: a WAV file, a waveform envelope, a spectrogram, a pitch.

Plain numpy; no torch. The dominant frequency is the peak of a Hann-windowed, zero-padded
magnitude spectrum, refined by a parabola through the peak bin and its neighbours.
"""

from __future__ import annotations

import base64
import io
import itertools
import wave

import numpy as np

_PCM_MAX = 32767
_PITCH_RANGE_HZ = (50.0, 4000.0)
_SPEC_FFT = 512
_SPEC_MAX_HZ = 4000.0
_DB_FLOOR = -80.0


def wav_base64(audio: np.ndarray, sample_rate: int) -> str:
    """audio: float [n] in [-1, 1] -> base64 of a mono 16-bit PCM WAV file."""
    pcm = np.round(np.clip(audio, -1.0, 1.0) * _PCM_MAX).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return base64.b64encode(buf.getvalue()).decode("ascii")


def envelope(audio: np.ndarray, sample_rate: int, points: int = 400) -> dict:
    """The min and max of `points` equal slices of the clip, for a waveform drawing."""
    n = len(audio)
    edges = np.linspace(0, n, min(points, n) + 1).astype(int)
    lo = [float(audio[a:b].min()) for a, b in itertools.pairwise(edges)]
    hi = [float(audio[a:b].max()) for a, b in itertools.pairwise(edges)]
    t_ms = [round(1000.0 * a / sample_rate, 2) for a in edges[:-1]]
    return {
        "t_ms": t_ms,
        "min": [round(v, 4) for v in lo],
        "max": [round(v, 4) for v in hi],
    }


def spectrogram(audio: np.ndarray, sample_rate: int, frames: int = 80, bins: int = 64) -> dict:
    """Log-magnitude STFT up to 4 kHz, rows from high to low frequency. matrix: [bins, frames] in dB."""
    n = len(audio)
    padded = np.pad(audio, (0, max(0, _SPEC_FFT - n)))
    starts = np.linspace(0, len(padded) - _SPEC_FFT, frames).astype(int)
    window = np.hanning(_SPEC_FFT)
    mags = np.abs(
        np.fft.rfft(np.stack([padded[s : s + _SPEC_FFT] * window for s in starts]), axis=1)
    )
    keep = int(_SPEC_MAX_HZ / (sample_rate / _SPEC_FFT))
    mags = mags[:, :keep]
    # Average neighbouring FFT bins down to `bins` rows.
    groups = np.array_split(np.arange(keep), bins)
    pooled = np.stack([mags[:, g].mean(axis=1) for g in groups], axis=1)
    db = 20 * np.log10(pooled / (window.sum() / 2) + 1e-12)
    db = np.maximum(db, _DB_FLOOR)
    return {
        "matrix": [[round(float(v), 1) for v in row] for row in db.T[::-1]],
        "max_hz": _SPEC_MAX_HZ,
        "duration_s": n / sample_rate,
        "min_db": _DB_FLOOR,
    }


def dominant_frequency(audio: np.ndarray, sample_rate: int, skip_s: float = 0.05) -> float:
    """The strongest frequency in 50 Hz – 4 kHz, in Hz, ignoring the first `skip_s` (the attack)."""
    x = np.asarray(audio, dtype=np.float64)[int(skip_s * sample_rate) :]
    if len(x) < 64 or not np.any(x):
        return 0.0
    x = (x - x.mean()) * np.hanning(len(x))
    n_fft = 1 << int(np.ceil(np.log2(8 * len(x))))
    mag = np.abs(np.fft.rfft(x, n_fft))
    hz = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    lo, hi = np.searchsorted(hz, _PITCH_RANGE_HZ)
    k = lo + int(np.argmax(mag[lo:hi]))
    # Parabolic interpolation of the log magnitude around the peak bin.
    a, b, c = np.log(mag[k - 1 : k + 2] + 1e-12)
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    return float((k + shift) * sample_rate / n_fft)
