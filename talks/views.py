"""Browsing pages: the talk list with filters and the talk page in EN, ES or side by side."""

from __future__ import annotations

import sys

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vault.middleware import DATABASE_ERRORS, database_unavailable, wants_json

from .cache import cached_page
from .filters import TalkFilters
from .models import LANG_CODES, SourceDocument, SummaryPoint, Talk

PAGE_SIZE = 12
VIEW_MODES = ("en", "es", "both")


def root_redirect(request: HttpRequest) -> HttpResponse:
    """``/`` → ``/en/`` or ``/es/`` following the browser's Accept-Language."""
    lang = translation.get_language_from_request(request, check_path=False)
    return redirect(f"/{lang if lang in LANG_CODES else 'en'}/")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "talks": Talk.objects.count()})


@require_GET
@cached_page(params=("event", "year", "speaker", "language", "page"))
def talk_list(request: HttpRequest) -> HttpResponse:
    filters = TalkFilters.from_query(request.GET)
    talks = filters.apply(Talk.objects.published().with_related().filter(kind=Talk.Kind.INVITED_TALK))
    page = Paginator(talks, PAGE_SIZE).get_page(request.GET.get("page"))
    discussions = (
        Talk.objects.published().with_related().filter(kind=Talk.Kind.DISCUSSION)
        if not filters.active
        else Talk.objects.none()
    )
    return render(
        request,
        "talks/list.html",
        {
            "page": page,
            "filters": filters,
            "choices": TalkFilters.choices(),
            "discussions": discussions,
            "lang": translation.get_language(),
            "query_without_page": filters.querystring(),
        },
    )


@require_GET
@cached_page(params=("show",))
def talk_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lang = translation.get_language()
    talk = get_object_or_404(
        Talk.objects.published().with_related().prefetch_related(
            Prefetch("points", queryset=SummaryPoint.objects.order_by("lang", "number")),
            Prefetch("sources", queryset=SourceDocument.objects.defer("raw_text")),
            "discussions__translations",
        ),
        slug=slug,
    )
    available = talk.languages()
    mode = request.GET.get("show", "")
    if mode not in VIEW_MODES:
        mode = lang if lang in available or not available else available[0]
    shown = [code for code in LANG_CODES if code in available] if mode == "both" else [mode]
    points = {code: [p for p in talk.points.all() if p.lang == code] for code in LANG_CODES}
    missing = [code for code in shown if code not in available]
    return render(
        request,
        "talks/detail.html",
        {
            "talk": talk,
            "lang": lang,
            "mode": mode,
            "shown": shown,
            "available": available,
            "missing": missing,
            "points": points,
            "columns": [(code, talk.translation(code), points[code]) for code in shown],
            "title": talk.title_in(lang),
            "translation": talk.translation(lang) or talk.translation(available[0]) if available else None,
            "sources": list(talk.sources.all()),
        },
    )


@require_GET
def source_text(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A source document verbatim, as plain text (what was imported, byte for byte)."""
    source = get_object_or_404(SourceDocument, pk=pk, talk__slug=slug)
    response = HttpResponse(source.raw_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{source.filename or source.checksum[:12] + ".txt"}"'
    return response


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message, "status": status}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 400, _("The request was not understood."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 404, _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):  # raised outside a view (a middleware, a render)
        return database_unavailable(request)
    return _error(request, 500, _("Something went wrong on our side; it has been logged."))
