"""The embedded filesystem broker survives a burst of thousands of tasks with a real worker.

Upstream kombu creates a message file before writing it, so a polling worker can read it empty and
die on a JSONDecodeError (kombu issue 1551). Our transport stages and renames; this test sends a burst
from two threads while a real ``celery worker`` consumes, and checks every task ran and the worker lived.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BURST = 2000


@pytest.mark.worker
@pytest.mark.slow
def test_a_burst_of_tasks_is_consumed_without_losing_the_worker(tmp_path):
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vault.settings",
            "VAULT_VAR_DIR": str(tmp_path),
            "CELERY_RESULT_BACKEND": "disabled://",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("CELERY_BROKER_URL", None)
    env.pop("DATABASE_URL", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vault",
                "worker",
                "--loglevel=INFO",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        sender = (
            "import threading\n"
            "from vault.celery import app\n"
            f"def send(k):\n    [app.send_task('celery.accumulate', args=(k, i)) for i in range({BURST // 2})]\n"
            "ts=[threading.Thread(target=send, args=(k,)) for k in range(2)]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n"
        )
        subprocess.run([sys.executable, "-c", sender], cwd=ROOT, env=env, check=True, timeout=300)
        queue = tmp_path / "celery-broker" / "queue"
        deadline = time.time() + 300
        while time.time() < deadline and worker.poll() is None:
            done = log_path.read_text().count("succeeded in")
            if done >= BURST and not any(queue.iterdir()):
                break
            time.sleep(0.5)
        text = log_path.read_text()
        assert worker.poll() is None, "the worker died:\n" + text[-3000:]
        assert "JSONDecodeError" not in text and "Traceback" not in text
        assert text.count("succeeded in") == BURST
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_staged_messages_appear_whole(tmp_path):
    """A reader listing the queue folder while messages are put never finds an empty file."""
    from kombu import Connection

    from vault import fsbroker

    fsbroker.register()
    folder = tmp_path / "q"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(tmp_path / "c"),
    }
    seen_empty = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            for name in os.listdir(folder):
                try:
                    if os.path.getsize(folder / name) == 0:
                        seen_empty.append(name)
                except OSError:
                    pass

    watcher = threading.Thread(target=watch)
    watcher.start()
    with Connection("filesystem://", transport_options=options) as conn:
        queue = conn.SimpleQueue("burst")
        for i in range(500):
            queue.put({"i": i, "payload": "x" * 2000})
        got = [queue.get(timeout=5).payload["i"] for _ in range(500)]
        queue.close()
    stop.set()
    watcher.join()
    assert seen_empty == []
    assert sorted(got) == list(range(500))
