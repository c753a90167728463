"""Runs through a real Celery worker process: the pilot demo end to end, the soft time limit, and a
worker killed mid-run (SIGKILL), whose run must end failed instead of "running" for ever.

The broker is the embedded filesystem one, or Redis when CELERY_BROKER_URL is set (CI runs both).
The limit and kill tests use a stack of their own (web + worker on a fresh database and broker queue)
with the probe plug-in registered, so killing its worker disturbs no other test.
"""

from __future__ import annotations

import os
import time

import pytest

from demos.models import WORKER_LOST
from tests.demos_stack import DemoStack, api, follow

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory):
    stack = DemoStack(tmp_path_factory.mktemp("demo-stack"))
    try:
        stack.start_web()
        stack.start_worker()
        yield stack
    finally:
        stack.stop()


def test_the_pilot_demo_runs_through_a_real_worker(live_worker):
    url = live_worker.url
    # A seed nobody used yet, so the run is computed, not served from the cache.
    params = {"k": 5, "seed": int(time.time() * 1000) % 1_000_000, "tau": "1e-2"}
    status, run = api(f"{url}/api/demos/act/runs/", {"params": params})
    assert status == 201, run
    assert run["status"] == "queued" and run["cached"] is False
    done, _ = follow(run["url"], {"done", "failed"})
    assert done["status"] == "done", done["error"]
    result = done["result"]
    assert abs(sum(result["halting"]) - 1.0) < 1e-3  # ACT halting probabilities sum to 1
    assert result["steps"] == len(result["halting"]) and result["nonzero"] == 5
    # The identical request is now answered from the cache, at once.
    status, again = api(f"{url}/api/demos/act/runs/", {"params": params})
    assert status == 201 and again["cached"] is True and again["result"] == result


def test_progress_is_reported_while_a_run_works(demo_stack):
    status, run = api(
        f"{demo_stack.url}/api/demos/probe/runs/", {"params": {"seconds": 1.5, "count": 1}}
    )
    assert status == 201
    done, seen = follow(run["url"], {"done", "failed"})
    assert done["status"] == "done"
    assert any(0 < p < 100 for p in seen), seen  # intermediate progress was visible to a poller
    assert done["result"]["pid"] != os.getpid()  # it really ran in the worker process


def test_the_soft_time_limit_ends_a_run_as_failed(demo_stack):
    status, run = api(
        f"{demo_stack.url}/api/demos/probe/runs/", {"params": {"seconds": 20, "count": 2}}
    )
    assert status == 201
    started = time.time()
    failed, _ = follow(run["url"], {"done", "failed"}, timeout=30)
    assert failed["status"] == "failed"
    assert "limit of 3 s" in failed["error"]
    assert time.time() - started < 15


def test_a_run_whose_worker_is_killed_ends_failed(demo_stack):
    status, run = api(
        f"{demo_stack.url}/api/demos/probe/runs/", {"params": {"seconds": 2.5, "count": 3}}
    )
    assert status == 201
    running, _ = follow(run["url"], {"running", "done", "failed"})
    assert running["status"] == "running"
    demo_stack.kill_worker()
    killed_at = time.time()
    failed, _ = follow(run["url"], {"done", "failed"}, timeout=30)
    assert failed["status"] == "failed" and failed["error"] == WORKER_LOST
    assert failed["result"] is None
    assert time.time() - killed_at < 15  # detected within the heartbeat timeout, not left running
    # A fresh worker takes new runs as before.
    demo_stack.start_worker()
    status, again = api(f"{demo_stack.url}/api/demos/probe/runs/", {"params": {"count": 4}})
    done, _ = follow(again["url"], {"done", "failed"})
    assert done["status"] == "done"
