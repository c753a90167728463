"""``{% talk_graph talk lang points as gv %}``: the talk page's concept-graph context (see services)."""

from __future__ import annotations

from django import template

from graphs.services import talk_graph_context

register = template.Library()


@register.simple_tag
def talk_graph(talk, lang: str, points: dict | None = None) -> dict:
    return talk_graph_context(talk, lang, points or None)
