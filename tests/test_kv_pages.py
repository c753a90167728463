"""Every shape of Knowledge Vault page imports, by command and in the admin, with the right counts.

The pages under tests/kv_pages/ are the team's own, written in the formats real pages come in (vault
2, 6 and 1 headers, AI for Good and CVPR pages, graph-only, resume-only and truncated pages, the
Mermaid quirks of scraped pages); none is copied from a real page. Each is listed here with what a
curator counting by hand finds in it.
"""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from graphs.models import ConceptGraph, ConceptNode
from talks.admin_import import MAX_FILES
from talks.models import SourceDocument, SummaryPoint, Talk

PAGES = Path(__file__).parent / "kv_pages"
IMPORT = "/en/curate/talks/talk/import/"


# file: (vault index, language, speaker, event, year, kind, points, (nodes, edges, groups) or None,
#        warnings)
EXPECTED = {
    "v2_en_full.txt": ("2/71", "en", "Mira Castell", "ICLR", 2021, "invited_talk", 5, (6, 5, 3), 0),
    "v2_es_full.txt": ("2/71", "es", "Mira Castell", "ICLR", 2021, "invited_talk", 5, (6, 5, 3), 0),
    "v2_en_invited_speakers_resume_only.txt": (
        "2/72",
        "en",
        "Tomás Ibarra",
        "ICLR",
        2016,
        "invited_talk",
        3,
        None,
        1,
    ),
    "v2_es_nospace_graph_only.txt": (
        "2/72",
        "es",
        "Tomás Ibarra",
        "ICLR",
        2016,
        "invited_talk",
        0,
        (4, 3, 2),
        1,
    ),
    "v2_en_truncated.txt": (
        "2/73",
        "en",
        "Rui Almeida",
        "ICLR",
        2019,
        "invited_talk",
        3,
        (3, 2, 2),
        1,
    ),
    "v2_es_truncated_graph_only.txt": (
        "2/73",
        "es",
        "Rui Almeida",
        "ICLR",
        2019,
        "invited_talk",
        0,
        (3, 2, 2),
        2,
    ),
    "v6_en_icml.txt": (
        "6/14",
        "en",
        "Priya Raman, Olek Nowak",
        "ICML",
        2017,
        "invited_talk",
        6,
        (9, 9, 3),
        0,
    ),
    "v6_es_icml.txt": (
        "6/14",
        "es",
        "Priya Raman, Olek Nowak",
        "ICML",
        2017,
        "invited_talk",
        6,
        (9, 9, 3),
        0,
    ),
    "v1_en_lex.txt": (
        "1/23",
        "en",
        "Jonas Weber",
        "Lex Fridman Podcast",
        2024,
        "interview",
        4,
        (4, 3, 2),
        0,
    ),
    "v1_es_lex.txt": (
        "1/23",
        "es",
        "Jonas Weber",
        "Lex Fridman Podcast",
        2024,
        "interview",
        4,
        (4, 3, 2),
        0,
    ),
    "aiforgood_en.txt": (
        "5/8",
        "en",
        "Lena Okafor",
        "AI for Good",
        2023,
        "invited_talk",
        3,
        (4, 3, 2),
        0,
    ),
    "aiforgood_es.txt": (
        "5/8",
        "es",
        "Lena Okafor",
        "AI for Good",
        2023,
        "invited_talk",
        3,
        (4, 3, 2),
        0,
    ),
    "cvpr_en_quirks.txt": (
        "4/12",
        "en",
        "Hana Sato",
        "CVPR",
        2022,
        "invited_talk",
        4,
        (7, 6, 2),
        0,
    ),
    "cvpr_es_quirks.txt": (
        "4/12",
        "es",
        "Hana Sato",
        "CVPR",
        2022,
        "invited_talk",
        4,
        (7, 6, 2),
        0,
    ),
}
ENTRIES = sorted({row[0] for row in EXPECTED.values()})


def test_every_fixture_is_listed():
    assert sorted(p.name for p in PAGES.glob("*.txt")) == sorted(EXPECTED)


def stored(index: str, lang: str) -> tuple:
    talk = Talk.objects.select_related("speaker", "event").get(vault_index=index)
    graph = ConceptGraph.objects.filter(talk=talk, lang=lang).first()
    counts = (graph.nodes.count(), graph.edges.count(), graph.groups.count()) if graph else None
    source = talk.translations.get(lang=lang).source
    return (
        talk.speaker.name,
        talk.event.name,
        talk.event.year,
        talk.kind,
        talk.points.filter(lang=lang).count(),
        counts,
        len(source.warnings),
    )


def import_pages(*paths: Path) -> tuple[list[dict], str]:
    out, err = StringIO(), StringIO()
    call_command("import_vault", *map(str, paths), "--json", stdout=out, stderr=err)
    return [json.loads(row) for row in out.getvalue().splitlines()], err.getvalue()


def test_import_vault_reads_every_shape_with_the_right_counts(db, tmp_path):
    talks_before = Talk.objects.count()
    results, _err = import_pages(PAGES)
    assert len(results) == len(EXPECTED)
    for name, (index, lang, *want) in EXPECTED.items():
        assert stored(index, lang) == tuple(want), name
    # The EN and ES pages of each entry are one talk with two languages.
    assert Talk.objects.count() == talks_before + len(ENTRIES)
    for index in ENTRIES:
        talk = Talk.objects.get(vault_index=index)
        assert sorted(talk.translations.values_list("lang", flat=True)) == ["en", "es"]
    by_file = {r["file"]: r for r in results}
    statuses = {
        index: sorted(by_file[n]["status"] for n, row in EXPECTED.items() if row[0] == index)
        for index in ENTRIES
    }
    assert all(s == ["created", "merged"] for s in statuses.values()), statuses


def test_reimporting_the_same_pages_changes_nothing(db):
    import_pages(PAGES)
    before = (
        list(SummaryPoint.objects.order_by("pk").values_list("pk", "text")),
        list(ConceptNode.objects.order_by("pk").values_list("pk", "label", "points")),
        SourceDocument.objects.count(),
    )
    results, _err = import_pages(PAGES)
    assert {r["status"] for r in results} == {"unchanged"}
    after = (
        list(SummaryPoint.objects.order_by("pk").values_list("pk", "text")),
        list(ConceptNode.objects.order_by("pk").values_list("pk", "label", "points")),
        SourceDocument.objects.count(),
    )
    assert after == before


def test_the_english_and_spanish_pages_join_in_two_commands_either_order(db):
    talks_before = Talk.objects.count()
    import_pages(PAGES / "v6_es_icml.txt")
    (result,), _err = import_pages(PAGES / "v6_en_icml.txt")
    assert result["status"] == "merged"
    talk = Talk.objects.get(vault_index="6/14")
    assert result["slug"] == talk.slug and Talk.objects.count() == talks_before + 1
    assert talk.translations.get(lang="en").title == "Learning to Search with Small Budgets"
    assert talk.translations.get(lang="es").title.startswith("Aprender a buscar")


def test_pages_with_warnings_import_as_drafts_and_keep_their_warnings(db):
    results, _err = import_pages(PAGES / "v2_en_truncated.txt", PAGES / "v2_en_full.txt")
    truncated = Talk.objects.get(vault_index="2/73")
    assert truncated.status == Talk.Status.DRAFT
    assert Talk.objects.get(vault_index="2/71").status == Talk.Status.PUBLISHED
    (warning,) = truncated.translations.get(lang="en").source.warnings
    assert "truncated concept graph" in warning["message"]
    lines = (PAGES / "v2_en_truncated.txt").read_text().splitlines()
    assert lines[warning["line"] - 1] == "what the agent cannot"  # where the page breaks off
    by_file = {r["file"]: r for r in results}
    assert by_file["v2_en_truncated.txt"]["warnings"][0]["line"] == warning["line"]
    # Without --json, each warning is a line of its own on stderr, after the file's status line.
    out, err = StringIO(), StringIO()
    call_command("import_vault", str(PAGES / "v2_en_truncated.txt"), stdout=out, stderr=err)
    assert out.getvalue().startswith("unchanged rui-almeida-iclr-2019 [en] ← v2_en_truncated.txt")
    assert err.getvalue().startswith(
        f"warning: v2_en_truncated.txt, line {warning['line']}: truncated concept graph: a node "
        "label opened with '[' is never closed"
    )
    assert by_file["v2_en_full.txt"]["warnings"] == []


def test_node_point_links_come_from_every_number_a_label_cites(db):
    import_pages(PAGES / "cvpr_en_quirks.txt", PAGES / "v6_en_icml.txt")
    cvpr = ConceptNode.objects.get(graph__talk__vault_index="4/12", key="M")
    assert cvpr.points == [2, 3, 4]
    icml = {n.key: n.points for n in ConceptNode.objects.filter(graph__talk__vault_index="6/14")}
    assert icml["C"] == [2, 3] and icml["D5"] == [5]  # "… frontier. 5"
    assert icml["D"] == [] and icml["A1"] == []  # category nodes cite no point
    # Bold from a scraped rendering is gone; the label is what the reader sees.
    label = ConceptNode.objects.get(graph__talk__vault_index="4/12", key="A").label
    assert "**" not in label and "Hana Sato" in label


def test_the_admin_preview_counts_every_shape(client, admin_user):
    client.force_login(admin_user)
    for name, (
        index,
        lang,
        speaker,
        _event,
        year,
        _kind,
        points,
        graph,
        warnings,
    ) in EXPECTED.items():
        text = (PAGES / name).read_text()
        response = client.post(IMPORT, {"text": text, "status": "draft", "preview": "1"})
        assert response.status_code == 200, name
        (preview,) = response.context["previews"]
        assert preview.ok, (name, preview.problems)
        assert preview.summary["talk"]["vault_index"] == index
        assert preview.summary["lang"] == lang and preview.summary["talk"]["speaker"] == speaker
        assert preview.summary["talk"]["year"] == year
        assert len(preview.doc.points) == points, name
        shown = (len(preview.nodes), len(preview.edges), len(preview.groups)) if graph else None
        assert shown == graph, name
        assert len(preview.warnings) == warnings, name
        html = response.content.decode()
        assert html.count('data-testid="warning"') == warnings, name
    assert not Talk.objects.filter(vault_index__in=ENTRIES).exists()


def test_an_upload_of_both_languages_previews_and_imports_one_talk(client, admin_user):
    client.force_login(admin_user)
    files = [
        SimpleUploadedFile(name, (PAGES / name).read_bytes(), "text/plain")
        for name in ("v1_es_lex.txt", "v1_en_lex.txt")
    ]
    response = client.post(IMPORT, {"files": files, "status": "draft", "preview": "1"})
    previews = response.context["previews"]
    assert [p.summary["would_be"] for p in previews] == ["created", "merged"]
    assert len({p.doc.slug for p in previews}) == 1
    files = [
        SimpleUploadedFile(name, (PAGES / name).read_bytes(), "text/plain")
        for name in ("v1_es_lex.txt", "v1_en_lex.txt")
    ]
    response = client.post(IMPORT, {"files": files, "status": "draft", "confirm": "1"}, follow=True)
    talk = Talk.objects.get(vault_index="1/23")
    assert sorted(talk.translations.values_list("lang", flat=True)) == ["en", "es"]
    said = [str(m) for m in response.context["messages"]]
    assert any("v1_es_lex.txt" in m and "created as a new talk" in m for m in said), said
    assert any("v1_en_lex.txt" in m and "merged as a translation" in m for m in said), said


def test_an_upload_over_the_limit_refuses_the_extra_files_by_name(client, admin_user, tmp_path):
    client.force_login(admin_user)
    text = (PAGES / "v2_en_full.txt").read_text()
    files = []
    for n in range(MAX_FILES + 1):
        page = text.replace("2/71", f"2/{100 + n}").replace("Mira Castell", f"Speaker N{n:03d}")
        files.append(SimpleUploadedFile(f"page_{n:03d}.txt", page.encode(), "text/plain"))
    response = client.post(IMPORT, {"files": files, "status": "draft", "confirm": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    last = f"page_{MAX_FILES:03d}.txt"
    assert last in html and f"at most {MAX_FILES} files are accepted in one upload" in html
    assert not Talk.objects.filter(vault_index__startswith="2/1").exists()  # nothing written


def test_a_copy_of_a_page_under_another_name_is_the_same_talk(db, tmp_path):
    """The vault index, not the file name or the slug, says which talk a page is."""
    talks_before = Talk.objects.count()
    import_pages(PAGES / "aiforgood_en.txt")
    copy = tmp_path / "renamed.txt"
    shutil.copy(PAGES / "aiforgood_es.txt", copy)
    (result,), _err = import_pages(copy)
    assert result["status"] == "merged" and Talk.objects.count() == talks_before + 1


def test_the_parser_imports_no_django():
    """``talks.importers.knowledge_vault`` and the Mermaid parser it uses stay pure Python."""
    import subprocess
    import sys

    code = (
        "import sys; import talks.importers.knowledge_vault;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PAGES.parents[1],
    )
    assert out.stdout.strip() == "[]"


@given(st.text(max_size=40))
def test_the_parsers_slugs_are_djangos(text):
    from django.utils.text import slugify as django_slugify

    from talks.importers.knowledge_vault import slugify

    assert slugify(text) == django_slugify(text)


def test_lines_above_the_vault_header_are_not_taken_for_the_title():
    """A page copied with the site's navigation above it: the navigation is a warning, not the title."""
    from talks.importers.knowledge_vault import parse

    doc = parse("Home | Vaults | About\n" + (PAGES / "v6_en_icml.txt").read_text(), "nav.txt")
    assert (doc.meta.title, doc.meta.speaker) == (
        "Learning to Search with Small Budgets",
        "Priya Raman, Olek Nowak",
    )
    (warning,) = doc.warnings
    assert warning.line == 1 and "Home | Vaults" in warning.message
