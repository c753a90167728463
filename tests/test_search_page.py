"""The results page /<lang>/search/ (server-rendered)."""

from __future__ import annotations

import pytest


def test_the_search_box_is_on_every_page(client, corpus_db):
    html = client.get("/es/").content.decode()
    assert 'action="/es/search/"' in html and 'name="q"' in html


def test_an_empty_search_page_shows_the_form_without_an_error(client, corpus_db):
    resp = client.get("/en/search/")
    assert resp.status_code == 200
    assert 'data-testid="search-form"' in resp.content.decode()
    assert "search-error" not in resp.content.decode()


def test_a_too_long_query_is_a_400_page_with_the_reason(client, corpus_db):
    resp = client.get("/en/search/", {"q": "a" * 600})
    assert resp.status_code == 400
    assert "too long" in resp.content.decode()


@pytest.mark.slow
def test_results_are_grouped_by_talk_with_highlights_and_reasons(client, corpus_db):
    resp = client.get("/en/search/", {"q": "WaveNet audio", "lang": "any"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'aria-labelledby="talk-koray-kavukcuoglu-iclr-2018"' in html
    assert "<mark>WaveNet</mark>" in html
    assert 'class="hit-why"' in html and "similar meaning" in html
    assert "More like this" in html


@pytest.mark.slow
def test_more_like_this_page_names_the_source_point(client, corpus_db):
    from talks.models import SummaryPoint

    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=17)
    html = client.get("/en/search/", {"like": point.pk}).content.decode()
    assert "Points like point 17" in html
    assert 'data-number="17"' not in html


def test_the_talk_filter_lists_each_published_talk_by_speaker_and_event(client, corpus_db):
    import re

    from talks.models import Talk

    draft = Talk.objects.published().select_related("speaker", "event").first()
    draft.status = Talk.Status.DRAFT
    draft.save()
    html = client.get("/en/search/", {"talk": "alex-graves-iclr-2017"}).content.decode()
    select = re.search(r'data-testid="filter-talk">(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)" ?(selected)?>([^<]*)</option>', select)
    published = Talk.objects.published().select_related("speaker", "event")
    assert [slug for slug, _sel, _label in options] == ["", *(t.slug for t in published)]
    assert draft.slug not in select
    labels = {slug: label for slug, _sel, label in options}
    for talk in published:
        who = talk.speaker.name if talk.speaker else talk.slug
        where = f"{talk.event.name} {talk.event.year}" if talk.event else ""
        assert labels[talk.slug] == f"{who} — {where}"
    assert [slug for slug, sel, _label in options if sel] == ["alex-graves-iclr-2017"]
