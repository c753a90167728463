"""One note from the teacher (sample by sample, cached queues) and from the student (one pass).

Both get the same request (note, timbre, the phase of its pitch); the teacher's sampling is
driven by the wavenet plug-in's seeded uniform numbers, the student's by seeded Gaussian noise.
The teacher then scores both notes in one teacher-forced pass each (mean NLL per sample).
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from demos.kit import checkpoint
from demos.kit.training import Progress
from demos.plugins.wavenet import audio
from demos.plugins.wavenet import mulaw as wavenet_mulaw
from demos.plugins.wavenet.fast import CachedGenerator
from demos.plugins.wavenet.infer import load as load_teacher
from demos.plugins.wavenet.model import WaveNet
from demos.plugins.wavenet.sampling import sample_class, uniforms
from demos.plugins.wavenet.task import note_hz

from . import distill, task
from .model import Config, Student

WEIGHTS = Path(__file__).resolve().parent / "weights"
PAGE_SEED = 0  # the distillation seed whose students the page plays
_PROGRESS_EVERY = 1000  # teacher samples between progress reports


def student_path(power_loss: bool = True, seed: int = PAGE_SEED) -> Path:
    return WEIGHTS / f"{'student' if power_loss else 'no_power'}_seed{seed}.pt"


@lru_cache(maxsize=8)
def load_student(path: str) -> tuple[Student, dict]:
    """A distilled student (eval mode) and its checkpoint, cached per process."""
    ckpt = checkpoint.load(path)
    student = Student(Config(**ckpt["config"]))
    student.load_state_dict(ckpt["model"])
    student.eval()
    return student, ckpt


def student_generate(student: Student, note: int, timbre: int, z: np.ndarray) -> np.ndarray:
    """The student's μ-law classes for noise z [batch, n], in one parallel pass. -> int64 [batch, n]."""
    notes = np.full(len(z), note)
    local = task.local_inputs(notes, z.shape[1], student.cfg.time_scales_ms)
    with torch.no_grad():
        out = student(
            torch.from_numpy(z),
            torch.from_numpy(notes),
            torch.full((len(z),), timbre),
            torch.from_numpy(local),
        )
    return task.classes(out.x.numpy())


def teacher_generate(
    teacher: WaveNet,
    note: int,
    timbre: int,
    u: np.ndarray,
    progress: Progress | None = None,
) -> np.ndarray:
    """The teacher's μ-law classes, one sample per step with the cached queues (the wavenet
    plug-in's CachedGenerator and sampler: the same samples as its generate_cached). -> int64 [n]."""
    gen = CachedGenerator(teacher, note, timbre)
    token = wavenet_mulaw.SILENCE
    out = np.empty(len(u), dtype=np.int64)
    for i in range(len(u)):
        token = sample_class(gen.step(token), float(u[i]), 1.0)
        out[i] = token
        if progress is not None and (i + 1) % _PROGRESS_EVERY == 0:
            progress(5 + 80 * (i + 1) / len(u), "teacher: sample by sample")
    return out


def nll_under_teacher(teacher: WaveNet, classes: np.ndarray, note: int, timbre: int) -> np.ndarray:
    """Mean NLL (nats/sample) under the teacher of each row of classes [batch, n]. -> [batch]."""
    notes = np.full(len(classes), note)
    local = task.local_inputs(notes, classes.shape[1], [])
    with torch.no_grad():
        return distill.teacher_nll(
            teacher,
            torch.from_numpy(classes),
            torch.from_numpy(notes),
            torch.full((len(classes),), timbre),
            torch.from_numpy(local),
        ).numpy()


def describe(classes: np.ndarray, note: int, seconds: float, sr: int) -> dict:
    """What the page shows of one note: WAV, waveform, spectrogram, dominant frequency."""
    wav = wavenet_mulaw.decode(classes)
    target = note_hz(note)
    dominant = audio.dominant_frequency(wav, sr)
    return {
        "wav_base64": audio.wav_base64(wav, sr),
        "waveform": audio.envelope(wav, sr),
        "spectrogram": audio.spectrogram(wav, sr),
        "dominant_hz": round(dominant, 2),
        "pitch_error_pct": round(100 * (dominant - target) / target, 2),
        "seconds_of_audio": round(seconds, 3),
    }


def run(params: dict, progress: Progress = lambda pct, msg: None) -> dict:
    teacher, _ = load_teacher()
    student, ckpt = load_student(str(student_path(bool(params.get("power_loss", True)))))
    sr = student.cfg.sample_rate
    note = task.NOTES.index(params["note"])
    timbre = task.TIMBRE_NAMES.index(params["timbre"])
    n = round(float(params["length_s"]) * sr)
    seed = int(params["seed"])

    progress(2, "student: one parallel pass")
    z = task.noise(seed, 1, n)
    t0 = time.perf_counter()
    student_classes = student_generate(student, note, timbre, z)[0]
    student_s = time.perf_counter() - t0

    progress(5, "teacher: sample by sample")
    t0 = time.perf_counter()
    teacher_classes = teacher_generate(teacher, note, timbre, uniforms(seed, n), progress)
    teacher_s = time.perf_counter() - t0

    progress(90, "the teacher scores both notes")
    nll = nll_under_teacher(teacher, np.stack([teacher_classes, student_classes]), note, timbre)
    seconds = n / sr
    metrics = ckpt["metrics"]
    return {
        "note": params["note"],
        "timbre": params["timbre"],
        "target_hz": round(note_hz(note), 2),
        "sample_rate": sr,
        "samples": n,
        "teacher": dict(
            describe(teacher_classes, note, seconds, sr),
            seconds=round(teacher_s, 3),
            samples_per_s=round(n / teacher_s),
            nll=round(float(nll[0]), 4),
        ),
        "student": dict(
            describe(student_classes, note, seconds, sr),
            seconds=round(student_s, 4),
            samples_per_s=round(n / student_s),
            nll=round(float(nll[1]), 4),
        ),
        "speedup": round(teacher_s / student_s, 1),
        "nll_gap": round(float(nll[1] - nll[0]), 4),
        "model": {
            "parameters": int(sum(p.numel() for p in student.parameters())),
            "teacher_parameters": int(sum(p.numel() for p in teacher.parameters())),
            "flows": student.cfg.n_flows,
            "layers_per_flow": len(student.cfg.dilations),
            "power_loss": bool(params.get("power_loss", True)),
            "distillation_steps": int(ckpt["step"]),
            "best_step": int(metrics["best_step"]),
        },
    }
