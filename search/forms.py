"""Validation of search parameters, shared by the results page and the API."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from talks.models import SummaryPoint

MAX_QUERY_CHARS = 500
MAX_K = 50
MIN_YEAR, MAX_YEAR = 1900, 2100
CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROL = re.compile(rf"[{CONTROL_CHARS}]")
_WORDISH = re.compile(r"\w", re.UNICODE)


class SearchForm(forms.Form):
    # Stripped in clean_q, after the length check: the limit counts what was sent (as the schema does).
    q = forms.CharField(required=False, strip=False, max_length=None)
    lang = forms.ChoiceField(
        required=False,
        choices=[("any", "any"), ("en", "en"), ("es", "es")],
        error_messages={"invalid_choice": _("lang must be one of en, es, any (got %(value)s)")},
    )
    k = forms.IntegerField(required=False, min_value=1, max_value=MAX_K)
    talk = forms.SlugField(required=False, max_length=200)
    event = forms.SlugField(required=False, max_length=120)
    year = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    like = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # CharField rejects NUL with a vaguer message; clean_q names every control character instead.
        self.fields["q"].validators = []

    def clean_q(self) -> str:
        sent = self.cleaned_data.get("q") or ""
        q = sent.strip()
        if len(sent) > MAX_QUERY_CHARS:
            raise ValidationError(
                _("the query is too long: %(n)d characters, at most %(max)d")
                % {"n": len(sent), "max": MAX_QUERY_CHARS},
                code="too_long",
            )
        if _CONTROL.search(sent):
            raise ValidationError(_("the query contains control characters"), code="malformed")
        if q and not _WORDISH.search(q):
            raise ValidationError(
                _("the query has no letters or digits to search for"), code="malformed"
            )
        return q

    def clean_like(self) -> int | None:
        like = self.cleaned_data.get("like")
        if (
            like is not None
            and not SummaryPoint.objects.filter(pk=like, talk__status="published").exists()
        ):
            raise ValidationError(
                _("there is no summary point %(id)d") % {"id": like},
                code="unknown_point",
            )
        return like

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.errors and not data.get("q") and data.get("like") is None:
            raise ValidationError(
                _("the query is empty: pass q (or like=<point id>)"), code="empty"
            )
        data["lang"] = data.get("lang") or "any"
        data["k"] = data.get("k") or 10
        return data

    def error_message(self) -> str:
        """One sentence naming every problem, for a 400 body or the page."""
        parts = []
        for field, errors in self.errors.items():
            for e in errors:
                parts.append(str(e) if field in ("__all__", "q") else f"{field}: {e}")
        return "; ".join(parts)
