"""Acceptance figures of the bundled WaveNet, on fixed seeds (about a minute on one core).

- nll / nll_unigram: held-out next-sample NLL (nats) vs the μ-law class frequencies alone;
- naive_equals_fast: naive and cached PyTorch paths draw identical samples for the same seed,
  from silence and after a full receptive field of context;
- fast_over_naive_speedup: per-sample time of naive over cached, both PyTorch, full receptive
  field, measured in the same run;
- realtime_factor (compiled engine) and realtime_factor_pytorch_cached: CPU seconds per second
  of 16 kHz audio on one core (≤ 1 is real time); compiled_equals_cached checks the engine;
- pitch_ok_frac: share of a fixed set of note requests whose dominant frequency is within 3 %,
  at temperature 1 (the page's default); the same requests at the page's lowest and highest
  temperatures (0.5, 1.5) are reported as pitch_ok_frac_by_temperature.
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
    register_baseline,
)

from . import audio, mulaw, task
from .engine import CompiledGenerator, generate_compiled
from .fast import generate_cached, generate_naive
from .infer import load
from .model import WaveNet
from .sampling import uniforms
from .train import heldout_nll, unigram_nll

PITCH_TOLERANCE = 0.03
PITCH_NOTES = [0, 3, 7, 10, 14, 17, 21, 24]  # C3 … C5, all three timbres each
PITCH_SECONDS = 0.5
PITCH_TEMPERATURE = 1.0  # the page's default
PITCH_OTHER_TEMPERATURES = (0.5, 1.5)  # the page's range
_SPEED_SAMPLES = 12  # naive samples timed after a full receptive field (~0.1–0.3 s each)
_CACHED_SAMPLES = 600
_EQUALITY_FROM_SILENCE = 48
_RT_SECONDS = 2.0
_SEED = 1234


def _per_sample(fn: Callable[[], np.ndarray], n: int) -> tuple[np.ndarray, float]:
    """(result, CPU seconds per sample) of fn() generating n samples."""
    t0 = time.process_time()
    out = fn()
    return out, (time.process_time() - t0) / n


QUICK_PITCH_NOTES = [0, 24]  # C3 and C5, all three timbres each
HELDOUT_SEED = 20_161_203  # task.heldout_batch's default
ACCEPTANCE = (
    Criterion("fast_over_naive_speedup", ">=", 20.0),
    Criterion("realtime_factor", "<=", 1.0),
    Criterion("naive_equals_fast", "==", True),
    Criterion("compiled_equals_cached", "==", True),
    Criterion("nll_below_unigram_nats", ">", 1.0),  # clearly below the no-context baseline
)
register_baseline("wavenet/unigram", "μ-law class frequencies of training notes, no context")
register_baseline("wavenet/naive", "naive generation: the whole receptive field per sample")


def evaluate(cfg: EvalConfig, out: Callable[[str], None] = print) -> Report:
    """The kit report: the figures below, the held-out NLL with an interval over notes."""
    details = _figures(out, PITCH_NOTES if not cfg.quick else QUICK_PITCH_NOTES, not cfg.quick)
    model, _ = load()
    hx, hn, ht, hp = task.heldout_batch()
    per_note = [
        heldout_nll(model, hx[i : i + 1], hn[i : i + 1], ht[i : i + 1], hp[i : i + 1])
        for i in range(len(hx))
    ]
    return Report(
        demo="wavenet",
        quick=cfg.quick,
        figures={
            "heldout_nll": bootstrap(per_note, resamples=cfg.resamples, seed=cfg.seed),
            "nll_below_unigram_nats": round(details["nll_unigram"] - details["nll"], 4),
            "fast_over_naive_speedup": details["fast_over_naive_speedup"],
            "realtime_factor": details["realtime_factor"],
            "naive_equals_fast": details["naive_equals_fast"],
            "compiled_equals_cached": details["compiled_equals_cached"],
            "pitch_ok_frac": details["pitch_ok_frac"],
        },
        splits=[Split.of("held_out notes", HELDOUT_SEED, [row.tobytes() for row in hx])],
        seeds={"held_out": HELDOUT_SEED, "generation": _SEED, "bootstrap": cfg.seed},
        baselines={
            "wavenet/unigram": details["nll_unigram"],
            "wavenet/naive": details["naive_ms_per_sample"],
        },
        ablations=[
            Ablation(
                "cached PyTorch",
                "queues of past activations instead of the whole receptive field",
                "realtime_factor_pytorch_cached",
                details["realtime_factor_pytorch_cached"],
            )
        ],
        acceptance=ACCEPTANCE,
        details=details,
    )


def _figures(
    out: Callable[[str], None],
    pitch_notes: list[int] = PITCH_NOTES,
    other_temperatures: bool = True,
) -> dict:
    """Every figure, printed through ``out`` (the pitch rows over ``pitch_notes``)."""
    torch.set_num_threads(1)
    model, ckpt = load()
    cfg = model.cfg
    sr = cfg.sample_rate
    rf = model.receptive_field
    start = time.time()

    hx, hn, ht, hp = task.heldout_batch()
    nll = heldout_nll(model, hx, hn, ht, hp)
    nll_unigram = unigram_nll(np.array(ckpt["metrics"]["unigram_logprobs"]), hx)

    # Naive vs cached, both PyTorch, after a full receptive field of held-out audio.
    note, timbre = int(hn[0]), int(ht[0])
    prompt = hx[0, : rf + 1].tolist()
    u = uniforms(_SEED, _CACHED_SAMPLES)
    naive, naive_s = _per_sample(
        lambda: generate_naive(model, note, timbre, u[:_SPEED_SAMPLES], prompt=prompt),
        _SPEED_SAMPLES,
    )
    cached, cached_s = _per_sample(
        lambda: generate_cached(model, note, timbre, u, prompt=prompt), _CACHED_SAMPLES
    )
    equal_after_context = bool(np.array_equal(naive, cached[:_SPEED_SAMPLES]))
    u0 = uniforms(_SEED + 1, _EQUALITY_FROM_SILENCE)
    equal_from_silence = bool(
        np.array_equal(generate_naive(model, 5, 1, u0), generate_cached(model, 5, 1, u0))
    )

    # Compiled engine: equality with the cached path, then real-time factor over 2 s of audio.
    u1 = uniforms(_SEED + 2, int(_RT_SECONDS * sr))
    compiled_head = generate_compiled(model, 9, 2, u1[:_CACHED_SAMPLES])
    cached_head = generate_cached(model, 9, 2, u1[:_CACHED_SAMPLES])
    compiled_equals_cached = bool(np.array_equal(compiled_head, cached_head))
    gen = CompiledGenerator(model, 9, 2)
    t0 = time.process_time()
    gen.generate(u1)
    compiled_s = (time.process_time() - t0) / len(u1)

    # Pitch: a fixed set of requests, each its own seed, at temperature 1.
    rows = _pitch_rows(model, PITCH_TEMPERATURE, pitch_notes)
    pitch_ok = float(np.mean([r[-1] for r in rows]))
    pitch_errors = [abs(f - target) / target for _, _, target, f, _ in rows]
    pitch_by_temperature = {
        str(temp): float(np.mean([r[-1] for r in _pitch_rows(model, temp, pitch_notes)]))
        for temp in (PITCH_OTHER_TEMPERATURES if other_temperatures else ())
    }
    pitch_by_temperature[str(PITCH_TEMPERATURE)] = pitch_ok

    result = {
        "nll": round(nll, 4),
        "nll_unigram": round(nll_unigram, 4),
        "nll_stored": round(float(ckpt["metrics"]["nll"]), 4),
        "naive_equals_fast": equal_after_context and equal_from_silence,
        "compiled_equals_cached": compiled_equals_cached,
        "naive_ms_per_sample": round(1000 * naive_s, 2),
        "cached_ms_per_sample": round(1000 * cached_s, 3),
        "compiled_us_per_sample": round(1e6 * compiled_s, 2),
        "fast_over_naive_speedup": round(naive_s / cached_s, 1),
        "realtime_factor": round(compiled_s * sr, 4),
        "realtime_factor_pytorch_cached": round(cached_s * sr, 2),
        "realtime_factor_naive": round(naive_s * sr, 1),
        "pitch_ok_frac": round(pitch_ok, 4),
        "pitch_temperature": PITCH_TEMPERATURE,
        "pitch_median_error_pct": round(100 * float(np.median(pitch_errors)), 3),
        "pitch_max_error_pct": round(100 * float(np.max(pitch_errors)), 3),
        "pitch_ok_frac_by_temperature": {
            k: round(v, 4) for k, v in sorted(pitch_by_temperature.items())
        },
        "receptive_field_samples": rf,
        "receptive_field_ms": round(1000 * rf / sr, 1),
        "seconds": round(time.time() - start, 1),
    }

    out(
        f"WaveNet demo: {len(cfg.dilations)} layers, dilations {cfg.dilations}, receptive field {rf} samples ({1000 * rf / sr:.0f} ms)"
    )
    out(f"{'held-out NLL (nats/sample)':<44}{nll:>10.4f}")
    out(f"{'unigram μ-law baseline NLL':<44}{nll_unigram:>10.4f}")
    out(f"{'naive == cached (same seed)':<44}{result['naive_equals_fast']!s:>10}")
    out(f"{'compiled == cached (same seed)':<44}{compiled_equals_cached!s:>10}")
    out(
        f"{'naive, full RF (ms/sample, CPU)':<44}{1000 * naive_s:>10.2f}   real-time factor {naive_s * sr:8.1f}"
    )
    out(
        f"{'cached PyTorch (ms/sample, CPU)':<44}{1000 * cached_s:>10.3f}   real-time factor {cached_s * sr:8.2f}"
    )
    out(
        f"{'compiled numba (µs/sample, CPU)':<44}{1e6 * compiled_s:>10.2f}   real-time factor {compiled_s * sr:8.4f}"
    )
    out(f"{'cached over naive speed-up':<44}{naive_s / cached_s:>10.1f}×")
    out(f"{'note':<6}{'timbre':<10}{'target Hz':>10}{'dominant Hz':>13}{'ok':>5}")
    for name, tim, target, f, ok in rows:
        out(f"{name:<6}{tim:<10}{target:>10.1f}{f:>13.1f}{'yes' if ok else 'NO':>5}")
    out(f"{'pitch within 3 % (temperature 1)':<44}{pitch_ok:>10.2%}")
    out(
        f"{'pitch error, median / largest':<44}{100 * np.median(pitch_errors):>9.3f}% / {100 * np.max(pitch_errors):.3f}%"
    )
    for temp in PITCH_OTHER_TEMPERATURES if other_temperatures else ():
        label = f"pitch within 3 % (temperature {temp})"
        out(f"{label:<44}{pitch_by_temperature[str(temp)]:>10.2%}")
    return result


def _pitch_rows(
    model: WaveNet, temperature: float, pitch_notes: list[int] = PITCH_NOTES
) -> list[tuple[str, str, float, float, bool]]:
    """(note, timbre, target Hz, dominant Hz, within tolerance) of every fixed pitch request."""
    sr = model.cfg.sample_rate
    rows = []
    for i, (n_idx, t_idx) in enumerate(
        (n, t) for n in pitch_notes for t in range(len(task.TIMBRES))
    ):
        tokens = generate_compiled(
            model,
            n_idx,
            t_idx,
            uniforms(_SEED + 100 + i, int(PITCH_SECONDS * sr)),
            temperature,
        )
        f = audio.dominant_frequency(mulaw.decode(tokens), sr)
        target = task.note_hz(n_idx)
        rows.append(
            (
                task.NOTES[n_idx],
                task.TIMBRE_NAMES[t_idx],
                target,
                f,
                abs(f - target) / target <= PITCH_TOLERANCE,
            )
        )
    return rows


if __name__ == "__main__":
    print(json.dumps(evaluate(EvalConfig()).to_json()))
