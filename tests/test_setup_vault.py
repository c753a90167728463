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


def test_a_repeat_setup_changes_nothing_and_reencodes_nothing(corpus_db):
    before = (Talk.objects.count(), SummaryPoint.objects.count(), SourceDocument.objects.count())
    assert before[0] > 0
    out = StringIO()
    call_command("setup_vault", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "created" not in text and "updated" not in text
    files = len(list((ROOT / "data" / "corpus").glob("*.txt")))
    assert sum(line.startswith("unchanged ") for line in text.splitlines()) == files
    assert f"in all: {files} unchanged\n" in text
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
