"""The note synthesiser: shapes, the silent start, determinism and the pitch of the notes."""

from __future__ import annotations

import numpy as np
import pytest

from demos.wavenet import audio, mulaw, task


def test_a_batch_starts_with_silence_and_holds_mu_law_classes() -> None:
    x, notes, timbres = task.make_batch(np.random.default_rng(0), 3, 500)
    assert x.shape == (3, 501) and notes.shape == timbres.shape == (3,)
    assert np.all(x[:, 0] == mulaw.SILENCE)
    assert x.min() >= 0 and x.max() < mulaw.N_CLASSES


def test_the_same_seed_gives_the_same_batch() -> None:
    a = task.make_batch(np.random.default_rng(4), 2, 300)
    b = task.make_batch(np.random.default_rng(4), 2, 300)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))


@pytest.mark.parametrize("timbre", range(len(task.TIMBRES)))
@pytest.mark.parametrize("note", [0, 12, 24])
def test_every_synthesised_note_has_its_fundamental_as_dominant_frequency(
    note: int, timbre: int
) -> None:
    wave = task.synth_note(
        np.random.default_rng(note + 10 * timbre), note, timbre, 8000
    )
    f = audio.dominant_frequency(wave, task.SAMPLE_RATE)
    assert abs(f - task.note_hz(note)) / task.note_hz(note) < 0.03
    assert np.max(np.abs(wave)) <= 1.0


def test_notes_span_two_octaves_from_c3() -> None:
    assert task.NOTES[0] == "C3" and task.NOTES[12] == "C4" and task.NOTES[-1] == "C5"
    assert task.note_hz(task.NOTES.index("A3")) == pytest.approx(220.0)


def test_the_printer_names_every_note() -> None:
    text = task.describe(*task.make_batch(np.random.default_rng(1), 2, 100))
    assert len(text.splitlines()) == 2 and "Hz" in text
