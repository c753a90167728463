"""A strict little BibTeX reader for tests: ``@type{key, name = {value}, …}`` with balanced braces.

Enough to prove an entry parses the way BibTeX reads it (a stray brace or a missing comma fails).
"""

from __future__ import annotations

import re

_HEAD = re.compile(r"\s*@(\w+)\s*\{\s*([^,\s{}]+)\s*,")
_NAME = re.compile(r"\s*(\w+)\s*=\s*")


def _braced(text: str, start: int) -> tuple[str, int]:
    assert text[start] == "{", f"expected '{{' at {start}: {text[start : start + 20]!r}"
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return text[start + 1 : i], i + 1
        i += 1
    raise AssertionError("unbalanced braces")


def parse(text: str) -> dict:
    """``{"type", "key", "fields": {name: value}}`` of the one entry in ``text``; AssertionError if not BibTeX."""
    head = _HEAD.match(text)
    assert head, f"no @type{{key, at the start: {text[:40]!r}"
    fields: dict[str, str] = {}
    pos = head.end()
    while True:
        if re.match(r"\s*\}\s*$", text[pos:]):
            break
        name = _NAME.match(text, pos)
        assert name, f"expected a field at {text[pos : pos + 30]!r}"
        value, pos = _braced(text, name.end())
        assert name.group(1).lower() not in fields, f"duplicate field {name.group(1)}"
        fields[name.group(1).lower()] = value
        sep = re.match(r"\s*,", text[pos:])
        if sep:
            pos += sep.end()
    return {"type": head.group(1).lower(), "key": head.group(2), "fields": fields}
