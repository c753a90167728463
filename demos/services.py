"""Starting a run, with the guard rails in front of it: rate limit, queue cap, result cache.

Views call :func:`start_run` and turn its refusals into HTTP answers (429 / 503 with Retry-After).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from . import conf, registry
from .models import DemoRun, params_digest
from .tasks import enqueue

# When the queue is full, suggest a retry after roughly one run's worth of time.
QUEUE_RETRY_AFTER_S = 10
# When the broker cannot be reached: kombu's error for a refused or lost connection, OSError for the
# embedded filesystem broker (a missing or full folder).
BROKER_ERRORS = (KombuOperationalError, OSError)
BROKER_RETRY_AFTER_S = 30
logger = logging.getLogger(__name__)


@dataclass
class Refused(Exception):
    status: int
    message: str
    retry_after: int


def client_fingerprint(request: HttpRequest) -> str:
    """A keyed hash of the client's address: enough to rate-limit, useless to anyone reading the DB."""
    address = request.META.get("REMOTE_ADDR", "")
    if conf.trust_x_forwarded_for():
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[0].strip()
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def check_rate(requester: str) -> None:
    """Refuse (429) a client that started its quota of runs within the window."""
    limit, window = conf.rate_limit()
    recent = DemoRun.objects.recent_by(requester, window)
    if recent.count() < limit:
        return
    # A slot frees when the oldest run of the window ages out of it.
    oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
    wait = (
        (oldest + timedelta(seconds=window) - timezone.now()).total_seconds() if oldest else window
    )
    retry = max(1, math.ceil(wait))
    raise Refused(
        429,
        f"Too many runs from this client: at most {limit} every {window} s. This run was not "
        f"started; try again in {retry} s.",
        retry,
    )


def check_queue() -> None:
    """Refuse (503) new work while the queue already holds its cap of runs."""
    DemoRun.objects.fail_stale()
    cap = conf.queue_cap()
    if DemoRun.objects.active().count() >= cap:
        raise Refused(
            503,
            f"The demo queue is full: it holds at most {cap} queued or running runs. This run was "
            f"not started; try again in {QUEUE_RETRY_AFTER_S} s.",
            QUEUE_RETRY_AFTER_S,
        )


def start_run(
    demo: registry.Demo, params: dict[str, Any], requester: str, *, via_embed: bool = False
) -> DemoRun:
    """A new run of ``demo`` with validated ``params``: served from the cache when possible, else queued.

    Raises :class:`Refused` for the rate limit or the queue cap.
    """
    check_rate(requester)
    digest = params_digest(demo.slug, params, demo.fingerprint())
    if demo.deterministic:
        hit = DemoRun.objects.cached_result(demo.slug, digest)
        if hit is not None:
            now = timezone.now()
            return DemoRun.objects.create(
                demo=demo.slug,
                params=params,
                params_hash=digest,
                status=DemoRun.Status.DONE,
                progress=100,
                message="done",
                result=hit.result,
                cached=True,
                requester=requester,
                via_embed=via_embed,
                created_at=now,
                started_at=now,
                finished_at=now,
                inference_ms=0,
            )
    check_queue()
    run = None
    try:
        with transaction.atomic():
            run = DemoRun.objects.create(
                demo=demo.slug,
                params=params,
                params_hash=digest,
                requester=requester,
                via_embed=via_embed,
                message="queued",
                task_id=str(uuid.uuid4()),
            )
            enqueue(run, demo)  # sent when the block commits; a broker error surfaces here
    except BROKER_ERRORS:
        # The broker (Redis) is down: refuse cleanly instead of a 500, and leave no run that would wait
        # for a message that was never sent. Runs queued before the outage are the broker's to keep.
        logger.exception("could not queue a %s run: the broker is unavailable", demo.slug)
        if run is not None:
            DemoRun.objects.filter(pk=run.pk).delete()
        raise Refused(
            503,
            "The demo service is unavailable right now; try again shortly.",
            BROKER_RETRY_AFTER_S,
        ) from None
    return run
