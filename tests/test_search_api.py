"""GET /api/search/: the JSON shape and clear 400s for bad queries."""

from __future__ import annotations

import pytest

URL = "/api/search/"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "q: must not be empty"),
        ({"q": "   "}, "empty"),
        ({"q": "x" * 501}, "too long"),
        ({"q": "?!¿ …"}, "no letters"),
        ({"q": "hola\x00mundo"}, "control characters"),
        ({"q": "memory", "lang": "fr"}, "lang"),
        ({"q": "memory", "k": "ten"}, "k"),
        ({"q": "memory", "k": "0"}, "k"),
        ({"q": "memory", "k": "51"}, "k"),
        ({"q": "memory", "year": "20x7"}, "year"),
        ({"q": "memory", "k": "1.0"}, "k: must be a whole number from 1 to 50"),
        ({"q": "memory", "talk": " alex"}, "talk"),
        ({"lang": ""}, "lang: must not be empty"),
        ({"year": "2101"}, "year"),
    ],
)
def test_bad_queries_get_a_clear_400(client, corpus_db, params, message):
    resp = client.get(URL, params)
    assert resp.status_code == 400
    body = resp.json()
    assert body["status"] == 400 and message in body["error"]


def test_a_like_naming_no_published_point_is_a_404(client, corpus_db):
    response = client.get(URL, {"like": "999999"})
    assert response.status_code == 404 and "no summary point" in response.json()["error"]


def test_with_neither_q_nor_like_there_is_nothing_to_find(client, corpus_db):
    assert client.get(URL).json() == []
    assert client.get(URL, {"lang": "es", "k": 3}).json() == []


def test_the_length_limit_counts_what_was_sent(client, corpus_db):
    response = client.get(URL, {"q": " " + "x" * 500})
    assert response.status_code == 400 and "at most 500" in response.json()["error"]


def test_exactly_500_characters_is_accepted(client, corpus_db):
    assert client.get(URL, {"q": ("memory " * 100)[:500], "k": 1}).status_code == 200


@pytest.mark.slow
def test_results_carry_talk_number_lang_text_and_score(client, corpus_db):
    resp = client.get(
        URL,
        {
            "q": "how to reduce variance of evolution strategies gradients",
            "lang": "any",
            "k": 3,
        },
    )
    assert resp.status_code == 200
    hits = resp.json()
    assert isinstance(hits, list) and len(hits) == 3
    first = hits[0]
    assert first["talk"] == {
        "slug": "jascha-sohl-dickstein-iclr-2023",
        "title": first["talk"]["title"],
        "speaker": "Jascha Sohl-Dickstein",
    }
    assert first["number"] == 12 and first["lang"] == "es"
    assert "varianza" in first["text"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert first["why"] and first["url"].endswith("#point-es-12")


@pytest.mark.slow
def test_lang_and_k_are_honoured(client, corpus_db):
    hits = client.get(URL, {"q": "recurrent networks", "lang": "en", "k": 4}).json()
    assert len(hits) == 4 and {h["lang"] for h in hits} == {"en"}


def test_the_endpoint_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/search/" in schema["paths"]
