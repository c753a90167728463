"""The results page: ``/<lang>/search/?q=…`` (and ``?like=<point id>`` for "more like this")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from talks.models import Event, Talk

from .engine import SearchParams, search
from .forms import MAX_QUERY_CHARS, SearchForm


def talk_options() -> list[tuple[str, str]]:
    """(slug, "speaker — event") of every published talk, for the talk filter.

    Plain rows, not model instances with their translations: the filter lists every talk on every
    results page (1,000 talks in the load test: ~100 ms of a page's rendering went here).
    """
    rows = Talk.objects.published().values_list(
        "slug", "speaker__name", "event__name", "event__year"
    )
    return [
        (slug, f"{speaker or slug} — {f'{event} {year}' if event else ''}")
        for slug, speaker, event, year in rows
    ]


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    ui_lang = (get_language() or "en")[:2]
    context = {
        "search_query": request.GET.get("q", "")[:MAX_QUERY_CHARS],
        "max_chars": MAX_QUERY_CHARS,
        "params": request.GET,
        "talks": talk_options(),
        "events": Event.objects.all(),
    }
    status = 200
    if request.GET.get("q", "").strip() or request.GET.get("like"):
        form = SearchForm(request.GET)
        if form.is_valid():
            d = form.cleaned_data
            context["result"] = search(
                SearchParams(
                    q=d["q"],
                    lang=d["lang"],
                    k=d["k"],
                    talk=d["talk"] or None,
                    event=d["event"] or None,
                    year=d["year"],
                    like=d["like"],
                    ui_lang=ui_lang,
                )
            )
        else:
            context["error"] = form.error_message()
            status = 400
    return render(request, "search/results.html", context, status=status)
