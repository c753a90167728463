"""The vault's concepts by meaning, Django side: collect the items, link them, store the concepts.

``collect()`` reads every linkable text of the published talks with its vectors: the search index's
entries (each summary point in each language, each node label citing a point; their USE and e5
columns, so nothing is re-encoded) plus the paragraphs of discussion threads (encoded through the
search's on-disk embedding cache). ``rebuild()`` runs ``graphs.linking.link`` and replaces the
``Concept`` / ``ConceptMember`` rows in one transaction. ``manage.py link_concepts`` and
``setup_vault`` call it after the search index is built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from graphs import linking
from graphs.models import Concept, ConceptMember
from search import embedders
from search import entries as search_entries
from search.models import IndexEntry
from talks.models import Talk

MODELS = ("use", "e5")


@dataclass
class Rebuilt:
    items: int
    candidate_pairs: int
    links: int
    concepts: int
    seconds: float


def thread_paragraphs(thread: dict) -> list[tuple[str, str]]:
    """(anchor key, text) of a thread: the question ``q``, then answer paragraphs ``a<i>-<j>``."""
    out: list[tuple[str, str]] = []
    question = " ".join(str(thread.get("question", "")).split())
    if question:
        out.append(("q", question))
    for i, answer in enumerate(thread.get("answers", []) or [], start=1):
        for j, para in enumerate(answer.get("paragraphs", []) or [], start=1):
            text = " ".join(str(para).split())
            if (
                len(text.split()) >= 4
            ):  # "ingrese la descripción de la imagen aquí" is not a thought
                out.append((f"a{i}-{j}", text))
    return out


def collect() -> tuple[list[linking.Item], np.ndarray, dict[str, int]]:
    """(items, float32[n, 896] combined vectors, talk slug -> pk) of the published talks."""
    talks = {t.pk: t for t in Talk.objects.published().prefetch_related("translations")}
    items: list[linking.Item] = []
    parts: dict[str, list[np.ndarray]] = {m: [] for m in MODELS}
    rows = (
        IndexEntry.objects.filter(point__talk__in=list(talks))
        .order_by("id")
        .values_list(
            "point__talk_id", "kind", "point__lang", "point__number", "node_key", "text", *MODELS
        )
    )
    for talk_id, kind, lang, number, node_key, text, *blobs in rows.iterator(chunk_size=2000):
        vecs = [np.frombuffer(bytes(b), dtype=np.float32) for b in blobs]
        if any(len(v) != embedders.get(m).dim for v, m in zip(vecs, MODELS, strict=True)):
            continue  # not encoded yet by this model (rebuild_search_index fills it)
        items.append(linking.Item(talks[talk_id].slug, kind, lang, number, text, node_key))
        for m, v in zip(MODELS, vecs, strict=True):
            parts[m].append(v)
    paragraphs: list[tuple[linking.Item, str]] = []
    for talk in talks.values():
        for tr in talk.translations.all():
            for n, (key, text) in enumerate(thread_paragraphs(tr.thread or {}), start=1):
                paragraphs.append(
                    (linking.Item(talk.slug, "paragraph", tr.lang, n, text, key), tr.lang)
                )
    for lang in {lang for _item, lang in paragraphs}:
        chunk = [item for item, code in paragraphs if code == lang]
        for m in MODELS:
            parts[m].extend(search_entries.encode_cached(m, [it.text for it in chunk], lang))
        items.extend(chunk)
    if not items:
        return [], np.zeros((0, 896), np.float32), {}
    use, e5 = (np.vstack(parts[m]).astype(np.float32) for m in MODELS)
    return items, linking.combine(use, e5), {t.slug: pk for pk, t in talks.items()}


def rebuild(threshold: float = linking.THRESHOLD) -> Rebuilt:
    """Link every item again and replace the stored concepts (one transaction)."""
    start = time.perf_counter()
    items, vectors, talk_ids = collect()
    result = linking.link(items, vectors, threshold=threshold)
    with transaction.atomic():
        ConceptMember.objects.all().delete()
        Concept.objects.all().delete()
        rows = Concept.objects.bulk_create(
            Concept(labels=c.labels, talk_count=len({items[i].talk for i in c.members}))
            for c in result.concepts
        )
        ConceptMember.objects.bulk_create(
            (
                ConceptMember(
                    concept=row,
                    talk_id=talk_ids[items[i].talk],
                    kind=items[i].kind,
                    lang=items[i].lang,
                    number=items[i].number,
                    key=items[i].key,
                    text=items[i].text,
                    similarity=round(c.similarity[i], 4),
                )
                for row, c in zip(rows, result.concepts, strict=True)
                for i in c.members
            ),
            batch_size=2000,
        )
    return Rebuilt(
        items=len(items),
        candidate_pairs=result.candidate_pairs,
        links=result.links,
        concepts=len(result.concepts),
        seconds=time.perf_counter() - start,
    )
