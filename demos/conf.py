"""The demo platform's settings: ``DEMOS_*`` in Django settings (``vault/settings.py`` reads them from
the environment, like every other variable).

Defaults run out of the box and are sized for the 2-core machine the demos are budgeted on.

=============================  ==================================================================
``DEMOS_FRAME_ANCESTORS``      who may frame ``/embed/…`` pages (CSP frame-ancestors), "*" = anyone
``DEMOS_RATE_LIMIT``           runs one client may start per window, "N/SECONDS" (10/60)
``DEMOS_QUEUE_CAP``            queued + running runs accepted before 503 (8)
``DEMOS_MAX_BODY_BYTES``       largest accepted POST body (4096)
``DEMOS_MAX_RESULT_BYTES``     largest result a run may store (2 MiB)
``DEMOS_HEARTBEAT_S``          how often a running task proves it is alive (2)
``DEMOS_HEARTBEAT_TIMEOUT_S``  silence after which a running run is failed (worker died) (20)
``DEMOS_QUEUE_TIMEOUT_S``      wait after which a queued run is failed (no worker) (300)
``DEMOS_PRELOAD``              import the plug-ins' inference code when a worker starts (true)
``DEMOS_TORCH_THREADS``        torch threads per worker process (1: runs share 2 cores, see below)
``DEMOS_EXTRA_PACKAGES``       more plug-in packages, comma-separated dotted paths (tests)
``DEMOS_TRUST_X_FORWARDED_FOR`` take the client address from X-Forwarded-For (behind a proxy)
=============================  ==================================================================
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def frame_ancestors() -> list[str]:
    value = _get("DEMOS_FRAME_ANCESTORS", "*")
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    return items or ["'none'"]


def rate_limit() -> tuple[int, int]:
    """(runs, window seconds)."""
    value = str(_get("DEMOS_RATE_LIMIT", "10/60"))
    count, _, window = value.partition("/")
    return int(count), int(window or 60)


def queue_cap() -> int:
    return int(_get("DEMOS_QUEUE_CAP", 8))


def max_body_bytes() -> int:
    return int(_get("DEMOS_MAX_BODY_BYTES", 4096))


def max_result_bytes() -> int:
    return int(_get("DEMOS_MAX_RESULT_BYTES", 2 * 1024 * 1024))


def heartbeat_s() -> float:
    return float(_get("DEMOS_HEARTBEAT_S", 2))


def heartbeat_timeout_s() -> float:
    return float(_get("DEMOS_HEARTBEAT_TIMEOUT_S", 20))


def queue_timeout_s() -> float:
    return float(_get("DEMOS_QUEUE_TIMEOUT_S", 300))


def extra_packages() -> list[str]:
    value = _get("DEMOS_EXTRA_PACKAGES", "")
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def trust_x_forwarded_for() -> bool:
    value = _get("DEMOS_TRUST_X_FORWARDED_FOR", False)
    return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}


def preload() -> bool:
    value = _get("DEMOS_PRELOAD", True)
    return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}


def torch_threads() -> int:
    """Intra-op threads for torch in a worker process.

    One: the demos' matrices are small, the worker already runs one process per core, and extra
    threads only contend for the same cores (on a busy 2-core host they made runs several times slower).
    """
    return max(1, int(_get("DEMOS_TORCH_THREADS", 1)))
