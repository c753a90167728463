"""The note synthesiser: shapes, the silent start, determinism and the pitch of the notes."""

from __future__ import annotations

import numpy as np
import pytest

from demos.plugins.wavenet import audio, mulaw, task


def test_a_batch_starts_with_silence_and_holds_mu_law_classes() -> None:
    x, notes, timbres, phase = task.make_batch(np.random.default_rng(0), 3, 500)
    assert x.shape == (3, 501) and notes.shape == timbres.shape == (3,)
    assert phase.shape == (3, 500)
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
    wave = task.synth_note(np.random.default_rng(note + 10 * timbre), note, timbre, 8000)
    f = audio.dominant_frequency(wave, task.SAMPLE_RATE)
    assert abs(f - task.note_hz(note)) / task.note_hz(note) < 0.03
    assert np.max(np.abs(wave)) <= 1.0


def test_notes_span_two_octaves_from_c3() -> None:
    assert task.NOTES[0] == "C3" and task.NOTES[12] == "C4" and task.NOTES[-1] == "C5"
    assert task.note_hz(task.NOTES.index("A3")) == pytest.approx(220.0)


def test_the_printer_names_every_note() -> None:
    text = task.describe(*task.make_batch(np.random.default_rng(1), 2, 100))
    assert len(text.splitlines()) == 2 and "Hz" in text


def test_the_phase_track_follows_the_audio_wander_and_vibrato_included() -> None:
    wave, phase = task.synth(np.random.default_rng(5), 9, 1, 8000)
    f_audio = audio.dominant_frequency(wave, task.SAMPLE_RATE)
    f_phase = audio.dominant_frequency(np.sin(phase), task.SAMPLE_RATE)
    assert f_phase == pytest.approx(f_audio, rel=0.002)
    # The mean instantaneous frequency wanders off the nominal pitch, a little.
    mean_hz = (phase[-1] - phase[0]) / (len(phase) - 1) * task.SAMPLE_RATE / (2 * np.pi)
    assert mean_hz != pytest.approx(task.note_hz(9), rel=1e-4)
    assert mean_hz == pytest.approx(task.note_hz(9), rel=0.05)


def test_the_steady_phase_advances_by_the_note_frequency_every_sample() -> None:
    phase = task.steady_phase(12, 0, 1000)
    assert phase[0] == pytest.approx(2 * np.pi * task.note_hz(12) / task.SAMPLE_RATE)
    np.testing.assert_allclose(
        np.diff(phase), 2 * np.pi * task.note_hz(12) / task.SAMPLE_RATE, rtol=1e-9
    )


def test_local_features_are_the_first_two_harmonics_and_do_not_depend_on_slicing() -> None:
    phase = task.steady_phase(4, 0, 777)
    y = task.local_features(phase[None])[0]
    assert y.shape == (task.LOCAL_CHANNELS, 777) and y.dtype == np.float32
    np.testing.assert_allclose(
        y,
        [np.sin(phase), np.cos(phase), np.sin(2 * phase), np.cos(2 * phase)],
        atol=1e-6,
    )
    # The same position, asked for alone or inside another stretch, gives the same bits.
    part = task.local_features(task.steady_phase(4, 301, 55)[None])[0]
    assert np.array_equal(part, y[:, 301:356])
