"""``manage.py link_concepts``: link graph nodes, points and thread paragraphs into concepts by meaning."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from graphs import concepts, linking
from talks.cache import content_changed


class Command(BaseCommand):
    help = (
        "Replace the vault's concepts: link every node, point and thread paragraph of the published "
        "talks by meaning (graphs/linking.py) and store the clusters (idempotent). Run after "
        "rebuild_search_index; setup_vault does."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=float,
            default=linking.THRESHOLD,
            help=f"link score to reach (default: the calibrated {linking.THRESHOLD})",
        )

    def handle(self, *args, **opts):
        if not -1.0 <= opts["threshold"] <= 2.0:
            raise CommandError("--threshold must lie between -1 and 2 (a cosine plus the bonus)")
        result = concepts.rebuild(threshold=opts["threshold"])
        content_changed()  # the map and talk pages show the concepts: cached pages must go
        self.stdout.write(
            f"concepts: {result.concepts} from {result.items} items, {result.links} links, "
            f"{result.candidate_pairs} candidate pairs examined, {result.seconds:.2f} s"
        )
