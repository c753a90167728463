"""Concept linking by meaning (graphs/linking.py) and its calibration (graphs/eval/calibrate.py),
on hand-made vectors: no database, no model."""

from __future__ import annotations

import numpy as np
import pytest

from graphs import linking
from graphs.eval import calibrate


def unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def item(talk: str, number: int, text: str = "", lang: str = "en", kind: str = "point", key=""):
    return linking.Item(talk, kind, lang, number, text or f"{talk} {number}", key)


def test_neighbours_exclude_the_row_itself() -> None:
    rng = np.random.default_rng(0)
    vecs = np.vstack([unit(rng.normal(size=8)) for _ in range(20)])
    idx, sim = linking.neighbours(vecs, k=3)
    assert idx.shape == (20, 3)
    assert not (idx == np.arange(20)[:, None]).any()
    exact = vecs @ vecs.T
    np.fill_diagonal(exact, -np.inf)
    assert np.allclose(np.sort(sim, axis=1)[:, ::-1], -np.sort(-exact, axis=1)[:, :3], atol=1e-5)


def test_the_inverted_file_path_finds_the_exact_neighbours_on_clustered_data() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(50, 32))
    vecs = np.vstack([unit(centres[i % 50] + 0.05 * rng.normal(size=32)) for i in range(1000)])
    exact, _ = linking.neighbours(vecs, k=5, ann_threshold=10**9)
    approx, _ = linking.neighbours(vecs, k=5, ann_threshold=10)
    hits = np.mean([len(set(a) & set(e)) / 5 for a, e in zip(approx, exact, strict=True)])
    assert hits > 0.95


def test_fewer_rows_than_neighbours_leave_the_rest_empty() -> None:
    idx, sim = linking.neighbours(np.vstack([unit([1, 0]), unit([0, 1])]), k=4)
    assert (idx[:, 0] == [1, 0]).all() and (idx[:, 1:] == -1).all()
    assert np.isneginf(sim[:, 1:]).all()


def test_candidate_pairs_are_distinct_and_never_within_one_talk() -> None:
    items = [item("a", 1), item("a", 2), item("b", 1), item("b", 2)]
    vecs = np.vstack([unit([1, 0.1]), unit([1, 0.12]), unit([1, 0.11]), unit([0, 1])])
    pairs, sims, examined = linking.candidate_pairs(items, vecs, k=3)
    assert examined == 4 * 3
    talks = [(items[i].talk, items[j].talk) for i, j in pairs]
    assert all(x != y for x, y in talks)
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len(sims) == len(pairs)


def test_close_points_of_two_talks_form_one_concept_and_far_ones_none() -> None:
    items = [item("a", 1), item("b", 7), item("c", 3)]
    vecs = np.vstack([unit([1, 0, 0]), unit([0.99, 0.1, 0]), unit([0, 0, 1])])
    result = linking.link(items, vecs, threshold=0.9)
    assert len(result.concepts) == 1
    assert {items[i].talk for i in result.concepts[0].members} == {"a", "b"}
    assert result.links == 1


def test_one_point_in_two_languages_and_its_node_join_the_same_concept() -> None:
    items = [
        item("a", 4, "External memory", "en"),
        item("a", 4, "Memoria externa", "es"),
        item("a", 4, "External memory", "en", kind="node", key="E"),
        item("b", 2, "memory for networks", "en"),
    ]
    # Only the English text is close to talk b; the Spanish text and the node come with it.
    vecs = np.vstack([unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0, 1]), unit([1, 0.05, 0])])
    (concept,) = linking.link(items, vecs, threshold=0.9).concepts
    assert concept.members == [0, 1, 2, 3]
    assert set(concept.labels) == {"en", "es"}
    assert concept.labels["en"] == "External memory"  # a node title before a point text


def test_a_shared_specific_acronym_links_what_the_vectors_keep_apart() -> None:
    items = [item("a", 1, "Los DNCs acceden a la memoria"), item("b", 1, "the DNC scales")]
    vecs = np.vstack([unit([1, 0.3]), unit([0.3, 1])])  # cosine 0.55
    assert linking.link(items, vecs, threshold=0.67).concepts
    generic = [item("a", 1, "La IA avanza"), item("b", 1, "AI moves fast")]
    assert not linking.link(generic, vecs, threshold=0.67).concepts


def test_acronyms_are_singular_and_skip_the_generic_ones() -> None:
    assert linking.acronyms("Los DNCs y el LSTM, según la IA y el ML") == {"DNC", "LSTM"}
    assert linking.acronyms("Reinforcement learning (RL) in 3D") == {"RL"}


def test_short_labels_cut_at_a_word_with_an_ellipsis() -> None:
    assert linking.short_label("two\nlines") == "two lines"
    cut = linking.short_label("word " * 30, limit=22)
    assert cut.endswith("…") and len(cut) <= 23 and "  " not in cut


def test_the_threshold_is_the_lowest_that_keeps_the_precision() -> None:
    sims = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    labels = np.array([1, 1, 0, 1, 0])
    assert calibrate.choose_threshold(sims, labels, 0.9) == pytest.approx(0.8)
    assert calibrate.choose_threshold(sims, labels, 0.7) == pytest.approx(0.6)
    assert calibrate.precision_recall(sims, labels, 0.6) == (pytest.approx(0.75), 1.0)
    assert calibrate.choose_threshold(sims, np.zeros(5, int), 0.9) == float("inf")


def test_cross_validation_pools_the_held_out_folds() -> None:
    rng = np.random.default_rng(3)
    labels = np.array([1] * 20 + [0] * 80)
    sims = np.where(labels == 1, 0.8, 0.4) + 0.05 * rng.normal(size=100)
    cv = calibrate.cross_validate(sims, labels, 0.9, folds=5)
    assert len(cv["thresholds"]) == 5
    assert cv["precision"] >= 0.9 and cv["recall"] >= 0.9


def test_the_labelled_pairs_are_enough_and_split_once() -> None:
    rows = calibrate.read_pairs()
    assert len(rows) >= 150
    assert {r["same"] for r in rows} == {"0", "1"}
    assert {r["split"] for r in rows} == {"dev", "test"}
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["talk_a"] != r["talk_b"] for r in rows)


def test_a_spelled_out_expansion_names_its_acronym_in_either_language() -> None:
    assert linking.acronyms("Reinforcement learning especially needs guidance") == {"RL"}
    assert linking.acronyms("El aprendizaje por refuerzo profundo") == {"RL"}
    assert linking.acronyms("a differentiable neural computer, or DNCs") == {"DNC"}
    assert linking.acronyms("las computadoras neuronales diferenciables") == {"DNC"}
    assert linking.acronyms("Redes neuronales recurrentes") == {"RNN"}
    # Neither a near miss nor a generic acronym's expansion counts.
    assert linking.acronyms("learning to reinforce a habit; machine learning") == frozenset()
