"""Production settings: `manage.py check --deploy` is clean, and VAULT_ENV=production refuses to start
on development defaults (no secret key, no database or broker URL, DEBUG on)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from vault.settings import _require_production_environment

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "x" * 30 + "-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a"
PRODUCTION_ENV = {
    "VAULT_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "DATABASE_URL": "postgres://vault@127.0.0.1:5432/vault",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "vault.example.org",
}


def run_django(tmp_path, env_update: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in ("DEBUG", "VAULT_HTTPS")
    }
    env.pop(
        "DJANGO_ALLOW_ASYNC_UNSAFE", None
    )  # set by conftest for Playwright, never in deployment
    env.update(
        {"DJANGO_SETTINGS_MODULE": "vault.settings", "VAULT_VAR_DIR": str(tmp_path), **env_update}
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_django(
        tmp_path,
        {
            "DEBUG": "0",
            "VAULT_HTTPS": "1",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "vault.example.org",
        },
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_in_production_mode_with_no_other_switch(tmp_path):
    result = run_django(
        tmp_path, PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


_SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, 'session': s.SESSION_COOKIE_SECURE, "
    "'csrf': s.CSRF_COOKIE_SECURE, 'debug': s.DEBUG, 'silenced': s.SILENCED_SYSTEM_CHECKS, "
    "'upgrade': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests']}))"
)


def test_production_mode_turns_every_https_protection_on_by_default(tmp_path):
    result = run_django(tmp_path, PRODUCTION_ENV, "-c", _SHOW)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {
        "redirect": True,
        "hsts": 31536000,
        "session": True,
        "csrf": True,
        "debug": False,
        "silenced": [],
        "upgrade": True,
    }


def test_a_loopback_load_test_may_turn_off_only_the_https_redirect(tmp_path):
    env = {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "0"}
    shown = json.loads(run_django(tmp_path, env, "-c", _SHOW).stdout)
    assert shown["redirect"] is False
    assert shown["session"] and shown["csrf"] and shown["hsts"] == 31536000
    assert shown["silenced"] == ["security.W008"]  # the one warning that choice raises, and only it
    assert shown["upgrade"] is False  # a browser on the plain-HTTP address must still load the page
    check = run_django(tmp_path, env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stdout + check.stderr


def test_manage_py_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_django(tmp_path, env, "manage.py", "check")
    assert result.returncode != 0
    assert "VAULT_ENV=production refuses to start: SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no development key was generated instead


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"CELERY_BROKER_URL": ""}, "CELERY_BROKER_URL is not set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"SECRET_KEY": "too-short-secret"}, "SECRET_KEY is too weak"),
        (
            {"SECRET_KEY": "django-insecure-" + "k" * 20 + "abcdefghijklmnopqrstuv"},
            "SECRET_KEY is too weak",
        ),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY is too weak"),
        ({"DEBUG": "1"}, "DEBUG is on"),
    ],
)
def test_production_mode_names_what_is_missing(monkeypatch, change, problem):
    for name, value in {**PRODUCTION_ENV, **change}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=problem):
        _require_production_environment()


def test_the_production_environment_itself_passes(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DEBUG", raising=False)
    _require_production_environment()  # raises nothing
