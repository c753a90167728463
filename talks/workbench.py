"""The translation workbench: a curator translates a talk's title, points and graph labels into a
language the talk lacks (or revises a curators' translation), and the result is written as a draft.

No HTTP here (``admin_views.translation_workbench`` is the page). ``open_workbench`` gathers the
source text; ``Workbench.read`` checks what the form sent, and every problem is a message for the
form, never an exception; ``Workbench.save`` writes the translation in one transaction, only once
everything is valid. The graph keeps the source's node ids, edges, groups and classDefs: only labels
are translated, and the number that ends a label (the point it cites) is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from graphs import mermaid

from .cache import content_changed
from .importers import history
from .models import (
    LANG_CODES,
    Origin,
    SummaryPoint,
    Talk,
    TalkTranslation,
    TranslationKind,
    text_hash,
    thread_hash,
)

MAX_TITLE = 500
MAX_POINT = 10_000
MAX_LABEL = 500


class WorkbenchUnavailable(Exception):
    """The talk cannot be translated into this language here (the message says why)."""


@dataclass
class PointRow:
    number: int
    source: str
    text: str = ""
    stale: bool = False
    made_from: str = ""  # the text_hash of the source text the form showed (hidden field)

    @property
    def source_hash(self) -> str:
        return text_hash(self.source)


@dataclass
class LabelRow:
    key: str
    source: str  # the source label, without its trailing point numbers
    suffix: str  # the trailing point numbers as written ("1", "2,3"), kept on the translation
    text: str = ""  # the translated label, without the suffix


@dataclass
class ParagraphRow:
    """A paragraph of a discussion: of the question (``answer`` None) or of an answer."""

    key: str  # "q-0" (question, paragraph 1), "a-0-2" (answer 1, paragraph 3)
    answer: int | None
    index: int
    source: str
    text: str = ""

    @property
    def place(self) -> str:
        if self.answer is None:
            return _("Question, paragraph %(p)d") % {"p": self.index + 1}
        return _("Answer %(a)d, paragraph %(p)d") % {"a": self.answer + 1, "p": self.index + 1}


@dataclass
class Workbench:
    talk: Talk
    source_lang: str
    target_lang: str
    source: TalkTranslation
    existing: TalkTranslation | None
    title: str = ""
    points: list[PointRow] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)
    graph: mermaid.Graph | None = None
    errors: list[str] = field(default_factory=list)
    graph_errors: list[str] = field(default_factory=list)  # the part of ``errors`` about labels
    stale: list[int] = field(default_factory=list)
    paragraphs: list[ParagraphRow] = field(default_factory=list)  # a discussion's thread
    thread_stale: bool = False
    thread_made_from: str = ""  # the thread_hash of the source thread the form showed

    @property
    def editing(self) -> bool:
        return self.existing is not None

    @property
    def is_discussion(self) -> bool:
        return self.talk.kind == Talk.Kind.DISCUSSION

    @property
    def source_thread_hash(self) -> str:
        return thread_hash(self.source.title, self.source.thread)

    def read(self, data: Mapping) -> bool:
        """Take the form's values (a ``QueryDict``); False, with ``errors``, unless all are valid."""
        self.errors, self.graph_errors = [], []
        getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
        self.title = " ".join(str(data.get("title", "")).split())
        if not self.title:
            self.errors.append(_("The title has no translation."))
        elif len(self.title) > MAX_TITLE:
            self.errors.append(_("The title is longer than %(n)d characters.") % {"n": MAX_TITLE})
        by_number = {row.number: row for row in self.points}
        by_key = {row.key: row for row in self.labels}
        by_place = {row.key: row for row in self.paragraphs}
        made_from = str(data.get("thread-hash", "")).strip().lower()
        self.thread_made_from = made_from if _is_sha256(made_from) else ""
        for name in sorted(data):
            if name.startswith("point-"):
                self._read_point(name, getlist(name), by_number)
            elif name.startswith("label-"):
                self._read_label(name, getlist(name), by_key)
            elif name.startswith("hash-"):
                self._read_hash(name, getlist(name), by_number)
            elif name.startswith("para-"):
                self._read_paragraph(name, getlist(name), by_place)
        for para in self.paragraphs:
            if not para.text:
                self.errors.append(_("%(place)s has no translation.") % {"place": para.place})
        for row in self.points:
            if not row.text:
                self.errors.append(_("Point %(n)d has no translation.") % {"n": row.number})
        for label in self.labels:
            if not label.text:
                self.errors.append(
                    _("The graph node %(key)s has no translated label.") % {"key": label.key}
                )
        return not self.errors

    def _read_point(self, name: str, values: list, rows: dict[int, PointRow]) -> None:
        raw = name.removeprefix("point-")
        number = int(raw) if raw.isdigit() else None
        if number is None or number not in rows:
            self.errors.append(
                _("Point %(n)s is not a point of the source text.") % {"n": raw[:20]}
            )
            return
        if len(values) > 1:
            self.errors.append(_("Point %(n)d is given more than once.") % {"n": number})
            return
        text = str(values[0]).replace("\r\n", "\n").strip()
        if len(text) > MAX_POINT:
            self.errors.append(
                _("Point %(n)d is longer than %(max)d characters.")
                % {"n": number, "max": MAX_POINT}
            )
            return
        rows[number].text = text

    def _read_paragraph(self, name: str, values: list, rows: dict[str, ParagraphRow]) -> None:
        key = name.removeprefix("para-")
        if key not in rows:
            self.errors.append(_("The thread has no paragraph %(key)s.") % {"key": key[:20]})
            return
        if len(values) > 1:
            self.errors.append(_("%(place)s is given more than once.") % {"place": rows[key].place})
            return
        text = " ".join(str(values[0]).split())
        if len(text) > MAX_POINT:
            self.errors.append(
                _("%(place)s is longer than %(max)d characters.")
                % {"place": rows[key].place, "max": MAX_POINT}
            )
            return
        rows[key].text = text

    def translated_thread(self) -> dict:
        """The source thread with its question and answer paragraphs translated, scores kept."""
        if not self.paragraphs:
            return {}
        source = self.source.thread
        question = [p.text for p in self.paragraphs if p.answer is None]
        answers = [
            {
                "score": answer.get("score", 0),
                "paragraphs": [p.text for p in self.paragraphs if p.answer == i],
            }
            for i, answer in enumerate(source.get("answers", []))
        ]
        return {
            "title": self.title,
            "question": "\n\n".join(question),
            "score": source.get("score", 0),
            "answers": answers,
        }

    def _read_hash(self, name: str, values: list, rows: dict[int, PointRow]) -> None:
        # The source text the form was made from: if it changed meanwhile, the point is stale at once.
        raw = name.removeprefix("hash-")
        value = str(values[-1]).strip().lower() if values else ""
        if raw.isdigit() and int(raw) in rows and _is_sha256(value):
            rows[int(raw)].made_from = value

    def _read_label(self, name: str, values: list, rows: dict[str, LabelRow]) -> None:
        key = name.removeprefix("label-")
        if key not in rows:
            self._graph_error(_("The graph has no node %(key)s.") % {"key": key[:40]})
            return
        if len(values) > 1:
            self._graph_error(_("The graph node %(key)s is given more than once.") % {"key": key})
            return
        text = " ".join(str(values[0]).split())
        if len(text) > MAX_LABEL:
            self._graph_error(
                _("The label of %(key)s is longer than %(max)d characters.")
                % {"key": key, "max": MAX_LABEL}
            )
            return
        rows[key].text = text

    def _graph_error(self, message: str) -> None:
        self.errors.append(message)
        self.graph_errors.append(message)

    def translated_graph(self, fallback: bool = False) -> mermaid.Graph | None:
        """The source graph with the translated labels (``fallback``: the source's where blank)."""
        if self.graph is None:
            return None
        texts = {row.key: row for row in self.labels}
        nodes = []
        for node in self.graph.nodes:
            row = texts[node.key]
            text = row.text or (row.source if fallback else "")
            nodes.append(dataclasses.replace(node, label=_with_suffix(text, row.suffix)))
        return dataclasses.replace(self.graph, nodes=tuple(nodes))

    def graph_source(self, fallback: bool = False) -> str:
        graph = self.translated_graph(fallback)
        return mermaid.serialise(graph) if graph is not None else ""

    @transaction.atomic
    def save(self, user) -> TalkTranslation:
        """Write the translation as a draft (call after ``read`` returned True)."""
        if self.errors:
            raise ValueError("the workbench has errors; nothing to save")
        talk = Talk.objects.select_for_update().get(pk=self.talk.pk)
        tr = self.existing or TalkTranslation(talk=talk, lang=self.target_lang)
        tr.title = self.title
        tr.graph_source = self.graph_source()
        tr.thread = self.translated_thread()
        tr.source_hash = (
            (self.thread_made_from or self.source_thread_hash) if self.paragraphs else ""
        )
        tr.license = self.source.license
        if self.is_discussion:
            tr.attribution = self.source.attribution  # whose words these are (CC BY-SA)
        tr.origin = Origin.EDITED
        tr.source = None
        tr.generator = ""
        tr.translation_kind = TranslationKind.CURATORS
        tr.translated_from = self.source_lang
        tr.translated_by = user if getattr(user, "pk", None) else None
        tr.translated_at = timezone.now()
        tr._change_reason = "translated in the workbench"  # type: ignore[attr-defined]
        tr.clean()  # the graph source parses (serialise writes what parse reads)
        self._write_points(talk, user)
        tr.save()  # the graph receiver rebuilds the stored graph from graph_source
        talk.status = Talk.Status.DRAFT
        talk._change_reason = f"status: draft ({self.target_lang} translated)"  # type: ignore[attr-defined]
        talk.save(update_fields=["status", "updated_at"])
        from search.tasks import index_translation

        talk_id, lang = talk.pk, self.target_lang
        transaction.on_commit(lambda: index_translation.delay(talk_id, lang))
        content_changed()
        return tr

    def _write_points(self, talk: Talk, user) -> None:
        stored = {
            p.number: p for p in SummaryPoint.objects.filter(talk=talk, lang=self.target_lang)
        }
        wanted = {row.number: row for row in self.points}
        gone = [p.pk for n, p in stored.items() if n not in wanted]
        if gone:
            SummaryPoint.objects.filter(pk__in=gone).delete()
        created, updated = [], []
        for number, row in sorted(wanted.items()):
            point = stored.get(number)
            if point is None:
                point = SummaryPoint(talk=talk, lang=self.target_lang, number=number)
                created.append(point)
            else:
                updated.append(point)
            point.text = row.text
            point.source = None
            point.origin = Origin.EDITED
            point.source_hash = row.made_from or text_hash(row.source)
        SummaryPoint.objects.bulk_create(created)
        SummaryPoint.objects.bulk_update(updated, ["text", "source", "origin", "source_hash"])
        history.record(SummaryPoint, created, "+", user, "translated in the workbench")
        history.record(SummaryPoint, updated, "~", user, "translated in the workbench")


def _is_sha256(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _with_suffix(text: str, suffix: str) -> str:
    """``text`` ending with the source label's point numbers (not twice if the curator typed them)."""
    if not suffix:
        return text
    if mermaid.split_points(text)[1] == mermaid.split_points(f"x {suffix}")[1]:
        return text
    return f"{text} {suffix}".strip()


def _split_label(label: str) -> tuple[str, str]:
    title, numbers = mermaid.split_points(label)
    if not numbers:
        return " ".join(label.split()), ""
    return " ".join(title.split()), label.rstrip()[len(title.rstrip()) :].strip()


def source_language(talk: Talk, target_lang: str) -> str:
    """The language a translation into ``target_lang`` is made from: the talk's other language
    (for a curators' translation, the one it was made from)."""
    existing = talk.translation(target_lang)
    if existing is not None and existing.translated_from:
        return existing.translated_from
    return next((code for code in talk.languages() if code != target_lang), "")


def open_workbench(talk: Talk, target_lang: str) -> Workbench:
    """The workbench for ``talk`` into ``target_lang``, prefilled from a curators' translation."""
    if target_lang not in LANG_CODES:
        raise WorkbenchUnavailable(_("Unknown language."))
    existing = talk.translation(target_lang)
    if existing is not None and not existing.translation_kind:
        raise WorkbenchUnavailable(
            _("This talk already has its own text in this language; edit it in the talk's form.")
        )
    source_lang = source_language(talk, target_lang)
    source = talk.translation(source_lang) if source_lang else None
    if source is None:
        raise WorkbenchUnavailable(_("The talk has no text in another language to translate."))
    bench = Workbench(talk, source_lang, target_lang, source, existing)
    have = (
        {p.number: p.text for p in SummaryPoint.objects.filter(talk=talk, lang=target_lang)}
        if existing
        else {}
    )
    bench.points = [
        PointRow(p.number, p.text, have.get(p.number, ""))
        for p in SummaryPoint.objects.filter(talk=talk, lang=source_lang).order_by("number")
    ]
    if existing is not None:
        bench.title = existing.title
        bench.stale = existing.stale_points()
        for row in bench.points:
            row.stale = row.number in bench.stale
    if talk.kind == Talk.Kind.DISCUSSION:
        _open_thread(bench)
    if source.graph_source.strip():
        bench.graph = mermaid.parse(source.graph_source)
        translated: dict[str, str] = {}
        if existing is not None and existing.graph_source.strip():
            try:
                translated = {
                    n.key: _split_label(n.label)[0]
                    for n in mermaid.parse(existing.graph_source).nodes
                }
            except mermaid.MermaidSyntaxError:
                translated = {}
        for node in bench.graph.nodes:
            text, suffix = _split_label(node.label)
            bench.labels.append(LabelRow(node.key, text, suffix, translated.get(node.key, "")))
    return bench


def _open_thread(bench: Workbench) -> None:
    """A discussion's paragraphs, prefilled from a translation already stored (same shape only)."""
    thread = bench.source.thread or {}
    have = (bench.existing.thread if bench.existing is not None else {}) or {}
    mine = [p for p in str(have.get("question", "")).split("\n\n") if p.strip()]
    for i, text in enumerate(p for p in str(thread.get("question", "")).split("\n\n") if p.strip()):
        bench.paragraphs.append(ParagraphRow(f"q-{i}", None, i, text, _at(mine, i)))
    their_answers = have.get("answers", [])
    for a, answer in enumerate(thread.get("answers", [])):
        done = their_answers[a].get("paragraphs", []) if a < len(their_answers) else []
        for i, text in enumerate(answer.get("paragraphs", [])):
            bench.paragraphs.append(ParagraphRow(f"a-{a}-{i}", a, i, text, _at(done, i)))
    if bench.existing is not None:
        bench.thread_stale = bench.existing.thread_stale()


def _at(items: list, i: int) -> str:
    return str(items[i]) if i < len(items) else ""


def stale_translations() -> list[tuple[TalkTranslation, list[int]]]:
    """Curators' translations whose source changed since, for the review page: the stale point
    numbers (an empty list for a discussion whose thread changed)."""
    out = []
    for tr in (
        TalkTranslation.objects.exclude(translation_kind="")
        .select_related("talk")
        .order_by("talk__slug", "lang")
    ):
        stale = tr.stale_points()
        if stale or tr.thread_stale():
            out.append((tr, stale))
    return out
