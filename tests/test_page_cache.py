"""The page cache (talks/cache.py): cached pages are served, and every edit shows at once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from talks import cache as page_cache
from talks.importers.writer import import_documents, parse_pasted
from talks.models import SummaryPoint, Talk, TalkTranslation

GRAVES = "/en/talks/alex-graves-iclr-2017/"
GRAVES_ES = "/es/talks/alex-graves-iclr-2017/"


def get(client: Client, url: str):
    response = client.get(url)
    return response, response.content.decode()


def csrf_value(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_talk_page_is_served_from_the_cache_the_second_time(client, corpus_db):
    first, html1 = get(client, GRAVES)
    second, html2 = get(client, GRAVES)
    assert first[page_cache.STATUS_HEADER] == "miss" and second[page_cache.STATUS_HEADER] == "hit"
    # Same page apart from the CSRF token, which is always the visitor's own.
    assert re.sub(r'value="[^"]{64}"', "", html1) == re.sub(r'value="[^"]{64}"', "", html2)
    assert "Alex Graves" in html2


def test_editing_a_point_shows_the_new_text_immediately(client, corpus_db):
    get(client, GRAVES)
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=7)
    point.text = "A freshly edited point about adaptive computation."
    point.save()
    response, html = get(client, GRAVES)
    assert response[page_cache.STATUS_HEADER] == "miss"
    assert "A freshly edited point about adaptive computation." in html


def test_editing_a_title_changes_the_list_and_the_talk_page(client, corpus_db):
    get(client, "/en/talks/")
    get(client, GRAVES)
    tr = TalkTranslation.objects.get(talk__slug="alex-graves-iclr-2017", lang="en")
    tr.title = "Retitled by a curator"
    tr.save()
    assert "Retitled by a curator" in get(client, "/en/talks/")[1]
    assert "Retitled by a curator" in get(client, GRAVES)[1]


def test_unpublishing_a_talk_makes_its_cached_page_a_404(client, corpus_db):
    assert get(client, GRAVES)[0].status_code == 200
    assert get(client, GRAVES)[0][page_cache.STATUS_HEADER] == "hit"
    talk = Talk.objects.get(slug="alex-graves-iclr-2017")
    talk.status = Talk.Status.DRAFT
    talk.save(update_fields=["status", "updated_at"])
    assert get(client, GRAVES)[0].status_code == 404


def test_deleting_a_talk_makes_its_cached_page_a_404(client, corpus_db):
    get(client, GRAVES)
    Talk.objects.filter(slug="alex-graves-iclr-2017").delete()
    assert get(client, GRAVES)[0].status_code == 404


def test_each_language_and_view_mode_is_cached_separately(client, corpus_db):
    en, es = get(client, GRAVES)[1], get(client, GRAVES_ES)[1]
    assert get(client, GRAVES_ES)[0][page_cache.STATUS_HEADER] == "hit"
    assert get(client, GRAVES)[0][page_cache.STATUS_HEADER] == "hit"
    assert '<html lang="en">' in en and '<html lang="es">' in es
    assert get(client, GRAVES_ES)[1].count('<html lang="es">') == 1
    both = get(client, GRAVES + "?show=both")[1]
    assert both != en and get(client, GRAVES + "?show=both")[0][page_cache.STATUS_HEADER] == "hit"


def test_an_import_invalidates_cached_pages(client, corpus_db):
    get(client, GRAVES)
    assert get(client, GRAVES)[0][page_cache.STATUS_HEADER] == "hit"
    source = (
        Talk.objects.get(slug="alex-graves-iclr-2017").sources.filter(lang="en").latest().raw_text
    )
    changed = source.replace("sequential data", "imported-again data", 1)
    assert changed != source
    import_documents([parse_pasted(changed, filename="graves-en.txt")])
    response, html = get(client, GRAVES)
    assert response[page_cache.STATUS_HEADER] == "miss" and "imported-again data" in html


def test_an_import_that_changes_nothing_keeps_the_cache(client, corpus_db):
    get(client, GRAVES)
    source = (
        Talk.objects.get(slug="alex-graves-iclr-2017").sources.filter(lang="en").latest().raw_text
    )
    import_documents([parse_pasted(source, filename="graves-en.txt")])
    assert get(client, GRAVES)[0][page_cache.STATUS_HEADER] == "hit"


def test_every_visitor_gets_a_working_csrf_token_of_their_own(corpus_db):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    get(first, GRAVES)
    response, html = get(second, GRAVES)
    assert response[page_cache.STATUS_HEADER] == "hit"
    assert "csrftoken" in response.cookies  # set as on an uncached page
    token = csrf_value(html)
    assert "kv-csrf" not in html
    switched = second.post(
        "/i18n/setlang/",
        {"language": "es", "next": "/talks/alex-graves-iclr-2017/", "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302  # the language form works with the token of a cached page


def test_logged_in_staff_never_get_or_fill_the_cache(client, corpus_db):
    staff = User.objects.create_user("curator", password="x", is_staff=True)
    client.force_login(staff)
    assert page_cache.STATUS_HEADER not in get(client, GRAVES)[0]
    assert page_cache.STATUS_HEADER not in get(client, GRAVES)[0]
    anonymous = Client()
    assert get(anonymous, GRAVES)[0][page_cache.STATUS_HEADER] == "miss"


def test_unknown_query_parameters_bypass_the_cache(client, corpus_db):
    for _ in range(2):
        response = client.get(GRAVES + "?utm_source=x")
        assert response.status_code == 200 and page_cache.STATUS_HEADER not in response


def test_list_filters_are_separate_pages(client, corpus_db):
    all_talks = get(client, "/en/talks/")[1]
    filtered = get(client, "/en/talks/?year=2017")[1]
    assert all_talks.count('data-testid="talk-card"') == 3
    assert filtered.count('data-testid="talk-card"') == 1
    assert get(client, "/en/talks/?year=2017")[1].count('data-testid="talk-card"') == 1


def test_graph_pages_follow_graph_edits(client, corpus_db):
    url = "/en/graph/talks/alex-graves-iclr-2017/"
    assert get(client, url)[0].status_code == 200
    tr = TalkTranslation.objects.get(talk__slug="alex-graves-iclr-2017", lang="en")
    tr.graph_source = "graph LR\nA[Brand new concept 1] --> B[Another concept 2]"
    tr.save()
    assert "Brand new concept" in get(client, url)[1]


@pytest.mark.django_db(transaction=True)
def test_a_change_is_invalidated_again_when_its_transaction_commits(client):
    # A page rendered by another process between the change and its commit shows the old rows;
    # the bump on commit must make it unreachable.
    from django.db import transaction

    with transaction.atomic():
        page_cache.content_changed()
        during = page_cache.content_version()
    assert page_cache.content_version() != during


def test_page_caching_can_be_turned_off(client, corpus_db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(client, GRAVES)
    assert page_cache.STATUS_HEADER not in get(client, GRAVES)[0]
    cache.clear()


def test_an_unreachable_redis_cache_never_fails_a_page_or_an_edit(client, corpus_db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }  # nothing listens on port 1
    response, html = get(client, GRAVES)
    assert response.status_code == 200 and "Alex Graves" in html
    assert page_cache.STATUS_HEADER not in response
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=7)
    point.text = "Edited while the cache is down."
    point.save()
    assert "Edited while the cache is down." in get(client, GRAVES)[1]


def test_a_missing_cache_table_does_not_abort_an_import(client, corpus_db, settings):
    # On PostgreSQL a failed query aborts the whole transaction: the cache call runs in a savepoint.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    source = (
        Talk.objects.get(slug="alex-graves-iclr-2017").sources.filter(lang="en").latest().raw_text
    )
    import_documents(
        [parse_pasted(source.replace("sequential data", "cacheless data", 1), filename="g.txt")]
    )
    assert SummaryPoint.objects.filter(
        talk__slug="alex-graves-iclr-2017", text__contains="cacheless data"
    ).exists()
    assert "cacheless data" in get(client, GRAVES)[1]


def test_the_talk_api_is_cached_and_follows_edits(client, corpus_db):
    url = "/api/talks/alex-graves-iclr-2017/"
    first = client.get(url)
    second = client.get(url)
    assert second[page_cache.STATUS_HEADER] == "hit" and second.json() == first.json()
    assert (
        second["Content-Type"] == "application/json" and "Accept" in second["Vary"]
    )  # DRF's headers kept
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="es", number=3)
    point.text = "Punto editado."
    point.save()
    points = client.get(url).json()["points"]["es"]
    assert any(p["text"] == "Punto editado." for p in points)


def test_api_errors_are_not_cached(client, corpus_db):
    assert client.get("/api/talks/?year=17").status_code == 400
    assert page_cache.STATUS_HEADER not in client.get("/api/talks/?year=17")
    assert client.get("/api/talks/alex-graves-iclr-2017/graph/?lang=xx").status_code == 400
