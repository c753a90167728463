"""Nothing dropped silently: every limit of the import page (files per upload, bytes per file, the
paste box, Django's request limits) and of the Mermaid editor answers with a message that names the
limit and what was not accepted, and imports nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talks.admin_import import MAX_FILES, MAX_PASTE, MAX_UPLOAD_BYTES
from talks.admin_views import MAX_GRAPH_SOURCE
from talks.models import SourceDocument, Talk, TalkTranslation

IMPORT = reverse("admin:talks_talk_paste_import")


def _page(n: int) -> SimpleUploadedFile:
    text = f"Speaker {n} ICLR 2031 - Invited Talk - Limits {n}\n1.-First point of {n}.\n"
    return SimpleUploadedFile(f"talk-{n:02d}.txt", text.encode(), "text/plain")


def test_an_upload_of_51_files_imports_none_and_names_the_refused_file(client, editor):
    assert MAX_FILES == 50
    talks, sources = Talk.objects.count(), SourceDocument.objects.count()
    files = [_page(n) for n in range(1, 52)]
    response = client.post(IMPORT, {"files": files, "status": "draft", "confirm": "1"})

    assert response.status_code == 400
    assert Talk.objects.count() == talks and SourceDocument.objects.count() == sources
    html = response.content.decode()
    assert "1 file(s) not accepted, so nothing was imported: talk-51.txt" in html
    refused = [p for p in response.context["previews"] if p.refused]
    assert [p.filename for p in refused] == ["talk-51.txt"]
    assert "file 51 of 51, and at most 50 files are accepted in one upload" in str(
        refused[0].problems[0]
    )
    assert len([p for p in response.context["previews"] if p.ok]) == 50
    # The 50 accepted files travel to the next step; the refused one is not carried as an empty text.
    assert html.count('name="carried_name"') == 50 and 'value="talk-51.txt"' not in html


def test_a_file_over_the_size_limit_is_refused_with_its_size_and_the_limit(client, editor):
    big = SimpleUploadedFile("big.txt", b"1.-x\n" * (MAX_UPLOAD_BYTES // 5 + 1), "text/plain")
    response = client.post(IMPORT, {"files": [big, _page(1)], "status": "draft", "confirm": "1"})
    assert response.status_code == 400
    problem = str(response.context["previews"][0].problems[0])
    assert "the file is 1,000,005 bytes, and at most 1,000,000 bytes are accepted" in problem
    assert "1 file(s) not accepted, so nothing was imported: big.txt" in response.content.decode()
    assert not Talk.objects.filter(slug__startswith="speaker-1-").exists()


def test_a_paste_over_the_length_limit_names_its_length_and_the_limit(client, editor):
    text = "Ada Lovelace ICLR 2031 - Invited Talk - Engines\n1.-" + "x" * MAX_PASTE
    talks = Talk.objects.count()
    response = client.post(IMPORT, {"text": text, "status": "draft", "confirm": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"The pasted text is {len(text)} characters long; at most {MAX_PASTE}" in html
    assert "Nothing was imported" in html and Talk.objects.count() == talks


def test_a_request_over_djangos_body_limit_is_a_message_not_a_bare_400(client, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = client.post(IMPORT, {"text": "1.-" + "x" * 3_000, "status": "draft"})
    assert response.status_code == 413
    html = response.content.decode()
    assert "The form sent more than 2,000 bytes of text" in html and "nothing was imported" in html


def test_more_files_than_django_parses_is_a_message_naming_the_limit(client, editor, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    talks = Talk.objects.count()
    response = client.post(IMPORT, {"files": [_page(n) for n in range(6)], "status": "draft"})
    assert response.status_code == 413
    assert "More than 5 files were sent; at most 50 are accepted" in response.content.decode()
    assert Talk.objects.count() == talks


def test_a_graph_source_over_the_limit_names_its_length_and_keeps_the_stored_graph(client, editor):
    tr = TalkTranslation.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es")
    url = reverse("admin:talks_talktranslation_graph", args=[tr.pk])
    source = "graph LR\n" + "A[x]\n" * (MAX_GRAPH_SOURCE // 5)
    response = client.post(url, {"graph_source": source, "version": tr.version})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{len(source):,} characters long; at most 1,000,000 are accepted" in html
    assert TalkTranslation.objects.get(pk=tr.pk).graph_source == tr.graph_source
