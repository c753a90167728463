"""Project-level views: the root redirect, the favicon, the health probe and the error handlers (400,
404, 500).

Error answers follow one rule (``vault.middleware.wants_json``): JSON for API clients, the
``error.html`` page for browsers.
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from talks.models import Talk

from . import languages
from .middleware import DATABASE_ERRORS, database_unavailable, wants_json


def root_redirect(request: HttpRequest) -> HttpResponse:
    """``/`` → ``/en/`` or ``/es/`` following the browser's Accept-Language."""
    lang = translation.get_language_from_request(request, check_path=False)
    return redirect(f"/{languages.pick(lang)}/")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on any page that names no icon (the API's JSON, a
    widget opened on its own): the site's icon, not a 404 page (which would set the language form's
    CSRF cookie)."""
    return redirect(static("favicon.svg"), permanent=True)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "talks": Talk.objects.count()})


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message, "status": status}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 400, _("The request was not understood."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 404, _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(
        sys.exc_info()[1], DATABASE_ERRORS
    ):  # raised outside a view (a middleware, a render)
        return database_unavailable(request)
    return _error(request, 500, _("Something went wrong on our side; it has been logged."))
