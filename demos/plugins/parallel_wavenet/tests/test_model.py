"""The student's flows: causal in time, Gaussian given the past, an exact log-determinant."""

from __future__ import annotations

import torch

from demos.plugins.parallel_wavenet.tests.conftest import TINY, inputs


def test_the_log_determinant_matches_a_numerical_jacobian(tiny_student) -> None:
    student = tiny_student.double()
    z, note, timbre, local = inputs(student, 1, 12)

    def f(zz: torch.Tensor) -> torch.Tensor:
        return student(zz.unsqueeze(0), note, timbre, local).x[0]

    jac = torch.autograd.functional.jacobian(f, z[0])
    sign, logabsdet = torch.linalg.slogdet(jac)
    out = student(z, note, timbre, local)
    assert sign.item() == 1.0
    assert torch.allclose(logabsdet, out.log_det()[0], atol=1e-8)
    # The Jacobian of an inverse autoregressive flow is lower triangular, its diagonal the scales.
    assert torch.allclose(jac, jac.tril(), atol=1e-12)
    assert torch.allclose(jac.diagonal(), out.log_scale[0].exp(), atol=1e-10)


def test_each_output_sample_depends_only_on_the_noise_up_to_it(tiny_student) -> None:
    student = tiny_student.double()
    z, note, timbre, local = inputs(student, 1, 40)
    base = student(z, note, timbre, local).x
    t = 25
    z2 = z.clone()
    z2[0, t] += 1.0
    moved = student(z2, note, timbre, local).x
    assert torch.equal(moved[0, :t], base[0, :t])  # the past never sees the future
    assert (moved[0, t:] - base[0, t:]).abs().max() > 1e-6


def test_the_mean_and_scale_do_not_see_the_current_noise(tiny_student) -> None:
    student = tiny_student.double()
    z, note, timbre, local = inputs(student, 1, 20)
    out = student(z, note, timbre, local)
    z2 = z.clone()
    z2[0, 10] -= 2.0
    out2 = student(z2, note, timbre, local)
    assert torch.equal(out.mean[0, :11], out2.mean[0, :11])
    assert torch.equal(out.log_scale[0, :11], out2.log_scale[0, :11])
    # x_t = M_t + S_t z_t: Gaussian given the past noise (ClariNet's composition of flows).
    assert torch.allclose(out.x, out.mean + out.log_scale.exp() * z, atol=1e-12)


def test_one_pass_generates_the_whole_note_and_its_length_is_free(tiny_student) -> None:
    z, note, timbre, local = inputs(tiny_student, 2, 300)
    out = tiny_student(z.float(), note, timbre, local.float())
    assert out.x.shape == (2, 300) and torch.isfinite(out.x).all()
    short = tiny_student(z[:, :100].float(), note, timbre, local[..., :100].float())
    assert torch.allclose(short.x, out.x[:, :100], atol=1e-5)


def test_a_new_flow_starts_as_a_quiet_scaling_of_its_input() -> None:
    from demos.plugins.parallel_wavenet.model import Student

    torch.manual_seed(0)
    student = Student(TINY)
    z, note, timbre, local = inputs(student, 1, 50)
    out = student(z.float(), note, timbre, local.float())
    expected = TINY.n_flows * TINY.init_log_scale
    assert (out.log_scale - expected).abs().max() < 0.2


def test_the_receptive_field_counts_every_flow() -> None:
    assert TINY.receptive_field == 2 * (1 + 1 + 2 + 4)
