"""Hybrid search on the bundled corpus: the acceptance queries, languages, filters, more-like-this."""

from __future__ import annotations

import pytest

from search import engine
from search.engine import SearchParams, search
from search.models import IndexEntry
from talks.models import SummaryPoint

pytestmark = pytest.mark.slow  # the first search in a process loads the embedding models


def _top(q: str, **kw) -> list[tuple[str, str, int]]:
    return [
        (h.talk.slug, h.point.lang, h.point.number) for h in search(SearchParams(q=q, **kw)).hits
    ]


def test_spanish_query_about_external_memory_finds_the_external_memory_points(
    corpus_db,
):
    top3 = _top("memoria externa para redes neuronales", k=3)
    assert {("alex-graves-iclr-2017", n) for _s, _l, n in top3} & {
        ("alex-graves-iclr-2017", 4),
        ("alex-graves-iclr-2017", 5),
    }
    assert all(lang == "es" for _s, lang, _n in top3)  # lang=any shows the query's language first


def test_english_query_finds_a_spanish_only_point(corpus_db):
    top3 = _top("how to reduce variance of evolution strategies gradients", k=3)
    assert ("jascha-sohl-dickstein-iclr-2023", "es", 12) in top3


def test_lang_restricts_the_points_returned(corpus_db):
    for lang in ("en", "es"):
        assert {x[1] for x in _top("adaptive computation time", lang=lang, k=10)} == {lang}


def test_spanish_query_reaches_the_english_point_through_its_translation(corpus_db):
    result = search(SearchParams(q="¿cómo decide una red cuánto tiempo pensar?", lang="en", k=3))
    assert result.query_lang == "es"
    best = result.hits[0]
    assert (best.talk.slug, best.point.lang, best.point.number) == (
        "alex-graves-iclr-2017",
        "en",
        17,
    )
    assert best.other is not None and best.other.lang == "es"
    assert any("Spanish" in r for r in best.reasons)


def test_any_language_returns_each_point_once(corpus_db):
    hits = _top("differentiable neural computer memory", k=20)
    keys = [(s, n) for s, _l, n in hits]
    assert len(keys) == len(set(keys))


def test_filters_by_talk_event_and_year(corpus_db):
    assert {s for s, _l, _n in _top("memory", talk="koray-kavukcuoglu-iclr-2018")} == {
        "koray-kavukcuoglu-iclr-2018"
    }
    assert {s for s, _l, _n in _top("memory", event="iclr-2023")} == {
        "jascha-sohl-dickstein-iclr-2023"
    }
    assert {s for s, _l, _n in _top("memory", year=2017)} == {"alex-graves-iclr-2017"}
    assert _top("memory", year=1999) == []
    assert _top("memory", talk="no-such-talk") == []


def test_hits_explain_why_they_matched_and_highlight_the_query_words(corpus_db):
    hit = search(SearchParams(q="WaveNet audio", lang="es", k=1)).hits[0]
    assert hit.talk.slug == "koray-kavukcuoglu-iclr-2018"
    assert "<mark>WaveNet</mark>" in hit.snippet
    assert any(r.startswith("similar meaning") for r in hit.reasons)
    assert any("WaveNet" in r for r in hit.reasons)


def test_results_are_grouped_by_talk_in_order_of_their_best_hit(corpus_db):
    result = search(SearchParams(q="learned optimizers and memory networks", k=10))
    groups = result.groups
    assert sum(len(g.hits) for g in groups) == len(result.hits)
    best = [g.hits[0].score for g in groups]
    assert best == sorted(best, reverse=True)


def test_more_like_this_finds_neighbours_but_not_the_point_itself(corpus_db):
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=13)
    result = search(SearchParams(like=point.pk, lang="en", k=3))
    numbers = [h.point.number for h in result.hits]
    assert 13 not in numbers
    assert set(numbers) & {14, 15}  # the other synthetic-gradient points
    assert result.like == point


def test_entries_missing_a_new_models_vector_are_still_searched(corpus_db):
    # What a database looks like between migrating to a new model set and rebuild_search_index.
    IndexEntry.objects.filter(point__talk__slug="koray-kavukcuoglu-iclr-2018").update(e5=b"")
    hits = search(SearchParams(q="WaveNet audio generativo", lang="es", k=3)).hits
    assert hits and hits[0].talk.slug == "koray-kavukcuoglu-iclr-2018"


def test_a_point_deleted_after_the_index_was_read_is_left_out(corpus_db, monkeypatch):
    # Another request deleted it between this one's index check and its hydration.
    stale = engine.current_index()
    gone = search(SearchParams(q="external memory", lang="en", k=5)).hits[0].point
    gone.delete()
    monkeypatch.setattr(engine, "current_index", lambda: stale)
    hits = search(SearchParams(q="external memory", lang="en", k=5)).hits
    assert hits and gone.pk not in {h.point.pk for h in hits}


def test_a_renamed_talk_shows_its_new_title_in_the_next_search(corpus_db):
    from talks.models import TalkTranslation

    hit = search(SearchParams(q="external memory", lang="en", k=3)).hits[0]
    assert hit.talk.title_in("en") != "A title changed after the search"
    tr = TalkTranslation.objects.get(talk=hit.talk, lang="en")
    tr.title = "A title changed after the search"
    tr.save()
    again = search(SearchParams(q="external memory", lang="en", k=3)).hits[0]
    assert again.talk.pk == hit.talk.pk
    assert again.talk.title_in("en") == "A title changed after the search"


def test_a_repeated_search_reads_no_talk_it_already_has(corpus_db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = search(SearchParams(q="memoria externa", lang="any", k=10)).hits
    with CaptureQueriesContext(connection) as queries:
        hits = search(SearchParams(q="memoria externa", lang="any", k=10)).hits
    assert [h.point.pk for h in hits] == [h.point.pk for h in first]
    # The talks, their speakers, events and titles are the ones the first search read; what is
    # asked is the index generation, the drafts check, the lexical match and the points.
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "talks_talktranslation" in q or "talks_speaker" in q]
    assert [q for q in sql if 'FROM "talks_talk"' in q] == [
        q for q in sql if 'FROM "talks_talk" WHERE NOT' in q
    ]
    assert not [q for q in sql if 'FROM "search_indexentry" WHERE' in q]
    assert all(h.talk.title_in(h.point.lang) and h.talk.speaker for h in hits)
