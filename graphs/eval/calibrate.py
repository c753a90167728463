"""Choose the concept-linking threshold on the labelled pairs, and report it honestly.

    .venv/bin/python -m graphs.eval.calibrate [--min-precision 0.9] [--folds 5]

Reads ``graphs/eval/pairs.tsv`` (see its README), recomputes each pair's similarity from the database
(``graphs.concepts.collect``: run ``make setup`` first), then:

1. on the ``dev`` pairs, ``--folds``-fold cross-validation of the rule "the lowest threshold whose
   precision on the other folds reaches ``--min-precision``" (the highest recall that keeps
   precision): the pooled precision and recall over the held-out folds estimate what the rule gives;
2. the rule applied to all ``dev`` pairs gives the threshold;
3. precision and recall of that threshold on the ``test`` pairs, read only here.

Recall is over the labelled candidates (each item's 10 nearest neighbours), not over every pair of
the vault. The pure functions have no Django import; ``main`` sets Django up.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

PAIRS = Path(__file__).with_name("pairs.tsv")


def precision_recall(sims: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float]:
    """Precision and recall of "same when sim >= threshold" (precision 1.0 when nothing is linked)."""
    predicted = sims >= threshold
    tp = int((predicted & (labels == 1)).sum())
    fp = int((predicted & (labels == 0)).sum())
    positives = int((labels == 1).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 1.0
    return precision, recall


def choose_threshold(sims: np.ndarray, labels: np.ndarray, min_precision: float) -> float:
    """The lowest threshold (among the similarities seen) whose precision reaches ``min_precision``;
    failing that, the one with the best precision. Links nothing (+inf) when no pair is positive."""
    if not (labels == 1).any():
        return float("inf")
    best, best_precision = float("inf"), -1.0
    for t in sorted(set(sims.tolist())):
        precision, _recall = precision_recall(sims, labels, t)
        if precision >= min_precision:
            return float(t)
        if precision > best_precision:
            best, best_precision = float(t), precision
    return best


def cross_validate(
    sims: np.ndarray, labels: np.ndarray, min_precision: float, folds: int, seed: int = 0
) -> dict:
    """Pooled held-out precision/recall of ``choose_threshold`` over ``folds`` stratified folds."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(sims), dtype=int)
    for value in (0, 1):  # stratified: each fold gets its share of the few positives
        idx = rng.permutation(np.flatnonzero(labels == value))
        fold[idx] = np.arange(len(idx)) % folds
    tp = fp = fn = 0
    thresholds = []
    for k in range(folds):
        train, held = fold != k, fold == k
        t = choose_threshold(sims[train], labels[train], min_precision)
        thresholds.append(t)
        predicted = sims[held] >= t
        tp += int((predicted & (labels[held] == 1)).sum())
        fp += int((predicted & (labels[held] == 0)).sum())
        fn += int((~predicted & (labels[held] == 1)).sum())
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "thresholds": thresholds,
    }


def read_pairs(path: Path = PAIRS) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _item_key(row: dict, side: str) -> tuple:
    return (
        row[f"talk_{side}"],
        row[f"kind_{side}"],
        row[f"lang_{side}"],
        int(row[f"number_{side}"]),
        row[f"key_{side}"],
    )


def similarities(rows: list[dict], variant: str = "linking") -> np.ndarray:
    """Each labelled pair's score under ``variant``, from the database: ``linking`` (what
    ``graphs.linking`` links on: the mean cosine plus the acronym bonus), ``mean``, ``use``, ``e5``."""
    from graphs import concepts, linking

    items, vectors, _ids = concepts.collect()
    where = {(it.talk, it.kind, it.lang, it.number, it.key): i for i, it in enumerate(items)}
    if variant in ("mean", "linking"):
        vecs = vectors
    else:  # the combined vector is [use | e5] / sqrt(2): undo it for one model
        part = vectors[:, :512] if variant == "use" else vectors[:, 512:]
        vecs = part / np.linalg.norm(part, axis=1, keepdims=True)
    out = np.empty(len(rows))
    for n, row in enumerate(rows):
        a, b = where[_item_key(row, "a")], where[_item_key(row, "b")]
        out[n] = float(vecs[a] @ vecs[b])
    if variant == "linking":
        acr = linking.unit_acronyms(items)
        pairs = np.array([[where[_item_key(r, "a")], where[_item_key(r, "b")]] for r in rows])
        out = linking.scores(pairs.reshape(-1, 2), out, acr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-precision", type=float, default=0.9, help="precision to keep")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on dev")
    parser.add_argument(
        "--dev-only", action="store_true", help="do not read the test split (for deciding a change)"
    )
    args = parser.parse_args(argv)
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vault.settings")
    django.setup()
    rows = read_pairs()
    labels = np.array([int(r["same"]) for r in rows])
    dev = np.array([r["split"] == "dev" for r in rows])
    report: dict = {"pairs": len(rows), "dev": int(dev.sum()), "test": int((~dev).sum())}
    print(f"{'signal':<6} {'cv P':>6} {'cv R':>6} {'threshold':>9} {'test P':>7} {'test R':>7}")
    for variant in ("use", "e5", "mean", "linking"):
        sims = similarities(rows, variant)
        cv = cross_validate(sims[dev], labels[dev], args.min_precision, args.folds)
        t = choose_threshold(sims[dev], labels[dev], args.min_precision)
        report[variant] = {"cv": cv, "threshold": t}
        if variant == "linking" and not args.dev_only:  # the only score read on test
            p, r = precision_recall(sims[~dev], labels[~dev], t)
            report[variant]["test"] = {"precision": p, "recall": r}
            print(
                f"{variant:<6} {cv['precision']:6.3f} {cv['recall']:6.3f} {t:9.4f} {p:7.3f} {r:7.3f}"
            )
        else:
            print(
                f"{variant:<6} {cv['precision']:6.3f} {cv['recall']:6.3f} {t:9.4f} {'-':>7} {'-':>7}"
            )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
