"""Mutations of the bundled corpus files, driven by plain integers.

The same operations serve the Hypothesis property tests (``tests/test_fuzz_*.py``, which draw the
integers) and the atheris targets (``fuzz/atheris_*.py``, which take them from the fuzzer's bytes), so
a failure found by either replays in the other. No Django import.

An operation is ``(kind, a, b)``; ``a`` and ``b`` are any non-negative integers, reduced modulo the
size of whatever they index (line, byte offset, table entry), so every triple is valid on every file.
"""

from __future__ import annotations

import re
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
ONE_MB = 1024 * 1024

# Characters that break naive text handling: NUL and other controls, an escaped and an encoded lone
# surrogate (the latter is invalid UTF-8), bidi marks, combining and zero-width characters, Unicode
# line breaks str.splitlines() knows but split("\n") does not, digits outside ASCII, case-folding
# surprises, astral characters, and a mid-text BOM.
ODD = (
    "\x00",
    "\\ud800",
    "\ud800",
    "\u200f",
    "\u202e",
    "\u2066",
    "e\u0301\u0301\u0301",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b\x0c",
    "\x1b[31m",
    "\x7f",
    "\U0001f600",
    "\U0001d7cf",  # MATHEMATICAL BOLD DIGIT ONE: \d matches it
    "\u0661\u0662",  # ARABIC-INDIC digits
    "\u00b2",  # superscript two: str.isdigit() but not \d
    "\u0130",  # I WITH DOT ABOVE: lower() makes it longer
    "\ufffd",
    "%%{init: {}}%%",
    "-->",
    "[",
    "]",
    '"',
    "|",
    "#",
    ";",
)


def _long_lines() -> tuple[str, ...]:
    """One-megabyte lines: plain, whitespace runs between words (quadratic traps for lazy regexes),
    a point, a header-like line, a licence-like line and a graph line."""
    half = ONE_MB // 2
    return (
        "x" * ONE_MB,
        "a" + " " * ONE_MB + "b",
        "Alex" + " \t" * half + "Graves ICLR 2017 - Invited Talk - x",
        "Alex ICLR 2017 - " * (ONE_MB // 17),
        "31.-" + "word " * (ONE_MB // 5),
        "Knowledge Vault 2/36 - " + "a " * half + "b",
        "Licensed under a" + " " * ONE_MB + "b",
        "graph LR " + " ".join(f"N{i}[n {i}] --> N{i + 1}" for i in range(ONE_MB // 24)),
        "-" * ONE_MB,
        "1" * ONE_MB,
    )


LONG = _long_lines()
KINDS = (
    "truncate",
    "delete_line",
    "duplicate_line",
    "swap_lines",
    "crlf",
    "cr",
    "bom",
    "odd",
    "long_line",
    "flip_byte",
    "blank_lines",
)
Op = tuple[str, int, int]


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def graph_sources() -> list[str]:
    """The concept-graph blocks of the corpus (a graph runs from 'graph LR' to the next blank line)."""
    sources = []
    for path in corpus_files():
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^(?:graph|flowchart) .*?(?=\n\s*\n|\Z)", text, re.MULTILINE | re.DOTALL)
        if match:
            sources.append(match.group(0))
    return sources


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def apply(data: bytes, op: Op) -> bytes:
    """``data`` with one mutation applied."""
    kind, a, b = op
    if kind == "truncate":
        return data[: a % (len(data) + 1)]
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n")
    if kind == "cr":
        return data.replace(b"\n", b"\r")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "flip_byte":
        if not data:
            return data
        i = a % len(data)
        return data[:i] + bytes([b % 256]) + data[i + 1 :]
    if kind == "odd":
        char = ODD[b % len(ODD)].encode("utf-8", "surrogatepass")
        i = a % (len(data) + 1)
        return data[:i] + char + data[i:]
    lines = _lines(data)
    n = len(lines)
    i, j = a % n, b % n
    if kind == "delete_line":
        del lines[i]
    elif kind == "duplicate_line":
        lines.insert(j, lines[i])
    elif kind == "swap_lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "long_line":
        lines.insert(i, LONG[b % len(LONG)].encode("utf-8"))
    elif kind == "blank_lines":
        lines.insert(i, b"\n" * (b % 5))
    else:
        raise ValueError(f"unknown mutation {kind!r}")
    return b"\n".join(lines)


def mutate(data: bytes, ops: list[Op]) -> bytes:
    for op in ops:
        data = apply(data, op)
    return data
