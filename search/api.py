"""``GET /api/search/?q=…&lang=en|es|any&k=10`` (also ``talk``, ``event``, ``year``, ``like``).

Returns a JSON list, best first: ``[{talk: {slug, title, speaker}, number, lang, text, score, …}]``.
An empty, too long (> 500 characters) or malformed query, or a bad parameter, is a 400 with a message.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from vault.api import ERROR

from .engine import Hit, SearchParams, search
from .forms import SearchForm

_RESULT = inline_serializer(
    "SearchHit",
    {
        "talk": inline_serializer(
            "SearchHitTalk",
            {
                "slug": serializers.CharField(),
                "title": serializers.CharField(),
                "speaker": serializers.CharField(allow_null=True),
            },
        ),
        "number": serializers.IntegerField(),
        "lang": serializers.CharField(),
        "text": serializers.CharField(),
        "score": serializers.FloatField(),
        "other_lang_text": serializers.CharField(allow_null=True),
        "why": serializers.ListField(child=serializers.CharField()),
        "url": serializers.CharField(),
    },
    many=True,
)


def hit_json(hit: Hit) -> dict:
    talk = hit.talk
    return {
        "talk": {
            "slug": talk.slug,
            "title": talk.title_in(hit.point.lang),
            "speaker": talk.speaker.name if talk.speaker else None,
        },
        "number": hit.point.number,
        "lang": hit.point.lang,
        "text": hit.point.text,
        "score": hit.score,
        "other_lang_text": hit.other.text if hit.other else None,
        "why": hit.reasons,
        "url": hit.point.get_absolute_url(),
    }


@extend_schema(
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="the question, 1-500 characters"),
        OpenApiParameter(
            "lang",
            OpenApiTypes.STR,
            enum=["en", "es", "any"],
            description="language of the points",
        ),
        OpenApiParameter("k", OpenApiTypes.INT, description="how many results, 1-50 (default 10)"),
        OpenApiParameter("talk", OpenApiTypes.STR, description="only this talk (slug)"),
        OpenApiParameter(
            "event",
            OpenApiTypes.STR,
            description="only this event (slug, e.g. iclr-2017)",
        ),
        OpenApiParameter("year", OpenApiTypes.INT, description="only talks of this year"),
        OpenApiParameter(
            "like",
            OpenApiTypes.INT,
            description="more like this point (id) instead of q",
        ),
    ],
    responses={200: _RESULT, 400: ERROR},
    summary="Semantic + lexical search over the summary points, in either language",
)
@api_view(["GET"])
def search_api(request: Request) -> Response:
    form = SearchForm(request.query_params)
    if not form.is_valid():
        raise ParseError(form.error_message())
    data = form.cleaned_data
    result = search(
        SearchParams(
            q=data["q"],
            lang=data["lang"],
            k=data["k"],
            talk=data["talk"] or None,
            event=data["event"] or None,
            year=data["year"],
            like=data["like"],
        )
    )
    return Response([hit_json(h) for h in result.hits])
