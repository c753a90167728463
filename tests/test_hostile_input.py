"""Hostile input, fast (no browser): the crafted talk in tests/hostile/ is imported through the real
importer and every server-rendered place that shows its text escapes it; Mermaid directives and
``click`` callbacks never reach Mermaid. tests/browser/test_hostile_input.py checks the same pages in
Chromium, where the JavaScript views also draw them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from graphs import mermaid
from search import analyzer as search_text
from talks.importers.knowledge_vault import ImportProblem, Metadata, parse
from talks.importers.writer import import_documents

HOSTILE = Path(__file__).resolve().parent / "hostile" / "hostile_talk_en.txt"
SLUG = "hostile-talk"
# Markup from the payloads that must never appear unescaped in a page.
LIVE_MARKUP = (
    "<script>window.__pwned",
    "<img src=x onerror",
    "<img/src=x",
    'href="javascript:',
    "<svg onload",
    "<b onmouseover",
)


@pytest.fixture
def hostile_talk(corpus_db):
    (result,) = import_documents([parse(HOSTILE.read_text(), HOSTILE.name, Metadata(slug=SLUG))])
    assert result.status == "created"
    return result


def assert_escaped(html: str) -> None:
    for markup in LIVE_MARKUP:
        assert markup not in html, markup


def graph_payload(html: str) -> dict:
    match = re.search(
        rf'<script id="graph-data-{SLUG}" type="application/json">(.*?)</script>', html, re.DOTALL
    )
    assert match, "no graph payload"
    assert "<" not in match.group(
        1
    )  # json_script escapes every '<', so no '</script>' can break out
    return json.loads(match.group(1))


def test_talk_page_escapes_every_payload(client, hostile_talk):
    html = client.get(f"/en/talks/{SLUG}/").content.decode()
    assert_escaped(html)
    assert "&lt;script&gt;window.__pwned=&#x27;point&#x27;" in html
    assert "Hostile &lt;script&gt;window.__pwned=&#x27;title&#x27;" in html
    assert "Mallory &lt;img src=x onerror=" in html
    assert "&quot;&gt;&lt;svg onload=" in html  # the attribute-closing attempt stays text


def test_the_mermaid_text_sent_to_the_browser_holds_no_directive_and_no_markup(
    client, hostile_talk
):
    source = graph_payload(client.get(f"/en/talks/{SLUG}/").content.decode())["mermaid"]
    assert (
        "%%" not in source
        and "<img" not in source
        and "<script" not in source
        and "<b " not in source
    )
    assert "#37;#37;{init:" in source  # the directive in a label is text, written as entity codes
    # The classDef kept its plain fill, lost its markup, and gained a readable label colour.
    assert "classDef evil fill:#f00,color:#000000;" in source
    assert "</style>" not in source and "onerror" not in source.split("\n", 2)[1]
    assert len(mermaid.parse(source).nodes) == 5


def test_the_interactive_view_gets_labels_and_titles_as_plain_strings(client, hostile_talk):
    payload = graph_payload(client.get(f"/en/talks/{SLUG}/").content.decode())
    titles = {n["id"]: n["title"] for n in payload["network"]["nodes"]}
    assert (
        titles["E"] == "E: <img src=x onerror=alert('entity')> encoded"
    )  # text for vis (innerText)
    assert payload["network"]["options"]["nodes"]["font"]["multi"] is False  # no HTML labels in vis


@pytest.mark.parametrize(
    "path",
    [
        f"/en/graph/talks/{SLUG}/",
        f"/embed/talks/{SLUG}/graph/",
        "/en/graph/",
        "/en/",
        f"/es/talks/{SLUG}/",
    ],
)
def test_graph_pages_embed_map_and_list_escape_the_payloads(client, hostile_talk, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_oembed_html_escapes_the_title(client, hostile_talk):
    data = client.get("/oembed/", {"url": f"http://testserver/embed/talks/{SLUG}/graph/"}).json()
    assert "<script" not in data["html"] and "&lt;script&gt;" in data["html"]


def test_search_snippets_escape_text_and_mark_only_query_words():
    snippet = search_text.highlight(
        "<script>window.__pwned='x';alert(1)</script> memory", "script memory"
    )
    assert "<script" not in snippet and "&lt;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0
    assert "<mark>memory</mark>" in snippet


def test_a_hostile_search_query_is_reflected_escaped(client, corpus_db):
    html = client.get("/en/search/", {"q": "<script>window.__pwned=1</script>"}).content.decode()
    assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned=1" in html


def test_admin_import_preview_escapes_the_text(admin_client, corpus_db):
    text = HOSTILE.read_text()
    response = admin_client.post(
        reverse("admin:talks_talk_paste_import"),
        {"text": text, "slug": "hostile-preview", "status": "draft", "preview": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="preview"' in html
    assert_escaped(html)  # the textarea echoes the text too, escaped
    assert "&lt;script&gt;window.__pwned=&#x27;point&#x27;" in html


def test_mermaid_click_callbacks_are_refused_by_the_parser_and_the_importer():
    with pytest.raises(mermaid.MermaidSyntaxError, match="unsupported keyword 'click'"):
        mermaid.parse('graph LR\n  A --> B\n  click A callback "javascript:alert(1)"\n')
    text = HOSTILE.read_text().replace("class C evil\n", "class C evil\nclick A call alert(1)\n")
    with pytest.raises(ImportProblem, match="click"):
        parse(text, HOSTILE.name, Metadata(slug=SLUG))


def test_directive_lines_are_comments_and_never_reach_the_canonical_text():
    graph = mermaid.parse(
        'graph LR\n%%{init: {"securityLevel": "loose"}}%%\nA["x %%{init: {}}%% y"] --> B\n'
    )
    text = mermaid.serialise(graph)
    assert "%%" not in text and "securityLevel" not in text
    assert mermaid.parse(text) == graph  # '%' written as '#37;' still round-trips


def test_render_safe_keeps_plain_classdef_values_and_drops_the_rest():
    graph = mermaid.parse(
        "graph LR\n"
        "classDef a fill:#f9d4d4,font-size:14px,stroke-dasharray:5 5,font-family:Open Sans;\n"
        "classDef b fill:red}</style><img/src=x/onerror=alert(1)>,color:url(data:x);\n"
        "classDef c color:%%{init:{}}%%;\n"
        "A:::a --> B:::b --> C:::c\n"
    )
    styles = {g.name: g.style for g in mermaid.render_safe(graph).groups}
    assert styles == {
        "a": "fill:#f9d4d4,font-size:14px,stroke-dasharray:5 5,font-family:Open Sans",
        "b": "fill:#e2e8f0",
        "c": "fill:#e2e8f0",
    }
    assert mermaid.render_safe(graph).nodes == graph.nodes
