"""The talks API: filters, pagination, detail with points per language, JSON errors, schema."""

from __future__ import annotations

import pytest


def test_list_is_paginated_and_filterable(client, corpus_db):
    body = client.get("/api/talks/").json()
    assert body["count"] == 4 and {"next", "previous", "results"} <= set(body)
    only_en = client.get("/api/talks/?language=en").json()
    assert [t["slug"] for t in only_en["results"]] == ["alex-graves-iclr-2017"]
    talks = client.get("/api/talks/?kind=invited_talk&year=2018").json()["results"]
    assert [t["speaker"] for t in talks] == ["Koray Kavukcuoglu"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("year=20x8", "year"),
        ("year=0", "year"),
        ("year=", "year"),
        ("language=fr", "language"),
        ("kind=poster", "kind"),
        ("kind=", "kind"),
        ("event=" + "e" * 121, "event"),
        ("speaker=not a slug", "speaker"),
        ("page=0", "page"),
    ],
)
def test_bad_filters_are_a_json_400(client, corpus_db, query, field):
    response = client.get(f"/api/talks/?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_each_bad_filter_names_what_the_schema_allows(client, corpus_db):
    fields = client.get("/api/talks/?year=0&kind=").json()["fields"]
    assert fields == {
        "year": ["must be a whole number from 1000 to 9999"],
        "kind": ["must be one of invited_talk, talk, interview, discussion"],
    }


def test_the_list_parameters_in_the_schema_are_the_ones_the_view_enforces(client, corpus_db):
    operation = client.get("/api/schema/?format=json").json()["paths"]["/api/talks/"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert params["year"] == {"type": "integer", "minimum": 1000, "maximum": 9999}
    assert params["kind"]["enum"] == ["invited_talk", "talk", "interview", "discussion"]
    assert params["event"]["maxLength"] == 120 and params["speaker"]["maxLength"] == 200
    assert params["page"]["minimum"] == 1


def test_a_talk_without_a_related_talk_says_null_as_its_schema_does(client, corpus_db):
    assert client.get("/api/talks/alex-graves-iclr-2017/").json()["related_talk"] is None
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schemas["TalkDetail"]["properties"]["related_talk"]["nullable"] is True


def test_detail_has_points_per_language_and_sources(client, corpus_db):
    talk = client.get("/api/talks/alex-graves-iclr-2017/").json()
    assert talk["languages"] == ["en", "es"]
    assert [p["number"] for p in talk["points"]["en"]] == list(range(1, 31))
    assert len(talk["points"]["es"]) == 30
    assert talk["titles"]["en"] == "New Directions For Recurrent Neural Networks"
    assert {s["lang"] for s in talk["sources"]} == {"en", "es"}
    assert all(len(s["checksum"]) == 64 for s in talk["sources"])


def test_discussion_detail_carries_its_licence(client, corpus_db):
    body = client.get("/api/talks/dnc-scaling-discussion/").json()
    assert body["kind"] == "discussion" and body["related_talk"] == "alex-graves-iclr-2017"
    assert body["license"]["es"]["license"].startswith("CC BY-SA 3.0")


def test_unknown_talk_is_a_json_404(client, corpus_db):
    response = client.get("/api/talks/nope/")
    assert response.status_code == 404
    assert response.json()["error"]


def test_bad_page_number_is_a_json_404_not_a_500(client, corpus_db):
    response = client.get("/api/talks/?page=99")
    assert response.status_code == 404 and "error" in response.json()


def test_openapi_schema_and_offline_docs(client, corpus_db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/talks/{slug}/" in schema.json()["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    assert (
        client.get(
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        ).status_code
        == 200
    )
