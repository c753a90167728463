"""The vault's content: events, speakers, talks, their per-language text and the sources they came from.

Bilingual text is a ``lang`` column (``TalkTranslation``, ``SummaryPoint``), never ``text_en``/``text_es``
fields, so a talk may exist in one language only and a third language is a new row, not a migration.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vault import languages

from .concurrency import Versioned

#: Model choices: the site's languages (settings.LANGUAGES) by their own names.
LANGUAGES = languages.native_names()
LANG_CODES = languages.codes()


class Origin(models.TextChoices):
    """Where a row's current text came from: the importer, or a person editing it in the admin."""

    IMPORTED = "imported", _("Imported")
    EDITED = "edited", _("Edited by a person")


class GraphOrigin(models.TextChoices):
    """Where a translation's concept graph came from, when not from the text's own source file."""

    SOURCE = "", _("From the source text")
    SUGGESTED = "suggested", _("Suggested, then edited by the vault's curators")
    EDITED = "edited", _("Edited by a person")


class TranslationKind(models.TextChoices):
    """How a language of a talk was made when it is a translation of another language's text."""

    CURATORS = "curators", _("Curators' translation")
    BUNDLED = "bundled", _("Bundled curators' translation")


def thread_hash(title: str, thread: dict) -> str:
    """``text_hash`` of a discussion's title and thread (question and answers with their scores)."""
    import json

    answers = [
        [a.get("score", 0), [_lf(p).strip() for p in a.get("paragraphs", [])]]
        for a in (thread or {}).get("answers", [])
    ]
    body = {
        "title": title.strip(),
        "question": (thread or {}).get("question", ""),
        "answers": answers,
    }
    return text_hash(json.dumps(body, ensure_ascii=False, sort_keys=True))


def text_hash(text: str) -> str:
    """SHA-256 of a point's text as stored (LF line endings, outer whitespace dropped).

    A translated point keeps the hash of the source point it was made from; when the source text
    changes, the hashes differ and the translation is stale.
    """
    import hashlib

    return hashlib.sha256(_lf(text).strip().encode("utf-8")).hexdigest()


class Event(Versioned):
    """A conference edition, e.g. ICLR 2017."""

    name = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=120, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="event_name_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class Speaker(Versioned):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TalkQuerySet(models.QuerySet):
    def published(self) -> TalkQuerySet:
        return self.filter(status=Talk.Status.PUBLISHED)

    def awaiting_review(self) -> TalkQuerySet:
        """Drafts to review and reviewed talks to publish: the curator's queue."""
        return self.exclude(status=Talk.Status.PUBLISHED)

    def with_related(self) -> TalkQuerySet:
        return self.select_related("event", "speaker").prefetch_related("translations")

    def in_language(self, lang: str) -> TalkQuerySet:
        return self.filter(translations__lang=lang).distinct()


class Talk(Versioned):
    class Kind(models.TextChoices):
        INVITED_TALK = "invited_talk", _("Invited talk")
        TALK = "talk", _("Talk")
        INTERVIEW = "interview", _("Interview")
        DISCUSSION = "discussion", _("Discussion")

    class Status(models.TextChoices):
        """draft → reviewed → published; only published talks show to the public and in search."""

        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INVITED_TALK)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="talks"
    )
    # A discussion is about a subject that a talk covers (e.g. "dnc"); it links to that talk.
    subject = models.CharField(max_length=100, blank=True)
    related_talk = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="discussions"
    )
    vault_index = models.CharField(
        max_length=20, blank=True, help_text="e.g. 2/36 in the Knowledge Vault"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TalkQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-event__year", "speaker__name", "slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("talks:detail", kwargs={"slug": self.slug})

    def languages(self) -> list[str]:
        """Languages this talk has text in, in the site's order (en, es)."""
        have = {t.lang for t in self.translations.all()}
        return [code for code in LANG_CODES if code in have]

    def translation(self, lang: str) -> TalkTranslation | None:
        for t in self.translations.all():  # uses the prefetch cache when present
            if t.lang == lang:
                return t
        return None

    def title_in(self, lang: str) -> str:
        """Title in ``lang``, falling back to any language the talk has."""
        t = self.translation(lang) or next(iter(self.translations.all()), None)
        return t.title if t else self.slug

    def title_lang(self, lang: str) -> str:
        """The language of ``title_in(lang)`` (``lang`` itself when the talk has no text at all)."""
        t = self.translation(lang) or next(iter(self.translations.all()), None)
        return t.lang if t else lang


class TalkTranslation(Versioned):
    """A talk's text in one language: title, raw concept-graph source, and (discussions) the thread."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="translations")
    lang = models.CharField(max_length=5, choices=LANGUAGES)
    title = models.CharField(max_length=500)
    graph_source = models.TextField(
        blank=True, help_text="Mermaid source of the concept graph, as imported"
    )
    # Discussions: {"question": str, "score": int, "answers": [{"score": int, "text": str}]}
    thread = models.JSONField(default=dict, blank=True)
    license = models.CharField(max_length=200, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    # Provenance: the generator line of the export ("Concept Graph & Resume using Claude 3 Opus | …"),
    # the document last imported, and whether a person has edited the text since.
    generator = models.CharField(max_length=300, blank=True)
    source = models.ForeignKey(
        "SourceDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORTED)
    # Provenance of the concept graph alone, when it is not the source text's graph: drafted by
    # "Suggest a concept graph" (``graph_generator`` = ``graphs.suggest.GENERATOR``) and then saved
    # by a curator, or edited by one. The text's ``generator`` line is left as it was.
    graph_generator = models.CharField(max_length=300, blank=True, default="")
    graph_origin = models.CharField(
        max_length=10, choices=GraphOrigin.choices, blank=True, default=GraphOrigin.SOURCE
    )
    # Provenance of a translation made by the vault's curators (the workbench, or bundled files):
    # its kind, the language it was translated from, who and when. Empty for a text imported as
    # written in its language.
    translation_kind = models.CharField(
        max_length=10, choices=TranslationKind.choices, blank=True, default=""
    )
    translated_from = models.CharField(max_length=5, choices=LANGUAGES, blank=True, default="")
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    translated_at = models.DateTimeField(null=True, blank=True)
    # A translated discussion: the ``thread_hash`` of the source thread it was made from (a talk's
    # points keep theirs on each ``SummaryPoint``).
    source_hash = models.CharField(max_length=64, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        ordering = ["talk", "lang"]
        constraints = [
            models.UniqueConstraint(fields=["talk", "lang"], name="translation_talk_lang_unique")
        ]

    def __str__(self) -> str:
        return f"{self.talk.slug} [{self.lang}]"

    def save(self, *args, **kwargs) -> None:
        # Forms send CRLF; the importer stores LF. One convention keeps diffs and exports exact.
        self.graph_source = _lf(self.graph_source)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """A graph source that does not parse is refused with its position (admin forms call this)."""
        from django.core.exceptions import ValidationError

        from graphs.mermaid import MermaidSyntaxError, parse

        if self.graph_source.strip():
            try:
                parse(self.graph_source)
            except MermaidSyntaxError as exc:
                raise ValidationError({"graph_source": str(exc)}) from None

    @property
    def attribution_lang(self) -> str:
        """The language the attribution is written in: the vault's footers say theirs; the
        manifest's attributions (discussions) are written in English; anything else is taken
        to be in the translation's language."""
        text = self.attribution.strip()
        if _SPANISH_FOOTER.match(text):
            return "es"
        if _ENGLISH_ATTRIBUTION.match(text):
            return "en"
        return self.lang

    @property
    def is_curated_translation(self) -> bool:
        return bool(self.translation_kind and self.translated_from)

    def provenance_notice(self) -> str:
        """One line for the talk page, in the active language: who translated it, from what."""
        from django.utils.translation import gettext

        if not self.is_curated_translation:
            return ""
        discussion = self.talk.kind == Talk.Kind.DISCUSSION
        notices = {
            ("es", False): gettext("Translated by the vault's curators from the Spanish summary"),
            ("en", False): gettext("Translated by the vault's curators from the English summary"),
            ("es", True): gettext("Translated by the vault's curators from the Spanish thread"),
            ("en", True): gettext("Translated by the vault's curators from the English thread"),
        }
        notice = notices.get((self.translated_from, discussion))
        if notice is None:
            notice = gettext("Translated by the vault's curators from the %(language)s text") % {
                "language": dict(LANGUAGES).get(self.translated_from, self.translated_from)
            }
        return notice

    @property
    def graph_is_suggested(self) -> bool:
        return self.graph_origin == GraphOrigin.SUGGESTED

    def graph_provenance_notice(self) -> str:
        """One line for the graph's views, in the active language: a curators' suggested graph is
        not the Knowledge Vault's text."""
        from django.utils.translation import gettext

        if not self.graph_is_suggested:
            return ""
        return gettext(
            "This concept graph is not part of the Knowledge Vault text: the vault's curators "
            "drafted it from the summary points with “Suggest a concept graph”, then reviewed and "
            "edited it."
        )

    def thread_stale(self) -> bool:
        """A translated discussion whose source thread changed since it was translated."""
        if not (self.is_curated_translation and self.source_hash):
            return False
        source = TalkTranslation.objects.filter(
            talk_id=self.talk_id, lang=self.translated_from
        ).first()
        return source is None or thread_hash(source.title, source.thread) != self.source_hash

    def stale_points(self) -> list[int]:
        """Numbers of this translation's points whose source point changed since they were made."""
        if not self.is_curated_translation:
            return []
        source = {
            p.number: text_hash(p.text)
            for p in SummaryPoint.objects.filter(talk_id=self.talk_id, lang=self.translated_from)
        }
        return [
            number
            for number, made_from in SummaryPoint.objects.filter(
                talk_id=self.talk_id, lang=self.lang
            )
            .exclude(source_hash="")
            .order_by("number")
            .values_list("number", "source_hash")
            if source.get(number) != made_from
        ]


class SummaryPointQuerySet(models.QuerySet):
    def in_language(self, lang: str) -> SummaryPointQuerySet:
        return self.filter(lang=lang)


class SummaryPoint(Versioned):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="points")
    lang = models.CharField(max_length=5, choices=LANGUAGES)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    source = models.ForeignKey(
        "SourceDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="points",
        help_text="The document this point was imported from",
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.IMPORTED)
    # A translated point: the ``text_hash`` of the source-language point it was made from.
    source_hash = models.CharField(max_length=64, blank=True, default="")

    objects = SummaryPointQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["talk", "lang", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["talk", "lang", "number"], name="point_talk_lang_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.talk.slug} [{self.lang}] {self.number}"

    def get_absolute_url(self) -> str:
        return f"{self.talk.get_absolute_url()}#point-{self.lang}-{self.number}"

    def save(self, *args, **kwargs) -> None:
        self.text = _lf(self.text)
        super().save(*args, **kwargs)


_SPANISH_FOOTER = re.compile(r"B[oó]veda de Conocimiento construida por", re.IGNORECASE)
_ENGLISH_ATTRIBUTION = re.compile(
    r"(?:Knowledge Vault built by|Question and answer from)", re.IGNORECASE
)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SourceDocument(models.Model):
    """Every imported file, verbatim, so nothing imported is ever lost and any talk can be re-parsed."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="sources")
    lang = models.CharField(max_length=5, choices=LANGUAGES)
    filename = models.CharField(max_length=300, blank=True)
    raw_text = models.TextField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the UTF-8 bytes")
    generator = models.CharField(
        max_length=300, blank=True, help_text="The export's generator line"
    )
    # What the importer could not read in this text, each {"line", "message"}: the rest was imported.
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        get_latest_by = "imported_at"

    def __str__(self) -> str:
        return f"{self.filename or self.talk.slug} [{self.lang}] {self.checksum[:12]}"
