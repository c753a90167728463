"""Importing a talk fills its concept graph; re-import replaces it atomically; previews count it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from graphs.models import ConceptGraph, ConceptNode
from talks.importers.knowledge_vault import ImportProblem
from talks.importers.writer import build_preview, import_documents, load_file
from talks.models import SummaryPoint, Talk

CORPUS = Path(settings.BASE_DIR) / "data" / "corpus"
GRAVES_EN = CORPUS / "003_d8bc2bdddd8060bd.txt"
KORAY_ES = CORPUS / "004_2eedf50d99983cd3.txt"
GRAVES = "alex-graves-iclr-2017"


def graph_rows(slug: str, lang: str) -> tuple:
    graph = ConceptGraph.objects.get(talk__slug=slug, lang=lang)
    return (
        list(graph.nodes.values_list("key", "label", "group__name", "points")),
        list(graph.edges.values_list("source__key", "target__key")),
        list(graph.groups.values_list("name", "style")),
    )


def test_import_fills_graves_en_graph_with_31_nodes_30_edges_8_groups(corpus_db):
    graph = ConceptGraph.objects.with_parts().get(talk__slug=GRAVES, lang="en")
    assert (graph.nodes.count(), graph.edges.count(), graph.groups.count()) == (
        31,
        30,
        8,
    )
    linked = graph.nodes.exclude(point=None)
    assert linked.count() == 30
    assert sorted(linked.values_list("point", flat=True)) == list(range(1, 31))
    b = graph.nodes.get(key="B")
    assert (b.point, b.group.name, b.title) == (
        1,
        "rnn",
        "RNNs: LSTM, GRU effective\nfor sequences",
    )
    assert list(
        graph.nodes.filter(key__in="FGHIJK").order_by("order").values_list("point", flat=True)
    ) == [5, 6, 7, 8, 9, 10]
    assert graph.source.startswith("graph LR\n    classDef rnn ")


def test_import_fills_kavukcuoglu_es_graph_and_no_graph_for_talks_without_one(
    corpus_db,
):
    graph = ConceptGraph.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es")
    assert (graph.nodes.count(), graph.edges.count(), graph.groups.count()) == (
        31,
        30,
        6,
    )
    assert list(graph.nodes.filter(group__name="WaveNet").values_list("point", flat=True)) == [
        4,
        5,
        6,
        7,
        8,
        9,
    ]
    assert not ConceptGraph.objects.filter(talk__slug="jascha-sohl-dickstein-iclr-2023").exists()
    assert not ConceptGraph.objects.filter(
        talk__slug=GRAVES, lang="es"
    ).exists()  # file 000 has no graph


def test_stored_graph_rebuilds_the_parsed_graph(corpus_db):
    from graphs.mermaid import parse

    graph = ConceptGraph.objects.with_parts().get(talk__slug=GRAVES, lang="en")
    source = Talk.objects.get(slug=GRAVES).translation("en").graph_source
    assert graph.to_mermaid() == parse(source)


def test_reimporting_a_changed_graph_replaces_it(corpus_db, tmp_path):
    before_ids = set(
        ConceptNode.objects.filter(graph__talk__slug=GRAVES).values_list("id", flat=True)
    )
    text = GRAVES_EN.read_text(encoding="utf-8")
    changed = text.replace(
        " class AB,AC,AD,AE memory;",
        " AE --> AF[A new idea 30] class AB,AC,AD,AE memory;",
    )
    assert changed != text
    path = tmp_path / GRAVES_EN.name
    path.write_text(changed, encoding="utf-8")
    import_documents([load_file(path)])
    nodes, edges, groups = graph_rows(GRAVES, "en")
    assert len(nodes) == 32 and len(edges) == 31 and len(groups) == 8
    assert ("AF", "A new idea 30", None, [30]) in nodes
    assert not before_ids & set(
        ConceptNode.objects.filter(graph__talk__slug=GRAVES).values_list("id", flat=True)
    )
    assert ConceptGraph.objects.filter(talk__slug=GRAVES, lang="en").count() == 1


def test_reimporting_the_same_file_leaves_the_graph_alone(corpus_db):
    before = graph_rows(GRAVES, "en")
    ids = list(ConceptNode.objects.order_by("id").values_list("id", flat=True))
    import_documents([load_file(GRAVES_EN)])
    assert graph_rows(GRAVES, "en") == before
    assert list(ConceptNode.objects.order_by("id").values_list("id", flat=True)) == ids


def test_an_unsafe_graph_statement_rolls_the_whole_import_back(corpus_db, tmp_path):
    """A ``click`` statement is never read around: the whole import is refused, naming its line."""
    before = (
        graph_rows(GRAVES, "en"),
        SummaryPoint.objects.filter(talk__slug=GRAVES).count(),
    )
    text = GRAVES_EN.read_text(encoding="utf-8").replace(
        "class A,B,C,D rnn;", "click A call alert(1);\nclass A,B,C,D rnn;"
    )
    path = tmp_path / GRAVES_EN.name
    path.write_text(text.replace("30.-", "30.- Changed:"), encoding="utf-8")
    with pytest.raises(ImportProblem) as info:
        import_documents([load_file(path)])
    problem = info.value
    assert "click" in problem.message
    assert "click A call" in text.splitlines()[problem.line - 1]
    assert (
        graph_rows(GRAVES, "en"),
        SummaryPoint.objects.filter(talk__slug=GRAVES).count(),
    ) == before
    assert not SummaryPoint.objects.filter(text__startswith="Changed").exists()


def test_a_graph_broken_mid_way_keeps_what_comes_before_and_warns(corpus_db, tmp_path):
    """A class line naming a class that never came ends the readable graph: the statements before it
    are imported, the rest is a warning with its line, and the talk goes back to being a draft."""
    text = GRAVES_EN.read_text(encoding="utf-8").replace(
        "class A,B,C,D rnn;", "class A,B,C,D nosuchclass;"
    )
    path = tmp_path / GRAVES_EN.name
    path.write_text(text, encoding="utf-8")
    (result,) = import_documents([load_file(path)])
    (warning,) = result.warnings
    assert "unknown class 'nosuchclass'" in warning["message"]
    assert "class A,B,C,D nosuchclass" in text.splitlines()[warning["line"] - 1]
    nodes, edges, _groups = graph_rows(GRAVES, "en")
    assert (len(nodes), len(edges)) == (31, 30)  # every node and edge precedes the class lines
    talk = Talk.objects.get(slug=GRAVES)
    assert talk.status == Talk.Status.DRAFT
    source = talk.translations.get(lang="en").source
    assert source.warnings == [{"line": warning["line"], "message": warning["message"]}]
    assert source.raw_text == text  # the whole page is kept, the unread part included


def test_import_vault_command_reports_a_dangling_arrow_as_a_warning(corpus_db, tmp_path):
    text = KORAY_ES.read_text(encoding="utf-8").replace("W --> AE[", "W --> ")
    path = tmp_path / KORAY_ES.name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_vault", str(path), stdout=out, stderr=err)
    (warning,) = err.getvalue().splitlines()
    line = int(warning.split(", line ")[1].split(":")[0])
    assert warning.startswith(f"warning: {KORAY_ES.name}, line {line}: concept graph, column ")
    assert "W --> " in text.splitlines()[line - 1]
    assert "1 warning(s)" in out.getvalue()
    graph = ConceptGraph.objects.get(talk__vault_index="2/45", lang="es")
    assert graph.nodes.count() > 0 and graph.talk.status == Talk.Status.DRAFT


def test_dry_run_json_reports_graph_counts_per_language(corpus_db):
    out = StringIO()
    call_command("import_vault", "--dry-run", "--json", stdout=out, stderr=StringIO())
    previews = {p["file"][:3]: p for p in map(json.loads, out.getvalue().splitlines())}
    assert previews["003"]["graph"] == {
        "en": {"nodes": 31, "edges": 30, "groups": 8, "point_links": 30}
    }
    assert previews["004"]["graph"] == {
        "es": {"nodes": 31, "edges": 30, "groups": 6, "point_links": 30}
    }
    assert previews["000"]["graph"] == {"es": None}
    assert previews["002"]["graph"] == {"es": None}


def test_a_broken_graph_is_a_warning_at_parse_time_naming_its_line(tmp_path):
    """The importer parses the graph with the document: the preview names the line before any write."""
    text = GRAVES_EN.read_text(encoding="utf-8").replace("B --> C[RNNs", "B --> C[[RNNs")
    path = tmp_path / GRAVES_EN.name
    path.write_text(text, encoding="utf-8")
    doc = load_file(path)
    (warning,) = doc.warnings
    assert "C[[RNNs" in text.splitlines()[warning.line - 1]
    assert "expected ']'" in warning.message
    assert doc.graph is not None and [n.key for n in doc.graph.nodes][:2] == ["A", "B"]


def test_point_links_count_only_points_the_document_has(corpus_db, tmp_path):
    text = GRAVES_EN.read_text(encoding="utf-8").replace("for sequences 1]", "for sequences 99]")
    path = tmp_path / GRAVES_EN.name
    path.write_text(text, encoding="utf-8")
    preview = build_preview(load_file(path))
    assert preview["graph"]["en"] == {
        "nodes": 31,
        "edges": 30,
        "groups": 8,
        "point_links": 29,
    }
    import_documents([load_file(path)])
    node = ConceptNode.objects.get(graph__talk__slug=GRAVES, graph__lang="en", key="B")
    assert (node.points, node.point) == ([], None)  # no point 99 in this talk


def test_reimporting_without_a_graph_deletes_the_stored_one(corpus_db, tmp_path):
    text = GRAVES_EN.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("graph LR"))
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    path = tmp_path / GRAVES_EN.name
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    import_documents([load_file(path)])
    assert not ConceptGraph.objects.filter(talk__slug=GRAVES, lang="en").exists()
    assert not ConceptNode.objects.filter(graph__talk__slug=GRAVES).exists()
    assert ConceptGraph.objects.filter(talk__slug="koray-kavukcuoglu-iclr-2018").count() == 1
