"""Graph pages and API: the talk section, the graph page, the embed, the vault map, JSON and exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from graphs.mermaid import parse

GRAVES = "alex-graves-iclr-2017"
KORAY = "koray-kavukcuoglu-iclr-2018"


def test_talk_page_carries_both_views_legend_metrics_and_the_graph_data(client, corpus_db):
    response = client.get(f"/en/talks/{GRAVES}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="graph-mermaid"' in html and 'data-testid="graph-network"' in html
    assert (
        "vendor/mermaid/mermaid.min.js" in html and "vendor/vis-network/vis-network.min.js" in html
    )
    assert (
        'src="http' not in html and 'href="https://cdn' not in html
    )  # everything served by the app
    assert html.count('<span class="swatch"') == 8
    assert response.context["gv"]["metrics"]["degree"][0]["key"] in {"E", "G", "R", "V"}
    start = html.index(f'id="graph-data-{GRAVES}"')
    payload = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert payload["graphLang"] == "en" and payload["pageLang"] == "en"
    assert len(payload["network"]["nodes"]) == 31 and len(payload["network"]["edges"]) == 30
    assert payload["nodes"]["B"]["points"] == [1]
    assert payload["points"]["1"]["text"].startswith(
        "RNNs with multiplicative units like LSTM and GRU"
    )
    assert len(parse(payload["mermaid"]).nodes) == 31


def test_spanish_page_uses_the_spanish_points_for_the_english_only_graph(client, corpus_db):
    html = client.get(f"/es/talks/{GRAVES}/").content.decode()
    assert 'data-testid="graph-language-notice"' in html  # Graves' graph exists in English only
    start = html.index(f'id="graph-data-{GRAVES}"')
    payload = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert payload["graphLang"] == "en" and payload["pageLang"] == "es"
    assert payload["points"]["1"]["lang"] == "es"  # point 1 exists in Spanish (file 000)


def test_a_talk_without_a_graph_shows_a_clear_notice(client, corpus_db):
    html = client.get("/en/talks/jascha-sohl-dickstein-iclr-2023/").content.decode()
    assert 'data-testid="graph-missing"' in html
    assert "graph-network" not in html and "mermaid.min.js" not in html


def test_graph_labels_are_escaped_in_the_page(client, corpus_db):
    from graphs.models import ConceptGraph

    graph = ConceptGraph.objects.get(talk__slug=GRAVES, lang="en")
    graph.nodes.filter(key="B").update(title="<script>alert(1)</script>")
    graph.source = graph.source.replace("RNNs: LSTM", "</script><script>alert(1)</script>")
    graph.save()
    html = client.get(f"/en/graph/talks/{GRAVES}/").content.decode()
    assert "<script>alert(1)" not in html


def test_graph_page_and_embed_render(client, corpus_db):
    assert client.get(f"/en/graph/talks/{KORAY}/").status_code == 200
    embed = client.get(f"/embed/talks/{KORAY}/graph/?lang=es")
    html = embed.content.decode()
    assert embed.status_code == 200 and 'data-testid="graph-embed"' in html
    assert 'class="site-header"' not in html  # no site chrome
    assert '<html lang="es">' in html
    assert client.get(f"/embed/talks/{KORAY}/graph/?lang=xx").status_code == 404
    from django.urls import reverse

    assert reverse("graphs_embed:embed", args=[KORAY]) == f"/embed/talks/{KORAY}/graph/"


def test_vault_map_links_talks_through_shared_concepts(client, corpus_db):
    response = client.get("/en/graph/")
    assert response.status_code == 200
    summary = response.context["summary"]
    shared = {c["term"]: c["talks"] for c in summary["shared"]}
    assert shared["dnc"] == ["alex-graves-iclr-2017", "dnc-scaling-discussion"]
    html = response.content.decode()
    assert 'data-slug="dnc-scaling-discussion">' in html
    assert "New Directions For Recurrent Neural Networks</a>" in html
    ids = {n["id"] for n in summary["nodes"]}
    assert {
        "concept:wavenet",
        "concept:impala",
        "concept:wage",
        "talk:koray-kavukcuoglu-iclr-2018",
    } <= ids
    assert summary["totals"]["talks"] == 4


def test_api_returns_nodes_edges_groups_as_json(client, corpus_db):
    data = client.get(f"/api/talks/{GRAVES}/graph/?lang=en").json()
    assert (len(data["nodes"]), len(data["edges"]), len(data["groups"])) == (31, 30, 8)
    b = next(n for n in data["nodes"] if n["key"] == "B")
    assert (b["group"], b["points"], b["shape"]) == ("rnn", [1], "rect")
    assert data["edges"][0] == {
        "source": "A",
        "target": "B",
        "label": "",
        "style": "arrow",
    }
    assert data["metrics"]["betweenness"][0]["key"] == "E"  # External memory bridges the most
    assert (
        client.get(f"/api/talks/{KORAY}/graph/").json()["lang"] == "es"
    )  # first language with a graph


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/api/talks/{GRAVES}/graph/?lang=xx", 400),
        (f"/api/talks/{GRAVES}/graph/?lang=es", 404),
        ("/api/talks/no-such-talk/graph/", 404),
        ("/api/talks/jascha-sohl-dickstein-iclr-2023/graph.mmd", 404),
    ],
)
def test_api_errors_are_json_with_the_right_status(client, corpus_db, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["status"] == status and response.json()["error"]


def test_mermaid_export_is_canonical_and_reparses_to_the_stored_graph(client, corpus_db):
    from graphs.models import ConceptGraph

    response = client.get(f"/api/talks/{GRAVES}/graph.mmd?lang=en")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/vnd.mermaid")
    assert text.splitlines()[0] == "graph LR" and len(text.splitlines()) == 1 + 8 + 31 + 30 + 7
    assert (
        parse(text)
        == ConceptGraph.objects.with_parts().get(talk__slug=GRAVES, lang="en").to_mermaid()
    )


def test_graphml_and_node_link_downloads_hold_the_graph(client, corpus_db):
    graphml = client.get(f"/api/talks/{KORAY}/graph.graphml")
    root = ET.fromstring(graphml.content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 31 and len(root.findall(".//g:edge", ns)) == 30
    assert graphml["Content-Disposition"] == f'attachment; filename="{KORAY}-es.graphml"'
    data = json.loads(client.get(f"/api/talks/{KORAY}/graph.json").content)
    assert len(data["nodes"]) == 31 and len(data["links"]) == 30
    assert next(n for n in data["nodes"] if n["id"] == "E")["points"] == [4]


def test_graph_section_speaks_the_page_language(client, corpus_db):
    html = client.get(f"/es/talks/{GRAVES}/").content.decode()
    assert "Grafo de conceptos" in html and "Vista interactiva" in html
    assert "solo existe en Inglés" in html  # Django's translated language name
    assert (
        "Esta charla no tiene grafo de conceptos."
        in client.get("/es/talks/jascha-sohl-dickstein-iclr-2023/").content.decode()
    )
