"""Provenance of curators' translations on the talk page, in the API and in exports; pages that say
which language each text is in (``lang`` on text in another language than the page's) and show titles
in the page's language where the talk has one."""

from __future__ import annotations

import io
import json
import re
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from talks.exporters import as_json, vault_zip
from talks.models import Event, Speaker, Talk, TalkTranslation

TRANSLATIONS = Path(settings.BASE_DIR) / "data" / "translations"
KORAY = "koray-kavukcuoglu-iclr-2018"


@pytest.fixture
def translated(corpus_db):
    call_command("import_vault", str(TRANSLATIONS), stdout=StringIO())


def test_the_talk_page_says_in_its_language_who_translated_it_and_from_what(client, translated):
    en = client.get(f"/en/talks/{KORAY}/").content.decode()
    es = client.get(f"/es/talks/{KORAY}/").content.decode()
    assert "Translated by the vault&#x27;s curators from the Spanish summary" in en
    assert 'data-testid="translation-notice"' not in es  # the Spanish text is the original
    both = client.get(f"/es/talks/{KORAY}/?show=both").content.decode()
    assert both.count('data-testid="translation-notice"') == 1
    assert "Traducido por los curadores de la bóveda a partir del resumen en español" in both
    graves = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    assert 'data-testid="translation-notice"' not in graves


def test_the_discussion_reads_in_english_with_its_notice_and_licence(client, translated):
    html = client.get("/en/talks/dnc-scaling-discussion/").content.decode()
    assert "How would Deepmind&#x27;s new" in html and "▲ 12" in html and "▲ 3" in html
    assert "from the Spanish thread" in html and "CC BY-SA 3.0" in html
    assert "Examining the architecture of the DNC" in html
    # English on an English page: the thread says its language, its question carries no other
    assert '<section class="thread" lang="en"' in html
    assert '<div class="question" id="thread-en-q">' in html


def test_the_api_gives_each_translation_its_provenance(client, translated):
    body = client.get(f"/api/talks/{KORAY}/").json()
    assert body["languages"] == ["en", "es"]
    by_lang = {t["lang"]: t for t in body["translations"]}
    assert by_lang["en"]["provenance"] == "bundled" and by_lang["en"]["translated_from"] == "es"
    assert by_lang["en"]["translated_at"] and by_lang["en"]["notice"].startswith("Translated by")
    assert by_lang["es"] == {
        "lang": "es",
        "title": "De Modelos Generativos a Agentes Generativos",
        "provenance": "original",
        "translated_from": None,
        "translated_at": None,
        "notice": "",
    }
    listed = client.get("/api/talks/?language=en").json()["results"]
    assert len(listed) == 4 and all(len(t["translations"]) == 2 for t in listed)


def test_the_schema_describes_the_translations(client, corpus_db):
    schema = client.get("/api/schema/?format=json").json()
    component = schema["components"]["schemas"]["Translation"]
    assert {"lang", "provenance", "translated_from", "translated_at", "notice"} <= set(
        component["properties"]
    )


def test_exports_keep_the_provenance_and_a_reimport_restores_it(translated, tmp_path):
    talks = Talk.objects.with_related()
    exported = {t["slug"]: t for t in as_json(talks)}
    en = next(t for t in exported[KORAY]["translations"] if t["lang"] == "en")
    assert en["translation"]["kind"] == "bundled" and en["translation"]["translated_from"] == "es"
    assert en["translation"]["stale_points"] == [] and all(p["source_hash"] for p in en["points"])

    archive = zipfile.ZipFile(io.BytesIO(vault_zip(talks)))
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert manifest[f"{KORAY}.en.txt"]["translation"] == "bundled"
    assert "translation" not in manifest[f"{KORAY}.es.txt"]
    archive.extractall(tmp_path)
    Talk.objects.filter(kind=Talk.Kind.DISCUSSION).delete()
    Talk.objects.all().delete()
    Event.objects.all().delete()
    Speaker.objects.all().delete()
    call_command("import_vault", str(tmp_path), verbosity=0, stdout=StringIO())
    kinds = dict(
        TalkTranslation.objects.filter(lang="en").values_list("talk__slug", "translation_kind")
    )
    assert kinds == {
        "alex-graves-iclr-2017": "",
        "jascha-sohl-dickstein-iclr-2023": "bundled",
        KORAY: "bundled",
        "dnc-scaling-discussion": "bundled",
    }
    assert TalkTranslation.objects.get(talk__slug=KORAY, lang="en").stale_points() == []


def test_a_spanish_only_talk_marks_its_spanish_text_on_the_english_page(client, corpus_db):
    html = client.get(f"/en/talks/{KORAY}/").content.decode()
    assert re.search(r'<h1 data-testid="talk-title" lang="es">De Modelos Generativos', html)
    assert '<ol class="points" lang="es"' in html
    assert 'data-testid="graph-mermaid" lang="es"' in html
    # Interface text is in the page's language: the column heading carries no lang="es".
    assert '<section class="points-column" data-column-lang="es"' in html
    assert 'lang="es">Bóveda de Conocimiento construida por' in html


def test_a_page_in_its_own_language_needs_no_lang_attributes(client, translated):
    html = client.get(f"/en/talks/{KORAY}/").content.decode()
    assert '<h1 data-testid="talk-title">From Generative Models to Generative Agents</h1>' in html
    assert 'data-testid="graph-mermaid" lang=' not in html
    # Only the language switcher's "Español", the Spanish points' link and the Spanish text's
    # attribution (the vault's Spanish footer, shown with every licence) are in Spanish.
    rest = re.sub(
        r'<option value="es" lang="es"|<a [^>]*lang="es"[^>]*>Español</a>'
        r'|<span lang="es">Bóveda de Conocimiento construida por',
        "",
        html,
    )
    assert 'lang="es"' not in rest


def test_cards_show_the_title_in_the_page_language_when_it_exists(client, corpus_db):
    before = client.get("/en/talks/").content.decode()
    assert 'lang="es" data-testid="talk-card-title">De Modelos Generativos' in before
    call_command("import_vault", str(TRANSLATIONS), stdout=StringIO())
    after = client.get("/en/talks/").content.decode()
    assert 'data-testid="talk-card-title">From Generative Models to Generative Agents' in after
    assert 'lang="es" data-testid="talk-card-title"' not in after
    spanish = client.get("/es/talks/").content.decode()
    assert 'data-testid="talk-card-title">Optimizadores aprendidos' in spanish
    assert 'lang="es" data-testid="discussion-card-title"' not in spanish


def test_a_reimport_from_the_stored_source_keeps_a_bundled_translation_a_translation(
    translated,
):
    from talks.curation import reimport_from_source

    talks = Talk.objects.with_related().filter(slug=KORAY)
    results = reimport_from_source(talks)
    assert sorted(r.lang for r in results) == ["en", "es"]
    tr = TalkTranslation.objects.get(talk__slug=KORAY, lang="en")
    assert tr.translation_kind == "bundled" and tr.translated_from == "es"
    assert tr.stale_points() == []


def test_the_talk_list_in_the_admin_names_the_curators_translation(client, editor, translated):
    html = client.get("/en/curate/talks/talk/").content.decode()
    assert "en: Bundled curators&#x27; translation from es" in html
