"""The vault-wide concept map: normalised label matching across talks, and the summary at scale."""

from __future__ import annotations

from graphs import concept_map
from graphs.mermaid import parse
from tests.test_graphs_mermaid import corpus_graph


def corpus_talks() -> list[concept_map.TalkConcepts]:
    talks = []
    for prefix, slug in (("003", "graves"), ("004", "kavukcuoglu")):
        graph = parse(corpus_graph(prefix))
        talks.append(
            concept_map.TalkConcepts(
                slug, slug, nodes=[(n.title, n.group or "") for n in graph.nodes]
            )
        )
    talks.append(concept_map.TalkConcepts("dnc-discussion", "DNC scaling", subject="dnc"))
    return talks


def test_normalise_folds_case_accents_and_plurals() -> None:
    assert concept_map.normalise("DNCs") == concept_map.normalise("dnc") == "dnc"
    assert concept_map.normalise("Generalización") == "generalizacion"
    assert concept_map.normalise("External  Memory") == "external memory"
    assert concept_map.normalise("class") == "class"  # 'ss' is not a plural


def test_concept_terms_take_the_head_acronyms_and_group() -> None:
    assert concept_map.concept_terms(
        "DNCs: sophisticated memory\naccess mechanisms", "external"
    ) == {
        "dnc",
        "external",
    }
    assert concept_map.concept_terms("Early examples: NTM,\nMemNets, NMT", "") == {
        "early example",
        "ntm",
        "nmt",
    }
    assert "wage" in concept_map.concept_terms(
        "WAGE: pesos, activaciones,\ngradientes, errores.", "Integer"
    )
    assert concept_map.concept_terms("A very long clause that is not a term: detail", "") == set()


def test_dnc_links_graves_and_the_discussion_and_kavukcuoglu_keeps_its_concepts() -> None:
    g, users = concept_map.build(corpus_talks())
    assert users["dnc"] == {"graves", "dnc-discussion"}
    assert {"wavenet", "impala", "wage", "spiral"} <= {
        t for t, s in users.items() if s == {"kavukcuoglu"}
    }
    summary = concept_map.summarise(g, users)
    assert [c["term"] for c in summary["shared"]] == ["dnc"]
    ids = {n["id"] for n in summary["nodes"]}
    assert {
        "talk:graves",
        "talk:kavukcuoglu",
        "talk:dnc-discussion",
        "concept:dnc",
        "concept:wavenet",
    } <= ids
    edges = {(e["from"], e["to"]) for e in summary["edges"]} | {
        (e["to"], e["from"]) for e in summary["edges"]
    }
    assert ("talk:dnc-discussion", "concept:dnc") in edges and (
        "talk:graves",
        "concept:dnc",
    ) in edges


def test_a_thousand_talks_are_summarised_not_drawn_raw() -> None:
    talks = [
        concept_map.TalkConcepts(
            f"t{t}",
            f"Talk {t}",
            nodes=[(f"Idea{(t * 7 + c) % 400}: detail", "") for c in range(30)],
        )
        for t in range(1_000)
    ]
    g, users = concept_map.build(talks)
    summary = concept_map.summarise(g, users)
    assert summary["totals"]["talks"] == 1_000
    assert summary["totals"]["all_nodes"] == 1_400
    talk_nodes = [n for n in summary["nodes"] if n["kind"] == "talk"]
    concept_nodes = [n for n in summary["nodes"] if n["kind"] == "concept"]
    assert (
        len(talk_nodes) <= concept_map.MAX_TALK_NODES
        and len(concept_nodes) <= concept_map.MAX_SHARED_CONCEPTS
    )
    assert all(n["talks"] >= 2 for n in concept_nodes)  # only shared concepts at this scale
    counts = [len(users[c["term"]]) for c in summary["shared"]]
    assert counts == sorted(counts, reverse=True)  # most shared first
