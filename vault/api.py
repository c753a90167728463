"""API error handling: every error is JSON with a message and the right 4xx code, never a 500 page."""

from __future__ import annotations

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
