"""What a run may show the world: JSON-clean results and error messages without paths or tracebacks.

Pure helpers (no Django import). A plug-in's result and a failure's message both end up in a public
API answer, so server paths (``/home/…/site-packages/…``), tracebacks and non-JSON values
(NaN, tensors, bytes) are removed or refused here, whatever the plug-in did.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

MAX_ERROR_CHARS = 300
REDACTED = "[…]"
GENERIC_ERROR = "The demo failed on these parameters."
# An absolute POSIX path of two or more parts, or a Windows drive path.
_PATH_RE = re.compile(r"(?:[A-Za-z]:\\|(?<![\w.])/)(?:[\w.\-+@~]+[/\\])+[\w.\-+@~]*")
_SECRET_PLACES = tuple(
    str(p)
    for p in {Path(__file__).resolve().parent.parent, Path(sys.prefix), Path.home()}
    if str(p) != "/"
)
# Exceptions whose message is written for the user (a plug-in rejecting a value it was given).
USER_ERRORS = (ValueError,)


class ResultError(ValueError):
    """A plug-in's result cannot be published."""


def scrub(text: str) -> str:
    """``text`` with absolute paths and traceback lines removed."""
    if "Traceback (most recent call last)" in text:
        text = text.split("Traceback (most recent call last)")[0]
    for place in _SECRET_PLACES:
        text = text.replace(place, REDACTED)
    return _PATH_RE.sub(REDACTED, text)


def public_error(exc: BaseException) -> str:
    """A short, path-free message for a failed run (details go to the server log only)."""
    if isinstance(exc, USER_ERRORS) and str(exc).strip():
        message = scrub(str(exc).strip().splitlines()[0])
        return message[:MAX_ERROR_CHARS]
    return GENERIC_ERROR


def clean_result(result: Any, max_bytes: int) -> dict[str, Any]:
    """The result as plain JSON (NaN/inf → null, paths scrubbed), or :class:`ResultError`."""
    if not isinstance(result, dict):
        raise ResultError("the demo returned no result object")
    cleaned = _clean(result, depth=0)
    size = len(json.dumps(cleaned, separators=(",", ":"), allow_nan=False))
    if size > max_bytes:
        raise ResultError(f"the result is too large ({size} bytes)")
    return cleaned


def _clean(value: Any, depth: int) -> Any:
    if depth > 32:
        raise ResultError("the result is nested too deeply")
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        # Long strings are base64 media: no path can hide in them and scanning them is wasted work.
        return value if len(value) > 4096 and " " not in value[:4096] else scrub(value)
    if isinstance(value, dict):
        return {str(k): _clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, depth + 1) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy / torch scalars
        return _clean(value.item(), depth + 1)
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays, tensors
        return _clean(value.tolist(), depth + 1)
    raise ResultError(f"the result holds a value JSON cannot carry ({type(value).__name__})")
