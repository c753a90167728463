"""drf-spectacular post-processing: what the views' decorators cannot say in the OpenAPI schema.

- Each demo's run endpoint is its own path (``/api/demos/act/runs/`` …) with the exact JSON Schema of
  its ``params`` (``demos.schema.json_schema``), since the body a run accepts depends on the demo.
- OpenAPI links chain the operations as a client uses them: talk list → talk → search in the talk →
  talk, and talk → its related talks, its citations and the concept map; demo list → demo (→ its talk) → run → run status. Schemathesis's stateful phase follows them.
"""

from __future__ import annotations

import copy
from typing import Any

RUN_CREATE = "/api/demos/{slug}/runs/"


def _link(operation_id: str, **parameters: str) -> dict[str, Any]:
    link: dict[str, Any] = {"operationId": operation_id}
    if parameters:
        link["parameters"] = parameters
    return link


def _demo_run_paths(paths: dict[str, Any]) -> dict[str, str]:
    """Replace the generic run endpoint by one per demo; returns ``{slug: operationId}``."""
    from demos import registry, schema

    generic = paths.pop(RUN_CREATE, None)
    if generic is None:
        return {}
    created = {}
    for demo in registry.all_demos():
        operation = copy.deepcopy(generic["post"])
        operation["operationId"] = f"demos_run_create_{demo.slug}"
        operation["summary"] = f"Start a run of the {demo.slug} demo"
        operation["parameters"] = [
            p for p in operation.get("parameters", []) if p.get("name") != "slug"
        ]
        body = {
            "type": "object",
            "properties": {"params": schema.json_schema(demo.params_schema)},
            "additionalProperties": False,
        }
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": body}},
        }
        paths[RUN_CREATE.replace("{slug}", demo.slug)] = {"post": operation}
        created[demo.slug] = operation["operationId"]
    return created


def _add_links(paths: dict[str, Any], operation_id: str, status: str, links: dict) -> None:
    for item in paths.values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                response = operation["responses"].get(status)
                if response is not None:
                    response.setdefault("links", {}).update(links)


def links_and_demo_bodies(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry (vault/settings.py)."""
    paths = result.get("paths", {})
    runs = _demo_run_paths(paths)
    start_runs = {f"Run_{slug}": _link(op) for slug, op in runs.items()}
    _add_links(
        paths,
        "talks_list",
        "200",
        {
            "TalkDetail": _link("talks_retrieve", slug="$response.body#/results/0/slug"),
            "TalkRelated": _link("talks_related_retrieve", slug="$response.body#/results/0/slug"),
            "TalkBibTeX": _link("talks_citation_bib", slug="$response.body#/results/0/slug"),
            "TalkCSLJSON": _link("talks_citation_csl_json", slug="$response.body#/results/0/slug"),
            "ConceptMap": _link("concepts_list", lang="en"),
        },
    )
    _add_links(
        paths,
        "talks_retrieve",
        "200",
        {
            "SearchInTalk": _link("search_list", talk="$response.body#/slug", q="memory"),
            "RelatedTalks": _link("talks_related_retrieve", slug="$response.body#/slug"),
            "CiteBibTeX": _link("talks_citation_bib", slug="$response.body#/slug"),
            "CiteCSLJSON": _link("talks_citation_csl_json", slug="$response.body#/slug"),
            "ConceptMap": _link("concepts_list", lang="en"),
        },
    )
    _add_links(
        paths,
        "search_list",
        "200",
        {
            "HitTalk": _link("talks_retrieve", slug="$response.body#/0/talk/slug"),
            "ConceptMap": _link("concepts_list", lang="en"),
        },
    )
    _add_links(
        paths,
        "demos_list",
        "200",
        {
            "DemoDetail": _link("demos_detail", slug="$response.body#/results/0/slug"),
            "DemoTalk": _link("talks_retrieve", slug="$response.body#/results/0/talk"),
            **start_runs,
        },
    )
    _add_links(
        paths,
        "demos_detail",
        "200",
        {"DemoTalk": _link("talks_retrieve", slug="$response.body#/talk"), **start_runs},
    )
    for operation_id in runs.values():
        _add_links(
            paths,
            operation_id,
            "201",
            {"RunStatus": _link("demos_run_detail", run_id="$response.body#/id")},
        )
    return result
