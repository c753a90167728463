"""The curators' bundled graph of the Sohl-Dickstein talk (``data/graphs``, ``graphs/bundled.py``):
setup imports it in both languages with its provenance, shows that provenance, is idempotent, and
never overwrites a curator's later edit."""

from __future__ import annotations

from io import StringIO

import yaml
from django.core.management import call_command

from graphs import mermaid, suggest
from graphs.models import ConceptGraph
from talks import obsidian
from talks.models import GraphOrigin, Talk, TalkTranslation

JASCHA = "jascha-sohl-dickstein-iclr-2023"


def _setup() -> str:
    out = StringIO()
    call_command("setup_vault", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_setup_ships_the_reviewed_graph_in_both_languages_with_its_provenance(corpus_db, client):
    assert not ConceptGraph.objects.filter(talk__slug=JASCHA).exists()
    text = _setup()
    assert f"graph imported: {JASCHA} [es]" in text and f"graph imported: {JASCHA} [en]" in text
    shapes = {}
    for lang in ("es", "en"):
        tr = TalkTranslation.objects.get(talk__slug=JASCHA, lang=lang)
        assert tr.graph_origin == GraphOrigin.SUGGESTED and tr.graph_generator == suggest.GENERATOR
        # The points are still the Knowledge Vault's text: their generator line is kept.
        assert "Claude 3 Opus" in tr.generator
        graph = mermaid.parse(tr.graph_source)
        cited = sorted(int(p) for n in graph.nodes for p in n.points)
        assert cited == list(range(1, 31))  # every point once, each label ending in its number
        shapes[lang] = (
            [(n.key, n.group) for n in graph.nodes],
            [(e.source, e.target) for e in graph.edges],
            [g.name for g in graph.groups],
        )
        assert ConceptGraph.objects.get(talk__slug=JASCHA, lang=lang).nodes.count() == 35
        assert "suggested" in tr.history.first().history_change_reason
    assert shapes["es"] == shapes["en"]  # ids, edges and groups identical; only labels translated

    for lang in ("en", "es"):
        page = client.get(f"/{lang}/talks/{JASCHA}/").content.decode()
        assert 'data-testid="graph-provenance"' in page
    assert "Knowledge Vault text" in client.get(f"/en/talks/{JASCHA}/").content.decode()
    # A graph from the source text carries no such notice.
    other = client.get("/en/talks/koray-kavukcuoglu-iclr-2018/").content.decode()
    assert 'data-testid="graph-views"' in other and 'data-testid="graph-provenance"' not in other

    talk = Talk.objects.with_related().prefetch_related("points", "sources").get(slug=JASCHA)
    props = obsidian.front_matter(talk)
    assert props["provenance"]["en"]["graph_origin"] == "suggested"
    assert props["provenance"]["es"]["graph_generator"] == suggest.GENERATOR
    assert (
        "graph_origin"
        not in obsidian.front_matter(Talk.objects.get(slug="alex-graves-iclr-2017"))["provenance"][
            "en"
        ]
    )
    yaml.safe_dump(props)  # the export writes it as YAML


def test_a_repeat_setup_changes_nothing_and_a_curators_edit_survives(corpus_db):
    _setup()
    tr = TalkTranslation.objects.get(talk__slug=JASCHA, lang="en")
    version, source = tr.version, tr.graph_source
    again = _setup()
    assert f"graph unchanged: {JASCHA} [en]" in again and "graph imported" not in again
    tr.refresh_from_db()
    assert (tr.version, tr.graph_source) == (version, source)

    # A curator edits the graph in the admin's editor (same save path: origin stays "suggested").
    edited = source.replace(
        "Jascha's research path 1", "Jascha's path: physics, NASA, neuroscience 1"
    )
    assert edited != source
    tr.graph_source = edited
    tr.graph_origin = GraphOrigin.SUGGESTED
    tr.save()
    out = _setup()
    assert f"graph kept: {JASCHA} [en]" in out
    tr.refresh_from_db()
    assert tr.graph_source == edited
    assert (
        ConceptGraph.objects.get(talk__slug=JASCHA, lang="en")
        .nodes.filter(label__startswith="Jascha's path")
        .exists()
    )

    # Even an emptied graph is the curator's choice: setup does not put the bundled one back.
    tr.graph_source = ""
    tr.save()
    assert f"graph kept: {JASCHA} [en]" in _setup()
    tr.refresh_from_db()
    assert tr.graph_source == ""
