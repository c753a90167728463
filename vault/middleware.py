"""A clean 503 while the database is unreachable, instead of a stack trace or a generic 500.

``OperationalError`` / ``InterfaceError`` (PostgreSQL down or refusing connections, a SQLite file that
cannot be opened, a lock held too long) mean "try again later", not "the code is broken": pages get
the site's error page with status 503, the API gets ``{"error", "status": 503}``, both with
``Retry-After``. Nothing here touches the database. The middleware catches what views raise; the
500 handler (``vault.views.server_error``) sends the same answer for errors raised outside a view.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_S = 30


def wants_json(request: HttpRequest) -> bool:
    """Whether an error answer should be JSON: the API, or a client asking for JSON."""
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    message = _("The database is unavailable right now; please try again in a minute.")
    if wants_json(request):
        response: HttpResponse = JsonResponse({"error": message, "status": 503}, status=503)
    else:
        try:
            # No context processors: the auth and messages ones may read the session from the database.
            html: str = render_to_string(
                "error.html",
                {
                    "status": 503,
                    "message": message,
                    "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "en"),
                },
            )
        except Exception:  # noqa: BLE001 — the error page itself must not fail
            html = f"<!doctype html><title>503</title><h1>503</h1><p>{escape(message)}</p>"
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("database unavailable (%s %s): %s", request.method, request.path, exception)
        return database_unavailable(request)
