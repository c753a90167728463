"""Fuzzing the Knowledge Vault importer with mutated corpus files (Hypothesis).

Every mutation of a bundled file (truncation, deleted, duplicated or swapped lines, CRLF or CR line
ends, a BOM, odd Unicode, 1 MB lines, flipped bytes — see ``fuzz/mutations.py``) must either import
correctly or raise ``ImportProblem``: never another exception, never a hang, and a refused import
leaves the database exactly as it was. ``FUZZ_PROFILE=long`` runs fifty times more examples.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from fuzz.mutations import CORPUS, KINDS, LONG, ONE_MB, corpus_files, mutate
from fuzz.profile import fuzz_settings, time_limit
from graphs.models import ConceptEdge, ConceptGraph, ConceptNode
from talks.importers.knowledge_vault import (
    ImportProblem,
    ParsedDocument,
    decode,
    parse,
)
from talks.importers.manifest import entry_for
from talks.importers.writer import import_documents, parse_pasted
from talks.models import (
    Event,
    SourceDocument,
    Speaker,
    SummaryPoint,
    Talk,
    TalkTranslation,
)
from vault import languages

FILES = corpus_files()
NAMES = [path.name for path in FILES]  # names, not paths, so a failing example prints readably
MODELS = (
    Talk,
    TalkTranslation,
    SummaryPoint,
    SourceDocument,
    Speaker,
    Event,
    ConceptGraph,
    ConceptNode,
    ConceptEdge,
)

# Rarely a 1 MB line (each costs up to a second to parse); the cheap mutations most of the time.
cheap = st.sampled_from([k for k in KINDS if k != "long_line"])
kinds = st.one_of(cheap, cheap, cheap, cheap, cheap, cheap, st.just("long_line"))
ops = st.lists(
    st.tuples(kinds, st.integers(0, 2**20), st.integers(0, 2**20)), min_size=1, max_size=4
)


def load(path, data: bytes) -> ParsedDocument:
    """What ``import_vault`` does with a file's bytes: decode, manifest defaults, parse."""
    return parse(decode(data, path.name), filename=path.name, defaults=entry_for(path))


def check_document(doc: ParsedDocument) -> None:
    """What every successfully parsed document guarantees the writer."""
    assert doc.lang in languages.codes()
    assert doc.slug
    if doc.meta.kind == "discussion":
        assert doc.thread["answers"] and doc.meta.license
    else:
        assert sorted(doc.points) == list(range(1, len(doc.points) + 1))
        assert all(text.strip() for text in doc.points.values())
    assert "\x00" not in doc.raw_text


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


class _Rollback(Exception):
    pass


def test_the_unmutated_corpus_parses():
    for path in FILES:
        check_document(load(path, path.read_bytes()))


@fuzz_settings(150)
@given(name=st.sampled_from(NAMES), mutations=ops)
def test_a_mutated_file_parses_or_raises_import_problem(name, mutations):
    path = CORPUS / name
    data = mutate(path.read_bytes(), mutations)
    with time_limit():
        try:
            doc = load(path, data)
        except ImportProblem as problem:
            assert problem.message
            assert 0 <= problem.line <= data.count(b"\n") + data.count(b"\r") + 1
            return
    check_document(doc)


@pytest.mark.django_db
@fuzz_settings(40)
@given(name=st.sampled_from(NAMES), mutations=ops)
def test_a_mutated_import_writes_all_or_nothing(name, mutations):
    path = CORPUS / name
    data = mutate(path.read_bytes(), mutations)
    try:
        with transaction.atomic():  # undone after each example, so examples do not pile up
            before = counts()
            with time_limit():
                try:
                    doc = load(path, data)
                    import_documents([doc])
                except ImportProblem:
                    assert counts() == before, "a refused import left rows behind"
                    raise _Rollback from None
            if doc.meta.kind != "discussion":
                stored = SummaryPoint.objects.filter(talk__slug=doc.slug, lang=doc.lang)
                assert dict(stored.values_list("number", "text")) == doc.points
            assert SourceDocument.objects.filter(
                talk__slug=doc.slug, checksum=doc.checksum
            ).exists()
            raise _Rollback
    except _Rollback:
        pass


# Regressions the fuzzer found ----------------------------------------------------------------------


@pytest.mark.parametrize("long", range(len(LONG)))
def test_a_one_megabyte_line_is_answered_quickly(long):
    """Lazy patterns followed by ``\\s*$`` made a 10,000-space header line take 4 s (quadratic)."""
    path = FILES[3]  # the English Graves export, with its header
    lines = path.read_bytes().split(b"\n")
    for at in (0, 1, 5):
        data = b"\n".join([*lines[:at], LONG[long].encode(), *lines[at:]])
        started = time.perf_counter()
        with time_limit(30), contextlib.suppress(ImportProblem):
            load(path, data)
        assert time.perf_counter() - started < 5, (long, at)


def test_header_lines_with_whitespace_runs_still_parse():
    text = (
        FILES[3]
        .read_text()
        .replace("Alex Graves ICLR 2017 - ", "Alex   Graves \t ICLR  2017  -  ", 1)
    )
    meta = parse(text, "003.txt").meta
    # Runs of whitespace collapse: the speaker is the one already in the vault.
    assert (meta.speaker, meta.event, meta.year, meta.kind) == (
        "Alex Graves",
        "ICLR",
        2017,
        "invited_talk",
    )
    assert meta.title == "New Directions For Recurrent Neural Networks"


@pytest.mark.parametrize(
    "char, what", [("\x00", "a NUL character"), ("\ud800", "a lone surrogate (U+D800)")]
)
def test_characters_the_database_cannot_store_are_refused_with_their_line(char, what):
    text = FILES[3].read_text()
    lines = text.split("\n")
    lines[9] += char
    with pytest.raises(ImportProblem) as problem:
        parse("\n".join(lines), "003.txt")
    assert problem.value.message == f"the text contains {what}" and problem.value.line == 10


def test_pasting_a_lone_surrogate_is_an_import_problem_not_a_crash():
    with pytest.raises(ImportProblem, match="not UTF-8"):
        parse_pasted(FILES[3].read_text() + "\ud800")


def test_one_megabyte_files_decode_in_linear_time():
    started = time.perf_counter()
    with pytest.raises(ImportProblem):
        parse(decode(b"a" + b" " * ONE_MB + b"b", "x.txt"), "x.txt")
    assert time.perf_counter() - started < 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "Alex Graves ICLR",
            "A" * 250 + " Graves ICLR",
            "the speaker is 257 characters long (at most 200)",
        ),
        # The vault index cannot outgrow its column: the header grammar reads at most "999/99999".
        (
            "Graves ICLR 2017",
            "Graves E" + "v" * 150 + " 2017",
            "the event is 151 characters long (at most 100)",
        ),
        (
            " A[",
            " " + "A" * 101 + "[",
            "concept graph: a node id is 101 characters long (at most 100)",
        ),
        (
            " rnn",
            " " + "r" * 101,
            "concept graph: a class name is 101 characters long (at most 100)",
        ),
    ],
)
def test_values_longer_than_their_column_are_refused_on_every_backend(old, new, message):
    """PostgreSQL raised a DataError (a 500 in the admin) where SQLite stored the value whole."""
    before = counts()
    with pytest.raises(ImportProblem) as problem:
        import_documents([parse(FILES[3].read_text().replace(old, new), "003.txt")])
    assert problem.value.message.startswith(message)
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Alex \u200f Graves", "alex graves", "Alex Graves\u200b"])
def test_a_speaker_name_with_an_existing_slug_joins_that_speaker(name):
    """``_ensure`` raised KeyError when the new name's slug already belonged to another row."""
    text = FILES[3].read_text().replace("Alex Graves ICLR", f"{name} ICLR", 1)
    import_documents([parse(text, "003.txt")])
    assert Talk.objects.get(slug="alex-graves-iclr-2017").speaker.name == "Alex Graves"
    assert Speaker.objects.filter(slug="alex-graves").count() == 1


@pytest.mark.django_db
def test_a_speaker_name_without_latin_letters_gets_a_slug_of_its_own():
    text = FILES[3].read_text().replace("Alex Graves ICLR", "张伟 ICLR", 1)
    import_documents([parse(text, "003.txt")])
    speaker = Speaker.objects.get(name="张伟")
    assert speaker.slug.startswith("speaker-") and len(speaker.slug) == 20
