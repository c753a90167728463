"""Readable colours: WCAG contrast of graph labels on their classDef fills, and of both site themes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graphs import contrast, mermaid

ROOT = Path(__file__).resolve().parent.parent
AA = contrast.AA_NORMAL_TEXT


def corpus_fills() -> set[str]:
    fills = set()
    for path in (ROOT / "data" / "corpus").glob("*.txt"):
        fills |= set(re.findall(r"classDef \S+ [^\n]*?fill:(#[0-9a-fA-F]{3,6})", path.read_text()))
    return fills


def theme(block_selector: str) -> dict[str, str]:
    """The custom properties of one rule of static/css/vault.css (``:root {`` or ``:root[data-theme=dark] {``)."""
    css = (ROOT / "static" / "css" / "vault.css").read_text()
    body = css.split(block_selector + " {", 1)[1].split("}", 1)[0]
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})", body))


def test_the_contrast_ratio_is_wcags():
    assert contrast.contrast_ratio("#000", "#fff") == pytest.approx(21)
    assert contrast.contrast_ratio("#1f5fbf", "#1f5fbf") == pytest.approx(1)
    assert contrast.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast.contrast_ratio("#fff", "#767676") == pytest.approx(4.54, abs=0.01)
    with pytest.raises(ValueError):
        contrast.contrast_ratio("red", "#fff")


def test_every_corpus_fill_is_readable_under_its_label_colour():
    fills = corpus_fills()
    assert len(fills) >= 6
    for fill in fills:
        assert contrast.contrast_ratio(fill, contrast.label_ink(fill)) >= AA, fill


@pytest.mark.parametrize(
    "fill", ["#000000", "#1e3a8a", "#7f1d1d", "#f9d4d4", "#ffff00", "#808080", "#767676", "#959595"]
)
def test_any_hex_fill_gets_the_label_colour_that_contrasts_more(fill):
    ink = contrast.label_ink(fill)
    other = contrast.LIGHT_INK if ink == contrast.DARK_INK else contrast.DARK_INK
    assert contrast.contrast_ratio(fill, ink) >= contrast.contrast_ratio(fill, other)
    assert contrast.contrast_ratio(fill, ink) >= AA


def test_label_colours_are_added_to_groups_without_one():
    graph = mermaid.parse(
        "graph LR\nclassDef a fill:#111111\nclassDef b fill:#f9d4d4, color:#000\nclassDef c stroke:#333\n"
        "A[x]:::a\nB[y]:::b\nC[z]:::c\n"
    )
    styles = {g.name: g.style for g in contrast.with_label_ink(graph).groups}
    assert styles["a"].endswith("color:#ffffff")
    assert styles["b"].count("color") == 1
    assert "color" not in styles["c"]


def test_the_talk_page_draws_each_group_with_its_label_colour(client, corpus_db):
    html = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    payload = json.loads(
        re.search(r'<script id="graph-data-alex-graves-iclr-2017"[^>]*>(.*?)</script>', html, re.S)[
            1
        ]
    )
    class_defs = re.findall(r"classDef \S+ ([^;\n]+)", payload["mermaid"])
    assert class_defs and all("color:#000000" in d for d in class_defs)


@pytest.mark.parametrize("selector", [":root", ":root[data-theme=dark]"])
def test_both_themes_meet_aa_for_text(selector):
    t = theme(selector)
    pairs = [
        ("--ink", "--bg"),
        ("--ink", "--card"),
        ("--muted", "--bg"),
        ("--muted", "--card"),
        ("--accent", "--bg"),
        ("--accent", "--card"),
        ("--accent-ink", "--accent"),
        ("--ink", "--warn"),
        ("--ink", "--highlight"),
        ("--ink", "--highlight-soft"),
        ("--error", "--bg"),
        ("--paper-ink", "--paper"),
    ]
    for fg, bg in pairs:
        assert contrast.contrast_ratio(t[fg], t[bg]) >= AA, (selector, fg, bg)
    # Graphics (the map thumbnail's dots) need 3:1 against their card (WCAG 1.4.11).
    for fg in ("--accent", "--concept"):
        assert contrast.contrast_ratio(t[fg], t["--card"]) >= 3.0, (selector, fg)


def test_the_system_dark_theme_is_the_toggles_dark_theme():
    css = (ROOT / "static" / "css" / "vault.css").read_text()
    media = re.search(r":root:not\(\[data-theme=light\]\) \{([^}]*)\}", css)[1]
    toggled = css.split(":root[data-theme=dark] {", 1)[1].split("}", 1)[0]
    assert media.strip() == toggled.strip()
