"""The demo plug-ins, found by folder and imported lazily (``demos/PLUGIN.md``).

Every folder ``demos/plugins/<slug>/`` with an ``__init__.py`` is a plug-in (``DEMOS_EXTRA_PACKAGES``
adds packages from elsewhere, for tests); the demos index lists them in folder-name order. Only each package's ``__init__`` (its ``META``) is imported to list, describe and validate demos; the
package's ``infer`` / ``evaluate`` / ``train`` modules, and torch with them, are imported on first
use, in the Celery worker or a management command. Web processes never import torch at start-up.

A package that is missing, not yet complete (no ``infer.py``) or whose META breaks the contract is
left out of the listing and logged once, so one engineer's half-written demo never takes the site down.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from demos.kit.training import Progress

from . import conf, schema

logger = logging.getLogger(__name__)

PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"
PLUGINS_PACKAGE = "demos.plugins"
DEFAULT_TIME_LIMIT_S = 30


@dataclass(frozen=True)
class Demo:
    """One plug-in: its META and lazy access to its entry points."""

    slug: str
    package: str
    meta: dict[str, Any]

    @property
    def params_schema(self) -> dict[str, dict[str, Any]]:
        return self.meta["params"]

    @property
    def deterministic(self) -> bool:
        return bool(self.meta.get("deterministic", False))

    @property
    def time_limit_s(self) -> float:
        return float(self.meta.get("time_limit_s", DEFAULT_TIME_LIMIT_S))

    @property
    def talk(self) -> str:
        return self.meta["talk"]

    def text(self, key: str, lang: str) -> str:
        value = self.meta[key]
        return value.get(lang) or value["en"]

    def title(self, lang: str) -> str:
        return self.text("title", lang)

    def validate(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        return schema.validate(self.params_schema, data)

    def defaults(self) -> dict[str, Any]:
        return schema.defaults(self.params_schema)

    @cached_property
    def folder(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        assert spec is not None and spec.submodule_search_locations is not None  # a package
        return Path(next(iter(spec.submodule_search_locations)))

    def has_module(self, name: str) -> bool:
        return importlib.util.find_spec(f"{self.package}.{name}") is not None

    def module(self, name: str):
        """``infer``, ``evaluate`` or ``train`` of this package, imported now (torch comes with it)."""
        return importlib.import_module(f"{self.package}.{name}")

    def entry_point(self, module: str, name: str, signature: str) -> Callable:
        """``demos/plugins/<slug>/<module>.py``'s ``name``; LookupError (with a message) when it is missing."""
        if not self.has_module(module):
            raise LookupError(f"Demo {self.slug!r} has no {module}.py.")
        fn = getattr(self.module(module), name, None)
        if fn is None:
            raise LookupError(f"{self.package}.{module} has no {signature}.")
        return fn

    def run(self, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
        return self.module("infer").run(params, progress)

    def fingerprint(self) -> str:
        """Changes whenever the inference code or a bundled checkpoint changes (keys the result cache).

        Built from names, sizes and modification times only: no file is read, no torch imported.
        """
        digest = hashlib.sha256(self.slug.encode())
        candidates = [self.folder / "infer.py", self.folder / "model.py"]
        weights = self.folder / "weights"
        if weights.is_dir():
            candidates += sorted(p for p in weights.rglob("*") if p.is_file())
        for path in candidates:
            if path.exists():
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        return digest.hexdigest()[:16]


def plugin_packages() -> dict[str, str]:
    """slug -> dotted package of every folder in ``demos/plugins/``, in name order (no import)."""
    return {
        folder.name: f"{PLUGINS_PACKAGE}.{folder.name}"
        for folder in sorted(PLUGINS_DIR.iterdir())
        if (folder / "__init__.py").is_file() and folder.name.isidentifier()
    }


def _packages() -> dict[str, str]:
    packages = plugin_packages()
    for dotted in conf.extra_packages():
        packages[dotted.rsplit(".", 1)[-1]] = dotted
    return packages


_cache: dict[str, Demo] | None = None


def _load() -> dict[str, Demo]:
    found: dict[str, Demo] = {}
    for slug, package in _packages().items():
        if importlib.util.find_spec(package) is None:
            continue
        if importlib.util.find_spec(f"{package}.infer") is None:
            logger.info("demo %s: no infer.py yet, not listed", slug)
            continue
        try:
            meta = importlib.import_module(package).META
            schema.check_meta(meta)
        except Exception as exc:  # noqa: BLE001 — one broken plug-in must not break the site
            logger.warning("demo %s left out: %s", slug, exc)
            continue
        if meta["slug"] != slug:
            logger.warning("demo %s left out: META['slug'] is %r", slug, meta["slug"])
            continue
        found[slug] = Demo(slug=slug, package=package, meta=meta)
    return found


def all_demos() -> list[Demo]:
    """Every usable demo, in index order (discovered once per process)."""
    global _cache
    if _cache is None:
        _cache = _load()
    return list(_cache.values())


def get(slug: str) -> Demo | None:
    all_demos()
    return _cache.get(slug) if _cache else None


def for_talk(talk_slug: str) -> list[Demo]:
    """Demos that illustrate a talk (``META["talk"]``) or relate to it (``META["also_talks"]``)."""
    return [
        d for d in all_demos() if d.talk == talk_slug or talk_slug in d.meta.get("also_talks", [])
    ]


def reset() -> None:
    """Forget the discovered demos (tests that change the installed packages)."""
    global _cache
    _cache = None
