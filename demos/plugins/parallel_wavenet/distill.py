"""Probability density distillation (van den Oord et al. 2018, section 3) and the power loss.

The teacher is the wavenet plug-in's WaveNet, a 256-way softmax over μ-law classes. In the
student's μ-law domain that is a piecewise-constant density: class k covers the interval
[e_k, e_{k+1}) of width w = 2/255 (the outer classes reach to ±∞, where the clipping sends
anything beyond ±1), with density P_T(k | x_{<t}) / w. Given its past noise, the student's x_t is
Gaussian, N(M_t, S_t²) (model.py), so the per-step cross-entropy against the teacher has a
closed form with no sampling of x_t (ClariNet's point, here against a categorical teacher):

    H(p_S, p_T)_t = −Σ_k q_{t,k} (log P_T(k | x_{<t}) − log w),
    q_{t,k} = Φ((e_{k+1} − M_t) / S_t) − Φ((e_k − M_t) / S_t),

and the student's entropy is H(p_S)_t = ½ log(2πe) + log S_t. The loss is the mean over t of
KL_t = H(p_S, p_T)_t − H(p_S)_t, one Monte-Carlo sample of the past: the student draws a whole
note in one pass, the teacher scores every position of it in one teacher-forced pass. The
gradient flows through M_t and S_t and also through the teacher's inputs x_{<t}
(soft_teacher_logprobs: the student's value enters the teacher as an embedding interpolated
between its two nearest classes). Without that second path (the past held fixed, each step
chasing the teacher's reaction to it) the distillation diverged here: the KL rose from 3 to
over 10 nats in 80 steps, because the teacher, a resonator over its past, amplifies whatever
the student's past holds. The power loss (section 3.2 of
the paper) compares the short-time spectra of the student's note and of the synthesiser's note
with the same conditioning, so that the energy in each frequency band is right:

    L_power = mean over frames and bins of (|STFT(x)| − |STFT(reference)|)², relative to the
    reference's mean |STFT|² (a silent student scores 1).

Two departures from the paper's |STFT|² on the waveform, both because the student starts
almost silent: the magnitude (whose gradient does not vanish with the signal, as the power's
does) and the μ-law-domain signal (where a quiet note is not a thousand times smaller than a
loud one), the domain the teacher itself sees.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from demos.plugins.wavenet import mulaw
from demos.plugins.wavenet.model import WaveNet

from .model import StudentOutput

BIN_WIDTH = 2.0 / mulaw.MU
_HALF_LOG_2PI_E = 0.5 * math.log(2 * math.pi * math.e)
N_FFT = 512
HOP = 128
_EPS = 1e-12
_OUTER = 1e3


def class_edges() -> torch.Tensor:
    """[257]: e_0 = −∞, e_k = (2k − 1)/255 − 1, e_256 = +∞ (what classes() rounds at).

    The infinite ends are stood in for by ±_OUTER, far beyond the clipping at ±1, so that the
    gradient with respect to the scale stays finite (0, not ∞ · 0)."""
    k = torch.arange(1, mulaw.N_CLASSES, dtype=torch.float32)
    inner = (2 * k - 1) / mulaw.MU - 1
    outer = torch.tensor([_OUTER])
    return torch.cat([-outer, inner, outer])


def student_class_probs(mean: torch.Tensor, log_scale: torch.Tensor) -> torch.Tensor:
    """mean, log_scale: [batch, T] -> q: [batch, 256, T], the student's mass on each class."""
    z = (class_edges().view(1, -1, 1) - mean.unsqueeze(1)) / log_scale.exp().unsqueeze(1)
    return torch.special.ndtr(z).diff(dim=1)


def teacher_inputs(classes: torch.Tensor) -> torch.Tensor:
    """classes [batch, T] of samples 0…T−1 -> the teacher's input [batch, T]: silence, then x_{<T−1}."""
    silence = torch.full_like(classes[:, :1], mulaw.SILENCE)
    return torch.cat([silence, classes[:, :-1]], dim=1)


@torch.no_grad()
def teacher_logprobs(
    teacher: WaveNet,
    classes: torch.Tensor,
    note: torch.Tensor,
    timbre: torch.Tensor,
    phase_local: torch.Tensor,
) -> torch.Tensor:
    """log P_T(k | x_{<t}) for every position of `classes` [batch, T] in one parallel pass.
    phase_local: [batch, 4, T] the teacher's local features. -> [batch, 256, T]."""
    return F.log_softmax(teacher(teacher_inputs(classes), note, timbre, phase_local), dim=1)


def soft_teacher_logprobs(
    teacher: WaveNet,
    x: torch.Tensor,
    note: torch.Tensor,
    timbre: torch.Tensor,
    phase_local: torch.Tensor,
) -> torch.Tensor:
    """log P_T(k | x_{<t}) with gradients through the teacher's inputs: x [batch, T] is the
    student's μ-law-domain sample, fed to the teacher as an embedding interpolated between the
    two nearest classes (exactly the class embedding at a class centre). -> [batch, 256, T].

    The wavenet plug-in's own layers and head, run on that input (WaveNet.forward looks up
    integer classes, which has no gradient)."""
    pos = (x.clamp(-1.0, 1.0) + 1.0) / 2.0 * mulaw.MU
    lo = pos.detach().floor().clamp(0, mulaw.MU - 1)
    frac = (pos - lo).unsqueeze(-1)
    table = teacher.embed.weight
    emb = (1 - frac) * table[lo.long()] + frac * table[lo.long() + 1]  # [batch, T, c]
    silence = table[mulaw.SILENCE].expand(x.shape[0], 1, -1)
    a = torch.cat([silence, emb[:, :-1]], dim=1).transpose(1, 2)
    h = teacher.conditioning(note, timbre)
    skip: torch.Tensor | None = None
    for layer in teacher.layers:
        a, s = layer(a, h, phase_local)
        skip = s if skip is None else skip + s
    assert skip is not None
    logits = teacher.head2(F.relu(teacher.head1(F.relu(skip))))
    return F.log_softmax(logits, dim=1)


def teacher_nll(
    teacher: WaveNet,
    classes: torch.Tensor,
    note: torch.Tensor,
    timbre: torch.Tensor,
    phase_local: torch.Tensor,
) -> torch.Tensor:
    """Per-sequence mean NLL (nats/sample) of `classes` [batch, T] under the teacher. -> [batch]."""
    logp = teacher_logprobs(teacher, classes, note, timbre, phase_local)
    return -logp.gather(1, classes.unsqueeze(1)).squeeze(1).mean(dim=-1)


def kl_per_step(out: StudentOutput, teacher_logp: torch.Tensor) -> torch.Tensor:
    """KL(p_S(x_t | ·) ‖ p_T(x_t | ·)) in nats for every position: [batch, T]."""
    q = student_class_probs(out.mean, out.log_scale)
    cross = -(q * (teacher_logp - math.log(BIN_WIDTH))).sum(dim=1)
    entropy = _HALF_LOG_2PI_E + out.log_scale
    return cross - entropy


def magnitude_spectrum(wave: torch.Tensor) -> torch.Tensor:
    """wave [batch, n] -> |STFT| normalised by the window's sum: [batch, bins, frames]."""
    window = torch.hann_window(N_FFT, dtype=wave.dtype)
    spec = torch.stft(wave, N_FFT, HOP, window=window, return_complex=True, center=False)
    return spec.abs() / window.sum()


def power_loss(x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """x, reference: [batch, n] in the μ-law domain -> the mean squared difference of their
    short-time magnitude spectra, relative to the reference's energy (a silent x scores 1)."""
    ref = magnitude_spectrum(reference)
    return (magnitude_spectrum(x) - ref).pow(2).mean() / (ref.pow(2).mean() + _EPS)
