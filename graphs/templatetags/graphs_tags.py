"""Template tags of the talk page.

- ``{% talk_graph talk lang points as gv %}``: the concept-graph context (see services).
- ``{% talk_related talk lang as related %}``: the concepts this talk shares (``services.related``).
- ``{% also_in related lang number_or_key as others %}`` (``also_in_paragraph`` for an answer
  paragraph): for one point (or the thread question, key ``q``), the
  same concept in other talks, each with the URL of the exact point.
"""

from __future__ import annotations

from django import template

from graphs.services import related, talk_graph_context

register = template.Library()


@register.simple_tag
def talk_graph(talk, lang: str, points: dict | None = None) -> dict:
    return talk_graph_context(talk, lang, points or None)


@register.simple_tag
def talk_related(talk, lang: str) -> dict:
    return related(talk, lang)


@register.simple_tag
def also_in(related_: dict | None, lang: str, number) -> list[dict]:
    if not related_:
        return []
    return related_.get("points", {}).get(f"{lang}-{number}", [])


@register.simple_tag
def also_in_paragraph(related_: dict | None, lang: str, answer: int, paragraph: int) -> list[dict]:
    """``also_in`` for paragraph ``paragraph`` of answer ``answer`` (anchor ``thread-<lang>-a1-2``)."""
    return also_in(related_, lang, f"a{answer}-{paragraph}")
