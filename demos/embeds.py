"""Embeddable pages and the oEmbed 1.0 endpoint (https://oembed.com/).

Every page of the site keeps ``X-Frame-Options: DENY`` (and CSP ``frame-ancestors 'none'``); views
wrapped in :func:`embeddable` drop it and send the site's Content-Security-Policy with
``frame-ancestors …`` from ``DEMOS_FRAME_ANCESTORS`` ("*" by default, or an allow-list of origins).
They also never set a cookie, so the widget works inside third-party pages whose browsers block
third-party cookies.

``GET /oembed/?url=…&format=json`` answers for demo pages (``/<lang>/demos/<slug>/``), demo widgets
(``/embed/demos/<slug>/``), talk pages (``/<lang>/talks/<slug>/``) and talk-graph widgets
(``/embed/talks/<slug>/graph/``) with a ``rich`` object whose ``html`` is an ``<iframe>``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from talks.models import Talk
from vault import languages

from . import conf, registry

PROVIDER_NAME = "Knowledge Vault"
DEFAULT_SIZE = {"demo": (760, 900), "graph": (900, 600)}
MIN_SIZE = 200
CACHE_AGE_S = 3600
_DEMO_PAGE = re.compile(r"^/(?P<lang>en|es)/demos/(?P<slug>[\w-]+)/?$")
_DEMO_EMBED = re.compile(r"^/embed/demos/(?P<slug>[\w-]+)/?$")
_TALK_PAGE = re.compile(r"^/(?P<lang>en|es)/talks/(?P<slug>[\w-]+)/?$")
_GRAPH_EMBED = re.compile(r"^/embed/talks/(?P<slug>[\w-]+)/graph/?$")


def frame_ancestors_header() -> str:
    """The site's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) with the embeds' own
    ``frame-ancestors``: a widget may be framed, but it still runs only the site's own scripts."""
    ancestors = conf.frame_ancestors()
    return build_policy(replace={"frame-ancestors": ancestors}) or "frame-ancestors " + " ".join(
        ancestors
    )


def make_embeddable(response: HttpResponse) -> HttpResponse:
    """Let the configured ancestors frame ``response``; drop X-Frame-Options and any cookie."""
    response["Content-Security-Policy"] = frame_ancestors_header()
    if "X-Frame-Options" in response:
        del response["X-Frame-Options"]
    response.cookies.clear()
    return response


def embeddable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Allow framing of ``view`` by the configured ancestors, and send no cookies from it.

    ``demos.middleware.EmbedFramingMiddleware`` does the same for every ``/embed/`` path (the
    talk-graph widget included); the decorator keeps a widget view embeddable wherever it is mounted.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False  # the widget never needs a CSRF cookie
        return make_embeddable(view(request, *args, **kwargs))

    return xframe_options_exempt(wrapper)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message, "status": status}, status=status)


def _fit(default: tuple[int, int], maxwidth: str | None, maxheight: str | None) -> tuple[int, int]:
    """The default size scaled down (aspect kept) to fit the consumer's maxwidth/maxheight."""
    width, height = default
    scale = 1.0
    for limit, size in ((maxwidth, width), (maxheight, height)):
        if limit and limit.isdigit() and int(limit) < size:
            scale = min(scale, max(int(limit), MIN_SIZE) / size)
    return int(width * scale), int(height * scale)


def resolve(url: str) -> dict | None:
    """What ``url`` points at: {kind, slug, lang, query, title} for something embeddable, else None."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for pattern, kind in (
        (_DEMO_PAGE, "demo"),
        (_DEMO_EMBED, "demo"),
        (_TALK_PAGE, "graph"),
        (_GRAPH_EMBED, "graph"),
    ):
        match = pattern.match(parts.path)
        if not match:
            continue
        lang = match.groupdict().get("lang") or query.get("lang", "en")
        lang = languages.pick(lang)
        slug = match["slug"]
        if kind == "demo":
            demo = registry.get(slug)
            if demo is None:
                return None
            return {
                "kind": kind,
                "slug": slug,
                "lang": lang,
                "query": query,
                "title": demo.title(lang),
            }
        talk = Talk.objects.published().with_related().filter(slug=slug).first()
        if talk is None:
            return None
        return {
            "kind": kind,
            "slug": slug,
            "lang": lang,
            "query": query,
            "title": talk.title_in(lang),
        }
    return None


@require_GET
def oembed(request: HttpRequest) -> HttpResponse:
    url = request.GET.get("url", "")
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        return _error(501, "Only format=json is supported.")
    if not url or len(url) > 2000:
        return _error(400, "Give the url of a demo or a talk.")
    target = resolve(url)
    if target is None:
        return _error(404, "Nothing embeddable at that address.")
    width, height = _fit(
        DEFAULT_SIZE[target["kind"]], request.GET.get("maxwidth"), request.GET.get("maxheight")
    )
    if target["kind"] == "demo":
        demo = registry.get(target["slug"])
        assert demo is not None  # resolve() only returns registered demos
        params = {k: v for k, v in target["query"].items() if k in demo.params_schema}
        path = reverse("demos_embed:demo", args=[target["slug"]])
    else:
        params = {}
        path = f"/embed/talks/{target['slug']}/graph/"
    src = request.build_absolute_uri(f"{path}?{urlencode({'lang': target['lang'], **params})}")
    html = (
        f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(target["title"])}" '
        f'style="border:0;max-width:100%" loading="lazy"></iframe>'
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": target["title"],
            "provider_name": PROVIDER_NAME,
            "provider_url": request.build_absolute_uri("/"),
            "cache_age": CACHE_AGE_S,
            "html": html,
            "width": width,
            "height": height,
        }
    )
