"""The Knowledge Vault importer: every corpus file, merging languages, idempotency, atomicity."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from talks.importers.knowledge_vault import decode, parse
from talks.models import SourceDocument, SummaryPoint, Talk, TalkTranslation

CORPUS = Path(settings.BASE_DIR) / "data" / "corpus"
GRAVES_EN = CORPUS / "003_d8bc2bdddd8060bd.txt"
KORAY_ES = CORPUS / "004_2eedf50d99983cd3.txt"


def run_import(*args: str) -> str:
    out = StringIO()
    call_command("import_vault", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot() -> tuple:
    return (
        list(Talk.objects.order_by("slug").values_list("slug", "updated_at")),
        SummaryPoint.objects.count(),
        SourceDocument.objects.count(),
        list(TalkTranslation.objects.order_by("id").values_list("title", "graph_source")),
    )


def test_header_gives_speaker_event_year_kind_title_and_index():
    doc = parse(GRAVES_EN.read_text(), "003.txt")
    m = doc.meta
    assert (m.speaker, m.event, m.year, m.kind, m.lang) == (
        "Alex Graves",
        "ICLR",
        2017,
        "invited_talk",
        "en",
    )
    assert m.title == "New Directions For Recurrent Neural Networks"
    assert m.vault_index == "2/36"
    assert m.slug == "alex-graves-iclr-2017"
    assert sorted(doc.points) == list(range(1, 31))
    assert doc.points[17].startswith("Adaptive Computation Time (ACT) allows")
    assert doc.graph_source.startswith("graph LR classDef rnn")
    assert doc.graph_source.endswith("class AB,AC,AD,AE memory;")


def test_spanish_header_is_recognised():
    m = parse(KORAY_ES.read_text(), "004.txt").meta
    assert (m.speaker, m.year, m.kind, m.lang, m.vault_index) == (
        "Koray Kavukcuoglu",
        2018,
        "invited_talk",
        "es",
        "2/45",
    )
    assert m.title == "De Modelos Generativos a Agentes Generativos"


def test_every_corpus_file_previews_in_dry_run_json(corpus_db):
    lines = [json.loads(line) for line in run_import("--dry-run", "--json").splitlines()]
    by_file = {p["file"][:3]: p for p in lines}
    assert set(by_file) == {"000", "001", "002", "003", "004"}
    assert (
        by_file["000"]["talk"]["slug"] == by_file["003"]["talk"]["slug"] == "alex-graves-iclr-2017"
    )
    assert by_file["000"]["points"] == {"es": list(range(1, 31))}
    assert by_file["003"]["points"] == {"en": list(range(1, 31))}
    assert by_file["002"]["talk"]["speaker"] == "Jascha Sohl-Dickstein"
    assert by_file["001"]["talk"]["kind"] == "discussion"
    assert all(
        p["would_be"] == "unchanged" for p in lines
    )  # the session already imported the corpus


def test_dry_run_writes_nothing(empty_vault):
    before = snapshot()
    run_import("--dry-run", "--json")
    assert snapshot() == before
    assert Talk.objects.count() == 0


def test_corpus_import_gives_three_talks_and_one_discussion(empty_vault):
    run_import()
    assert Talk.objects.filter(kind="invited_talk").count() == 3
    assert Talk.objects.filter(kind="discussion").count() == 1
    graves = Talk.objects.get(slug="alex-graves-iclr-2017")
    assert graves.languages() == ["en", "es"]
    assert graves.points.filter(lang="en").count() == 30
    assert graves.points.filter(lang="es").count() == 30
    assert graves.sources.count() == 2
    for slug in ("jascha-sohl-dickstein-iclr-2023", "koray-kavukcuoglu-iclr-2018"):
        talk = Talk.objects.get(slug=slug)
        assert talk.languages() == ["es"]
        assert talk.points.filter(lang="es").count() == 30


def test_discussion_keeps_thread_licence_and_link_to_the_dnc_talk(corpus_db):
    talk = Talk.objects.get(slug="dnc-scaling-discussion")
    tr = talk.translations.get(lang="es")
    assert talk.related_talk.slug == "alex-graves-iclr-2017"
    assert talk.subject == "dnc"
    assert tr.license.startswith("CC BY-SA 3.0")
    assert "Stack Exchange" in tr.attribution
    assert tr.thread["score"] == 12
    assert [a["score"] for a in tr.thread["answers"]] == [3]
    assert "Deepmind acaba de publicar" in tr.thread["question"]
    assert not any(
        "Política de Cookies" in p for a in tr.thread["answers"] for p in a["paragraphs"]
    )


def test_source_is_kept_verbatim(corpus_db):
    source = SourceDocument.objects.get(filename=GRAVES_EN.name)
    assert source.raw_text == GRAVES_EN.read_text(encoding="utf-8")
    assert len(source.checksum) == 64


def test_import_is_idempotent(corpus_db):
    before = snapshot()
    out = run_import()
    assert sum(line.startswith("unchanged ") for line in out.splitlines()) == 5
    assert out.splitlines()[-1] == "in all: 5 unchanged"
    assert snapshot() == before


def test_a_changed_file_updates_the_talk_and_keeps_the_old_source(corpus_db, tmp_path):
    changed = tmp_path / GRAVES_EN.name
    changed.write_text(
        GRAVES_EN.read_text().replace("work well and are widely used", "are everywhere")
    )
    shutil.copy(CORPUS / "manifest.json", tmp_path / "manifest.json")
    assert "updated" in run_import(str(changed))
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=1)
    assert "are everywhere" in point.text
    assert SourceDocument.objects.filter(talk__slug="alex-graves-iclr-2017", lang="en").count() == 2
    assert SummaryPoint.objects.filter(talk__slug="alex-graves-iclr-2017", lang="es").count() == 30


HEADER = "Alex Graves ICLR 2017 - Invited Talk - Test\n"
# case: (file content, options, expected message, expected line)
MALFORMED = {
    "duplicate point": (
        HEADER + "1.-One.\n2.-Two.\n2.-Again.\n",
        [],
        "duplicate point number 2",
        4,
    ),
    "missing point": (HEADER + "1.-One.\n2.-Two.\n4.-Four.\n", [], "missing point numbers: 3", 4),
    "empty file": ("   \n\n", [], "empty", 0),
    "unknown language": ("1.-One.\n2.-Two.\n", ["--talk", "x"], "unknown language", 0),
    "nothing readable": (HEADER + "Some words.\n", [], "nothing to import", 2),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_writes_nothing_and_names_the_problem(case, corpus_db, tmp_path):
    content, options, message, line = MALFORMED[case]
    bad = tmp_path / "bad.txt"
    bad.write_text(content)
    before = snapshot()
    out = StringIO()
    # The good corpus file in the same command is not written either: all files or none.
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "import_vault",
            str(GRAVES_EN),
            str(bad),
            "--json",
            *options,
            stdout=out,
            stderr=StringIO(),
        )
    errors = [json.loads(row)["error"] for row in out.getvalue().splitlines()]
    bad_errors = [e for e in errors if e["file"] == "bad.txt"]
    assert len(bad_errors) == 1
    assert message in bad_errors[0]["message"]
    assert bad_errors[0]["line"] == line
    assert snapshot() == before


def test_a_file_that_is_not_utf8_is_refused_with_its_line(corpus_db, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Alex Graves ICLR 2017 - Invited Talk - T\n1.-Señal\n".encode("latin-1"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_vault", str(bad), "--json", stdout=out, stderr=StringIO())
    error = json.loads(out.getvalue().splitlines()[0])["error"]
    assert "not UTF-8" in error["message"] and error["line"] == 2


def test_an_adhoc_file_takes_talk_and_language_from_options(corpus_db, tmp_path):
    adhoc = tmp_path / "notes.txt"
    adhoc.write_text("1.-Una nota.\n2.-Otra nota.\n")
    with pytest.raises(CommandError):  # a new talk without a title is refused…
        call_command(
            "import_vault",
            str(adhoc),
            "--talk",
            "new-talk",
            "--lang",
            "es",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not Talk.objects.filter(slug="new-talk").exists()
    call_command(
        "import_vault",
        str(adhoc),
        "--talk",
        "new-talk",
        "--lang",
        "es",
        "--title",
        "Notas",
        stdout=StringIO(),
    )
    talk = Talk.objects.get(slug="new-talk")
    assert talk.translation("es").title == "Notas"
    assert list(talk.points.values_list("number", flat=True)) == [1, 2]


def test_wrapped_point_lines_join_the_point_and_crlf_is_accepted():
    text = "Alex Graves ICLR 2017 - Invited Talk - T\r\n1.-First half\r\nsecond half.\r\n\r\n2.-Two.\r\n"
    doc = parse(decode(text.encode(), "x"), "x")
    assert doc.points == {1: "First half second half.", 2: "Two."}
