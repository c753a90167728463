"""The site's languages: one list, ``settings.LANGUAGES``, read by every app.

Code that needs the languages asks here instead of writing the codes out, so adding a
language is a settings change (plus its translations), not a search through the tree.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info


def codes() -> tuple[str, ...]:
    """The language codes, in the order of ``settings.LANGUAGES`` (the first is the default)."""
    return tuple(code for code, _name in settings.LANGUAGES)


def default() -> str:
    return str(settings.LANGUAGE_CODE)


def pick(lang: str | None) -> str:
    """``lang`` when the site speaks it, else the default language."""
    return lang if lang in codes() else default()


def native_names() -> tuple[tuple[str, str], ...]:
    """(code, the language's own name, capitalised): ``("es", "Español")``; for model choices."""
    return tuple((code, get_language_info(code)["name_local"].capitalize()) for code in codes())
