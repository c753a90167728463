"""Lexical matching in the database: SQLite FTS5 (embedded default) or PostgreSQL full-text search.

Both search ``IndexEntry.terms`` (folded, prefix-stemmed words from ``search.analyzer``) for any of the
query's terms and return BM25 scores (Robertson & Zaragoza 2009), bigger is better:

- SQLite: FTS5's built-in ``bm25()`` (negated: FTS5 ranks ascending).
- PostgreSQL: the GIN-indexed ``to_tsvector('simple', terms) @@ to_tsquery(...)`` finds the rows;
  ``ts_rank`` ignores how rare a term is, so BM25 is computed here from the matched rows' terms and
  per-term document counts (one indexed ``count(*)`` per query term), with FTS5's formula
  (``ranking.idf``), so both backends give the same scores.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from django.db import connection

from . import ranking

#: At most this many lexical matches are fused (the best by BM25); the rest add nothing to a top-k.
LEX_LIMIT = 500
#: Queries longer than this many terms are cut ("more like this" passes a whole point).
MAX_TERMS = 24
_SAFE_TERM = re.compile(r"^\w+$", re.UNICODE)
SQLITE_QUERY = "SELECT rowid, -bm25(search_fts) FROM search_fts WHERE search_fts MATCH %s ORDER BY rank LIMIT %s"


def _clean(terms: list[str]) -> list[str]:
    return [t for t in dict.fromkeys(terms) if _SAFE_TERM.match(t)][:MAX_TERMS]


def scores(terms: list[str], limit: int = LEX_LIMIT) -> tuple[np.ndarray, np.ndarray]:
    """Query terms -> (entry ids int64[m], BM25 scores float64[m]), best first, m <= limit."""
    terms = _clean(terms)
    if not terms:
        return np.zeros(0, np.int64), np.zeros(0)
    if connection.vendor == "postgresql":
        return _postgres(terms, limit)
    return _sqlite(terms, limit)


def _sqlite(terms: list[str], limit: int) -> tuple[np.ndarray, np.ndarray]:
    with connection.cursor() as cur:
        return sqlite_scores(cur, terms, limit)


def sqlite_scores(
    cursor, terms: list[str], limit: int = LEX_LIMIT
) -> tuple[np.ndarray, np.ndarray]:
    """FTS5 BM25 on any DB-API cursor over a database with ``search_fts`` (the app's or a benchmark's)."""
    terms = _clean(terms)
    if not terms:
        return _arrays([])
    match = " OR ".join(f'"{t}"' for t in terms)
    cursor.execute(
        SQLITE_QUERY.replace("%s", "?") if _qmark(cursor) else SQLITE_QUERY,
        [match, limit],
    )
    return _arrays(cursor.fetchall())


def _qmark(cursor) -> bool:
    return type(cursor).__module__ == "sqlite3"


def _postgres(terms: list[str], limit: int) -> tuple[np.ndarray, np.ndarray]:
    tsquery = " | ".join(terms)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), avg(array_length(regexp_split_to_array(terms, ' '), 1)) FROM search_indexentry"
        )
        n_docs, avg_len = cur.fetchone()
        if not n_docs:
            return _arrays([])
        df = {}
        for t in terms:
            cur.execute(
                "SELECT count(*) FROM search_indexentry WHERE to_tsvector('simple', terms) @@ to_tsquery('simple', %s)",
                [t],
            )
            df[t] = cur.fetchone()[0]
        cur.execute(
            "SELECT id, terms FROM search_indexentry "
            "WHERE to_tsvector('simple', terms) @@ to_tsquery('simple', %s)",
            [tsquery],
        )
        matched = cur.fetchall()
    avg_len = float(avg_len or 1.0)
    rows = []
    for entry_id, body in matched:
        tf = Counter(body.split())
        length = sum(tf.values())
        norm = ranking.BM25_K1 * (1 - ranking.BM25_B + ranking.BM25_B * length / avg_len)
        s = 0.0
        for t in terms:
            f = tf.get(t, 0)
            if f:
                idf = float(ranking.idf(n_docs, df[t]))
                s += idf * f * (ranking.BM25_K1 + 1) / (f + norm)
        rows.append((entry_id, s))
    rows.sort(key=lambda r: -r[1])
    return _arrays(rows[:limit])


def _arrays(rows) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0)
    ids, vals = zip(*rows, strict=True)
    return np.asarray(ids, dtype=np.int64), np.asarray(vals, dtype=np.float64)
