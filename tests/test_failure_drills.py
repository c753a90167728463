"""Failure drills (#12 part 5): break a dependency, check the site degrades cleanly and loses nothing.

- Redis stops while runs are queued: pages, search and the API keep answering; a new demo run gets a
  clear 503 (not a 500, not a hang); when Redis comes back the queued runs resume. Runs whose message
  is lost for good end failed after the queue timeout (``test_demos_api`` …queue_timeout). The drill
  uses a private ``redis-server`` on a free port, never the machine's shared one, on either backend.
- A worker killed mid-run: the run ends failed, the next run works — ``test_demos_worker.py``
  (``test_a_run_whose_worker_is_killed_ends_failed``) is that drill; not repeated here.
- The database is unreachable: gunicorn serving the app against a closed PostgreSQL port or a SQLite
  file that cannot be opened answers 503 — the error page for pages, JSON for the API — never a trace.
- An import interrupted midway (an exception inside the writer, or the process SIGKILLed inside its
  transaction) leaves the previous version fully in place.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory

from graphs.models import ConceptNode
from talks.importers.knowledge_vault import ImportProblem, parse
from talks.importers.manifest import entry_for
from talks.importers.writer import import_documents
from talks.models import SourceDocument, SummaryPoint, TalkTranslation
from talks.signals import translation_imported
from tests.demos_stack import DemoStack, api, follow
from tests.live import ROOT, free_port
from vault.middleware import DatabaseUnavailableMiddleware

CORPUS = Path(settings.BASE_DIR) / "data" / "corpus"
GRAVES_EN = CORPUS / "003_d8bc2bdddd8060bd.txt"
SLUG = "alex-graves-iclr-2017"


def fetch(url: str, accept: str = "*/*") -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# --- Redis stops while runs are queued -----------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own, persisting every write (appendfsync always), so a crash
    (SIGKILL) and a restart on the same folder keep the queue as a production Redis with AOF would."""

    def __init__(self, server: str, folder: Path) -> None:
        self.server, self.folder = server, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--daemonize",
                "no",
            ],
            stdout=open(self.folder / "redis.log", "a"),  # noqa: SIM115 — redis-server owns it
            stderr=subprocess.STDOUT,
        )
        import redis

        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=1).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(
            "the private redis-server did not start:\n" + (self.folder / "redis.log").read_text()
        )

    def crash(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed: the Redis outage drill needs a private server")
    redis = PrivateRedis(server, tmp_path / "redis")
    redis.start()
    yield redis
    redis.stop()


@pytest.mark.worker
@pytest.mark.slow
def test_a_redis_outage_refuses_new_runs_with_503_and_queued_runs_resume(private_redis, tmp_path):
    # Built without CELERY_BROKER_URL, so nothing touches the shared Redis (DemoStack flushes its db 8).
    shared_broker = os.environ.pop("CELERY_BROKER_URL", None)
    try:
        stack = DemoStack(tmp_path / "stack")
    finally:
        if shared_broker is not None:
            os.environ["CELERY_BROKER_URL"] = shared_broker
    stack.env["CELERY_BROKER_URL"] = private_redis.url
    stack.env["CACHE_URL"] = (
        private_redis.url[:-1] + "1"
    )  # the page cache on the same Redis, as in production
    pages = (
        "/en/",
        "/en/talks/",
        f"/es/talks/{SLUG}/",
        f"/en/graph/talks/{SLUG}/",
        "/en/graph/",
        "/en/search/?q=memory",
        "/api/talks/",
        f"/api/talks/{SLUG}/",
        "/en/demos/",
        "/api/demos/",
    )
    try:
        stack.start_web()
        stack.manage("import_vault", "-v0")
        for path in pages:  # served once with Redis up (and cached)
            assert fetch(stack.url + path)[0] == 200, path
        # No worker yet: these runs stay queued in Redis.
        queued = []
        for count in (1, 2):
            status, run = api(
                f"{stack.url}/api/demos/probe/runs/", {"params": {"count": count, "seconds": 0.1}}
            )
            assert status == 201 and run["status"] == "queued", run
            queued.append(run)

        private_redis.crash()
        for path in pages:
            status, _, body = fetch(stack.url + path)
            assert status == 200, (path, body[:500])
        started = time.time()
        status, refused = api(f"{stack.url}/api/demos/probe/runs/", {"params": {"count": 3}})
        assert status == 503, refused
        assert refused == {
            "error": "The demo service is unavailable right now; try again shortly.",
            "status": 503,
        }
        assert time.time() - started < 10  # refused promptly, not after a hang
        for run in queued:  # still waiting, not failed by the outage
            assert api(run["url"])[1]["status"] == "queued"

        private_redis.start()  # same folder: the append-only file gives the queue back
        stack.start_worker()
        for run in queued:
            done, _ = follow(run["url"], {"done", "failed"}, timeout=60)
            assert done["status"] == "done", done
        status, again = api(f"{stack.url}/api/demos/probe/runs/", {"params": {"count": 4}})
        assert status == 201
        assert follow(again["url"], {"done", "failed"})[0]["status"] == "done"
    finally:
        stack.stop()
    log = (tmp_path / "stack" / "web.log").read_text()
    assert (
        "Traceback" not in log.split("could not queue a probe run")[0]
    )  # the only trace: the logged refusal


# --- The database is unreachable ------------------------------------------------------------------


def unreachable_database(kind: str, folder: Path) -> str:
    if kind == "postgresql":
        return f"postgres://postgres@127.0.0.1:{free_port()}/vault"  # nothing listens there
    return f"sqlite:///{folder / 'no-such-folder' / 'vault.sqlite3'}"  # cannot be opened


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_unreachable_database_gives_a_clean_503(kind, tmp_path):
    port = free_port()
    env = os.environ.copy()
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vault.settings",
            "VAULT_VAR_DIR": str(tmp_path),
            "DEBUG": "0",
            "VAULT_PLAIN_STATIC": "1",
            "DATABASE_URL": unreachable_database(kind, tmp_path),
        }
    )
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "vault.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                status, headers, body = fetch(f"{url}/healthz")
                break
            except OSError:
                assert time.time() < deadline and server.poll() is None, (
                    tmp_path / "gunicorn.log"
                ).read_text()
                time.sleep(0.2)
        for path in ("/healthz", "/en/", f"/en/talks/{SLUG}/", "/es/search/?q=memoria"):
            status, headers, body = fetch(url + path)
            assert status == 503, (path, body[:300])
            assert headers["Retry-After"] == "30"
            expected = (
                "La base de datos no está disponible"
                if path.startswith("/es/")
                else "The database is unavailable"
            )
            assert expected in body, (path, body[:300])
            assert "Traceback" not in body and "OperationalError" not in body
        status, headers, body = fetch(url + "/en/")
        assert headers["Content-Type"].startswith("text/html") and "<h1>503</h1>" in body
        status, headers, body = fetch(f"{url}/api/talks/", accept="application/json")
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert json.loads(body) == {
            "error": "The database is unavailable right now; please try again in a minute.",
            "status": 503,
        }
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_the_middleware_turns_only_database_errors_into_503():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/api/talks/")
    response = middleware.process_exception(request, OperationalError("connection refused"))
    assert response.status_code == 503 and json.loads(response.content)["status"] == 503
    assert middleware.process_exception(request, ValueError("a bug")) is None  # a bug stays a 500


# --- An import interrupted midway ------------------------------------------------------------------


def snapshot(slug: str = SLUG) -> dict:
    return {
        "translations": sorted(
            TalkTranslation.objects.filter(talk__slug=slug).values_list(
                "lang", "title", "graph_source"
            )
        ),
        "points": sorted(
            SummaryPoint.objects.filter(talk__slug=slug).values_list("lang", "number", "text")
        ),
        "sources": sorted(
            SourceDocument.objects.filter(talk__slug=slug).values_list("lang", "checksum")
        ),
        "nodes": sorted(
            ConceptNode.objects.filter(graph__talk__slug=slug).values_list("key", "label")
        ),
    }


def changed_graves() -> str:
    """The English Graves export with a new title, every point rewritten, one point dropped."""
    text = GRAVES_EN.read_text()
    text = text.replace("New Directions For Recurrent Neural Networks", "A Changed Title")
    lines = [
        line.replace(".-", ".-CHANGED ", 1) if line[:3].rstrip(".-").isdigit() else line
        for line in text.split("\n")
    ]
    return "\n".join(line for line in lines if not line.startswith("30.-"))


@pytest.mark.django_db
def test_an_exception_inside_the_writer_leaves_the_previous_version_intact():
    before = snapshot()
    assert before["points"] and before["nodes"]
    calls = []

    def fail_midway(
        sender, talk, lang, **kwargs
    ):  # after the rows of the first document are written
        calls.append(lang)
        assert SummaryPoint.objects.filter(
            talk=talk, lang=lang, text__startswith="CHANGED"
        ).exists()
        raise RuntimeError("power cut")

    graves_es = CORPUS / "000_0c866e8fe9d94a0f.txt"
    es = parse(graves_es.read_text(), graves_es.name, defaults=entry_for(graves_es))
    es.raw_text += "\n"  # a new checksum, so this document is written too
    es.checksum = "0" * 64
    translation_imported.connect(fail_midway, dispatch_uid="drill")
    try:
        with pytest.raises(RuntimeError, match="power cut"):
            import_documents([parse(changed_graves(), "003.txt"), es])
    finally:
        translation_imported.disconnect(dispatch_uid="drill")
    assert calls  # the writer really got that far
    assert snapshot() == before


@pytest.mark.django_db
def test_an_import_problem_found_late_leaves_the_previous_version_intact():
    before = snapshot()
    broken = changed_graves().replace("Alex Graves ICLR", "A" * 300 + " Graves ICLR")
    with pytest.raises(ImportProblem):
        import_documents([parse(broken, "003.txt")])
    assert snapshot() == before


_SNAPSHOT_CODE = """
import json
from tests.test_failure_drills import snapshot
print("SNAPSHOT " + json.dumps(snapshot()))
"""

_KILLED_IMPORT_CODE = """
import sys, time
from talks.importers.writer import import_documents
from talks.importers.knowledge_vault import parse
from talks.signals import translation_imported
from tests.test_failure_drills import changed_graves

def hold(**kwargs):  # every row of the new version is written, the transaction is still open
    print("WRITTEN", flush=True)
    time.sleep(120)

translation_imported.connect(hold, dispatch_uid="drill", weak=False)
import_documents([parse(changed_graves(), "003.txt")])
print("COMMITTED", flush=True)
"""


@pytest.mark.slow
def test_an_import_killed_inside_its_transaction_leaves_the_previous_version_intact(live_stack):
    def live_snapshot() -> dict:
        out = live_stack.manage("shell", "-c", _SNAPSHOT_CODE)
        return json.loads(out.split("SNAPSHOT ", 1)[1])

    before = live_snapshot()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", _KILLED_IMPORT_CODE],
        cwd=ROOT,
        env=live_stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        while line and "WRITTEN" not in line:
            line = proc.stdout.readline()
        assert "WRITTEN" in line, "the import never reached its pause"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert live_snapshot() == before
    status, _, body = fetch(f"{live_stack.url}/en/talks/{SLUG}/")
    assert (
        status == 200
        and "New Directions For Recurrent Neural Networks" in body
        and "CHANGED" not in body
    )
