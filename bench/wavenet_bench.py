"""Per-sample cost of WaveNet generation: naive vs cached queues vs the compiled engine.

For models of the bundled width with receptive fields 256, 1,024 and 4,096 (two stacks each,
random weights: speed does not depend on training), it times, in one run and on one thread:
naive PyTorch generation after a full receptive field of context, the PyTorch cached queues of
Paine et al. 2016, and the numba engine, and checks that all three draw the same samples.

    python bench/wavenet_bench.py [--naive-samples 8] [--cached-samples 400]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demos.plugins.wavenet.engine import CompiledGenerator, generate_compiled
from demos.plugins.wavenet.fast import generate_cached, generate_naive
from demos.plugins.wavenet.model import Config, WaveNet
from demos.plugins.wavenet.mulaw import SILENCE
from demos.plugins.wavenet.sampling import uniforms

# Two stacks of 1 … 2^(k−1): receptive field 2·(2^k − 1) + 1 ≈ 2^(k+1).
STACK_DEPTHS = {256: 7, 1024: 9, 4096: 11}


def _cpu_per_sample(n: int, fn, *args, **kwargs) -> tuple[np.ndarray, float]:
    """(fn(*args, **kwargs), CPU seconds per sample of its n samples)."""
    t0 = time.process_time()
    out = fn(*args, **kwargs)
    return out, (time.process_time() - t0) / n


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--naive-samples",
        type=int,
        default=8,
        help="naive samples timed per receptive field",
    )
    p.add_argument("--cached-samples", type=int, default=400, help="PyTorch cached samples timed")
    p.add_argument(
        "--compiled-seconds",
        type=float,
        default=2.0,
        help="seconds of audio for the compiled engine",
    )
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    base = Config()
    sr = base.sample_rate
    print(
        f"{'RF':>6} {'naive ms':>10} {'cached ms':>10} {'compiled µs':>12} {'speed-up':>9} "
        f"{'RTF naive':>10} {'RTF cached':>11} {'RTF compiled':>13} {'same':>5}"
    )
    rows = []
    for label, depth in STACK_DEPTHS.items():
        torch.manual_seed(0)
        cfg = Config(dilations=[2**i for i in range(depth)] * 2)
        model = WaveNet(cfg).eval()
        rf = cfg.receptive_field
        prompt = [SILENCE, *np.random.default_rng(0).integers(100, 156, rf).tolist()]
        u = uniforms(1, args.cached_samples)
        k = args.naive_samples
        # Warm-up outside the timing: first calls pay for kernel selection and allocation.
        generate_naive(model, 9, 1, u[:1], prompt=prompt)
        generate_cached(model, 9, 1, u[:1], prompt=prompt)
        naive, naive_s = _cpu_per_sample(k, generate_naive, model, 9, 1, u[:k], prompt=prompt)
        cached, cached_s = _cpu_per_sample(len(u), generate_cached, model, 9, 1, u, prompt=prompt)
        same = np.array_equal(naive, cached[:k])
        same &= np.array_equal(generate_compiled(model, 9, 1, u), generate_cached(model, 9, 1, u))
        n = int(args.compiled_seconds * sr)
        gen = CompiledGenerator(model, 9, 1)
        gen.generate(uniforms(2, 10))  # compile outside the timing
        _, compiled_s = _cpu_per_sample(n, gen.generate, uniforms(3, n))
        print(
            f"{rf:>6} {1e3 * naive_s:>10.2f} {1e3 * cached_s:>10.3f} {1e6 * compiled_s:>12.2f} "
            f"{naive_s / cached_s:>8.1f}× {naive_s * sr:>10.1f} {cached_s * sr:>11.2f} {compiled_s * sr:>13.4f} "
            f"{'yes' if same else 'NO':>5}   (nominal {label})"
        )
        rows.append(
            {
                "receptive_field": rf,
                "naive_ms_per_sample": 1e3 * naive_s,
                "cached_ms_per_sample": 1e3 * cached_s,
                "compiled_us_per_sample": 1e6 * compiled_s,
                "cached_over_naive": naive_s / cached_s,
                "rtf_naive": naive_s * sr,
                "rtf_cached": cached_s * sr,
                "rtf_compiled": compiled_s * sr,
                "same_samples": bool(same),
            }
        )
    print(json.dumps({"sample_rate": sr, "rows": rows}))


if __name__ == "__main__":
    main()
