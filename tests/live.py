"""The app as a user runs it, for browser and worker tests: runserver + Celery worker subprocesses.

Set up like ``make setup`` (migrate, import the corpus, build the search index) on a database of its
own: a SQLite file in a temporary folder, or — when DATABASE_URL points at PostgreSQL — a fresh
database on that server, dropped at the end. The broker is the embedded filesystem one in the same
temporary folder, or CELERY_BROKER_URL (Redis) when set.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


class LiveStack:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []
        self.env = os.environ.copy()
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # only the Playwright test process needs it
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "vault.settings",
                "VAULT_VAR_DIR": str(folder),
                "VAULT_PLAIN_STATIC": "1",
                "DEBUG": "0",
                "CELERY_TASK_ALWAYS_EAGER": "0",
                "HF_HUB_OFFLINE": "1",
                "PYTHONUNBUFFERED": "1",
                # Reuse the vectors the test session already computed for the corpus (same texts).
                "SEARCH_EMBEDDING_CACHE": os.environ.get(
                    "SEARCH_EMBEDDING_CACHE", str(ROOT / "var" / "search-embeddings.sqlite3")
                ),
                # ...and the ONNX search models it already exported (not one export per stack).
                "SEARCH_MODEL_DIR": os.environ.get(
                    "SEARCH_MODEL_DIR", str(ROOT / "var" / "models")
                ),
                # Every browser test runs its demos from 127.0.0.1 against this one stack: the
                # per-client limit (tests/test_demos_api.py checks it) would refuse the later ones.
                "DEMOS_RATE_LIMIT": "1000/60",
            }
        )
        self.pg_name = ""
        db_url = os.environ.get("DATABASE_URL", "")
        if db_url.startswith(("postgres://", "postgresql://")):
            self.pg_name = (
                f"vault_live_{os.getpid()}_{self.port}"  # one per stack: a session may run two
            )
            _postgres_admin(db_url, f'DROP DATABASE IF EXISTS "{self.pg_name}"')
            _postgres_admin(db_url, f'CREATE DATABASE "{self.pg_name}"')
            self.env["DATABASE_URL"] = urlunparse(
                urlparse(db_url)._replace(path=f"/{self.pg_name}")
            )
        if self.env.get("CELERY_BROKER_URL", "").startswith("redis://"):
            # A Redis database of its own, so a stale queue from another run is never consumed.
            self.env["CELERY_BROKER_URL"] = urlunparse(
                urlparse(self.env["CELERY_BROKER_URL"])._replace(path="/7")
            )

    def manage(self, *args: str, timeout: int = 600) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def start_web(self, *import_args: str) -> None:
        """Set up and serve; ``import_args`` go to ``import_vault`` (none: the bundled corpus)."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        self.manage("import_vault", "-v0", *import_args)
        self.manage("rebuild_search_index")
        self.manage("link_concepts")
        log = open(self.folder / "web.log", "w")  # noqa: SIM115 — the server process owns it until stop()
        self.procs.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        self._wait_http(f"{self.url}/healthz")

    def start_worker(self) -> None:
        if any(getattr(p, "is_worker", False) for p in self.procs):
            return
        log = open(self.folder / "worker.log", "w")  # noqa: SIM115 — the worker process owns it until stop()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vault",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        proc.is_worker = True
        self.procs.append(proc)
        deadline = time.time() + 90
        while time.time() < deadline:
            if "ready" in (self.folder / "worker.log").read_text():
                return
            if proc.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(
            "the Celery worker did not start:\n" + (self.folder / "worker.log").read_text()[-3000:]
        )

    def _wait_http(self, url: str, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(
            f"{url} did not answer:\n" + (self.folder / "web.log").read_text()[-3000:]
        )

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.pg_name:
            # Cleanup must not hide the test result.
            with contextlib.suppress(Exception):
                _postgres_admin(
                    os.environ["DATABASE_URL"],
                    f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)',
                )
