"""API error handling: every error is JSON with a message and the right 4xx code, never a 500 page."""

from __future__ import annotations

import re

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.views import exception_handler as drf_exception_handler

# The shape of every API error, for the OpenAPI schema (``responses={400: ERROR, 404: ERROR}``).
ERROR = inline_serializer(
    "Error",
    {
        "error": serializers.CharField(),
        "status": serializers.IntegerField(),
        "fields": serializers.DictField(required=False, help_text="per-parameter messages"),
    },
)


def parameter_errors(query, specs: dict[str, dict]) -> dict[str, list[str]]:
    """``{name: [message]}`` for each query parameter of ``specs`` that its schema does not allow.

    A parameter that is present must be valid, empty included (an empty ``kind`` is not a kind).
    """
    errors = {}
    for name, spec in specs.items():
        if name not in query:
            continue
        value = query[name]
        if spec["type"] == "integer":
            low, high = spec["minimum"], spec["maximum"]
            ok = re.fullmatch(r"-?[0-9]{1,40}", value) is not None and low <= int(value) <= high
            if not ok:
                errors[name] = [f"must be a whole number from {low} to {high}"]
        elif "enum" in spec and value not in spec["enum"]:
            errors[name] = [f"must be one of {', '.join(spec['enum'])}"]
        elif "pattern" in spec and not (
            re.search(spec["pattern"], value) and len(value) <= spec["maxLength"]
        ):  # re.search, as JSON Schema's pattern
            errors[name] = [spec.get("x-message") or f"must match {spec['pattern']}"]
    return errors


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handler takes over (logged)
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        body = {"error": str(data["detail"]), "status": response.status_code}
    else:
        body = {"error": "invalid request", "status": response.status_code, "fields": data}
    response.data = body
    return response
