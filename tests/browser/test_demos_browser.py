"""Real headless Chromium: run the ACT pilot demo on its page and inside an <iframe> on another origin."""

from __future__ import annotations

import functools
import http.server
import threading
import time

import pytest

from tests.live import free_port

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

# Records every value the progress bar takes (<progress>.value reflects to its "value" attribute).
WATCH_PROGRESS = """() => {
  window.__progress = [];
  const bar = document.querySelector('[data-testid=progress-bar]');
  new MutationObserver(() => window.__progress.push(Number(bar.value)))
    .observe(bar, {attributes: true, attributeFilter: ['value']});
}"""

# The Chart.js charts drawn into the result, with how many data points each holds.
CHARTS = """() => Array.from(document.querySelectorAll('[data-testid=demo-result] canvas'))
  .map(c => window.Chart.getChart(c))
  .filter(Boolean)
  .map(ch => ({type: ch.config.type, title: ch.options.plugins.title.text,
               points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0)}))"""


def fresh_seed() -> str:
    return str(int(time.time() * 1000) % 1_000_000)  # never cached yet: the run really computes


def run_and_check(target, progress_box, page_for_errors=None) -> list[dict]:
    target.evaluate(WATCH_PROGRESS)
    target.get_by_test_id("run-button").click()
    progress_box.wait_for(state="visible")
    target.wait_for_selector(
        "[data-testid=demo-result][data-state=done], [data-testid=demo-result][data-state=failed]",
        timeout=60_000,
    )
    state = target.get_by_test_id("demo-result").get_attribute("data-state")
    assert state == "done", target.get_by_test_id("demo-result").inner_text()
    target.wait_for_selector("[data-testid=demo-result] canvas")
    values = target.evaluate("() => window.__progress")
    assert values and values[-1] == 100, values
    assert values == sorted(values), values  # the bar only moves forward
    assert target.get_by_test_id("progress-bar").get_attribute("value") == "100"
    charts = target.evaluate(CHARTS)
    assert charts and all(c["points"] > 0 and c["title"] for c in charts), charts
    return charts


def test_run_the_act_demo_on_its_page(page, live_worker):
    page.goto(f"{live_worker.url}/en/demos/act/")
    assert page.get_by_test_id("demo-result").get_attribute("data-state") == "empty"
    page.fill("#f-k", "6")
    page.fill("#f-seed", fresh_seed())
    page.select_option("#f-tau", "1e-2")
    charts = run_and_check(page, page.get_by_test_id("progress"))
    assert {"bar", "line"} <= {c["type"] for c in charts}
    # The parameters are in the address, ready to share.
    assert "k=6" in page.url and "tau=1e-2" in page.url
    assert "k=6" in page.get_by_test_id("share-link").get_attribute("href")
    assert "k=6" in page.get_by_test_id("embed-code").input_value()
    assert page.js_errors == []


@pytest.mark.parametrize(
    ("split", "answer"),
    [("test", "no: a test vector"), ("train", "yes: a training vector")],
)
def test_a_typed_act_vector_says_whether_it_was_in_the_training_set(
    page, live_worker, split, answer
):
    from demos.plugins.act import DIM
    from demos.plugins.act.task import split_vectors

    vector = split_vectors(DIM, split).inputs[3, 0]
    page.goto(f"{live_worker.url}/en/demos/act/")
    page.fill("#f-vector", ",".join(str(int(v)) for v in vector.tolist()))
    page.fill("#f-seed", fresh_seed())
    run_and_check(page, page.get_by_test_id("progress"))
    text = page.get_by_test_id("demo-result").inner_text()
    assert "In the training set?" in text and answer in text
    assert page.js_errors == []


def test_a_field_error_is_shown_beside_its_control(page, live_worker):
    page.goto(f"{live_worker.url}/en/demos/act/")
    page.fill("#f-vector", "1,2,3")
    page.get_by_test_id("run-button").click()
    error = page.locator('[data-error-for="vector"]')
    error.wait_for(state="visible")
    assert error.inner_text()
    assert page.locator("#f-vector").get_attribute("aria-invalid") == "true"


@pytest.fixture
def other_origin(tmp_path):
    """A static page server on a second local port: a third-party site that embeds the widget."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_run_the_act_demo_inside_an_iframe_on_another_origin(page, live_worker, other_origin):
    folder, origin = other_origin
    app = live_worker.url.replace(
        "127.0.0.1", "localhost"
    )  # another host name: a different site too
    (folder / "index.html").write_text(
        "<!doctype html><title>A blog</title><h1>My post</h1>"
        f'<iframe id="widget" src="{app}/embed/demos/act/?lang=es&k=3" width="760" height="900"></iframe>'
        f'<iframe id="page" src="{app}/en/demos/act/" width="300" height="200"></iframe>'
    )
    page.goto(f"{origin}/index.html")
    widget = page.frame_locator("#widget")
    widget.locator("h1").wait_for()
    assert "Tiempo de Cálculo Adaptativo" in widget.locator("h1").inner_text()
    assert widget.locator("#f-k").input_value() == "3"
    # Parameters in the address: the widget shows their result without a click.
    widget.locator("[data-testid=demo-result][data-state=done] canvas").first.wait_for(
        timeout=60_000
    )
    widget.locator("#f-seed").fill(fresh_seed())
    frame = next(f for f in page.frames if "/embed/demos/act/" in f.url)
    run_and_check(frame, widget.get_by_test_id("progress"))
    assert page.context.cookies(app) == []  # the widget never needed a cookie
    # The ordinary demo page refuses to be framed (X-Frame-Options: DENY).
    blocked = next(
        f
        for f in page.frames
        if f.url.endswith("/en/demos/act/") or f.url.startswith("chrome-error")
    )
    assert blocked.locator("[data-testid=demo-page]").count() == 0
    assert page.js_errors == []


DRAW_EVERYTHING = """() => {
  const viz = window.DemoViz, el = document.createElement('div');
  document.body.appendChild(el);
  const wav = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const made = {
    heatmap: viz.heatmap(el, [[0, 1, 2], [3, 4, 5]], {title: 'H', xLabel: 'x', yLabel: 'y'}),
    line: viz.line(el, {title: 'L', xLabel: 'x', yLabel: 'y', logY: true,
                        series: [{label: 'a', x: [1, 2, 3], y: [1, 10, 100]}]}),
    bar: viz.bar(el, {title: 'B', labels: ['p', 'q'], series: [{label: 's', values: [1, 2]}]}),
    table: viz.table(el, {columns: ['c1', 'c2'], rows: [[1, 2], [3, null]]}),
    audio: viz.audio(el, wav, {title: 'A'}),
    image: viz.image(el, png, {title: 'I', alt: 'dot'}),
    note: viz.note(el, 'n'),
  };
  const out = {};
  for (const [k, node] of Object.entries(made)) out[k] = node instanceof HTMLElement && node.parentNode === el;
  out.heatmapShape = made.heatmap.matrix;
  out.lineScale = made.line.chart.options.scales.y.type;
  out.barPoints = made.bar.chart.data.datasets[0].data;
  out.tableCells = Array.from(made.table.querySelectorAll('td')).map(td => td.textContent);
  out.audioSrc = made.audio.querySelector('audio').src.slice(0, 22);
  out.imageAlt = made.image.querySelector('img').alt;
  out.children = el.children.length;
  return out;
}"""


def test_the_demoviz_helpers_draw_and_return_their_elements(page, live_url):
    page.goto(f"{live_url}/en/demos/act/")
    out = page.evaluate(DRAW_EVERYTHING)
    assert all(out[k] for k in ("heatmap", "line", "bar", "table", "audio", "image", "note")), out
    assert out["children"] == 7
    assert out["heatmapShape"] == {"rows": 2, "cols": 3, "min": 0, "max": 5}
    assert out["lineScale"] == "logarithmic" and out["barPoints"] == [1, 2]
    assert out["tableCells"] == ["1", "2", "3", "–"]
    assert out["audioSrc"] == "data:audio/wav;base64," and out["imageAlt"] == "dot"
    assert page.js_errors == []
