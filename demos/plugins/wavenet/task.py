"""Training data made here: synthesised instrument notes with harmonics and envelopes.

Each example is one note, from its onset, at 16 kHz: the sum of harmonics k·f0 of a timbre with
slightly jittered phases, a slight vibrato, and an attack–decay–sustain envelope, peak-normalised to a random
level and μ-law encoded. The sequence starts with one silent sample, the same start the generator
uses, so training sees exactly what generation will: silence, then a note growing out of it.

The note and the timbre are global conditioning (constant over the clip), as WaveNet's speaker
identity in section 3.1 of van den Oord et al. 2016. The phase of the fundamental is local
conditioning (one value per sample), as the log F0 among WaveNet's text-to-speech features
(section 3.2): every example carries the running phase φ_t of the instantaneous frequency that
made it, vibrato and pitch wander included, and `local_features` turns it into the per-sample
inputs sin φ_t, cos φ_t, sin 2φ_t, cos 2φ_t. At generation the phase comes from the requested
pitch (`steady_phase`). Nothing is downloaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from . import mulaw

SAMPLE_RATE = 16_000
LOWEST_MIDI = 48  # C3, 130.8 Hz
NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
N_NOTES = 25  # two octaves, C3 … C5
NOTES = [
    f"{NOTE_NAMES[(LOWEST_MIDI + i) % 12]}{(LOWEST_MIDI + i) // 12 - 1}" for i in range(N_NOTES)
]


@dataclass(frozen=True)
class Timbre:
    """Relative amplitudes and phases (radians) of harmonics 1, 2, 3, … and the attack range (s)."""

    name: str
    harmonics: tuple[float, ...]
    phases: tuple[float, ...]
    attack_s: tuple[float, float]


# The fundamental is the strongest partial of every timbre, so a note's dominant frequency is f0.
TIMBRES = [
    Timbre("flute", (1.0, 0.25, 0.08), (0.0, 1.2, 2.5), (0.03, 0.08)),
    Timbre(
        "clarinet",
        (1.0, 0.0, 0.4, 0.0, 0.2, 0.0, 0.1),
        (0.0, 0.0, 0.5, 0.0, 1.0, 0.0, 1.5),
        (0.01, 0.04),
    ),
    Timbre("brass", tuple(1.0 / k for k in range(1, 9)), (0.0,) * 8, (0.005, 0.02)),
]
TIMBRE_NAMES = [t.name for t in TIMBRES]

_LEVEL = (0.4, 0.8)  # peak amplitude of the sustained note
_SUSTAIN = (0.6, 0.9)  # sustain level relative to the attack peak
_DECAY_S = (0.05, 0.15)
_VIBRATO_DEPTH = (
    0.0,
    0.003,
)  # relative frequency deviation, well inside the 3 % pitch tolerance
_VIBRATO_HZ = (4.5, 6.0)
# Slow random pitch wander that is always pulled back to the note (an Ornstein–Uhlenbeck process
# on the relative frequency, starting off-pitch): the model sees contexts whose period is a little
# off and learns to steer back towards the conditioned pitch, which keeps free-running generation
# on pitch instead of locking to a nearby period.
_WANDER_STD = 0.015
_WANDER_TAU_S = 0.04
_WANDER_STEP = 80  # samples between control points (5 ms), linearly interpolated
# Each note's harmonic phases deviate from the timbre's by up to this much (radians): enough to
# vary the waveform from seed to seed, small enough that a timbre keeps its characteristic shape.
_PHASE_JITTER = 0.4


def note_hz(note: int) -> float:
    """Equal-tempered frequency of note index 0..24 (0 = C3)."""
    return 440.0 * 2.0 ** ((LOWEST_MIDI + note - 69) / 12.0)


def _wander(rng: np.random.Generator, n: int) -> np.ndarray:
    """Relative pitch deviation [n]: a mean-reverting random walk from a random start."""
    points = n // _WANDER_STEP + 2
    keep = 1.0 - _WANDER_STEP / (_WANDER_TAU_S * SAMPLE_RATE)
    kicks = rng.normal(0.0, _WANDER_STD * np.sqrt(1.0 - keep**2), points)
    dev = np.empty(points)
    dev[0] = rng.normal(0.0, _WANDER_STD)
    for i in range(1, points):
        dev[i] = keep * dev[i - 1] + kicks[i]
    return np.interp(np.arange(n) / _WANDER_STEP, np.arange(points), dev)


def steady_phase(note: int, start: int, n: int) -> np.ndarray:
    """Phase (radians) of the fundamental at generator positions start … start + n − 1. float64 [n].

    Position t is the input x_t, whose output predicts sample t of the note (x_{t+1}); the note
    held exactly at its pitch has phase 2π f0 (t + 1) / sample rate there, the synthesiser's phase
    without vibrato or wander. One multiplication per element, so every generator that asks for
    position t gets the same number, however it slices the clip.
    """
    return steady_phase_hz(note_hz(note), start, n)


def steady_phase_hz(hz: float, start: int, n: int) -> np.ndarray:
    """`steady_phase` of a tone held at `hz` (any frequency, e.g. a detuned one). float64 [n]."""
    omega = 2.0 * math.pi * hz / SAMPLE_RATE
    return omega * (np.arange(start, start + n, dtype=np.float64) + 1.0)


LOCAL_CHANNELS = 4  # sin φ, cos φ, sin 2φ, cos 2φ


@numba.njit(cache=True)
def _local_features(phase: np.ndarray) -> np.ndarray:
    batch, n = phase.shape
    out = np.empty((batch, LOCAL_CHANNELS, n), dtype=np.float32)
    for b in range(batch):
        for t in range(n):
            p = phase[b, t]
            out[b, 0, t] = math.sin(p)
            out[b, 1, t] = math.cos(p)
            out[b, 2, t] = math.sin(2.0 * p)
            out[b, 3, t] = math.cos(2.0 * p)
    return out


def local_features(phase: np.ndarray) -> np.ndarray:
    """phase [batch, n] (radians) -> float32 [batch, 4, n]: sin φ, cos φ, sin 2φ, cos 2φ.

    One scalar sin/cos per element (compiled, no vectorised approximation), so an element never
    depends on where it sits in the array: the naive, cached and compiled generators, which cut
    the clip differently, all see the same features.
    """
    return _local_features(np.ascontiguousarray(phase, dtype=np.float64))


def synth_note(rng: np.random.Generator, note: int, timbre: int, n: int) -> np.ndarray:
    """One note of `n` samples in [-1, 1], starting at its onset. Returns float64 [n]."""
    return synth(rng, note, timbre, n)[0]


def synth(
    rng: np.random.Generator, note: int, timbre: int, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """One note from its onset: (audio float64 [n] in [-1, 1], phase of its fundamental float64 [n])."""
    t = np.arange(n) / SAMPLE_RATE
    spec = TIMBRES[timbre]
    depth = rng.uniform(*_VIBRATO_DEPTH)
    rate = rng.uniform(*_VIBRATO_HZ)
    # Phase of the fundamental: the integral of the vibrating instantaneous frequency.
    vibrato = depth * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
    inst_hz = note_hz(note) * (1.0 + vibrato + _wander(rng, n))
    phase = 2 * np.pi * np.cumsum(inst_hz) / SAMPLE_RATE
    wave = np.zeros(n)
    for k, (amp, phi) in enumerate(zip(spec.harmonics, spec.phases, strict=True), start=1):
        jitter = rng.uniform(-_PHASE_JITTER, _PHASE_JITTER)
        if amp > 0 and k * note_hz(note) < SAMPLE_RATE / 2:
            wave += amp * np.sin(k * phase + phi + jitter)
    wave /= np.max(np.abs(wave)) + 1e-12

    attack = rng.uniform(*spec.attack_s)
    decay = rng.uniform(*_DECAY_S)
    sustain = rng.uniform(*_SUSTAIN)
    env = np.where(
        t < attack,
        t / attack,
        sustain + (1.0 - sustain) * np.exp(-(t - attack) / decay),
    )
    return rng.uniform(*_LEVEL) * env * wave, phase


def make_batch(
    rng: np.random.Generator, batch: int, length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random notes: (x [batch, length + 1] μ-law classes starting with SILENCE, note [batch],
    timbre [batch], phase [batch, length]). phase[b, t] is the phase of sample x[b, t + 1], the
    one that input position t predicts."""
    notes = rng.integers(0, N_NOTES, size=batch)
    timbres = rng.integers(0, len(TIMBRES), size=batch)
    x = np.empty((batch, length + 1), dtype=np.int64)
    phase = np.empty((batch, length), dtype=np.float64)
    x[:, 0] = mulaw.SILENCE
    for b in range(batch):
        wave, phase[b] = synth(rng, int(notes[b]), int(timbres[b]), length)
        x[b, 1:] = mulaw.encode(wave)
    return x, notes, timbres, phase


def heldout_batch(
    batch: int = 12, length: int = 6144, seed: int = 20_161_203
) -> tuple[np.ndarray, ...]:
    """The fixed held-out set: notes drawn from a seed that training never uses."""
    return make_batch(np.random.default_rng(seed), batch, length)


def describe(
    x: np.ndarray,
    notes: np.ndarray,
    timbres: np.ndarray,
    phase: np.ndarray | None = None,
) -> str:
    """A human-readable summary of a batch, one line per note (with the phase: its mean frequency)."""
    lines = []
    for b in range(len(notes)):
        audio = mulaw.decode(x[b, 1:])
        mean_hz = ""
        if phase is not None and phase.shape[1] > 1:
            hz = (phase[b, -1] - phase[b, 0]) / (phase.shape[1] - 1) * SAMPLE_RATE / (2 * math.pi)
            mean_hz = f"phase track {hz:6.1f} Hz, "
        lines.append(
            f"{NOTES[notes[b]]:>3} ({note_hz(int(notes[b])):6.1f} Hz) {TIMBRE_NAMES[timbres[b]]:<8} "
            f"{x.shape[1] - 1} samples, {mean_hz}peak {np.max(np.abs(audio)):.2f}, "
            f"first classes {' '.join(str(int(v)) for v in x[b, :8])} …"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe(*make_batch(np.random.default_rng(0), 6, 4096)))
