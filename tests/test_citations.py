"""Citing a talk: /api/talks/<slug>/citation.bib (BibTeX) and citation.json (CSL-JSON), and the Cite menu."""

from __future__ import annotations

import json

import pytest

from talks import citations
from tests.bibtex_support import parse

BIB = "/api/talks/alex-graves-iclr-2017/citation.bib"
CSL = "/api/talks/alex-graves-iclr-2017/citation.json"


def test_the_bibtex_is_a_misc_entry_with_speaker_title_event_year_url_and_attribution(
    client, corpus_db
):
    response = client.get(BIB)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    entry = parse(response.content.decode())
    assert entry["type"] == "misc" and entry["key"] == "graves2017new"
    f = entry["fields"]
    assert f["author"] == "Graves, Alex"
    assert f["title"] == "{New Directions For Recurrent Neural Networks}"
    assert f["howpublished"] == "Talk at ICLR 2017" and f["year"] == "2017"
    assert f["url"] == "http://testserver/en/talks/alex-graves-iclr-2017/"
    assert "Knowledge Vault by David Vivancos" in f["note"] and "2/36" in f["note"]


def test_the_spanish_citation_names_the_spanish_title_and_page(client, corpus_db):
    entry = parse(client.get(BIB + "?lang=es").content.decode())
    assert entry["fields"]["title"] == "{Nuevas direcciones para las redes neuronales recurrentes}"
    assert entry["fields"]["url"].endswith("/es/talks/alex-graves-iclr-2017/")
    assert entry["fields"]["language"] == "es"


def test_the_csl_json_is_one_speech_item(client, corpus_db):
    response = client.get(CSL, HTTP_ACCEPT="text/html")  # one format whatever the client accepts
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    [item] = json.loads(response.content)
    assert item["type"] == "speech" and item["author"] == [{"family": "Graves", "given": "Alex"}]
    assert item["event-title"] == "ICLR 2017" and item["issued"] == {"date-parts": [[2017]]}
    assert item["URL"].endswith("/en/talks/alex-graves-iclr-2017/")
    assert item["title"] == "New Directions For Recurrent Neural Networks"


def test_a_talk_only_in_spanish_is_cited_in_spanish_and_not_in_english(client, corpus_db):
    url = "/api/talks/koray-kavukcuoglu-iclr-2018/citation.bib"
    assert parse(client.get(url).content.decode())["fields"]["language"] == "es"
    response = client.get(url + "?lang=en")
    assert response.status_code == 404 and response.json()["status"] == 404


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/talks/no-such-talk/citation.bib", 404),
        ("/api/talks/no-such-talk/citation.json", 404),
        (BIB + "?lang=fr", 400),
        (CSL + "?lang=xx", 400),
    ],
)
def test_errors_are_json(client, corpus_db, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == status


def test_a_discussion_without_speaker_or_event_still_parses(client, corpus_db):
    entry = parse(client.get("/api/talks/dnc-scaling-discussion/citation.bib").content.decode())
    assert "author" not in entry["fields"] and "year" not in entry["fields"]
    assert entry["fields"]["title"]


def test_latex_specials_in_a_title_stay_text():
    c = citations.Citation(
        key="k", title="50% of {nets} & #tricks_2 ~ \\o/", url="http://x/a%20b", lang="en"
    )
    entry = parse(citations.bibtex(c))
    assert entry["fields"]["title"] == (
        r"{50\% of \{nets\} \& \#tricks\_2 \textasciitilde{} \textbackslash{}o/}"
    )
    assert entry["fields"]["url"] == r"http://x/a\%20b"


def test_both_citation_files_are_in_the_openapi_schema(client, corpus_db):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    bib = paths["/api/talks/{slug}/citation.bib"]["get"]["responses"]
    csl = paths["/api/talks/{slug}/citation.json"]["get"]["responses"]
    assert "application/x-bibtex" in bib["200"]["content"] and "404" in bib
    assert "application/vnd.citationstyles.csl+json" in csl["200"]["content"] and "400" in csl


def test_the_talk_page_has_a_cite_menu_and_a_link_on_every_point(client, corpus_db):
    html = client.get("/es/talks/alex-graves-iclr-2017/").content.decode()
    assert 'data-testid="cite-menu"' in html
    assert f'href="{BIB}?lang=es"' in html and f'href="{CSL}?lang=es"' in html
    assert html.count('data-testid="point-link"') == 30
    assert 'href="#point-es-7" data-copy-point' in html
