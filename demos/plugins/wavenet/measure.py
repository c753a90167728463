"""Per-item test figures of one WaveNet: what evaluate.py bootstraps over seeds and items.

Two held-out sets, drawn from different seeds and checked disjoint by evaluate.py:

- VALIDATION (``task.heldout_batch()``, 12 notes × 6,144 samples, seed 20,161,203): the set
  ``train.fit`` picks its checkpoint on (and variants.py its baseline's learning rate on). It was
  the only held-out set before, so the bundled model's old "held-out NLL" was measured on the set
  it was chosen on; it is now reported only as the validation NLL.
- TEST (``test_batch()``, 24 notes × 6,144 samples, seed ``TEST_SEED``): never used to choose
  anything; every reported NLL comes from it. The pitch requests are test items too: every other
  note C3 … C5 × the three timbres, each with its own uniforms from ``TEST_SEED``.

The detuned-phase probe feeds a model the phase of a tone ``DETUNE_SEMITONES`` above the note it is
conditioned on (globally) and asks which of the two frequencies comes out: the phase's, the
note's, or neither (outside 3 % of both).
"""

from __future__ import annotations

import numpy as np
import torch

from . import audio, mulaw, task
from .engine import generate_compiled
from .model import WaveNet
from .sampling import uniforms
from .train import heldout_nll

TEST_SEED = 20_261_207
TEST_NOTES = 24
TEST_LENGTH = 6144
PITCH_TOLERANCE = 0.03
PITCH_SECONDS = 0.5
PITCH_NOTES = list(range(0, task.N_NOTES, 2))  # C3, D3, E3, … C5: 13 notes × 3 timbres
QUICK_PITCH_NOTES = [0, 12, 24]  # C3, C4, C5
DETUNE_SEMITONES = 2.0  # 12 % away: the 3 % windows of the note and of the phase do not overlap
_PITCH_SEED = TEST_SEED + 1_000
_DETUNE_SEED = TEST_SEED + 2_000


def test_batch(batch: int = TEST_NOTES) -> tuple[np.ndarray, ...]:
    """The test notes (x, note, timbre, phase), as task.heldout_batch but from TEST_SEED."""
    return task.heldout_batch(batch=batch, length=TEST_LENGTH, seed=TEST_SEED)


def nll_per_note(model: WaveNet, batch: tuple[np.ndarray, ...]) -> list[float]:
    """Mean next-sample NLL (nats) of each note of `batch`, one value per note."""
    x, notes, timbres, phase = batch
    return [
        heldout_nll(model, x[i : i + 1], notes[i : i + 1], timbres[i : i + 1], phase[i : i + 1])
        for i in range(len(x))
    ]


def requests(pitch_notes: list[int]) -> list[tuple[int, int]]:
    """(note, timbre) of every pitch request: each note in all three timbres."""
    return [(n, t) for n in pitch_notes for t in range(len(task.TIMBRES))]


def _dominant(
    model: WaveNet,
    note: int,
    timbre: int,
    seed: int,
    phase_hz: float | None,
    temperature: float = 1.0,
) -> float:
    u = uniforms(seed, int(PITCH_SECONDS * model.cfg.sample_rate))
    tokens = generate_compiled(model, note, timbre, u, temperature, phase_hz)
    return audio.dominant_frequency(mulaw.decode(tokens), model.cfg.sample_rate)


def within(f: float, target: float) -> bool:
    return abs(f - target) / target <= PITCH_TOLERANCE


def pitch_rows(model: WaveNet, pitch_notes: list[int], temperature: float = 1.0) -> list[dict]:
    """One row per request (at `temperature`): note, timbre, target Hz, dominant Hz, ok."""
    rows = []
    for n, t in requests(pitch_notes):
        f = _dominant(model, n, t, _PITCH_SEED + 101 * n + t, None, temperature)
        target = task.note_hz(n)
        rows.append({"note": n, "timbre": t, "target": target, "hz": f, "ok": within(f, target)})
    return rows


def detuned_rows(model: WaveNet, pitch_notes: list[int]) -> list[dict]:
    """One row per request with the phase of a tone DETUNE_SEMITONES above the note: which one
    the result follows (``follows_phase``: within 3 % of the phase's frequency, ``follows_note``: of the note's)."""
    rows = []
    ratio = 2.0 ** (DETUNE_SEMITONES / 12.0)
    for n, t in requests(pitch_notes):
        target = task.note_hz(n)
        f = _dominant(model, n, t, _DETUNE_SEED + 101 * n + t, target * ratio)
        rows.append(
            {
                "note": n,
                "timbre": t,
                "target": target,
                "phase_hz": target * ratio,
                "hz": f,
                "follows_phase": within(f, target * ratio),
                "follows_note": within(f, target),
            }
        )
    return rows


def measure(model: WaveNet, quick: bool = False, detuned: bool = True) -> dict:
    """Every per-item figure of `model` on the test split (a subset of the requests if `quick`).

    {"test_nll": [per note], "validation_nll": float, "pitch": [rows], "detuned": [rows]}.
    """
    torch.set_num_threads(1)
    model.eval()
    notes = QUICK_PITCH_NOTES if quick else PITCH_NOTES
    result: dict = {
        "test_nll": [round(v, 6) for v in nll_per_note(model, test_batch())],
        "validation_nll": round(heldout_nll(model, *task.heldout_batch()), 6),
        "pitch": pitch_rows(model, notes),
    }
    if detuned:
        result["detuned"] = detuned_rows(model, notes)
    return result
