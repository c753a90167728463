"""Real headless Chromium: the V-trace demo runs lagged actor-learners from its page through a real
Celery worker and draws their return curves and the bundled return-vs-lag figure; its widget runs
inside an <iframe>, and the oEmbed endpoint describes it."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from tests.browser.test_demo_pages import run
from tests.browser.test_demos_browser import fresh_seed
from tests.live import free_port

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

# Every Chart.js chart of the result: its caption-less title is on the figure, so read the datasets.
CHARTS = """() => Array.from(document.querySelectorAll('[data-testid=demo-result] canvas'))
  .map(c => window.Chart.getChart(c)).filter(Boolean)
  .map(ch => ({labels: ch.data.datasets.map(d => d.label),
               points: ch.data.datasets.map(d => d.data.filter(p => p.y !== null).length)}))"""


def test_vtrace_page_trains_three_learners_at_a_lag_and_draws_their_curves(page, live_worker):
    run(
        page,
        f"{live_worker.url}/es/demos/vtrace/",
        {"#f-lag": "16", "#f-updates": "50", "#f-seed": str(int(fresh_seed()) % 100)},
        {"#f-method": "all"},
    )
    charts = page.evaluate(CHARTS)
    assert len(charts) == 2, charts  # the live curves, the bundled return-vs-lag figure
    live, bundled = charts
    assert len(live["labels"]) == 3 and all(n > 0 for n in live["points"])
    assert "sin corrección" in live["labels"]  # labels in the page language
    assert len(bundled["labels"]) == 3 and all(n >= 2 for n in bundled["points"])
    text = page.get_by_test_id("demo-result").inner_text()
    assert "desfase k = 16" in text.lower() or "k = 16" in text
    assert "lag=16" in page.url
    assert page.js_errors == []


@pytest.fixture
def blog(tmp_path):
    """A static page server on a second local port: a third-party site that embeds the widget."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_vtrace_widget_runs_in_an_iframe_and_oembed_describes_it(page, live_worker, blog):
    folder, origin = blog
    app = live_worker.url.replace("127.0.0.1", "localhost")  # another host name: another site
    (folder / "index.html").write_text(
        "<!doctype html><title>A blog</title><h1>My post</h1>"
        f'<iframe id="widget" src="{app}/embed/demos/vtrace/?lang=en&lag=4&updates=50&method=vtrace"'
        ' width="760" height="900"></iframe>'
    )
    page.goto(f"{origin}/index.html")
    widget = page.frame_locator("#widget")
    widget.locator("h1").wait_for()
    assert "V-trace" in widget.locator("h1").inner_text()
    assert widget.locator("#f-lag").input_value() == "4"
    # Parameters in the address: the widget shows their result without a click.
    widget.locator("[data-testid=demo-result][data-state=done] canvas").first.wait_for(
        timeout=90_000
    )
    answer = page.request.get(f"{app}/oembed/", params={"url": f"{app}/en/demos/vtrace/?lag=4"})
    assert answer.status == 200
    data = answer.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert "/embed/demos/vtrace/?lang=en&amp;lag=4" in data["html"]
    assert page.js_errors == []
