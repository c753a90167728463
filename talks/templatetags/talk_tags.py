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
    """``{{ talk|title_lang:lang }}``: the language of ``talk|title_in:lang`` (for a ``lang`` attribute)."""
    return talk.title_lang(lang)


@register.simple_tag
def lang_attr(text_lang: str, page_lang: str) -> str:
    """`` lang="es"`` when text in ``text_lang`` sits on a page in ``page_lang``, else nothing."""

    return format_html(' lang="{}"', text_lang) if text_lang and text_lang != page_lang else ""


@register.simple_tag
def title_lang_attr(talk, lang: str) -> str:
    """`` lang="es"`` when the talk's title on a ``lang`` page is in another language, else nothing."""

    shown = title_lang(talk, lang)
    return format_html(' lang="{}"', shown) if shown != lang else ""
