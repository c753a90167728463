"""Curating in the admin as an editor: paste/upload with preview, edits with provenance, the Mermaid
editor, the side-by-side view, the review queue, and what the public sees."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from graphs.models import ConceptGraph
from search.engine import SearchParams, search
from talks.models import Origin, SummaryPoint, Talk, TalkTranslation
from tests.admin_support import change_form_data

CORPUS = Path(settings.BASE_DIR) / "data" / "corpus"
KORAY = (CORPUS / "004_2eedf50d99983cd3.txt").read_text()
GRAVES_ES = (CORPUS / "000_0c866e8fe9d94a0f.txt").read_text()
IMPORT = reverse("admin:talks_talk_paste_import")
NEW_SLUG = "koray-kavukcuoglu-iclr-2018-copy"


def test_preview_of_corpus_file_004_counts_points_and_graph_and_writes_nothing(client, editor):
    response = client.post(
        IMPORT, {"text": KORAY, "slug": NEW_SLUG, "status": "draft", "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200, html
    (preview,) = response.context["previews"]
    assert preview.ok and len(preview.doc.points) == 30
    assert (len(preview.nodes), len(preview.edges), len(preview.groups)) == (31, 30, 6)
    assert sum(1 for n in preview.nodes if n["points"]) == 30  # every point cited by a node
    assert 'data-testid="preview-nodes">31<' in html and 'data-testid="preview-groups">6<' in html
    assert "Claude 3 Opus" in html and 'data-testid="confirm"' in html
    assert not Talk.objects.filter(slug=NEW_SLUG).exists()


def test_confirm_writes_a_draft_with_provenance_and_history(client, editor):
    response = client.post(
        IMPORT, {"text": KORAY, "slug": NEW_SLUG, "status": "draft", "confirm": "1"}
    )
    assert response.status_code == 302
    talk = Talk.objects.get(slug=NEW_SLUG)
    tr = talk.translations.get(lang="es")
    assert talk.status == Talk.Status.DRAFT and talk.points.count() == 30
    assert tr.generator.startswith("Gráfico de Conceptos & Resumen usando Claude 3 Opus")
    assert tr.source.imported_by == editor and tr.origin == Origin.IMPORTED
    assert set(talk.points.values_list("origin", flat=True)) == {Origin.IMPORTED}
    assert talk.points.filter(source=tr.source).count() == 30
    history = SummaryPoint.history.filter(talk_id=talk.pk)
    assert history.count() == 30 and {h.history_user_id for h in history} == {editor.pk}
    assert talk.history.count() == 1 and tr.history.count() == 1
    assert ConceptGraph.objects.get(talk=talk, lang="es").nodes.count() == 31
    assert client.get(talk.get_absolute_url()).status_code == 404  # drafts are not public


def test_malformed_paste_lists_every_error_by_line_and_writes_nothing(client, editor):
    lines = KORAY.split("\n")
    point_3 = next(i for i, line in enumerate(lines) if line.startswith("3.-"))
    lines[point_3] = lines[point_3].replace("3.-", "2.-", 1)  # duplicate point number 2
    graph_end = next(i for i, line in enumerate(lines) if line.startswith("graph LR")) + 1
    while lines[graph_end].strip():
        graph_end += 1
    last = max(i for i in range(graph_end) if "]" in lines[i])
    cut = lines[last].rindex("]")
    lines[last] = lines[last][:cut] + lines[last][cut + 1 :]  # the last node label never closes
    bad = "\n".join(lines)
    before = (Talk.objects.count(), SummaryPoint.objects.count(), SummaryPoint.history.count())

    preview = client.post(
        IMPORT, {"text": bad, "slug": NEW_SLUG, "status": "draft", "preview": "1"}
    )
    html = preview.content.decode()
    shown = preview.context["previews"][0]
    problems = [(p.line, p.message) for p in shown.problems]
    assert (point_3 + 1, "duplicate point number 2 (first at line 34)") in problems
    # The label that never closes cuts the graph short: a warning (its complete statements would be
    # imported), listed with the problems' preview so the curator fixes both in one go.
    label_line = next(w.line for w in shown.warnings if "truncated concept graph" in w.message)
    assert 'data-testid="warning"' in html
    assert lines[label_line - 1].rstrip().endswith(("[", "]")) or "[" in lines[label_line - 1]
    assert f"line {point_3 + 1}" in html and f"line {label_line}" in html
    assert 'data-testid="confirm"' not in html

    confirm = client.post(
        IMPORT, {"text": bad, "slug": NEW_SLUG, "status": "draft", "confirm": "1"}
    )
    assert confirm.status_code == 400
    assert (
        Talk.objects.count(),
        SummaryPoint.objects.count(),
        SummaryPoint.history.count(),
    ) == before


def test_a_pasted_text_with_browser_line_endings_is_the_stored_text(client, editor):
    # Browsers send a textarea's lines with CRLF; the importer reads files with LF.
    response = client.post(
        IMPORT, {"text": KORAY.replace("\n", "\r\n"), "status": "draft", "preview": "1"}
    )
    (preview,) = response.context["previews"]
    assert preview.summary["would_be"] == "unchanged" and preview.diff["unchanged"]
    assert "\r" not in preview.doc.graph_source


def test_preview_of_a_stored_talk_shows_the_diff(client, editor):
    changed = KORAY.replace("4.-WaveNet es un modelo", "4.-WaveNet es un gran modelo", 1)
    response = client.post(IMPORT, {"text": changed, "status": "draft", "preview": "1"})
    diff = response.context["previews"][0].diff
    assert (
        [c["number"] for c in diff["changed"]] == [4] and not diff["added"] and not diff["removed"]
    )
    assert "WaveNet es un gran modelo" in response.content.decode()
    assert not diff["graph_changed"] and diff["graph_counts"] == {
        "nodes": (31, 31),
        "edges": (30, 30),
    }

    header = "\n".join(
        KORAY.split("\n")[:5]
    )  # vault index, talk header, image, blank, generator line
    cut = client.post(IMPORT, {"text": header + "\n\n1.-Uno.\n", "status": "draft", "preview": "1"})
    cut = cut.context["previews"][0]
    assert cut.ok, cut.problems
    assert cut.diff["removed"] == list(range(2, 31)) and cut.diff["graph_counts"]["nodes"] == (
        31,
        0,
    )


def test_uploading_several_files_imports_them_together(client, editor):
    Talk.objects.filter(slug="alex-graves-iclr-2017").delete()
    files = [
        SimpleUploadedFile(name, (CORPUS / name).read_bytes(), "text/plain")
        for name in ("003_d8bc2bdddd8060bd.txt", "000_0c866e8fe9d94a0f.txt")
    ]
    preview = client.post(IMPORT, {"files": files, "status": "draft", "preview": "1"})
    assert [p.ok for p in preview.context["previews"]] == [True, True]
    # Confirm sends back the previewed files (hidden fields), as the page does.
    carried = {
        "carried_name": [p.filename for p in preview.context["previews"]],
        "carried_text": [p.text for p in preview.context["previews"]],
        "carried_slug": ["", ""],
    }
    response = client.post(IMPORT, {**carried, "status": "draft", "confirm": "1"})
    assert response.status_code == 302
    talk = Talk.objects.get(slug="alex-graves-iclr-2017")
    assert talk.languages() == ["en", "es"] and talk.points.count() == 60


def test_headerless_text_gets_the_talk_it_translates_suggested(client, editor):
    graves = Talk.objects.get(slug="alex-graves-iclr-2017")
    graves.translations.filter(lang="es").delete()
    graves.points.filter(lang="es").delete()
    preview = client.post(IMPORT, {"text": GRAVES_ES, "status": "draft", "preview": "1"})
    (doc,) = preview.context["previews"]
    assert not doc.ok and doc.suggestions[0]["slug"] == "alex-graves-iclr-2017"
    assert doc.suggestions[0]["aligned"] >= 0.9

    accepted = client.post(
        IMPORT,
        {"text": GRAVES_ES, "status": "draft", "preview": "1", "accept": "0:alex-graves-iclr-2017"},
    )
    (doc,) = accepted.context["previews"]
    assert doc.doc.slug == "alex-graves-iclr-2017"
    assert [p.message for p in doc.problems] == [
        "no title: the text has no header; fill in the Title field"
    ]
    titled = client.post(
        IMPORT,
        {
            "text": GRAVES_ES,
            "slug": "alex-graves-iclr-2017",
            "title": "Nuevas direcciones",
            "status": "draft",
            "preview": "1",
        },
    )
    assert titled.context["previews"][0].ok
    confirm = client.post(
        IMPORT,
        {
            "text": GRAVES_ES,
            "slug": "alex-graves-iclr-2017",
            "title": "Nuevas direcciones",
            "status": "draft",
            "confirm": "1",
        },
    )
    assert confirm.status_code == 302 and graves.points.filter(lang="es").count() == 30


def test_editing_a_point_inline_marks_it_edited_and_keeps_numbers_unique(client, editor):
    talk = Talk.objects.get(slug="koray-kavukcuoglu-iclr-2018")
    url = reverse("admin:talks_talk_change", args=[talk.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    prefix = "points-es"
    assert data[f"{prefix}-0-number"] == 1 and data[f"{prefix}-TOTAL_FORMS"] == 30
    data[f"{prefix}-0-text"] = "Un punto editado por una persona."
    data["_continue"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    point = talk.points.get(lang="es", number=1)
    assert point.text == "Un punto editado por una persona." and point.origin == Origin.EDITED
    assert point.history.first().history_user == editor

    data = change_form_data(client.get(url))
    data["points-es-1-number"] = 3  # point 2 renumbered onto point 3
    response = client.post(url, data)
    assert (
        response.status_code == 200
        and "Please correct the duplicate data for lang and number" in response.content.decode()
    )
    assert talk.points.filter(lang="es", number=2).exists()


def test_mermaid_check_endpoint_reports_parse_errors_with_their_line(client, editor):
    url = reverse("admin:talks_talktranslation_graph_check")
    ok = client.post(
        url, {"source": "graph LR\nA[One 1] --> B[Two 2]"}, content_type="application/json"
    )
    assert (
        ok.status_code == 200
        and ok.json()["nodes"] == 2
        and ok.json()["mermaid"].startswith("graph LR")
    )
    bad = client.post(
        url, {"source": "graph LR\nA[One 1] --> B[Two"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["line"] == 2
    assert client.post(url, "not json", content_type="application/json").status_code == 400


def test_mermaid_editor_saves_atomically_and_rebuilds_the_graph(client, editor):
    tr = TalkTranslation.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es")
    url = reverse("admin:talks_talktranslation_graph", args=[tr.pk])
    page = client.get(url)
    assert page.status_code == 200 and "curation/mermaid_editor.js" in page.content.decode()
    assert "<script>" not in page.content.decode()  # no inline script (CSP)

    bad = client.post(url, {"graph_source": "graph LR\nA[Never closed"})
    assert bad.status_code == 400 and "line 2" in bad.content.decode()
    tr.refresh_from_db()
    assert tr.graph_source.startswith("graph LR classDef Main")

    response = client.post(
        url, {"graph_source": "graph LR\nA[Koray 1] --> B[WaveNet 4]", "version": tr.version}
    )
    assert response.status_code == 302
    tr.refresh_from_db()
    graph = ConceptGraph.objects.get(talk=tr.talk, lang="es")
    assert tr.origin == Origin.EDITED and graph.nodes.count() == 2 and graph.edges.count() == 1
    assert tr.history.first().graph_source == "graph LR\nA[Koray 1] --> B[WaveNet 4]"


def test_side_by_side_view_pairs_points_by_number(client, editor):
    talk = Talk.objects.get(slug="alex-graves-iclr-2017")
    response = client.get(reverse("admin:talks_talk_side_by_side", args=[talk.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and len(response.context["rows"]) == 30
    assert all(en and es for _n, (en, es) in response.context["rows"])
    koray = Talk.objects.get(slug="koray-kavukcuoglu-iclr-2018")
    rows = client.get(reverse("admin:talks_talk_side_by_side", args=[koray.pk])).context["rows"]
    assert all(en is None and es for _n, (en, es) in rows)
    assert 'data-testid="side-by-side"' in html


def test_review_queue_lists_drafts_and_reviewed_talks(client, editor):
    Talk.objects.filter(slug="koray-kavukcuoglu-iclr-2018").update(status=Talk.Status.DRAFT)
    Talk.objects.filter(slug="alex-graves-iclr-2017").update(status=Talk.Status.REVIEWED)
    response = client.get(reverse("admin:talks_talk_review"))
    groups = {state: [t.slug for t in talks] for state, _h, talks in response.context["groups"]}
    assert groups == {
        "Draft": ["koray-kavukcuoglu-iclr-2018"],
        "Reviewed": ["alex-graves-iclr-2017"],
    }


def test_only_published_talks_show_in_pages_and_search(client, editor):
    params = SearchParams(
        q="WaveNet audio generation dilated convolutions", lang="any", k=10, ui_lang="en"
    )
    assert any(h.talk.slug == "koray-kavukcuoglu-iclr-2018" for h in search(params).hits)
    talk = Talk.objects.get(slug="koray-kavukcuoglu-iclr-2018")
    for status in (Talk.Status.DRAFT, Talk.Status.REVIEWED):
        talk.status = status
        talk.save()
        assert client.get(talk.get_absolute_url()).status_code == 404
        assert all(h.talk.slug != talk.slug for h in search(params).hits)
    like = talk.points.first().pk
    assert client.get("/api/search/", {"like": like}).status_code == 404  # not a published point


def test_a_file_that_is_not_utf8_or_too_large_is_refused_by_name(client, editor):
    files = [
        SimpleUploadedFile("latin1.txt", "1.-Año\n".encode("latin-1"), "text/plain"),
        SimpleUploadedFile("huge.txt", b"1.-x\n" * 300_000, "text/plain"),
    ]
    response = client.post(IMPORT, {"files": files, "status": "draft", "confirm": "1"})
    assert response.status_code == 400
    problems = [str(p) for preview in response.context["previews"] for p in preview.problems]
    assert any("latin1.txt" in p and "not UTF-8" in p for p in problems)
    assert any("huge.txt" in p and "at most 1,000,000 bytes" in p for p in problems)


def test_the_import_page_speaks_spanish(client, editor):
    html = client.get("/es/curate/talks/talk/import/").content.decode()
    assert "Importar charlas desde texto" in html and "O suba archivos .txt" in html


def test_texts_saved_from_admin_forms_keep_lf_line_endings(client, editor):
    tr = TalkTranslation.objects.get(talk__slug="alex-graves-iclr-2017", lang="en")
    url = reverse("admin:talks_talktranslation_change", args=[tr.pk])
    data = change_form_data(client.get(url))
    data["graph_source"] = "graph LR\r\nA[One 1] --> B[Two 2]\r\n"
    assert client.post(url, data).status_code == 302
    tr.refresh_from_db()
    assert tr.graph_source == "graph LR\nA[One 1] --> B[Two 2]" and tr.origin == Origin.EDITED
