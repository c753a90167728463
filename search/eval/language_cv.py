"""Choose ``analyzer.LINGUA_MIN_GAP`` on the development queries only (never the blind set).

``python -m search.eval.language_cv`` prints, for each gap on a grid fixed in advance, the share of
development queries (queries.tsv) whose language is guessed right, overall and with the page's
language set to the other language (the hard case: the hint is wrong), on those queries and their 2- and 3-word prefixes, plus a 5-fold
cross-validated estimate of the procedure "pick the best gap on four folds, score the fifth".
"""

from __future__ import annotations

import dataclasses
import random

from search import analyzer
from search.eval.queries import load_queries

GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8)


def short_forms(queries):
    """Each development query, plus its first two and first three words: short queries are where
    detectors disagree, and readers type them ("memoria externa")."""
    out = []
    for q in queries:
        words = q.text.split()
        out.append(q)
        for n in (2, 3):
            if len(words) > n:
                out.append(dataclasses.replace(q, text=" ".join(words[:n])))
    return out


def accuracy(queries, gap: float) -> float:
    """Share right, each query counted twice: once with the right hint and once with the wrong one."""
    right = 0
    for q in queries:
        other = "es" if q.query_lang == "en" else "en"
        for hint in (q.query_lang, other):
            right += analyzer.guess_language(q.text, hint=hint, min_gap=gap) == q.query_lang
    return right / (2 * len(queries))


def pick(queries) -> float:
    """The best gap on these queries; among tied gaps the middle one (the widest margin either way)."""
    scores = {g: accuracy(queries, g) for g in GRID}
    best = [g for g in GRID if scores[g] == max(scores.values())]
    return best[(len(best) - 1) // 2]


def main() -> None:
    qs = short_forms(load_queries())
    print(f"{len(qs)} development queries and their 2- and 3-word prefixes")
    print(f"function words alone (gap above 1): {accuracy(qs, 1.01):.3f}")
    for g in GRID:
        print(f"gap {g:.1f}: {accuracy(qs, g):.3f}")
    rng = random.Random(0)
    order = list(range(len(qs)))
    scores = []
    for _repeat in range(5):
        rng.shuffle(order)
        folds = [order[i::5] for i in range(5)]
        for k in range(5):
            tune = [qs[i] for j, f in enumerate(folds) if j != k for i in f]
            test = [qs[i] for i in folds[k]]
            scores.append(accuracy(test, pick(tune)))
    print(f"chosen on all development queries: {pick(qs):.1f}")
    print(f"5x5-fold CV estimate: {sum(scores) / len(scores):.3f}")


if __name__ == "__main__":
    main()
