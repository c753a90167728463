"""Export as Knowledge Vault text and JSON: exported talks import back to the same rows."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from graphs.models import ConceptGraph
from talks.exporters import vault_text, vault_zip
from talks.importers.writer import parse_pasted
from talks.models import Event, Speaker, Talk


def snapshot() -> dict:
    """Everything the importer writes about each talk, keyed by slug (ids and times left out)."""
    out = {}
    for talk in Talk.objects.with_related().order_by("slug"):
        out[talk.slug] = {
            "talk": (
                talk.kind,
                talk.speaker and talk.speaker.name,
                talk.event and (talk.event.name, talk.event.year),
                talk.vault_index,
                talk.subject,
                talk.related_talk and talk.related_talk.slug,
            ),
            "translations": sorted(
                (
                    tr.lang,
                    tr.title,
                    tr.graph_source,
                    json.dumps(tr.thread, sort_keys=True),
                    tr.license,
                    tr.attribution,
                    tr.generator,
                )
                for tr in talk.translations.all()
            ),
            "points": list(
                talk.points.order_by("lang", "number").values_list("lang", "number", "text")
            ),
            "graphs": sorted((g.lang, g.source) for g in ConceptGraph.objects.filter(talk=talk)),
        }
    return out


def test_export_then_reimport_of_every_corpus_talk_gives_identical_data(corpus_db, tmp_path):
    before = snapshot()
    assert len(before) == 4 and sum(len(t["points"]) for t in before.values()) == 120
    archive = zipfile.ZipFile(io.BytesIO(vault_zip(Talk.objects.with_related())))
    archive.extractall(tmp_path)

    Talk.objects.filter(kind=Talk.Kind.DISCUSSION).delete()
    Talk.objects.all().delete()
    Event.objects.all().delete()
    Speaker.objects.all().delete()
    call_command("import_vault", str(tmp_path), verbosity=0)

    assert snapshot() == before


def test_exported_talk_text_parses_back_to_its_points_and_graph(corpus_db):
    talk = Talk.objects.with_related().get(slug="koray-kavukcuoglu-iclr-2018")
    doc = parse_pasted(vault_text(talk, "es"))
    assert doc.slug == talk.slug and doc.lang == "es"
    assert doc.points == dict(talk.points.filter(lang="es").values_list("number", "text"))
    assert (len(doc.graph.nodes), len(doc.graph.edges), len(doc.graph.groups)) == (31, 30, 6)
    assert doc.meta.generator.startswith("Gráfico de Conceptos & Resumen usando Claude 3 Opus")


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "r@example.org", "pw-123456")
    )
    return client


def test_export_actions_download_text_zip_and_json(superuser_client, corpus_db):
    url = reverse("admin:talks_talk_changelist")
    talks = list(Talk.objects.values_list("pk", flat=True))
    one = Talk.objects.get(slug="alex-graves-iclr-2017")

    single = superuser_client.post(
        url, {"action": "export_vault_text", "_selected_action": [one.pk]}
    )
    assert single["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(single.content)).namelist()
    assert sorted(names) == [
        "alex-graves-iclr-2017.en.txt",
        "alex-graves-iclr-2017.es.txt",
        "manifest.json",
    ]

    data = superuser_client.post(url, {"action": "export_json", "_selected_action": talks})
    assert data["Content-Type"].startswith("application/json")
    exported = {t["slug"]: t for t in json.loads(data.content)}
    assert set(exported) == set(Talk.objects.values_list("slug", flat=True))
    graves_es = next(
        t for t in exported["alex-graves-iclr-2017"]["translations"] if t["lang"] == "es"
    )
    assert len(graves_es["points"]) == 30 and graves_es["generator"].startswith(
        "Gráfico de Conceptos"
    )


def test_an_edited_graph_with_blank_lines_exports_as_one_block_that_parses_back(corpus_db):
    from graphs import mermaid

    talk = Talk.objects.with_related().get(slug="alex-graves-iclr-2017")
    tr = talk.translation("en")
    tr.graph_source = "%% edited by hand\ngraph TD\n\nA[Memory 4] --> B[Attention 5]\n\nB --> C[Adaptive time 9]\n"
    tr.save()
    talk = Talk.objects.with_related().get(pk=talk.pk)
    doc = parse_pasted(vault_text(talk, "en"))
    assert doc.graph == mermaid.parse(tr.graph_source)
    assert len(doc.points) == 30
