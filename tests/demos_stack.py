"""A web + Celery worker stack for the demo platform's worker tests and ``bench/demo_bench.py``.

Like ``tests.live.LiveStack`` (whose process handling it reuses) but on a fresh database with no
corpus or search index (demos need neither), the probe plug-in registered, quick heartbeats, and a
broker queue of its own (a Redis database other than the shared stack's when Redis is the broker).
No Django import: the bench runs it from a plain Python process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse, urlunparse

import psutil

from tests.live import ROOT, LiveStack, _postgres_admin


def api(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def follow(url: str, until: set[str], timeout: float = 60) -> tuple[dict, list[int]]:
    """Poll a run until its status is in ``until``; returns the last state and the progress seen."""
    seen: list[int] = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, run = api(url)
        seen.append(run["progress"])
        if run["status"] in until:
            return run, seen
        time.sleep(0.1)
    raise AssertionError(f"run stuck: {run}")


class DemoStack(LiveStack):
    """Web + worker on their own database and broker, with the probe plug-in and quick heartbeats."""

    def __init__(self, folder):
        # LiveStack would (re)create the PostgreSQL database of the shared stack of this process
        # (vault_live_<pid>); this stack gets one of its own.
        db_url = os.environ.pop("DATABASE_URL", None)
        try:
            super().__init__(folder)
        finally:
            if db_url is not None:
                os.environ["DATABASE_URL"] = db_url
        if db_url and db_url.startswith(("postgres://", "postgresql://")):
            self.pg_name = f"vault_demos_{os.getpid()}"
            _postgres_admin(db_url, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            _postgres_admin(db_url, f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = urlunparse(
                urlparse(db_url)._replace(path=f"/{self.pg_name}")
            )
        self.env.update(
            {
                "DEMOS_EXTRA_PACKAGES": "tests.demo_plugins.probe",
                "DEMOS_HEARTBEAT_S": "0.5",
                "DEMOS_HEARTBEAT_TIMEOUT_S": "3",
                "DEMOS_RATE_LIMIT": "1000/60",
            }
        )
        if self.env.get("CELERY_BROKER_URL", "").startswith("redis://"):
            # Not the shared stack's Redis database: its worker must never take these messages.
            self.env["CELERY_BROKER_URL"] = urlunparse(
                urlparse(self.env["CELERY_BROKER_URL"])._replace(path="/8")
            )
            import redis

            redis.Redis.from_url(self.env["CELERY_BROKER_URL"]).flushdb()

    def start_web(self) -> None:
        # Demos need no corpus or search index: migrate and serve.
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        log = open(self.folder / "web.log", "w")  # noqa: SIM115 — the server writes it until stop()
        self.procs.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        self._wait_http(f"{self.url}/api/demos/")

    def worker(self) -> subprocess.Popen:
        return next(p for p in self.procs if getattr(p, "is_worker", False))

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool processes: nothing gets to clean up, as in an OOM kill."""
        proc = self.worker()
        family = psutil.Process(proc.pid).children(recursive=True)
        for child in [psutil.Process(proc.pid), *family]:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        self.procs.remove(proc)
