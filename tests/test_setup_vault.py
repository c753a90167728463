"""``manage.py setup_vault`` (what ``make setup`` runs) and the static-files stamp behind a fast restart."""

from __future__ import annotations

import os
import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from search.models import IndexEntry
from talks.models import SourceDocument, SummaryPoint, Talk

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> str:
    out = StringIO()
    call_command("setup_vault", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_setup_imports_the_curators_translations_so_every_talk_reads_in_both_languages(
    corpus_db, client
):
    # The test database holds the corpus alone; setup adds data/translations after it.
    translations = len(list((ROOT / "data" / "translations").glob("*.txt")))
    assert f"in all: {translations} merged\n" in _setup()
    talks = Talk.objects.with_related()
    assert len(talks) == 4
    for talk in talks:
        numbers = {
            lang: list(talk.points.filter(lang=lang).values_list("number", flat=True))
            for lang in ("en", "es")
        }
        assert numbers["en"] == numbers["es"], talk.slug
        body = client.get(f"/api/talks/{talk.slug}/").json()
        assert body["languages"] == ["en", "es"], talk.slug


def test_a_repeat_setup_changes_nothing_and_reencodes_nothing(corpus_db):
    _setup()  # the test database holds the corpus alone: the first setup adds the translations
    before = (Talk.objects.count(), SummaryPoint.objects.count(), SourceDocument.objects.count())
    assert before[0] > 0
    text = _setup()
    assert "created" not in text and "updated" not in text and "merged" not in text
    corpus = len(list((ROOT / "data" / "corpus").glob("*.txt")))
    translations = len(list((ROOT / "data" / "translations").glob("*.txt")))
    assert sum(line.startswith("unchanged ") for line in text.splitlines()) == corpus + translations
    assert f"in all: {corpus} unchanged\n" in text
    assert f"in all: {translations} unchanged\n" in text
    assert "0 (re)encoded" in text
    after = (Talk.objects.count(), SummaryPoint.objects.count(), SourceDocument.objects.count())
    assert after == before and IndexEntry.objects.exists()


def test_a_changed_corpus_file_is_imported_by_the_next_setup(corpus_db, settings, tmp_path):
    point = SummaryPoint.objects.filter(lang="en").order_by("talk_id", "number").first()
    SummaryPoint.objects.filter(pk=point.pk).update(text="an edit the importer must undo")
    SourceDocument.objects.filter(talk=point.talk, lang="en").update(checksum="0" * 64)
    call_command("setup_vault", stdout=StringIO(), stderr=StringIO())
    assert SummaryPoint.objects.get(pk=point.pk).text != "an edit the importer must undo"


def _stamp(env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["bash", "scripts/static_stamp.sh"],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_static_stamp_is_stable_and_names_the_storage():
    plain = _stamp({"VAULT_ENV": ""})
    assert plain == _stamp({"VAULT_ENV": ""}) and len(plain) == 16
    # serve-prod compresses: its collected tree is a different one.
    assert _stamp({"VAULT_ENV": "production"}) != plain
