"""What the front page shows: the newest talks, a thumbnail of the concept map, and the demos."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.urls import reverse

from demos import registry
from graphs import thumbnail
from graphs.services import vault_summary

from .models import Talk

NEWEST_TALKS = 6


def newest_talks(limit: int = NEWEST_TALKS) -> list[Talk]:
    """Published invited talks, the latest event first (then the most recently added)."""
    return list(
        Talk.objects.published()
        .with_related()
        .filter(kind=Talk.Kind.INVITED_TALK)
        .order_by("-event__year", "-created_at", "slug")[:limit]
    )


def demo_still(slug: str) -> str | None:
    """``demos/stills/<slug>.svg`` when the site ships a still image for the demo."""
    path = f"demos/stills/{slug}.svg"
    return path if finders.find(path) else None


def demo_cards(lang: str) -> list[dict[str, Any]]:
    """Every listed demo with its still image and the talk it belongs to (title in ``lang``)."""
    talks = {t.slug: t for t in Talk.objects.published().with_related()}
    cards = []
    for demo in registry.all_demos():
        talk = talks.get(demo.talk)
        cards.append(
            {
                "slug": demo.slug,
                "title": demo.title(lang),
                "summary": demo.text("summary", lang),
                "url": f"/{lang}/demos/{demo.slug}/",
                "still": demo_still(demo.slug),
                "talk_title": talk.title_in(lang) if talk else demo.talk,
                "talk_url": reverse("talks:detail", args=[talk.slug]) if talk else "",
            }
        )
    return cards


def front_page_context(lang: str) -> dict[str, Any]:
    summary = vault_summary(lang)
    return {
        "lang": lang,
        "totals": summary["totals"],
        "thumbnail": thumbnail.layout(summary),
        "newest": newest_talks(),
        "demos": demo_cards(lang),
    }
