"""Compare candidate embedders and fusions on search/eval/queries.tsv, without Django or a database.

Reads the bundled corpus files directly (points ``N.-text``), embeds every point with each model,
and scores every query against the points of its target language. Prints top-1, top-3 and MRR per
language pair, encode throughput, and the bilingual alignment share on the Graves talk. This is
the measurement behind the model choice in ``search/README.md``; ``manage.py eval_search`` measures
the shipped pipeline (database, FTS, fusion) the same way.

    .venv/bin/python -m search.eval.compare_models [--models minilm use e5]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from search import analyzer, embedders, ranking
from search.eval.queries import Query, load_queries

_ROOT = Path(__file__).resolve().parents[2]
_CORPUS = _ROOT / "data" / "corpus"
_POINT = re.compile(r"^(\d+)\.-(.*\S)\s*$")


def load_points() -> list[tuple[str, str, int, str]]:
    """(slug, lang, number, text) for every numbered point of every talk in the bundled corpus."""
    manifest = json.loads((_CORPUS / "manifest.json").read_text())["files"]
    out = []
    for name, meta in sorted(manifest.items()):
        if meta.get("kind") == "discussion":
            continue
        for line in (_CORPUS / name).read_text(encoding="utf-8").splitlines():
            m = _POINT.match(line.strip())
            if m:
                out.append((meta["slug"], meta["lang"], int(m.group(1)), m.group(2)))
    return out


def evaluate(rank_fn, queries: list[Query], points) -> dict[str, dict[str, float]]:
    """rank_fn(query_index, candidate_indices) -> candidate indices best first. Metrics per pair."""
    per_pair: dict[str, list[int | None]] = defaultdict(list)
    for qi, q in enumerate(queries):
        cands = [i for i, p in enumerate(points) if p[1] == q.target_lang]
        order = rank_fn(qi, cands)
        rank = next(
            (
                r
                for r, i in enumerate(order, 1)
                if points[i][0] == q.talk and points[i][2] == q.number
            ),
            None,
        )
        per_pair[q.pair].append(rank)
        per_pair["all"].append(rank)
    return {pair: ranking.summarise(ranks) for pair, ranks in per_pair.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["minilm", "use"], help="embedders to compare")
    args = ap.parse_args(argv)

    points = load_points()
    queries = load_queries()
    ptexts = [p[3] for p in points]
    plangs = np.array([p[1] for p in points])
    qlangs = np.array([q.query_lang for q in queries])

    sims: dict[str, np.ndarray] = {}
    for name in args.models:
        emb = embedders.get(name)
        emb.encode(["warm up"], kind="query")
        t0 = time.perf_counter()
        pv = emb.encode(ptexts, kind="passage")
        dt_p = time.perf_counter() - t0
        t0 = time.perf_counter()
        qv = np.vstack([emb.encode([q.text], kind="query") for q in queries])
        dt_q = (time.perf_counter() - t0) / len(queries)
        sims[name] = qv @ pv.T  # [n_queries, n_points]
        print(
            f"{name}: passages {len(ptexts) / dt_p:.0f}/s (batched), one query {dt_q * 1000:.1f} ms"
        )

    bm25 = ranking.BM25([analyzer.terms(t) for t in ptexts])
    lex = np.vstack([bm25.scores(analyzer.query_terms(q.text)) for q in queries])
    same = qlangs[:, None] == plangs[None, :]  # [n_queries, n_points]

    def by(scores: np.ndarray):
        return lambda qi, cands: sorted(cands, key=lambda i: -scores[qi, i])

    results = {name: evaluate(by(s), queries, points) for name, s in sims.items()}
    results["lexical"] = evaluate(by(lex), queries, points)
    lexn = ranking.normalise_lexical(lex)
    if "minilm" in sims and "use" in sims:
        for w_mono, w_lex in [
            (0.5, 0.0),
            (0.5, 0.2),
            (0.5, 0.3),
            (0.7, 0.3),
            (1.0, 0.3),
            (0.5, 0.5),
        ]:
            fused = sims["use"] + np.where(same, w_mono * sims["minilm"], 0.0) + w_lex * lexn
            results[f"use+{w_mono}*minilm(same)+{w_lex}*lex"] = evaluate(by(fused), queries, points)
        for name, lists in {
            "rrf(use,minilm-same,lex)": [
                sims["use"],
                np.where(same, sims["minilm"], -9),
                lex,
            ],
            "rrf(use,minilm,lex)": [sims["use"], sims["minilm"], lex],
            "rrf(use,lex)": [sims["use"], lex],
        }.items():
            results[name] = evaluate(by(ranking.rrf_matrix(lists)), queries, points)
    for name, sim in sims.items():
        if name == "minilm":
            continue
        for w_lex in (0.2, 0.3):
            results[f"{name}+{w_lex}*lex"] = evaluate(by(sim + w_lex * lexn), queries, points)

    pairs = ["en->en", "es->es", "en->es", "es->en", "all"]
    print(f"\n{'ranking':44s} " + " ".join(f"{p:>17s}" for p in pairs))
    print(f"{'':44s} " + " ".join(f"{'top1 top3  MRR':>17s}" for _ in pairs))
    for name, res in results.items():
        cells = [f"{res[p]['top1']:.2f} {res[p]['top3']:.2f} {res[p]['mrr']:.2f}" for p in pairs]
        print(f"{name:44s} " + " ".join(f"{c:>17s}" for c in cells))

    # Bilingual alignment: Graves ES point -> nearest Graves EN point, same number?
    graves = "alex-graves-iclr-2017"
    es_idx = [i for i, p in enumerate(points) if p[0] == graves and p[1] == "es"]
    en_idx = [i for i, p in enumerate(points) if p[0] == graves and p[1] == "en"]
    for name in sims:
        pv = embedders.get(name).encode(ptexts, kind="passage")
        s = pv[es_idx] @ pv[en_idx].T
        share = np.mean(
            [points[en_idx[j]][2] == points[i][2] for i, j in zip(es_idx, s.argmax(1), strict=True)]
        )
        print(f"alignment {name}: {share:.2f} of Graves ES points have their EN twin as nearest")


if __name__ == "__main__":
    main()
