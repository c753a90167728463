"""The conditionings, their split, the local features and the μ-law domain helpers."""

from __future__ import annotations

import numpy as np
import torch

from demos.kit.evaluation import Split, check_disjoint
from demos.plugins.parallel_wavenet import NOTES, TIMBRES, task
from demos.plugins.wavenet import mulaw
from demos.plugins.wavenet.fast import local_track


def test_the_split_is_disjoint_covers_every_conditioning_and_is_fixed() -> None:
    s = task.split()
    sizes = check_disjoint(*(Split.of(name, task.SPLIT_SEED, items) for name, items in s.items()))
    assert sizes == {"test": 15, "validation": 15, "train": 45}
    assert sorted(s["test"] + s["validation"] + s["train"]) == task.CONDITIONINGS
    assert task.split() == s
    assert {t for _, t in s["train"]} == {0, 1, 2}  # every timbre is distilled


def test_the_phase_features_are_the_teachers_own() -> None:
    local = task.local_inputs(np.array([3, 17]), 500, [10.0, 40.0])
    assert local.shape == (2, 6, 500) and local.dtype == np.float32
    assert np.array_equal(local[1, :4], local_track(17, 0, 500)[0].numpy())
    assert local[0, 4, 0] == 1.0 and 0 < local[0, 4, -1] < local[0, 5, -1] < 1


def test_classes_are_the_teachers_quantisation_of_the_waveform() -> None:
    x = np.random.default_rng(0).uniform(-1.2, 1.2, 5000)
    assert np.array_equal(task.classes(x), mulaw.encode(task.to_audio(x)))
    assert task.classes(np.array([-5.0, 0.0, 5.0])).tolist() == [0, mulaw.SILENCE, 255]


def test_to_audio_agrees_in_numpy_and_torch_and_inverts_companding() -> None:
    x = np.linspace(-1, 1, 101)
    a = task.to_audio(x)
    assert np.allclose(task.to_audio(torch.from_numpy(x)).numpy(), a)
    assert np.allclose(task.companded(a), x, atol=1e-6)


def test_noise_is_seeded_and_standard() -> None:
    z = task.noise(3, 2, 20_000)
    assert np.array_equal(z, task.noise(3, 2, 20_000))
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03


def test_the_meta_choices_match_the_synthesiser() -> None:
    assert NOTES == task.NOTES and TIMBRES == task.TIMBRE_NAMES
