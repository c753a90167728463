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


def load_queries(path: Path = QUERIES_TSV) -> list[Query]:
    """Rows of the TSV (``#`` comments and the header skipped) -> queries; ValueError names the line."""
    out = []
    header_seen = False
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            header_seen = True
            if cells[0] == "query_lang":
                continue
        if len(cells) != 5:
            raise ValueError(
                f"{path.name}:{lineno}: expected 5 tab-separated cells, got {len(cells)}"
            )
        qlang, tlang, talk, number, text = cells
        if qlang not in languages.codes() or tlang not in languages.codes():
            raise ValueError(f"{path.name}:{lineno}: languages must be en or es")
        if not number.isdigit() or not text.strip():
            raise ValueError(f"{path.name}:{lineno}: bad point number or empty query")
        out.append(Query(qlang, tlang, talk, int(number), text.strip()))
    return out


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
    header_seen = False
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            header_seen = True
            if cells[0] == "query_lang":
                continue
        if len(cells) != 6:
            raise ValueError(
                f"{path.name}:{lineno}: expected 6 tab-separated cells, got {len(cells)}"
            )
        qlang, tlang, talk, number, also, text = cells
        if qlang not in languages.codes() or tlang not in languages.codes():
            raise ValueError(f"{path.name}:{lineno}: languages must be en or es")
        if not number.isdigit() or not text.strip():
            raise ValueError(f"{path.name}:{lineno}: bad point number or empty query")
        extra = tuple(int(n) for n in also.split(",") if n.strip()) if also.strip() else ()
        if int(number) in extra:
            raise ValueError(f"{path.name}:{lineno}: the target is also listed as partly relevant")
        out.append(GradedQuery(qlang, tlang, talk, int(number), text.strip(), extra))
    return out
