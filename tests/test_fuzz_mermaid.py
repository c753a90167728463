"""Fuzzing the Mermaid parser with mutated concept graphs from the corpus (Hypothesis).

``tests/test_graphs_mermaid_roundtrip.py`` generates well-formed graphs and checks round trips; this
file starts from the real exports and breaks them (``fuzz/mutations.py``): truncation, deleted,
duplicated or swapped lines, CRLF, BOM, odd Unicode, 1 MB lines, flipped bytes. The parser must
return a graph or raise ``MermaidSyntaxError`` (with a position inside the text) — nothing else, in
bounded time — and whatever it returns must survive its own canonical form.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz.mutations import KINDS, LONG, graph_sources, mutate
from fuzz.profile import fuzz_settings, time_limit
from graphs.mermaid import MermaidSyntaxError, parse, serialise

SOURCES = graph_sources()
cheap = st.sampled_from([k for k in KINDS if k != "long_line"])
kinds = st.one_of(cheap, cheap, cheap, cheap, cheap, cheap, st.just("long_line"))
ops = st.lists(
    st.tuples(kinds, st.integers(0, 2**20), st.integers(0, 2**20)), min_size=1, max_size=4
)
# Whole-line mutations have little to bite on in a one-line export; split it at statements too.
split = st.booleans()


def test_the_corpus_has_graphs_to_mutate():
    assert len(SOURCES) == 2
    assert all(len(parse(s).nodes) > 20 for s in SOURCES)


@fuzz_settings(100)
@given(source=st.sampled_from(SOURCES), mutations=ops, one_statement_per_line=split)
def test_a_mutated_graph_parses_or_raises_a_syntax_error(source, mutations, one_statement_per_line):
    if one_statement_per_line:
        source = source.replace("] ", "]\n")
    data = mutate(source.encode("utf-8"), mutations)
    text = data.decode("utf-8", "replace")  # the importer decodes first; the parser gets a str
    with time_limit():
        try:
            graph = parse(text)
        except MermaidSyntaxError as error:
            assert 0 <= error.position <= len(text)
            assert 1 <= error.line <= text.count("\n") + 1
            assert error.expected
            return
        assert parse(serialise(graph)) == graph


@fuzz_settings(60)
@given(text=st.text(max_size=300), prefix=st.sampled_from(["", "graph LR ", "flowchart TD\n"]))
def test_arbitrary_text_parses_or_raises_a_syntax_error(text, prefix):
    with time_limit():
        try:
            graph = parse(prefix + text)
        except MermaidSyntaxError:
            return
    assert parse(serialise(graph)) == graph


@pytest.mark.parametrize("long", range(len(LONG)))
def test_a_one_megabyte_line_inside_a_graph_is_answered_quickly(long):
    started = time.perf_counter()
    with time_limit(30), contextlib.suppress(MermaidSyntaxError):
        parse(SOURCES[0] + " " + LONG[long])
    assert time.perf_counter() - started < 5
