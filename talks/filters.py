"""Talk list filters shared by the page and the API: event, year, speaker, language."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from .models import LANGUAGES, Event, Speaker, TalkQuerySet


@dataclass
class TalkFilters:
    event: str = ""
    year: int | None = None
    speaker: str = ""
    language: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> TalkFilters:
        """Unknown or malformed values are ignored on pages (the API validates strictly)."""
        year = query.get("year", "")
        language = query.get("language", "")
        return cls(
            event=query.get("event", "")[:120],
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            speaker=query.get("speaker", "")[:200],
            language=language if language in dict(LANGUAGES) else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.event or self.year or self.speaker or self.language)

    def apply(self, talks: TalkQuerySet) -> TalkQuerySet:
        if self.event:
            talks = talks.filter(event__slug=self.event)
        if self.year:
            talks = talks.filter(event__year=self.year)
        if self.speaker:
            talks = talks.filter(speaker__slug=self.speaker)
        if self.language:
            talks = talks.in_language(self.language)
        return talks

    def querystring(self) -> str:
        pairs = {
            "event": self.event,
            "year": self.year or "",
            "speaker": self.speaker,
            "language": self.language,
        }
        return urlencode({k: v for k, v in pairs.items() if v})

    @staticmethod
    def choices() -> dict:
        return {
            "events": list(Event.objects.all()),
            "years": sorted(set(Event.objects.values_list("year", flat=True)), reverse=True),
            "speakers": list(Speaker.objects.all()),
            "languages": LANGUAGES,
        }
