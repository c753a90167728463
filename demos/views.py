"""Demo pages: the index, one page per demo, and the embeddable widget.

The controls are generated from the plug-in's parameter schema and pre-filled from the query string,
so the address of a page is a shareable description of a run (``/en/demos/act/?k=6&tau=1e-2``).
Runs themselves go through the JSON API (``demos.api``), driven by ``static/demos/demo-page.js``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from talks.models import SummaryPoint, Talk
from vault import languages

from . import registry, schema
from .embeds import embeddable
from .reports import page_report
from .ui_text import ui

EMBED_WIDTH = 760
EMBED_HEIGHT = 900


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or "en"
    return languages.pick(lang)


def _demo_or_404(slug: str) -> registry.Demo:
    demo = registry.get(slug)
    if demo is None:
        raise Http404("No such demo.")
    return demo


def initial_values(demo: registry.Demo, query: Any) -> tuple[dict[str, Any], list[str]]:
    """Parameter values from the query string (valid ones) over the defaults, and the names rejected."""
    values = demo.defaults()
    rejected = []
    for name, spec in demo.params_schema.items():
        if name in query:
            value, error = schema.coerce(spec, query.get(name))
            if error:
                rejected.append(name)
            else:
                values[name] = value
    return values, rejected


def controls(demo: registry.Demo, lang: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """One dict per form control, in schema order, for ``demos/_controls.html``."""
    out = []
    for name, spec in demo.params_schema.items():
        value = values[name]
        out.append(
            {
                "name": name,
                "type": spec["type"],
                "label": spec["label"].get(lang) or spec["label"]["en"],
                "help": (spec.get("help") or {}).get(lang, ""),
                "value": value,
                "min": spec.get("min"),
                "max": spec.get("max"),
                "step": spec.get("step", 1 if spec["type"] == "int" else "any"),
                "choices": spec.get("choices", []),
                "max_length": spec.get("max_length", schema.DEFAULT_STR_MAX),
                "pattern": spec.get("pattern", ""),
            }
        )
    return out


def query_string(demo: registry.Demo, values: dict[str, Any]) -> str:
    """The query string of the parameters that differ from the defaults (short shareable links)."""
    defaults = demo.defaults()
    changed = {
        k: (str(v).lower() if isinstance(v, bool) else v)
        for k, v in values.items()
        if v != defaults[k]
    }
    return urlencode(changed)


def talk_points(demo: registry.Demo, lang: str) -> list[dict[str, Any]]:
    """The talk points the demo illustrates, with their text (page language first) and link."""
    talk = Talk.objects.filter(slug=demo.talk).first()
    if talk is None:
        return []
    rows = SummaryPoint.objects.filter(talk=talk, number__in=demo.meta["points"])
    by_number: dict[int, SummaryPoint] = {}
    for point in rows:
        if point.number not in by_number or point.lang == lang:
            by_number[point.number] = point
    url = reverse("talks:detail", args=[talk.slug])
    return [
        {"number": n, "text": p.text, "lang": p.lang, "url": f"{url}#point-{p.lang}-{n}"}
        for n, p in sorted(by_number.items())
    ]


def renderer_js(demo: registry.Demo) -> str | None:
    """``demos/<slug>.js`` when the plug-in ships its renderer (the page falls back to raw JSON)."""
    path = f"demos/{demo.slug}.js"
    return path if finders.find(path) else None


def page_context(
    request: HttpRequest, demo: registry.Demo, lang: str, *, embed: bool
) -> dict[str, Any]:
    values, rejected = initial_values(demo, request.GET)
    qs = query_string(demo, values)
    page_path = f"/{lang}/demos/{demo.slug}/"
    embed_path = reverse("demos_embed:demo", args=[demo.slug])
    embed_src = request.build_absolute_uri(
        f"{embed_path}?{urlencode({'lang': lang})}{'&' + qs if qs else ''}"
    )
    page_url = request.build_absolute_uri(page_path + (f"?{qs}" if qs else ""))
    return {
        "demo": demo,
        "renderer_js": renderer_js(demo),
        "lang": lang,
        "t": ui(lang),
        "title": demo.title(lang),
        "summary": demo.text("summary", lang),
        "paragraphs": [
            p.strip() for p in demo.text("explanation", lang).split("\n\n") if p.strip()
        ],
        "controls": controls(demo, lang, values),
        "evaluation": None if embed else page_report(demo, lang),
        "rejected": rejected,
        "embed": embed,
        "page_url": page_url,
        "embed_src": embed_src,
        "embed_width": EMBED_WIDTH,
        "embed_height": EMBED_HEIGHT,
        "oembed_url": request.build_absolute_uri(
            reverse("demos_oembed:oembed") + "?" + urlencode({"url": page_url, "format": "json"})
        ),
        "config": {
            "slug": demo.slug,
            "lang": lang,
            "embed": embed,
            "runsUrl": reverse("demos_api:runs", args=[demo.slug]),
            "pagePath": page_path,
            "embedPath": embed_path,
            "embedWidth": EMBED_WIDTH,
            "embedHeight": EMBED_HEIGHT,
            "defaults": demo.defaults(),
            "autorun": bool(qs) or request.GET.get("run") == "1",
            "text": ui(lang),
        },
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    cards = [
        {
            "demo": d,
            "title": d.title(lang),
            "summary": d.text("summary", lang),
            "url": reverse("demos:detail", args=[d.slug]),
            "talk_url": reverse("talks:detail", args=[d.talk]),
        }
        for d in registry.all_demos()
    ]
    return render(request, "demos/index.html", {"cards": cards, "lang": lang, "t": ui(lang)})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    demo = _demo_or_404(slug)
    lang = _lang(request)
    context = page_context(request, demo, lang, embed=False)
    context["points"] = talk_points(demo, lang)
    context["talk_url"] = reverse("talks:detail", args=[demo.talk])
    return render(request, "demos/detail.html", context)


@require_GET
@embeddable
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The widget for an <iframe>: no site chrome, no cookies, runs through the anonymous API."""
    demo = _demo_or_404(slug)
    lang = _lang(request)
    with translation.override(lang):
        return render(request, "demos/embed.html", page_context(request, demo, lang, embed=True))
