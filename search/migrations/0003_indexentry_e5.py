"""A third vector per entry: multilingual-e5-small (issue 4, same-language quality).

On SQLite, adding a NOT NULL column makes Django rebuild ``search_indexentry``, which drops the FTS5
triggers of 0002: they are created again here, and the FTS index rebuilt from the copied rows.
Existing entries get an empty e5 vector; their checksums no longer match the new model set
(``search.entries.entry_checksum``), so ``rebuild_search_index`` (run by ``make setup``) re-encodes
them.
"""

from __future__ import annotations

import importlib

from django.db import migrations, models

_fts = importlib.import_module("search.migrations.0002_fulltext")


def _sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in _fts.SQLITE_BACKWARD[:3]:  # the triggers, not the FTS table
        schema_editor.execute(sql)
    for sql in _fts.SQLITE_FORWARD[1:]:  # triggers again, then 'rebuild'
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.AddField(
            model_name="indexentry",
            name="e5",
            field=models.BinaryField(
                default=b"",
                help_text="multilingual-e5-small (4-bit) vector, float32[384]",
            ),
        ),
        migrations.RunPython(_sqlite_triggers, migrations.RunPython.noop),
    ]
