"""infer.run and its parts: one parallel pass for the student, the cached path for the teacher."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from demos.plugins.parallel_wavenet import META, task
from demos.plugins.parallel_wavenet.infer import (
    WEIGHTS,
    load_student,
    nll_under_teacher,
    run,
    student_generate,
    teacher_generate,
)
from demos.plugins.wavenet.fast import generate_cached
from demos.plugins.wavenet.infer import load as load_teacher
from demos.plugins.wavenet.sampling import uniforms

DEFAULTS = {name: spec["default"] for name, spec in META["params"].items()}


def test_the_student_makes_the_whole_note_in_one_call_and_is_seeded() -> None:
    student, _ = load_student(str(WEIGHTS / "student_seed0.pt"))
    z = task.noise(5, 2, 4000)
    a = student_generate(student, 9, 1, z)
    assert a.shape == (2, 4000) and a.min() >= 0 and a.max() <= 255
    assert np.array_equal(a, student_generate(student, 9, 1, z))
    assert not np.array_equal(a[0], a[1])  # other noise, another note


def test_the_teacher_path_draws_the_wavenet_plugins_cached_samples() -> None:
    teacher, _ = load_teacher()
    u = uniforms(3, 40)
    seen: list[float] = []
    got = teacher_generate(teacher, 4, 2, u, lambda pct, msg: seen.append(pct))
    assert np.array_equal(got, generate_cached(teacher, 4, 2, u))


def test_the_teacher_scores_its_own_notes_better_than_noise() -> None:
    teacher, _ = load_teacher()
    own = teacher_generate(teacher, 9, 1, uniforms(1, 600))
    noise = np.random.default_rng(0).integers(0, 256, 600)
    nll = nll_under_teacher(teacher, np.stack([own, noise]), 9, 1)
    assert nll[0] < 3.0 < nll[1]


@pytest.mark.slow
def test_the_default_run_gives_both_notes_their_timings_and_scores() -> None:
    seen: list[float] = []
    r = run(dict(DEFAULTS), lambda pct, msg: seen.append(pct))
    n = r["samples"]
    assert n == round(DEFAULTS["length_s"] * 16_000)
    for who in ("teacher", "student"):
        part = r[who]
        wav = base64.b64decode(part["wav_base64"])
        assert wav[:4] == b"RIFF" and len(wav) == 44 + 2 * n
        assert part["seconds"] > 0 and part["samples_per_s"] > 0 and np.isfinite(part["nll"])
        assert len(part["spectrogram"]["matrix"]) == 64
    assert r["speedup"] > 10 and r["student"]["seconds"] < r["teacher"]["seconds"]
    assert seen == sorted(seen) and seen[-1] <= 100
    assert r["nll_gap"] == pytest.approx(r["student"]["nll"] - r["teacher"]["nll"], abs=2e-4)
