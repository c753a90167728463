"""measure.py: the validation and test splits, the pitch requests, the detuned-phase probe."""

from __future__ import annotations

import numpy as np

from demos.kit.evaluation import Split, check_disjoint
from demos.plugins.wavenet import measure, task
from demos.plugins.wavenet.model import WaveNet


def test_the_test_split_is_fresh_notes_disjoint_from_the_validation_split() -> None:
    val = task.heldout_batch()
    test = measure.test_batch()
    assert measure.TEST_SEED != 20_161_203 and len(test[0]) == measure.TEST_NOTES
    sizes = check_disjoint(
        Split.of("validation", 20_161_203, [r.tobytes() for r in val[0]]),
        Split.of("test", measure.TEST_SEED, [r.tobytes() for r in test[0]]),
    )
    assert sizes == {"validation": 12, "test": measure.TEST_NOTES}


def test_the_pitch_requests_cover_both_octaves_in_every_timbre() -> None:
    reqs = measure.requests(measure.PITCH_NOTES)
    assert len(reqs) == 39 and {t for _, t in reqs} == {0, 1, 2}
    assert min(n for n, _ in reqs) == 0 and max(n for n, _ in reqs) == 24
    assert set(measure.QUICK_PITCH_NOTES) <= set(measure.PITCH_NOTES)


def test_the_detuned_phase_is_outside_the_pitch_window_of_the_note() -> None:
    ratio = 2.0 ** (measure.DETUNE_SEMITONES / 12.0)
    f = task.note_hz(9)
    assert not measure.within(f * ratio, f) and measure.within(f * 1.02, f)


def test_measure_gives_one_value_per_test_note_and_one_row_per_request(
    tiny_model: WaveNet,
) -> None:
    # The tiny model is untrained: only the shape and the bookkeeping are checked here.
    result = measure.measure(tiny_model, quick=True)
    assert len(result["test_nll"]) == measure.TEST_NOTES
    assert np.isfinite(result["test_nll"]).all() and np.isfinite(result["validation_nll"])
    assert len(result["pitch"]) == len(result["detuned"]) == 9
    assert all(not (r["follows_phase"] and r["follows_note"]) for r in result["detuned"])
