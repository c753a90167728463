"""``manage.py eval_search``: retrieval quality of the shipped pipeline on search/eval/queries.tsv.

Each query searches the points of its target language only (``lang=en|es``), so the cross-language
pairs are measured strictly: the twin in the query's own language cannot answer for it. The query's
language is guessed, as on the site. Prints top-1, top-3 and MRR per language pair, the same with
``lang=any``, and the bilingual alignment share on the Graves talk.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from search import analyzer, embedders, ranking
from search.engine import SearchParams, search
from search.eval.queries import QUERIES_TSV, GradedQuery, load_blind, load_queries
from search.models import IndexEntry

ALIGNMENT_TALK = "alex-graves-iclr-2017"
PAIRS = ("en->en", "es->es", "en->es", "es->en")


class Command(BaseCommand):
    help = (
        "Measure top-1, top-3, MRR and nDCG@10 per language pair on the development queries, "
        "the blind set (--blind) and the cross-validated estimate (--cv)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--queries",
            type=Path,
            default=None,
            help="TSV of queries (default: the 80 development queries; with --blind the blind set)",
        )
        parser.add_argument(
            "--blind",
            action="store_true",
            help="the blind set (search/eval/blind.tsv, graded): report it once, at the end",
        )
        parser.add_argument(
            "--cv",
            action="store_true",
            help="also the 5x4-fold cross-validated estimate of the fusion procedure (about a minute)",
        )
        parser.add_argument(
            "--k",
            type=int,
            default=10,
            help="results fetched per query (ranks beyond: a miss)",
        )
        parser.add_argument(
            "--misses",
            action="store_true",
            help="also list the queries not answered in the top 3",
        )

    def handle(self, *args, queries, blind: bool, cv: bool, k: int, misses: bool, **options):
        if not IndexEntry.objects.exists():
            raise CommandError(
                "the search index is empty: run `manage.py rebuild_search_index` first"
            )
        if cv:
            self.cross_validated()
        name = "blind set" if blind else "development queries"
        if queries is not None:
            qs = load_blind(queries) if blind else load_queries(queries)
        else:
            qs = load_blind() if blind else load_queries(QUERIES_TSV)
        strict: dict[str, list] = defaultdict(list)
        anyl: dict[str, list] = defaultdict(list)
        detected = 0
        for q in qs:
            detected += analyzer.guess_language(q.text) == q.query_lang
            grades = q.grades() if isinstance(q, GradedQuery) else {q.number: 2}
            for lang, store in ((q.target_lang, strict), ("any", anyl)):
                result = search(SearchParams(q=q.text, lang=lang, k=k))
                got = [
                    grades.get(h.point.number, 0) if h.talk.slug == q.talk else 0
                    for h in result.hits
                ]
                rank = next((i for i, g in enumerate(got, 1) if g == 2), None)
                ndcg = ranking.ndcg_at_k(got, list(grades.values()), k=10)
                store[q.pair].append((rank, ndcg))
                if lang != "any" and misses and (rank is None or rank > 3):
                    self.stdout.write(
                        f"  miss ({q.pair}, rank {rank}): {q.text} -> {q.talk} #{q.number}"
                    )
        self.stdout.write(
            f"{name}: {len(qs)} queries; query language guessed right for {detected}/{len(qs)}"
        )
        for title, store in (
            ("restricted to the target language", strict),
            ("lang=any", anyl),
        ):
            self.stdout.write(f"\n{title}:")
            self.stdout.write(
                f"  {'pair':8s} {'n':>3s} {'top-1':>6s} {'top-3':>6s} {'MRR':>6s} {'nDCG10':>6s}"
            )
            groups = {p: store[p] for p in PAIRS}
            groups["same"] = store["en->en"] + store["es->es"]
            groups["cross"] = store["en->es"] + store["es->en"]
            groups["all"] = groups["same"] + groups["cross"]
            for pair, rows in groups.items():
                if not rows:
                    continue
                s = ranking.summarise([r for r, _n in rows])
                ndcg = sum(n for _r, n in rows) / len(rows)
                self.stdout.write(
                    f"  {pair:8s} {s['n']:3d} {s['top1']:6.3f} {s['top3']:6.3f} {s['mrr']:6.3f}"
                    f" {ndcg:6.3f}"
                )
        self.stdout.write("")
        for model in embedders.DEFAULT_MODELS:
            share, n = alignment(model)
            self.stdout.write(
                f"alignment ({model}): {share:.3f} of {n} {ALIGNMENT_TALK} ES points have their EN twin nearest"
            )

    def cross_validated(self) -> None:
        """The CV estimate of the shipped procedure: the fusion chosen on tuning folds of the
        development queries among the shipped model set's configurations, scored on the left-out
        fold (search/eval/fusion_cv.py)."""
        from search.eval import fusion_cv

        models = list(ranking.RANKING_MODELS)
        data = fusion_cv.Data(models, all_development=True)
        configs = [c for c in fusion_cv.grid(models, ("max", "self")) if c.models == tuple(models)]
        dev = np.arange(len(data.queries))
        rng = np.random.default_rng(0)
        per_pair: dict[str, list] = defaultdict(list)
        for _ in range(5):
            folds = fusion_cv.stratified_folds(data, dev, 4, rng)
            for f in range(4):
                tune = np.concatenate([folds[g] for g in range(4) if g != f])
                chosen = fusion_cv.choose(data, configs, tune)
                summary = fusion_cv.summary(
                    data,
                    folds[f],
                    fusion_cv.ranks(data, chosen, folds[f], fusion_cv.model_stats(data, tune)),
                )
                for pair, v in summary.items():
                    per_pair[pair].append((v["n"], v["top1"], v["top3"], v["mrr"]))
        self.stdout.write(
            f"cross-validated estimate (5x4-fold on {len(dev)} development queries, "
            f"{'+'.join(models)} fusions):"
        )
        self.stdout.write(f"  {'pair':8s} {'top-1':>6s} {'top-3':>6s} {'MRR':>6s}")
        for pair in (*PAIRS, "same", "cross", "all"):
            arr = np.array(per_pair[pair])
            w = arr[:, 0]
            t1, t3, mrr = (np.average(arr[:, j], weights=w) for j in (1, 2, 3))
            self.stdout.write(f"  {pair:8s} {t1:6.3f} {t3:6.3f} {mrr:6.3f}")
        self.stdout.write("")


def alignment(model: str) -> tuple[float, int]:
    """Share of the talk's ES points whose nearest EN point (cosine, point texts) has the same number."""
    entries = list(
        IndexEntry.objects.filter(
            point__talk__slug=ALIGNMENT_TALK, kind=IndexEntry.Kind.POINT
        ).select_related("point")
    )
    es = [e for e in entries if e.point.lang == "es"]
    en = [e for e in entries if e.point.lang == "en"]
    if not es or not en:
        return 0.0, 0
    sims = np.vstack([e.vector(model) for e in es]) @ np.vstack([e.vector(model) for e in en]).T
    nearest = sims.argmax(axis=1)
    same = sum(en[j].point.number == e.point.number for e, j in zip(es, nearest, strict=True))
    return same / len(es), len(es)
