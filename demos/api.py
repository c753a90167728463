"""JSON API of the demos: list them, start a run, follow a run.

Runs are anonymous: no session and no CSRF token are involved, so the same calls work from a demo
page, from an embedded widget inside a third-party page (where the browser sends no cookies) and
from scripts. Abuse is bounded per client address instead (rate limit, queue cap, body size).
"""

from __future__ import annotations

import math
import time
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from vault import languages

from . import conf, registry, schema, services
from .models import DemoRun

MAX_WAIT_S = 10.0
# The held answer re-reads the row at growing intervals: quick for fast runs, cheap for slow ones
# (each re-read costs CPU that the worker, on the same small machine, needs for the run itself).
WAIT_POLL_FIRST_S = 0.01
WAIT_POLL_MAX_S = 0.05


def demo_payload(demo: registry.Demo, request: HttpRequest) -> dict[str, Any]:
    meta = demo.meta
    return {
        "slug": demo.slug,
        "title": meta["title"],
        "summary": meta["summary"],
        "talk": meta["talk"],
        "points": meta["points"],
        "nodes": meta["nodes"],
        "also_talks": meta.get("also_talks", []),
        "deterministic": demo.deterministic,
        "time_limit_s": demo.time_limit_s,
        "params": demo.params_schema,
        "urls": {
            "page": {
                lang: request.build_absolute_uri(f"/{lang}/demos/{demo.slug}/")
                for lang in languages.codes()
            },
            "embed": request.build_absolute_uri(reverse("demos_embed:demo", args=[demo.slug])),
            "runs": request.build_absolute_uri(reverse("demos_api:runs", args=[demo.slug])),
        },
    }


def run_payload(run: DemoRun, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": str(run.id),
        "demo": run.demo,
        "status": run.status,
        "progress": run.progress,
        "message": run.message,
        "params": run.params,
        "result": run.result if run.status == DemoRun.Status.DONE else None,
        "error": run.error if run.status == DemoRun.Status.FAILED else "",
        "cached": run.cached,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "inference_ms": run.inference_ms,
        "total_ms": run.total_ms,
        "url": request.build_absolute_uri(reverse("demos_api:run", args=[run.id])),
    }


def _refusal(refused: services.Refused) -> Response:
    response = Response({"error": refused.message, "status": refused.status}, status=refused.status)
    response["Retry-After"] = str(refused.retry_after)
    return response


def _wait_seconds(raw: str | None) -> float | None:
    """``?wait=`` as seconds, or None when it is not a number from 0 to MAX_WAIT_S (a 400)."""
    if raw is None:
        return 0.0
    try:
        wait = float(raw)
    except ValueError:
        return None
    return wait if math.isfinite(wait) and 0 <= wait <= MAX_WAIT_S else None


@extend_schema(operation_id="demos_list", responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def demo_list(request: Request) -> Response:
    """Every available demo with its parameter schema."""
    return Response({"results": [demo_payload(d, request) for d in registry.all_demos()]})


@extend_schema(
    operation_id="demos_detail", responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def demo_detail(request: Request, slug: str) -> Response:
    demo = registry.get(slug)
    if demo is None:
        return Response({"error": "No such demo.", "status": 404}, status=404)
    return Response(demo_payload(demo, request))


@extend_schema(
    operation_id="demos_run_create",
    request=OpenApiTypes.OBJECT,
    responses={
        201: OpenApiTypes.OBJECT,
        400: OpenApiTypes.OBJECT,
        404: OpenApiTypes.OBJECT,
        413: OpenApiTypes.OBJECT,
        429: OpenApiTypes.OBJECT,
        503: OpenApiTypes.OBJECT,
    },
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def run_create(request: Request, slug: str) -> Response:
    """Start a run: body ``{"params": {...}}`` (missing parameters take their defaults).

    201 with the run; 400 with ``fields`` when a parameter is invalid; 413 for an oversized body;
    429 (rate limit) or 503 (queue full) with ``Retry-After``.
    """
    demo = registry.get(slug)
    if demo is None:
        return Response({"error": "No such demo.", "status": 404}, status=404)
    limit = conf.max_body_bytes()
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if (
        length <= limit
    ):  # the header may be absent or lie: measure what came (not before: 2 MiB cap)
        length = len(request.body)
    if length > limit:
        return Response(
            {
                "error": f"The request body is {length} bytes; at most {limit} are accepted. "
                "No run was started.",
                "status": 413,
            },
            status=413,
        )
    body = request.data if request.body else {}
    if not isinstance(body, dict) or set(body) - {"params"}:
        return Response(
            {
                "error": "invalid request",
                "status": 400,
                "fields": {"non_field_errors": ['Send {"params": {...}}.']},
            },
            status=400,
        )
    # JSON bodies are typed: a number is a JSON number, as the OpenAPI schema says (strict).
    params, errors = schema.validate(demo.params_schema, body.get("params", {}), strict=True)
    if errors:
        return Response(
            {"error": "invalid parameters", "status": 400, "fields": errors}, status=400
        )
    try:
        run = services.start_run(
            demo,
            params,
            services.client_fingerprint(request),
            via_embed=request.headers.get("X-Demo-Embed") == "1",
        )
    except services.Refused as refused:
        return _refusal(refused)
    response = Response(run_payload(run, request), status=status.HTTP_201_CREATED)
    response["Location"] = run_payload(run, request)["url"]
    return response


@extend_schema(
    operation_id="demos_run_detail",
    parameters=[
        OpenApiParameter(
            "wait",
            {"type": "number", "minimum": 0, "maximum": MAX_WAIT_S},
            description="Hold the answer up to this many seconds (0 to 10)",
        )
    ],
    responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def run_detail(request: Request, run_id: UUID) -> Response:
    """A run's state. ``?wait=S`` (at most 10) holds the answer until the run ends or S seconds pass."""
    wait = _wait_seconds(request.GET.get("wait"))
    if wait is None:
        return Response(
            {"error": f"wait must be a number of seconds from 0 to {MAX_WAIT_S:g}", "status": 400},
            status=400,
        )
    DemoRun.objects.fail_stale()
    run = get_object_or_404(DemoRun, pk=run_id)
    deadline = time.monotonic() + wait
    last_sweep = time.monotonic()
    interval = WAIT_POLL_FIRST_S
    while not run.finished and time.monotonic() < deadline:
        time.sleep(interval)
        interval = min(WAIT_POLL_MAX_S, interval * 1.5)
        if time.monotonic() - last_sweep > 1.0:  # the stale check writes; once a second is plenty
            DemoRun.objects.fail_stale()
            last_sweep = time.monotonic()
        run.refresh_from_db()
    return Response(run_payload(run, request))
