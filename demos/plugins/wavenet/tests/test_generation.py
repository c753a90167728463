"""Naive, cached (Paine et al.) and compiled generation draw identical samples for a seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos.plugins.wavenet import task
from demos.plugins.wavenet.engine import CompiledGenerator, generate_compiled
from demos.plugins.wavenet.fast import (
    CachedGenerator,
    generate_cached,
    generate_naive,
    local_track,
)
from demos.plugins.wavenet.model import WaveNet
from demos.plugins.wavenet.mulaw import SILENCE
from demos.plugins.wavenet.sampling import sample_class, uniforms
from demos.plugins.wavenet.tests.conftest import TINY


def test_naive_and_cached_generation_give_identical_samples_for_a_seed(
    tiny_model: WaveNet,
) -> None:
    u = uniforms(11, 120)  # longer than the receptive field (31), so the window slides
    naive = generate_naive(tiny_model, 4, 2, u)
    assert np.array_equal(naive, generate_cached(tiny_model, 4, 2, u))
    assert len(set(naive.tolist())) > 5  # a real random walk, not a constant


def test_cached_steps_give_the_same_logits_as_the_full_forward_pass(
    tiny_model: WaveNet,
) -> None:
    x = torch.randint(0, 256, (1, 70), generator=torch.Generator().manual_seed(5))
    full = tiny_model(x, torch.tensor([4]), torch.tensor([2]), local_track(4, 0, 70))
    full = full[0].T.detach().numpy()
    gen = CachedGenerator(tiny_model, 4, 2)
    steps = np.stack([gen.step(int(v)) for v in x[0]])
    np.testing.assert_allclose(steps, full, atol=1e-5)


def test_priming_the_queues_from_a_prompt_equals_stepping_through_it(
    tiny_model: WaveNet,
) -> None:
    prompt = [SILENCE, *np.random.default_rng(6).integers(0, 256, 60).tolist()]
    u = uniforms(12, 40)
    assert np.array_equal(
        generate_cached(tiny_model, 1, 0, u, prompt=prompt),
        generate_naive(tiny_model, 1, 0, u, prompt=prompt),
    )
    gen = CachedGenerator(tiny_model, 1, 0)
    gen.step(SILENCE)
    with pytest.raises(ValueError):
        gen.prime(prompt)


def test_generation_follows_the_local_conditioning_of_the_asked_note(
    tiny_model: WaveNet,
) -> None:
    # Same global conditioning, different local phase track: the samples differ, on every path.
    u = uniforms(15, 80)
    tiny_model.note_embed.weight.data[5] = tiny_model.note_embed.weight.data[6]
    tiny_model.pitch_proj.weight.data.zero_()
    for generate in (generate_naive, generate_cached, generate_compiled):
        assert not np.array_equal(generate(tiny_model, 5, 0, u), generate(tiny_model, 6, 0, u))


def test_the_compiled_engine_gives_the_cached_samples(tiny_model: WaveNet) -> None:
    u = uniforms(13, 200)
    assert np.array_equal(
        generate_compiled(tiny_model, 2, 1, u), generate_cached(tiny_model, 2, 1, u)
    )


def test_the_compiled_engine_can_continue_in_chunks(tiny_model: WaveNet) -> None:
    u = uniforms(14, 90)
    whole = generate_compiled(tiny_model, 2, 1, u)
    gen = CompiledGenerator(tiny_model, 2, 1)
    first = gen.generate(u[:50])
    second = gen.generate(u[50:], token=int(first[-1]))
    assert np.array_equal(np.concatenate([first, second]), whole)


def test_the_same_seed_gives_the_same_uniforms_and_another_seed_does_not() -> None:
    assert np.array_equal(uniforms(3, 10), uniforms(3, 10))
    assert not np.array_equal(uniforms(3, 10), uniforms(4, 10))


def test_sampling_inverts_the_softmax_cdf() -> None:
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32))
    assert [sample_class(logits, u, 1.0) for u in (0.05, 0.15, 0.31, 0.59, 0.61, 0.999)] == [
        0,
        1,
        2,
        2,
        3,
        3,
    ]


def test_low_temperature_picks_the_most_likely_class() -> None:
    logits = np.random.default_rng(0).normal(size=256).astype(np.float32)
    picks = {sample_class(logits, u, 0.01) for u in np.linspace(0.001, 0.999, 50)}
    assert picks == {int(np.argmax(logits))}


def test_sampled_frequencies_follow_the_softmax() -> None:
    logits = np.array([0.0, 1.0, 2.0], dtype=np.float32)
    draws = np.array([sample_class(logits, u, 1.0) for u in uniforms(0, 20_000)])
    p = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / len(draws), p, atol=0.015)


def test_receptive_field_of_the_tiny_model_is_what_the_queues_hold() -> None:
    gen = CachedGenerator(WaveNet(TINY), 0, 0)
    assert sum(q.shape[0] for q in gen.queues) + 1 == TINY.receptive_field


def test_the_compiled_engine_follows_a_given_phase_frequency(tiny_model: WaveNet) -> None:
    u = uniforms(11, 200)
    own = generate_compiled(tiny_model, 4, 1, u)
    same = generate_compiled(tiny_model, 4, 1, u, phase_hz=task.note_hz(4))
    detuned = generate_compiled(tiny_model, 4, 1, u, phase_hz=1.5 * task.note_hz(4))
    assert np.array_equal(own, same) and not np.array_equal(own, detuned)
