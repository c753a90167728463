"""The WaveNet stack: causality, the exact receptive field, shapes, and learning."""

from __future__ import annotations

import numpy as np
import torch

from demos.plugins.wavenet import task
from demos.plugins.wavenet.fast import local_track
from demos.plugins.wavenet.model import Config, WaveNet
from demos.plugins.wavenet.tests.conftest import TINY


def _cond(length: int, note: int = 3) -> tuple[torch.Tensor, ...]:
    """Note, timbre and the local features of a note held at its pitch, for one sequence."""
    return torch.tensor([note]), torch.tensor([1]), local_track(note, 0, length)


def test_logits_have_one_column_per_input_and_256_classes(tiny_model: WaveNet) -> None:
    x = torch.randint(0, 256, (2, 50))
    local = torch.randn(2, TINY.local_channels, 50)
    assert tiny_model(x, torch.tensor([0, 1]), torch.tensor([2, 0]), local).shape == (
        2,
        256,
        50,
    )


def test_changing_a_future_input_never_changes_a_past_output(
    tiny_model: WaveNet,
) -> None:
    gen = torch.Generator().manual_seed(1)
    x = torch.randint(0, 256, (1, 80), generator=gen)
    cond = _cond(80)
    base = tiny_model(x, *cond)
    for p in (0, 17, 40, 79):
        y = x.clone()
        y[0, p] = (y[0, p] + 101) % 256
        changed = tiny_model(y, *cond)
        assert torch.equal(changed[..., :p], base[..., :p])
        assert not torch.equal(changed[..., p], base[..., p])


def test_the_local_conditioning_at_t_changes_outputs_from_t_on_only(
    tiny_model: WaveNet,
) -> None:
    x = torch.randint(0, 256, (1, 80), generator=torch.Generator().manual_seed(4))
    note, timbre, local = _cond(80)
    base = tiny_model(x, note, timbre, local)
    for p in (0, 33, 79):
        moved = local.clone()
        moved[0, :, p] += 0.5
        changed = tiny_model(x, note, timbre, moved)
        assert torch.equal(changed[..., :p], base[..., :p])
        assert not torch.equal(changed[..., p], base[..., p])


def test_an_output_sees_exactly_the_last_receptive_field_inputs(
    tiny_model: WaveNet,
) -> None:
    rf = TINY.receptive_field
    assert rf == 1 + 2 * (1 + 2 + 4 + 8)
    x = torch.randint(0, 256, (1, 100), generator=torch.Generator().manual_seed(2))
    t = 90
    cond = _cond(100)
    base = tiny_model(x, *cond)[..., t]
    for p in range(t - rf - 5, t + 1):
        y = x.clone()
        y[0, p] = (y[0, p] + 77) % 256
        moved = not torch.equal(tiny_model(y, *cond)[..., t], base)
        assert moved == (p > t - rf), p


def test_conditioning_changes_the_prediction(tiny_model: WaveNet) -> None:
    x = torch.randint(0, 256, (1, 40), generator=torch.Generator().manual_seed(3))
    local = local_track(0, 0, 40)
    a = tiny_model(x, torch.tensor([0]), torch.tensor([0]), local)
    b = tiny_model(x, torch.tensor([7]), torch.tensor([0]), local)
    c = tiny_model(x, torch.tensor([0]), torch.tensor([0]), local_track(7, 0, 40))
    assert not torch.allclose(a, b) and not torch.allclose(a, c)


def test_bundled_config_has_a_receptive_field_of_about_4096_samples() -> None:
    cfg = Config()
    assert cfg.receptive_field == 4095
    assert 1000 * cfg.receptive_field / cfg.sample_rate == 255.9375


def test_one_training_step_reduces_the_loss_on_a_fixed_batch() -> None:
    torch.manual_seed(0)
    model = WaveNet(TINY)
    x, n, t, phase = task.make_batch(np.random.default_rng(0), 4, 256)
    x, n, t, y = (torch.from_numpy(a) for a in (x, n, t, task.local_features(phase)))
    loss = model.loss(x, n, t, y)
    loss.backward()
    # One plain gradient step (a torch.optim optimiser would import torch._dynamo: seconds).
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.05 * p.grad
        assert float(model.loss(x, n, t, y)) < float(loss)


def test_a_global_only_model_never_sees_the_phase() -> None:
    torch.manual_seed(0)
    model = WaveNet(Config(**{**TINY.__dict__, "phase_input": False})).eval()
    x = torch.randint(0, 256, (1, 40))
    note, timbre = torch.tensor([3]), torch.tensor([1])
    a = model(x, note, timbre, torch.randn(1, TINY.local_channels, 40))
    b = model(x, note, timbre, torch.randn(1, TINY.local_channels, 40))
    assert torch.equal(a, b)
    assert not any(layer.local.weight.requires_grad for layer in model.layers)


def test_a_no_audio_model_never_sees_the_audio_and_its_tied_embedding_agrees() -> None:
    torch.manual_seed(0)
    model = WaveNet(Config(**{**TINY.__dict__, "audio_input": False})).eval()
    note, timbre, local = _cond(40)
    a = model(torch.randint(0, 256, (1, 40)), note, timbre, local)
    b = model(torch.randint(0, 256, (1, 40)), note, timbre, local)
    assert torch.equal(a, b)
    model.tie_inputs()  # the embedding lookups of the cached paths now give the same
    assert torch.equal(model.embed.weight[0], model.embed.weight[255])
    assert torch.equal(model(torch.randint(0, 256, (1, 40)), note, timbre, local), a)
