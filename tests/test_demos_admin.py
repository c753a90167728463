"""The admin list of runs: filter by status, cancel queued or running runs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from demos.models import CANCELLED, DemoRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def _run(status: str) -> DemoRun:
    return DemoRun.objects.create(demo="act", params={}, params_hash=status, status=status)


def test_the_list_filters_by_status(admin_client):
    _run("done"), _run("failed"), _run("queued")
    html = admin_client.get("/en/curate/demos/demorun/?status__exact=failed").content.decode()
    assert "1 demo run" in html


def test_cancel_fails_active_runs_and_leaves_finished_ones(admin_client):
    queued, running, done = _run("queued"), _run("running"), _run("done")
    response = admin_client.post(
        "/en/curate/demos/demorun/",
        {
            "action": "cancel_runs",
            "_selected_action": [str(queued.pk), str(running.pk), str(done.pk)],
        },
        follow=True,
    )
    assert "Cancelled 2 run(s)" in response.content.decode()
    for run in (queued, running):
        run.refresh_from_db()
        assert run.status == "failed" and run.error == CANCELLED and run.finished_at
    done.refresh_from_db()
    assert done.status == "done"
