"""WCAG 2 contrast for graph colours: is a label readable on its node's classDef fill?

:func:`contrast_ratio` is the WCAG 2.x formula ((L1 + 0.05) / (L2 + 0.05) over relative luminances);
4.5 is the AA threshold for normal text. :func:`with_label_ink` gives every group whose ``fill`` is a
hex colour a label colour (``color:``) chosen for contrast, so a curator's dark fill still reads.
No Django import here.
"""

from __future__ import annotations

import re

from graphs.mermaid import Graph, Group

AA_NORMAL_TEXT = 4.5
# Black and white: whatever the fill, one of them reaches at least 4.58:1 (a softer dark ink would
# leave mid-grey fills below AA).
DARK_INK = "#000000"
LIGHT_INK = "#ffffff"
_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def parse_hex(colour: str) -> tuple[int, int, int] | None:
    """``"#f9d4d4"`` or ``"#fdd"`` -> ``(249, 212, 212)``; None for anything else."""
    match = _HEX.fullmatch(colour.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(
    a: tuple[float, float, float] | str, b: tuple[float, float, float] | str
) -> float:
    """WCAG contrast ratio of two colours (hex strings or RGB tuples), from 1 to 21."""
    rgb_a = parse_hex(a) if isinstance(a, str) else a
    rgb_b = parse_hex(b) if isinstance(b, str) else b
    if rgb_a is None or rgb_b is None:
        raise ValueError(f"not a hex colour: {a!r} / {b!r}")
    light, dark = sorted((relative_luminance(rgb_a), relative_luminance(rgb_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_ink(fill: str) -> str | None:
    """The label colour that reads best on ``fill`` (dark ink unless white contrasts more)."""
    if parse_hex(fill) is None:
        return None
    return (
        DARK_INK if contrast_ratio(fill, DARK_INK) >= contrast_ratio(fill, LIGHT_INK) else LIGHT_INK
    )


def _declarations(style: str) -> dict[str, str]:
    out = {}
    for declaration in style.split(","):
        prop, _, value = declaration.partition(":")
        out[prop.strip().lower()] = value.strip()
    return out


def with_label_ink(graph: Graph) -> Graph:
    """``graph`` with ``color:`` added to each group that has a hex ``fill`` and no colour of its own."""
    groups = []
    for group in graph.groups:
        declared = _declarations(group.style)
        ink = label_ink(declared.get("fill", ""))
        style = group.style
        if ink and "color" not in declared:
            style = f"{style},color:{ink}" if style else f"color:{ink}"
        groups.append(Group(group.name, style))
    return Graph(graph.direction, graph.nodes, graph.edges, tuple(groups))
