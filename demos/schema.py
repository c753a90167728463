"""Parameter schemas of the demo plug-ins (``META["params"]``, see ``demos/PLUGIN.md``).

Two jobs, both pure (no Django import):

* :func:`check_meta` checks a plug-in's ``META`` when the registry loads it, so a broken package is
  reported once at discovery instead of failing a visitor's run;
* :func:`validate` turns untrusted request data (JSON or a query string, so values may arrive as
  strings) into the complete, typed ``params`` dict that ``infer.run`` receives, or into a dict of
  field errors for a 400 answer. Unknown fields are errors too: a typo must not silently run the
  defaults.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from vault import languages

PARAM_TYPES = ("int", "float", "choice", "str", "bool")
REQUIRED_META_KEYS = (
    "slug",
    "title",
    "summary",
    "explanation",
    "talk",
    "points",
    "nodes",
    "params",
)
# Strings arrive from the URL or JSON; even a schema without max_length gets a ceiling.
DEFAULT_STR_MAX = 256
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no", ""}


class MetaError(ValueError):
    """A plug-in's META does not follow the contract."""


def _bilingual(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(value.get(lang), str) for lang in languages.codes()
    )


def check_meta(meta: Mapping[str, Any]) -> None:
    """Raise :class:`MetaError` naming the first problem of a plug-in's META."""
    for key in REQUIRED_META_KEYS:
        if key not in meta:
            raise MetaError(f"META lacks {key!r}")
    for key in ("title", "summary", "explanation"):
        if not _bilingual(meta[key]):
            raise MetaError(f"META[{key!r}] needs 'en' and 'es' strings")
    if not isinstance(meta["params"], Mapping):
        raise MetaError("META['params'] must be a dict")
    for name, spec in meta["params"].items():
        _check_param(name, spec)
    limit = meta.get("time_limit_s", 30)
    if not isinstance(limit, (int, float)) or not 0 < limit <= 600:
        raise MetaError("META['time_limit_s'] must be a number of seconds in (0, 600]")


def _check_param(name: str, spec: Any) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", str(name)):
        raise MetaError(f"parameter name {name!r} must be a lower-case identifier")
    if not isinstance(spec, Mapping) or spec.get("type") not in PARAM_TYPES:
        raise MetaError(f"parameter {name!r}: type must be one of {', '.join(PARAM_TYPES)}")
    if "default" not in spec:
        raise MetaError(f"parameter {name!r} has no default")
    if not _bilingual(spec.get("label")):
        raise MetaError(f"parameter {name!r} needs an EN/ES label")
    kind = spec["type"]
    if kind in ("int", "float") and not (
        "min" in spec and "max" in spec and spec["min"] <= spec["max"]
    ):
        raise MetaError(f"parameter {name!r}: numbers need min <= max")
    if kind == "choice" and not (
        spec.get("choices") and all(isinstance(c, str) for c in spec["choices"])
    ):
        raise MetaError(f"parameter {name!r}: choice needs a list of strings")
    if kind == "str" and spec.get("pattern") is not None:
        try:
            re.compile(spec["pattern"])
        except re.error as exc:
            raise MetaError(f"parameter {name!r}: bad pattern ({exc})") from exc
    _value, error = coerce(spec, spec["default"])
    if error:
        raise MetaError(f"parameter {name!r}: the default is invalid ({error})")


def defaults(params_schema: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {name: spec["default"] for name, spec in params_schema.items()}


def coerce(spec: Mapping[str, Any], raw: Any, strict: bool = False) -> tuple[Any, str | None]:
    """(typed value, None) or (None, error message) for one value against one parameter spec.

    ``strict`` (JSON bodies): numbers and booleans must be JSON numbers and booleans, as the OpenAPI
    schema (``json_schema``) says; a query string's text is converted only when not strict.
    """
    kind = spec["type"]
    if strict and not _json_typed(kind, raw):
        return None, _STRICT_ERRORS[kind]
    if kind == "bool":
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE, None
        return None, "Must be true or false."
    if kind == "int":
        value = _to_number(raw, integer=True)
        if value is None:
            return None, "Must be a whole number."
        return _in_range(spec, value)
    if kind == "float":
        value = _to_number(raw, integer=False)
        if value is None:
            return None, "Must be a number."
        return _in_range(spec, value)
    if not isinstance(raw, str):
        return None, "Must be text."
    if kind == "choice":
        if raw not in spec["choices"]:
            return None, f"Must be one of: {', '.join(spec['choices'])}."
        return raw, None
    limit = int(spec.get("max_length", DEFAULT_STR_MAX))
    if len(raw) > limit:
        return None, f"At most {limit} characters."
    pattern = spec.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, raw):
        return None, "Has the wrong format."
    return raw, None


_STRICT_ERRORS = {
    "bool": "Must be true or false.",
    "int": "Must be a whole number.",
    "float": "Must be a number.",
    "choice": "Must be text.",
    "str": "Must be text.",
}


def _json_typed(kind: str, raw: Any) -> bool:
    if kind == "bool":
        return isinstance(raw, bool)
    if kind == "int":
        return isinstance(raw, int) and not isinstance(raw, bool)
    if kind == "float":
        return isinstance(raw, int | float) and not isinstance(raw, bool)
    return isinstance(raw, str)


def json_schema(params_schema: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON Schema of a ``params`` object that ``validate(..., strict=True)`` accepts, exactly."""
    properties: dict[str, Any] = {}
    for name, spec in params_schema.items():
        kind = spec["type"]
        prop: dict[str, Any]
        if kind in ("int", "float"):
            prop = {
                "type": "integer" if kind == "int" else "number",
                "minimum": spec["min"],
                "maximum": spec["max"],
            }
        elif kind == "bool":
            prop = {"type": "boolean"}
        elif kind == "choice":
            prop = {"type": "string", "enum": list(spec["choices"])}
        else:
            prop = {"type": "string", "maxLength": int(spec.get("max_length", DEFAULT_STR_MAX))}
            if spec.get("pattern") is not None:
                # validate() uses re.fullmatch; JSON Schema searches: anchor both ends (\Z, not $,
                # which also matches before a final newline).
                prop["pattern"] = f"^(?:{spec['pattern']})\\Z"
        prop["default"] = spec["default"]
        properties[name] = prop
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _to_number(raw: Any, *, integer: bool) -> float | int | None:
    if isinstance(raw, bool):  # bool is an int subclass; True is not a number a user typed
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if not text or len(text) > 40:
            return None
        try:
            raw = int(text) if integer else float(text)
        except ValueError:
            if not integer:
                return None
            try:  # "3.0" is a whole number; "3.5" is not
                as_float = float(text)
            except ValueError:
                return None
            raw = as_float
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        if integer:
            return int(raw) if raw.is_integer() else None
        return raw
    if isinstance(raw, int):
        if integer:
            return raw
        try:
            return float(raw)
        except OverflowError:  # a JSON integer too large for a float
            return None
    return None


def _in_range(spec: Mapping[str, Any], value: float) -> tuple[Any, str | None]:
    if value < spec["min"] or value > spec["max"]:
        return None, f"Must be between {spec['min']} and {spec['max']}."
    return value, None


def validate(
    params_schema: Mapping[str, Mapping[str, Any]], data: Mapping[str, Any], strict: bool = False
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(complete params, {}) or ({}, {field: [messages]}) for untrusted ``data``.

    Missing fields take their defaults; every present field is type- and range-checked; fields
    the schema does not know are rejected.
    """
    if not isinstance(data, Mapping):
        return {}, {"non_field_errors": ["Parameters must be a JSON object."]}
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in data:
        if name not in params_schema:
            errors[str(name)[:64]] = ["Unknown parameter."]
    for name, spec in params_schema.items():
        if name not in data:
            clean[name] = spec["default"]
            continue
        value, error = coerce(spec, data[name], strict)
        if error:
            errors[name] = [error]
        else:
            clean[name] = value
    return ({}, errors) if errors else (clean, {})
