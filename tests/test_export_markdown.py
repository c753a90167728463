"""``manage.py export_markdown`` and the admin action: an Obsidian folder whose notes and links hold up.

The round trip reads the folder back as Obsidian would: every note's YAML front matter, every
``[[link]]`` resolved to a note by file name; every talk, point and shared concept must be there.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from graphs.models import ConceptGraph
from talks import obsidian
from talks.models import SummaryPoint, Talk

LINK = re.compile(r"\[\[([^\[\]|#^]+)(?:#\^[\w-]+)?(?:\|([^\[\]]+))?\]\]")


def read_vault(folder: Path) -> dict[str, dict]:
    """``{stem (lower case): {"path", "props", "body"}}`` of every note; AssertionError on a bad one."""
    notes: dict[str, dict] = {}
    for path in folder.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        props: dict = {}
        if text.startswith("---\n"):
            head, _, text = text[4:].partition("\n---\n")
            props = yaml.safe_load(head)
            assert isinstance(props, dict), path
        assert path.stem.lower() not in notes, f"two notes named {path.stem}"
        notes[path.stem.lower()] = {"path": path, "props": props, "body": text}
    return notes


def links(body: str) -> list[str]:
    return [m.group(1).strip() for m in LINK.finditer(body)]


@pytest.fixture
def exported(tmp_path, corpus_db):
    folder = tmp_path / "vault"
    out = io.StringIO()
    call_command("export_markdown", str(folder), "--base-url", "https://kv.example.org", stdout=out)
    assert "talk notes" in out.getvalue()
    return folder


def test_every_talk_point_and_shared_concept_is_in_the_folder(exported):
    notes = read_vault(exported)
    published = Talk.objects.published()
    for talk in published:
        note = notes[talk.slug]
        assert note["path"].parent.name == "talks"
        assert note["props"]["languages"] == talk.languages()
        assert note["props"]["speaker"] == (talk.speaker.name if talk.speaker else None)
        assert note["props"]["year"] == (talk.event.year if talk.event else None)
        for point in SummaryPoint.objects.filter(talk=talk):
            line = (
                f"{point.number}. {' '.join(point.text.split())} ^point-{point.lang}-{point.number}"
            )
            assert line in note["body"].splitlines(), (talk.slug, point.lang, point.number)
    concepts = obsidian.shared_concepts({t.slug for t in published})
    assert concepts, "the corpus's talks share concepts (DNC, memory …)"
    concept_notes = [n for n in notes.values() if n["path"].parent.name == "concepts"]
    assert sorted(n["props"]["term"] for n in concept_notes) == sorted(c.term for c in concepts)
    for c in concepts:
        [note] = [n for n in concept_notes if n["props"]["term"] == c.term]
        stem = note["path"].stem
        assert sorted(links(note["body"])) == sorted(c.talks)  # the concept links its talks
        for slug in c.talks:  # and each of its talks links the concept
            assert stem in links(notes[slug]["body"])


def test_every_link_resolves_to_a_note(exported):
    notes = read_vault(exported)
    found = 0
    for note in notes.values():
        for target in links(note["body"]):
            assert target.lower() in notes, f"{note['path'].name} links missing [[{target}]]"
            found += 1
    assert found >= len(notes) - 1


def test_front_matter_carries_source_and_provenance(exported):
    note = read_vault(exported)["alex-graves-iclr-2017"]
    props = note["props"]
    assert props["event"] == "ICLR 2017" and props["vault_index"] == "2/36"
    assert {s["lang"] for s in props["sources"]} == {"en", "es"}
    assert all(len(s["sha256"]) == 64 for s in props["sources"])
    assert props["provenance"]["en"]["origin"] == "imported"
    assert props["url"]["es"] == "https://kv.example.org/es/talks/alex-graves-iclr-2017/"


def test_each_graph_is_a_mermaid_block(exported):
    notes = read_vault(exported)
    for talk in Talk.objects.published():
        blocks = re.findall(r"^```mermaid\n(.*?)\n```$", notes[talk.slug]["body"], re.S | re.M)
        graphs = ConceptGraph.objects.filter(talk=talk)
        assert sorted(blocks) == sorted(g.source.strip("\n") for g in graphs)
    assert ConceptGraph.objects.exists()


def test_a_backtick_run_in_a_graph_cannot_close_its_fence():
    assert obsidian._fence('A["````"]') == "`````"
    assert obsidian._fence("graph LR") == "```"


def test_stems_are_unique_ignoring_case_and_safe():
    taken: set[str] = {"dnc"}
    assert obsidian.note_stem("DNC", taken) == "DNC (2)"
    assert obsidian.note_stem("a/b: [c]|d#e", taken) == "a b c d e"
    assert obsidian.note_stem("???", taken) == "concept"


def test_exporting_again_replaces_the_earlier_export(exported):
    (exported / "talks" / "stale.md").write_text("old")
    call_command("export_markdown", str(exported), stdout=io.StringIO())
    assert not (exported / "talks" / "stale.md").exists()
    assert (exported / "talks" / "alex-graves-iclr-2017.md").exists()


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path, corpus_db):
    (tmp_path / "notes.md").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_markdown", str(tmp_path), stdout=io.StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "r@example.org", "pw-123456")
    )
    return client


def test_the_admin_action_downloads_the_same_notes_as_a_zip(superuser_client, corpus_db):
    talks = list(Talk.objects.published().values_list("pk", flat=True))
    response = superuser_client.post(
        reverse("admin:talks_talk_changelist"),
        {"action": "export_obsidian", "_selected_action": talks},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "knowledge-vault/talks/alex-graves-iclr-2017.md" in names
    assert any(n.startswith("knowledge-vault/concepts/") for n in names)
