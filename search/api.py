"""``GET /api/search/?q=…&lang=en|es|any&k=10`` (also ``talk``, ``event``, ``year``, ``like``).

Returns a JSON list, best first: ``[{talk: {slug, title, speaker}, number, lang, text, score, …}]``.
A too long (> 500 characters) or malformed query, or a bad parameter, is a 400 with a message; a
``like`` naming no published point is a 404; with neither ``q`` nor ``like`` the answer is ``[]``.
The parameters' constraints are published in the OpenAPI schema exactly as the form enforces them.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from vault.api import ERROR, parameter_errors

from .engine import Hit, SearchParams, search
from .forms import CONTROL_CHARS, MAX_K, MAX_QUERY_CHARS, MAX_YEAR, MIN_YEAR, SearchForm

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


_SLUG = r"^[-a-zA-Z0-9_]+$"
# Printable text with at least one letter or digit (search/forms.py refuses the rest).
_QUERY = rf"^[^{CONTROL_CHARS}]*\w[^{CONTROL_CHARS}]*$"
PARAMETERS: dict[str, dict] = {
    "q": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": _QUERY},
    "lang": {"type": "string", "enum": ["any", "en", "es"]},
    "k": {"type": "integer", "minimum": 1, "maximum": MAX_K},
    "talk": {"type": "string", "pattern": _SLUG, "maxLength": 200},
    "event": {"type": "string", "pattern": _SLUG, "maxLength": 120},
    "year": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    "like": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            PARAMETERS["q"],
            description=f"the question, 1-{MAX_QUERY_CHARS} characters with a letter or digit",
        ),
        OpenApiParameter("lang", PARAMETERS["lang"], description="language of the points"),
        OpenApiParameter(
            "k", PARAMETERS["k"], description=f"how many results, 1-{MAX_K} (default 10)"
        ),
        OpenApiParameter("talk", PARAMETERS["talk"], description="only this talk (slug)"),
        OpenApiParameter(
            "event", PARAMETERS["event"], description="only this event (slug, e.g. iclr-2017)"
        ),
        OpenApiParameter("year", PARAMETERS["year"], description="only talks of this year"),
        OpenApiParameter(
            "like",
            PARAMETERS["like"],
            description="more like this published point (id) instead of q; 404 when there is none",
        ),
    ],
    responses={200: _RESULT, 400: ERROR, 404: ERROR},
    summary="Semantic + lexical search over the summary points, in either language",
    description="Without q and like there is nothing to look for: the answer is an empty list.",
)
@api_view(["GET"])
def search_api(request: Request) -> Response:
    query = request.query_params
    empty = [name for name in PARAMETERS if name in query and query[name] == ""]
    if empty:  # present but empty: no value the schema allows
        raise ParseError("; ".join(f"{name}: must not be empty" for name in empty))
    asked = "q" in query or "like" in query
    form = SearchForm(query)
    if asked and not form.is_valid():
        if form.has_error("like", "unknown_point"):
            raise NotFound(form.error_message())
        raise ParseError(form.error_message())
    # What the form's lenient parsing lets through (" 5", "1.0", a padded slug) the schema does not.
    errors = parameter_errors(query, PARAMETERS)
    if errors:
        raise ParseError("; ".join(f"{name}: {m}" for name, ms in errors.items() for m in ms))
    if not asked:
        return Response([])
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
