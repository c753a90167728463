"""Pages composed from the shapes real Knowledge Vault pages come in (Hypothesis).

A page is drawn as a header (vault 2, 6, 1 or another vault, in English or Spanish, with or without
the space in "Conocimiento Bóveda"), an image line, a generator line, a concept graph (classDefs with
or without ';', flattened onto one line or one statement per line, dotted edges, ``linkStyle``,
standalone nodes, hierarchical ids, category nodes, labels citing several points, bold, trailing
spaces, ``J-->``; possibly cut off anywhere), a resume marker and numbered points (blank lines
between them or not), and a footer: each part present or not.

Every composition either imports, with exactly the drawn points and every complete graph
statement, or fails with an ``ImportProblem`` that names a line inside the text, and then nothing
is written.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from fuzz.profile import fuzz_settings, time_limit
from graphs.mermaid import parse as parse_mermaid
from talks.importers.knowledge_vault import ImportProblem, parse
from talks.importers.writer import import_documents
from talks.models import SourceDocument, SummaryPoint, Talk, TalkTranslation

WORDS = st.sampled_from(
    ["memory", "attention", "agents", "redes", "aprendizaje", "search", "depth", "curiosidad"]
)
NAMES = st.sampled_from(["Ada Moreno", "Lin Park", "Sofía Ruiz", "Omar Haddad, Eva Lind"])
YEARS = st.integers(2014, 2024)


@st.composite
def headers(draw) -> tuple[list[str], str]:
    """The header lines of a page and the language they are written in."""
    lang = draw(st.sampled_from(["en", "es"]))
    entry = draw(st.integers(1, 999))
    speaker, year = draw(NAMES), draw(YEARS)
    title = " ".join(draw(st.lists(WORDS, min_size=1, max_size=5))).capitalize()
    brand = (
        "Knowledge Vault"
        if lang == "en"
        else draw(st.sampled_from(["Conocimiento Bóveda", "ConocimientoBóveda"]))
    )
    kind = draw(
        st.sampled_from(
            ["Invited Talk", "Invited Speakers", "Keynote"]
            if lang == "en"
            else ["Charla Invitada", "Conferencia Magistral"]
        )
    )
    shape = draw(st.sampled_from(["vault2", "vault6", "vault1", "other"]))
    image = draw(
        st.sampled_from(
            ["<Resume Image >", "< Resume Image >", "<Resume Image>"]
            if lang == "en"
            else ["<Imagen del Resumen>", "<Imagen de Resumen >"]
        )
    )
    if shape == "vault2":
        lines = [f"{brand} 2/{entry} - ICLR 2014-2023", f"{speaker} ICLR {year} - {kind} - {title}"]
    elif shape == "vault6":
        lines = [f"{brand} 6 /{entry} - ICML {year}", title, speaker]
    elif shape == "vault1":
        lines = [
            f"{brand} 1 - Lex 100 - {entry} ({year})",
            image,
            f"{speaker}: {title} | Lex Fridman Podcast #{entry} | https://example.org/{entry}",
        ]
        return lines, lang
    else:
        event = draw(st.sampled_from(["CVPR", "NeurIPS", "AI for Good"]))
        lines = [
            f"{brand} {draw(st.integers(3, 9))}/{entry} - {event} {year}",
            f"{speaker} {event} {year} - {kind} - {title}",
        ]
    return [*lines, image], lang


@st.composite
def graphs(draw, points: int) -> tuple[list[str], bool]:
    """A concept graph's lines, and whether it was drawn flattened onto one line."""
    semicolon = draw(st.sampled_from(["", ";"]))
    statements = [f"classDef main fill:#f9d4d4, font-weight:bold{semicolon}"]
    statements.append(f"classDef rest fill:#d4f9d4{semicolon}")
    statements.append("A[**Speaker** talk ]")
    keys = ["A"]
    for n in range(1, draw(st.integers(1, 6)) + 1):
        key = draw(st.sampled_from([f"B{n}", f"N{n}", chr(ord("B") + n)]))
        if key in keys:
            continue
        cites = (
            draw(st.lists(st.integers(1, max(points, 1)), max_size=3, unique=True))
            if points
            else []
        )
        cite = ",".join(map(str, sorted(cites)))
        label = " ".join(draw(st.lists(WORDS, min_size=1, max_size=4)))
        ending = draw(st.sampled_from(["", ".", " >", "?"]))
        text = f"{label}{ending} {cite}".rstrip() if cite else f"{label}{ending}"
        parent = draw(st.sampled_from(keys))
        arrow = draw(st.sampled_from([" --> ", " -.-> ", "--> "]))
        if draw(st.booleans()):
            statements.append(f"{parent}{arrow}{key}[{text}]")
        else:
            statements += [f"{key}[{text}]", f"{parent}{arrow}{key}"]
        keys.append(key)
    if draw(st.booleans()):
        statements.append("linkStyle default stroke:#555,stroke-width:1px")
    statements.append(f"class {','.join(keys[:1])} main{semicolon}")
    if len(keys) > 1:
        statements.append(f"class {','.join(keys[1:])} rest{semicolon}")
    flat = draw(st.booleans())
    if flat:
        return [" ".join(["graph LR", *statements])], True
    return ["graph LR", *statements], False


@st.composite
def pages(draw) -> dict:
    header, lang = draw(headers())
    n_points = draw(st.integers(0, 6))
    has_graph = draw(st.booleans())
    lines = list(header)
    if draw(st.booleans()):
        lines += [
            "",
            draw(
                st.sampled_from(
                    [
                        "Concept Graph & Resume using Claude 3 Opus | Chat GPT4:",
                        "Concept Graph using Moonshot Kimi K2",
                    ]
                    if lang == "en"
                    else ["Gráfico de Conceptos & Resumen usando Claude 3 Opus:"]
                )
            ),
        ]
    graph_lines: list[str] = []
    cut = None
    if has_graph:
        graph_lines, _flat = draw(graphs(n_points))
        if draw(st.integers(0, 3)) == 0:  # a page cut short somewhere in its graph
            block = "\n".join(graph_lines)
            cut = draw(st.integers(len("graph LR "), len(block)))
            graph_lines = block[:cut].split("\n")
        lines += ["", *graph_lines]
    if n_points and draw(st.booleans()):
        lines += ["", "Resume:" if lang == "en" else "Resumen:"]
    blank = draw(st.booleans())
    for n in range(1, n_points + 1):
        if blank:
            lines.append("")
        lines.append(
            f"{n}.-{' '.join(draw(st.lists(WORDS, min_size=2, max_size=8))).capitalize()}."
        )
    if draw(st.booleans()):
        lines += ["", "Knowledge Vault built byDavid Vivancos 2024"]
    return {
        "text": "\n".join(lines) + "\n",
        "lang": lang,
        "points": n_points,
        "graph": "\n".join(graph_lines) if has_graph else None,
        "cut": cut is not None,
    }


def _rows() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Talk, TalkTranslation, SummaryPoint, SourceDocument))


class _Rollback(Exception):
    pass


@pytest.mark.django_db
@fuzz_settings(120)
@given(page=pages())
def test_every_composed_page_imports_or_fails_with_a_located_error(page):
    text = page["text"]
    try:
        with transaction.atomic():  # undone after each example, so examples do not pile up
            before = _rows()
            with time_limit():
                try:
                    doc = parse(text, "composed.txt")
                    import_documents([doc])
                except ImportProblem as problem:
                    assert problem.message
                    assert 1 <= problem.line <= text.count("\n"), problem
                    assert _rows() == before, "a refused import left rows behind"
                    # Only a page with nothing readable is refused.
                    assert page["points"] == 0, problem
                    raise _Rollback from None
            assert doc.lang == page["lang"]
            assert sorted(doc.points) == list(range(1, page["points"] + 1))
            stored = SummaryPoint.objects.filter(talk__slug=doc.slug, lang=doc.lang).count()
            assert stored == page["points"]
            if page["graph"] is not None and not page["cut"]:
                whole = parse_mermaid(page["graph"].replace("**", ""))
                assert doc.graph is not None and len(doc.graph.nodes) == len(whole.nodes)
                assert len(doc.graph.edges) == len(whole.edges)
            talk = Talk.objects.get(slug=doc.slug)
            if doc.warnings:
                assert talk.status == Talk.Status.DRAFT
                assert all(1 <= w.line <= text.count("\n") or w.line == 0 for w in doc.warnings)
            raise _Rollback
    except _Rollback:
        pass
