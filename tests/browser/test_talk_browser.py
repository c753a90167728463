"""Real headless Chromium: the talk page and the language switcher."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_talk_page_loads_and_switches_language(page, live_url):
    page.goto(f"{live_url}/en/talks/alex-graves-iclr-2017/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('[data-testid="points-en"] li').count() == 30
    assert (
        page.get_by_test_id("talk-title").inner_text()
        == "New Directions For Recurrent Neural Networks"
    )

    page.get_by_test_id("lang-select").select_option("es")
    page.wait_for_url("**/es/talks/alex-graves-iclr-2017/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator('[data-testid="points-es"] li').count() == 30
    assert "Charlas" in page.locator("nav.main-nav").inner_text()
    assert (
        page.get_by_test_id("talk-title").inner_text()
        == "Nuevas direcciones para las redes neuronales recurrentes"
    )
    assert page.js_errors == []


def test_spanish_only_talk_shows_the_notice_in_the_browser(page, live_url):
    page.goto(f"{live_url}/en/talks/koray-kavukcuoglu-iclr-2018/")
    assert page.get_by_test_id("missing-notice").is_visible()
    assert page.locator('[data-testid="points-es"] li').count() == 30
