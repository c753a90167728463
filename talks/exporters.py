"""Export talks as Knowledge Vault text (what the importer reads back) and as JSON.

``vault_text(talk, lang)`` writes one translation the way the vault's own exports look: vault index
header, "Speaker EVENT YEAR - Invited Talk - Title", the generator line, the concept graph as one
block, the numbered points, the attribution footer. Discussions are written as their Q&A thread with
the licence line. ``manifest_entry`` gives what a file cannot carry itself (its slug when the header
would derive another, a discussion's subject and related talk), in ``data/corpus/manifest.json``'s
format, so ``import_vault`` on an exported folder rebuilds the same rows.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from graphs import mermaid
from talks.importers.knowledge_vault import talk_slug

from .models import Talk, TalkTranslation

_KIND_WORDS = {"en": "Invited Talk", "es": "Charla Invitada"}
_VAULT_BRAND = {"en": "Knowledge Vault", "es": "ConocimientoBóveda"}
_ANSWERS = {"en": "Answers:", "es": "Respuestas:"}
_LICENCE = re.compile(r"^(?P<licence>.+?)(?P<attr> \(attribution required\))?$")


def file_name(talk: Talk, lang: str) -> str:
    return f"{talk.slug}.{lang}.txt"


def vault_text(talk: Talk, lang: str) -> str:
    tr = talk.translation(lang)
    if tr is None:
        raise ValueError(f"{talk.slug} has no {lang} text")
    if talk.kind == Talk.Kind.DISCUSSION:
        return _discussion_text(tr)
    return _talk_text(talk, tr)


def _talk_text(talk: Talk, tr: TalkTranslation) -> str:
    out: list[str] = []
    if talk.vault_index:
        out.append(f"{_VAULT_BRAND[tr.lang]} {talk.vault_index}")
    if talk.speaker and talk.event:
        out.append(
            f"{talk.speaker.name} {talk.event.name} {talk.event.year} - {_KIND_WORDS[tr.lang]} - {tr.title}"
        )
    out.append("")
    if tr.generator:
        out += [f"{tr.generator}:", ""]
    if tr.graph_source.strip():
        out += [_graph_block(tr.graph_source), ""]
    for point in talk.points.filter(lang=tr.lang).order_by("number"):
        # A point is one line: a blank line inside it would end it on re-import.
        out += [f"{point.number}.-{' '.join(point.text.split())}", ""]
    if tr.attribution:
        out.append(tr.attribution)
    return "\n".join(out).strip("\n") + "\n"


def _graph_block(source: str) -> str:
    """The graph as one block with no blank line (the importer reads a graph up to a blank line)."""
    lines = source.strip().split("\n")
    if all(line.strip() for line in lines) and re.match(
        r"^\s*(?:graph|flowchart)\s+(?:LR|RL|TD|TB|BT)\b", lines[0]
    ):
        return source.strip()
    return mermaid.serialise(mermaid.parse(source)).strip()


def _discussion_text(tr: TalkTranslation) -> str:
    thread = tr.thread or {}
    out = [thread.get("title") or tr.title, "", str(thread.get("score", 0)), ""]
    out += [thread.get("question", ""), "", _ANSWERS[tr.lang], ""]
    for answer in thread.get("answers", []):
        out += [str(answer.get("score", 0)), ""]
        for paragraph in answer.get("paragraphs", []):
            out += [paragraph, ""]
    match = _LICENCE.match(tr.license or "")
    if match:
        out.append(
            f"Licensed under {match['licence']}{' with attribution required' if match['attr'] else ''}."
        )
    return "\n".join(out).strip("\n") + "\n"


def manifest_entry(talk: Talk, lang: str) -> dict:
    """What the exported file cannot say itself, for ``manifest.json`` (a curators' translation
    is marked as one, with the language it was made from, as in ``data/translations``)."""
    entry: dict = {"slug": talk.slug, "lang": lang}
    made = talk.translation(lang)
    if made is not None and made.is_curated_translation:
        entry.update(translation=made.translation_kind, translated_from=made.translated_from)
    if talk.kind == Talk.Kind.DISCUSSION:
        tr = talk.translation(lang)
        entry.update(
            kind="discussion",
            subject=talk.subject,
            title=tr.title if tr else "",
            attribution=tr.attribution if tr else "",
        )
        if talk.related_talk is not None:
            entry["related_talk"] = talk.related_talk.slug
    elif (
        not (talk.speaker and talk.event)
        or talk_slug(talk.speaker.name, talk.event.name, talk.event.year) != talk.slug
    ):
        # No header could name this talk: the manifest carries its metadata.
        tr = talk.translation(lang)
        entry.update(kind=talk.kind, title=tr.title if tr else "", vault_index=talk.vault_index)
        if talk.speaker:
            entry["speaker"] = talk.speaker.name
        if talk.event:
            entry.update(event=talk.event.name, year=talk.event.year)
    return entry


def vault_zip(talks) -> bytes:
    """A zip of ``<slug>.<lang>.txt`` files plus ``manifest.json``: ``import_vault`` reads it back."""
    buffer = io.BytesIO()
    manifest: dict[str, dict] = {}
    # Talks before the discussions that link to them, so a folder import finds them.
    ordered = sorted(talks, key=lambda t: (t.kind == Talk.Kind.DISCUSSION, t.slug))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for talk in ordered:
            for lang in talk.languages():
                name = file_name(talk, lang)
                archive.writestr(name, vault_text(talk, lang))
                manifest[name] = manifest_entry(talk, lang)
        archive.writestr(
            "manifest.json", json.dumps({"files": manifest}, ensure_ascii=False, indent=2)
        )
    return buffer.getvalue()


def as_json(talks) -> list[dict]:
    """Talks with their translations, points and provenance, for ``application/json`` export."""
    out = []
    for talk in talks:
        out.append(
            {
                "slug": talk.slug,
                "kind": talk.kind,
                "status": talk.status,
                "speaker": talk.speaker.name if talk.speaker else None,
                "event": talk.event.name if talk.event else None,
                "year": talk.event.year if talk.event else None,
                "vault_index": talk.vault_index,
                "subject": talk.subject,
                "related_talk": talk.related_talk.slug if talk.related_talk_id else None,
                "translations": [
                    {
                        "lang": tr.lang,
                        "title": tr.title,
                        "graph_source": tr.graph_source,
                        "thread": tr.thread,
                        "license": tr.license,
                        "attribution": tr.attribution,
                        "generator": tr.generator,
                        "origin": tr.origin,
                        "graph_origin": tr.graph_origin,
                        "graph_generator": tr.graph_generator,
                        "source": tr.source.filename if tr.source_id else None,
                        "translation": _provenance(tr),
                        "points": [
                            {
                                "number": p.number,
                                "text": p.text,
                                "origin": p.origin,
                                **({"source_hash": p.source_hash} if p.source_hash else {}),
                            }
                            for p in talk.points.filter(lang=tr.lang).order_by("number")
                        ],
                    }
                    for tr in talk.translations.all()
                ],
            }
        )
    return out


def _provenance(tr: TalkTranslation) -> dict | None:
    """Who translated ``tr``, when and from which language (None for a text written in its language)."""
    if not tr.is_curated_translation:
        return None
    return {
        "kind": tr.translation_kind,
        "translated_from": tr.translated_from,
        "translated_by": tr.translated_by.get_username() if tr.translated_by is not None else None,
        "translated_at": tr.translated_at.isoformat() if tr.translated_at else None,
        "stale_points": tr.stale_points(),
    }
