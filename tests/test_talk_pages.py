"""Browsing pages: list and filters, the talk page in each language, i18n URLs, errors."""

from __future__ import annotations

import re

import pytest

from talks.models import Talk


def cards(html: str, testid: str = "talk-card") -> int:
    return html.count(f'data-testid="{testid}"')


def test_root_redirects_to_the_browser_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").url == "/es/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB").url == "/en/"


def test_the_talk_list_shows_three_talks_and_one_discussion(client, corpus_db):
    html = client.get("/en/talks/").content.decode()
    assert cards(html) == 3
    assert cards(html, "discussion-card") == 1
    assert "Alex Graves" in html and "Jascha Sohl-Dickstein" in html and "Koray Kavukcuoglu" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("year=2017", 1),
        ("year=2023", 1),
        ("event=iclr-2018", 1),
        ("speaker=jascha-sohl-dickstein", 1),
        ("language=en", 1),
        ("language=es", 3),
        ("year=1999", 0),
        ("language=fr", 3),  # unknown values are ignored on pages
    ],
)
def test_list_filters(client, corpus_db, query, expected):
    assert cards(client.get(f"/en/talks/?{query}").content.decode()) == expected


def test_list_paginates(client, corpus_db):
    from talks.models import Event, Speaker, TalkTranslation

    event = Event.objects.create(name="ICLR", year=2030, slug="iclr-2030")
    speaker = Speaker.objects.create(name="Many", slug="many")
    for i in range(20):
        talk = Talk.objects.create(slug=f"t-{i}", event=event, speaker=speaker)
        TalkTranslation.objects.create(talk=talk, lang="en", title=f"Talk {i}")
    first = client.get("/en/talks/").content.decode()
    second = client.get("/en/talks/?page=2").content.decode()
    assert cards(first) == 12 and cards(second) == 11
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_graves_talk_shows_thirty_points_in_each_language(client, corpus_db):
    en = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    es = client.get("/es/talks/alex-graves-iclr-2017/").content.decode()
    both = client.get("/en/talks/alex-graves-iclr-2017/?show=both").content.decode()
    assert en.count('data-lang="en"') == 30 and 'data-lang="es"' not in en
    assert es.count('data-lang="es"') == 30 and 'data-lang="en"' not in es
    assert both.count('data-lang="en"') == 30 and both.count('data-lang="es"') == 30
    assert "New Directions For Recurrent Neural Networks" in en
    assert 'data-testid="missing-notice"' not in en


@pytest.mark.parametrize("slug", ["jascha-sohl-dickstein-iclr-2023", "koray-kavukcuoglu-iclr-2018"])
def test_spanish_only_talk_says_so_in_english(client, corpus_db, slug):
    html = client.get(f"/en/talks/{slug}/").content.decode()
    assert html.count('data-lang="es"') == 30
    assert "not yet in English" in html
    asked = client.get(f"/en/talks/{slug}/?show=en").content.decode()
    assert asked.count('data-lang="es"') == 0 and 'data-testid="missing-en"' in asked


def test_discussion_page_shows_thread_and_attribution(client, corpus_db):
    html = client.get("/es/talks/dnc-scaling-discussion/").content.decode()
    assert 'data-testid="thread"' in html and "▲ 12" in html and "▲ 3" in html
    assert "CC BY-SA 3.0" in html and "Stack Exchange" in html
    assert "/es/talks/alex-graves-iclr-2017/" in html


def test_source_is_served_verbatim(client, corpus_db):
    talk = Talk.objects.get(slug="alex-graves-iclr-2017")
    source = talk.sources.get(lang="en")
    response = client.get(f"/en/talks/{talk.slug}/sources/{source.pk}/")
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == source.raw_text


def test_ui_strings_are_translated_under_es(client, corpus_db):
    es = client.get("/es/").content.decode()
    en = client.get("/en/").content.decode()
    assert '<html lang="es">' in es and "Charlas" in es and "Buscar" in es
    assert '<html lang="en">' in en and "Talks" in en


def test_unknown_page_is_a_404_page_not_a_500(client, corpus_db):
    response = client.get("/en/talks/no-such-talk/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_every_asset_is_served_by_the_app(client, corpus_db):
    html = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_talk_page_advertises_its_oembed(client, corpus_db):
    html = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    match = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert match
    body = client.get(match.group(1).replace("&amp;", "&")).json()
    assert body["version"] == "1.0" and body["type"] == "rich"


def test_a_title_in_another_language_carries_its_lang(client, corpus_db):
    """Koray Kavukcuoglu's talk is only in Spanish: on English pages its title is marked ``lang="es"``."""
    title = Talk.objects.get(slug="koray-kavukcuoglu-iclr-2018").title_in("en")
    for path in ("/en/", "/en/talks/", "/en/talks/koray-kavukcuoglu-iclr-2018/"):
        html = client.get(path).content.decode()
        assert re.search(rf' lang="es"[^>]*>{re.escape(title)}<', html), path
    html = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    assert 'data-testid="talk-title">New Directions' in html  # same language: no attribute
    assert '<option value="es" lang="es"' in html and 'data-testid="show-es" lang="es"' in html
