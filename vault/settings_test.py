"""Settings for the test suite: the same as production but plain static storage (no collectstatic
needed), fast password hashing, and Celery tasks run in-process unless a test starts a real worker."""

import os

os.environ.setdefault("VAULT_PLAIN_STATIC", "1")

from vault.settings import *  # noqa: F403
from vault.settings import STORAGES, VAR_DIR

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
TEST_VAR_DIR = VAR_DIR / "test"
TEST_VAR_DIR.mkdir(parents=True, exist_ok=True)
