"""The Mermaid parser and canonical serialiser (graphs/mermaid.py): corpus graphs, edge cases, errors."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from graphs.mermaid import (
    MermaidSyntaxError,
    parse,
    serialise,
    split_points,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def corpus_graph(prefix: str) -> str:
    """The ``graph LR …`` block of a corpus file: from its first line to the blank line after it."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    start = text.index("graph LR")
    end = text.find("\n\n", start)
    return text[start : end if end >= 0 else len(text)]


def corpus_graph_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.txt") if "graph LR" in p.read_text(encoding="utf-8"))


# -- the corpus ----------------------------------------------------------------------------------


def test_graves_en_graph_has_31_nodes_30_edges_8_groups_and_30_point_links() -> None:
    graph = parse(corpus_graph("003"))
    assert (len(graph.nodes), len(graph.edges), len(graph.groups)) == (31, 30, 8)
    assert graph.point_links == 30
    assert sorted(p for n in graph.nodes for p in n.points) == list(range(1, 31))
    assert graph.node("A").points == ()  # "ICLR 2017" is a year, not point 2017
    assert graph.node("B").points == (1,)
    assert [graph.node(k).points for k in "FGHIJK"] == [
        (5,),
        (6,),
        (7,),
        (8,),
        (9,),
        (10,),
    ]
    assert graph.node("AE").points == (30,)
    assert graph.node("B").label == "RNNs: LSTM, GRU effective\nfor sequences 1"
    assert graph.node("B").title == "RNNs: LSTM, GRU effective\nfor sequences"


def test_graves_en_groups_keep_their_order_style_and_members() -> None:
    graph = parse(corpus_graph("003"))
    assert [g.name for g in graph.groups] == [
        "rnn", "external", "dnc", "bptt", "act", "programming", "curriculum", "memory",
    ]  # fmt: skip
    assert graph.groups[0].style == "fill:#f9d4d4,font-weight:bold,font-size:14px"
    assert [n.key for n in graph.nodes if n.group == "act"] == ["Q", "R", "S", "T", "U"]
    assert not [n for n in graph.nodes if n.group == "dnc"]  # defined but unused: still a group


def test_kavukcuoglu_es_graph_has_31_nodes_30_edges_6_groups() -> None:
    graph = parse(corpus_graph("004"))
    assert (len(graph.nodes), len(graph.edges), len(graph.groups)) == (31, 30, 6)
    assert graph.point_links == 30
    assert graph.node("A").group == "Main"  # ``class A Main;`` names a single node
    assert {graph.node(k).group for k in ["E", "F", "G", "H", "I", "J"]} == {"WaveNet"}
    assert [graph.node(k).points for k in ["E", "J", "W", "AE"]] == [
        (4,),
        (9,),
        (22,),
        (30,),
    ]
    assert graph.node("A").label == "Koray Kavukcuoglu\nICLR 2018"  # the trailing space is trimmed


@pytest.mark.parametrize("path", corpus_graph_files(), ids=lambda p: p.name[:3])
def test_every_corpus_graph_round_trips_through_canonical_mermaid(path: Path) -> None:
    graph = parse(corpus_graph(path.name[:3]))
    text = serialise(graph)
    assert parse(text) == graph
    assert serialise(parse(text)) == text
    assert "\n    A[" in text and text.startswith("graph LR\n")


def test_canonical_output_is_one_statement_per_line_with_escaped_labels() -> None:
    graph = parse('graph TD\nA["Say #quot;hi#quot; <b>x</b> & #35;1"] -->|"a|b"| B(("B"))')
    assert graph.node("A").label == 'Say "hi" <b>x</b> & #1'
    assert serialise(graph) == (
        "graph TD\n"
        '    A["Say #quot;hi#quot; #lt;b#gt;x#lt;/b#gt; #amp; #35;1"]\n'
        '    B(("B"))\n'
        '    A -->|"a#124;b"| B\n'
    )


# -- edge cases of the syntax -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "points", "title"),
    [
        ("Sparse access 2,3,4,5", (2, 3, 4, 5), "Sparse access"),
        ("Sparse access 2, 3", (2, 3), "Sparse access"),
        ("agentes. 1", (1,), "agentes."),
        ("ICLR 2017", (), "ICLR 2017"),
        ("External memory", (), "External memory"),
        ("DMLab-30", (), "DMLab-30"),
        ("12", (), "12"),
        ("bad list 1,", (), "bad list 1,"),
        ("zero 0", (), "zero 0"),
    ],
)
def test_a_trailing_number_or_number_list_is_a_point_link(
    label: str, points: tuple, title: str
) -> None:
    assert split_points(label) == (title, points)


def test_a_node_citing_several_points_keeps_them_all() -> None:
    graph = parse("graph LR A[Root] --> B[Scaling: sparse\naccess 2,3,4,5]")
    assert graph.node("B").points == (2, 3, 4, 5)
    assert graph.node("A").points == ()
    assert graph.point_links == 1


def test_class_def_may_lack_its_trailing_semicolon() -> None:
    flat = "graph LR classDef a fill:#fff, font-size:14px classDef b fill:#000 A[x 1] --> B[y 2] class A a class B b"
    graph = parse(flat)
    assert [(g.name, g.style) for g in graph.groups] == [
        ("a", "fill:#fff,font-size:14px"),
        ("b", "fill:#000"),
    ]
    assert [n.group for n in graph.nodes] == ["a", "b"]


def test_style_values_may_hold_spaces_when_the_statement_is_terminated() -> None:
    graph = parse("graph LR\nclassDef d stroke-dasharray: 5 5, fill:#fff;\nA:::d")
    assert graph.groups[0].style == "stroke-dasharray:5 5,fill:#fff"
    assert graph.node("A").group == "d"


def test_a_graph_without_class_lines_has_no_groups() -> None:
    graph = parse("graph LR A[Root] --> B[Child 1] B --> C[Grandchild 2]")
    assert graph.groups == ()
    assert {n.group for n in graph.nodes} == {None}


def test_ordinary_mermaid_with_semicolons_newlines_shapes_edges_and_comments() -> None:
    text = """%% a comment before the header
flowchart TB;
    %% the nodes
    A[Square] --> B(Round);  C{Decision} -.-> D((Circle))
    A --- C
    B ==> D
    D -->|yes| A
    C -.- B %% trailing comment
    B === C
    A ---> D
"""
    graph = parse(text)
    assert graph.direction == "TB"
    assert [(n.key, n.shape, n.label) for n in graph.nodes] == [
        ("A", "rect", "Square"),
        ("B", "round", "Round"),
        ("C", "rhombus", "Decision"),
        ("D", "circle", "Circle"),
    ]
    assert [(e.source, e.target, e.style, e.label) for e in graph.edges] == [
        ("A", "B", "arrow", ""),
        ("C", "D", "dotted", ""),
        ("A", "C", "open", ""),
        ("B", "D", "thick", ""),
        ("D", "A", "arrow", "yes"),
        ("C", "B", "dotted_open", ""),
        ("B", "C", "thick_open", ""),
        ("A", "D", "arrow", ""),
    ]


def test_a_bare_node_takes_its_key_as_label_and_a_later_label_wins() -> None:
    graph = parse("graph TD\nA --> B\nB[Named B]\nA --> C")
    assert [(n.key, n.label) for n in graph.nodes] == [
        ("A", "A"),
        ("B", "Named B"),
        ("C", "C"),
    ]


def test_chains_and_br_tags_and_entities_in_labels() -> None:
    graph = parse('graph LR\nA["one<br>two"] --> B[x #9829; y] --> C')
    assert graph.node("A").label == "one\ntwo"
    assert graph.node("B").label == "x \u2665 y"
    assert [(e.source, e.target) for e in graph.edges] == [("A", "B"), ("B", "C")]


# -- malformed input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "expected"),
    [
        (
            "graph LR\nA[unclosed --> B",
            2,
            17,
            "']' to close '[' opened at line 2, column 2",
        ),
        ("graph LR\nA[never closed", 2, 15, "']' to close '['"),
        ("graph LR\nA((circle) --> B", 2, 10, "'))'"),
        ("graph LR\nA --> B\nclass A missing;", 3, 9, "a class defined by classDef"),
        (
            "graph LR\nclassDef c fill:#fff;\nclass Z c;",
            3,
            7,
            "a node defined in the graph",
        ),
        ("graph LR\nA --> B -->", 2, 12, "a node id after '-->'"),
        (
            "graph LR\nA -->|edge text B",
            2,
            18,
            "'|' to close the edge label opened at line 2, column 6",
        ),
        ("graph LR\nA[ ] --> B", 2, 3, "label text for node 'A'"),
        ("A --> B", 1, 1, "'graph' or 'flowchart'"),
        (
            "graph LR\nsubgraph one\nA\nend",
            2,
            1,
            "a node, 'classDef' or 'class' statement",
        ),
        ("graph LR\nclassDef c fill", 2, 16, "':' after style property 'fill'"),
    ],
)
def test_malformed_input_raises_one_error_naming_position_and_expectation(
    text: str, line: int, column: int, expected: str
) -> None:
    with pytest.raises(MermaidSyntaxError) as info:
        parse(text)
    error = info.value
    assert (error.line, error.column) == (line, column), str(error)
    assert expected in error.expected
    assert str(error).startswith(f"line {line}, column {column}: expected ")
    assert isinstance(error, ValueError)


def failing_parse_seconds(text: str) -> float:
    started = time.perf_counter()
    with pytest.raises(MermaidSyntaxError):
        parse(text)
    return time.perf_counter() - started


def garbage(size: int) -> str:
    rng = random.Random(3)
    return "".join(rng.choice('AB[](){}|-.=>%;:, \n"#<') for _ in range(size))


@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [
        garbage,
        lambda n: "-" * n,  # one long would-be arrow
        lambda n: "A" + "-" * n,
        lambda n: "A[" + "x" * n,  # unclosed label
        lambda n: 'A["' + "x" * n,  # unclosed string
        # Hundreds of thousands of tiny statements: 300 kB keeps these quick, the ratio still tells.
        lambda n: "classDef c fill:#fff " + "x " * (n // 6) + "[",  # style lookahead, then nodes
        lambda n: "A-->" * (n // 12),  # a long chain left dangling
    ],
    ids=[
        "garbage",
        "dashes",
        "node-dashes",
        "unclosed-label",
        "unclosed-string",
        "style-words",
        "chain",
    ],
)
def test_megabyte_inputs_fail_with_an_error_in_linear_time(make) -> None:
    # A ratio, not a wall-clock bound, so a busy machine does not fail it: linear work gives ~10x for
    # 10x the input, a quadratic blow-up ~100x. The floor covers inputs rejected within microseconds.
    small = failing_parse_seconds("graph LR\n" + make(100_000))
    large = failing_parse_seconds("graph LR\n" + make(1_000_000))
    assert large < max(30 * small, 0.25), (small, large)


@pytest.mark.slow
def test_a_valid_megabyte_graph_parses_in_linear_time() -> None:
    def flat(n: int) -> str:
        parts = ["graph LR classDef g fill:#fff, font-size:14px; N0[Root]"]
        parts += [
            f"N{i // 2} --> N{i}[Concept number {i}\nwith a second line {i % 30 + 1}]"
            for i in range(1, n)
        ]
        return " ".join(parts) + " class N0,N1 g;"

    small, large = flat(3_000), flat(30_000)
    assert len(large) > 1_000_000
    timings = []
    for text in (small, large):
        started = time.perf_counter()
        graph = parse(text)
        timings.append((time.perf_counter() - started) / len(graph.nodes))
    assert len(graph.nodes) == 30_000 and len(graph.edges) == 29_999
    # Per-node cost at 30,000 nodes within 3x of that at 3,000 (2x in the quiet benchmark).
    assert timings[1] < 3 * timings[0], timings
