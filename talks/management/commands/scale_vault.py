"""``manage.py scale_vault [--talks 1000]``: grow the vault with generated talks for load tests.

Generated talks are variants of the corpus talks already in the vault (every language each one
has, its concept graph, its points with a few words dropped per variant), with their own slugs
(``scaled-NNNN-…``), titles, speakers and events, written by the project's importer in batches
(``talks.importers.writer.import_documents``: set-based, atomic, idempotent, and it invalidates cached
pages). Their search entries reuse the vectors of the corpus point each one was derived from (as
``bench/search_bench.py`` does; encoding tens of thousands of texts would take hours here) with
their own text and lexical terms, so lexical search sees the variant's words.

Idempotent: a second run with the same ``--talks`` writes nothing; ``--remove`` deletes every
generated talk (and the speakers and events only they used).
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from tqdm import tqdm

from talks.cache import content_changed
from talks.importers.knowledge_vault import ParsedDocument
from talks.importers.writer import import_documents
from talks.models import Event, SourceDocument, Speaker, SummaryPoint, Talk

PREFIX = "scaled-"
SPEAKER_PREFIX = "Scaled Speaker"
EVENTS = ("ICLR", "NeurIPS", "ICML")
YEARS = range(2014, 2025)
TALKS_PER_SPEAKER = 5
BATCH = 100
DROP_SHARE = 0.1  # words dropped from each point of a variant


class Command(BaseCommand):
    help = (
        "Add generated variants of the corpus talks until the vault holds --talks talks (for load tests); "
        "idempotent; --remove deletes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--talks", type=int, default=1000, help="Talks the vault should hold (default 1,000)."
        )
        parser.add_argument(
            "--remove", action="store_true", help="Delete every generated talk instead."
        )
        parser.add_argument(
            "--no-search", action="store_true", help="Do not write search entries for them."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **opts):
        if opts["remove"]:
            self.stdout.write(f"removed {remove_generated()} generated talk(s)")
            return
        started = time.perf_counter()
        sources = _corpus_documents()
        if not sources:
            raise CommandError("the vault has no corpus talks to vary: run import_vault first")
        real = Talk.objects.exclude(slug__startswith=PREFIX).count()
        wanted = max(0, opts["talks"] - real)
        extra = Talk.objects.filter(slug__startswith=PREFIX).order_by("slug")[wanted:]
        removed = (
            remove_generated(list(extra.values_list("pk", flat=True)))
            if wanted
            else remove_generated()
        )
        written = 0
        with override_settings(
            SEARCH_INDEX_ON_IMPORT=False
        ):  # entries are copied below, not encoded
            for start in tqdm(
                range(0, wanted, BATCH), disable=opts["quiet"], desc="talks", unit="batch"
            ):
                docs = [
                    doc
                    for i in range(start, min(wanted, start + BATCH))
                    for doc in variants(i, sources)
                ]
                written += sum(r.status != "unchanged" for r in import_documents(docs))
        entries = 0 if opts["no_search"] else copy_search_entries(sources)
        self.stdout.write(
            f"{real + wanted} talks ({wanted} generated: {written} translation(s) written, {removed} removed, "
            f"{entries} search entries) in {time.perf_counter() - started:.1f} s"
        )


def _corpus_documents() -> dict[str, list[ParsedDocument]]:
    """Each published corpus talk's latest source per language, parsed: the templates of variants."""
    from talks.importers.writer import parse_pasted

    out: dict[str, list[ParsedDocument]] = {}
    talks = (
        Talk.objects.published()
        .exclude(slug__startswith=PREFIX)
        .filter(kind=Talk.Kind.INVITED_TALK)
    )
    for talk in talks.order_by("slug").prefetch_related("translations"):
        for tr in talk.translations.all():
            source = (
                SourceDocument.objects.filter(talk=talk, lang=tr.lang)
                .order_by("-imported_at")
                .first()
            )
            if source is None:
                continue
            from talks.importers.knowledge_vault import Metadata

            meta = Metadata(
                slug=talk.slug,
                lang=tr.lang,
                kind=talk.kind,
                title=tr.title,
                speaker=talk.speaker.name if talk.speaker else "",
                event=talk.event.name if talk.event else "",
                year=talk.event.year if talk.event else None,
            )
            out.setdefault(talk.slug, []).append(
                parse_pasted(source.raw_text, source.filename, overrides=meta)
            )
    return out


def variants(i: int, sources: dict[str, list[ParsedDocument]]) -> list[ParsedDocument]:
    """Generated talk ``i``: a variant of corpus talk ``i % len(sources)`` in each of its languages."""
    origin = sorted(sources)[i % len(sources)]
    rng = random.Random(i)
    event, year = EVENTS[i % len(EVENTS)], YEARS[(i // len(EVENTS)) % len(YEARS)]
    speaker = f"{SPEAKER_PREFIX} {i // TALKS_PER_SPEAKER:04d}"
    out = []
    for doc in sources[origin]:
        points = {n: _vary(text, rng) for n, text in doc.points.items()}
        title = f"{doc.meta.title} ({'variant' if doc.lang == 'en' else 'variante'} {i + 1})"
        raw = f"[scale_vault variant {i} of {origin}/{doc.lang}]\n" + doc.raw_text
        meta = replace(
            doc.meta,
            slug=f"{PREFIX}{i:04d}-{origin}"[:200],
            title=title,
            speaker=speaker,
            event=event,
            year=year,
            vault_index="",
            related_talk="",
        )
        out.append(
            replace(
                doc,
                filename=f"{PREFIX}{i:04d}-{doc.lang}.txt",
                raw_text=raw,
                checksum=hashlib.sha256(
                    raw.encode() + repr(sorted(points.items())).encode()
                ).hexdigest(),
                meta=meta,
                points=points,
                # The warnings of the corpus page were read by the curator who published its talk;
                # a variant is published like it (the importer makes a page with warnings a draft).
                warnings=[],
            )
        )
    return out


def _vary(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) < 6:
        return text
    drop = set(rng.sample(range(1, len(words)), max(1, int(len(words) * DROP_SHARE))))
    return " ".join(w for j, w in enumerate(words) if j not in drop)


def copy_search_entries(sources: dict[str, list[ParsedDocument]]) -> int:
    """Search entries for generated points without one: the corpus point's vectors, the variant's text."""
    from search import analyzer, embedders, entries
    from search.models import IndexEntry

    origin_ids = Talk.objects.filter(slug__in=list(sources)).values_list("pk", flat=True)
    entries.index_points(
        SummaryPoint.objects.filter(talk_id__in=origin_ids).values_list("pk", flat=True)
    )
    template: dict[tuple[str, str, int], list[IndexEntry]] = {}
    for e in IndexEntry.objects.filter(point__talk_id__in=origin_ids).select_related("point__talk"):
        template.setdefault((e.point.talk.slug, e.point.lang, e.point.number), []).append(e)
    todo = (
        SummaryPoint.objects.filter(talk__slug__startswith=PREFIX, search_entries__isnull=True)
        .select_related("talk")
        .order_by("pk")
    )
    written = 0
    for _chunk_start in range(0, todo.count(), 2000):
        rows = []
        for p in todo[:2000]:
            origin = p.talk.slug.split("-", 2)[2]
            for e in template.get((origin, p.lang, p.number), []):
                body = p.text if e.kind == IndexEntry.Kind.POINT else e.text
                rows.append(
                    IndexEntry(
                        point=p,
                        kind=e.kind,
                        node_key=e.node_key,
                        text=body,
                        terms=" ".join(analyzer.terms(body)),
                        checksum=entries.entry_checksum(body),
                        **{m: getattr(e, m) for m in embedders.DEFAULT_MODELS},
                    )
                )
        if not rows:
            break
        with transaction.atomic():
            IndexEntry.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


def remove_generated(pks: list[int] | None = None) -> int:
    """Delete generated talks (all, or these), then speakers and events no talk uses any more."""
    talks = Talk.objects.filter(slug__startswith=PREFIX)
    if pks is not None:
        talks = talks.filter(pk__in=pks)
    n = talks.count()
    if not n:
        return 0
    with transaction.atomic():
        talks.delete()
        Speaker.objects.filter(name__startswith=SPEAKER_PREFIX, talks__isnull=True).delete()
        Event.objects.filter(talks__isnull=True, name__in=EVENTS, year__in=list(YEARS)).delete()
        content_changed()
    return n
