"""The front page /<lang>/: what the vault is, search, the concept-map thumbnail, newest talks, demos."""

from __future__ import annotations

import re

from demos import registry
from graphs import thumbnail
from talks.models import Talk


def test_the_front_page_shows_the_statement_search_map_talks_and_demos(client, corpus_db):
    html = client.get("/en/").content.decode()
    assert 'data-testid="home-statement"' in html
    assert re.search(r'<form class="home-search" role="search" action="/en/search/"', html)
    assert html.count("<circle ") >= 2  # the thumbnail draws the stored map
    assert (
        html.count('data-testid="home-talk"')
        == Talk.objects.published().filter(kind="invited_talk").count()
    )
    assert html.count('data-testid="home-demo"') == len(registry.all_demos())
    assert 'href="/en/talks/"' in html  # the full list, one click away


def test_each_demo_shows_its_still_image_and_its_talk(client, corpus_db):
    html = client.get("/es/").content.decode()
    for demo in registry.all_demos():
        card = html.split(f'data-slug="{demo.slug}"', 1)[1].split("</li>", 1)[0]
        assert f"demos/stills/{demo.slug}" in card
        talk = Talk.objects.get(slug=demo.talk)
        assert f'href="/es/talks/{talk.slug}/"' in card and talk.title_in("es") in card


def test_newest_talks_come_latest_event_first(client, corpus_db):
    html = client.get("/en/").content.decode()
    years = [
        Talk.objects.get(slug=slug).event.year
        for slug in re.findall(r'data-testid="home-talk"><a href="/en/talks/([^/]+)/"', html)
    ]
    assert years == sorted(years, reverse=True) and years


def test_an_old_filtered_list_address_redirects_to_the_list(client, corpus_db):
    response = client.get("/en/?year=2017&speaker=alex-graves")
    assert response.status_code == 301
    assert response["Location"] == "/en/talks/?year=2017&speaker=alex-graves"


def test_an_empty_vault_has_a_front_page(client, empty_vault):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No talks yet." in response.content.decode()


def test_the_thumbnail_layout_is_deterministic_and_inside_its_box():
    summary = {
        "nodes": [
            {"id": "talk:a", "kind": "talk", "label": "A", "degree": 2},
            {"id": "talk:b", "kind": "talk", "label": "B", "degree": 1},
            {"id": "concept:x", "kind": "concept", "label": "X", "talks": 2, "degree": 2},
        ],
        "edges": [{"from": "talk:a", "to": "concept:x"}, {"from": "talk:b", "to": "concept:x"}],
    }
    first, second = thumbnail.layout(summary), thumbnail.layout(summary)
    assert first == second and len(first["nodes"]) == 3 and len(first["edges"]) == 2
    for n in first["nodes"]:
        assert 0 <= n["x"] <= first["width"] and 0 <= n["y"] <= first["height"]
    assert [n["kind"] for n in first["nodes"]][-2:] == ["talk", "talk"]  # talks drawn last (on top)
    assert thumbnail.layout({"nodes": [], "edges": []})["nodes"] == []


def test_unconnected_parts_of_the_map_get_cells_of_their_own():
    nodes = [{"id": f"n{i}", "kind": "concept", "label": str(i), "degree": 1} for i in range(5)]
    edges = [{"from": "n0", "to": "n1"}, {"from": "n2", "to": "n3"}]  # n4 has no edge
    placed = {n["id"]: n for n in thumbnail.layout({"nodes": nodes, "edges": edges})["nodes"]}

    def box(*keys):
        xs, ys = [placed[k]["x"] for k in keys], [placed[k]["y"] for k in keys]
        return min(xs), max(xs), min(ys), max(ys)

    (ax0, ax1, ay0, ay1), (bx0, bx1, by0, by1) = box("n0", "n1"), box("n2", "n3")
    assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0  # the two pairs do not overlap


def test_the_front_page_and_the_cite_menu_are_in_spanish_under_es(client, corpus_db):
    home = client.get("/es/").content.decode()
    assert "Charlas más recientes" in home and "Demos en vivo" in home
    assert "Busca en la bóveda, en inglés o en español" in home
    talk = client.get("/es/talks/alex-graves-iclr-2017/").content.decode()
    assert ">Citar</summary>" in talk and "Copiar el enlace al punto 7" in talk
