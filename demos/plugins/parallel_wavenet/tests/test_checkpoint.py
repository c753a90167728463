"""The bundled students: kit format, small, distilled from the bundled teacher as it is now."""

from __future__ import annotations

import pytest

from demos.kit import checkpoint
from demos.plugins.parallel_wavenet import task
from demos.plugins.parallel_wavenet.evaluate import SEEDS
from demos.plugins.parallel_wavenet.infer import WEIGHTS, load_student
from demos.plugins.parallel_wavenet.train import (
    VAL_NOISE_SEED,
    TrainConfig,
    student_nll,
    teacher_sha256,
)
from demos.plugins.wavenet.infer import load as load_teacher

NAMES = [f"{name}_seed{seed}.pt" for name in ("student", "no_power") for seed in SEEDS]


def test_every_seed_of_both_variants_is_bundled_and_small() -> None:
    # The rule is per demo: all six checkpoints together stay under the platform's limit.
    assert sum((WEIGHTS / name).stat().st_size for name in NAMES) < checkpoint.MAX_BYTES
    for name in NAMES:
        assert checkpoint.load(WEIGHTS / name)["seed"] == int(name[-4])


@pytest.mark.parametrize("name", NAMES)
def test_the_students_were_distilled_from_the_bundled_teacher(name) -> None:
    # Fails when demos/plugins/wavenet/weights/wavenet.pt changes: distil again (README, Retrain).
    stored = checkpoint.load(WEIGHTS / name)["metrics"]["teacher_sha256"]
    assert stored == teacher_sha256(), f"{name}: the teacher changed since it was distilled"


def test_the_power_weight_is_stored_per_variant() -> None:
    for name in NAMES:
        weight = checkpoint.load(WEIGHTS / name)["metrics"]["power_weight"]
        assert (weight == 0.0) == name.startswith("no_power"), name
        assert name.startswith("no_power") or weight == TrainConfig().power_weight


def test_the_page_student_reproduces_its_stored_validation_nll() -> None:
    student, ckpt = load_student(str(WEIGHTS / "student_seed0.pt"))
    conds = task.split()["validation"]
    z = task.noise(VAL_NOISE_SEED, len(conds), TrainConfig().val_length)
    got = float(student_nll(student, load_teacher()[0], conds, z).mean())
    assert got == pytest.approx(ckpt["metrics"]["val_student_nll"], abs=1e-3)
