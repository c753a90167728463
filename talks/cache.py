"""Rendered pages for anonymous visitors, kept in the Django cache until the content changes.

Every stored page records the *content version* it was rendered under: a random token kept under
one cache key and replaced whenever a talk, translation, point, source, event, speaker or concept
graph changes (model signals below; the importer and ``rebuild_graphs`` write in bulk, bypassing signals, and call
``content_changed()`` themselves). A page is served only if its version is the current one (both
read in one round trip); a stale page is re-rendered and overwritten. A random token rather than a
counter: if the version key is evicted, the next one cannot match any page stored before.

A change inside a transaction bumps the version at once (later reads on the same connection, e.g. in
tests, see the change) and again on commit (another process may have re-rendered the old rows
between the first bump and the commit; the second bump discards that page).

What is cached is the page body with the CSRF token of the language form replaced by a
placeholder; each response gets the visitor's own token back (``get_token``, which also makes the
CSRF middleware set the cookie as an uncached page would). Pages are cached only for anonymous
visitors and only for the query parameters a view declares, so nothing user-specific is stored and
arbitrary query strings cannot fill the cache. Headers (security, CSP, language) are added by the
middleware on every response, cached or not.

The cache itself: ``CACHE_URL``/``REDIS_URL`` (Redis) in production, the database cache by default
(shared by every web and worker process, so an edit in one invalidates pages in all of them). An
unreachable cache (Redis down, no cache table yet) never fails a page or a write: pages are rendered
uncached and the failure is logged.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

log = logging.getLogger(__name__)

VERSION_KEY = "talks:content-version"
#: Seconds a rendered page is kept (``PAGE_CACHE_SECONDS``; 0 turns page caching off).
DEFAULT_PAGE_SECONDS = 24 * 3600
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\x00kv-csrf\x00"
#: Headers the view set that are not stored with the page (recomputed, or per response).
_NOT_STORED = {"content-type", "content-length", "set-cookie"}
#: Response header naming what the page cache did (tests and the load test read it).
STATUS_HEADER = "X-Page-Cache"


def page_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_PAGE_SECONDS))


def _cache(op: str, *args):
    """``caches["default"].<op>(*args)``, or None (logged) when the cache is unreachable."""
    cache = caches["default"]
    try:
        if isinstance(cache, DatabaseCache) and transaction.get_connection().in_atomic_block:
            with (
                transaction.atomic()
            ):  # a savepoint: a failing cache query must not abort the caller's work
                return getattr(cache, op)(*args)
        return getattr(cache, op)(*args)
    except Exception as exc:  # noqa: BLE001 — any backend error means "no cache", never a failed request
        log.warning("page cache unavailable (%s): %s", op, exc)
        return None


def content_version() -> str | None:
    """The current content version (created on first use); None when the cache is unreachable."""
    version = _cache("get", VERSION_KEY)
    if version is None:
        _cache("add", VERSION_KEY, secrets.token_hex(8), None)
        version = _cache("get", VERSION_KEY)
    return version


def _bump() -> None:
    _cache("set", VERSION_KEY, secrets.token_hex(8), None)


def content_changed(using: str | None = None) -> None:
    """Invalidate every cached page now, and again when the current transaction commits."""
    _bump()
    conn = transaction.get_connection(using)
    if conn.in_atomic_block and not any(entry[1] is _bump for entry in conn.run_on_commit):
        transaction.on_commit(_bump, using=using)


def _on_model_change(sender, using: str | None = None, **kwargs) -> None:
    content_changed(using)


def connect_models(models: Iterable[type[Model]]) -> None:
    for model in models:
        uid = f"talks.cache.{model._meta.label_lower}"
        post_save.connect(_on_model_change, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=uid + ".delete")


def _key(request: HttpRequest, params: tuple[str, ...]) -> str:
    query = "&".join(f"{name}={request.GET[name]}" for name in params if name in request.GET)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{translation.get_language()}"
    return f"page:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _cacheable(request: HttpRequest, params: tuple[str, ...]) -> bool:
    if request.method not in ("GET", "HEAD") or page_seconds() <= 0:
        return False
    user = getattr(request, "user", None)
    if (
        user is not None and user.is_authenticated
    ):  # staff see drafts, the admin link…: never cached
        return False
    # Only declared parameters, each given once: anything else renders uncached.
    return all(name in params and len(request.GET.getlist(name)) == 1 for name in request.GET)


def _from_cache(request: HttpRequest, entry: dict) -> HttpResponse:
    body = entry["body"]
    if _CSRF_PLACEHOLDER in body:
        body = body.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, content_type=entry["content_type"])
    for name, value in entry.get("headers", {}).items():
        response[name] = value
    response[STATUS_HEADER] = "hit"
    return response


def cached_page(params: tuple[str, ...] = ()) -> Callable:
    """Serve the view's 200 responses from the page cache for anonymous visitors.

    ``params``: the query parameters the page depends on (part of the key); a request with any
    other parameter is rendered without the cache.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable(request, params):
                return view(request, *args, **kwargs)
            # One round trip for the current version and the stored page, which records the version
            # it was rendered under. The version is read before rendering: a change during the
            # render replaces it, so the page stored below is stale on arrival and never served.
            key = _key(request, params)
            found = _cache("get_many", [VERSION_KEY, key])
            version = (found or {}).get(VERSION_KEY) or (
                content_version() if found is not None else None
            )
            if version is None:
                return view(request, *args, **kwargs)
            entry = found.get(key)
            if entry is not None and entry.get("version") == version:
                return _from_cache(request, entry)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                if hasattr(response, "render"):
                    response.render()
                body = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", response.content)
                headers = {
                    k: v for k, v in response.headers.items() if k.lower() not in _NOT_STORED
                }
                entry = {
                    "version": version,
                    "body": body,
                    "content_type": response["Content-Type"],
                    "headers": headers,
                }
                _cache("set", key, entry, page_seconds())
                response[STATUS_HEADER] = "miss"
            return response

        return wrapper

    return decorator
