from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def title_in(talk, lang: str) -> str:
    """``{{ talk|title_in:lang }}``: the talk's title in ``lang``, or in a language it has."""
    return talk.title_in(lang)


@register.filter
def title_lang(talk, lang: str) -> str:
    """The language of ``talk|title_in:lang``: ``lang`` itself, or the one the title falls back to."""
    if talk.translation(lang) is not None:
        return lang
    first = next(iter(talk.translations.all()), None)
    return first.lang if first else lang


@register.simple_tag
def title_lang_attr(talk, lang: str) -> str:
    """`` lang="es"`` when the talk's title on a ``lang`` page is in another language, else nothing."""
    shown = title_lang(talk, lang)
    return format_html(' lang="{}"', shown) if shown != lang else ""
