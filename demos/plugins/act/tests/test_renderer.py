"""demos/plugins/act/static/demos/act.js draws a real infer.run result in headless Chromium, in EN and ES."""

from __future__ import annotations

import json

import pytest

from demos.plugins.act import META
from demos.plugins.act.infer import run

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# Draw one result into a fresh <div> and describe what came out.
DRAW = """([result, lang]) => {
  const el = document.createElement('div');
  document.body.appendChild(el);
  window.DemoRenderers.act(el, result, {lang, params: {}, viz: window.DemoViz});
  const charts = Array.from(el.querySelectorAll('canvas'))
    .map(c => window.Chart.getChart(c)).filter(Boolean)
    .map(ch => ({type: ch.config.type, title: ch.options.plugins.title.text,
                 points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0)}));
  return {charts, tables: el.querySelectorAll('table').length, text: el.innerText};
}"""


def test_the_renderer_draws_every_chart_and_table_in_both_languages(renderer_page) -> None:
    params = {name: spec["default"] for name, spec in META["params"].items()}
    result = json.loads(json.dumps(run(params)))
    page, errors = renderer_page("act")
    drawn = {lang: page.evaluate(DRAW, [result, lang]) for lang in ("en", "es")}
    empty = page.evaluate(DRAW, [{}, "en"])
    assert errors == []
    for lang, out in drawn.items():
        # halting bar, ponder-vs-k line, error-by-k bar, trade-off line
        assert [c["type"] for c in out["charts"]] == ["bar", "line", "bar", "line"], lang
        assert all(c["points"] > 0 and c["title"] for c in out["charts"]), lang
        assert out["tables"] == 2, lang
    assert "Halting probability" in drawn["en"]["text"]
    assert "Probabilidad de parada" in drawn["es"]["text"]
    # whether the vector was trained on, in the page language
    answer = {
        "train": ("yes: a training vector", "sí: un vector de entrenamiento"),
        "validation": ("no: a validation vector", "no: un vector de validación"),
        "test": ("no: a test vector", "no: un vector de prueba"),
    }[result["split"]]
    assert "In the training set?" in drawn["en"]["text"] and answer[0] in drawn["en"]["text"]
    assert "¿En el conjunto de entrenamiento?" in drawn["es"]["text"]
    assert answer[1] in drawn["es"]["text"]
    assert empty["charts"] == [] and empty["tables"] == 1
