"""Generate one conditioned note with the bundled WaveNet and describe it for the page.

The clip comes from the compiled engine (engine.py); a reference clip of the same note from the
synthesiser that made the training data (task.synth) comes with it. With `compare` on, a few samples are also
drawn by the PyTorch cached path (fast.py) and by the naive path over a full receptive field, to
show that they agree and what each costs per second of audio.
"""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

import numpy as np

from demos.kit import checkpoint
from demos.kit.training import Progress

from . import audio, mulaw, receptive, task
from .engine import CompiledGenerator
from .fast import generate_cached, generate_naive
from .model import Config, WaveNet
from .sampling import uniforms

WEIGHTS = Path(__file__).resolve().parent / "weights" / "wavenet.pt"
_CHUNK = 4000  # samples per compiled call, between progress reports
_CACHED_CHECK = 400  # samples drawn again by the PyTorch cached path
_NAIVE_CHECK = 3  # samples drawn by the naive path after a full receptive field of context


@lru_cache(maxsize=1)
def load(path: str = str(WEIGHTS)) -> tuple[WaveNet, dict]:
    """The bundled model (eval mode) and its checkpoint metrics, cached per process."""
    ckpt = checkpoint.load(path)
    model = WaveNet(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, ckpt


def reference_clip(note: int, timbre: int, n: int, seed: int) -> np.ndarray:
    """`n` samples of the synthesiser's note (task.synth, from `seed`), μ-law quantised as the
    training data is: what the model learned to imitate. float64 [n] in [-1, 1]."""
    wave, _ = task.synth(np.random.default_rng(seed), note, timbre, n)
    return mulaw.decode(mulaw.encode(wave))


def run(params: dict, progress: Progress = lambda pct, msg: None) -> dict:
    model, ckpt = load()
    cfg = model.cfg
    note = task.NOTES.index(params["note"])
    timbre = task.TIMBRE_NAMES.index(params["timbre"])
    n = round(float(params["length_s"]) * cfg.sample_rate)
    temperature = float(params["temperature"])
    u = uniforms(int(params["seed"]), n)

    progress(2, "compiling the generation loop")
    gen = CompiledGenerator(model, note, timbre)
    gen.generate(u[:1], temperature)  # first call compiles (or loads the compiled cache)
    gen = CompiledGenerator(model, note, timbre)
    tokens = np.empty(n, dtype=np.int64)
    token = mulaw.SILENCE
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for start in range(0, n, _CHUNK):
        chunk = gen.generate(u[start : start + _CHUNK], temperature, token)
        tokens[start : start + len(chunk)] = chunk
        token = int(chunk[-1])
        progress(5 + 70 * (start + len(chunk)) / n, "generating sample by sample")
    compiled_cpu = time.process_time() - cpu0
    compiled_wall = time.perf_counter() - wall0
    seconds = n / cfg.sample_rate
    timings: dict = {
        "compiled_s": round(compiled_wall, 3),
        "compiled_cpu_s": round(compiled_cpu, 3),
        "compiled_rtf": round(compiled_cpu / seconds, 4),
    }

    if params.get("compare", True):
        progress(78, "checking the PyTorch cached path")
        m = min(_CACHED_CHECK, n)
        t0 = time.perf_counter()
        cached = generate_cached(model, note, timbre, u[:m], temperature)
        cached_ms = 1000 * (time.perf_counter() - t0) / m
        progress(90, "timing the naive path")
        naive_ms = None
        naive_equal = None
        rf = model.receptive_field
        if n > rf + _NAIVE_CHECK:
            # Prompt = silence + the first rf generated samples; continue with the clip's own uniforms.
            prompt = [mulaw.SILENCE, *tokens[:rf].tolist()]
            t0 = time.perf_counter()
            naive = generate_naive(
                model,
                note,
                timbre,
                u[rf : rf + _NAIVE_CHECK],
                temperature,
                prompt=prompt,
            )
            naive_ms = 1000 * (time.perf_counter() - t0) / _NAIVE_CHECK
            naive_equal = bool(np.array_equal(naive, tokens[rf : rf + _NAIVE_CHECK]))
        timings.update(
            cached_ms_per_sample=round(cached_ms, 3),
            cached_rtf=round(cached_ms * cfg.sample_rate / 1000, 3),
            cached_equals_compiled=bool(np.array_equal(cached, tokens[:m])),
            cached_samples_checked=m,
            naive_ms_per_sample=None if naive_ms is None else round(naive_ms, 2),
            naive_rtf=None if naive_ms is None else round(naive_ms * cfg.sample_rate / 1000, 1),
            naive_equals_compiled=naive_equal,
            naive_samples_checked=_NAIVE_CHECK if naive_ms is not None else 0,
            fast_over_naive_speedup=None if naive_ms is None else round(naive_ms / cached_ms, 1),
        )

    progress(95, "drawing")
    wav = mulaw.decode(tokens)
    target = task.note_hz(note)
    dominant = audio.dominant_frequency(wav, cfg.sample_rate)
    reference = reference_clip(note, timbre, n, int(params["seed"]))
    metrics = ckpt.get("metrics", {})
    return {
        "note": params["note"],
        "timbre": params["timbre"],
        "sample_rate": cfg.sample_rate,
        "length_s": round(seconds, 3),
        "target_hz": round(target, 2),
        "dominant_hz": round(dominant, 2),
        "pitch_error_pct": round(100 * (dominant - target) / target, 2),
        "wav_base64": audio.wav_base64(wav, cfg.sample_rate),
        # The synthesiser's own note, as the training data holds it, to listen to beside the model's.
        "reference_wav_base64": audio.wav_base64(reference, cfg.sample_rate),
        "reference_dominant_hz": round(audio.dominant_frequency(reference, cfg.sample_rate), 2),
        "waveform": audio.envelope(wav, cfg.sample_rate),
        "spectrogram": audio.spectrogram(wav, cfg.sample_rate),
        "timings": timings,
        "receptive_field": receptive.describe(cfg),
        "model": {
            "nll": round(float(metrics.get("nll", float("nan"))), 4),
            "nll_unigram": round(float(metrics.get("nll_unigram", float("nan"))), 4),
            "parameters": int(sum(p.numel() for p in model.parameters())),
            "residual_channels": cfg.residual_channels,
            "layers": len(cfg.dilations),
        },
    }
