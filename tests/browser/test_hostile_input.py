"""Hostile input in real Chromium: a talk whose title, speaker, points, graph labels, edge label and
classDef carry ``<script>``, ``onerror=``/``onload=`` handlers, ``javascript:`` links and Mermaid
directives (``%%{init: …}%%``, ``click`` callbacks) is imported through the real importer, and every
page that shows it — talk page (EN/ES), Mermaid and vis-network views, graph page, embed, vault map,
search results, admin change list/form and the paste-import preview — runs none of it.

Each payload would set ``window.__pwned`` and call ``alert``. A page passes when no dialog opened,
``window.__pwned`` is undefined, the DOM holds no injected handler, ``javascript:`` URL or inline
script, the browser reported no Content-Security-Policy violation (so the app's own code needs
nothing beyond the policy, and nothing injected tried to run), and the response carried the policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.graph_support import node_xy
from tests.live import LiveStack

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).resolve().parent.parent / "hostile" / "hostile_talk_en.txt"
SLUG = "hostile-talk"
CURATOR, PASSWORD = "curator", "hostile-input-curator-pw-1"

# Installed before any page script: records CSP violations the browser reports.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""
# Everything in the DOM that would run script if the browser let it.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(el.tagName + '[' + attr.name + ']');
      if (/^(href|src|action|formaction|xlink:href|data)$/i.test(attr.name)
          && /^\\s*javascript:/i.test(attr.value)) found.push(el.tagName + '[' + attr.name + '=javascript:]');
    }
    if (el.tagName === 'SCRIPT' && !el.src && el.type !== 'application/json') found.push('inline SCRIPT');
    if (el.tagName === 'IFRAME' && !el.src.startsWith(location.origin)) found.push('IFRAME ' + el.src);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory):
    """A live app (runserver, production middleware) whose only talk is the hostile one."""
    stack = LiveStack(tmp_path_factory.mktemp("hostile"))
    try:
        stack.start_web(str(HOSTILE), "--talk", SLUG)
        stack.env["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD
        stack.manage(
            "createsuperuser", "--noinput", "--username", CURATOR, "--email", "curator@example.org"
        )
        yield stack.url
    finally:
        stack.stop()


@pytest.fixture
def watched(page):
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script(WATCH_CSP)
    return page


def open_page(page, url: str, timeout: float = 20_000):
    response = page.goto(url, timeout=timeout)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    directives = dict(
        part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip()
    )
    assert directives.get("script-src") == "'self'", policy
    assert directives.get("object-src") == "'none'"
    return response


def assert_inert(page) -> None:
    page.wait_for_timeout(200)  # let any late event handler (image errors, timers) fire
    assert page.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate(INJECTED) == []
    assert page.evaluate("window.__cspViolations") == []
    assert page.js_errors == []


def hover_everything(page) -> None:
    """Mouse-over every element of the diagram, so any injected mouse handler would fire."""
    page.evaluate(
        """() => { for (const el of document.querySelectorAll('[data-graph-mermaid] svg *'))
                     for (const type of ['mouseover', 'mouseenter', 'mousemove'])
                       el.dispatchEvent(new MouseEvent(type, {bubbles: true})); }"""
    )


def test_talk_page_shows_the_payloads_as_text(watched, hostile_url):
    page = watched
    open_page(page, f"{hostile_url}/en/talks/{SLUG}/")
    expect(page.get_by_test_id("talk-title")).to_contain_text("<script>window.__pwned='title'")
    expect(page.locator("#point-en-1")).to_contain_text("<script>window.__pwned='point'")
    expect(page.locator("#point-en-3")).to_contain_text('<a href="javascript:')
    expect(page.locator("#point-en-4")).to_contain_text("%%{init:")
    expect(page.locator(".talk-header .meta")).to_contain_text("Mallory <img src=x onerror=")
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    page.wait_for_selector('[data-graph-network][data-settled="true"]', timeout=60_000)
    hover_everything(page)
    assert_inert(page)


def test_mermaid_view_renders_labels_as_text_and_ignores_directives(watched, hostile_url):
    page = watched
    open_page(page, f"{hostile_url}/en/graph/talks/{SLUG}/")
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    svg = page.locator("[data-graph-mermaid] svg")
    assert svg.locator("g.node").count() == 5
    # SVG text labels: one <tspan> per wrapped line, so compare without the spaces.
    labels = ["".join(text.split()) for text in svg.locator("g.node").all_text_contents()]
    assert any("<imgsrc=xonerror=window.__pwned='label'" in text for text in labels), labels
    assert any("<script>" in text for text in labels), labels
    assert any("{init:{'securityLevel':'loose'}}" in text for text in labels), labels
    # ...shown as the characters typed ("%%"), not as the references the serialiser writes
    assert any("%%{init:" in text for text in labels) and not any("&#" in t for t in labels), labels
    assert svg.locator("img, script, foreignObject a, a").count() == 0
    # The classDef's injected markup was dropped before rendering; its plain fill survived.
    css = svg.locator("style").first.text_content()
    assert "onerror" not in css and "<img" not in css and ".evil" in css
    hover_everything(page)
    page.locator("[data-graph-mermaid] svg g.node").first.click()
    expect(page.get_by_test_id("graph-point")).to_contain_text("<script>window.__pwned='point'")
    assert_inert(page)


def test_vis_network_tooltips_are_text(watched, hostile_url):
    page = watched
    open_page(page, f"{hostile_url}/en/graph/talks/{SLUG}/")
    page.wait_for_selector('[data-graph-network][data-settled="true"]', timeout=60_000)
    page.get_by_test_id("graph-network").scroll_into_view_if_needed()
    for key in ("A", "B", "C", "D", "E"):
        xy = node_xy(page, key)
        page.mouse.move(xy["x"], xy["y"])
        page.wait_for_timeout(250)  # tooltipDelay 150 ms
        page.mouse.click(xy["x"], xy["y"])
    tooltip = page.locator(".vis-tooltip")
    assert tooltip.locator("*").count() == 0  # a string title is text (innerText), never markup
    expect(tooltip).to_contain_text("E: <img src=x onerror=alert('entity')> encoded")
    expect(page.get_by_test_id("graph-point")).to_contain_text("Point 5.")
    assert_inert(page)


def test_spanish_page_and_embed_and_vault_map(watched, hostile_url):
    page = watched
    open_page(page, f"{hostile_url}/es/talks/{SLUG}/")
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    assert_inert(page)
    response = open_page(page, f"{hostile_url}/embed/talks/{SLUG}/graph/")
    assert "x-frame-options" not in response.headers  # embeds may be framed, still under script-src
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    hover_everything(page)
    assert_inert(page)
    open_page(page, f"{hostile_url}/en/graph/")
    page.wait_for_selector('[data-vault-network][data-settled="true"]', timeout=60_000)
    assert_inert(page)
    open_page(page, f"{hostile_url}/en/talks/")
    expect(page.get_by_test_id("talk-card")).to_contain_text("<script>window.__pwned='title'")
    assert_inert(page)
    open_page(page, f"{hostile_url}/en/")
    assert_inert(page)


def test_search_results_escape_snippets_and_the_query(watched, hostile_url):
    page = watched
    # The first query loads the embedding models into the server: allow for it.
    open_page(page, f"{hostile_url}/en/search/?q=script+point+image+link&lang=any", timeout=180_000)
    hits = page.get_by_test_id("search-hit")
    expect(hits.first).to_be_visible(timeout=60_000)
    texts = page.locator(".hit-text").all_text_contents()
    assert any("<script>window.__pwned='point'" in t for t in texts), texts
    assert page.locator(".hit-text mark").count() > 0  # highlighting still works
    assert page.locator(".hit-text *:not(mark)").count() == 0
    assert_inert(page)
    open_page(
        page, f"{hostile_url}/en/search/?q=%3Cscript%3Ewindow.__pwned%3D1%3Balert(1)%3C%2Fscript%3E"
    )
    assert page.locator("#q").input_value() == "<script>window.__pwned=1;alert(1)</script>"
    assert_inert(page)


def login(page, base: str) -> None:
    open_page(page, base + reverse("admin:login"))
    page.fill("#id_username", CURATOR)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.url


def test_admin_lists_edits_and_previews_hostile_text(watched, hostile_url):
    page = watched
    login(page, hostile_url)
    assert_inert(page)
    open_page(page, hostile_url + reverse("admin:talks_talk_changelist"))
    expect(page.locator("#result_list")).to_contain_text(SLUG)
    assert_inert(page)
    page.locator("#result_list a", has_text=SLUG).first.click()
    page.wait_for_load_state()
    assert page.locator("textarea, input").count() > 0
    assert_inert(page)

    # The live Mermaid editor checks the hostile source and hands it to Mermaid (which refuses the
    # classDef with the injected markup: the error is shown as text).
    page.get_by_test_id("graph-editor-link").first.click()
    page.wait_for_function(
        """() => document.querySelector('[data-testid="graph-preview"] svg')
                 || document.querySelector('[data-testid="graph-error"]').textContent.trim()""",
        timeout=60_000,
    )
    assert page.get_by_test_id("graph-preview").locator("img, script, a").count() == 0
    assert_inert(page)

    open_page(page, hostile_url + reverse("admin:talks_talk_paste_import"))
    page.fill("textarea[name=text]", HOSTILE.read_text().replace("HACK 2024", "HACK 2025"))
    page.locator("input[name=preview], button[name=preview]").first.click()
    page.wait_for_load_state()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("<script>window.__pwned='point'")
    expect(preview).to_contain_text("Hostile <script>")
    assert_inert(page)
