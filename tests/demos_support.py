"""Fixtures shared by the demo platform tests (import the ones a test module uses)."""

from __future__ import annotations

import pytest

from demos import registry

__all__ = ["probe", "run_now"]

PROBE = "tests.demo_plugins.probe"


@pytest.fixture
def probe(settings):
    """The probe plug-in registered beside the real demos, with generous guard rails."""
    settings.DEMOS_EXTRA_PACKAGES = [PROBE]
    settings.DEMOS_RATE_LIMIT = "1000/60"
    settings.DEMOS_QUEUE_CAP = 1000
    registry.reset()
    yield registry.get("probe")
    registry.reset()


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """POST to start a run with the task executed in-process at commit (CELERY_TASK_ALWAYS_EAGER)."""

    def post(client, slug: str, params: dict | None = None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                f"/api/demos/{slug}/runs/",
                {"params": params or {}},
                content_type="application/json",
                **extra,
            )

    return post
