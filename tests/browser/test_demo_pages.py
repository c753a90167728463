"""Real headless Chromium: each technique demo runs from its own page through a real Celery worker
and draws its result (heatmaps for the DNC, loss curves for the learned optimizer, the prediction
of a digit drawn on the pad for WAGE, playable audio for WaveNet)."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_demos_browser import fresh_seed

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

CANVASES = "() => document.querySelectorAll('[data-testid=demo-result] canvas').length"


def run(page, url: str, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    page.goto(url)
    for selector, value in fields.items():
        page.fill(selector, value)
    for selector, value in (selects or {}).items():
        page.select_option(selector, value)
    page.get_by_test_id("run-button").click()
    assert page.locator("[data-error-for]:visible").count() == 0
    page.wait_for_selector(
        "[data-testid=demo-result][data-state=done], [data-testid=demo-result][data-state=failed]",
        timeout=90_000,
    )
    result = page.get_by_test_id("demo-result")
    assert result.get_attribute("data-state") == "done", result.inner_text()
    assert page.get_by_test_id("progress-bar").get_attribute("value") == "100"


def test_dnc_page_runs_copy_at_a_chosen_length_and_draws_heatmaps(page, live_worker):
    run(
        page,
        f"{live_worker.url}/en/demos/dnc/",
        {"#f-length": "6", "#f-seed": str(int(fresh_seed()) % 10_000)},
        {"#f-task": "copy"},
    )
    # input/target/output bits, write and read weightings, read modes, usage, memory, links
    assert page.evaluate(CANVASES) >= 9
    text = page.get_by_test_id("demo-result").inner_text().lower()
    assert "write" in text and "read" in text
    assert "read modes over time" in text  # backward / content / forward per head
    assert "memory contents over time" in text and "memory contents at the last step" in text
    assert "length=6" in page.url
    assert page.js_errors == []


def test_learned_optimizer_page_races_and_draws_loss_curves(page, live_worker):
    run(
        page,
        f"{live_worker.url}/es/demos/learned_opt/",
        {"#f-steps": "40", "#f-seed": str(int(fresh_seed()) % 100)},
    )
    charts = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-testid=demo-result] canvas'))"
        ".map(c => window.Chart.getChart(c)).filter(Boolean).map(ch => ch.data.datasets.length)"
    )
    assert charts and max(charts) >= 4  # learned, SGD, momentum, Adam (+ tuned) on one chart
    text = page.get_by_test_id("demo-result").inner_text()
    assert "Regla de actualización aprendida" in text  # the learned update rule's heatmap
    assert "pérdida final de prueba" in text  # held-out test loss beside the training loss
    assert page.js_errors == []


def test_wage_page_classifies_a_digit_drawn_on_the_pad_with_the_bundled_network(page, live_worker):
    page.goto(f"{live_worker.url}/en/demos/wage/")
    pad = page.get_by_test_id("wage-pad")
    box = pad.bounding_box()
    assert box is not None
    x, top, height = box["x"] + box["width"] / 2, box["y"], box["height"]
    page.mouse.move(x, top + 0.15 * height)
    page.mouse.down()
    for step in range(1, 11):  # a vertical stroke: a "1"
        page.mouse.move(x, top + (0.15 + 0.07 * step) * height)
    page.mouse.up()
    code = page.input_value("#f-digit")
    assert re.fullmatch(r"[0-9a-g]{64}", code) and code != "0" * 64
    page.get_by_test_id("run-button").click()
    page.wait_for_selector(
        "[data-testid=demo-result][data-state=done], [data-testid=demo-result][data-state=failed]",
        timeout=90_000,
    )
    result = page.get_by_test_id("demo-result")
    assert result.get_attribute("data-state") == "done", result.inner_text()
    said = page.get_by_test_id("wage-prediction").inner_text()
    assert re.search(r"reads your drawn digit as [0-9]\.", said), said
    assert "integer" in result.inner_text() and "α" in result.inner_text()
    assert page.evaluate(CANVASES) >= 3  # the input, the scores, the weight and update codes
    assert "digit=" in page.url
    assert page.js_errors == []


def test_wavenet_page_plays_the_generated_note_and_the_reference_clip(page, live_worker):
    run(
        page,
        f"{live_worker.url}/en/demos/wavenet/",
        {"#f-length_s": "0.25", "#f-seed": fresh_seed()},
    )
    audio = page.locator("[data-testid=demo-result] audio")
    assert audio.count() >= 2  # the generated note, then the synthesiser's reference
    for i in range(2):
        assert audio.nth(i).get_attribute("src").startswith("data:audio/wav;base64,")
    assert "reference" in audio.nth(1).get_attribute("aria-label").lower()
    duration = page.evaluate(
        """async () => Promise.all(Array.from(
          document.querySelectorAll('[data-testid=demo-result] audio'), async a => {
            if (a.readyState < 1) await new Promise(r => { a.onloadedmetadata = r; a.load(); });
            return a.duration; }))"""
    )
    assert len(duration) >= 2 and all(0.2 < d < 0.35 for d in duration[:2])
    assert page.js_errors == []
