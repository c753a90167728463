"""Graph pages: the vault-wide concept map, a talk's graph page, and the chrome-less embed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_GET

from graphs.services import talk_graph_context, vault_summary
from talks.cache import cached_page
from talks.models import LANG_CODES, Talk


@require_GET
@cached_page()
def vault_graph(request: HttpRequest) -> HttpResponse:
    lang = translation.get_language()
    return render(request, "graphs/vault.html", {"summary": vault_summary(lang), "lang": lang})


@require_GET
@cached_page()
def talk_graph(request: HttpRequest, slug: str) -> HttpResponse:
    talk = get_object_or_404(Talk.objects.published().with_related(), slug=slug)
    lang = translation.get_language()
    return render(
        request,
        "graphs/talk.html",
        {"talk": talk, "lang": lang, "gv": talk_graph_context(talk, lang)},
    )


@require_GET
def embed_talk_graph(request: HttpRequest, slug: str) -> HttpResponse:
    """``/embed/talks/<slug>/graph/?lang=es``: both views, no site chrome (framing headers: demos app)."""
    lang = request.GET.get("lang", "en")
    if lang not in LANG_CODES:
        raise Http404("unknown language")
    talk = get_object_or_404(Talk.objects.published().with_related(), slug=slug)
    with translation.override(lang):
        context = {
            "talk": talk,
            "lang": lang,
            "gv": talk_graph_context(talk, lang),
            "title": talk.title_in(lang),
        }
        return render(request, "graphs/embed.html", context)
