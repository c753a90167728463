"""Full-text index over ``IndexEntry.terms``: SQLite FTS5 (embedded default) or a PostgreSQL GIN index.

On SQLite, ``search_fts`` is an external-content FTS5 table kept in step by triggers, so every
write path (ORM saves, cascaded deletes, bulk updates) updates it in the same transaction. Terms
are already folded and stemmed by ``search.analyzer``, hence the plain ``unicode61`` tokenizer and, on
PostgreSQL, the ``simple`` configuration. A later migration that makes Django rebuild the
``search_indexentry`` table on SQLite drops these triggers: re-run ``_sqlite_forward`` after it.
"""

from __future__ import annotations

from django.db import migrations

SQLITE_FORWARD = [
    (
        "CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_indexentry', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    ),
    (
        "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_indexentry BEGIN "
        "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END"
    ),
    (
        "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_indexentry BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END"
    ),
    (
        "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_indexentry BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
        "INSERT INTO search_fts(rowid, terms) VALUES (new.id, new.terms); END"
    ),
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS search_indexentry_terms_gin ON search_indexentry USING GIN (to_tsvector('simple', terms))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS search_indexentry_terms_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
