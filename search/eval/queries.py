"""The shipped evaluation queries (``queries.tsv``): parsing and validation. No Django import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vault import languages

QUERIES_TSV = Path(__file__).with_name("queries.tsv")


@dataclass(frozen=True)
class Query:
    query_lang: str
    target_lang: str
    talk: str
    number: int
    text: str

    @property
    def pair(self) -> str:
        """Language pair, query -> point, e.g. 'en->es'."""
        return f"{self.query_lang}->{self.target_lang}"

    @property
    def cross_language(self) -> bool:
        return self.query_lang != self.target_lang


def _rows(path: Path, cells: int):
    """(line number, cells) of each data row of a query TSV (``#`` comments and the header skipped),
    checked: ``cells`` tab-separated cells, known languages, a point number, a query text."""
    header_seen = False
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        row = raw.split("\t")
        if not header_seen:
            header_seen = True
            if row[0] == "query_lang":
                continue
        if len(row) != cells:
            raise ValueError(
                f"{path.name}:{lineno}: expected {cells} tab-separated cells, got {len(row)}"
            )
        if row[0] not in languages.codes() or row[1] not in languages.codes():
            raise ValueError(f"{path.name}:{lineno}: languages must be en or es")
        if not row[3].isdigit() or not row[-1].strip():
            raise ValueError(f"{path.name}:{lineno}: bad point number or empty query")
        yield lineno, row


def load_queries(path: Path = QUERIES_TSV) -> list[Query]:
    """Rows of the TSV (``#`` comments and the header skipped) -> queries; ValueError names the line."""
    return [
        Query(qlang, tlang, talk, int(number), text.strip())
        for _n, (qlang, tlang, talk, number, text) in _rows(path, 5)
    ]


BLIND_TSV = Path(__file__).with_name("blind.tsv")


@dataclass(frozen=True)
class GradedQuery(Query):
    """A blind-set query: its point is relevance grade 2; ``also`` (same talk) partly answer, grade 1."""

    also: tuple[int, ...] = ()

    def grades(self) -> dict[int, int]:
        """Point number -> relevance grade, for nDCG."""
        return {**dict.fromkeys(self.also, 1), self.number: 2}


def load_blind(path: Path = BLIND_TSV) -> list[GradedQuery]:
    """Rows of the blind set (six cells: the fifth lists partly relevant points) -> graded queries."""
    out = []
    for lineno, (qlang, tlang, talk, number, also, text) in _rows(path, 6):
        extra = tuple(int(n) for n in also.split(",") if n.strip())
        if int(number) in extra:
            raise ValueError(f"{path.name}:{lineno}: the target is also listed as partly relevant")
        out.append(GradedQuery(qlang, tlang, talk, int(number), text.strip(), extra))
    return out
