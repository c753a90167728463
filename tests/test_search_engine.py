"""Hybrid search on the bundled corpus: the acceptance queries, languages, filters, more-like-this."""

from __future__ import annotations

import pytest

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
