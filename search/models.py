"""The search index's rows: one per searchable text (a summary point, or a concept-graph node label
citing a point), with its lexical terms and one vector per embedding model.

Vectors are float32 bytes (``numpy.ndarray.tobytes()``), L2-normalised, so a dot product is the
cosine. ``checksum`` is the SHA-256 of the embedded text: an entry whose text did not change is not
re-encoded, which makes ``rebuild_search_index`` idempotent and cheap on a second run.
"""

from __future__ import annotations

import numpy as np
from django.db import models

from talks.models import SummaryPoint


class IndexEntry(models.Model):
    class Kind(models.TextChoices):
        POINT = "point", "summary point"
        NODE = "node", "concept-map label"

    point = models.ForeignKey(SummaryPoint, on_delete=models.CASCADE, related_name="search_entries")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.POINT)
    node_key = models.CharField(
        max_length=20, blank=True, help_text="graph node id for kind=node, e.g. 'F'"
    )
    text = models.TextField(help_text="the text that was embedded")
    terms = models.TextField(
        help_text="lexical terms (search.analyzer.terms), space-separated, for full-text search"
    )
    checksum = models.CharField(max_length=64)
    minilm = models.BinaryField(help_text="all-MiniLM-L6-v2 vector, float32[384]")
    use = models.BinaryField(help_text="multilingual USE v3 vector, float32[512]")
    e5 = models.BinaryField(
        default=b"", help_text="multilingual-e5-small (4-bit) vector, float32[384]"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The engine asks for max(updated_at) before every search (search/engine.py, _generation).
        indexes = [models.Index(fields=["updated_at"], name="search_entry_updated_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "kind", "node_key"],
                name="search_entry_point_kind_node_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.kind}{' ' + self.node_key if self.node_key else ''}"

    def vector(self, model: str) -> np.ndarray:
        return np.frombuffer(bytes(getattr(self, model)), dtype=np.float32)
