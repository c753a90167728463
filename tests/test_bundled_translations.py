"""The curators' translations shipped in ``data/translations``: one translated point per source point,
graphs with the same ids, edges, groups and point numbers, and every translated point closest to its
own number among the source language's points under the multilingual embedder (USE)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command

from search import embedders
from talks.importers.knowledge_vault import ImportProblem
from talks.importers.writer import import_documents, load_file, parse_pasted
from talks.models import SummaryPoint, Talk, TalkTranslation, text_hash

DATA = Path(settings.BASE_DIR) / "data"
MANIFEST = json.loads((DATA / "translations" / "manifest.json").read_text())["files"]
CORPUS_MANIFEST = json.loads((DATA / "corpus" / "manifest.json").read_text())["files"]


def source_file(name: str) -> Path:
    return DATA / "corpus" / name.replace(".en.txt", ".txt")


PAIRS = sorted(MANIFEST)
TALK_PAIRS = [name for name in PAIRS if MANIFEST[name].get("kind") != "discussion"]


def test_every_translation_file_has_a_manifest_entry_marking_it_a_curators_translation():
    files = sorted(p.name for p in (DATA / "translations").glob("*.txt"))
    assert files == PAIRS and len(files) == 3
    for name, entry in MANIFEST.items():
        assert entry["translation"] == "bundled" and entry["translated_from"] == "es"
        assert source_file(name).exists()
        assert CORPUS_MANIFEST[source_file(name).name]["slug"] == entry["slug"]


@pytest.mark.parametrize("name", TALK_PAIRS)
def test_a_translated_talk_has_the_same_numbers_and_graph_shape(name):
    translated = load_file(DATA / "translations" / name)
    source = load_file(source_file(name))
    assert translated.lang == "en" and source.lang == "es"
    assert translated.slug == source.slug
    assert sorted(translated.points) == sorted(source.points) == list(range(1, 31))
    assert translated.warnings == []
    if source.graph is None:
        assert translated.graph is None
        return
    assert translated.graph is not None
    ours, theirs = translated.graph, source.graph
    assert [n.key for n in ours.nodes] == [n.key for n in theirs.nodes]
    assert ours.edges == theirs.edges and ours.groups == theirs.groups
    assert [n.group for n in ours.nodes] == [n.group for n in theirs.nodes]
    # The number that ends a label (the point it cites) is kept; the text is translated.
    assert [n.points for n in ours.nodes] == [n.points for n in theirs.nodes]
    changed = [n.key for n, m in zip(ours.nodes, theirs.nodes, strict=True) if n.title != m.title]
    assert len(changed) >= 28  # names alone ("Koray Kavukcuoglu ICLR 2018") stay as they are


def test_the_translated_discussion_keeps_scores_answers_and_licence():
    translated = load_file(DATA / "translations" / "001_b10435392cfebf91.en.txt")
    source = load_file(source_file("001_b10435392cfebf91.en.txt"))
    ours, theirs = translated.thread, source.thread
    assert ours["score"] == theirs["score"] == 12
    assert [a["score"] for a in ours["answers"]] == [a["score"] for a in theirs["answers"]]
    assert [len(a["paragraphs"]) for a in ours["answers"]] == [
        len(a["paragraphs"]) for a in theirs["answers"]
    ]
    assert ours["question"].count("\n\n") == theirs["question"].count("\n\n")
    assert translated.meta.license == source.meta.license == "CC BY-SA 3.0 (attribution required)"
    assert "CC BY-SA 3.0" in translated.meta.attribution
    assert "Stack Exchange" in translated.meta.attribution


def _nearest(ours: list[str], theirs: list[str]) -> list[int]:
    a = embedders.encode(ours, "en", model="use")
    b = embedders.encode(theirs, "es", model="use")
    return list(np.argmax(a @ b.T, axis=1))


@pytest.mark.slow
@pytest.mark.parametrize("name", TALK_PAIRS)
def test_every_translated_point_is_nearest_to_its_own_source_point(name):
    translated = load_file(DATA / "translations" / name)
    source = load_file(source_file(name))
    numbers = sorted(source.points)
    nearest = _nearest([translated.points[n] for n in numbers], [source.points[n] for n in numbers])
    wrong = [(n, numbers[j]) for n, j in zip(numbers, nearest, strict=True) if numbers[j] != n]
    assert wrong == []


@pytest.mark.slow
def test_every_translated_graph_label_is_nearest_to_its_own_node():
    name = "004_2eedf50d99983cd3.en.txt"
    ours = load_file(DATA / "translations" / name).graph
    theirs = load_file(source_file(name)).graph
    assert ours is not None and theirs is not None
    nearest = _nearest([n.title for n in ours.nodes], [n.title for n in theirs.nodes])
    assert [theirs.nodes[j].key for j in nearest] == [n.key for n in ours.nodes]


@pytest.mark.slow
def test_the_discussion_answer_paragraphs_align_with_the_source():
    translated = load_file(DATA / "translations" / "001_b10435392cfebf91.en.txt").thread
    source = load_file(source_file("001_b10435392cfebf91.en.txt")).thread
    ours = [translated["question"], *translated["answers"][0]["paragraphs"]]
    theirs = [source["question"], *source["answers"][0]["paragraphs"]]
    assert _nearest(ours, theirs) == list(range(len(theirs)))


def test_importing_the_translations_gives_every_talk_both_languages(corpus_db):
    call_command("import_vault", str(DATA / "translations"), stdout=StringIO())
    for talk in Talk.objects.all():
        assert talk.languages() == ["en", "es"], talk.slug
        en, es = talk.translation("en"), talk.translation("es")
        assert sorted(talk.points.filter(lang="en").values_list("number", flat=True)) == sorted(
            talk.points.filter(lang="es").values_list("number", flat=True)
        )
        if talk.slug == "alex-graves-iclr-2017":
            assert en.translation_kind == "" and es.translation_kind == ""
        else:
            assert en.translation_kind == "bundled" and en.translated_from == "es"
            assert en.translated_at is not None and en.stale_points() == []


def test_a_translated_point_keeps_the_hash_of_its_source_point(corpus_db):
    call_command("import_vault", str(DATA / "translations"), stdout=StringIO())
    talk = Talk.objects.get(slug="jascha-sohl-dickstein-iclr-2023")
    es = {p.number: p.text for p in talk.points.filter(lang="es")}
    for point in talk.points.filter(lang="en"):
        assert point.source_hash == text_hash(es[point.number])


def test_changing_a_source_point_makes_its_translation_stale(corpus_db):
    call_command("import_vault", str(DATA / "translations"), stdout=StringIO())
    talk = Talk.objects.get(slug="koray-kavukcuoglu-iclr-2018")
    point = talk.points.get(lang="es", number=7)
    point.text += " (revisado)"
    point.save()
    assert talk.translation("en").stale_points() == [7]
    point.text = point.text.removesuffix(" (revisado)")
    point.save()
    assert TalkTranslation.objects.get(talk=talk, lang="en").stale_points() == []


def _translation(text: str, slug: str = "jascha-sohl-dickstein-iclr-2023", **meta):
    from talks.importers.knowledge_vault import Metadata

    overrides = Metadata(slug=slug, lang="en", title="T", translation="bundled", **meta)
    return parse_pasted(text, "t.txt", overrides)


def test_a_translation_missing_a_source_number_writes_nothing(corpus_db):
    text = "Resume:\n" + "\n".join(f"{n}.-point {n}" for n in range(1, 30)) + "\n"
    with pytest.raises(ImportProblem, match="missing 30"):
        import_documents([_translation(text, translated_from="es")])
    assert not SummaryPoint.objects.filter(talk__slug="jascha-sohl-dickstein-iclr-2023", lang="en")


def test_a_translation_with_a_number_the_source_lacks_writes_nothing(corpus_db):
    text = "Resume:\n" + "\n".join(f"{n}.-point {n}" for n in range(1, 32)) + "\n"
    with pytest.raises(ImportProblem, match="not in the source 31"):
        import_documents([_translation(text, translated_from="es")])


@pytest.mark.parametrize("source_lang", ["", "en", "fr"])
def test_a_translation_must_name_another_known_language(corpus_db, source_lang):
    text = "Resume:\n1.-a\n"
    with pytest.raises(ImportProblem, match="translated from"):
        import_documents([_translation(text, translated_from=source_lang)])


def test_the_bundled_discussion_translation_keeps_the_hash_of_its_source_thread(corpus_db):
    call_command("import_vault", str(DATA / "translations"), stdout=StringIO())
    en = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="en")
    assert en.source_hash and not en.thread_stale()
    es = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="es")
    es.thread["question"] += " ¿Y la memoria?"
    es.save()
    assert en.thread_stale()
