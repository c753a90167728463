"""demos/plugins/wavenet/static/demos/wavenet.js draws a real infer.run result in headless Chromium, with playable audio."""

from __future__ import annotations

import json

import pytest

from demos.plugins.wavenet import META
from demos.plugins.wavenet.infer import run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECONDS = 0.5

DRAW = """async ([result, lang]) => {
  const el = document.createElement('div');
  document.body.appendChild(el);
  window.DemoRenderers.wavenet(el, result, {lang, params: {}, viz: window.DemoViz});
  const audio = el.querySelector('audio');
  let duration = null;
  if (audio) {
    if (audio.readyState < 1) {
      await new Promise((ok, fail) => {
        audio.addEventListener('loadedmetadata', ok, {once: true});
        audio.addEventListener('error', () => fail(new Error('audio error')), {once: true});
        audio.load();
      });
    }
    duration = audio.duration;
  }
  const charts = Array.from(el.querySelectorAll('canvas')).map(c => window.Chart.getChart(c))
    .filter(Boolean).map(ch => ch.config.type);
  return {duration, canvases: el.querySelectorAll('canvas').length, charts,
          tables: el.querySelectorAll('table').length, text: el.innerText};
}"""


def test_the_renderer_draws_playable_audio_and_every_part_in_both_languages(renderer_page) -> None:
    params = {name: spec["default"] for name, spec in META["params"].items()}
    result = json.loads(json.dumps(run({**params, "length_s": SECONDS}, lambda p, m: None)))
    page, errors = renderer_page("wavenet")
    drawn = {lang: page.evaluate(DRAW, [result, lang]) for lang in ("en", "es")}
    empty = page.evaluate(DRAW, [{}, "en"])  # null-safe on a missing result
    assert errors == []
    for lang, out in drawn.items():
        assert out["duration"] == pytest.approx(SECONDS, abs=0.01), lang
        assert out["charts"] == ["line"], lang  # the waveform; the heatmaps are plain canvases
        assert out["canvases"] >= 3, lang  # waveform, spectrogram, receptive field
        assert out["tables"] == 3, lang  # generation paths, example paths, layers
    assert "Receptive field: 4095 samples" in drawn["en"]["text"]
    assert "Campo receptivo: 4095 muestras" in drawn["es"]["text"]
    assert empty["canvases"] == 0 and empty["tables"] == 0 and empty["duration"] is None
