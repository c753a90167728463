"""Parse and serialise the vault's concept graphs, written in Mermaid flowchart syntax.

Two dialects come in:

* the Knowledge Vault's *flattened* export, where statements are separated by spaces instead of
  newlines and labels contain raw newlines, e.g.
  ``graph LR classDef rnn fill:#f9d4d4, font-size:14px; A[Alex Graves\\nICLR 2017] --> B[…1] B --> C[…]``;
* ordinary Mermaid, one statement per line or ``;``-separated, with ``%%`` comments.

Supported statements (an informal grammar; ``NAME`` is ``[\\w-]+``, ``ID`` is ``\\w+``)::

    document  := ("graph" | "flowchart") DIRECTION? statement*
    statement := "classDef" NAME ("," NAME)* decl ("," decl)* ";"?
               | "class" ID ("," ID)* NAME ";"?
               | "style" ID decl ("," decl)* ";"?                 (read and dropped)
               | "linkStyle" ("default" | N ("," N)*) decl ("," decl)* ";"?   (read and dropped)
               | node (arrow node)* ";"?
    node      := ID shape? (":::" NAME)?
    shape     := "[" text "]" | "(" text ")" | "{" text "}" | "((" text "))"     (text may be "quoted")
    arrow     := ("-->" | "---" | "-.->" | "-.-" | "==>" | "===") ("|" text "|")?

A label ending in a number (``… for sequences 1``) or a list (``… 2,3,4,5``) cites those summary
points (:attr:`Node.points`). Errors raise :class:`MermaidSyntaxError` with the offset, line and
column and what was expected. The scanner only moves forward, with anchored regular expressions made
of single character classes (no nested quantifiers), so parsing is linear in the input length.

:func:`serialise` writes the canonical form: one statement per line, classDefs first, then every
node with its quoted label, then edges, then ``class`` lines; labels are escaped with Mermaid entity
codes (``#quot;``, ``#35;``…) and newlines become ``<br/>``, so ``parse(serialise(g)) == g``.
No Django import here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.entities import name2codepoint

__all__ = [
    "DIRECTIONS",
    "EDGE_STYLES",
    "MAX_POINT_NUMBER",
    "SHAPES",
    "Edge",
    "Graph",
    "Group",
    "MermaidSyntaxError",
    "Node",
    "parse",
    "parse_prefix",
    "render_safe",
    "serialise",
    "split_points",
]

DIRECTIONS = ("TB", "TD", "BT", "RL", "LR")
DEFAULT_DIRECTION = "TD"
# Point numbers have at most three digits, so a trailing year ("ICLR 2017") is not a point link.
MAX_POINT_NUMBER = 999
_MAX_POINT_DIGITS = len(str(MAX_POINT_NUMBER))

# Node shapes: name -> (opening, closing) delimiters.
SHAPES: dict[str, tuple[str, str]] = {
    "rect": ("[", "]"),
    "round": ("(", ")"),
    "rhombus": ("{", "}"),
    "circle": ("((", "))"),
}
# Edge styles: name -> canonical arrow. Longer arrows (``--->``) keep their style, not their length.
EDGE_STYLES: dict[str, str] = {
    "arrow": "-->",
    "open": "---",
    "dotted": "-.->",
    "dotted_open": "-.-",
    "thick": "==>",
    "thick_open": "===",
}
_KEYWORDS = frozenset(
    {
        "graph",
        "flowchart",
        "classDef",
        "class",
        "style",
        "linkStyle",
        "click",
        "subgraph",
        "end",
        "direction",
    }
)
_INDENT = "    "

_WS = re.compile(r"\s*")
_HSPACE = re.compile(r"[ \t]*")
_ID = re.compile(r"\w+")
_NAME = re.compile(r"[\w-]+")
_STYLE_VALUE = re.compile(r"[^\s,;]+")
# A further space-separated word of a style value (``stroke-dasharray: 5 5``).
_STYLE_MORE = re.compile(r"[ \t]+([^\s,;:\[\](){}|]+)")
_ARROW = re.compile(r"-\.+->|-\.+-|={2,}>|={3,}|-{2,}>|-{3,}")
# Label text up to the closer; the opener is excluded so an unclosed bracket stops at the next node.
_UNQUOTED = {
    "[": re.compile(r"[^\[\]]*"),
    "(": re.compile(r"[^()]*"),
    "{": re.compile(r"[^{}]*"),
}
_OPENERS = frozenset("[({")
_ARROW_STYLES = {arrow: style for style, arrow in EDGE_STYLES.items()}
_EDGE_TEXT = re.compile(r"[^|]*")
_POINT_LIST = re.compile(r"[0-9]{1,3}(?:,[0-9]{1,3})*")
_DECODE = re.compile(r"<br[ \t]{0,8}/?>|#([A-Za-z]{1,32}|[0-9]{1,7});", re.IGNORECASE)
_ENCODE = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "|": "#124;",
    # Mermaid reads "%%{…}%%" anywhere in a diagram, labels included, as a config directive.
    "%": "#37;",
}
# Label text -> Mermaid: entity codes for markup and control characters, <br/> for newlines.
_ENCODE_TABLE = {code: f"#{code};" for code in [*range(32), 127]} | {
    ord(k): v for k, v in _ENCODE.items()
}
_ENCODE_TABLE[ord("\n")] = "<br/>"
# A classDef value Mermaid may put into the diagram's <style>: colours, lengths, weights, font names.
_SAFE_STYLE_VALUE = re.compile(r"[#\w.%() -]{1,100}")


class MermaidSyntaxError(ValueError):
    """The one error the parser raises: where (offset, line, column) and what was expected."""

    def __init__(self, text: str, position: int, expected: str, found: str | None = None) -> None:
        self.position = position
        self.line = text.count("\n", 0, position) + 1
        self.column = position - (text.rfind("\n", 0, position) + 1) + 1
        self.expected = expected
        self.found = found if found is not None else _describe(text, position)
        super().__init__(
            f"line {self.line}, column {self.column}: expected {expected}, found {self.found}"
        )


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    return f"line {line}, column {position - (text.rfind(chr(10), 0, position) + 1) + 1}"


def _describe(text: str, position: int) -> str:
    if position >= len(text):
        return "end of input"
    snippet = text[position : position + 20].split("\n", 1)[0]
    return repr(snippet) if snippet else "a line break"


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    label: str
    shape: str = "rect"
    group: str | None = None

    @property
    def points(self) -> tuple[int, ...]:
        """Summary point numbers this node cites (its label's trailing number or number list)."""
        return split_points(self.label)[1]

    @property
    def title(self) -> str:
        """The label without its trailing point numbers, for display and cross-talk matching."""
        return split_points(self.label)[0]


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str = ""
    style: str = "arrow"


@dataclass(frozen=True, slots=True)
class Group:
    """A ``classDef``: its name and normalised CSS-like style (``fill:#f9d4d4,font-weight:bold``)."""

    name: str
    style: str


@dataclass(frozen=True, slots=True)
class Graph:
    direction: str = "LR"
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    groups: tuple[Group, ...] = ()

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    @property
    def point_links(self) -> int:
        """How many nodes cite at least one summary point."""
        return sum(1 for n in self.nodes if n.points)


def split_points(label: str) -> tuple[str, tuple[int, ...]]:
    """Split ``"RNNs: LSTM, GRU\\nfor sequences 1"`` into ``("RNNs: LSTM, GRU\\nfor sequences", (1,))``.

    A point reference is a whitespace-separated trailing number of 1-3 digits, or a comma list of them
    (``2,3,4,5`` or ``2, 3``). Labels without one return ``(label, ())``. Scans the tail only once.
    """
    text = label.rstrip()
    i = len(text)
    numbers: list[int] = []
    while True:
        k = i
        while k > 0 and "0" <= text[k - 1] <= "9":
            k -= 1
        if k == i or i - k > _MAX_POINT_DIGITS:
            return label, ()
        numbers.append(int(text[k:i]))
        m = k
        while m > 0 and text[m - 1] in " \t":
            m -= 1
        if m > 0 and text[m - 1] == ",":
            i = m - 1
            while i > 0 and text[i - 1] in " \t":
                i -= 1
            continue
        break
    if k == 0 or not text[k - 1].isspace() or min(numbers) < 1:
        return label, ()
    numbers.reverse()
    return text[:k].rstrip(), tuple(dict.fromkeys(numbers))


def _decode_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name is None:  # a <br> variant
        return "\n"
    if name.isdigit():
        code = int(name)
    else:
        code = name2codepoint.get(name, name2codepoint.get(name.lower(), -1))
    if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group(0)
    return chr(code)


def _decode(text: str) -> str:
    return _DECODE.sub(_decode_entity, text).strip()


def _encode(text: str) -> str:
    return text.translate(_ENCODE_TABLE)


@dataclass
class _Assignment:
    keys: list[str]
    group: str
    position: int
    key_positions: list[int] = field(default_factory=list)
    statement: int = 0  # where its statement starts


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.direction = DEFAULT_DIRECTION
        self.nodes: dict[str, tuple[str, str]] = {}
        self.node_groups: dict[str, str] = {}
        self.edges: list[Edge] = []
        self.groups: dict[str, Group] = {}
        self.assignments: list[_Assignment] = []
        self.statement_start = 0  # where the statement being read began (parse_prefix cuts there)

    # -- helpers ---------------------------------------------------------------------------------
    def error(
        self, expected: str, position: int | None = None, found: str | None = None
    ) -> MermaidSyntaxError:
        return MermaidSyntaxError(
            self.text, self.pos if position is None else position, expected, found
        )

    def skip(self) -> None:
        """Skip whitespace, ``%%`` comments and empty statements (``;``)."""
        text = self.text
        while True:
            gap = _WS.match(text, self.pos)
            assert gap is not None  # r"\s*" matches the empty string
            self.pos = gap.end()
            if text.startswith("%%", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith(";", self.pos):
                self.pos += 1
            else:
                return

    def hspace(self) -> None:
        gap = _HSPACE.match(self.text, self.pos)
        assert gap is not None  # r"[ \t]*" matches the empty string
        self.pos = gap.end()

    def expect(self, pattern: re.Pattern[str], what: str) -> str:
        match = pattern.match(self.text, self.pos)
        if not match or match.end() == self.pos:
            raise self.error(what)
        self.pos = match.end()
        return match.group(0)

    def word_at(self, position: int) -> str:
        match = _NAME.match(self.text, position)
        return match.group(0) if match else ""

    # -- grammar ---------------------------------------------------------------------------------
    def parse(self) -> Graph:
        if "\x00" in self.text:
            raise self.error(
                "text without NUL characters",
                self.text.index("\x00"),
                "a NUL character",
            )
        self.skip()
        header = self.word_at(self.pos)
        if header not in ("graph", "flowchart"):
            raise self.error("'graph' or 'flowchart'")
        self.pos += len(header)
        self.hspace()
        word = self.word_at(self.pos)
        if word.upper() in DIRECTIONS:
            self.direction = word.upper()
            self.pos += len(word)
        while True:
            self.skip()
            if self.pos >= len(self.text):
                break
            self.statement_start = self.pos
            self.statement()
        self.resolve_classes()
        groups_of = self.node_groups
        return Graph(
            self.direction,
            tuple(
                Node(k, label, shape, groups_of.get(k)) for k, (label, shape) in self.nodes.items()
            ),
            tuple(self.edges),
            tuple(self.groups.values()),
        )

    def statement(self) -> None:
        word = self.word_at(self.pos)
        follows = self.text[self.pos + len(word) : self.pos + len(word) + 1]
        if word == "classDef" and (not follows or follows.isspace()):
            self.class_def()
        elif word == "class" and (not follows or follows.isspace()):
            self.class_statement()
        elif word in ("style", "linkStyle") and (not follows or follows.isspace()):
            self.presentation(word)
        elif word in _KEYWORDS:
            raise self.error(
                "a node, 'classDef' or 'class' statement",
                found=f"unsupported keyword {word!r}",
            )
        else:
            self.chain()

    def class_def(self) -> None:
        self.pos += len("classDef")
        self.hspace()
        names = [self.expect(_NAME, "a class name after 'classDef'")]
        while self.text.startswith(",", self.pos):
            self.pos += 1
            names.append(self.expect(_NAME, "a class name after ','"))
        style = ",".join(self.declarations())
        for name in names:
            self.groups[name] = Group(name, style)

    def declarations(self) -> list[str]:
        """``prop:value ("," prop:value)* ";"?`` after classDef, style and linkStyle."""
        declarations = []
        while True:
            self.hspace()
            prop = self.expect(_NAME, "a style declaration such as 'fill:#f9f'")
            self.hspace()
            if not self.text.startswith(":", self.pos):
                raise self.error(f"':' after style property {prop!r}")
            self.pos += 1
            self.hspace()
            value = self.style_value()
            declarations.append(f"{prop}:{value}")
            self.hspace()
            if not self.text.startswith(",", self.pos):
                break
            self.pos += 1
        if self.text.startswith(";", self.pos):
            self.pos += 1
        return declarations

    def presentation(self, keyword: str) -> None:
        """``style ID decl…`` and ``linkStyle (default | N,N…) decl…``: presentation only, read and
        dropped (the stored graph styles nodes through its classDefs; the source keeps the text)."""
        self.pos += len(keyword)
        self.hspace()
        if keyword == "style":
            self.expect(_ID, "a node id after 'style'")
        elif not self.text.startswith("default", self.pos):
            self.expect(_POINT_LIST, "'default' or link numbers after 'linkStyle'")
        else:
            self.pos += len("default")
        self.declarations()

    def style_value(self) -> str:
        text = self.text
        first = self.expect(_STYLE_VALUE, "a style value")
        # Values may hold spaces ("5 5") when the declaration is then closed by ',', ';' or a line end;
        # otherwise (the flattened export) the next word starts a new statement.
        words, end = [first], self.pos
        while True:
            match = _STYLE_MORE.match(text, end)
            if not match or match.group(1) in _KEYWORDS or _ARROW.match(match.group(1)):
                break
            words.append(match.group(1))
            end = match.end()
        if len(words) > 1:
            gap = _HSPACE.match(text, end)
            assert gap is not None  # r"[ \t]*" matches the empty string
            after = gap.end()
            if after >= len(text) or text[after] in ",;\r\n":
                self.pos = end
                return " ".join(words)
        return first

    def class_statement(self) -> None:
        self.pos += len("class")
        self.hspace()
        positions = [self.pos]
        keys = [self.expect(_ID, "a node id after 'class'")]
        while True:
            self.hspace()
            if not self.text.startswith(",", self.pos):
                break
            self.pos += 1
            self.hspace()
            positions.append(self.pos)
            keys.append(self.expect(_ID, "a node id after ','"))
        class_position = self.pos
        name = self.expect(_NAME, "a class name after the node ids")
        self.hspace()
        if self.text.startswith(";", self.pos):
            self.pos += 1
        self.assignments.append(
            _Assignment(keys, name, class_position, positions, self.statement_start)
        )

    def chain(self) -> None:
        text, arrows, ws, ids = self.text, _ARROW, _WS, _ID
        source = self.node()
        while True:
            # Hot loop of large graphs: regexes and locals rather than helper calls.
            gap = ws.match(text, self.pos)
            assert gap is not None  # r"\s*" matches the empty string
            arrow = arrows.match(text, gap.end())
            if not arrow:
                return
            self.pos = arrow.end()
            label = self.edge_label() if text.startswith("|", self.pos) else ""
            gap = ws.match(text, self.pos)
            assert gap is not None
            self.pos = gap.end()
            if not ids.match(text, self.pos):
                raise self.error(f"a node id after {arrow.group(0)!r}")
            target = self.node()
            self.edges.append(
                Edge(
                    source,
                    target,
                    label,
                    _ARROW_STYLES.get(arrow.group(0)) or _arrow_style(arrow.group(0)),
                )
            )
            source = target

    def node(self) -> str:
        text, start = self.text, self.pos
        match = _ID.match(text, start)
        if not match:
            raise self.error("a node id, 'classDef' or 'class'")
        key = match.group(0)
        if key in _KEYWORDS:
            raise self.error("a node id", start, f"reserved word {key!r}")
        gap = _HSPACE.match(text, match.end())
        assert gap is not None  # r"[ \t]*" matches the empty string
        self.pos = gap.end()
        shape, label = (
            self.shape(key) if text[self.pos : self.pos + 1] in _OPENERS else ("rect", None)
        )
        # (label, shape) per key; Node objects are built once, at the end, with their group.
        if label is not None:
            self.nodes[key] = (label, shape)
        elif key not in self.nodes:
            self.nodes[key] = (key, "rect")
        if text.startswith(":::", self.pos):
            self.pos += 3
            position = self.pos
            name = self.expect(_NAME, "a class name after ':::'")
            self.assignments.append(
                _Assignment([key], name, position, [start], self.statement_start)
            )
        return key

    def shape(self, key: str) -> tuple[str, str | None]:
        text, opened = self.text, self.pos
        if text.startswith("((", opened):  # the caller checked that an opener follows
            shape, closer = "circle", "))"
            self.pos += 2
        else:
            shape = {"[": "rect", "(": "round", "{": "rhombus"}[text[opened]]
            closer = SHAPES[shape][1]
            self.pos += 1

        def unclosed(closing: str) -> str:  # built only on error: _where() counts lines
            return f"{closing} to close {SHAPES[shape][0]!r} opened at {_where(text, opened)}"

        if text.startswith('"', self.pos):
            end = text.find('"', self.pos + 1)
            if end < 0:
                raise self.error(unclosed("'\"'"), len(text))
            raw = text[self.pos + 1 : end]
            self.pos = end + 1
            self.hspace()
        else:
            unquoted = _UNQUOTED[SHAPES[shape][0][0]].match(text, self.pos)
            assert unquoted is not None  # each pattern is r"[^...]*": it matches the empty string
            raw = unquoted.group(0)
            self.pos += len(raw)
        if not text.startswith(closer, self.pos):
            raise self.error(unclosed(repr(closer)))
        self.pos += len(closer)
        label = _decode(raw)
        if not label:
            raise self.error(f"label text for node {key!r}", opened + len(SHAPES[shape][0]))
        return shape, label

    def edge_label(self) -> str:
        text, opened = self.text, self.pos
        self.pos += 1
        if text.startswith('"', self.pos):
            end = text.find('"', self.pos + 1)
            if end < 0:
                raise self.error("'\"' to close the edge label", len(text))
            raw = text[self.pos + 1 : end]
            self.pos = end + 1
        else:
            unquoted = _EDGE_TEXT.match(text, self.pos)
            assert unquoted is not None  # r"[^|]*" matches the empty string
            raw = unquoted.group(0)
            self.pos += len(raw)
        if not text.startswith("|", self.pos):
            raise self.error(f"'|' to close the edge label opened at {_where(text, opened)}")
        self.pos += 1
        label = _decode(raw)
        if not label:
            raise self.error("edge label text", opened + 1)
        return label

    def resolve_classes(self) -> None:
        for assignment in self.assignments:
            if assignment.group not in self.groups:
                self.statement_start = assignment.statement
                raise self.error(
                    "a class defined by classDef",
                    assignment.position,
                    f"unknown class {assignment.group!r}",
                )
            for key, position in zip(assignment.keys, assignment.key_positions, strict=True):
                if key not in self.nodes:
                    self.statement_start = assignment.statement
                    raise self.error(
                        "a node defined in the graph", position, f"unknown node {key!r}"
                    )
                self.node_groups[key] = assignment.group


def _arrow_style(arrow: str) -> str:
    head = "" if arrow.endswith(">") else "_open"
    if arrow.startswith("="):
        return "thick" + head
    if "." in arrow:
        return "dotted" + head
    return "arrow" if head == "" else "open"


def parse(text: str) -> Graph:
    """Parse a Mermaid flowchart (flattened or ordinary). Raises :class:`MermaidSyntaxError`."""
    return _Parser(text).parse()


#: Statements refused outright, never read around: they make a rendered diagram run code or open links.
UNSAFE_KEYWORDS = frozenset({"click", "href", "call"})


def parse_prefix(text: str) -> tuple[Graph, int, MermaidSyntaxError | None]:
    """The graph of the longest run of complete statements at the start of ``text``.

    For pages cut short: returns ``(graph, end, error)`` where ``text[:end]`` parses strictly to
    ``graph`` and ``error`` is the first problem after it (None when the whole text parsed). A
    statement that breaks off, or a ``class`` line naming a node or class that never came, ends the
    prefix. At most three strict parses of shrinking prefixes, so still linear. An unsafe statement
    (``click``…) is never read around: it raises, as :func:`parse` does.
    """
    end = len(text)
    first_error: MermaidSyntaxError | None = None
    for _attempt in range(3):
        parser = _Parser(text[:end])
        try:
            return parser.parse(), end, first_error
        except MermaidSyntaxError as exc:
            if any(f"keyword {word!r}" in exc.found for word in UNSAFE_KEYWORDS):
                raise
            first_error = first_error or exc
            if parser.statement_start <= 0 or parser.statement_start >= end:
                raise first_error from None
            end = len(text[: parser.statement_start].rstrip())
    assert first_error is not None
    raise first_error  # pragma: no cover - a third cut always parses (see the docstring)


def render_safe(graph: Graph) -> Graph:
    """``graph`` with every classDef declaration a browser could misread dropped, for the Mermaid view.

    Labels need nothing here (:func:`serialise` writes them as entity codes); classDef values are
    copied into the diagram's CSS verbatim, so only plain values (``fill:#f9d4d4``, ``font-size:14px``,
    ``stroke-dasharray:5 5``) stay: no quotes, braces, colons, semicolons, angle brackets or ``%%``.
    """
    groups = []
    for group in graph.groups:
        kept = []
        for declaration in group.style.split(","):
            prop, _, value = declaration.partition(":")
            if _NAME.fullmatch(prop) and _SAFE_STYLE_VALUE.fullmatch(value) and "%%" not in value:
                kept.append(f"{prop}:{value}")
        groups.append(Group(group.name, ",".join(kept) or "fill:#e2e8f0"))
    return Graph(graph.direction, graph.nodes, graph.edges, tuple(groups))


def serialise(graph: Graph) -> str:
    """The canonical, readable multi-line Mermaid for ``graph`` (``parse`` gives ``graph`` back)."""
    lines = [f"graph {graph.direction}"]
    for group in graph.groups:
        lines.append(f"{_INDENT}classDef {group.name} {group.style};")
    for node in graph.nodes:
        opener, closer = SHAPES[node.shape]
        lines.append(f'{_INDENT}{node.key}{opener}"{_encode(node.label)}"{closer}')
    for edge in graph.edges:
        arrow = EDGE_STYLES[edge.style]
        text = f'|"{_encode(edge.label)}"|' if edge.label else ""
        lines.append(f"{_INDENT}{edge.source} {arrow}{text} {edge.target}")
    members: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.group is not None:
            members.setdefault(node.group, []).append(node.key)
    for name, keys in members.items():
        lines.append(f"{_INDENT}class {','.join(keys)} {name};")
    return "\n".join(lines) + "\n"
