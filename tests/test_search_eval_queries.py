"""The shipped evaluation queries are well-formed, balanced, and paraphrase their targets."""

from __future__ import annotations

import re

import pytest

from search import analyzer
from search.eval.compare_models import load_points
from search.eval.queries import load_queries

QUERIES = load_queries()
POINTS = {(slug, lang, n): body for slug, lang, n, body in load_points()}


def test_there_are_at_least_40_queries_half_in_each_language_a_quarter_cross_language():
    assert len(QUERIES) >= 40
    en = sum(q.query_lang == "en" for q in QUERIES)
    assert en == len(QUERIES) - en
    assert sum(q.cross_language for q in QUERIES) >= len(QUERIES) / 4


def test_every_target_point_exists_in_the_target_language():
    for q in QUERIES:
        assert (q.talk, q.target_lang, q.number) in POINTS, q


def _ngrams(s: str, n: int) -> set[tuple[str, ...]]:
    ws = re.findall(r"\w+", analyzer.fold(s))
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


@pytest.mark.parametrize("q", QUERIES, ids=lambda q: q.text[:40])
def test_queries_paraphrase_rather_than_copy_their_point(q):
    body = POINTS[(q.talk, q.target_lang, q.number)]
    assert not _ngrams(q.text, 4) & _ngrams(body, 4), "shares four consecutive words with its point"


def test_the_language_guesser_reads_every_query_right():
    assert [q for q in QUERIES if analyzer.guess_language(q.text) != q.query_lang] == []
