from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def title_in(talk, lang: str) -> str:
    """``{{ talk|title_in:lang }}``: the talk's title in ``lang``, or in a language it has."""
    return talk.title_in(lang)
