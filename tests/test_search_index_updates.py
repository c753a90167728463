"""The search index follows the vault: import, edit, delete, rebuild (real database, real models)."""

from __future__ import annotations

import shutil
import sqlite3
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from search import analyzer, embedders, entries, lexical
from search.engine import SearchParams, search
from search.models import IndexEntry
from talks.models import SummaryPoint

KORAY_ES = Path(settings.BASE_DIR) / "data" / "corpus" / "004_2eedf50d99983cd3.txt"


def _entry(point: SummaryPoint) -> IndexEntry:
    return IndexEntry.objects.get(point=point, kind=IndexEntry.Kind.POINT)


def test_every_imported_point_has_an_entry_and_graph_labels_are_indexed(corpus_db):
    assert IndexEntry.objects.filter(kind="point").count() == SummaryPoint.objects.count() == 120
    labels = IndexEntry.objects.filter(kind="node")
    # Graves (EN) and Kavukcuoglu (ES) have concept graphs whose labels cite points 1-30.
    assert labels.filter(point__talk__slug="alex-graves-iclr-2017", point__lang="en").count() == 30
    assert (
        labels.filter(point__talk__slug="koray-kavukcuoglu-iclr-2018", point__lang="es").count()
        == 30
    )
    e = labels.get(point__talk__slug="alex-graves-iclr-2017", point__number=17)
    assert e.node_key == "R" and "pondering" in e.text


def test_entries_store_normalised_vectors_of_each_model(corpus_db):
    e = IndexEntry.objects.filter(kind="point").first()
    for model, dim in (("minilm", 384), ("use", 512)):
        v = e.vector(model)
        assert v.shape == (dim,) and v.dtype == np.float32
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.slow
def test_editing_a_point_reencodes_it_when_the_edit_commits(
    corpus_db, django_capture_on_commit_callbacks
):
    point = SummaryPoint.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es", number=19)
    before = _entry(point)
    point.text = "Un ornitorrinco cuántico pinta acuarelas sobre cebras."
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        point.save()
    assert [c for c in callbacks if c.__module__.startswith("search.")]
    after = _entry(point)
    assert after.checksum == entries.entry_checksum(point.text)
    assert not np.allclose(after.vector("use"), before.vector("use"))
    ids, _ = lexical.scores(analyzer.query_terms("ornitorrinco"))
    assert list(ids) == [after.pk]
    hits = search(SearchParams(q="ornitorrinco cuántico", lang="es", k=3)).hits
    assert (hits[0].talk.slug, hits[0].point.number) == (
        "koray-kavukcuoglu-iclr-2018",
        19,
    )


def test_a_rolled_back_edit_queues_no_index_update(corpus_db, django_capture_on_commit_callbacks):
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=1)
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                point.text = "changed"
                point.save()
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert callbacks == []


def test_deleting_a_point_removes_its_entries_from_both_indexes(corpus_db):
    point = SummaryPoint.objects.get(
        talk__slug="jascha-sohl-dickstein-iclr-2023", lang="es", number=4
    )
    entry_id = _entry(point).pk
    ids, _ = lexical.scores(analyzer.query_terms("HeLa"))
    assert entry_id in ids
    point.delete()
    assert not IndexEntry.objects.filter(pk=entry_id).exists()
    ids, _ = lexical.scores(analyzer.query_terms("HeLa"))
    assert entry_id not in ids


def test_rebuild_is_idempotent_and_draws_a_progress_bar(corpus_db):
    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert "120 points" in out.getvalue() and "0 (re)encoded" in out.getvalue()
    assert "100%" in err.getvalue() and "120/120" in err.getvalue()


def test_a_new_model_version_reencodes_every_entry_and_caches_under_its_own_key(
    corpus_db, tmp_path, monkeypatch, settings
):
    cache = tmp_path / "cache.sqlite3"
    shutil.copy(entries._cache_path(), cache)  # the other models' vectors stay cached
    settings.SEARCH_EMBEDDING_CACHE = str(cache)
    before = dict(IndexEntry.objects.values_list("pk", "checksum"))
    monkeypatch.setattr(embedders.get("use"), "version", "an-upgraded-use")
    out = StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=out)
    assert f"{len(before)} (re)encoded" in out.getvalue()
    after = dict(IndexEntry.objects.values_list("pk", "checksum"))
    assert after.keys() == before.keys()
    assert all(after[k] != before[k] for k in before)
    conn = sqlite3.connect(cache)
    keys = dict(conn.execute("SELECT model, count(*) FROM vec GROUP BY model"))
    conn.close()
    assert keys["use@an-upgraded-use"] >= IndexEntry.objects.values("text").distinct().count()
    call_command("rebuild_search_index", "--no-progress", stdout=(again := StringIO()))
    assert "0 (re)encoded" in again.getvalue()


def test_rebuild_restores_entries_that_were_lost(corpus_db):
    IndexEntry.objects.filter(point__talk__slug="alex-graves-iclr-2017").delete()
    call_command("rebuild_search_index", "--no-progress", stdout=StringIO())
    assert (
        IndexEntry.objects.filter(point__talk__slug="alex-graves-iclr-2017", kind="point").count()
        == 60
    )


def test_reimporting_a_changed_file_reindexes_its_points(
    corpus_db, tmp_path, django_capture_on_commit_callbacks
):
    changed = tmp_path / KORAY_ES.name
    shutil.copy(KORAY_ES, changed)
    body = changed.read_text(encoding="utf-8").replace(
        "5.-WaveNet utiliza capas de convolución dilatadas",
        "5.-WaveNet utiliza capas de zarigüeyas dilatadas",
    )
    changed.write_text(body, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_vault", str(changed), stdout=StringIO(), stderr=StringIO())
    point = SummaryPoint.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es", number=5)
    assert "zarigüeyas" in point.text
    entry = _entry(point)
    assert entry.checksum == entries.entry_checksum(point.text)
    ids, _ = lexical.scores(analyzer.query_terms("zarigüeya"))
    assert entry.pk in ids


def test_import_indexing_can_be_switched_off_for_bulk_loads(
    corpus_db, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_ON_IMPORT = False
    changed = tmp_path / KORAY_ES.name
    changed.write_text(
        KORAY_ES.read_text(encoding="utf-8").replace("5.-WaveNet utiliza", "5.-WaveNet emplea"),
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("import_vault", str(changed), stdout=StringIO(), stderr=StringIO())
    assert [c for c in callbacks if c.__module__.startswith("search.")] == []


def test_a_short_form_is_indexed_with_the_long_form_its_talk_defines(corpus_db):
    graves = {"talk__slug": "alex-graves-iclr-2017"}
    p12 = SummaryPoint.objects.get(**graves, lang="en", number=12)
    assert "BPTT (Back-propagation through time)" in _entry(p12).text
    assert "(Back-propagation" not in p12.text  # what readers see is untouched
    es12 = SummaryPoint.objects.get(**graves, lang="es", number=12)
    assert "BPTT (retropropagación a través del tiempo)" in _entry(es12).text
    ids, _ = lexical.scores(analyzer.query_terms("retropropagación"))
    assert _entry(es12).pk in ids


@pytest.mark.slow
def test_editing_a_definition_reindexes_the_points_that_use_it(
    corpus_db, django_capture_on_commit_callbacks
):
    graves = {"talk__slug": "alex-graves-iclr-2017", "lang": "en"}
    p11 = SummaryPoint.objects.get(**graves, number=11)
    p11.text = p11.text.replace("Back-propagation through time (BPTT)", "Backprop over time (BPTT)")
    with django_capture_on_commit_callbacks(execute=True):
        p11.save()
    p12 = SummaryPoint.objects.get(**graves, number=12)
    assert "BPTT (Backprop over time)" in _entry(p12).text
