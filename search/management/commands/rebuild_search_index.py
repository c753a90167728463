"""``manage.py rebuild_search_index``: (re)build the search index's entries, with a progress bar.

Idempotent: entries whose text did not change keep their vectors, so a second run encodes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import entries
from search.models import IndexEntry
from talks.models import SummaryPoint


class Command(BaseCommand):
    help = (
        "Encode every summary point (and the concept-map labels citing it) into the search index."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="drop every entry first, so that everything is re-encoded",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=entries.REBUILD_BATCH,
            help="points encoded per batch (default: %(default)s)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="do not draw the progress bar"
        )

    def handle(self, *args, force: bool, batch: int, no_progress: bool, **options) -> None:
        if force:
            IndexEntry.objects.all().delete()
        total = SummaryPoint.objects.count()
        with tqdm(
            total=total,
            unit="point",
            desc="search index",
            disable=no_progress,
            file=self.stderr,
        ) as bar:
            stats = entries.rebuild(on_batch=bar.update, batch=batch)
        self.stdout.write(
            f"search index: {stats['points']} points, {stats['entries']} entries, {stats['encoded']} (re)encoded"
        )
