"""``manage.py rebuild_graphs``: rebuild every stored concept graph from its translation's source."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from graphs.receivers import sync_translation
from talks.cache import content_changed
from talks.models import TalkTranslation


class Command(BaseCommand):
    help = (
        "Re-parse every talk translation's Mermaid source and replace its stored graph (idempotent). "
        "Run after an upgrade or after editing graph sources outside the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **opts):
        translations = TalkTranslation.objects.select_related("talk").order_by("pk")
        failed = 0
        with transaction.atomic():
            for tr in tqdm(translations, disable=opts["quiet"], desc="graphs", unit="translation"):
                failed += not sync_translation(tr)
            content_changed()  # graphs are written with plain SQL: no model signal tells the page cache
        self.stdout.write(
            f"{translations.count() - failed} graph(s) rebuilt, {failed} left as they were"
        )
