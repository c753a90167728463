"""Framing headers for everything under ``/embed/`` (demo widgets and the talk-graph widget alike).

Every other page keeps ``X-Frame-Options: DENY`` from Django's clickjacking middleware. Responses
under ``/embed/`` instead carry ``Content-Security-Policy: frame-ancestors …`` (``DEMOS_FRAME_ANCESTORS``)
and no cookie. Listed first in ``MIDDLEWARE`` so it sees each response last, after the clickjacking
and CSRF middleware have added their header and cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .embeds import make_embeddable

EMBED_PREFIX = "/embed/"


class EmbedFramingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(EMBED_PREFIX):
            make_embeddable(response)
        return response
