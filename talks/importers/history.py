"""Plain multi-row ``INSERT``s for the importer's bulk writes, and the history rows
(django-simple-history) that go with them.

``bulk_create``/``bulk_update`` send no signals, so simple-history sees nothing; its own
``bulk_history_create`` builds one model instance per row and compiles each value through the ORM,
which more than doubled the import's database time. Here rows are tuples, each batch is one
statement, and a history row's timestamp, user and reason are prepared once.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

# Values these fields hold need the backend's adaptation (JSON text, timezone-aware datetimes).
_ADAPTED = (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField)
_HISTORY_COLUMNS = ["history_date", "history_user_id", "history_change_reason", "history_type"]


def insert(model, columns: Sequence[str], rows: list[tuple], returning: bool = False) -> list[int]:
    """``INSERT`` ``rows`` (values in ``columns`` order, attnames) into ``model``'s table; the new ids
    in insertion order when ``returning`` (``RETURNING``, as Django's ``bulk_create`` relies on)."""
    return _execute(model, list(columns), _adapt(model, columns, rows), returning)


def record(model, objs: list, history_type: str, user=None, reason: str = "") -> int:
    """One ``history_type`` ("+" or "~") history row per saved object of ``model``; returns the count."""
    columns = [f.attname for f in model.history.model.tracked_fields]
    return record_rows(model, columns, [tuple(getattr(o, c) for c in columns) for o in objs], history_type, user,
                       reason)


def record_rows(model, columns: list[str], rows: list[tuple], history_type: str, user=None, reason: str = "") -> int:
    """History rows from value tuples (``columns``: the tracked attnames, the primary key included)."""
    if not rows:
        return 0
    history = model.history.model
    date = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    tail = (date, user.pk if getattr(user, "pk", None) else None, reason, history_type)
    rows = [row + tail for row in _adapt(history, columns, rows)]
    _execute(history, [*columns, *_HISTORY_COLUMNS], rows)
    return len(rows)


def _adapt(model, columns: Sequence[str], rows: list[tuple]) -> list[tuple]:
    fields = [_field(model, c) for c in columns]
    prep = [isinstance(f, _ADAPTED) for f in fields]
    if not any(prep):
        return rows
    return [tuple(f.get_db_prep_save(v, connection) if p else v for f, p, v in zip(fields, prep, row, strict=True))
            for row in rows]


def _execute(model, columns: list[str], rows: list[tuple], returning: bool = False) -> list[int]:
    if not rows:
        return []
    quote = connection.ops.quote_name
    cols = ", ".join(quote(_field(model, c).column) for c in columns)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES "
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    batch = max(1, min(2000, connection.ops.bulk_batch_size(columns, rows)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(head + ", ".join([one_row] * len(chunk)) + tail, [v for row in chunk for v in row])
            if returning:
                ids += [r[0] for r in cursor.fetchall()]
    return ids


def _field(model, attname: str):
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    raise LookupError(f"{model.__name__} has no column {attname!r}")
