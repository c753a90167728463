"""Schemathesis against the OpenAPI schema (/api/schema/) with every check it has, positive and
negative data, then the stateful phase (OpenAPI links: list → detail → run → run status).

The app is called in-process through its WSGI handler, on the test database with the corpus.
Demo runs: ``POST /api/demos/{slug}/runs/`` is exercised, but the task is not sent (``enqueue`` is
replaced by a no-op) — with eager Celery in tests every valid POST would otherwise run PyTorch
inference inline; what is checked here is the API's answer, not the demo (tests/test_demos_worker.py
runs demos through a real worker). The rate limit and queue cap are raised so random bodies reach
validation instead of being refused early. ``SCHEMATHESIS_EXAMPLES=N`` runs more examples.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils.timezone import now
from hypothesis import HealthCheck, settings

from demos.models import DemoRun

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# Data the schema allows must be accepted, and data it forbids refused (positive_data_acceptance,
# negative_data_rejection), besides the response checks.
schema.config.generation.update(modes=["positive", "negative"])
# The stateful phase follows links as a client does, with data the schema allows (negative data is
# the first test's business): a workflow of refused calls would reach nothing beyond its first step.
workflow_schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
workflow_schema.config.generation.update(modes=["positive"])
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "6"))
# The stateful phase needs more and longer workflows to reach every operation through links (with
# eight demos, 100 workflows spent themselves on the run operations and never reached the talks' links).
WORKFLOWS = int(os.environ.get("SCHEMATHESIS_WORKFLOWS", "200"))
WORKFLOW_STEPS = int(os.environ.get("SCHEMATHESIS_WORKFLOW_STEPS", "8"))
ROUNDS = int(os.environ.get("SCHEMATHESIS_ROUNDS", "4"))
HYPOTHESIS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
}


@pytest.fixture(autouse=True)
def no_demo_execution(monkeypatch, settings):
    """Runs are recorded but not executed, and end at once (as failed, saying so): a run that stayed
    queued would hold every generated ``?wait=`` call for its full ten seconds."""
    sent = []

    def enqueue(run, demo):
        sent.append(run.pk)
        DemoRun.objects.filter(pk=run.pk).update(
            status=DemoRun.Status.FAILED, error="not executed in this test", finished_at=now()
        )

    monkeypatch.setattr("demos.services.enqueue", enqueue)
    settings.DEMOS_RATE_LIMIT = "100000/60"
    settings.DEMOS_QUEUE_CAP = 100000
    return sent


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes "old" connections after each request, as Django's test client does not:
    inside the test's transaction that closes PostgreSQL's connection for good (an InterfaceError the
    app rightly answers with 503). Unhook it, like django.test.Client."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, **HYPOTHESIS)
def test_the_api_answers_every_request_within_its_schema(case):
    case.call_and_validate()  # every check: no checks= list, none excluded


@pytest.mark.slow
@pytest.mark.django_db
def test_every_operation_is_reachable_through_links_and_answers_within_its_schema():
    reached: set[str] = set()

    class Workflow(workflow_schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response, case):
            super().after_call(response, case)
            if response.status_code < 300:
                reached.add(case.operation.label)

    operations = {result.ok().label for result in schema.get_all_operations()}
    # The first round is derandomized (the same workflows every run). Which operations a fixed set
    # of random workflows reaches still depends on the data (the full suite's database and a lone
    # run's differ), so up to ROUNDS - 1 more rounds of fresh workflows look for what is missing;
    # every round checks every response against the schema.
    for round_ in range(ROUNDS):
        options = {**HYPOTHESIS, "derandomize": round_ == 0}
        Workflow.run(
            settings=settings(max_examples=WORKFLOWS, stateful_step_count=WORKFLOW_STEPS, **options)
        )
        if reached == operations:
            break
    assert reached == operations, (
        f"never answered 2xx in the stateful phase: {operations - reached}"
    )
