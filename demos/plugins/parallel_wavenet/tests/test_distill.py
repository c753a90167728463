"""Probability density distillation against a categorical teacher, and the power loss."""

from __future__ import annotations

import math

import numpy as np
import torch

from demos.plugins.parallel_wavenet import distill, task
from demos.plugins.parallel_wavenet.model import StudentOutput
from demos.plugins.wavenet.model import WaveNet
from demos.plugins.wavenet.tests.conftest import TINY as TINY_TEACHER


def _gauss(mean: float, scale: float, n: int = 3) -> StudentOutput:
    m = torch.full((1, n), mean)
    ls = torch.full((1, n), math.log(scale))
    return StudentOutput(m, m, ls)


def test_the_student_class_probabilities_are_a_distribution() -> None:
    q = distill.student_class_probs(
        torch.tensor([[0.0, 0.5, -0.99]]), torch.tensor([[-3.0, -6.0, -2.0]])
    )
    assert q.shape == (1, 256, 3) and (q >= 0).all()
    assert torch.allclose(q.sum(1), torch.ones(1, 3), atol=1e-5)
    # A narrow Gaussian puts its mass in the class its mean rounds to.
    assert q[0, :, 1].argmax().item() == task.classes(np.array(0.5)).item()


def test_the_kl_is_near_zero_against_the_students_own_discretised_density() -> None:
    out = _gauss(0.1, 0.05)
    q = distill.student_class_probs(out.mean, out.log_scale)
    kl = distill.kl_per_step(out, q.clamp_min(1e-30).log())
    assert (kl.abs() < 2e-3).all()


def test_the_kl_is_positive_and_grows_as_the_student_moves_away() -> None:
    target = _gauss(0.0, 0.05)
    logp = distill.student_class_probs(target.mean, target.log_scale).clamp_min(1e-30).log()
    kls = [distill.kl_per_step(_gauss(m, 0.05), logp).mean().item() for m in (0.0, 0.02, 0.05, 0.1)]
    assert kls == sorted(kls) and kls[1] > 0.01
    # A collapsed student pays through its entropy term.
    assert distill.kl_per_step(_gauss(0.0, 1e-4), logp).mean() > 3.0


def test_the_gradient_is_finite_even_for_mass_at_the_edges() -> None:
    mean = torch.tensor([[0.999, -0.999]], requires_grad=True)
    ls = torch.tensor([[-1.0, -1.0]], requires_grad=True)
    logp = torch.log_softmax(torch.randn(1, 256, 2), dim=1)
    distill.kl_per_step(StudentOutput(mean, mean, ls), logp).sum().backward()
    assert mean.grad is not None and ls.grad is not None
    assert torch.isfinite(mean.grad).all() and torch.isfinite(ls.grad).all()


def _teacher() -> WaveNet:
    torch.manual_seed(0)
    return WaveNet(TINY_TEACHER).eval()


def test_the_soft_teacher_input_equals_the_hard_one_at_class_centres() -> None:
    teacher = _teacher()
    classes = torch.from_numpy(np.random.default_rng(0).integers(0, 256, (2, 60)))
    x = 2.0 * classes.double() / 255 - 1
    note, timbre = torch.tensor([3, 20]), torch.tensor([0, 2])
    local = torch.from_numpy(task.local_inputs(note.numpy(), 60, []))
    hard = distill.teacher_logprobs(teacher, classes, note, timbre, local)
    soft = distill.soft_teacher_logprobs(teacher, x.float(), note, timbre, local)
    assert torch.allclose(hard, soft, atol=1e-4)


def test_the_teacher_nll_is_the_teachers_own_training_loss() -> None:
    teacher = _teacher()
    classes = torch.from_numpy(np.random.default_rng(1).integers(0, 256, (1, 80)))
    note, timbre = torch.tensor([5]), torch.tensor([1])
    local = torch.from_numpy(task.local_inputs(note.numpy(), 80, []))
    nll = distill.teacher_nll(teacher, classes, note, timbre, local)
    x = torch.cat([torch.tensor([[128]]), classes], dim=1)
    with torch.no_grad():
        assert torch.allclose(nll, teacher.loss(x, note, timbre, local), atol=1e-5)


def test_the_power_loss_is_one_for_silence_and_zero_for_the_reference() -> None:
    rng = np.random.default_rng(0)
    ref = torch.from_numpy(task.companded(task.reference(rng, 9, 1, 2048)))[None]
    assert distill.power_loss(torch.zeros_like(ref), ref).item() == 1.0
    assert distill.power_loss(ref, ref).item() < 1e-12
    # It sees the spectrum, not the waveform: a one-period shift costs far less than silence.
    period = round(task.SAMPLE_RATE / 220.0)
    assert distill.power_loss(torch.roll(ref, period, dims=1), ref).item() < 0.2
