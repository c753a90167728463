"""The demo API: starting and following runs, field errors, guard rails, result cache, failures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from demos import tasks
from demos.models import NEVER_STARTED, WORKER_LOST, DemoRun
from tests.demos_support import *  # fixtures: probe, run_now

pytestmark = pytest.mark.django_db


def test_the_list_describes_every_demo_with_its_schema(client, probe):
    body = client.get("/api/demos/").json()
    slugs = [d["slug"] for d in body["results"]]
    assert "probe" in slugs
    probe_entry = body["results"][slugs.index("probe")]
    assert probe_entry["params"]["count"]["max"] == 8
    assert probe_entry["urls"]["embed"].endswith("/embed/demos/probe/")
    assert client.get("/api/demos/probe/").json()["slug"] == "probe"
    assert client.get("/api/demos/nope/").status_code == 404


def test_a_run_goes_from_post_to_a_done_result(client, probe, run_now):
    response = run_now(client, "probe", {"count": 3, "bits": "101"})
    assert response.status_code == 201
    run = response.json()
    assert response["Location"] == run["url"]
    body = client.get(f"/api/demos/runs/{run['id']}/").json()
    assert body["status"] == "done" and body["progress"] == 100
    assert body["result"]["echo"] == {
        "count": 3,
        "seconds": 0.0,
        "mode": "echo",
        "bits": "101",
        "flag": False,
    }
    assert body["inference_ms"] is not None and body["error"] == ""


def test_a_run_is_queued_until_a_worker_takes_it(client, probe, django_capture_on_commit_callbacks):
    sent = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/api/demos/probe/runs/", {}, content_type="application/json")
    sent.extend(callbacks)
    assert response.status_code == 201 and response.json()["status"] == "queued"
    assert len(sent) == 1  # the task is sent only once the run is committed


def test_bad_parameters_answer_400_with_field_errors(client, probe):
    response = client.post(
        "/api/demos/probe/runs/",
        {"params": {"count": 99, "mode": "nope", "bits": "2"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"count", "mode", "bits"}
    assert DemoRun.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    ['{"params": ', '["count"]', '{"count": 3}', '{"params": [1]}', '"text"'],
)
def test_malformed_bodies_answer_400(client, probe, body):
    response = client.post("/api/demos/probe/runs/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_an_oversized_body_answers_413(client, probe, settings):
    settings.DEMOS_MAX_BODY_BYTES = 200
    body = json.dumps({"params": {"bits": "0" * 300}})
    response = client.post("/api/demos/probe/runs/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"] == (
        f"The request body is {len(body)} bytes; at most 200 are accepted. No run was started."
    )
    assert not DemoRun.objects.exists()


@pytest.mark.parametrize("params", [{"count": "5"}, {"count": 5.0}, {"count": True}])
def test_a_json_body_is_typed_as_the_schema_says(client, probe, params):
    response = client.post(
        "/api/demos/probe/runs/", {"params": params}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"count": ["Must be a whole number."]}


@pytest.mark.parametrize("wait", ["11", "-1", "soon", "nan"])
def test_a_wait_outside_0_to_10_seconds_answers_400(client, probe, run_now, wait):
    run = run_now(client, "probe", {"count": 1}).json()
    response = client.get(f"/api/demos/runs/{run['id']}/?wait={wait}")
    assert response.status_code == 400 and "from 0 to 10" in response.json()["error"]


def test_each_demo_has_its_run_endpoint_in_the_schema_with_its_params(client, probe):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/demos/probe/runs/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    params = body["properties"]["params"]
    assert body["additionalProperties"] is False and params["additionalProperties"] is False
    assert params["properties"]["count"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 8,
        "default": 4,
    }
    links = operation["responses"]["201"]["links"]
    assert links["RunStatus"] == {
        "operationId": "demos_run_detail",
        "parameters": {"run_id": "$response.body#/id"},
    }
    listed = schema["paths"]["/api/demos/"]["get"]["responses"]["200"]["links"]
    assert listed["Run_probe"] == {"operationId": "demos_run_create_probe"}
    assert "/api/demos/{slug}/runs/" not in schema["paths"]


def test_an_unknown_demo_answers_404(client):
    assert (
        client.post("/api/demos/nope/runs/", {}, content_type="application/json").status_code == 404
    )
    assert client.get("/api/demos/runs/7b7d1b9e-1f6e-4c43-9d35-52a1c3b1f6aa/").status_code == 404


def test_the_rate_limit_answers_429_with_retry_after(client, probe, settings, run_now):
    settings.DEMOS_RATE_LIMIT = "3/60"
    for count in range(3):
        assert run_now(client, "probe", {"count": count}).status_code == 201
    refused = run_now(client, "probe", {"count": 4})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    said = refused.json()["error"]
    assert "at most 3 every 60 s" in said and "This run was not started" in said
    # Another client address has its own allowance.
    assert run_now(client, "probe", {"count": 5}, REMOTE_ADDR="10.0.0.9").status_code == 201


def test_the_rate_limit_window_slides(client, probe, settings, run_now):
    settings.DEMOS_RATE_LIMIT = "1/60"
    assert run_now(client, "probe", {"count": 1}).status_code == 201
    DemoRun.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert run_now(client, "probe", {"count": 2}).status_code == 201


def test_a_full_queue_answers_503_with_retry_after(
    client, probe, settings, django_capture_on_commit_callbacks
):
    settings.DEMOS_QUEUE_CAP = 2
    with django_capture_on_commit_callbacks(execute=False):
        for count in range(2):
            assert (
                client.post(
                    "/api/demos/probe/runs/",
                    {"params": {"count": count}},
                    content_type="application/json",
                ).status_code
                == 201
            )
        refused = client.post(
            "/api/demos/probe/runs/", {"params": {"count": 7}}, content_type="application/json"
        )
    assert refused.status_code == 503
    assert int(refused["Retry-After"]) > 0
    assert DemoRun.objects.count() == 2
    said = refused.json()["error"]
    assert "at most 2 queued or running runs" in said and "This run was not started" in said


def test_identical_requests_of_a_deterministic_demo_come_from_the_cache(
    client, probe, run_now, monkeypatch
):
    first = run_now(client, "probe", {"count": 6}).json()
    calls = []
    monkeypatch.setattr(tasks.run_demo, "apply_async", lambda *a, **k: calls.append(a))
    second = run_now(client, "probe", {"count": 6})
    assert second.status_code == 201
    body = second.json()
    assert body["status"] == "done" and body["cached"] is True and calls == []
    assert body["result"] == client.get(f"/api/demos/runs/{first['id']}/").json()["result"]
    monkeypatch.undo()
    # Different parameters are computed afresh.
    assert run_now(client, "probe", {"count": 5}).json()["cached"] is False


def test_a_non_deterministic_demo_is_never_served_from_the_cache(client, probe, run_now):
    probe.meta["deterministic"] = False
    try:
        run_now(client, "probe", {"count": 2})
        assert run_now(client, "probe", {"count": 2}).json()["cached"] is False
    finally:
        probe.meta["deterministic"] = True


def test_a_failing_demo_ends_failed_without_paths_or_tracebacks(client, probe, run_now):
    for mode in ("fail", "crash"):
        run = run_now(client, "probe", {"mode": mode}).json()
        body = client.get(f"/api/demos/runs/{run['id']}/").json()
        assert body["status"] == "failed" and body["result"] is None
        assert (
            "/" not in body["error"]
            and "Traceback" not in body["error"]
            and "probe" not in body["error"]
        )
    assert body["error"]  # a message, even for an unexpected crash


def test_results_are_scrubbed_of_server_paths_and_non_json_numbers(client, probe, run_now):
    run = run_now(client, "probe", {"flag": True}).json()
    result = client.get(f"/api/demos/runs/{run['id']}/").json()["result"]
    assert "demo_plugins" not in json.dumps(result) and result["where"]
    nan = run_now(client, "probe", {"mode": "nan"}).json()
    assert client.get(f"/api/demos/runs/{nan['id']}/").json()["result"]["ratio"] is None


def test_an_oversized_result_fails_the_run(client, probe, run_now):
    run = run_now(client, "probe", {"mode": "huge"}).json()
    body = client.get(f"/api/demos/runs/{run['id']}/").json()
    assert body["status"] == "failed" and "too large" in body["error"]


def test_a_running_run_whose_heartbeat_stopped_is_failed_when_read(client, probe, settings):
    settings.DEMOS_HEARTBEAT_TIMEOUT_S = 5
    old = timezone.now() - timedelta(seconds=6)
    run = DemoRun.objects.create(
        demo="probe", params={}, params_hash="x", status="running", started_at=old, heartbeat_at=old
    )
    fresh = DemoRun.objects.create(
        demo="probe",
        params={},
        params_hash="y",
        status="running",
        started_at=old,
        heartbeat_at=timezone.now(),
    )
    body = client.get(f"/api/demos/runs/{run.id}/").json()
    assert body["status"] == "failed" and body["error"] == WORKER_LOST
    fresh.refresh_from_db()
    assert fresh.status == "running"


def test_a_run_no_worker_picks_up_is_failed_after_the_queue_timeout(client, probe, settings):
    settings.DEMOS_QUEUE_TIMEOUT_S = 60
    run = DemoRun.objects.create(
        demo="probe", params={}, params_hash="x", created_at=timezone.now() - timedelta(seconds=61)
    )
    body = client.get(f"/api/demos/runs/{run.id}/").json()
    assert body["status"] == "failed" and body["error"] == NEVER_STARTED


def test_a_task_never_runs_a_run_twice(probe, run_now, client):
    run = run_now(client, "probe", {"count": 1}).json()
    finished = DemoRun.objects.get(pk=run["id"]).finished_at
    assert tasks.run_demo.apply(args=[run["id"]]).get() == {"status": "skipped"}
    assert DemoRun.objects.get(pk=run["id"]).finished_at == finished


def test_cancelled_runs_are_not_overwritten_by_their_task(probe):
    run = DemoRun.objects.create(
        demo="probe",
        params={"count": 1, "seconds": 0, "mode": "echo", "bits": "", "flag": False},
        params_hash="x",
    )
    DemoRun.objects.filter(pk=run.pk).update(
        status="failed", error="Cancelled by an administrator."
    )
    tasks.run_demo.apply(args=[str(run.pk)])
    run.refresh_from_db()
    assert run.status == "failed" and run.result is None


def test_wait_holds_the_answer_until_the_run_ends(client, probe, run_now):
    run = run_now(client, "probe").json()
    body = client.get(f"/api/demos/runs/{run['id']}/?wait=2").json()
    assert body["status"] == "done"
