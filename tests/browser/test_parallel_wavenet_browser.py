"""Real headless Chromium: the Parallel WaveNet page runs through a real Celery worker and plays
the teacher's and the student's notes side by side with the time each took; its widget and its
oEmbed answer work too."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

from tests.browser.test_demo_pages import CANVASES, run
from tests.browser.test_demos_browser import fresh_seed

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

DURATIONS = """async () => Promise.all(
  Array.from(document.querySelectorAll('[data-testid=demo-result] audio')).map(async a => {
    if (a.readyState < 1) await new Promise(r => { a.onloadedmetadata = r; a.load(); });
    return a.duration;
  }))"""


def test_the_page_plays_teacher_and_student_side_by_side_with_their_timings(page, live_worker):
    run(
        page,
        f"{live_worker.url}/en/demos/parallel_wavenet/",
        {"#f-length_s": "0.25", "#f-seed": str(int(fresh_seed()) % 100_000)},
    )
    result = page.get_by_test_id("demo-result")
    audio = result.locator("audio")
    assert audio.count() == 2
    assert all(
        audio.nth(i).get_attribute("src").startswith("data:audio/wav;base64,") for i in range(2)
    )
    assert all(0.2 < d < 0.35 for d in page.evaluate(DURATIONS))
    text = result.inner_text()
    assert (
        "Teacher: WaveNet, sample by sample" in text
        and "Student: inverse autoregressive flow" in text
    )
    assert "time taken" in text and "× faster than the teacher" in text
    assert page.evaluate(CANVASES) >= 5  # two waveforms, two spectrograms, the timing bars
    assert page.js_errors == []


def test_the_spanish_widget_runs_and_the_oembed_answer_points_at_it(page, live_worker):
    url = f"{live_worker.url}/es/demos/parallel_wavenet/"
    query = urllib.parse.urlencode({"url": url, "format": "json"})
    with urllib.request.urlopen(f"{live_worker.url}/oembed/?{query}", timeout=30) as response:
        data = json.load(response)
    assert data["type"] == "rich" and "WaveNet Paralelo" in data["title"]
    assert "/embed/demos/parallel_wavenet/?lang=es" in data["html"]

    page.goto(f"{live_worker.url}/embed/demos/parallel_wavenet/?lang=es")
    assert "WaveNet Paralelo" in page.locator("h1").inner_text()
    page.fill("#f-seed", str(int(fresh_seed()) % 100_000))
    page.get_by_test_id("run-button").click()
    page.wait_for_selector(
        "[data-testid=demo-result][data-state=done], [data-testid=demo-result][data-state=failed]",
        timeout=90_000,
    )
    result = page.get_by_test_id("demo-result")
    assert result.get_attribute("data-state") == "done", result.inner_text()
    assert result.locator("audio").count() == 2
    assert "más rápido que el maestro" in result.inner_text()
    assert page.context.cookies(live_worker.url) == []
    assert page.js_errors == []
