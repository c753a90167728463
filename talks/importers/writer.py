"""Import parsed documents into the database: atomic, idempotent, keeping every source verbatim.

Used by ``manage.py import_vault`` and by the admin's paste-and-preview import. Parsing happens first,
for every document, so a malformed file is reported before anything is written; writing happens in one
transaction, so a failure half-way writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from talks.cache import content_changed
from talks.models import (
    Event,
    GraphOrigin,
    Origin,
    SourceDocument,
    Speaker,
    SummaryPoint,
    Talk,
    TalkTranslation,
    TranslationKind,
    text_hash,
    thread_hash,
)
from talks.signals import preview_built, translation_imported
from vault import languages, sql

from . import history
from .knowledge_vault import ImportProblem, Metadata, ParsedDocument, decode, parse
from .manifest import entry_for

# What importing a document does: a new talk; a new language of a talk already in the vault (or
# created by another document of the same import); a language whose text changed; nothing.
CREATED, MERGED, UPDATED, UNCHANGED = "created", "merged", "updated", "unchanged"
STATUS_TEXT = {
    CREATED: "created a new talk",
    MERGED: "merged as a translation of an existing talk",
    UPDATED: "updated",
    UNCHANGED: "left unchanged",
}


@dataclass
class ImportResult:
    file: str
    slug: str
    lang: str
    status: str
    warnings: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "slug": self.slug,
            "lang": self.lang,
            "status": self.status,
            "warnings": self.warnings,
        }


def load_file(path: Path, overrides: Metadata | None = None) -> ParsedDocument:
    """Read and parse one file; ``overrides`` (command options) beat the manifest, the manifest fills gaps."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"cannot read the file: {exc.strerror}", filename=path.name) from None
    defaults = overrides or Metadata()
    manifest = entry_for(path)
    if manifest is not None:
        defaults = defaults.merged_with(manifest)
    return parse(decode(data, path.name), filename=path.name, defaults=defaults)


def parse_pasted(
    text: str, filename: str = "pasted.txt", overrides: Metadata | None = None
) -> ParsedDocument:
    """Parse text pasted in the admin (already a str)."""
    # surrogatepass: a lone surrogate becomes bytes that decode() reports as "not UTF-8", not a crash.
    return parse(
        decode(text.encode("utf-8", "surrogatepass"), filename),
        filename=filename,
        defaults=overrides,
    )


def resolve_talks(docs: list[ParsedDocument]) -> None:
    """Give documents of one vault entry one talk: the vault index (``2/45``) is the natural key.

    A document whose index names a talk already in the vault takes that talk's slug; documents of the
    same new entry take the slug of the first of them (English first), so the EN and ES pages of an
    entry become one talk with two languages, in one import or in two. A slug given by the manifest or
    the curator is kept.
    """
    indexed = [d for d in docs if d.meta.vault_index and not d.slug_given]
    if not indexed:
        return
    stored = dict(
        Talk.objects.filter(vault_index__in={d.meta.vault_index for d in indexed}).values_list(
            "vault_index", "slug"
        )
    )
    order = {code: i for i, code in enumerate(languages.codes())}
    for doc in sorted(docs, key=lambda d: (order.get(d.lang, 99), d.filename)):
        index = doc.meta.vault_index
        if not index:
            continue
        if doc.slug_given:
            stored.setdefault(index, doc.slug)
        elif index in stored:
            doc.meta.slug = stored[index]
        else:
            stored[index] = doc.slug


def _statuses(
    docs: list[ParsedDocument], lock: bool = False
) -> tuple[dict[str, Talk], dict[int, str]]:
    """The talks ``docs`` name, and what importing each doc would do now (by ``id(doc)``).

    ``docs`` have been through ``resolve_talks``. ``lock`` (inside the import's transaction) locks
    the talks' rows, so a curator's save of one of them waits for the import instead of interleaving.
    """
    # of=self, no ordering: the default ordering joins the nullable event and speaker, whose side of an
    # outer join PostgreSQL cannot lock.
    rows = Talk.objects.select_for_update(of=("self",)).order_by() if lock else Talk.objects.all()
    talks = rows.in_bulk([d.slug for d in docs], field_name="slug")
    # Unchanged means: the translation exists and was last imported from this very text (text A, then
    # B, then A again is a change; a deleted translation is imported again).
    stored = list(
        TalkTranslation.objects.filter(talk__slug__in=list(talks)).values_list(
            "talk__slug", "lang", "source__checksum"
        )
    )
    known = {row for row in stored if row[2] is not None}
    have_lang = {(slug, lang) for slug, lang, _checksum in stored}
    status: dict[int, str] = {}
    first_of: set[str] = set()
    for d in docs:
        if d.slug not in talks:
            status[id(d)] = CREATED if d.slug not in first_of else MERGED
            first_of.add(d.slug)
        elif (d.slug, d.lang, d.checksum) in known:
            status[id(d)] = UNCHANGED
        elif (d.slug, d.lang) not in have_lang:
            status[id(d)] = MERGED
        else:
            status[id(d)] = UPDATED
    return talks, status


def build_preview(doc: ParsedDocument) -> dict:
    """The dry-run preview: the parser's summary, what apps add (graph counts…), and the expected status."""
    return build_previews([doc])[0]


def build_previews(docs: list[ParsedDocument]) -> list[dict]:
    """``build_preview`` for documents imported together: the EN and ES pages of one new entry
    preview as one talk, created by the first and merged by the second, as ``import_documents`` would."""
    resolve_talks(docs)
    _talks, status = _statuses(docs)
    previews = []
    for doc in docs:
        preview = doc.preview()
        preview_built.send(sender=ParsedDocument, parsed=doc, preview=preview)
        preview["would_be"] = status[id(doc)]
        previews.append(preview)
    return previews


def _import_order(doc: ParsedDocument) -> int:
    # Discussions link to talks: write talks first.
    return 1 if doc.meta.kind == "discussion" else 0


@transaction.atomic
def import_documents(
    docs: list[ParsedDocument], user=None, new_status: str = "", force: bool = False
) -> list[ImportResult]:
    """Write ``docs`` in one transaction; any ``ImportProblem`` raised rolls everything back.

    ``new_status`` sets the workflow status of talks this import creates (default: published).
    ``force`` rewrites documents already imported unchanged (re-import from the stored source).
    Set-based: a constant number of queries per batch (plus the receivers of ``translation_imported``),
    so importing thousands of documents costs about as much as parsing them.
    """
    resolve_talks(docs)
    seen: dict[tuple[str, str], str] = {}
    for doc in docs:
        key = (doc.slug, doc.lang)
        if key in seen:
            raise ImportProblem(
                f"{seen[key]} has the same talk and language ({doc.slug}, {doc.lang})",
                0,
                doc.filename,
            )
        seen[key] = doc.filename

    for doc in docs:
        _check_fits(doc)
        _check_translation(doc, seen)
    talks, status = _statuses(docs, lock=True)
    todo = sorted((d for d in docs if force or status[id(d)] != UNCHANGED), key=_import_order)
    if todo:
        _write(todo, talks, user, new_status or Talk.Status.PUBLISHED)
    return [
        ImportResult(d.filename, d.slug, d.lang, status[id(d)], [w.as_dict() for w in d.warnings])
        for d in docs
    ]


def _write(docs: list[ParsedDocument], talks: dict[str, Talk], user, new_status: str) -> None:
    events = _ensure(
        Event,
        {(d.meta.event, d.meta.year) for d in docs if d.meta.event and d.meta.year},
        lambda key: Event(name=key[0], year=key[1], slug=slugify(f"{key[0]} {key[1]}")),
        key=lambda e: (e.name, e.year),
    )
    speakers = _ensure(
        Speaker,
        {d.meta.speaker for d in docs if d.meta.speaker},
        lambda name: Speaker(name=name, slug=_speaker_slug(name)),
        key=lambda s: s.name,
    )

    new_talks: dict[str, Talk] = {}
    for doc in docs:
        talk = talks.get(doc.slug) or new_talks.get(doc.slug)
        if talk is None:
            talk = new_talks[doc.slug] = Talk(slug=doc.slug, status=new_status)
        _apply_talk_metadata(talk, doc.meta, events, speakers)
        if doc.warnings:
            # Imported without what could not be read: a curator looks at it before it is public.
            talk.status = Talk.Status.DRAFT
    Talk.objects.bulk_create(new_talks.values())
    talks.update({t.slug: t for t in Talk.objects.filter(slug__in=list(new_talks))})
    linked = _link_related(docs, talks)
    changed = {t.pk: t for d in docs if (t := talks[d.slug])}
    # New talks were written whole by bulk_create; only talks that existed before, or that just got
    # their related talk, need an UPDATE (bulk_update's CASE grows with the batch: keep it small).
    stale = [t for pk, t in changed.items() if t.slug not in new_talks or t.slug in linked]
    for talk in stale:
        talk.version += 1  # an edit opened before this import is refused, not overwritten
    Talk.objects.bulk_update(
        stale,
        [
            "kind",
            "status",
            "event",
            "speaker",
            "vault_index",
            "subject",
            "related_talk",
            "updated_at",
            "version",
        ],
        batch_size=200,
    )

    imported_by = user if getattr(user, "pk", None) else None
    sources = [
        SourceDocument(
            talk=talks[d.slug],
            lang=d.lang,
            filename=d.filename,
            raw_text=d.raw_text,
            checksum=d.checksum,
            generator=d.meta.generator,
            warnings=[{"line": w.line, "message": w.message} for w in d.warnings],
            imported_by=imported_by,
        )
        for d in docs
    ]
    SourceDocument.objects.bulk_create(sources)
    source_of = {(d.slug, d.lang): sd for d, sd in zip(docs, sources, strict=True)}

    existing = {
        (t.talk_id, t.lang): t
        for t in TalkTranslation.objects.select_for_update(of=("self",))
        .order_by()
        .filter(talk_id__in=list(changed))
    }
    create, update = [], []
    by_key = {(d.slug, d.lang): d for d in docs}
    for doc in docs:
        talk = talks[doc.slug]
        tr = existing.get((talk.pk, doc.lang))
        title = doc.meta.title or (tr.title if tr else "")
        if not title:
            raise ImportProblem(
                "no title: the file has no header and the manifest gives none (use --title)",
                0,
                doc.filename,
            )
        fields = {
            "title": title[:500],
            "graph_source": doc.graph_source,
            "thread": doc.thread,
            "license": doc.meta.license,
            "attribution": doc.meta.attribution,
            "generator": doc.meta.generator,
            "source": source_of[(doc.slug, doc.lang)],
            "origin": Origin.IMPORTED,
            # The graph is now the file's own: a suggested graph's provenance no longer applies.
            "graph_generator": "",
            "graph_origin": GraphOrigin.SOURCE,
            **_provenance(doc, tr, imported_by),
            "source_hash": _thread_source_hash(doc, by_key, existing, talk),
        }
        if tr is None:
            tr = TalkTranslation(talk=talk, lang=doc.lang, **fields)
            create.append(tr)
            existing[(talk.pk, doc.lang)] = tr
        else:
            for name, value in fields.items():
                setattr(tr, name, value)
            tr.version += 1
            update.append(tr)
    TalkTranslation.objects.bulk_create(create)
    TalkTranslation.objects.bulk_update(update, [*_TRANSLATION_FIELDS, "version"], batch_size=200)

    _write_points(docs, talks, new_talks, source_of, user)
    _record_history(
        user,
        new=[t for t in changed.values() if t.slug in new_talks],
        updated=stale,
        translations=(create, update),
    )
    for doc in docs:
        talk = talks[doc.slug]
        translation_imported.send(
            sender=Talk,
            talk=talk,
            lang=doc.lang,
            translation=existing[(talk.pk, doc.lang)],
            parsed=doc,
        )
    # Bulk writes send no model signals: cached pages are invalidated here (now and on commit).
    content_changed()


_TRANSLATION_FIELDS = (
    "title",
    "graph_source",
    "thread",
    "license",
    "attribution",
    "generator",
    "source",
    "origin",
    "graph_generator",
    "graph_origin",
    "translation_kind",
    "translated_from",
    "translated_by",
    "translated_at",
    "source_hash",
)


def _thread_source_hash(doc: ParsedDocument, by_key: dict, existing: dict, talk: Talk) -> str:
    """For a translated discussion, the ``thread_hash`` of the thread it was translated from."""
    if not (doc.meta.translation and doc.thread):
        return ""
    source_doc = by_key.get((doc.slug, doc.meta.translated_from))
    if source_doc is not None:
        stored = existing.get((talk.pk, doc.meta.translated_from))
        title = source_doc.meta.title or (stored.title if stored else "")
        return thread_hash(title, source_doc.thread)
    source = existing.get((talk.pk, doc.meta.translated_from))
    if source is None:
        raise ImportProblem(
            f"translated from {doc.meta.translated_from}, but {doc.slug} has no text in "
            f"{doc.meta.translated_from}",
            0,
            doc.filename,
        )
    return thread_hash(source.title, source.thread)


def _check_translation(doc: ParsedDocument, seen: dict[tuple[str, str], str]) -> None:
    """A curators' translation names a known kind and another of the site's languages."""
    meta = doc.meta
    if not (meta.translation or meta.translated_from):
        return
    if meta.translation not in TranslationKind.values:
        raise ImportProblem(
            f"unknown translation kind {meta.translation!r}: expected one of "
            f"{', '.join(TranslationKind.values)}",
            0,
            doc.filename,
        )
    if meta.translated_from not in languages.codes() or meta.translated_from == doc.lang:
        raise ImportProblem(
            f"a translation into {doc.lang} must name the language it was translated from "
            f"(translated_from: one of {', '.join(c for c in languages.codes() if c != doc.lang)})",
            0,
            doc.filename,
        )


def _provenance(doc: ParsedDocument, tr: TalkTranslation | None, user) -> dict:
    """The translation's provenance fields: a curators' translation keeps when it was first made."""
    if not doc.meta.translation:
        return {
            "translation_kind": "",
            "translated_from": "",
            "translated_by": None,
            "translated_at": None,
        }
    same = tr is not None and tr.translation_kind == doc.meta.translation and tr.translated_at
    return {
        "translation_kind": doc.meta.translation,
        "translated_from": doc.meta.translated_from,
        "translated_by": tr.translated_by if same and tr is not None else user,
        "translated_at": tr.translated_at if same and tr is not None else timezone.now(),
    }


_POINT_COLUMNS = [
    "talk_id",
    "lang",
    "number",
    "text",
    "source_id",
    "origin",
    "source_hash",
    "version",
]


def _write_points(
    docs: list[ParsedDocument], talks: dict[str, Talk], new_talks: dict, source_of: dict, user
) -> None:
    """Create, update in place or delete points so each translation has exactly the document's points.

    A point keeps its row (its id, history and search entry) across re-imports; only points whose
    number left the document are deleted. New points go in as plain multi-row INSERTs (the ORM's
    per-value compilation was most of the import's database time), with their history rows.
    """
    wanted = {(talks[d.slug].pk, d.lang): d for d in docs}
    stored: dict[tuple[int, str], dict[int, SummaryPoint]] = {}
    old_talks = [talks[d.slug].pk for d in docs if d.slug not in new_talks]
    if old_talks:
        # Locked (PostgreSQL) so an admin edit of one of these points waits for the import, then
        # finds the version bumped and is refused instead of overwriting the imported text.
        for point in (
            SummaryPoint.objects.select_for_update(of=("self",))
            .order_by()
            .filter(talk_id__in=old_talks, lang__in={d.lang for d in docs})
        ):
            if (point.talk_id, point.lang) in wanted:
                stored.setdefault((point.talk_id, point.lang), {})[point.number] = point
    created: list[tuple] = []
    updated: list[SummaryPoint] = []
    gone: list[int] = []
    made_from = _source_hashes(docs, talks)
    for (talk_id, lang), doc in wanted.items():
        source_id = source_of[(doc.slug, doc.lang)].pk
        have = stored.get((talk_id, lang), {})
        hashes = made_from.get(id(doc), {})
        gone += [p.pk for n, p in have.items() if n not in doc.points]
        for n, text in sorted(doc.points.items()):
            existing = have.get(n)
            source_hash = hashes.get(n, "")
            if existing is None:
                created.append((talk_id, lang, n, text, source_id, Origin.IMPORTED, source_hash, 1))
            else:
                existing.text, existing.source_id = text, source_id
                existing.origin = Origin.IMPORTED
                existing.source_hash = source_hash
                existing.version += 1
                updated.append(existing)
    if gone:
        SummaryPoint.objects.filter(
            pk__in=gone
        ).delete()  # post_delete writes their "-" history rows
    SummaryPoint.objects.bulk_update(
        updated, ["text", "source", "origin", "source_hash", "version"], batch_size=500
    )
    ids = sql.insert(SummaryPoint, _POINT_COLUMNS, created, returning=True)
    history.record_rows(
        SummaryPoint,
        ["id", *_POINT_COLUMNS],
        [(i, *row) for i, row in zip(ids, created, strict=True)],
        "+",
        user,
        "import",
    )
    history.record(SummaryPoint, updated, "~", user, "import")


def _source_hashes(docs: list[ParsedDocument], talks: dict[str, Talk]) -> dict[int, dict[int, str]]:
    """For each curators' translation (by ``id(doc)``): point number -> hash of its source point.

    The source is the same talk's text in ``translated_from``, from this import when it brings that
    language, else as stored. A translation has one point per source point, with the same numbers.
    """
    translations = [d for d in docs if d.meta.translation]
    if not translations:
        return {}
    in_batch = {(d.slug, d.lang): d.points for d in docs}
    stored: dict[tuple[str, str], dict[int, str]] = {}
    for slug, lang, number, text in SummaryPoint.objects.filter(
        talk_id__in=[talks[d.slug].pk for d in translations],
        lang__in={d.meta.translated_from for d in translations},
    ).values_list("talk__slug", "lang", "number", "text"):
        stored.setdefault((slug, lang), {})[number] = text
    out: dict[int, dict[int, str]] = {}
    for doc in translations:
        key = (doc.slug, doc.meta.translated_from)
        source = in_batch.get(key) or stored.get(key, {})
        if doc.points and not source:
            raise ImportProblem(
                f"translated from {doc.meta.translated_from}, but {doc.slug} has no points in "
                f"{doc.meta.translated_from}",
                0,
                doc.filename,
            )
        missing = sorted(set(source) - set(doc.points)) if doc.points else []
        extra = sorted(set(doc.points) - set(source))
        if missing or extra:
            raise ImportProblem(
                "a translation has one point per source point, with the same numbers: "
                + "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(map(str, missing))}" if missing else "",
                        f"not in the source {', '.join(map(str, extra))}" if extra else "",
                    )
                    if part
                ),
                0,
                doc.filename,
            )
        out[id(doc)] = {n: text_hash(text) for n, text in source.items()}
    return out


def _record_history(
    user, new: list[Talk], updated: list[Talk], translations: tuple[list, list]
) -> None:
    """History rows for what the bulk writes changed (bulk_create/bulk_update send no signals).

    One multi-row INSERT per batch (``history.record``), so history does not make imports slow.
    Points a re-import deletes get their "-" rows from the post_delete signal.
    """
    history.record(Talk, new, "+", user, "import")
    history.record(Talk, updated, "~", user, "import")
    history.record(TalkTranslation, translations[0], "+", user, "import")
    history.record(TalkTranslation, translations[1], "~", user, "import")


def _ensure(model, keys: set, build, key) -> dict:
    """Rows of ``model`` for ``keys``, creating the missing ones in one query.

    A key whose slug another row already has ("Alex Graves" and "alex graves", or a name with an
    invisible character) maps to that row: one slug, one page, one speaker or event.
    """
    if not keys:
        return {}
    names = {k[0] if isinstance(k, tuple) else k for k in keys}
    rows = {key(obj): obj for obj in model.objects.filter(name__in=names) if key(obj) in keys}
    missing = {k: build(k) for k in keys if k not in rows}
    if missing:
        model.objects.bulk_create(missing.values(), ignore_conflicts=True)
        by_slug = {
            obj.slug: obj
            for obj in model.objects.filter(slug__in=[m.slug for m in missing.values()])
        }
        rows |= {k: by_slug[obj.slug] for k, obj in missing.items()}
    return rows


def _speaker_slug(name: str) -> str:
    # A name with no Latin letters slugifies to "": give it a stable slug of its own instead.
    return slugify(name) or "speaker-" + hashlib.sha256(name.encode()).hexdigest()[:12]


# What the parser reads -> (model, field) it is stored in; checked before writing, since PostgreSQL
# refuses an over-long value (a DataError, not an ImportProblem) and SQLite would store it silently.
_LIMITED = {
    "speaker": (Speaker, "name"),
    "event": (Event, "name"),
    "slug": (Talk, "slug"),
    "vault_index": (Talk, "vault_index"),
    "subject": (Talk, "subject"),
    "license": (TalkTranslation, "license"),
    "attribution": (TalkTranslation, "attribution"),
}


def _check_fits(doc: ParsedDocument) -> None:
    """Raise ``ImportProblem`` for a header value longer than its column."""
    for name, (model, column) in _LIMITED.items():
        value = getattr(doc.meta, name) or ""
        limit = sql.max_length(model, column)
        if len(value) > limit:
            raise ImportProblem(
                f"the {name.replace('_', ' ')} is {len(value)} characters long (at most {limit})",
                0,
                doc.filename,
            )
    slugs = {
        "speaker": _speaker_slug(doc.meta.speaker),
        "event": slugify(f"{doc.meta.event} {doc.meta.year}"),
    }
    for name, model in (("speaker", Speaker), ("event", Event)):
        limit = sql.max_length(model, "slug")
        if len(slugs[name]) > limit:
            raise ImportProblem(
                f"the {name}'s address would be {len(slugs[name])} characters long (at most {limit})",
                0,
                doc.filename,
            )


def _apply_talk_metadata(talk: Talk, meta: Metadata, events: dict, speakers: dict) -> None:
    talk.updated_at = timezone.now()  # bulk_update does not apply auto_now
    talk.kind = meta.kind or talk.kind
    if meta.event and meta.year:
        talk.event = events[(meta.event, meta.year)]
    if meta.speaker:
        talk.speaker = speakers[meta.speaker]
    talk.vault_index = meta.vault_index or talk.vault_index
    talk.subject = meta.subject or talk.subject


def _link_related(docs: list[ParsedDocument], talks: dict[str, Talk]) -> set[str]:
    """Point discussions at the talks they discuss; returns the slugs whose link was set."""
    wanted = {d.meta.related_talk for d in docs if d.meta.related_talk}
    found = talks | Talk.objects.in_bulk([w for w in wanted if w not in talks], field_name="slug")
    for doc in docs:
        if doc.meta.related_talk:
            related = found.get(doc.meta.related_talk)
            if related is None:
                raise ImportProblem(
                    f"the related talk {doc.meta.related_talk!r} is not in the vault",
                    0,
                    doc.filename,
                )
            talks[doc.slug].related_talk = related
    return {d.slug for d in docs if d.meta.related_talk}
