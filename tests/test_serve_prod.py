"""`make serve-prod`'s web server for real: gunicorn with vault/gunicorn.conf.py and VAULT_ENV=production.

It serves pages, the API and static files (WhiteNoise) with the production headers over loopback HTTP
(SECURE_SSL_REDIRECT=0, the load test's setting), marks cookies Secure, sends HSTS when the proxy says
HTTPS, and refuses to boot without a secret key. The database is a SQLite file, or a fresh PostgreSQL
database when DATABASE_URL points at PostgreSQL (as in CI's second pass). Static files are served from
the finders (VAULT_PLAIN_STATIC=1): the manifest build of collectstatic takes minutes here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.live import ROOT, _postgres_admin, free_port

pytestmark = pytest.mark.slow
GUNICORN = (
    str(ROOT / ".venv" / "bin" / "gunicorn")
    if (ROOT / ".venv" / "bin" / "gunicorn").exists()
    else "gunicorn"
)
GRAVES = "alex-graves-iclr-2017"


def production_env(folder, port: int) -> dict[str, str]:
    env = os.environ.copy()
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "VAULT_HTTPS", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    env.update(
        {
            "VAULT_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "vault.settings",
            "VAULT_VAR_DIR": str(folder),
            "VAULT_PLAIN_STATIC": "1",
            "SECRET_KEY": "serve-prod-test-" + "k3y-" * 12,
            "DATABASE_URL": f"sqlite:///{folder / 'prod.sqlite3'}",
            "CELERY_BROKER_URL": env.get("CELERY_BROKER_URL") or "filesystem://",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_ACCESS_LOG": "",
        }
    )
    return env


def fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


#: Each running server's log file, by its URL.
LOGS: dict[str, Path] = {}


@pytest.fixture(scope="module")
def prod_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-prod")
    port = free_port()
    env = production_env(folder, port)
    pg_name = ""
    db_url = os.environ.get("DATABASE_URL", "")
    if db_url.startswith(("postgres://", "postgresql://")):
        pg_name = f"vault_prod_{os.getpid()}_{port}"
        _postgres_admin(db_url, f'DROP DATABASE IF EXISTS "{pg_name}"')
        _postgres_admin(db_url, f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = urlunparse(urlparse(db_url)._replace(path=f"/{pg_name}"))
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        ["import_vault", "-v0"],
        ["check", "--deploy", "--fail-level", "WARNING"],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 — open for the server's lifetime
    proc = subprocess.Popen(
        [GUNICORN, "-c", "vault/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    LOGS[url] = folder / "gunicorn.log"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if fetch(url + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, (folder / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.3)
        else:
            pytest.fail(
                "gunicorn did not answer:\n" + (folder / "gunicorn.log").read_text()[-3000:]
            )
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        log.close()
        if pg_name:
            _postgres_admin(db_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def test_pages_come_with_the_production_headers_and_secure_cookies(prod_server):
    status, headers, body = fetch(f"{prod_server}/en/talks/{GRAVES}/")
    assert status == 200 and b'data-testid="talk-title"' in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert (
        "upgrade-insecure-requests" not in headers["Content-Security-Policy"]
    )  # plain HTTP on purpose
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    cookies = headers.get_all("Set-Cookie") or []
    assert cookies and all("Secure" in c for c in cookies)
    assert "Strict-Transport-Security" not in headers  # never over plain HTTP


def test_behind_a_tls_proxy_it_sends_hsts(prod_server):
    status, headers, _ = fetch(f"{prod_server}/en/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_each_server_has_its_own_control_socket(prod_server, tmp_path_factory):
    sockets = list(tmp_path_factory.getbasetemp().glob("serve-prod*/gunicorn.ctl"))
    assert sockets and sockets[0].is_socket()


def test_api_and_static_files(prod_server):
    status, headers, body = fetch(f"{prod_server}/api/talks/")
    assert status == 200 and headers["Content-Type"] == "application/json" and b'"results"' in body
    status, headers, body = fetch(
        f"{prod_server}/static/graphs/talk_graph.js", {"Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_host_is_refused(prod_server):
    status, _, _ = fetch(f"{prod_server}/en/", {"Host": "evil.example.org"})
    assert status == 400


def test_each_worker_warms_search_in_the_background_and_keeps_serving(prod_server):
    assert fetch(f"{prod_server}/healthz")[0] == 200  # answered while the models load
    deadline = time.time() + 300
    while LOGS[prod_server].read_text().count("search warmed up") < 2:  # GUNICORN_WORKERS=2
        assert "search warm-up failed" not in LOGS[prod_server].read_text()
        assert time.time() < deadline, LOGS[prod_server].read_text()[-3000:]
        time.sleep(1)
    t0 = time.perf_counter()
    status, _, body = fetch(f"{prod_server}/api/search/?q=external+memory+for+neural+networks&k=3")
    assert status == 200 and isinstance(json.loads(body), list)  # (this server's index is empty)
    assert time.perf_counter() - t0 < 10  # the query was encoded by models already loaded


def test_gunicorn_refuses_to_boot_without_a_secret_key(tmp_path):
    env = production_env(tmp_path, free_port())
    del env["SECRET_KEY"]
    result = subprocess.run(
        [GUNICORN, "-c", "vault/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert (
        "VAULT_ENV=production refuses to start: SECRET_KEY is not set"
        in result.stdout + result.stderr
    )
