"""Parser for Knowledge Vault pages (and the translated Q&A threads shipped beside them).

Pure Python, no Django import, linear in the text. A talk page looks like::

    Knowledge Vault 2/36 - ICLR 2014-2023                        <- vault header: vault/entry, event
    Alex Graves ICLR 2017 - Invited Talk - New Directions …      <- speaker, event, year, kind, title
    <Resume Image >                                              <- image line (any spelling)
    Concept Graph & Resume using Claude 3 Opus | …:              <- generator line (language marker)
    graph LR classDef … A[Alex Graves                            <- concept graph, until a blank line
    ICLR 2017] --> B[…]                                             or a point
    Resume:                                                      <- optional
    1.-RNNs with multiplicative units …                          <- numbered points, blank lines optional
    …
    Knowledge Vault built byDavid Vivancos 2024                  <- attribution footer

The same grammar reads the other vaults' headers, in English and Spanish (``ConocimientoBóveda 2/45``,
``Conocimiento Bóveda 2/45``): ``Knowledge Vault 6 /14 - ICML 2017`` followed by a title line and a
speaker line; ``Knowledge Vault 1 - Lex 100 - 23 (2024)`` followed by an image line and a links line
(``Name: Title | … | https://…``); other collections (``… 5/8 - AI for Good 2023``, ``… 4/12 - CVPR
2017-2023``) with an event of several words. The vault index (``2/45``) is the talk's natural key: the
writer joins the EN and ES pages of one entry into one talk.

One scanner (``scan``) classifies the lines; ``parse`` and ``lint`` both read its output. A page
imports what it holds: a graph without points, points without a graph, and the complete statements
of a graph that breaks off (``graphs.mermaid.parse_prefix``) are imported with a **warning** naming
the line (``ParsedDocument.warnings``; the writer keeps them on the source document and leaves the
talk a draft). A **problem** (``ImportProblem`` raised) means nothing is written: duplicate or missing
point numbers, an unsafe graph statement, an unknown language, or a text in which neither points nor
a graph can be read. Files without a header take their metadata from the bundled manifest
(``manifest.py``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from graphs.mermaid import Graph, MermaidSyntaxError, parse_prefix

#: The languages this grammar has header words for ("Knowledge Vault", "Conocimiento Bóveda"). The
#: site's own list is settings.LANGUAGES; tests/test_house_rules.py checks the two agree.
SUPPORTED_LANGS = frozenset({"en", "es"})

# The patterns below run on every line of untrusted text, so none may backtrack quadratically: no lazy
# ``.+?`` followed by ``\s*$`` and no ``\s+`` that a search can restart inside a whitespace run (a
# 10,000-space line took 4 s, a 1 MB one would take days). Lines arrive stripped; every pattern is
# anchored at the line start. tests/test_fuzz_importer.py
_BRAND = r"(?P<brand>Knowledge\s?Vault|Conocimiento\s?B[oó]veda|B[oó]veda\s(?:de\s)?Conocimiento)"
# "Knowledge Vault 2/36 - ICLR 2014-2023", "ConocimientoBóveda 2/45", "Knowledge Vault 6 /14 - ICML 2017"
_VAULT_HEADER = re.compile(
    _BRAND + r"\s*(?P<vault>\d{1,3})\s*/\s*(?P<entry>\d{1,5})\s*(?:-\s*(?P<collection>.*))?$",
    re.IGNORECASE,
)
# "Knowledge Vault 1 - Lex 100 - 23 (2024)": vault, collection, entry, year
_SERIES_HEADER = re.compile(
    _BRAND + r"\s*(?P<vault>\d{1,3})\s*-\s*(?P<collection>[^-]*[^-\s])\s*-\s*(?P<entry>\d{1,5})"
    r"\s*(?:\(\s*(?P<year>(?:19|20)\d\d)\s*\))?$",
    re.IGNORECASE,
)
#: What a vault's header leaves out, by vault number: vault 1 holds Lex Fridman's interviews.
VAULT_DEFAULTS: dict[int, dict[str, str]] = {
    1: {"event": "Lex Fridman Podcast", "kind": "interview"},
}
# The middle part of "<speaker> <EVENT> <year> - <kind> - <title>" -> (kind, language it is written in)
_KINDS = {
    "invited talk": ("invited_talk", "en"),
    "invited talks": ("invited_talk", "en"),
    "invited speaker": ("invited_talk", "en"),
    "invited speakers": ("invited_talk", "en"),
    "keynote": ("invited_talk", "en"),
    "keynote talk": ("invited_talk", "en"),
    "keynote speaker": ("invited_talk", "en"),
    "plenary talk": ("invited_talk", "en"),
    "talk": ("talk", "en"),
    "tutorial": ("talk", "en"),
    "interview": ("interview", "en"),
    "charla invitada": ("invited_talk", "es"),
    "charlas invitadas": ("invited_talk", "es"),
    "conferencia invitada": ("invited_talk", "es"),
    "conferencia magistral": ("invited_talk", "es"),
    "ponente invitado": ("invited_talk", "es"),
    "ponentes invitados": ("invited_talk", "es"),
    "orador invitado": ("invited_talk", "es"),
    "oradores invitados": ("invited_talk", "es"),
    "charla": ("talk", "es"),
    "entrevista": ("interview", "es"),
}
_YEAR = re.compile(r"(?:19|20)\d\d$")
_YEARS = re.compile(r"(?:19|20)\d\d(?:\s*-\s*(?:19|20)\d\d)?$")
_EVENT_WORD = re.compile(r"[A-Z][A-Za-z0-9]*$")
_POINT = re.compile(r"(?P<number>\d{1,4})\s*\.\s*[-–—]\s*(?P<text>.*)$")
_GRAPH_START = re.compile(r"(?:graph|flowchart)\s+(?:LR|RL|TD|TB|BT)\b")
# "<Resume Image >", "< Resume Image >", "<Imagen del Resumen>", "<Imagen de Resumen >", …
_IMAGE_PLACEHOLDER = re.compile(
    r"<[^<>]{0,80}\b(?:image|imagen|resume|resumen|summary)\b[^<>]{0,80}>$", re.IGNORECASE
)
# Generator lines name the tools ("Concept Graph & Resume using …", "Concept Graph using Moonshot Kimi
# K2", "Concept Graph (using Gemini Ultra + Claude3):", "Gráfico de Conceptos & Resumen usando …").
_GENERATORS = (
    (re.compile(r"(?:Concept Graph|Resume using|Summary using)\b", re.IGNORECASE), "en"),
    (re.compile(r"(?:Gr[aá]fico de Conceptos|Resumen usando)\b", re.IGNORECASE), "es"),
)
_RESUME_MARKERS = (
    (re.compile(r"(?:Resume|Summary)\s*:?$", re.IGNORECASE), "en"),
    (re.compile(r"Resumen\s*:?$", re.IGNORECASE), "es"),
)
_FOOTER = re.compile(
    r"(?:Knowledge Vault built by|B[oó]veda de Conocimiento construida por)\s*(?P<who>.*)$",
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
    links: str = ""  # the links line of a page (video, transcript), as written
    # What the page is known to hold ("resume": points only, "graph": graph only), e.g. from the
    # manifest; a section the page is known to lack is not warned about.
    sections: str = ""
    # A translation by the vault's curators (manifest only): its kind ("bundled" for the files
    # shipped beside the corpus, "curators" for one made in the workbench) and source language.
    translation: str = ""
    translated_from: str = ""

    def merged_with(self, other: Metadata) -> Metadata:
        """Fields of ``self`` filled in from ``other`` where ``self`` has none."""
        mine, theirs = asdict(self), asdict(other)
        return Metadata(**{k: mine[k] if mine[k] not in ("", None) else theirs[k] for k in mine})


@dataclass
class ScannedPoint:
    line: int
    number: int
    text: str
    flag: str = ""  # "duplicate", or "gap" (numbers missing before this one)


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
    # What could not be read, each with its line: the page imports without it (and stays a draft).
    warnings: list[ImportProblem] = field(default_factory=list)
    scanned: list[ScannedPoint] = field(default_factory=list)
    slug_given: bool = False  # the slug came from the manifest or the curator, not from the header

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
            "warnings": [w.as_dict() for w in self.warnings],
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


def slugify(value: str) -> str:
    """Django's ``slugify`` (ASCII), written out so the parser imports no Django: the same slugs."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


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


# -- the scanner: one pass over the lines, shared by parse() and lint() ------------------------------


@dataclass
class Line:
    """One classified line (or, for ``graph``, the block of lines a concept graph spans)."""

    number: int  # 1-based line number where it starts
    kind: str  # vault | series | image | links | generator | resume | graph | point | footer | text
    text: str  # stripped text; for ``graph`` the raw block
    match: re.Match[str] | None = None
    end: int = 0  # last line of a graph block


def _has_link(line: str) -> bool:
    lower = line.lower()
    return "http://" in lower or "https://" in lower or "www." in lower


def _ends_graph(line: str) -> bool:
    """A line that cannot belong to a graph block (pages whose points follow the graph directly)."""
    return bool(
        _POINT.match(line)
        or _FOOTER.match(line)
        or any(rx.match(line) for rx, _lang in _RESUME_MARKERS)
        or any(rx.match(line) for rx, _lang in _GENERATORS)
    )


def scan(text: str) -> list[Line]:
    """Classify every non-blank line of a talk page, in order (linear in the text's length)."""
    lines = text.split("\n")
    out: list[Line] = []
    i = 0
    while i < len(lines):
        raw, number = lines[i], i + 1
        line = raw.strip()
        i += 1
        if not line:
            out.append(Line(number, "blank", ""))
            continue
        if _GRAPH_START.match(line):
            block = [raw]
            while i < len(lines) and lines[i].strip() and not _ends_graph(lines[i].strip()):
                block.append(lines[i])
                i += 1
            out.append(Line(number, "graph", "\n".join(block), end=i))
            continue
        for kind, pattern in (
            ("vault", _VAULT_HEADER),
            ("series", _SERIES_HEADER),
            ("point", _POINT),
            ("footer", _FOOTER),
            ("image", _IMAGE_PLACEHOLDER),
        ):
            if match := pattern.match(line):
                out.append(Line(number, kind, line, match))
                break
        else:
            if any(rx.match(line) for rx, _lang in _RESUME_MARKERS):
                out.append(Line(number, "resume", line))
            elif any(rx.match(line) for rx, _lang in _GENERATORS):
                out.append(Line(number, "generator", line))
            elif _has_link(line):
                out.append(Line(number, "links", line))
            else:
                out.append(Line(number, "text", line))
    return out


def _lang_of(line: str, table) -> str:
    return next((lang for rx, lang in table if rx.match(line)), "")


# -- the header grammar -------------------------------------------------------------------------------


def _collection(text: str) -> tuple[str, int | None]:
    """``"ICLR 2014-2023"`` -> ("ICLR", None); ``"ICML 2017"`` -> ("ICML", 2017); ``"Lex 100"`` -> ("", None)."""
    words = text.split()
    if len(words) >= 2 and _YEARS.match(words[-1]):
        year = int(words[-1]) if _YEAR.match(words[-1]) else None
        return " ".join(words[:-1]), year
    if len(words) >= 3 and words[-2] == "-" and _YEAR.match(words[-1]) and _YEAR.match(words[-3]):
        return " ".join(words[:-3]), None  # "ICLR 2014 - 2023"
    return "", None


def _talk_header(line: str, event_hint: str = "") -> dict[str, str] | None:
    """Speaker, event, year, kind and title of ``<speaker> <EVENT> <year> - <kind> - <title>``, or None.

    The event is the word before the year, or the vault header's event when the line ends with it
    (``Lena Okafor AI for Good 2023 - Keynote - …``). The kind may be missing or unknown; then
    everything after the first `` - `` is the title.
    """
    # Whitespace runs collapsed first: a regex split on r"\s+-\s+" restarts inside every run (quadratic).
    parts = " ".join(line.split()).split(" - ")
    if len(parts) < 2:
        return None
    head = parts[0].split()
    if len(head) < 3 or not _YEAR.match(head[-1]):
        return None
    before = " ".join(head[:-1])
    if event_hint and before.endswith(" " + event_hint):
        speaker, event = before[: -len(event_hint)].strip(), event_hint
    elif _EVENT_WORD.match(head[-2]):
        speaker, event = " ".join(head[:-2]), head[-2]
    else:
        return None
    if not speaker:
        return None
    kind = parts[1].strip().lower()
    if kind in _KINDS:
        title = " - ".join(parts[2:])
    else:
        kind, title = "", " - ".join(parts[1:])
    return {"speaker": speaker, "event": event, "year": head[-1], "kind": kind, "title": title}


def _speaker_and_title(text: str) -> tuple[str, str]:
    """``"Jonas Weber: Robots, Hands and Common Sense | Lex Fridman Podcast #512 | https://…"``."""
    first = text.split("|", 1)[0].strip()
    name, sep, title = first.partition(": ")
    if sep and name and title and not _has_link(first) and len(name.split()) <= 6:
        return name.strip(), title.strip()
    return "", ""


@dataclass
class _Reading:
    """Everything one pass over a talk page found; ``parse`` and ``lint`` report from it."""

    header: Metadata
    detected_lang: str = ""
    points: dict[int, str] = field(default_factory=dict)
    scanned: list[ScannedPoint] = field(default_factory=list)
    graph_source: str = ""
    graph_line: int = 0
    graph: Graph | None = None
    problems: list[ImportProblem] = field(default_factory=list)  # nothing is written
    warnings: list[ImportProblem] = field(default_factory=list)  # imported without it
    first_text: int = 0  # the first line read as plain text (where "nothing to import" points)


def _read_talk(text: str, filename: str, defaults: Metadata) -> _Reading:
    header = Metadata()
    reading = _Reading(header)
    free: list[Line] = []  # text lines before the first section: title and speaker (Vault 6)
    vault_line = 0
    links = ""
    event_hint = ""
    point_lines: dict[int, int] = {}
    last_point: int | None = None
    sections_started = False
    for line in scan(text):
        kind = line.kind
        if kind == "blank":
            last_point = None  # a wrapped point continues only on the very next line
            continue
        if kind in ("vault", "series") and not header.vault_index:
            _read_vault_header(line, header, reading)
            event_hint = header.event
            vault_line = line.number
            continue
        if kind == "text" and not sections_started and not header.speaker:
            talk = _talk_header(line.text, event_hint)
            if talk:
                kind_info = _KINDS.get(talk["kind"])
                header.speaker, header.event = talk["speaker"], talk["event"]
                header.year = int(talk["year"])
                header.title = talk["title"].rstrip()
                if kind_info:
                    header.kind = kind_info[0]
                    reading.detected_lang = reading.detected_lang or kind_info[1]
                continue
        if kind == "image":
            continue
        if kind == "links":
            links = links or line.text[:500]
            continue
        if kind == "generator":
            reading.detected_lang = reading.detected_lang or _lang_of(line.text, _GENERATORS)
            header.generator = header.generator or line.text.rstrip(":").strip()[:300]
            sections_started = True
            continue
        if kind == "resume":
            reading.detected_lang = reading.detected_lang or _lang_of(line.text, _RESUME_MARKERS)
            sections_started = True
            continue
        if kind == "graph":
            sections_started = True
            last_point = None
            _read_graph(line, reading, filename)
            continue
        if kind == "footer":
            header.attribution = line.text
            last_point = None
            continue
        if kind == "point":
            sections_started = True
            assert line.match is not None
            last_point = _read_point(line, reading, point_lines, filename)
            continue
        if kind in ("vault", "series"):
            reading.warnings.append(
                ImportProblem("a second vault header, left out", line.number, filename)
            )
            continue
        # Plain text.
        reading.first_text = reading.first_text or line.number
        if last_point is not None:
            # A wrapped point: the line right after a point continues its text.
            reading.points[last_point] = f"{reading.points[last_point]} {line.text}"
            continue
        if not sections_started:
            free.append(line)
            continue
        reading.warnings.append(
            ImportProblem(
                f"text that is neither a numbered point nor part of the graph, left out: "
                f"{line.text[:60]!r}",
                line.number,
                filename,
            )
        )
    # Lines above the vault header (a site's navigation, say) are not the title or the speaker.
    above = [line for line in free if line.number < vault_line]
    free = [line for line in free if line.number > vault_line]
    for left in above + _header_from_free_lines(header, free, links):
        reading.warnings.append(
            ImportProblem(
                f"text before the first section that is not part of the header, left out: "
                f"{left.text[:60]!r}",
                left.number,
                filename,
            )
        )
    header.links = links
    _check_numbers(reading, point_lines, filename)
    return reading


def _read_vault_header(line: Line, header: Metadata, reading: _Reading) -> None:
    match = line.match
    assert match is not None
    header.vault_index = f"{int(match['vault'])}/{int(match['entry'])}"
    reading.detected_lang = reading.detected_lang or (
        "en" if match["brand"].lower().startswith("knowledge") else "es"
    )
    event, year = _collection(match["collection"] or "")
    defaults = VAULT_DEFAULTS.get(int(match["vault"]), {})
    header.event = event or defaults.get("event", "")
    header.kind = defaults.get("kind", "")
    if line.kind == "series" and match["year"]:
        header.year = int(match["year"])
    elif year:
        header.year = year


def _header_from_free_lines(header: Metadata, free: list[Line], links: str) -> list[Line]:
    """Vault 6 and 1 pages carry title and speaker on lines of their own, or in the links line.

    Returns the free lines that are neither (the caller warns about each: nothing is dropped silently).
    """
    left = list(free)
    if not header.speaker and links:
        header.speaker, title = _speaker_and_title(links)
        header.title = header.title or title
    if not header.title and left:
        header.title = left.pop(0).text
    if not header.speaker and left:
        header.speaker = left.pop(0).text
    return left


def _read_point(
    line: Line, reading: _Reading, point_lines: dict[int, int], filename: str
) -> int | None:
    match = line.match
    assert match is not None
    number = int(match["number"])
    point = ScannedPoint(line.number, number, match["text"].strip())
    if not point.text:
        reading.problems.append(ImportProblem(f"point {number} has no text", line.number, filename))
        return None
    if number in point_lines:
        point.flag = "duplicate"
        reading.problems.append(
            ImportProblem(
                f"duplicate point number {number} (first at line {point_lines[number]})",
                line.number,
                filename,
            )
        )
        reading.scanned.append(point)
        return None
    if number > max(point_lines, default=0) + 1:
        point.flag = "gap"
    point_lines[number] = line.number
    reading.points[number] = point.text
    reading.scanned.append(point)
    return number


def _check_numbers(reading: _Reading, point_lines: dict[int, int], filename: str) -> None:
    missing = sorted(set(range(1, max(point_lines, default=0) + 1)) - set(point_lines))
    if missing:
        shown = ", ".join(map(str, missing[:10])) + ("…" if len(missing) > 10 else "")
        gap_line = next((p.line for p in reading.scanned if p.flag == "gap"), 0)
        reading.problems.append(
            ImportProblem(
                f"missing point numbers: {shown} (points must run 1…{max(point_lines)})",
                gap_line or max(point_lines.values()),
                filename,
            )
        )


def _read_graph(line: Line, reading: _Reading, filename: str) -> None:
    """The graph's complete statements; a cut-off or unreadable rest becomes a warning with its line."""
    if reading.graph_line:
        reading.warnings.append(
            ImportProblem(
                f"a second concept graph (the first is at line {reading.graph_line}), left out",
                line.number,
                filename,
            )
        )
        return
    # "**bold**" is left over from scraped renderings: Mermaid would show the asterisks.
    source = line.text.replace("**", "").strip()
    reading.graph_line = line.number
    try:
        graph, end, error = parse_prefix(source)
    except MermaidSyntaxError as exc:
        raise ImportProblem(_graph_error(exc), line.number + exc.line - 1, filename) from None
    if error is not None:
        at = line.number + error.line - 1
        what = _truncation(source, error)
        kept = len(graph.nodes)
        reading.warnings.append(
            ImportProblem(
                f"{what}; the graph keeps the {kept} node(s) and {len(graph.edges)} edge(s) "
                f"before it",
                at,
                filename,
            )
        )
    if graph.nodes:
        reading.graph, reading.graph_source = graph, source[:end].strip()
    elif error is None:
        reading.warnings.append(
            ImportProblem("the concept graph has no nodes, left out", line.number, filename)
        )


# The parser's "']' to close '[' opened at …" and "'|' to close the edge label opened at …".
_UNCLOSED = re.compile(
    r"'(?P<close>[^']+)' to close (?:'(?P<open>[^']+)'|(?P<edge>the edge label))"
)


def _truncation(source: str, error: MermaidSyntaxError) -> str:
    if error.found == "end of input":
        if match := _UNCLOSED.match(error.expected):
            what, opened = (
                ("an edge label", match["close"])
                if match["edge"]
                else ("a node label", match["open"])
            )
            return f"truncated concept graph: {what} opened with {opened!r} is never closed"
        return f"truncated concept graph: it breaks off where {error.expected} should follow"
    return _graph_error(error)


def _graph_error(error: MermaidSyntaxError) -> str:
    """The parser's message without its line inside the graph (the caller gives the file's line)."""
    return f"concept graph, column {error.column}: expected {error.expected}, found {error.found}"


def _parse_talk(text: str, filename: str, defaults: Metadata) -> ParsedDocument:
    reading = _read_talk(text, filename, defaults)
    if reading.problems:
        raise min(reading.problems, key=lambda p: p.line or 10**9)
    meta = reading.header.merged_with(defaults)
    # An explicit language (manifest or --lang) wins over what the text suggests.
    meta.lang = defaults.lang or reading.detected_lang
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
    warnings = list(reading.warnings)
    if not reading.points and reading.graph is None:
        raise ImportProblem(
            "nothing to import: no numbered points (lines like '1.-…') and no concept graph",
            min((w.line for w in warnings if w.line), default=0) or reading.first_text or 1,
            filename,
        )
    if not reading.points and meta.sections != "graph":
        warnings.append(
            ImportProblem("no numbered points: only the concept graph is imported", 0, filename)
        )
    if reading.graph is None and not reading.graph_line and meta.sections != "resume":
        warnings.append(
            ImportProblem("no concept graph: only the summary points are imported", 0, filename)
        )
    if not meta.kind:
        meta.kind = "invited_talk"
    slug_given = bool(defaults.slug)
    if not meta.slug:
        if meta.speaker and meta.year:
            meta.slug = talk_slug(meta.speaker, meta.event, meta.year)
        elif meta.vault_index:
            meta.slug = slugify(f"vault {meta.vault_index.replace('/', ' ')}")
        else:
            raise NoTalkGiven(
                "no header with speaker, event and year, and no manifest entry: pass --talk SLUG",
                0,
                filename,
            )
    if not meta.title and meta.vault_index and not slug_given:
        meta.title = f"{meta.event or 'Knowledge Vault'} {meta.vault_index}".strip()
        warnings.append(
            ImportProblem(f"no title in the page: titled {meta.title!r} for now", 0, filename)
        )
    return ParsedDocument(
        filename=filename,
        raw_text=text,
        checksum=checksum(text),
        meta=meta,
        points=reading.points,
        graph_source=reading.graph_source,
        graph_line=reading.graph_line,
        graph=reading.graph,
        warnings=sorted(warnings, key=lambda w: w.line),
        scanned=reading.scanned,
        slug_given=slug_given,
    )


def lint(
    text: str, filename: str = "", defaults: Metadata | None = None
) -> tuple[list[ScannedPoint], list[ImportProblem], list[ImportProblem]]:
    """Every numbered point, every problem and every warning, where ``parse`` stops at the first problem.

    For the admin preview: points with their lines (duplicates and gaps flagged), the problems (nothing
    is written while there is one) and the warnings (imported without it), each sorted by line, so a
    curator can fix a text in one go. Reads the text with the same scanner and grammar as ``parse``.
    """
    problems: list[ImportProblem] = []
    warnings: list[ImportProblem] = []
    scanned: list[ScannedPoint] = []
    try:
        doc = parse(text, filename, defaults)
        scanned, warnings = doc.scanned, doc.warnings
    except ImportProblem as exc:
        problems.append(exc)
        if (defaults or Metadata()).kind != "discussion":
            try:
                reading = _read_talk(text.replace("\r\n", "\n"), filename, defaults or Metadata())
            except ImportProblem:
                pass
            else:
                scanned, warnings = reading.scanned, reading.warnings
                problems += reading.problems

    def by_line(found: list[ImportProblem]) -> list[ImportProblem]:
        unique = {(p.line, p.message): p for p in found}
        return sorted(unique.values(), key=lambda p: p.line)

    return scanned, by_line(problems), by_line(warnings)


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
