"""demos/plugins/dni/static/demos/dni.js draws a real infer.run result in headless Chromium, in EN and ES."""

from __future__ import annotations

import json

import pytest

from demos.plugins.dni import META
from demos.plugins.dni.infer import run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Draw one result into a fresh <div> and describe what came out.
DRAW = """([result, lang]) => {
  const el = document.createElement('div');
  document.body.appendChild(el);
  window.DemoRenderers.dni(el, result, {lang, params: {}, viz: window.DemoViz});
  const charts = Array.from(el.querySelectorAll('canvas'))
    .map(c => window.Chart.getChart(c)).filter(Boolean)
    .map(ch => ({type: ch.config.type, title: ch.options.plugins.title.text,
                 series: ch.data.datasets.length,
                 points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0)}));
  return {charts, tables: el.querySelectorAll('table').length, text: el.innerText};
}"""


def test_the_renderer_draws_the_live_curves_and_the_bundled_figures_in_both_languages(
    renderer_page,
) -> None:
    params = dict({k: s["default"] for k, s in META["params"].items()}, length=4, steps=100)
    result = json.loads(json.dumps(run(params, lambda pct, msg: None)))
    page, errors = renderer_page("dni")
    drawn = {lang: page.evaluate(DRAW, [result, lang]) for lang in ("en", "es")}
    empty = page.evaluate(DRAW, [{}, "en"])
    assert errors == []
    for lang, out in drawn.items():
        # accuracy (DNI, truncated, chance), SG error and cosine, bundled bar, longest vs T
        assert [c["type"] for c in out["charts"]] == ["line", "line", "bar", "line"], lang
        assert [c["series"] for c in out["charts"]] == [3, 2, 1, 3], lang
        assert all(c["points"] > 0 and c["title"] for c in out["charts"]), lang
        assert out["tables"] == 3, lang  # setting, test episodes, bundled intervals
    assert "Validation accuracy" in drawn["en"]["text"] or drawn["en"]["charts"][0]["title"]
    assert drawn["es"]["charts"][0]["title"].startswith("Acierto en validación")
    assert "BPTT truncada" in drawn["es"]["text"]
    assert empty["charts"] == [] and empty["tables"] == 1
