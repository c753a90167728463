"""Parameter schemas: every bad type and range is refused with a field message; META is checked."""

from __future__ import annotations

import copy

import pytest

from demos import registry, schema
from tests.demo_plugins.probe import META as PROBE_META

PARAMS = PROBE_META["params"]


def test_missing_fields_take_their_defaults():
    clean, errors = schema.validate(PARAMS, {})
    assert errors == {}
    assert clean == {"count": 4, "seconds": 0.0, "mode": "echo", "bits": "", "flag": False}


def test_query_string_values_are_coerced_to_their_types():
    clean, errors = schema.validate(
        PARAMS, {"count": "7", "seconds": "1.5", "flag": "true", "bits": "0101"}
    )
    assert errors == {}
    assert (
        clean["count"] == 7
        and clean["seconds"] == 1.5
        and clean["flag"] is True
        and clean["bits"] == "0101"
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("count", -1),
        ("count", 9),
        ("count", 2.5),
        ("count", "two"),
        ("count", True),
        ("count", None),
        ("count", [1]),
        ("count", ""),
        ("count", "1e999"),
        ("seconds", -0.1),
        ("seconds", 30.01),
        ("seconds", "abc"),
        ("seconds", float("nan")),
        ("seconds", float("inf")),
        ("seconds", False),
        ("seconds", {}),
        ("mode", "ECHO"),
        ("mode", 1),
        ("mode", ""),
        ("mode", None),
        ("bits", "012"),
        ("bits", "0" * 9),
        ("bits", 101),
        ("bits", None),
        ("flag", "maybe"),
        ("flag", 2),
        ("flag", None),
        ("flag", [True]),
    ],
)
def test_every_bad_type_or_range_is_a_field_error(field, value):
    clean, errors = schema.validate(PARAMS, {field: value})
    assert clean == {}
    assert list(errors) == [field]
    assert errors[field] and all(isinstance(m, str) and m for m in errors[field])


def test_boundaries_are_inclusive():
    clean, errors = schema.validate(PARAMS, {"count": 8, "seconds": 0, "bits": "01010101"})
    assert errors == {} and clean["count"] == 8 and clean["seconds"] == 0.0


def test_unknown_fields_and_non_objects_are_refused():
    assert schema.validate(PARAMS, {"cuont": 3})[1] == {"cuont": ["Unknown parameter."]}
    assert "non_field_errors" in schema.validate(PARAMS, ["count"])[1]


def test_several_errors_are_reported_together():
    _, errors = schema.validate(PARAMS, {"count": 99, "mode": "x", "flag": "?"})
    assert set(errors) == {"count", "mode", "flag"}


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda m: m.pop("params"), "lacks 'params'"),
        (lambda m: m["title"].pop("es"), "'title'"),
        (lambda m: m["params"]["count"].pop("default"), "no default"),
        (lambda m: m["params"]["count"].update(type="integer"), "type must be"),
        (lambda m: m["params"]["count"].update(min=9), "min <= max"),
        (lambda m: m["params"]["count"].update(default=99), "default is invalid"),
        (lambda m: m["params"]["mode"].update(choices=[]), "choice needs"),
        (lambda m: m["params"]["bits"].update(pattern="("), "bad pattern"),
        (lambda m: m["params"]["flag"].pop("label"), "EN/ES label"),
        (lambda m: m.update(time_limit_s=0), "time_limit_s"),
    ],
)
def test_check_meta_names_the_problem(breakage, message):
    meta = copy.deepcopy(PROBE_META)
    breakage(meta)
    with pytest.raises(schema.MetaError, match=message):
        schema.check_meta(meta)


def test_every_listed_demo_follows_the_contract():
    registry.reset()
    for demo in registry.all_demos():
        schema.check_meta(demo.meta)
        assert demo.meta["slug"] == demo.slug
        assert set(demo.validate({})[0]) == set(demo.params_schema)
