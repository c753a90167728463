""" "Suggest a concept graph": the draft from a talk's points (graphs/suggest.py) and the curation
action in the Mermaid editor (talks/admin_views.py graph_editor)."""

from __future__ import annotations

import numpy as np
from django.urls import reverse
from django.utils import translation

from graphs import mermaid, suggest
from graphs.models import ConceptGraph
from talks.models import GraphOrigin, Origin, TalkTranslation

JASCHA = "jascha-sohl-dickstein-iclr-2023"


def test_candidate_phrases_are_short_runs_without_stop_words() -> None:
    stop = frozenset({"the", "of", "is"})
    phrases = suggest.candidate_phrases("The cost of Truncated BPTT is 20 steps", stop)
    assert "Truncated BPTT" in phrases and "cost" in phrases and "BPTT" in phrases
    assert not any(p.split()[0].lower() in stop for p in phrases)
    assert "20" not in " ".join(phrases)
    assert all(len(p.split()) <= suggest.MAX_PHRASE_WORDS for p in phrases)


def test_thirty_points_make_four_groups() -> None:
    assert suggest.group_count(30) == 4
    assert suggest.group_count(1) == 1
    assert suggest.group_count(10_000) == len(suggest.PALETTE)


def test_the_draft_is_root_then_groups_then_one_node_per_point() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(2, 16))
    vecs = np.vstack([centres[i % 2] + 0.05 * rng.normal(size=16) for i in range(6)])
    vecs = (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)
    points = [(n, f"text {n}") for n in range(1, 7)]
    phrases = [[f"idea {n}", f"other {n}"] for n in range(1, 7)]
    phrase_vecs = [np.vstack([vecs[i], -vecs[i]]) for i in range(6)]
    graph = suggest.draft("Speaker · Event", points, vecs, phrases, phrase_vecs)
    parsed = mermaid.parse(mermaid.serialise(graph))  # what the editor receives parses
    root = [n for n in parsed.nodes if n.group is None]
    assert [n.key for n in root] == ["A"]
    group_keys = {e.target for e in parsed.edges if e.source == "A"}
    assert len(group_keys) == 2 == len(parsed.groups)  # the two clusters
    point_nodes = [n for n in parsed.nodes if n.key not in group_keys | {"A"}]
    assert sorted(n.points for n in point_nodes) == [(i,) for i in range(1, 7)]
    assert all(n.title.startswith("Idea ") for n in point_nodes)  # the closest phrase, capitalised
    assert all(e.source in group_keys for e in parsed.edges if e.target not in group_keys)
    # Points of one cluster share a group: 1, 3, 5 and 2, 4, 6.
    by_point = {n.points[0]: n.group for n in point_nodes}
    assert by_point[1] == by_point[3] == by_point[5] != by_point[2] == by_point[4] == by_point[6]


def test_suggesting_opens_an_unsaved_draft_in_the_editor(client, editor) -> None:
    tr = TalkTranslation.objects.get(talk__slug=JASCHA, lang="es")
    url = _editor_url(tr)
    page = client.get(url + "?suggest=1")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="graph-suggested"' in html
    assert 'name="suggested" value="1"' in html
    draft = page.context["source"]
    graph = mermaid.parse(draft)
    assert len([n for n in graph.nodes if n.points]) == 30
    assert len(graph.groups) == 4
    tr.refresh_from_db()
    assert tr.graph_source == "" and not ConceptGraph.objects.filter(talk=tr.talk).exists()


def test_saving_a_suggestion_records_it_as_suggested_then_edited(client, editor) -> None:
    tr = TalkTranslation.objects.get(talk__slug=JASCHA, lang="es")
    url = _editor_url(tr)
    draft = client.get(url + "?suggest=1").context["source"]
    edited = draft.replace("graph LR", "graph TD", 1)
    response = client.post(url, {"graph_source": edited, "suggested": "1", "version": tr.version})
    assert response.status_code == 302
    tr.refresh_from_db()
    assert tr.graph_generator == suggest.GENERATOR and tr.graph_origin == GraphOrigin.SUGGESTED
    assert tr.origin == Origin.EDITED
    # The text's own generator line (the Knowledge Vault export's) is the points' provenance: kept.
    assert tr.generator.startswith("Gráfico de Conceptos")
    assert tr.history.first().history_change_reason == "graph suggested, then edited by a curator"
    assert ConceptGraph.objects.get(talk=tr.talk, lang="es").nodes.count() == 35


def test_a_translation_without_points_gets_a_clear_400(client, editor) -> None:
    tr = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="es")
    url = _editor_url(tr)
    page = client.get(url + "?suggest=1")
    assert page.status_code == 400
    assert "no summary points" in page.content.decode()


def _editor_url(tr: TalkTranslation) -> str:
    """The English Mermaid editor's address, whatever language an earlier request left active."""
    with translation.override("en"):
        return reverse("admin:talks_talktranslation_graph", args=[tr.pk])
