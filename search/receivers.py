"""Signal receivers: queue index updates when points are imported, created or edited.

The importer replaces a translation's points with ``bulk_create`` (no ``post_save``) and then sends
``talks.signals.translation_imported`` inside its transaction; an edit through the admin or the ORM
sends ``post_save``. Either way the encoding runs in a Celery task sent on commit: the worker must
see the committed rows, and a rolled-back import must queue nothing. Deleted points take their
entries with them (``on_delete=CASCADE``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from talks.models import SummaryPoint, Talk, TalkTranslation
from talks.signals import translation_imported


@receiver(translation_imported, sender=Talk, dispatch_uid="search.translation_imported")
def on_translation_imported(sender, talk: Talk, lang: str, **kwargs) -> None:
    # Bulk loads (bench/import_bench.py) may set SEARCH_INDEX_ON_IMPORT = False and run
    # rebuild_search_index once afterwards instead of one task per translation.
    if not getattr(settings, "SEARCH_INDEX_ON_IMPORT", True):
        return
    from .tasks import index_translation

    talk_id = talk.pk
    transaction.on_commit(lambda: index_translation.delay(talk_id, lang))


@receiver(post_save, sender=SummaryPoint, dispatch_uid="search.point_saved")
def on_point_saved(sender, instance: SummaryPoint, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: fixtures are indexed by rebuild_search_index
        return
    # The whole translation, not just this point: a point that defines a short form ("(BPTT)")
    # changes the indexed text of the points that use it. Unchanged entries are skipped.
    from .tasks import index_translation

    talk_id, lang = instance.talk_id, instance.lang
    transaction.on_commit(lambda: index_translation.delay(talk_id, lang))


@receiver(post_save, sender=TalkTranslation, dispatch_uid="search.translation_saved")
def on_translation_saved(
    sender,
    instance: TalkTranslation,
    raw: bool = False,
    created: bool = False,
    **kwargs,
):
    """An edited concept graph changes the node labels that cite the points."""
    if raw or created or "graph_source" not in (kwargs.get("update_fields") or {"graph_source"}):
        return
    from .tasks import index_translation

    talk_id, lang = instance.talk_id, instance.lang
    transaction.on_commit(lambda: index_translation.delay(talk_id, lang))
