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
from search.eval.queries import QUERIES_TSV, load_queries
from search.models import IndexEntry

ALIGNMENT_TALK = "alex-graves-iclr-2017"
PAIRS = ("en->en", "es->es", "en->es", "es->en")


class Command(BaseCommand):
    help = "Measure top-1, top-3 and MRR per language pair on the shipped evaluation queries."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--queries",
            type=Path,
            default=QUERIES_TSV,
            help="TSV of queries (default: shipped)",
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

    def handle(self, *args, queries: Path, k: int, misses: bool, **options) -> None:
        if not IndexEntry.objects.exists():
            raise CommandError(
                "the search index is empty: run `manage.py rebuild_search_index` first"
            )
        qs = load_queries(queries)
        strict: dict[str, list] = defaultdict(list)
        anyl: dict[str, list] = defaultdict(list)
        detected = 0
        for q in qs:
            detected += analyzer.guess_language(q.text) == q.query_lang
            for lang, store in ((q.target_lang, strict), ("any", anyl)):
                result = search(SearchParams(q=q.text, lang=lang, k=k))
                rank = next(
                    (
                        i
                        for i, h in enumerate(result.hits, 1)
                        if h.talk.slug == q.talk and h.point.number == q.number
                    ),
                    None,
                )
                store[q.pair].append(rank)
                if lang != "any" and misses and (rank is None or rank > 3):
                    self.stdout.write(
                        f"  miss ({q.pair}, rank {rank}): {q.text} -> {q.talk} #{q.number}"
                    )
        self.stdout.write(
            f"{len(qs)} queries; query language guessed right for {detected}/{len(qs)}"
        )
        for title, store in (
            ("restricted to the target language", strict),
            ("lang=any", anyl),
        ):
            self.stdout.write(f"\n{title}:")
            self.stdout.write(f"  {'pair':8s} {'n':>3s} {'top-1':>6s} {'top-3':>6s} {'MRR':>6s}")
            groups = {p: store[p] for p in PAIRS}
            groups["same"] = store["en->en"] + store["es->es"]
            groups["cross"] = store["en->es"] + store["es->en"]
            groups["all"] = groups["same"] + groups["cross"]
            for name, ranks in groups.items():
                s = ranking.summarise(ranks)
                self.stdout.write(
                    f"  {name:8s} {s['n']:3d} {s['top1']:6.3f} {s['top3']:6.3f} {s['mrr']:6.3f}"
                )
        self.stdout.write("")
        for model in embedders.DEFAULT_MODELS:
            share, n = alignment(model)
            self.stdout.write(
                f"alignment ({model}): {share:.3f} of {n} {ALIGNMENT_TALK} ES points have their EN twin nearest"
            )


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
