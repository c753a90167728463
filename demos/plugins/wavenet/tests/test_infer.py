"""infer.run: schema defaults give a JSON result with the renderer's keys; generation agrees."""

from __future__ import annotations

import base64
import io
import json
import wave

import pytest

from demos.plugins.wavenet import META
from demos.plugins.wavenet.infer import run

RENDERER_KEYS = {
    "note",
    "timbre",
    "sample_rate",
    "target_hz",
    "dominant_hz",
    "pitch_error_pct",
    "wav_base64",
    "reference_wav_base64",
    "reference_dominant_hz",
    "waveform",
    "spectrogram",
    "timings",
    "receptive_field",
    "model",
}


def _defaults(**over: object) -> dict:
    params = {k: spec["default"] for k, spec in META["params"].items()}
    params.update(over)
    return params


def test_a_short_run_without_comparison_returns_a_playable_wav() -> None:
    seen = []
    result = run(_defaults(length_s=0.25, compare=False), lambda pct, msg: seen.append(pct))
    assert set(result) >= RENDERER_KEYS
    json.dumps(result, allow_nan=False)
    with wave.open(io.BytesIO(base64.b64decode(result["wav_base64"]))) as w:
        assert w.getnframes() == 4000 and w.getframerate() == 16_000
    assert seen and all(0 <= p <= 100 for p in seen) and seen == sorted(seen)


def test_the_reference_clip_is_the_synthesised_note_at_the_asked_pitch() -> None:
    result = run(_defaults(length_s=0.5, compare=False, note="C4", timbre="brass"))
    with wave.open(io.BytesIO(base64.b64decode(result["reference_wav_base64"]))) as w:
        assert w.getnframes() == 8000 and w.getframerate() == 16_000
    assert abs(result["reference_dominant_hz"] - result["target_hz"]) / result["target_hz"] < 0.03
    assert result["reference_wav_base64"] != result["wav_base64"]


def test_the_same_params_give_the_same_audio_and_another_seed_does_not() -> None:
    a = run(_defaults(length_s=0.25, compare=False))
    b = run(_defaults(length_s=0.25, compare=False))
    c = run(_defaults(length_s=0.25, compare=False, seed=8))
    assert a["wav_base64"] == b["wav_base64"] != c["wav_base64"]


@pytest.mark.slow
def test_the_schema_defaults_give_json_with_agreeing_generation_paths() -> None:
    result = run(_defaults())
    json.dumps(result, allow_nan=False)
    assert set(result) >= RENDERER_KEYS
    t = result["timings"]
    assert t["cached_equals_compiled"] and t["naive_equals_compiled"]
    assert t["fast_over_naive_speedup"] > 1
    rf = result["receptive_field"]
    assert rf["receptive_field_samples"] == 4095 and len(rf["coverage"]) == 23
