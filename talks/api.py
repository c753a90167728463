"""JSON API for talks: ``GET /api/talks/`` (filterable, paginated) and ``GET /api/talks/<slug>/``."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from vault.api import ERROR, parameter_errors

from .filters import TalkFilters
from .models import LANGUAGES, SourceDocument, SummaryPoint, Talk


class PointSerializer(serializers.ModelSerializer):
    class Meta:
        model = SummaryPoint
        fields = ["number", "text"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceDocument
        fields = ["id", "lang", "filename", "checksum", "imported_at"]


class TalkSummarySerializer(serializers.ModelSerializer):
    event: serializers.StringRelatedField = serializers.StringRelatedField(
        allow_null=True
    )  # discussions have no event or speaker
    year = serializers.IntegerField(source="event.year", allow_null=True, default=None)
    speaker: serializers.StringRelatedField = serializers.StringRelatedField(allow_null=True)
    titles = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Talk
        fields = ["slug", "kind", "event", "year", "speaker", "titles", "languages", "url"]

    def get_titles(self, talk: Talk) -> dict[str, str]:
        return {t.lang: t.title for t in talk.translations.all()}

    def get_languages(self, talk: Talk) -> list[str]:
        return talk.languages()

    def get_url(self, talk: Talk) -> str:
        return talk.get_absolute_url()


class TalkDetailSerializer(TalkSummarySerializer):
    points = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True, read_only=True)
    license = serializers.SerializerMethodField()
    related_talk: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )  # only discussions have one
    vault_index = serializers.CharField()

    class Meta(TalkSummarySerializer.Meta):
        fields = [
            *TalkSummarySerializer.Meta.fields,
            "vault_index",
            "related_talk",
            "points",
            "sources",
            "license",
        ]

    def get_points(self, talk: Talk) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {lang: [] for lang in talk.languages()}
        for point in talk.points.all():
            grouped.setdefault(point.lang, []).append({"number": point.number, "text": point.text})
        return grouped

    def get_license(self, talk: Talk) -> dict[str, dict]:
        return {
            t.lang: {"license": t.license, "attribution": t.attribution}
            for t in talk.translations.all()
            if t.license or t.attribution
        }


def _talks():
    return Talk.objects.published().with_related()


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"  # Django's slug converter, as the talk URLs use it
YEAR = {"type": "integer", "minimum": 1000, "maximum": 9999}  # four digits
PAGE = {"type": "integer", "minimum": 1, "maximum": 1_000_000}
# What each list parameter must be: the schema publishes it, the view enforces exactly it.
LIST_PARAMETERS: dict[str, dict] = {
    "event": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120},
    "year": YEAR,
    "speaker": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 200},
    "language": {"type": "string", "enum": [c for c, _ in LANGUAGES]},
    "kind": {"type": "string", "enum": list(Talk.Kind.values)},
    "page": PAGE,
}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "event", LIST_PARAMETERS["event"], description="Event slug, e.g. iclr-2017"
        ),
        OpenApiParameter("year", LIST_PARAMETERS["year"], description="Four-digit year"),
        OpenApiParameter("speaker", LIST_PARAMETERS["speaker"], description="Speaker slug"),
        OpenApiParameter("language", LIST_PARAMETERS["language"]),
        OpenApiParameter("kind", LIST_PARAMETERS["kind"]),
        OpenApiParameter("page", LIST_PARAMETERS["page"], description="Page number (from 1)"),
    ],
    responses={200: TalkSummarySerializer(many=True), 400: ERROR, 404: ERROR},
)
class TalkListView(generics.ListAPIView):
    serializer_class = TalkSummarySerializer

    def get_queryset(self):
        query = self.request.query_params
        errors = parameter_errors(query, LIST_PARAMETERS)
        if errors:
            raise ValidationError(errors)
        talks = TalkFilters.from_query(query).apply(_talks())
        return talks.filter(kind=query["kind"]) if query.get("kind") else talks


@extend_schema(
    parameters=[
        OpenApiParameter(
            "slug", {"type": "string", "pattern": SLUG_PATTERN}, location=OpenApiParameter.PATH
        )
    ],
    responses={200: TalkDetailSerializer, 404: ERROR},
)
class TalkDetailView(generics.RetrieveAPIView):
    serializer_class = TalkDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return _talks().prefetch_related(
            Prefetch("points", queryset=SummaryPoint.objects.order_by("lang", "number")), "sources"
        )
