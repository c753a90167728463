"""``/api/talks/<slug>/graph/?lang=en`` (JSON) and the ``.mmd``, ``.graphml`` and ``.json`` downloads;
``/api/concepts/?lang=en`` and ``/api/talks/<slug>/related/?lang=en`` (DRF, in the OpenAPI schema).

Without ``lang`` the first language with a graph is used (en, then es). Errors are JSON
``{"error", "status"}`` with 400 (unknown language) or 404 (no such talk, or no graph).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from graphs import analysis, services
from graphs.models import ConceptGraph
from talks.models import LANG_CODES, Talk
from vault.api import ERROR


class _ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


def _graph_for(request: HttpRequest, slug: str) -> ConceptGraph:
    lang = request.GET.get("lang", "")
    if lang and lang not in LANG_CODES:
        raise _ApiError(400, f"unknown language {lang!r}; use one of {', '.join(LANG_CODES)}")
    talk = Talk.objects.published().filter(slug=slug).first()
    if talk is None:
        raise _ApiError(404, f"no talk {slug!r}")
    graphs = {g.lang: g for g in ConceptGraph.objects.filter(talk=talk).with_parts()}
    if lang:
        if lang not in graphs:
            raise _ApiError(404, f"talk {slug!r} has no concept graph in {lang!r}")
        return graphs[lang]
    for code in LANG_CODES:
        if code in graphs:
            return graphs[code]
    raise _ApiError(404, f"talk {slug!r} has no concept graph")


def _endpoint(
    render: Callable[[ConceptGraph], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    @require_GET
    def view(request: HttpRequest, slug: str) -> HttpResponse:
        try:
            row = _graph_for(request, slug)
        except _ApiError as error:
            return JsonResponse(
                {"error": error.message, "status": error.status}, status=error.status
            )
        return render(row)

    view.__name__ = render.__name__
    view.__doc__ = render.__doc__
    return view


def _download(body: bytes | str, content_type: str, row: ConceptGraph, ext: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{row.talk.slug}-{row.lang}.{ext}"'
    return response


def graph_data(row: ConceptGraph) -> HttpResponse:
    """Nodes, edges and groups of the graph, with its canonical Mermaid and centrality metrics."""
    groups = list(row.groups.all())
    nodes = list(row.nodes.all())
    g = analysis.to_networkx(row.to_mermaid())
    return JsonResponse(
        {
            "talk": row.talk.slug,
            "lang": row.lang,
            "direction": row.direction,
            "groups": [{"name": gr.name, "style": gr.style, "fill": gr.fill} for gr in groups],
            "nodes": [
                {
                    "key": n.key,
                    "label": n.label,
                    "title": n.title,
                    "shape": n.shape,
                    "group": n.group.name if n.group is not None else None,
                    "points": n.points,
                }
                for n in nodes
            ],
            "edges": [
                {
                    "source": e.source.key,
                    "target": e.target.key,
                    "label": e.label,
                    "style": e.style,
                }
                for e in row.edges.all()
            ],
            "metrics": analysis.centrality(g),
            "mermaid": row.source,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def graph_mermaid(row: ConceptGraph) -> HttpResponse:
    """The canonical Mermaid source."""
    return _download(row.source, "text/vnd.mermaid; charset=utf-8", row, "mmd")


def graph_graphml(row: ConceptGraph) -> HttpResponse:
    """GraphML written by networkx."""
    return _download(
        analysis.graphml(analysis.to_networkx(row.to_mermaid())),
        "application/graphml+xml",
        row,
        "graphml",
    )


def graph_node_link(row: ConceptGraph) -> HttpResponse:
    """networkx node-link JSON."""
    body = analysis.node_link_json(analysis.to_networkx(row.to_mermaid()))
    return _download(body, "application/json; charset=utf-8", row, "json")


talk_graph = _endpoint(graph_data)
talk_graph_mmd = _endpoint(graph_mermaid)
talk_graph_graphml = _endpoint(graph_graphml)
talk_graph_json = _endpoint(graph_node_link)


# --- concepts across talks (DRF, in the OpenAPI schema) ----------------------------------------------

_MEMBER_FIELDS: dict[str, serializers.Field] = {
    "talk": serializers.CharField(help_text="talk slug"),
    "kind": serializers.CharField(help_text="node | point | paragraph"),
    "node": serializers.CharField(allow_null=True, help_text="graph node id (kind=node)"),
    "point": serializers.IntegerField(allow_null=True, help_text="summary point number"),
    "paragraph": serializers.CharField(
        allow_null=True, help_text="thread paragraph (kind=paragraph)"
    ),
    "lang": serializers.CharField(),
    "similarity": serializers.FloatField(help_text="best link similarity; 1.0 joined as one point"),
    "text": serializers.CharField(),
    "anchor": serializers.CharField(help_text="fragment of the member on its talk page"),
}
_CONCEPTS = inline_serializer(
    "Concept",
    {
        "id": serializers.IntegerField(),
        "label": serializers.CharField(help_text="in the requested language where it has one"),
        "labels": serializers.DictField(child=serializers.CharField()),
        "members": inline_serializer("ConceptMember", _MEMBER_FIELDS, many=True),
    },
    many=True,
)
_RELATED_MEMBER = inline_serializer(
    "RelatedMember",
    {
        **_MEMBER_FIELDS,
        "url": serializers.CharField(help_text="the other talk's page at the exact point"),
        "title": serializers.CharField(),
        "concept": serializers.IntegerField(),
        "label": serializers.CharField(),
    },
    many=True,
)
_RELATED = inline_serializer(
    "Related",
    {
        "talk": serializers.CharField(),
        "talks": inline_serializer(
            "RelatedTalk",
            {
                "slug": serializers.CharField(),
                "title": serializers.CharField(),
                "url": serializers.CharField(),
                "concepts": serializers.ListField(child=serializers.IntegerField()),
            },
            many=True,
        ),
        "concepts": inline_serializer(
            "RelatedConcept",
            {"id": serializers.IntegerField(), "label": serializers.CharField()},
            many=True,
        ),
        "points": serializers.DictField(
            child=_RELATED_MEMBER,
            help_text='"<lang>-<number>" (or "<lang>-<paragraph>") -> members',
        ),
    },
)
_LANG = OpenApiParameter(
    "lang", OpenApiTypes.STR, enum=list(LANG_CODES), description="language of the labels"
)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", LANG_CODES[0])
    if lang not in LANG_CODES:
        raise ParseError(f"unknown language {lang!r}; use one of {', '.join(LANG_CODES)}")
    return lang


@extend_schema(
    parameters=[_LANG],
    responses={200: _CONCEPTS, 400: ERROR},
    summary="The vault's concepts by meaning, each with its label and its members in every talk",
)
@api_view(["GET"])
def concepts(request: Request) -> Response:
    return Response(services.concepts_json(_lang(request)))


@extend_schema(
    parameters=[_LANG],
    responses={200: _RELATED, 400: ERROR, 404: ERROR},
    summary="The talks and points that share concepts with this talk",
)
@api_view(["GET"])
def related(request: Request, slug: str) -> Response:
    lang = _lang(request)
    talk = Talk.objects.published().filter(slug=slug).first()
    if talk is None:
        raise NotFound(f"no talk {slug!r}")
    return Response({"talk": talk.slug, **services.related(talk, lang)})
