"""The history rows (django-simple-history) that go with the importer's bulk writes.

``bulk_create``/``bulk_update`` send no signals, so simple-history sees nothing; its own
``bulk_history_create`` builds one model instance per row and compiles each value through the ORM,
which more than doubled the import's database time. Here rows are tuples written by the multi-row
``INSERT``s of ``vault/sql.py``, and a history row's timestamp, user and reason are prepared once.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from vault import sql

_HISTORY_COLUMNS = ["history_date", "history_user_id", "history_change_reason", "history_type"]


def record(model, objs: list, history_type: str, user=None, reason: str = "") -> int:
    """One ``history_type`` ("+" or "~") history row per saved object of ``model``; returns the count."""
    columns = [f.attname for f in model.history.model.tracked_fields]
    return record_rows(
        model,
        columns,
        [tuple(getattr(o, c) for c in columns) for o in objs],
        history_type,
        user,
        reason,
    )


def record_rows(
    model, columns: list[str], rows: list[tuple], history_type: str, user=None, reason: str = ""
) -> int:
    """History rows from value tuples (``columns``: the tracked attnames, the primary key included)."""
    if not rows:
        return 0
    history = model.history.model
    date = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    tail = (date, user.pk if getattr(user, "pk", None) else None, reason, history_type)
    rows = [row + tail for row in sql.adapt(history, columns, rows)]
    sql.execute(history, [*columns, *_HISTORY_COLUMNS], rows)
    return len(rows)
