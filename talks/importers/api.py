"""Import parsed documents into the database: atomic, idempotent, keeping every source verbatim.

Used by ``manage.py import_vault`` and by the admin's paste-and-preview import. Parsing happens first,
for every document, so a malformed file is reported before anything is written; writing happens in one
transaction, so a failure half-way writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from talks.models import Event, SourceDocument, Speaker, SummaryPoint, Talk, TalkTranslation
from talks.signals import preview_built, translation_imported

from .knowledge_vault import ImportProblem, Metadata, ParsedDocument, decode, parse
from .manifest import entry_for

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class ImportResult:
    file: str
    slug: str
    lang: str
    status: str

    def as_dict(self) -> dict:
        return {"file": self.file, "slug": self.slug, "lang": self.lang, "status": self.status}


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


def parse_pasted(text: str, filename: str = "pasted.txt", overrides: Metadata | None = None) -> ParsedDocument:
    """Parse text pasted in the admin (already a str)."""
    return parse(decode(text.encode("utf-8"), filename), filename=filename, defaults=overrides)


def expected_status(doc: ParsedDocument) -> str:
    """What importing ``doc`` would do now, without writing."""
    talk = Talk.objects.filter(slug=doc.slug).first()
    if talk is None:
        return CREATED
    if talk.sources.filter(lang=doc.lang, checksum=doc.checksum).exists():
        return UNCHANGED
    return UPDATED


def build_preview(doc: ParsedDocument) -> dict:
    """The dry-run preview: the parser's summary, what apps add (graph counts…), and the expected status."""
    preview = doc.preview()
    preview_built.send(sender=ParsedDocument, parsed=doc, preview=preview)
    preview["would_be"] = expected_status(doc)
    return preview


def _import_order(doc: ParsedDocument) -> int:
    # Discussions link to talks: write talks first.
    return 1 if doc.meta.kind == "discussion" else 0


@transaction.atomic
def import_documents(docs: list[ParsedDocument], user=None) -> list[ImportResult]:
    """Write ``docs`` in one transaction; any ``ImportProblem`` raised rolls everything back."""
    ordered = sorted(docs, key=_import_order)
    results = {id(doc): _import_one(doc, user) for doc in ordered}
    return [results[id(doc)] for doc in docs]


def _import_one(doc: ParsedDocument, user) -> ImportResult:
    meta = doc.meta
    status = expected_status(doc)
    if status == UNCHANGED:
        return ImportResult(doc.filename, doc.slug, doc.lang, UNCHANGED)

    talk = Talk.objects.filter(slug=meta.slug).first() or Talk(slug=meta.slug)
    _apply_talk_metadata(talk, meta, doc.filename)
    talk.save()

    title = meta.title or (talk.translation(meta.lang).title if talk.pk and talk.translation(meta.lang) else "")
    if not title:
        raise ImportProblem("no title: the file has no header and the manifest gives none (use --title)", 0, doc.filename)
    translation, _ = TalkTranslation.objects.update_or_create(
        talk=talk,
        lang=meta.lang,
        defaults={
            "title": title[:500],
            "graph_source": doc.graph_source,
            "thread": doc.thread,
            "license": meta.license,
            "attribution": meta.attribution,
        },
    )
    SummaryPoint.objects.filter(talk=talk, lang=meta.lang).delete()
    SummaryPoint.objects.bulk_create(
        SummaryPoint(talk=talk, lang=meta.lang, number=n, text=text) for n, text in sorted(doc.points.items())
    )
    SourceDocument.objects.create(
        talk=talk,
        lang=meta.lang,
        filename=doc.filename,
        raw_text=doc.raw_text,
        checksum=doc.checksum,
        imported_by=user if getattr(user, "pk", None) else None,
    )
    translation_imported.send(sender=Talk, talk=talk, lang=meta.lang, translation=translation, parsed=doc)
    return ImportResult(doc.filename, doc.slug, doc.lang, status)


def _apply_talk_metadata(talk: Talk, meta: Metadata, filename: str) -> None:
    talk.kind = meta.kind or talk.kind
    if meta.event and meta.year:
        talk.event, _ = Event.objects.get_or_create(
            name=meta.event, year=meta.year, defaults={"slug": slugify(f"{meta.event} {meta.year}")}
        )
    if meta.speaker:
        talk.speaker, _ = Speaker.objects.get_or_create(
            slug=slugify(meta.speaker), defaults={"name": meta.speaker}
        )
    talk.vault_index = meta.vault_index or talk.vault_index
    talk.subject = meta.subject or talk.subject
    if meta.related_talk:
        related = Talk.objects.filter(slug=meta.related_talk).first()
        if related is None:
            raise ImportProblem(f"the related talk {meta.related_talk!r} is not in the vault", 0, filename)
        talk.related_talk = related
