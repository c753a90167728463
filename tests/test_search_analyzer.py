"""search.analyzer: folding, lexical terms, language guessing and highlighting (no database)."""

from __future__ import annotations

import pytest

from search import analyzer


def test_fold_strips_accents_and_case():
    assert analyzer.fold("Computación ÁRBOL Ñandú") == "computacion arbol nandu"


def test_terms_drop_stopwords_and_meet_across_languages():
    assert analyzer.terms("the memory of the network") == ["memor", "netwo"]
    # Cognates share their prefix term, so an English query can match a Spanish point lexically.
    assert set(analyzer.terms("memoria externa")) == set(analyzer.terms("external memory"))


def test_query_terms_are_distinct_and_ordered():
    assert analyzer.query_terms("memory, Memory and MEMORIA networks") == ["memor", "netwo"]


def test_it_guesses_the_language_of_short_queries():
    assert analyzer.guess_language("¿cómo se entrena un optimizador aprendido?") == "es"
    assert analyzer.guess_language("memoria externa para redes neuronales") == "es"
    assert analyzer.guess_language("how does a network decide how long to think?") == "en"
    assert analyzer.guess_language("WaveNet", hint="es") == "es"  # no evidence: the page's language
    assert analyzer.guess_language("WaveNet", hint="en") == "en"


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("memoria externa", "es"),  # no function word: the old stop-word count read it as English
        ("gradientes sintéticos", "es"),
        ("aprendizaje por refuerzo", "es"),
        ("redes LSTM", "es"),  # the acronym is set aside, "redes" decides
        ("synthetic gradients", "en"),
        ("learned optimizers", "en"),
    ],
)
def test_two_word_queries_get_their_language_whatever_the_page_language(query, lang):
    for hint in ("en", "es"):
        assert analyzer.guess_language(query, hint=hint) == lang


def test_names_and_acronyms_alone_leave_the_choice_to_the_page():
    assert analyzer.lingua_confidence("WaveNet LSTM DMLab-30 VeLO") == {}
    for hint in ("en", "es"):
        assert analyzer.guess_language("DMLab-30 VeLO", hint=hint) == hint


def test_an_unsure_detector_defers_to_function_words():
    # With the gap set above 1 lingua never decides; the function words still read "de" as Spanish.
    assert analyzer.guess_language("memoria de redes", hint="en", min_gap=1.01) == "es"
    assert analyzer.guess_language("memoria externa", hint="en", min_gap=1.01) == "en"


def test_highlight_escapes_html_and_marks_matching_words():
    out = analyzer.highlight("External <b>memory</b> & networks", "memoria de redes")
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert "<mark>memory</mark>" in out
    assert "&amp;" in out


def test_highlight_keeps_the_first_match_in_view_when_trimming():
    body = "word " * 200 + "WaveNet rocks"
    out = analyzer.highlight(body, "wavenet", max_chars=80)
    assert "<mark>WaveNet</mark>" in out
    assert out.startswith("…")


def test_matched_words_lists_each_word_once_as_written():
    words = analyzer.matched_words("redes neuronales", "Redes neuronales y más redes Neuronales")
    assert words == ["Redes", "neuronales"]


def test_acronyms_are_read_from_their_definitions_in_either_language():
    found = analyzer.acronyms(
        [
            "Back-propagation through time (BPTT) has issues for RNNs.",
            "We use Adaptive Computation Time (ACT) here. Differentiable Neural Computers (DNCs) too.",
            "La retropropagación a través del tiempo (BPTT) tiene problemas.",
        ]
    )
    assert found == {
        "BPTT": "Back-propagation through time",
        "ACT": "Adaptive Computation Time",
        "DNC": "Differentiable Neural Computers",
    }
    # A translation keeps the English short form: the Spanish run of words is the long form.
    assert analyzer.acronyms(
        ["Las Computadoras Neuronales Diferenciables (DNCs) son un ejemplo."]
    ) == {"DNC": "Computadoras Neuronales Diferenciables"}
    assert analyzer.acronyms(["No definitions (here) or (x) at all."]) == {}


def test_expand_acronyms_adds_the_long_form_once_and_leaves_definitions_alone():
    known = {
        "BPTT": "Back-propagation through time",
        "DNC": "Differentiable Neural Computers",
    }
    assert (
        analyzer.expand_acronyms("Truncated BPTT misses long-range BPTT effects.", known)
        == "Truncated BPTT (Back-propagation through time) misses long-range BPTT effects."
    )
    assert analyzer.expand_acronyms("DNCs passed 18/20 tasks.", known).startswith(
        "DNCs (Differentiable Neural Computers) passed"
    )
    defining = "Back-propagation through time (BPTT) is costly."
    assert analyzer.expand_acronyms(defining, known) == defining
    assert analyzer.expand_acronyms("SUBPTTX is not BPTT's cousin", {"XY": "x y"}) == (
        "SUBPTTX is not BPTT's cousin"
    )
