"""JSON API for talks: ``GET /api/talks/`` (filterable, paginated), ``GET /api/talks/<slug>/``, and
the talk's citation as BibTeX (``citation.bib``) or CSL-JSON (``citation.json``)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, renderers, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vault.api import ERROR, parameter_errors

from . import citations
from .filters import TalkFilters
from .models import LANGUAGES, SourceDocument, SummaryPoint, Talk, TalkTranslation, TranslationKind


class PointSerializer(serializers.ModelSerializer):
    class Meta:
        model = SummaryPoint
        fields = ["number", "text"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceDocument
        fields = ["id", "lang", "filename", "checksum", "imported_at"]


class TranslationSerializer(serializers.Serializer):
    """One language of a talk and where its text came from."""

    lang = serializers.ChoiceField(choices=LANGUAGES)
    title = serializers.CharField()
    provenance = serializers.ChoiceField(
        choices=["original", *TranslationKind.values],
        help_text="original: imported as written in this language; curators: translated by the "
        "vault's curators in the workbench; bundled: a curators' translation shipped with the vault",
    )
    translated_from = serializers.ChoiceField(choices=LANGUAGES, allow_null=True)
    translated_at = serializers.DateTimeField(allow_null=True)
    notice = serializers.CharField(
        help_text="The one-line notice the talk page shows (English), empty for an original text"
    )


def translation_data(tr: TalkTranslation) -> dict:
    from django.utils import translation

    curated = tr.is_curated_translation
    with translation.override("en"):
        notice = tr.provenance_notice()
    return {
        "lang": tr.lang,
        "title": tr.title,
        "provenance": tr.translation_kind if curated else "original",
        "translated_from": tr.translated_from if curated else None,
        "translated_at": tr.translated_at if curated else None,
        "notice": notice,
    }


class TalkSummarySerializer(serializers.ModelSerializer):
    event: serializers.StringRelatedField = serializers.StringRelatedField(
        allow_null=True
    )  # discussions have no event or speaker
    year = serializers.IntegerField(source="event.year", allow_null=True, default=None)
    speaker: serializers.StringRelatedField = serializers.StringRelatedField(allow_null=True)
    titles = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Talk
        fields = [
            "slug",
            "kind",
            "event",
            "year",
            "speaker",
            "titles",
            "languages",
            "translations",
            "url",
        ]

    def get_titles(self, talk: Talk) -> dict[str, str]:
        return {t.lang: t.title for t in talk.translations.all()}

    def get_languages(self, talk: Talk) -> list[str]:
        return talk.languages()

    @extend_schema_field(TranslationSerializer(many=True))
    def get_translations(self, talk: Talk) -> list[dict]:
        order = {code: i for i, (code, _name) in enumerate(LANGUAGES)}
        trs = sorted(talk.translations.all(), key=lambda t: order.get(t.lang, 99))
        return list(TranslationSerializer([translation_data(t) for t in trs], many=True).data)

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


class BibTeXRenderer(renderers.BaseRenderer):
    media_type = "application/x-bibtex"
    format = "bib"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return data.encode("utf-8") if isinstance(data, str) else b""


class CSLJSONRenderer(renderers.JSONRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "json"


class _OwnFormat(BaseContentNegotiation):
    """A citation file has one format, whatever the client accepts (no 406 for ``Accept: text/html``)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _CitationView(APIView):
    content_negotiation_class = _OwnFormat
    extension = ""

    def citation(self, request: Request, slug: str) -> citations.Citation:
        lang = request.query_params.get("lang", "")
        if lang and lang not in dict(LANGUAGES):
            raise ValidationError({"lang": [f"must be one of {', '.join(dict(LANGUAGES))}"]})
        talk = _talks().filter(slug=slug).first()
        if talk is None:
            raise NotFound(f"no talk {slug!r}")
        available = talk.languages()
        if lang and lang not in available:
            raise NotFound(f"talk {slug!r} is not in {lang!r}")
        base = request.build_absolute_uri("/").rstrip("/")
        return citations.for_talk(talk, lang or (available[0] if available else "en"), base)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:  # errors stay JSON {"error", "status"} (vault/api.py)
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        else:
            name = f"{kwargs.get('slug', 'talk')}.{self.extension}"
            response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


_LANG_PARAM = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    enum=[c for c, _ in LANGUAGES],
    description="The language of the title and page cited (default: the first the talk has)",
)


class TalkCitationBibView(_CitationView):
    renderer_classes = [BibTeXRenderer]
    extension = "bib"

    @extend_schema(
        parameters=[_LANG_PARAM],
        responses={
            (200, BibTeXRenderer.media_type): OpenApiTypes.STR,
            (400, "application/json"): ERROR,
            (404, "application/json"): ERROR,
        },
        operation_id="talks_citation_bib",
        description="A BibTeX @misc entry for the talk: speaker, title, event, year, URL, attribution.",
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(citations.bibtex(self.citation(request, slug)))


class TalkCitationCSLView(_CitationView):
    renderer_classes = [CSLJSONRenderer]
    extension = "json"

    @extend_schema(
        parameters=[_LANG_PARAM],
        responses={
            (200, CSLJSONRenderer.media_type): {"type": "array", "items": {"type": "object"}},
            (400, "application/json"): ERROR,
            (404, "application/json"): ERROR,
        },
        operation_id="talks_citation_csl_json",
        description="The talk as a one-item CSL-JSON array (type speech), for citation managers.",
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(citations.csl_json(self.citation(request, slug)))
