"""Real headless Chromium: searching from the header box, reading results, moving with the keyboard."""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The live stack builds its own index in a fresh folder; sharing the embedding cache of the test
# database spares it re-encoding the corpus (set before the session's live stack starts).
os.environ.setdefault(
    "SEARCH_EMBEDDING_CACHE",
    str(Path(__file__).resolve().parents[2] / "var" / "search-embeddings.sqlite3"),
)


@pytest.fixture(scope="module")
def warm_live_url(live_url):
    """The first search in the server process loads the embedding models: do it outside the page timeout."""
    query = urllib.parse.urlencode({"q": "warm up", "k": 1})
    with urllib.request.urlopen(f"{live_url}/api/search/?{query}", timeout=300) as resp:
        assert resp.status == 200
    return live_url


def test_search_from_the_header_box_and_open_a_result_with_the_keyboard(page, warm_live_url):
    page.goto(f"{warm_live_url}/es/")
    box = page.locator("#site-search")
    box.fill("memoria externa para redes neuronales")
    box.press("Enter")
    page.wait_for_url("**/es/search/?q=*")
    hits = page.get_by_test_id("search-hit")
    assert hits.count() >= 3
    top3 = [
        (
            hits.nth(i).get_attribute("data-talk"),
            hits.nth(i).get_attribute("data-number"),
        )
        for i in range(3)
    ]
    assert {("alex-graves-iclr-2017", "4"), ("alex-graves-iclr-2017", "5")} & set(top3)
    assert hits.first.locator("mark").count() > 0  # highlighted words
    assert hits.first.locator(".hit-why li").count() >= 1  # why it matched

    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.closest('.search-hit').dataset.number")
    assert focused == hits.first.get_attribute("data-number")
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.closest('.search-hit').dataset.number")
    assert second == hits.nth(1).get_attribute("data-number")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"

    hits.first.locator(".hit-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/talks/alex-graves-iclr-2017/**")
    assert page.js_errors == []


def test_english_question_finds_the_spanish_only_point_and_filters_apply(page, warm_live_url):
    q = urllib.parse.quote("how to reduce variance of evolution strategies gradients")
    page.goto(f"{warm_live_url}/en/search/?q={q}")
    hits = page.get_by_test_id("search-hit")
    top3 = [
        (
            hits.nth(i).get_attribute("data-talk"),
            hits.nth(i).get_attribute("data-number"),
        )
        for i in range(3)
    ]
    assert ("jascha-sohl-dickstein-iclr-2023", "12") in top3

    page.get_by_test_id("filter-lang").select_option("en")
    page.locator(".search-filters button[type=submit]").click()
    page.wait_for_url("**lang=en**")
    langs = {hits.nth(i).get_attribute("data-lang") for i in range(hits.count())}
    assert langs == {"en"}
    assert page.js_errors == []


def test_a_too_long_query_shows_the_reason(page, warm_live_url):
    page.goto(f"{warm_live_url}/en/search/?q={'a' * 501}")
    assert "too long" in page.get_by_test_id("search-error").inner_text()
