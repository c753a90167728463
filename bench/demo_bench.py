"""Platform overhead of a demo run: POST → result through web + Celery worker, versus pure inference.

Starts the app the way ``make run`` does (runserver + a Celery worker, on a fresh database under a
temporary folder) with the Redis broker (``CELERY_BROKER_URL``, default ``redis://127.0.0.1:6379/0``;
``--broker filesystem`` for the embedded one), then for the pilot demo (ACT):

* ``N`` runs through the API, each with a seed never used before so none is served from the result
  cache: the time from sending the POST to holding the finished result (the client long-polls
  ``GET /api/demos/runs/<id>/?wait=…``);
* the same ``N`` parameter sets through ``demos.plugins.act.infer.run`` in this process (warm), each right
  after its platform run so both see the same machine load: the pure inference time.

Prints p50/p95 of both, the overhead (difference of the p50s; target ≤ 150 ms with Redis) and, as a
cross-check, the overhead per run measured against the inference time the worker itself recorded.
The last line is a JSON object with every figure.

    .venv/bin/python bench/demo_bench.py [--runs 20] [--broker redis|filesystem]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.demos_stack import DemoStack, api

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TARGET_OVERHEAD_MS = 150
WARMUP_RUNS = 4  # every pool process loads the checkpoints once before timing starts
SLUG = "act"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def params_for(i: int, base_seed: int) -> dict:
    return {"k": i % 9, "seed": base_seed + i, "tau": ("1e-1", "1e-2", "1e-3", "1e-4")[i % 4]}


def through_platform(url: str, params: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    status, run = api(f"{url}/api/demos/{SLUG}/runs/", {"params": params})
    if status != 201:
        raise RuntimeError(f"POST answered {status}: {run}")
    while run["status"] not in ("done", "failed"):
        _, run = api(f"{run['url']}?wait=10")
    elapsed = (time.perf_counter() - started) * 1000
    if run["status"] != "done":
        raise RuntimeError(f"run failed: {run['error']}")
    if run["cached"]:
        raise RuntimeError("a timed run came from the cache; seeds must be fresh")
    return elapsed, run


def load_inference():
    """``demos.plugins.act.infer.run`` with its checkpoints loaded in this process, as the worker has them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vault.settings")
    import django

    django.setup()
    from demos.plugins.act import infer
    from demos.tasks import limit_torch_threads

    limit_torch_threads()  # the thread count a worker process runs the demo with
    infer.run(params_for(0, 0), lambda pct, msg: None)
    return infer.run


def pure_inference(run, params: dict) -> float:
    started = time.perf_counter()
    run(params, lambda pct, msg: None)
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs (default 20)")
    parser.add_argument(
        "--broker",
        choices=("redis", "filesystem"),
        default="redis",
        help="Celery broker (default redis)",
    )
    args = parser.parse_args(argv)
    if args.broker == "redis":
        os.environ["CELERY_BROKER_URL"] = (
            os.environ.get("CELERY_BROKER_URL", "").strip() or DEFAULT_REDIS
        )
    else:
        os.environ.pop("CELERY_BROKER_URL", None)

    base_seed = int(time.time()) % 500_000
    all_params = [params_for(i, base_seed) for i in range(args.runs + WARMUP_RUNS)]
    infer_run = load_inference()
    stack = DemoStack(Path(tempfile.mkdtemp(prefix="demo-bench-")))
    stack.env["DEMOS_RATE_LIMIT"] = "100000/60"
    try:
        print(f"starting web + worker ({args.broker} broker) …", flush=True)
        stack.start_web()
        stack.start_worker()
        for params in all_params[:WARMUP_RUNS]:
            through_platform(stack.url, params)
        totals, worker_inference, overheads, pure = [], [], [], []
        load_before = os.getloadavg()[0]
        # Interleaved, so both measurements see the same load on a shared machine.
        for params in all_params[WARMUP_RUNS:]:
            elapsed, run = through_platform(stack.url, params)
            totals.append(elapsed)
            worker_inference.append(run["inference_ms"])
            overheads.append(elapsed - run["inference_ms"])
            pure.append(pure_inference(infer_run, params))
        load_after = os.getloadavg()[0]
    finally:
        stack.stop()

    figures = {
        "demo": SLUG,
        "broker": args.broker,
        "runs": args.runs,
        "post_to_result_ms": {
            "p50": round(statistics.median(totals), 1),
            "p95": round(percentile(totals, 95), 1),
        },
        "pure_inference_ms": {
            "p50": round(statistics.median(pure), 1),
            "p95": round(percentile(pure, 95), 1),
        },
        "worker_inference_ms": {"p50": round(statistics.median(worker_inference), 1)},
        "overhead_ms_p50": round(statistics.median(totals) - statistics.median(pure), 1),
        "overhead_per_run_ms": {
            "p50": round(statistics.median(overheads), 1),
            "p95": round(percentile(overheads, 95), 1),
        },
        "target_overhead_ms": TARGET_OVERHEAD_MS,
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "cpu_count": os.cpu_count(),
    }
    figures["meets_target"] = figures["overhead_ms_p50"] <= TARGET_OVERHEAD_MS
    print(f"\n{'':28}{'p50 ms':>10}{'p95 ms':>10}")
    print(
        f"{'POST → result (platform)':28}{figures['post_to_result_ms']['p50']:>10}{figures['post_to_result_ms']['p95']:>10}"
    )
    print(
        f"{'pure inference (in-process)':28}{figures['pure_inference_ms']['p50']:>10}{figures['pure_inference_ms']['p95']:>10}"
    )
    print(f"{'inference inside the worker':28}{figures['worker_inference_ms']['p50']:>10}")
    print(
        f"{'overhead per run':28}{figures['overhead_per_run_ms']['p50']:>10}{figures['overhead_per_run_ms']['p95']:>10}"
    )
    print(
        f"load average (1 min) before/after: {load_before:.2f}/{load_after:.2f} on {os.cpu_count()} CPUs"
    )
    verdict = "meets" if figures["meets_target"] else "MISSES"
    print(
        f"\nplatform overhead (p50 difference): {figures['overhead_ms_p50']} ms — {verdict} the ≤ {TARGET_OVERHEAD_MS} ms target"
    )
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
