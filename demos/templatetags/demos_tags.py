"""``{% talk_demos talk lang as demos %}``: the demos of a talk, each with the graph nodes it names.

Used by ``templates/demos/_talk_demos.html`` (included by the talk page). Node labels come from the
talk's concept-graph source when the ``graphs`` parser can read it; otherwise the node keys stand alone.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from demos import registry
from demos.ui_text import ui

register = template.Library()


def node_labels(talk: Any, lang: str) -> dict[str, str]:
    """{node key: label without its point numbers} from the talk's graph (page language first)."""
    try:
        from graphs.mermaid import parse, split_points
    except ImportError:
        return {}
    translations = sorted(talk.translations.all(), key=lambda tr: tr.lang != lang)
    for tr in translations:
        if not tr.graph_source:
            continue
        try:
            graph = parse(tr.graph_source)
        except ValueError:
            continue
        return {
            node.key: split_points(node.label)[0].replace("\n", " ").strip() for node in graph.nodes
        }
    return {}


@register.simple_tag
def talk_demos(talk: Any, lang: str) -> dict[str, Any]:
    demos = registry.for_talk(talk.slug)
    if not demos:
        return {"items": [], "t": ui(lang)}
    labels = node_labels(talk, lang)
    items = []
    for demo in demos:
        own = demo.talk == talk.slug
        items.append(
            {
                "slug": demo.slug,
                "title": demo.title(lang),
                "summary": demo.text("summary", lang),
                "url": reverse("demos:detail", args=[demo.slug]),
                "nodes": [{"key": k, "label": labels.get(k, "")} for k in demo.meta["nodes"]]
                if own
                else [],
                "points": demo.meta["points"] if own else [],
            }
        )
    return {"items": items, "t": ui(lang)}
