"""Parser for Knowledge Vault text exports (and the translated Q&A threads shipped beside them).

Pure Python, no Django import. A talk export looks like::

    Knowledge Vault 2/36 - ICLR 2014-2023                        <- optional header (vault index)
    Alex Graves ICLR 2017 - Invited Talk - New Directions …      <- speaker, event, year, kind, title
    <Resume Image >
    Concept Graph & Resume using Claude 3 Opus | …:              <- language marker
    graph LR classDef … A[Alex Graves                            <- concept graph, until a blank line
    ICLR 2017] --> B[…]
    1.-RNNs with multiplicative units …                          <- numbered points, blank lines optional
    …
    Knowledge Vault built byDavid Vivancos 2024                  <- attribution footer

Spanish exports use ``ConocimientoBóveda``, ``Charla Invitada``, ``Gráfico de Conceptos``, ``Resumen:``.
Files without a header take their metadata from the bundled manifest (see ``manifest.py``).

Every problem raises ``ImportProblem`` naming the line, so the caller can write nothing and say why.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

from django.utils.text import slugify  # pure function (no settings needed)

from graphs.mermaid import Graph, MermaidSyntaxError
from graphs.mermaid import parse as parse_mermaid

#: The languages this grammar has header words for ("Knowledge Vault", "Conocimiento Bóveda"). The
#: site's own list is settings.LANGUAGES; tests/test_house_rules.py checks the two agree.
SUPPORTED_LANGS = frozenset({"en", "es"})

# The patterns below run on every line of untrusted text, so none may backtrack quadratically: no lazy
# ``.+?`` followed by ``\s*$`` and no ``\s+`` that a search can restart inside a whitespace run (a
# 10,000-space line took 4 s, a 1 MB one would take days). Lines arrive stripped. tests/test_fuzz_importer.py
_VAULT_HEADER = re.compile(
    r"^(?P<brand>Knowledge Vault|ConocimientoB[oó]veda|B[oó]veda de Conocimiento)\s+"
    r"(?P<index>\d+/\d+)\s*(?:-\s*(?P<collection>.*))?$"
)
_KINDS = {
    "invited talk": ("invited_talk", "en"),
    "keynote": ("invited_talk", "en"),
    "charla invitada": ("invited_talk", "es"),
    "conferencia invitada": ("invited_talk", "es"),
}
# "<speaker> <EVENT> <year> - <kind> - <title>": found in two linear steps (see _talk_header).
_EVENT_YEAR = re.compile(r"(?<=\s)(?P<event>[A-Z][A-Za-z]*)\s+(?P<year>(?:19|20)\d\d)\s+-\s+")
_KIND_TITLE = re.compile(r"(?P<kind>[^-]*[^-\s])\s+-\s+(?P<title>\S.*)$")
_POINT = re.compile(r"^\s*(?P<number>\d{1,4})\s*\.\s*-\s*(?P<text>.*)$")
_GRAPH_START = re.compile(r"^\s*(?:graph|flowchart)\s+(?:LR|RL|TD|TB|BT)\b")
_IMAGE_PLACEHOLDER = re.compile(r"^<\s*(?:Resume Image|Imagen de Resumen)\s*>$", re.IGNORECASE)
_LANG_MARKERS = (
    (re.compile(r"^Concept Graph\b|^Resume using\b|^Summary:?$|^Resume:?$", re.IGNORECASE), "en"),
    (re.compile(r"^Gr[aá]fico de Conceptos\b|^Resumen\b", re.IGNORECASE), "es"),
)
_FOOTER = re.compile(
    r"^(?:Knowledge Vault built by|B[oó]veda de Conocimiento construida por)\s*(?P<who>.*)$",
    re.IGNORECASE,
)
_LICENCE = re.compile(r"^Licen[sc]ed under (?P<licence>.+)$", re.IGNORECASE)
_ATTRIBUTION_REQUIRED = " with attribution required"
_SCORE = re.compile(r"^\s*-?\d{1,6}\s*$")
_ANSWERS = re.compile(r"^\s*(?:Respuestas|Answers)\s*:?\s*$", re.IGNORECASE)
_SITE_BOILERPLATE = re.compile(r"^(?:Al usar nuestro sitio|By using our site)", re.IGNORECASE)


class ImportProblem(ValueError):
    """A file that cannot be imported; ``line`` is 1-based (0 when it concerns the whole file)."""

    def __init__(self, message: str, line: int = 0, filename: str = "") -> None:
        self.message = message
        self.line = line
        self.filename = filename
        where = f"{filename or 'input'}" + (f", line {line}" if line else "")
        super().__init__(f"{where}: {message}")

    def as_dict(self) -> dict:
        return {"file": self.filename, "line": self.line, "message": self.message}


class NoTalkGiven(ImportProblem):
    """A talk file with no header and no slug: the admin suggests the talk it translates."""


@dataclass
class Metadata:
    """What a header or a manifest entry says about a document; any field may be unknown."""

    slug: str = ""
    lang: str = ""
    kind: str = ""
    speaker: str = ""
    event: str = ""
    year: int | None = None
    title: str = ""
    vault_index: str = ""
    subject: str = ""
    related_talk: str = ""
    license: str = ""
    attribution: str = ""
    generator: str = ""  # "Concept Graph & Resume using Claude 3 Opus | …", as the export wrote it

    def merged_with(self, other: Metadata) -> Metadata:
        """Fields of ``self`` filled in from ``other`` where ``self`` has none."""
        mine, theirs = asdict(self), asdict(other)
        return Metadata(**{k: mine[k] if mine[k] not in ("", None) else theirs[k] for k in mine})


@dataclass
class ParsedDocument:
    filename: str
    raw_text: str
    checksum: str
    meta: Metadata
    points: dict[int, str] = field(default_factory=dict)
    graph_source: str = ""
    graph_line: int = 0
    graph: Graph | None = None  # the parsed concept graph (graphs.mermaid), when the file has one
    thread: dict = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.meta.lang

    @property
    def slug(self) -> str:
        return self.meta.slug

    def preview(self) -> dict:
        """The dry-run summary shared by ``import_vault --dry-run --json`` and the admin preview."""
        m = self.meta
        return {
            "file": self.filename,
            "checksum": self.checksum,
            "talk": {
                "slug": m.slug,
                "kind": m.kind,
                "speaker": m.speaker,
                "event": m.event,
                "year": m.year,
                "title": m.title,
                "vault_index": m.vault_index,
            },
            "lang": m.lang,
            "points": {m.lang: sorted(self.points)},
            "has_graph": bool(self.graph_source),
            "license": m.license,
            "generator": m.generator,
        }


def decode(data: bytes, filename: str = "") -> str:
    """UTF-8 bytes to text with LF line endings; a BOM is dropped."""
    if not data.strip():
        raise ImportProblem("the file is empty", filename=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportProblem(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line,
            filename,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def talk_slug(speaker: str, event: str, year: int | None) -> str:
    return slugify(f"{speaker} {event} {year or ''}".strip())


def parse(text: str, filename: str = "", defaults: Metadata | None = None) -> ParsedDocument:
    """Parse one document. ``defaults`` (manifest entry or command options) fill what the file lacks.

    Raises ``ImportProblem`` for an empty file, an unknown language, duplicate or missing point
    numbers, a truncated graph, or a file with neither points nor a thread.
    """
    if not text.strip():
        raise ImportProblem("the file is empty", filename=filename)
    _check_characters(text, filename)
    defaults = defaults or Metadata()
    kind = defaults.kind
    if kind == "discussion":
        return _parse_discussion(text, filename, defaults)
    return _parse_talk(text, filename, defaults)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_characters(text: str, filename: str) -> None:
    """NUL (PostgreSQL text cannot hold it) and lone surrogates (not encodable) are refused up front."""
    if match := _UNSTORABLE.search(text):
        what = (
            "a NUL character"
            if match.group() == "\x00"
            else f"a lone surrogate (U+{ord(match.group()):04X})"
        )
        raise ImportProblem(
            f"the text contains {what}", text.count("\n", 0, match.start()) + 1, filename
        )


def _talk_header(line: str) -> dict[str, str] | None:
    """Speaker, event, year, kind and title of a talk header line, or None (linear time)."""
    match = _EVENT_YEAR.search(line)
    if match is None:
        return None
    rest = _KIND_TITLE.match(line, match.end())
    speaker = line[: match.start()].strip()
    if rest is None or not speaker:
        return None
    return {
        "speaker": speaker,
        "event": match["event"],
        "year": match["year"],
        "kind": rest["kind"],
        "title": rest["title"].rstrip(),
    }


def _parse_talk(text: str, filename: str, defaults: Metadata) -> ParsedDocument:
    lines = text.split("\n")
    header = Metadata()
    detected_lang = ""
    points: dict[int, str] = {}
    point_lines: dict[int, int] = {}
    graph_parts: list[str] = []
    graph_line = 0
    last_point: int | None = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        lineno = i + 1
        i += 1
        if not line:
            last_point = None  # a wrapped point continues only on the very next line
            continue
        if match := _VAULT_HEADER.match(line):
            header.vault_index = match["index"]
            detected_lang = detected_lang or (
                "en" if match["brand"].startswith("Knowledge") else "es"
            )
            continue
        if not points and not graph_parts and (talk := _talk_header(line)):
            kind_info = _KINDS.get(talk["kind"].strip().lower())
            if kind_info:
                header.speaker = talk["speaker"]
                header.event = talk["event"]
                header.year = int(talk["year"])
                header.kind = kind_info[0]
                header.title = talk["title"]
                detected_lang = detected_lang or kind_info[1]
                continue
        if _IMAGE_PLACEHOLDER.match(line):
            continue
        if _GRAPH_START.match(line):
            if graph_parts:
                raise ImportProblem("a second concept graph starts here", lineno, filename)
            graph_line = lineno
            block = [raw]
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            graph_parts = block
            _check_graph_complete("\n".join(block), graph_line, filename)
            continue
        if match := _FOOTER.match(line):
            header.attribution = line
            last_point = None
            continue
        if match := _POINT.match(line):
            number = int(match["number"])
            if number in points:
                raise ImportProblem(
                    f"duplicate point number {number} (first at line {point_lines[number]})",
                    lineno,
                    filename,
                )
            if not match["text"].strip():
                raise ImportProblem(f"point {number} has no text", lineno, filename)
            points[number] = match["text"].strip()
            point_lines[number] = lineno
            last_point = number
            continue
        marker_lang = next((lang for rx, lang in _LANG_MARKERS if rx.match(line)), "")
        if marker_lang:
            detected_lang = detected_lang or marker_lang
            header.generator = header.generator or line.rstrip(":").strip()[:300]
            continue
        if last_point is not None:
            # A wrapped point: the line right after a point continues its text.
            points[last_point] = f"{points[last_point]} {line}"
            continue
        raise ImportProblem(
            f"unexpected text {line[:60]!r}: expected a numbered point like '1.-…'",
            lineno,
            filename,
        )

    meta = header.merged_with(defaults)
    # An explicit language (manifest or --lang) wins over what the text suggests.
    meta.lang = defaults.lang or detected_lang
    if not meta.lang:
        raise ImportProblem(
            "unknown language: no language marker found; pass --lang en|es", 0, filename
        )
    if meta.lang not in SUPPORTED_LANGS:
        raise ImportProblem(
            f"unknown language {meta.lang!r}: expected one of {', '.join(sorted(SUPPORTED_LANGS))}",
            0,
            filename,
        )
    if not points:
        raise ImportProblem("no numbered points found (expected lines like '1.-…')", 0, filename)
    missing = sorted(set(range(1, max(points) + 1)) - set(points))
    if missing:
        shown = ", ".join(map(str, missing[:10])) + ("…" if len(missing) > 10 else "")
        last = max(point_lines.values())
        raise ImportProblem(
            f"missing point numbers: {shown} (points must run 1…{max(points)})", last, filename
        )
    if not meta.kind:
        meta.kind = "invited_talk"
    if not meta.slug:
        if not meta.speaker or not meta.year:
            raise NoTalkGiven(
                "no header with speaker, event and year, and no manifest entry: pass --talk SLUG",
                0,
                filename,
            )
        meta.slug = talk_slug(meta.speaker, meta.event, meta.year)
    graph_source = "\n".join(graph_parts).strip()
    return ParsedDocument(
        filename=filename,
        raw_text=text,
        checksum=checksum(text),
        meta=meta,
        points=points,
        graph_source=graph_source,
        graph_line=graph_line,
        graph=_parse_graph(graph_source, graph_line, filename) if graph_source else None,
    )


@dataclass
class ScannedPoint:
    line: int
    number: int
    text: str
    flag: str = ""  # "duplicate", or "gap" (numbers missing before this one)


def lint(
    text: str, filename: str = "", defaults: Metadata | None = None
) -> tuple[list[ScannedPoint], list[ImportProblem]]:
    """Every numbered point and every problem found, where ``parse`` stops at the first problem.

    For the admin preview: points with their lines (duplicates and gaps flagged) and the problems
    sorted by line, so a curator can fix a text in one go.
    """
    problems: list[ImportProblem] = []
    try:
        parse(text, filename, defaults)
    except ImportProblem as exc:
        problems.append(exc)
    lines = text.replace("\r\n", "\n").split("\n")
    scanned: list[ScannedPoint] = []
    first: dict[int, int] = {}
    i = 0
    while i < len(lines):
        line, lineno = lines[i].strip(), i + 1
        i += 1
        if _GRAPH_START.match(line):
            block = [lines[i - 1]]
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            try:
                _check_graph_complete("\n".join(block), lineno, filename)
                _parse_graph("\n".join(block).strip(), lineno, filename)
            except ImportProblem as exc:
                problems.append(exc)
            continue
        match = _POINT.match(line)
        if not match or not match["text"].strip():
            continue
        number = int(match["number"])
        point = ScannedPoint(lineno, number, match["text"].strip())
        if number in first:
            point.flag = "duplicate"
            problems.append(
                ImportProblem(
                    f"duplicate point number {number} (first at line {first[number]})",
                    lineno,
                    filename,
                )
            )
        else:
            if number > max(first, default=0) + 1:
                point.flag = "gap"
            first[number] = lineno
        scanned.append(point)
    missing = sorted(set(range(1, max(first, default=0) + 1)) - set(first))
    if missing:
        gap_line = next((p.line for p in scanned if p.flag == "gap"), 0)
        problems.append(
            ImportProblem(
                f"missing point numbers: {', '.join(map(str, missing[:10]))}", gap_line, filename
            )
        )
    unique = {(p.line, p.message): p for p in problems}
    return scanned, sorted(unique.values(), key=lambda p: p.line)


def _parse_graph(source: str, line: int, filename: str) -> Graph:
    """Parse the concept graph now, so a bad graph is reported before anything is written."""
    try:
        return parse_mermaid(source)
    except MermaidSyntaxError as exc:
        raise ImportProblem(f"concept graph: {exc}", line + exc.line - 1, filename) from None


def _check_graph_complete(block: str, line: int, filename: str) -> None:
    """A graph block whose brackets never close, or that ends on an arrow, was cut off."""
    body = _GRAPH_START.sub("", block, count=1).strip()
    if not body:
        raise ImportProblem(
            "truncated concept graph: 'graph LR' with no statements", line, filename
        )
    closers = {"[": "]", "(": ")", "{": "}"}
    stack: list[tuple[str, int]] = []  # (opening bracket, its line)
    offset = 0  # lines into the block
    for ch in block:
        if ch == "\n":
            offset += 1
        elif stack and ch == closers[stack[-1][0]]:
            stack.pop()
        elif ch in closers and (not stack or stack[-1][0] != "["):
            # Brackets nest only outside square-bracket labels; inside a label they are text.
            stack.append((ch, offset))
    if stack:
        opener, at = stack[-1]
        raise ImportProblem(
            f"truncated concept graph: a node label opened with {opener!r} is never closed",
            line + at,
            filename,
        )
    if re.search(r"(?:-->|---|==>|-\.->)\s*(?:\|[^|]*\|)?\s*$", body):
        raise ImportProblem(
            "truncated concept graph: it ends on an arrow with no target", line, filename
        )


def _parse_discussion(text: str, filename: str, defaults: Metadata) -> ParsedDocument:
    """A translated Q&A thread: title, question score, question, 'Respuestas:', scored answers, licence."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    meta = Metadata().merged_with(defaults)
    if meta.lang not in SUPPORTED_LANGS:
        raise ImportProblem(
            f"unknown language {meta.lang!r}: expected one of {', '.join(sorted(SUPPORTED_LANGS))}",
            0,
            filename,
        )
    body: list[tuple[int, str]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip() or _SITE_BOILERPLATE.match(line.strip()):
            continue
        if match := _LICENCE.match(line.strip()):
            licence = match["licence"].rstrip().removesuffix(".").rstrip()
            required = licence.lower().endswith(_ATTRIBUTION_REQUIRED)
            if required:
                licence = licence[: -len(_ATTRIBUTION_REQUIRED)]
            meta.license = _normalise_licence(licence)
            if required:
                meta.license += " (attribution required)"
            continue
        body.append((n, line))
    if not body:
        raise ImportProblem("the file has no text", filename=filename)
    title = body[0][1].strip()
    rest = body[1:]
    score = 0
    if rest and _SCORE.match(rest[0][1]):
        score = int(rest[0][1])
        rest = rest[1:]
    split = next((k for k, (_n, ln) in enumerate(rest) if _ANSWERS.match(ln)), None)
    if split is None:
        raise ImportProblem(
            "discussion without an answers section ('Respuestas:' or 'Answers:')", 0, filename
        )
    question = "\n\n".join(ln.strip() for _n, ln in rest[:split])
    answers: list[dict] = []
    for n, ln in rest[split + 1 :]:
        if _SCORE.match(ln):
            answers.append({"score": int(ln), "paragraphs": []})
        elif not answers:
            raise ImportProblem("answer text before the answer's score line", n, filename)
        else:
            answers[-1]["paragraphs"].append(ln.strip())
    if not question or not answers:
        raise ImportProblem("discussion needs a question and at least one answer", 0, filename)
    if not meta.license:
        raise ImportProblem("discussion without a licence line ('Licensed under …')", 0, filename)
    if not meta.slug:
        raise ImportProblem(
            "a discussion needs a slug (manifest entry or --talk SLUG)", 0, filename
        )
    meta.title = meta.title or title
    meta.kind = "discussion"
    return ParsedDocument(
        filename=filename,
        raw_text=text,
        checksum=checksum(text),
        meta=meta,
        thread={"title": title, "question": question, "score": score, "answers": answers},
    )


def _normalise_licence(text: str) -> str:
    match = re.match(r"cc\s+by-sa\s+([\d.]+)", text.strip(), re.IGNORECASE)
    return f"CC BY-SA {match[1]}" if match else text.strip()
