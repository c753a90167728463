"""Real headless Chromium: the front page, the Cite menu and point links, and the dark theme."""

from __future__ import annotations

import base64
from collections import Counter

import pytest

from demos import registry
from graphs.contrast import AA_NORMAL_TEXT, contrast_ratio
from tests.bibtex_support import parse

pytestmark = pytest.mark.browser

GRAVES = "/en/talks/alex-graves-iclr-2017/"

# Decode a PNG in a blank page (no CSP there) and hand back its RGBA bytes.
_PIXELS = """async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return Array.from(ctx.getImageData(0, 0, img.width, img.height).data);
}"""


def screenshot_contrast(browser, png: bytes) -> tuple[float, tuple, tuple]:
    """(ratio, background, ink) of a screenshot: the commonest colour against the one contrasting most."""
    scratch = browser.new_page()
    try:
        data = scratch.evaluate(_PIXELS, base64.b64encode(png).decode())
    finally:
        scratch.close()
    pixels = Counter(tuple(data[i : i + 3]) for i in range(0, len(data), 4))
    background = pixels.most_common(1)[0][0]
    # Ink: the colour most unlike the background among those covering a few pixels (glyph cores,
    # not a stray anti-aliased dot).
    inks = [c for c, n in pixels.items() if n >= 3 and c != background]
    ink = max(inks, key=lambda c: contrast_ratio(c, background))
    return contrast_ratio(ink, background), background, ink


@pytest.fixture
def clip_page(browser, live_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def test_the_front_page_shows_the_vault_and_leads_to_search_and_the_list(page, live_url):
    page.goto(f"{live_url}/en/")
    assert page.get_by_test_id("home-statement").is_visible()
    circles = page.locator("[data-testid=home-map] svg circle")
    assert circles.count() >= 3
    caption = page.get_by_test_id("home-map-caption")
    totals = caption.inner_text()
    label = circles.last.get_attribute("data-label")
    circles.last.hover(force=True)
    assert caption.inner_text() == label != totals  # the page's one script names the node
    demos = page.get_by_test_id("home-demo")
    shown = {demos.nth(i).get_attribute("data-slug") for i in range(demos.count())}
    assert shown == {demo.slug for demo in registry.all_demos()} and len(shown) >= 8
    for i in range(demos.count()):
        img = demos.nth(i).locator("img")
        img.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=img.element_handle()
        )
        assert (
            demos.nth(i)
            .get_by_test_id("home-demo-talk")
            .get_attribute("href")
            .startswith("/en/talks/")
        )
    page.get_by_test_id("all-talks").click()
    page.wait_for_url("**/en/talks/")
    assert page.locator("form.filters").is_visible()
    page.go_back()
    page.fill("#home-q", "external memory")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/en/search/?q=external+memory")
    assert page.get_by_test_id("search-hit").count() > 0
    assert page.js_errors == []


def test_the_cite_menu_gives_bibtex_that_parses_and_copies_it(clip_page, live_url):
    page = clip_page
    page.goto(live_url + GRAVES)
    page.get_by_test_id("cite-menu").locator("summary").click()
    page.wait_for_selector("[data-cite-menu][data-loaded=true]")
    entry = parse(page.get_by_test_id("cite-text").inner_text())
    assert entry["type"] == "misc" and entry["fields"]["author"] == "Graves, Alex"
    assert entry["fields"]["year"] == "2017" and entry["fields"]["url"] == live_url + GRAVES
    page.get_by_role("button", name="Copy BibTeX").click()
    page.wait_for_function("() => document.querySelector('[data-cite-status]').textContent !== ''")
    assert parse(page.evaluate("() => navigator.clipboard.readText()")) == entry
    href = page.get_by_test_id("cite-csl").get_attribute("href")
    csl = page.evaluate("url => fetch(url).then(r => r.json())", href)
    assert csl[0]["title"] == "New Directions For Recurrent Neural Networks"
    assert page.js_errors == []


def test_a_point_link_copies_the_address_of_that_point(clip_page, live_url):
    page = clip_page
    page.goto(live_url + GRAVES)
    link = page.locator("#point-en-7 [data-copy-point]")
    link.click()
    page.wait_for_function("() => location.hash === '#point-en-7'")
    page.wait_for_selector("#point-en-7 [data-copy-point][data-copied=true]")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{live_url}{GRAVES}#point-en-7"
    assert page.evaluate("() => document.querySelector(':target').id") == "point-en-7"
    assert page.js_errors == []


def test_the_dark_theme_follows_the_system_and_keeps_graph_labels_readable(browser, live_url):
    # Scale 2: SVG text is thin; at 1 CSS px per pixel no glyph core is drawn in full ink.
    context = browser.new_context(
        color_scheme="dark", viewport={"width": 1280, "height": 900}, device_scale_factor=2
    )
    page = context.new_page()
    try:
        page.goto(live_url + GRAVES)
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 22, 31)"  # --bg of the dark theme
        assert page.get_by_test_id("theme-toggle").get_attribute("aria-pressed") == "true"
        ratio, _, _ = screenshot_contrast(browser, page.get_by_test_id("talk-title").screenshot())
        assert ratio >= AA_NORMAL_TEXT
        label = page.locator("[data-graph-mermaid] g.node g.label").first  # SVG text labels
        label.wait_for(timeout=60_000)
        label.scroll_into_view_if_needed()
        ratio, fill, ink = screenshot_contrast(browser, label.screenshot())
        assert ratio >= AA_NORMAL_TEXT, (fill, ink)
        assert fill == (249, 212, 212)  # the classDef fill of the first group, drawn as it is
    finally:
        context.close()


def test_the_toggle_choice_is_remembered_across_pages(browser, live_url):
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_url}/en/")
        toggle = page.get_by_test_id("theme-toggle")
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        page.goto(live_url + GRAVES)
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        assert page.get_by_test_id("theme-toggle").get_attribute("aria-pressed") == "true"
        dark = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        page.get_by_test_id("theme-toggle").click()
        page.reload()
        assert page.evaluate("() => localStorage.getItem('kv-theme')") == "light"
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != dark
    finally:
        context.close()
