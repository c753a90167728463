"""The bundled corpus imports to the same rows whatever the importer's grammar grows to accept.

The digest below was taken from the importer before the header grammar of issue 17 replaced the
case list; a change to it means the corpus now imports differently.
"""

from __future__ import annotations

import hashlib
import json

from graphs.models import ConceptEdge, ConceptGroup, ConceptNode
from talks.models import SummaryPoint, Talk, TalkTranslation

CORPUS_ROWS_SHA256 = "59396a40076be9afaea29acefaf2046811d85e995103f4c545c42533ac276f0c"


def corpus_rows() -> list:
    talks = list(
        Talk.objects.order_by("slug").values_list(
            "slug",
            "kind",
            "status",
            "vault_index",
            "subject",
            "event__name",
            "event__year",
            "speaker__name",
            "related_talk__slug",
        )
    )
    translations = list(
        TalkTranslation.objects.order_by("talk__slug", "lang").values_list(
            "talk__slug",
            "lang",
            "title",
            "graph_source",
            "thread",
            "license",
            "attribution",
            "generator",
            "origin",
        )
    )
    points = list(
        SummaryPoint.objects.order_by("talk__slug", "lang", "number").values_list(
            "talk__slug", "lang", "number", "text", "origin"
        )
    )
    nodes = list(
        ConceptNode.objects.order_by("graph__talk__slug", "graph__lang", "key").values_list(
            "graph__talk__slug", "graph__lang", "key", "label", "group__name"
        )
    )
    return [
        talks,
        translations,
        points,
        nodes,
        ConceptEdge.objects.count(),
        ConceptGroup.objects.count(),
    ]


def test_the_corpus_imports_to_the_rows_it_always_did(corpus_db):
    rows = json.dumps(corpus_rows(), ensure_ascii=False, sort_keys=True, default=str)
    assert hashlib.sha256(rows.encode()).hexdigest() == CORPUS_ROWS_SHA256
