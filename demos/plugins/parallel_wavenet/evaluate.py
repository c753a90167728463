"""The figures of the distilled students, on test conditionings disjoint from validation.

- speedup_vs_cached: samples per second of the student (one parallel pass) over the teacher
  generating sample by sample with its cached queues in PyTorch (the wavenet plug-in's
  generate_cached), same length, same process, CPU time on one thread;
- student_nll_gap: mean per-sample NLL under the teacher of the student's notes minus that of
  the teacher's own notes, same conditioning, over the test conditionings (per item: one
  conditioning, averaged over its noise draws), with a hierarchical bootstrap over the three
  distillation seeds and the conditionings;
- pitch_acc_student / pitch_acc_teacher: share of notes whose dominant frequency is within 3 %
  of the request (the wavenet plug-in's pitch measure, audio.dominant_frequency);
- the no_power_loss ablation: the same figures for students distilled without the power loss.

Checkpoints were selected on the validation conditionings (train.py); the test ones are only
used here. The teacher's notes come from the wavenet plug-in's compiled engine, which draws the
same samples as the cached path (its tests check it), so the figures do not wait on the slow
path; only the speed figure runs the cached path itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import numpy as np
import torch

from demos.kit.evaluation import (
    Ablation,
    Criterion,
    EvalConfig,
    Report,
    Split,
    bootstrap,
    bootstrap_seeds,
    check_disjoint,
    register_baseline,
)
from demos.plugins.wavenet import audio
from demos.plugins.wavenet import mulaw as wavenet_mulaw
from demos.plugins.wavenet.engine import generate_compiled
from demos.plugins.wavenet.fast import generate_cached
from demos.plugins.wavenet.infer import load as load_teacher
from demos.plugins.wavenet.model import WaveNet
from demos.plugins.wavenet.sampling import uniforms
from demos.plugins.wavenet.task import note_hz

from . import task
from .infer import WEIGHTS, load_student, nll_under_teacher, student_generate
from .model import Student
from .train import VAL_NOISE_SEED, teacher_sha256

SEEDS = (0, 1, 2)
ABLATIONS = ("no_power_loss",)
PITCH_TOLERANCE = 0.03
LENGTH = 4000  # samples per test note (0.25 s, the page's default)
TEST_SEED = 31_415  # noise and uniforms of the test notes
DRAWS = 3  # noise draws per test conditioning (quick: 1)
QUICK_CONDITIONINGS = 6
SPEED_LENGTH = 4000  # quick: 2000
# Noise temperatures of the student tried on the validation conditionings (an extra figure; the
# headline student_nll_gap is at temperature 1, the distribution that was distilled).
TEMPERATURES = (1.0, 0.5, 0.0)
VAL_EVAL_SEED = 27_182  # noise and uniforms of the validation notes scored here
_STUDENT_REPEATS = 5  # the student's time is the best of a few passes (it takes milliseconds)

ACCEPTANCE = (
    Criterion("speedup_vs_cached", ">=", 10.0),
    Criterion("student_nll_gap", "<=", 0.5),
    Criterion("teacher_unchanged", "==", True),
)
register_baseline(
    "parallel_wavenet/cached_teacher",
    "the WaveNet teacher sampled one step at a time with cached queues (PyTorch): samples/s",
)
register_baseline(
    "parallel_wavenet/synth_audio",
    "the synthesiser's own notes (the teacher's data) scored by the teacher: NLL gap to its notes",
)


def _pitch_ok(classes: np.ndarray, note: int, sr: int) -> float:
    f = audio.dominant_frequency(wavenet_mulaw.decode(classes), sr)
    return float(abs(f - note_hz(note)) / note_hz(note) <= PITCH_TOLERANCE)


def _draw_seed(i: int, d: int) -> int:
    return TEST_SEED + 100 * i + d


def _teacher_rows(
    teacher: WaveNet,
    conds: list[tuple[int, int]],
    draws: int,
    sr: int,
    first_seed: int = TEST_SEED,
) -> dict[str, list[float]]:
    """Per conditioning: the teacher's own notes' mean NLL, pitch accuracy, and the synth's NLL."""
    nll, pitch, synth = [], [], []
    for i, (note, timbre) in enumerate(conds):
        seeds = [_draw_seed(i, d) - TEST_SEED + first_seed for d in range(draws)]
        notes = np.stack(
            [generate_compiled(teacher, note, timbre, uniforms(k, LENGTH)) for k in seeds]
        )
        nll.append(float(nll_under_teacher(teacher, notes, note, timbre).mean()))
        pitch.append(float(np.mean([_pitch_ok(row, note, sr) for row in notes])))
        rng = np.random.default_rng(_draw_seed(i, 99))
        real = np.stack(
            [wavenet_mulaw.encode(task.reference(rng, note, timbre, LENGTH)) for _ in range(draws)]
        )
        synth.append(float(nll_under_teacher(teacher, real, note, timbre).mean()))
    return {"nll": nll, "pitch": pitch, "synth_nll": synth}


def _student_rows(
    student: Student,
    teacher: WaveNet,
    conds: list[tuple[int, int]],
    draws: int,
    sr: int,
    temperature: float = 1.0,
    first_seed: int = TEST_SEED,
) -> dict[str, list[float]]:
    """Per conditioning: the student's notes' mean NLL under the teacher and pitch accuracy
    (noise scaled by `temperature`; 1 is the distribution that was distilled)."""
    nll, pitch = [], []
    for i, (note, timbre) in enumerate(conds):
        z = temperature * np.concatenate(
            [task.noise(_draw_seed(i, d) - TEST_SEED + first_seed, 1, LENGTH) for d in range(draws)]
        )
        notes = student_generate(student, note, timbre, z)
        nll.append(float(nll_under_teacher(teacher, notes, note, timbre).mean()))
        pitch.append(float(np.mean([_pitch_ok(row, note, sr) for row in notes])))
    return {"nll": nll, "pitch": pitch}


def _speed(teacher: WaveNet, student: Student, n: int) -> dict[str, float]:
    """CPU seconds of n samples: cached teacher, compiled teacher, student (best of a few)."""
    note, timbre = 9, 1
    u = uniforms(TEST_SEED - 1, n)
    z = task.noise(TEST_SEED - 1, 1, n)
    generate_compiled(teacher, note, timbre, u[:8])  # compile (or load the cache) first
    student_generate(student, note, timbre, z[:, :64])  # warm up
    t0 = time.process_time()
    generate_cached(teacher, note, timbre, u)
    cached = time.process_time() - t0
    t0 = time.process_time()
    generate_compiled(teacher, note, timbre, u)
    compiled = time.process_time() - t0
    times = []
    for _ in range(_STUDENT_REPEATS):
        t0 = time.process_time()
        student_generate(student, note, timbre, z)
        times.append(time.process_time() - t0)
    return {"cached_s": cached, "compiled_s": compiled, "student_s": min(times)}


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    torch.set_num_threads(1)
    start = time.time()
    teacher, _ = load_teacher()
    splits = task.split()
    conds = splits["test"][:QUICK_CONDITIONINGS] if cfg.quick else splits["test"]
    draws = 1 if cfg.quick else DRAWS
    sr = task.SAMPLE_RATE
    split_list = [
        Split.of("train", task.SPLIT_SEED, splits["train"]),
        Split.of("validation", task.SPLIT_SEED, splits["validation"]),
        Split.of("test", task.SPLIT_SEED, conds),
    ]
    check_disjoint(*split_list)

    sha = teacher_sha256()
    teacher_rows = _teacher_rows(teacher, conds, draws, sr)
    variants: dict[str, dict[int, dict[str, list[float]]]] = {"student": {}, "no_power": {}}
    stored_sha: dict[str, str] = {}
    val_nll: dict[str, float] = {}
    for name in variants:
        for seed in SEEDS:
            path = WEIGHTS / f"{name}_seed{seed}.pt"
            student, ckpt = load_student(str(path))
            stored_sha[path.name] = ckpt["metrics"]["teacher_sha256"]
            val_nll[path.name] = round(float(ckpt["metrics"]["val_student_nll"]), 4)
            variants[name][seed] = _student_rows(student, teacher, conds, draws, sr)

    def gap(rows: dict[int, dict[str, list[float]]]) -> dict[int, list[float]]:
        return {
            s: [a - b for a, b in zip(r["nll"], teacher_rows["nll"], strict=True)]
            for s, r in rows.items()
        }

    def interval(per_seed: dict[int, list[float]]):
        return bootstrap_seeds(per_seed, resamples=cfg.resamples, seed=cfg.seed)

    main = variants["student"]
    ablated = variants["no_power"]

    # The student's noise temperature, chosen per seed on the validation conditionings.
    val_conds = splits["validation"][:3] if cfg.quick else splits["validation"]
    val_teacher = _teacher_rows(teacher, val_conds, 1, sr, VAL_EVAL_SEED)["nll"]
    chosen: dict[int, float] = {}
    val_gaps: dict[str, dict[str, float]] = {}
    at_chosen: dict[int, dict[str, list[float]]] = {}
    for seed in SEEDS:
        student = load_student(str(WEIGHTS / f"student_seed{seed}.pt"))[0]
        gaps = {
            tau: float(
                np.mean(
                    _student_rows(student, teacher, val_conds, 1, sr, tau, VAL_EVAL_SEED)["nll"]
                )
                - np.mean(val_teacher)
            )
            for tau in TEMPERATURES
        }
        val_gaps[str(seed)] = {str(k): round(v, 4) for k, v in gaps.items()}
        chosen[seed] = min(gaps, key=lambda k: gaps[k])
        at_chosen[seed] = (
            main[seed]
            if chosen[seed] == 1.0
            else _student_rows(student, teacher, conds, draws, sr, chosen[seed])
        )
    speed = _speed(
        teacher,
        load_student(str(WEIGHTS / "student_seed0.pt"))[0],
        2000 if cfg.quick else SPEED_LENGTH,
    )
    n_speed = 2000 if cfg.quick else SPEED_LENGTH
    speedup = speed["cached_s"] / speed["student_s"]
    teacher_nll = float(np.mean(teacher_rows["nll"]))
    synth_gap = float(np.mean(teacher_rows["synth_nll"])) - teacher_nll
    figures = {
        "speedup_vs_cached": round(speedup, 1),
        "student_nll_gap": interval(gap(main)),
        "pitch_acc_student": interval({s: r["pitch"] for s, r in main.items()}),
        "pitch_acc_teacher": bootstrap(
            teacher_rows["pitch"], resamples=cfg.resamples, seed=cfg.seed
        ),
        "teacher_unchanged": all(v == sha for v in stored_sha.values()),
        "student_nll_gap_val_temperature": interval(gap(at_chosen)),
    }
    details = {
        "length_samples": LENGTH,
        "draws_per_conditioning": draws,
        "test_conditionings": [f"{task.NOTES[n]} {task.TIMBRE_NAMES[t]}" for n, t in conds],
        "teacher_nll": round(teacher_nll, 4),
        "student_nll_by_seed": {
            str(s): round(float(np.mean(r["nll"])), 4) for s, r in main.items()
        },
        "no_power_nll_by_seed": {
            str(s): round(float(np.mean(r["nll"])), 4) for s, r in ablated.items()
        },
        "synth_audio_nll": round(float(np.mean(teacher_rows["synth_nll"])), 4),
        "synth_audio_nll_gap": round(synth_gap, 4),
        "validation_student_nll": val_nll,
        "validation_gap_by_temperature": val_gaps,
        "chosen_temperature": {str(k): v for k, v in chosen.items()},
        "speed_samples": n_speed,
        "cached_teacher_samples_per_s": round(n_speed / speed["cached_s"]),
        "compiled_teacher_samples_per_s": round(n_speed / speed["compiled_s"]),
        "student_samples_per_s": round(n_speed / speed["student_s"]),
        "speedup_vs_compiled": round(speed["compiled_s"] / speed["student_s"], 2),
        "teacher_sha256": sha,
        "seconds": round(time.time() - start, 1),
    }
    out(f"test conditionings ({len(conds)}, {draws} draw(s) each, {LENGTH} samples):")
    out(task.describe(conds))
    out(f"{'teacher NLL of its own notes (nats/sample)':<50}{teacher_nll:>10.4f}")
    for s, r in main.items():
        out(f"{f'student seed {s} NLL under the teacher':<50}{np.mean(r['nll']):>10.4f}")
    for s, r in ablated.items():
        out(f"{f'no power loss seed {s} NLL under the teacher':<50}{np.mean(r['nll']):>10.4f}")
    out(
        f"{'synthesiser notes NLL under the teacher':<50}{np.mean(teacher_rows['synth_nll']):>10.4f}"
    )
    out(
        f"samples/s over {n_speed}: cached teacher {details['cached_teacher_samples_per_s']}, "
        f"compiled teacher {details['compiled_teacher_samples_per_s']}, "
        f"student {details['student_samples_per_s']}"
    )
    return Report(
        demo="parallel_wavenet",
        quick=cfg.quick,
        figures=figures,
        seeds=list(SEEDS),
        draw_seeds={
            "split": task.SPLIT_SEED,
            "test_noise": TEST_SEED,
            "validation_noise": VAL_NOISE_SEED,
            "bootstrap": cfg.seed,
        },
        splits=split_list,
        baselines={
            "parallel_wavenet/cached_teacher": details["cached_teacher_samples_per_s"],
            "parallel_wavenet/synth_audio": details["synth_audio_nll_gap"],
        },
        ablations=[
            Ablation(
                "no_power_loss",
                "students distilled by the KL alone, without the power loss",
                {
                    "student_nll_gap": interval(gap(ablated)),
                    "pitch_acc_student": interval({s: r["pitch"] for s, r in ablated.items()}),
                },
            )
        ],
        acceptance=ACCEPTANCE,
        details=details,
    )


if __name__ == "__main__":
    print(json.dumps(evaluate(EvalConfig()).to_json()))
