"""History rows (django-simple-history) for what the importer writes in bulk.

``bulk_create``/``bulk_update`` send no signals, so simple-history sees nothing; its own
``bulk_history_create`` builds one model instance per row and compiles each value through the ORM,
which more than doubled the import's database time. Here each batch is one multi-row ``INSERT``
straight from the objects' attributes, with the one timestamp, user and reason prepared once.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone

# Values these fields hold need the backend's adaptation (JSON text, timezone-aware datetimes).
_ADAPTED = (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField)


def record(model, objs: list, history_type: str, user=None, reason: str = "") -> int:
    """Insert one ``history_type`` ("+" or "~") history row per object of ``model``; returns the count."""
    if not objs:
        return 0
    history = model.history.model
    tracked = history.tracked_fields  # the model's own fields; the history table uses their columns
    prep = [isinstance(f, _ADAPTED) for f in tracked]
    date = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    user_id = user.pk if getattr(user, "pk", None) else None
    tail = (date, user_id, reason, history_type)
    rows = [
        tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) if p else getattr(obj, f.attname)
              for f, p in zip(tracked, prep, strict=True)) + tail
        for obj in objs
    ]
    quote = connection.ops.quote_name
    columns = [f.column for f in tracked] + ["history_date", "history_user_id", "history_change_reason",
                                             "history_type"]
    head = f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    batch = max(1, min(2000, connection.ops.bulk_batch_size(columns, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(head + ", ".join([one_row] * len(chunk)), [v for row in chunk for v in row])
    return len(rows)
