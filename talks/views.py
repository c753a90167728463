"""Browsing pages: the front page, the talk list with filters and the talk page in EN, ES or both."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from .cache import cached_page
from .filters import TalkFilters
from .home import front_page_context
from .models import LANG_CODES, SourceDocument, SummaryPoint, Talk

PAGE_SIZE = 12
VIEW_MODES = (*LANG_CODES, "both")


LIST_PARAMS = ("event", "year", "speaker", "language", "page")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front page; a filtered address of the old list (``/en/?year=2017``) goes to the list."""
    if any(name in request.GET for name in LIST_PARAMS):
        return redirect(f"{reverse('talks:list')}?{request.GET.urlencode()}", permanent=True)
    return _front_page(request)


@cached_page()
def _front_page(request: HttpRequest) -> HttpResponse:
    return render(request, "talks/home.html", front_page_context(translation.get_language()))


@require_GET
@cached_page(params=LIST_PARAMS)
def talk_list(request: HttpRequest) -> HttpResponse:
    filters = TalkFilters.from_query(request.GET)
    talks = filters.apply(
        Talk.objects.published().with_related().filter(kind=Talk.Kind.INVITED_TALK)
    )
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
        Talk.objects.published()
        .with_related()
        .prefetch_related(
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
            "title_lang": talk.title_lang(lang),
            "translation": talk.translation(lang) or talk.translation(available[0])
            if available
            else None,
            "sources": list(talk.sources.all()),
            "cite_lang": lang if lang in available or not available else available[0],
        },
    )


@require_GET
def source_text(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A source document verbatim, as plain text (what was imported, byte for byte)."""
    source = get_object_or_404(SourceDocument, pk=pk, talk__slug=slug)
    response = HttpResponse(source.raw_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'inline; filename="{source.filename or source.checksum[:12] + ".txt"}"'
    )
    return response
