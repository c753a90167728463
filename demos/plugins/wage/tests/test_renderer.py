"""demos/plugins/wage/static/demos/wage.js draws a real infer.run result in headless Chromium, in EN and ES."""

from __future__ import annotations

import json

import pytest

from demos.plugins.wage import META
from demos.plugins.wage.infer import run

pytestmark = [pytest.mark.browser, pytest.mark.slow]


DRAW = """([result, lang]) => {
  const el = document.createElement('div');
  document.body.appendChild(el);
  window.DemoRenderers.wage(el, result, {lang, params: {}, viz: window.DemoViz});
  const charts = Array.from(el.querySelectorAll('canvas')).map(c => window.Chart.getChart(c))
    .filter(Boolean).map(ch => ({type: ch.config.type, title: ch.options.plugins.title.text,
      points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0)}));
  return {charts, tables: el.querySelectorAll('table').length, text: el.innerText};
}"""


def test_the_renderer_draws_every_part_in_both_languages(renderer_page) -> None:
    params = {name: spec["default"] for name, spec in META["params"].items()}
    bundled = json.loads(json.dumps(run(params, lambda p, m: None)))
    retrained = json.loads(
        json.dumps(run({**params, "retrain": True, "epochs": 2}, lambda p, m: None))
    )
    page, errors = renderer_page("wage")
    drawn = {lang: page.evaluate(DRAW, [bundled, lang]) for lang in ("en", "es")}
    again = page.evaluate(DRAW, [retrained, "en"])
    empty = page.evaluate(DRAW, [{}, "en"])  # null-safe on a missing result
    assert errors == []
    for lang, out in drawn.items():
        # scores, weight codes, update codes (the input is a heatmap canvas without Chart.js)
        assert [c["type"] for c in out["charts"]] == ["bar", "bar", "bar"], lang
        assert all(c["points"] > 0 and c["title"] for c in out["charts"]), lang
        assert out["tables"] == 4, lang  # bundled seeds, layers (alpha), costs, table
    assert [c["type"] for c in again["charts"]] == ["bar", "bar", "bar", "line", "line"]
    assert "α" in drawn["en"]["text"] and "Zero updates" in drawn["en"]["text"]
    assert "integer" in drawn["en"]["text"] and "enteros" in drawn["es"]["text"]
    assert "ternary" in drawn["en"]["text"] and "ternario" in drawn["es"]["text"]
    assert empty["charts"] == [] and empty["tables"] == 0
