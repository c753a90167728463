"""``manage.py setup_vault``: what ``make setup`` does after collecting static files, in one process.

Migrate, create the cache table, import the bundled corpus and then its curators' translations
(``data/translations``: a translation needs its source language stored first), put the curators'
bundled graphs (``data/graphs``, ``graphs/bundled.py``) on translations that have none, rebuild the
concept graphs, export the search models that run through ONNX Runtime (from the packaged weights, once),
build the search index and link the concepts across talks.
Every step is idempotent and cheap when nothing changed (an unchanged file is not re-imported,
unchanged texts keep their vectors), so one process instead of five Django start-ups is what makes a
repeat ``make run`` quick.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .import_vault import bundled_translations


class Command(BaseCommand):
    help = "Migrate, import the bundled corpus, rebuild graphs, the search index and the concepts (idempotent)."

    def handle(self, *args, **opts):
        steps = [
            ("migrate", ("migrate",), {"interactive": False, "verbosity": 0}),
            ("cache table", ("createcachetable",), {"verbosity": 0}),
            ("import", ("import_vault",), {}),
            ("translations", ("import_vault", str(bundled_translations())), {}),
            ("bundled graphs", (), {}),
            ("graphs", ("rebuild_graphs",), {"quiet": True}),
            ("search models", (), {}),
            ("search index", ("rebuild_search_index",), {}),
            ("concepts", ("link_concepts",), {}),
        ]
        for label, cmd, kwargs in steps:
            started = time.perf_counter()
            if cmd:
                call_command(*cmd, stdout=self.stdout, stderr=self.stderr, **kwargs)
            elif label == "bundled graphs":
                self._bundled_graphs()
            else:
                from search import embedders

                for path in embedders.prepare():
                    self.stdout.write(f"exported {path}")
            if opts["verbosity"] > 1:
                self.stdout.write(f"{label}: {time.perf_counter() - started:.1f} s")

    def _bundled_graphs(self) -> None:
        from graphs import bundled

        try:
            results = bundled.import_bundled()
        except bundled.BundledGraphProblem as problem:
            raise CommandError(f"bundled graphs: {problem}; nothing was written") from None
        for status, graph in results:
            self.stdout.write(f"graph {status}: {graph.slug} [{graph.lang}] ← {graph.file}")
