"""infer.run: the bundled integer networks classify a drawn digit or a test image (JSON for wage.js)."""

from __future__ import annotations

import json

import pytest
import torch

from demos import schema
from demos.plugins.wage import META
from demos.plugins.wage.infer import NETWORKS, PIXEL_ALPHABET, decode_digit, run
from demos.plugins.wage.task import PIXEL_MAX, load_digits_split

RENDERER_KEYS = {
    "mode",
    "network",
    "seed",
    "input",
    "prediction",
    "acc",
    "bundled",
    "layers",
    "histogram",
    "update_codes",
    "variant_update_codes",
    "costs",
    "table",
}


def _params(**overrides: object) -> dict:
    params, errors = schema.validate(META["params"], overrides)
    assert errors == {}, errors
    return params


def _encode(x: torch.Tensor) -> str:
    return "".join(PIXEL_ALPHABET[round(float(v) * PIXEL_MAX)] for v in x)


def test_the_page_offers_exactly_the_bundled_networks() -> None:
    assert META["params"]["network"]["choices"] == list(NETWORKS)


def test_a_digit_round_trips_through_its_64_character_code() -> None:
    x = load_digits_split().x_test[7]
    code = _encode(x)
    assert len(code) == 64 and torch.equal(decode_digit(code), x)
    assert schema.coerce(META["params"]["digit"], code) == (code, None)
    assert schema.coerce(META["params"]["digit"], "h" * 64)[1] is not None
    with pytest.raises(ValueError):
        decode_digit("0" * 63)


def test_the_default_run_classifies_a_test_image_with_the_bundled_integer_network() -> None:
    seen: list[float] = []
    result = run(_params(), lambda pct, msg: seen.append(pct))
    assert set(result) >= RENDERER_KEYS
    json.dumps(result)  # JSON-serialisable
    assert result["mode"] == "bundled" and result["network"] == "2-8-8-8"
    assert result["input"]["source"] == "test" and len(result["input"]["pixels"]) == 64
    assert result["prediction"]["integer"] is True and len(result["prediction"]["scores"]) == 10
    assert result["histogram"]["values"] == [-1, 0, 1]
    assert [layer["alpha"] for layer in result["layers"]] == result["histogram"]["alphas"]
    assert [b["seed"] for b in result["bundled"]] == [0, 1, 2, 0, 1, 2]
    assert set(result["variant_update_codes"]) == {"stochastic", "deterministic", "noshift"}
    assert seen[-1] == 100.0 and seen == sorted(seen)


def test_a_drawn_test_digit_is_read_as_its_label_by_most_bundled_networks() -> None:
    data = load_digits_split()
    hits = 0
    for i in range(10):
        result = run(_params(digit=_encode(data.x_test[i])), lambda pct, msg: None)
        assert result["input"]["source"] == "drawn" and result["input"]["label"] is None
        hits += result["prediction"]["class"] == int(data.y_test[i])
    assert hits >= 8


def test_the_float_network_has_no_integer_form_and_no_costs_row() -> None:
    result = run(_params(network="float"), lambda pct, msg: None)
    assert result["prediction"]["integer"] is False and result["costs"] == []
    assert result["histogram"]["kind"] == "float"


def test_retraining_is_an_option_that_trains_from_scratch() -> None:
    result = run(_params(retrain=True, epochs=1), lambda pct, msg: None)
    json.dumps(result)
    assert result["mode"] == "retrained"
    assert len(result["retrain"]["curves"]["epoch"]) == 1
    assert 0.0 <= result["retrain"]["acc_wage"] <= 1.0
