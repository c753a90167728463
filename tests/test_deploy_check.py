"""`manage.py check --deploy` with production settings reports nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = os.environ.copy()
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright, never in deployment
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vault.settings",
            "VAULT_VAR_DIR": str(tmp_path),
            "DEBUG": "0",
            "VAULT_HTTPS": "1",
            "SECRET_KEY": "x" * 30 + "-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a",
            "ALLOWED_HOSTS": "vault.example.org",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
