"""Property tests (Hypothesis): canonical Mermaid round-trips, and the flattened export parses alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphs.mermaid import (
    _KEYWORDS,
    EDGE_STYLES,
    SHAPES,
    Edge,
    Graph,
    Group,
    Node,
    parse,
    serialise,
)

keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,4}", fullmatch=True).filter(
    lambda k: k not in _KEYWORDS
)
names = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,6}", fullmatch=True).filter(
    lambda k: k not in _KEYWORDS
)
# Any text but NUL and surrogates, trimmed as the parser trims labels: quotes, '#', '<br>', '|', ']'…
labels = (
    st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
style_words = st.from_regex(r"[a-z0-9.%#]{1,6}", fullmatch=True).filter(
    lambda w: w not in _KEYWORDS
)
declarations = st.builds(
    lambda prop, first, more: f"{prop}:{' '.join([first, *more])}",
    st.from_regex(r"[a-z][a-z-]{0,8}", fullmatch=True),
    st.from_regex(r"[#a-z0-9.%()]{1,8}", fullmatch=True),
    st.lists(style_words, max_size=2),
)
groups = st.builds(Group, names, st.lists(declarations, min_size=1, max_size=3).map(",".join))


@st.composite
def graphs(draw: st.DrawFn, label_strategy: st.SearchStrategy[str] = labels) -> Graph:
    node_keys = draw(st.lists(keys, max_size=8, unique=True))
    group_list = draw(st.lists(groups, max_size=4, unique_by=lambda g: g.name))
    group_names = [g.name for g in group_list]
    group_choice = st.none() | st.sampled_from(group_names) if group_names else st.none()
    nodes = tuple(
        Node(
            key,
            draw(label_strategy),
            draw(st.sampled_from(list(SHAPES))),
            draw(group_choice),
        )
        for key in node_keys
    )
    edges: tuple[Edge, ...] = ()
    if node_keys:
        ends = st.sampled_from(node_keys)
        edge = st.builds(
            Edge,
            ends,
            ends,
            st.just("") | label_strategy,
            st.sampled_from(list(EDGE_STYLES)),
        )
        edges = tuple(draw(st.lists(edge, max_size=10)))
    direction = draw(st.sampled_from(["LR", "TD", "TB", "RL", "BT"]))
    return Graph(direction, nodes, edges, tuple(group_list))


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(graphs())
def test_parsing_the_canonical_form_gives_the_same_graph(graph: Graph) -> None:
    assert parse(serialise(graph)) == graph


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(graphs())
def test_the_canonical_form_is_a_fixed_point_with_one_statement_per_line(
    graph: Graph,
) -> None:
    text = serialise(graph)
    assert serialise(parse(text)) == text
    expected_lines = 1 + len(graph.groups) + len(graph.nodes) + len(graph.edges)
    expected_lines += len({n.group for n in graph.nodes if n.group})
    assert text.count("\n") == expected_lines


# Labels as the Knowledge Vault export writes them: unquoted, with raw newlines and point numbers.
flat_labels = st.builds(
    lambda words, points: " ".join(words) + (f" {','.join(map(str, points))}" if points else ""),
    st.lists(
        st.from_regex(r"[A-Za-záéíóúñ:'./\n-]{1,8}", fullmatch=True).map(str.strip).filter(bool),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.integers(1, 30), max_size=3, unique=True),
)


def flatten(graph: Graph) -> str:
    """Write ``graph`` the way the corpus does: one line, spaces between statements, no ';' after classDef."""
    parts = [f"graph {graph.direction}"]
    # Like the corpus, "classDef … 14px;" sometimes lacks its ';' (only safe when no value has spaces).
    parts += [
        f"classDef {g.name} {g.style.replace(',', ', ')}{';' if ' ' in g.style else ''}"
        for g in graph.groups
    ]
    defined: set[str] = set()

    def ref(key: str) -> str:
        if key in defined:
            return key
        defined.add(key)
        node = graph.node(key)
        opener, closer = SHAPES[node.shape]
        return f"{key}{opener}{node.label}{closer}"

    for edge in graph.edges:
        text = f"|{edge.label}|" if edge.label else ""
        parts.append(f"{ref(edge.source)} {EDGE_STYLES[edge.style]}{text} {ref(edge.target)}")
    parts += [ref(n.key) for n in graph.nodes if n.key not in defined]
    for group in graph.groups:
        members = [n.key for n in graph.nodes if n.group == group.name]
        if members:
            parts.append(f"class {','.join(members)} {group.name};")
    return " ".join(parts)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(graphs(flat_labels))
def test_the_flattened_export_parses_to_the_same_graph(graph: Graph) -> None:
    parsed = parse(flatten(graph))
    # Node order in the flattened text follows first mention, so compare as sets and by key.
    assert {n.key: n for n in parsed.nodes} == {n.key: n for n in graph.nodes}
    assert parsed.edges == graph.edges
    assert parsed.groups == graph.groups
    assert [n.points for n in parsed.nodes] == [parsed.node(n.key).points for n in parsed.nodes]
