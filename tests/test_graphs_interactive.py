"""networkx -> vis-network layer: the interactive view's data, the standalone HTML, metrics and exports."""

from __future__ import annotations

import gc
import json
import re
import time

import networkx as nx

from graphs import analysis, interactive, mermaid
from tests.test_graphs_mermaid import corpus_graph

VIS_URL = "/static/vendor/vis-network/vis-network.min.js"


def graves() -> mermaid.Graph:
    return mermaid.parse(corpus_graph("003"))


def fills(graph: mermaid.Graph) -> dict[str, str]:
    return {g.name: g.style.split(",")[0].split(":")[1] for g in graph.groups}


def test_nodes_are_coloured_by_group_and_sized_by_degree() -> None:
    graph = graves()
    g = analysis.to_networkx(graph)
    payload = interactive.network_payload(interactive.build_network(g, fills(graph)))
    nodes = {n["id"]: n for n in payload["nodes"]}
    assert len(nodes) == 31 and len(payload["edges"]) == 30
    assert nodes["B"]["color"]["background"] == "#f9d4d4"  # rnn
    assert nodes["E"]["color"]["background"] == "#d4f9d4"  # external
    assert nodes["A"]["size"] > nodes["E"]["size"] > nodes["F"]["size"]  # degree 7 > 4 > 1
    assert (nodes["B"]["points"], nodes["B"]["category"]) == ([1], "rnn")
    assert payload["edges"][0] == {"from": "A", "to": "B", "arrows": "to"}
    assert payload["options"]["physics"]["stabilization"]["enabled"] is True
    json.dumps(payload)  # JSON-ready for json_script


def test_unsafe_classdef_colours_fall_back_to_the_default() -> None:
    assert interactive.safe_colour("#abc") == "#abc"
    assert interactive.safe_colour("red") == "red"
    assert interactive.safe_colour("red;background:url(x)") == interactive.DEFAULT_FILL
    assert interactive.safe_colour("") == interactive.DEFAULT_FILL


def test_standalone_html_has_no_cdn_and_loads_the_vendored_vis_network() -> None:
    graph = graves()
    html = interactive.standalone_html(
        interactive.build_network(analysis.to_networkx(graph), fills(graph)), VIS_URL
    )
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert f'<script src="{VIS_URL}"></script>' in html
    assert "new vis.Network" in html and '"id": "AE"' in html


def test_building_the_view_grows_linearly_with_the_graph() -> None:
    def tree(n: int) -> nx.DiGraph:
        g = nx.DiGraph()
        for i in range(n):
            g.add_node(f"N{i}", title=f"concept {i}", group="", points=[])
            if i:
                g.add_edge(f"N{(i - 1) // 4}", f"N{i}", label="")
        return g

    timings = []
    for n in (1_000, 5_000):
        g = tree(n)
        gc.collect()
        gc.disable()  # keep collector pauses out of a ratio measured on a shared machine
        try:
            started = time.perf_counter()
            interactive.build_network(g)
            timings.append(time.perf_counter() - started)
        finally:
            gc.enable()
    # 5x the nodes: linear ~5x; a list scan per add (as pyvis did) would be ~25x.
    assert timings[1] < max(12 * timings[0], 0.3), timings


def test_centrality_ranks_concepts_not_the_talk_root() -> None:
    metrics = analysis.centrality(analysis.to_networkx(graves()))
    assert [m["key"] for m in metrics["betweenness"]][:1] == ["E"]
    assert "A" not in [m["key"] for m in metrics["betweenness"] + metrics["degree"]]
    assert metrics["degree"][0]["score"] == 4
    assert len(metrics["betweenness"]) == analysis.TOP_CONCEPTS


def test_graphml_and_node_link_round_trip_through_networkx(tmp_path) -> None:
    g = analysis.to_networkx(graves())
    path = tmp_path / "g.graphml"
    path.write_bytes(analysis.graphml(g))
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == 31 and back.number_of_edges() == 30
    assert back.nodes["B"]["points"] == "1" and back.nodes["B"]["group"] == "rnn"
    data = json.loads(analysis.node_link_json(g))
    again = nx.node_link_graph(data, edges="links")
    assert set(again.edges) == set(g.edges)
