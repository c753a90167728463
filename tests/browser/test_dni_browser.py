"""Real headless Chromium: the synthetic-gradients demo (demos/plugins/dni) trains both methods
live from its page through a real Celery worker and draws their curves and the bundled figures;
its widget renders on its own (parameters from the address) and the oEmbed endpoint offers it."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.test_demo_pages import run
from tests.browser.test_demos_browser import CHARTS, fresh_seed

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

# A small live run: windows of 2 steps, symbol 4 steps before the cue, 100 steps per method.
SMALL = {"#f-window": "2", "#f-length": "4", "#f-steps": "100"}  # window 2 is the default


def test_dni_page_trains_both_methods_and_draws_the_curves_and_bundled_figures(page, live_worker):
    run(
        page,
        f"{live_worker.url}/en/demos/dni/",
        {**SMALL, "#f-seed": str(int(fresh_seed()) % 1000)},
    )
    charts = page.evaluate(CHARTS)
    titles = [c["title"] for c in charts]
    assert [c["type"] for c in charts] == ["line", "line", "bar", "line"], titles
    assert all(c["points"] > 0 for c in charts), charts
    assert titles[0].startswith("Validation accuracy") and "T = 2, L = 4" in titles[0]
    assert "Synthetic-gradient error" in titles[1]
    assert "longest length solved" in titles[3].lower()
    text = page.get_by_test_id("demo-result").inner_text()
    assert "synthetic gradients (DNI)" in text and "truncated BPTT" in text
    assert "length=4" in page.url and "steps=100" in page.url  # the defaults stay out
    assert page.js_errors == []


def test_the_dni_widget_runs_from_its_address_in_spanish_and_oembed_offers_it(page, live_worker):
    url = live_worker.url
    query = f"lang=es&window=2&length=4&steps=100&seed={int(fresh_seed()) % 1000}"
    page.goto(f"{url}/embed/demos/dni/?{query}")
    assert "Gradientes sintéticos" in page.locator("h1").inner_text()
    assert page.locator("#f-window").input_value() == "2"
    # Parameters in the address: the widget shows their result without a click.
    page.wait_for_selector("[data-testid=demo-result][data-state=done] canvas", timeout=90_000)
    assert "BPTT truncada" in page.get_by_test_id("demo-result").inner_text()
    assert page.js_errors == []

    answer = page.request.get(
        f"{url}/oembed/?url={quote(url + '/es/demos/dni/?window=3', safe='')}"
    )
    assert answer.ok and answer.headers["content-type"] == "application/json"
    data = answer.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert "Gradientes sintéticos" in data["title"]
    assert "/embed/demos/dni/?lang=es&amp;window=3" in data["html"]
