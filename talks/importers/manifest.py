"""The manifest shipped beside the bundled corpus: metadata for files that carry no header."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .knowledge_vault import ImportProblem, Metadata

MANIFEST_NAME = "manifest.json"


@lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> dict[str, dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportProblem(f"cannot read the manifest: {exc}", filename=path) from None
    return data.get("files", {})


def entry_for(file: Path) -> Metadata | None:
    """The manifest entry for ``file`` (looked up by name in its folder's manifest.json), if any."""
    manifest = file.parent / MANIFEST_NAME
    if not manifest.exists():
        return None
    entry = _load(str(manifest), manifest.stat().st_mtime).get(file.name)
    if entry is None:
        return None
    known = set(Metadata.__dataclass_fields__)
    return Metadata(**{k: v for k, v in entry.items() if k in known})
