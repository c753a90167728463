"""What the student is distilled on: conditionings (note, timbre), noise, and local features.

Distillation needs no recorded audio, only conditionings for the teacher to score the student
under; the power loss compares with the wavenet plug-in's synthesiser (the teacher's training
data) playing the same note. The 75 conditionings (25 notes × 3 timbres) are split once, seeded,
into train (distillation), validation (checkpoint selection) and test (the reported figures),
disjoint, so the figures are measured on notes and timbres the student was never tuned on.

Sample t of a note (t = 0 is the first sample after the silent start) has the teacher's
local features of generator position t (its phase of sample t, task.steady_phase of the wavenet
plug-in), so student and teacher hear the same pitch track.
"""

from __future__ import annotations

import numpy as np

from demos.plugins.wavenet import mulaw
from demos.plugins.wavenet import task as wavenet_task

SAMPLE_RATE = wavenet_task.SAMPLE_RATE
N_NOTES = wavenet_task.N_NOTES
NOTES = wavenet_task.NOTES
TIMBRE_NAMES = wavenet_task.TIMBRE_NAMES
CONDITIONINGS = [(n, t) for n in range(N_NOTES) for t in range(len(TIMBRE_NAMES))]
SPLIT_SEED = 20_180_214
N_VALIDATION = 15
N_TEST = 15
_LN_MU = float(np.log1p(mulaw.MU))


def split() -> dict[str, list[tuple[int, int]]]:
    """{"train", "validation", "test"}: disjoint lists of (note, timbre), drawn once from SPLIT_SEED."""
    order = np.random.default_rng(SPLIT_SEED).permutation(len(CONDITIONINGS))
    pick = [CONDITIONINGS[i] for i in order]
    return {
        "test": sorted(pick[:N_TEST]),
        "validation": sorted(pick[N_TEST : N_TEST + N_VALIDATION]),
        "train": sorted(pick[N_TEST + N_VALIDATION :]),
    }


def local_inputs(notes: np.ndarray, n: int, time_scales_ms: list[float]) -> np.ndarray:
    """notes [batch] -> float32 [batch, 4 + len(time_scales_ms), n]: the teacher's phase features
    of samples 0 … n − 1 of each note, then exp(−t / τ) for every τ (the time since the onset)."""
    phase = np.stack([wavenet_task.steady_phase(int(k), 0, n) for k in notes])
    feats = wavenet_task.local_features(phase)
    if not time_scales_ms:
        return feats
    t_ms = 1000.0 * np.arange(n) / SAMPLE_RATE
    decays = np.stack([np.exp(-t_ms / tau) for tau in time_scales_ms]).astype(np.float32)
    return np.concatenate([feats, np.broadcast_to(decays, (len(notes), *decays.shape))], axis=1)


def noise(seed: int, batch: int, n: int) -> np.ndarray:
    """The student's input z ~ N(0, 1), float32 [batch, n], from `seed`."""
    return np.random.default_rng(seed).standard_normal((batch, n)).astype(np.float32)


def classes(x: np.ndarray) -> np.ndarray:
    """μ-law-domain values (any real) -> the teacher's classes 0..255 (clipped). int64, same shape."""
    q = np.floor((np.clip(x, -1.0, 1.0) + 1.0) / 2.0 * mulaw.MU + 0.5)
    return q.astype(np.int64)


def to_audio(x):  # numpy or torch, μ-law domain -> waveform in [-1, 1] (differentiable in torch)
    """The inverse μ-law map of the clipped value: sign(x) · ((1 + μ)^{|x|} − 1) / μ."""
    if isinstance(x, np.ndarray):
        x = np.clip(x, -1.0, 1.0)
        return np.sign(x) * np.expm1(np.abs(x) * _LN_MU) / mulaw.MU
    x = x.clamp(-1.0, 1.0)
    return x.sign() * (x.abs() * _LN_MU).expm1() / mulaw.MU


def companded(audio: np.ndarray) -> np.ndarray:
    """Waveform in [-1, 1] -> the continuous μ-law value (the student's domain). float32."""
    a = np.clip(audio, -1.0, 1.0)
    return (np.sign(a) * np.log1p(mulaw.MU * np.abs(a)) / _LN_MU).astype(np.float32)


def reference(rng: np.random.Generator, note: int, timbre: int, n: int) -> np.ndarray:
    """The synthesiser's note (the teacher's training data) for the power loss. float64 [n]."""
    return wavenet_task.synth_note(rng, note, timbre, n)


def describe(conds: list[tuple[int, int]]) -> str:
    """One line per conditioning: note name, frequency and timbre."""
    return "\n".join(
        f"{NOTES[n]:>3} ({wavenet_task.note_hz(n):6.1f} Hz) {TIMBRE_NAMES[t]}" for n, t in conds
    )


if __name__ == "__main__":
    for name, conds in split().items():
        print(f"{name} ({len(conds)}):\n{describe(conds)}\n")
