"""Through a real Celery worker process: an edited point is re-encoded by the worker and found by the
running web server (the broker is the embedded filesystem one, or Redis when CELERY_BROKER_URL is set)."""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.worker, pytest.mark.slow]

# Shares the embedding cache with the test database (set before the session's live stack starts).
os.environ.setdefault(
    "SEARCH_EMBEDDING_CACHE",
    str(Path(__file__).resolve().parents[1] / "var" / "search-embeddings.sqlite3"),
)

EDIT = (
    "from talks.models import SummaryPoint as P; "
    "p = P.objects.get(talk__slug='koray-kavukcuoglu-iclr-2018', lang='es', number=19); "
    "p.text = {text!r}; p.save()"
)


ENTRY_TEXT = (
    "from search.models import IndexEntry as E; "
    "print(E.objects.get(point__talk__slug='koray-kavukcuoglu-iclr-2018', point__lang='es', "
    "point__number=19, kind='point').text)"
)


def _shell(stack, code: str) -> str:
    """Run Python in the live stack's Django; the last printed line (shell may print a banner first)."""
    out = stack.manage("shell", "-v", "0", "-c", code).strip().splitlines()
    return out[-1] if out else ""


def _search(url: str, q: str) -> list[dict]:
    query = urllib.parse.urlencode({"q": q, "lang": "es", "k": 1})
    with urllib.request.urlopen(f"{url}/api/search/?{query}", timeout=300) as resp:
        return json.loads(resp.read())


def test_an_edited_point_is_reindexed_by_the_worker(live_worker):
    original = _shell(
        live_worker,
        "from talks.models import SummaryPoint as P; "
        "print(P.objects.get(talk__slug='koray-kavukcuoglu-iclr-2018', lang='es', number=19).text)",
    )
    edited = "Un ornitorrinco cuántico pinta acuarelas con pinceladas sobre cebras."
    try:
        _shell(live_worker, EDIT.format(text=edited))
        deadline = time.time() + 240
        while time.time() < deadline and _shell(live_worker, ENTRY_TEXT) != edited:
            time.sleep(1)
        # The index entry (vectors, terms, FTS row) now holds the edited text: only the worker wrote it.
        assert _shell(live_worker, ENTRY_TEXT) == edited
        hits = _search(live_worker.url, "ornitorrinco cuántico")
        assert hits and hits[0]["text"] == edited and hits[0]["number"] == 19
    finally:
        _shell(live_worker, EDIT.format(text=original))
