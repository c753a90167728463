"""Plain multi-row ``INSERT``s for bulk writes on the import path.

ORM ``create``/``bulk_create`` build a model instance per row and compile each value through the
ORM; for thousands of graphs and points per import that overhead dominated the database time
(``bench/import_bench.py``). Here rows are tuples of values in ``columns`` order (field names or attnames) and each
batch is one statement. Used by the graph store (``graphs/store.py``) and the importer's history rows
(``talks/importers/history.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

# Ints, strings and NULLs pass as they are; these fields' values need the backend's adaptation
# (JSON text, timezone-aware datetimes, …).
_ADAPTED = (models.JSONField, models.DateTimeField, models.DateField, models.DecimalField)
#: Rows per statement at most (PostgreSQL sets no limit of its own; SQLite's comes from the backend).
MAX_BATCH = 2000


def insert(model, columns: Sequence[str], rows: list[tuple], returning: bool = False) -> list[int]:
    """``INSERT`` ``rows`` into ``model``'s table; the new primary keys in insertion order when
    ``returning`` (``RETURNING``, as Django's ``bulk_create`` relies on: SQLite >= 3.35, PostgreSQL)."""
    return execute(model, columns, adapt(model, columns, rows), returning)


def adapt(model, columns: Sequence[str], rows: list[tuple]) -> list[tuple]:
    """``rows`` with the values of fields that need it prepared for the database (``get_db_prep_save``)."""
    fields = [field(model, c) for c in columns]
    prep = [isinstance(f, _ADAPTED) for f in fields]
    if not any(prep):
        return rows
    return [
        tuple(
            f.get_db_prep_save(v, connection) if p else v
            for f, p, v in zip(fields, prep, row, strict=True)
        )
        for row in rows
    ]


def execute(model, columns: Sequence[str], rows: list[tuple], returning: bool = False) -> list[int]:
    """``INSERT`` already adapted ``rows`` (see ``adapt``) in batches of one statement each."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    cols = ", ".join(quote(column(model, c)) for c in columns)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({cols}) VALUES "
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    batch = max(1, min(MAX_BATCH, connection.ops.bulk_batch_size(list(columns), rows)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                head + ", ".join([one_row] * len(chunk)) + tail, [v for row in chunk for v in row]
            )
            if returning:
                ids += [r[0] for r in cursor.fetchall()]
    return ids


def max_length(model, name: str) -> int:
    """The ``max_length`` of ``model``'s character column ``name``."""
    limit = field(model, name).max_length
    if limit is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return limit


def column(model, name: str) -> str:
    """The database column of ``model``'s concrete field ``name``."""
    col = field(model, name).column
    if col is None:
        raise TypeError(f"{model.__name__}.{name} has no column")
    return col


def field(model, name: str) -> models.Field:
    """``model``'s field by name or column attribute (``talk`` or ``talk_id``)."""
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):  # a reverse relation has no column to insert into
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return found
