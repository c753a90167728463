"""``manage.py setup_vault``: what ``make setup`` does after collecting static files, in one process.

Migrate, create the cache table, import the bundled corpus, rebuild the concept graphs and the search
index, link the concepts across talks. Every step is idempotent and cheap when nothing changed (an unchanged file is not re-imported,
unchanged texts keep their vectors), so one process instead of five Django start-ups is what makes a
repeat ``make run`` quick.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, import the bundled corpus, rebuild graphs, the search index and the concepts (idempotent)."

    def handle(self, *args, **opts):
        steps = [
            ("migrate", ("migrate",), {"interactive": False, "verbosity": 0}),
            ("cache table", ("createcachetable",), {"verbosity": 0}),
            ("import", ("import_vault",), {}),
            ("graphs", ("rebuild_graphs",), {"quiet": True}),
            ("search index", ("rebuild_search_index",), {}),
            ("concepts", ("link_concepts",), {}),
        ]
        for label, cmd, kwargs in steps:
            started = time.perf_counter()
            call_command(*cmd, stdout=self.stdout, stderr=self.stderr, **kwargs)
            if opts["verbosity"] > 1:
                self.stdout.write(f"{label}: {time.perf_counter() - started:.1f} s")
