"""The Celery task that runs one demo: thin glue between a ``DemoRun`` row and a plug-in's ``infer.run``.

It takes the run's primary key (never a model instance), claims the run (queued → running) so a
redelivered message never runs it twice, keeps a heartbeat while the plug-in works, reports progress
through the row (what the page polls) and ``update_state("PROGRESS")``, and always ends the run done
or failed: the soft time limit (``META["time_limit_s"]``) and every exception end as ``failed`` with
a public message; the traceback goes to the worker log only.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init, worker_process_init
from django.db import connection
from django.utils import timezone

from . import conf, registry, safety
from .kit.training import Progress
from .models import DemoRun

logger = logging.getLogger(__name__)

# Progress writes are throttled: a plug-in may report often, the page polls a few times a second.
PROGRESS_MIN_INTERVAL_S = 0.2
# Kill a run this long after its soft limit if it ignored the soft one (a plug-in stuck in C code).
HARD_LIMIT_GRACE_S = 10


def enqueue(run: DemoRun, demo: registry.Demo) -> None:
    """Send the task once the transaction that saved ``run`` has committed (the worker must see it).

    The task id is the one already stored on the row (``run.task_id``), so nothing is written after
    sending: the admin's cancel action can revoke the task from the start.
    """
    from django.db import transaction

    def send() -> None:
        run_demo.apply_async(
            args=[str(run.pk)],
            task_id=run.task_id or None,
            soft_time_limit=demo.time_limit_s,
            time_limit=demo.time_limit_s + HARD_LIMIT_GRACE_S,
        )

    transaction.on_commit(send)


@worker_init.connect
def preload_demo_code(**kwargs: Any) -> None:
    """Import every plug-in's ``infer`` (and torch) in the worker's main process, before the pool forks.

    A cold ``import torch`` takes seconds on a busy 2-core machine; paid inside the first run it would
    eat that run's time limit. Imported once here, every pool process inherits the modules. Nothing is
    computed (no thread pools start before the fork); checkpoints still load lazily on first use.
    """
    if not conf.preload():
        return
    for demo in registry.all_demos():
        started = time.perf_counter()
        try:
            demo.module("infer")
        except Exception:
            logger.exception("could not preload demo %s", demo.slug)
            continue
        logger.info("preloaded demo %s in %.1f s", demo.slug, time.perf_counter() - started)


def limit_torch_threads() -> None:
    """Apply ``DEMOS_TORCH_THREADS`` once torch is imported (plug-ins leave the thread count alone)."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != conf.torch_threads():
        torch.set_num_threads(conf.torch_threads())


@worker_process_init.connect
def _limit_threads_in_pool_process(**kwargs: Any) -> None:
    limit_torch_threads()


class _Heartbeat(threading.Thread):
    """Writes ``heartbeat_at`` every few seconds until stopped; its own DB connection, closed at the end."""

    def __init__(self, run_id: str) -> None:
        super().__init__(name=f"demo-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(conf.heartbeat_s()):
                DemoRun.objects.filter(pk=self.run_id, status=DemoRun.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:
            logger.exception("heartbeat of run %s failed", self.run_id)
        finally:
            connection.close()


def _finish(run_id: str, **fields: Any) -> bool:
    """End a running run; False when it had already ended (cancelled, or failed as stale)."""
    fields.setdefault("finished_at", timezone.now())
    return bool(DemoRun.objects.filter(pk=run_id, status=DemoRun.Status.RUNNING).update(**fields))


@shared_task(bind=True, name="demos.run_demo", acks_late=True, ignore_result=False)
def run_demo(self, run_id: str) -> dict[str, Any]:
    now = timezone.now()
    claimed = DemoRun.objects.filter(pk=run_id, status=DemoRun.Status.QUEUED).update(
        status=DemoRun.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        message="starting",
        task_id=self.request.id or "",
    )
    if not claimed:
        return {"status": "skipped"}  # already run, cancelled or failed as stale
    run = DemoRun.objects.only("demo", "params").get(pk=run_id)
    demo = registry.get(run.demo)
    if demo is None:
        _finish(run_id, status=DemoRun.Status.FAILED, error="This demo is not available.")
        return {"status": DemoRun.Status.FAILED}

    # The claim just wrote "starting"; a run that ends within the first interval writes no progress
    # at all, and 100 % is written by _finish with the result.
    last_write = time.monotonic()

    def report(pct: float, message: str = "") -> None:
        nonlocal last_write
        pct = max(0, min(100, int(pct)))
        if pct >= 100 or time.monotonic() - last_write < PROGRESS_MIN_INTERVAL_S:
            return
        message = safety.scrub(str(message))[:200]
        last_write = time.monotonic()
        DemoRun.objects.filter(pk=run_id, status=DemoRun.Status.RUNNING).update(
            progress=pct, message=message, heartbeat_at=timezone.now()
        )
        if self.request.id and not self.request.is_eager:
            self.update_state(
                state="PROGRESS", meta={"run": run_id, "progress": pct, "message": message}
            )

    progress: Progress = report  # the one progress callback type of every plug-in's infer.run
    heartbeat = _Heartbeat(run_id)
    heartbeat.start()
    try:
        infer = demo.module("infer")
        limit_torch_threads()
        started = time.perf_counter()
        result = safety.clean_result(infer.run(dict(run.params), progress), conf.max_result_bytes())
    except SoftTimeLimitExceeded:
        _finish(
            run_id,
            status=DemoRun.Status.FAILED,
            error=f"The demo took longer than its limit of {demo.time_limit_s:g} s and was stopped.",
        )
        return {"status": DemoRun.Status.FAILED}
    except Exception as exc:
        logger.exception("demo run %s (%s) failed", run_id, run.demo)
        message = str(exc) if isinstance(exc, safety.ResultError) else safety.public_error(exc)
        _finish(run_id, status=DemoRun.Status.FAILED, error=message[: safety.MAX_ERROR_CHARS])
        return {"status": DemoRun.Status.FAILED}
    finally:
        heartbeat.stopped.set()
    inference_ms = round((time.perf_counter() - started) * 1000, 2)
    _finish(
        run_id,
        status=DemoRun.Status.DONE,
        result=result,
        progress=100,
        message="done",
        inference_ms=inference_ms,
    )
    return {"status": DemoRun.Status.DONE}
