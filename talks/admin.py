"""Curation in the admin: talks with their points per language, translations with a Mermaid editor,
review states, provenance, history (django-simple-history) and bulk actions.

The admin lives under ``settings.ADMIN_PATH``; the "Editor" group (migration 0004) may use all of it
except users and groups.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import admin_views, obsidian
from .admin_import import paste_import_view
from .concurrency import EditConflict, VersionedForm, VersionedInlineFormSet, conflict_for
from .curation import reimport_from_source
from .exporters import as_json, vault_zip
from .importers.knowledge_vault import ImportProblem
from .models import (
    LANGUAGES,
    Event,
    Origin,
    SourceDocument,
    Speaker,
    SummaryPoint,
    Talk,
    TalkTranslation,
)

admin.site.site_header = _("Knowledge Vault curation")
admin.site.site_title = _("Knowledge Vault curation")


def _is_revert(request) -> bool:
    """True while simple-history's "Revert" form saves a historical version (keep its origin)."""
    match = getattr(request, "resolver_match", None)
    return bool(match and (match.url_name or "").endswith("_simple_history"))


def _mark_edited(request, obj, changed: list[str], fields: set[str]) -> None:
    if not _is_revert(request) and fields & set(changed):
        obj.origin = Origin.EDITED


# --- optimistic concurrency (talks/concurrency.py): every form carries the version it opened ------


class VersionedAdmin(SimpleHistoryAdmin):
    """A stale save (main form or any inline) answers 409 with the conflict page; nothing is saved."""

    form = VersionedForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.pk and _is_revert(request):
            # A historical version is put back over the row as it is now, not as it was then.
            obj.version = (
                type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
                or obj.version
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change and not _is_revert(request) and not form.edited_fields():
            return  # only inlines changed: leave the row (and its version) as it is
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        conflicts = [context["adminform"].form.conflict] if "adminform" in context else []
        for inline in context.get("inline_admin_formsets") or []:
            conflicts += [getattr(f, "conflict", None) for f in inline.formset.forms]
        conflicts = [c for c in conflicts if c is not None]
        if conflicts:
            return admin_views.edit_conflict(self, request, conflicts)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:  # two saves raced past validation; the loser lands here
            return admin_views.edit_conflict(
                self, request, [conflict_for(conflict.instance, conflict.seen)]
            )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except EditConflict as conflict:
            return admin_views.edit_conflict(
                self, request, [conflict_for(conflict.instance, conflict.seen)]
            )


# --- talk: points inline, one inline per language ---------------------------------------------------


class PointForm(VersionedForm):
    class Meta:
        model = SummaryPoint
        fields = ["lang", "number", "text", "version"]
        widgets = {"lang": forms.HiddenInput, "text": forms.Textarea(attrs={"rows": 2, "cols": 90})}


class LangPointFormSet(VersionedInlineFormSet):
    """Points of one language, ordered by number; numbers stay unique (the model's constraint)."""

    lang = ""

    @classmethod
    def get_default_prefix(cls) -> str:
        return f"points-{cls.lang}"

    def get_queryset(self):
        return super().get_queryset().filter(lang=self.lang).order_by("number")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if not form.instance.pk:
            form.initial.setdefault("lang", self.lang)
            form.instance.lang = self.lang
        return form

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if form.cleaned_data and form.cleaned_data.get("lang") not in (None, self.lang):
                form.add_error(
                    None, _("A point in this list must be in %(lang)s.") % {"lang": self.lang}
                )


class PointInlineBase(admin.TabularInline):
    model = SummaryPoint
    form = PointForm
    extra = 0
    fields = ["lang", "number", "text", "version", "origin", "source"]
    readonly_fields = ["origin", "source"]
    ordering = ["number"]
    lang = ""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(f"{self.lang.title()}PointFormSet", (formset,), {"lang": self.lang})


def point_inline(lang: str, name: str) -> type[PointInlineBase]:
    return type(
        f"{lang.title()}PointInline",
        (PointInlineBase,),
        {
            "lang": lang,
            "formset": LangPointFormSet,
            "verbose_name": _("point (%s)") % name,
            "verbose_name_plural": _("Points (%s)") % name,
        },
    )


POINT_INLINES = [point_inline(code, name) for code, name in LANGUAGES]


#: Who made a curators' translation, when, from which language (written by the workbench or import).
PROVENANCE_FIELDS = ["translation_kind", "translated_from", "translated_by", "translated_at"]


class TranslationInline(admin.StackedInline):
    model = TalkTranslation
    form = VersionedForm
    formset = VersionedInlineFormSet
    extra = 0
    fields = [
        "version",
        "lang",
        "title",
        "license",
        "attribution",
        "graph_source",
        "graph_editor",
        "thread",
        "generator",
        "origin",
        "source",
        *PROVENANCE_FIELDS,
    ]
    readonly_fields = ["graph_editor", "generator", "origin", "source", *PROVENANCE_FIELDS]

    @admin.display(description=_("Concept graph"))
    def graph_editor(self, obj) -> str:
        if not obj or not obj.pk:
            return "—"
        url = reverse("admin:talks_talktranslation_graph", args=[obj.pk])
        return format_html(
            '<a href="{}" data-testid="graph-editor-link">{}</a>', url, _("Open the Mermaid editor")
        )


class SourceInline(admin.TabularInline):
    model = SourceDocument
    extra = 0
    can_delete = False
    fields = ["lang", "filename", "generator", "checksum", "imported_at", "imported_by"]
    readonly_fields = ("lang", "filename", "generator", "checksum", "imported_at", "imported_by")

    def has_add_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = _("review state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("awaiting", _("Awaiting review or publication")), *Talk.Status.choices]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.awaiting_review()
        if self.value() in Talk.Status.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Talk)
class TalkAdmin(VersionedAdmin):
    list_display = [
        "slug",
        "title",
        "kind",
        "speaker",
        "event",
        "status",
        "provenance",
        "updated_at",
    ]
    list_filter = [StatusFilter, "kind", "event", "speaker"]
    search_fields = ["slug", "translations__title", "speaker__name"]
    inlines = [TranslationInline, *POINT_INLINES, SourceInline]
    autocomplete_fields = ["related_talk", "speaker"]
    readonly_fields = ["provenance", "side_by_side", "translate"]
    actions = [
        "mark_reviewed",
        "publish",
        "unpublish",
        "reimport",
        "rebuild_search_vectors",
        "export_vault_text",
        "export_json",
        "export_obsidian",
    ]
    history_list_display = ["status"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_related()
            .annotate(edited_points=Count("points", filter=Q(points__origin=Origin.EDITED)))
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(lambda request: paste_import_view(self, request)),
                name="talks_talk_paste_import",
            ),
            path(
                "review/",
                wrap(lambda request: admin_views.review_queue(self, request)),
                name="talks_talk_review",
            ),
            path(
                "<int:pk>/translate/<str:lang>/",
                wrap(
                    lambda request, pk, lang: admin_views.translation_workbench(
                        self, request, pk, lang
                    )
                ),
                name="talks_talk_translate",
            ),
            path(
                "<int:pk>/translate/<str:lang>/preview/",
                wrap(
                    lambda request, pk, lang: admin_views.translation_preview(
                        self, request, pk, lang
                    )
                ),
                name="talks_talk_translate_preview",
            ),
            path(
                "<int:pk>/side-by-side/",
                wrap(lambda request, pk: admin_views.side_by_side(self, request, pk)),
                name="talks_talk_side_by_side",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("title"))
    def title(self, obj: Talk) -> str:
        return obj.title_in("en")

    @admin.display(description=_("provenance"))
    def provenance(self, obj: Talk) -> str:
        generators = {t.generator for t in obj.translations.all() if t.generator}
        edited = getattr(obj, "edited_points", None)
        if edited is None:
            edited = obj.points.filter(origin=Origin.EDITED).count()
        origin = (
            _("edited by a person (%(n)d points)") % {"n": edited} if edited else _("as imported")
        )
        translated = [
            _("%(lang)s: %(kind)s from %(source)s")
            % {
                "lang": t.lang,
                "kind": t.get_translation_kind_display(),
                "source": t.translated_from,
            }
            for t in obj.translations.all()
            if t.is_curated_translation
        ]
        return " · ".join([*sorted(generators), str(origin), *map(str, translated)])

    @admin.display(description=_("EN/ES"))
    def side_by_side(self, obj: Talk) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:talks_talk_side_by_side", args=[obj.pk])
        return format_html(
            '<a href="{}" data-testid="side-by-side-link">{}</a>', url, _("Compare EN and ES")
        )

    @admin.display(description=_("Translation workbench"))
    def translate(self, obj: Talk) -> str:
        """ "Translate into English" for each language the talk lacks; the workbench for each
        curators' translation it has, flagged when the source changed since."""
        if not obj.pk:
            return "—"
        have = obj.languages()
        links = []
        for code, name in admin_views.languages_local():
            url = reverse("admin:talks_talk_translate", args=[obj.pk, code])
            tr = obj.translation(code)
            if code not in have and have:
                links.append(
                    format_html(
                        '<a href="{}" data-testid="translate-{}">{}</a>',
                        url,
                        code,
                        _("Translate into %(language)s") % {"language": name},
                    )
                )
            elif tr is not None and tr.translation_kind:
                stale = tr.stale_points()
                if stale:
                    flag = str(
                        _("stale: points %(numbers)s changed in the source")
                        % {"numbers": ", ".join(map(str, stale))}
                    )
                elif tr.thread_stale():
                    flag = str(_("stale: the thread changed in the source"))
                else:
                    flag = ""
                links.append(
                    format_html(
                        '<a href="{}" data-testid="translate-{}">{}</a>{}',
                        url,
                        code,
                        _("Revise the %(language)s translation") % {"language": name},
                        format_html(
                            ' <strong class="stale" data-testid="stale-{}">{}</strong>', code, flag
                        )
                        if flag
                        else "",
                    )
                )
        return format_html_join(" · ", "{}", ((link,) for link in links)) or "—"

    def save_formset(self, request, form, formset, change):
        if getattr(formset, "lang", ""):
            self._save_points(request, formset)
            return
        for inline_form in formset.forms:
            if inline_form.has_changed() and isinstance(inline_form.instance, TalkTranslation):
                _mark_edited(
                    request,
                    inline_form.instance,
                    inline_form.changed_data,
                    {"title", "graph_source", "thread"},
                )
        super().save_formset(request, form, formset, change)

    def _save_points(self, request, formset) -> None:
        """Save a language's points (validation has refused numbers another point of the talk uses)."""
        for point_form in formset.forms:
            if point_form.has_changed():
                _mark_edited(
                    request, point_form.instance, point_form.changed_data, {"text", "number"}
                )
        formset.save()

    # --- bulk actions -------------------------------------------------------------------------------

    def _set_status(self, request, queryset, status: str) -> None:
        n = 0
        # Row locks (PostgreSQL): an edit of one of these talks saving now waits, then finds the
        # version bumped. The admin's queryset is annotated (GROUP BY), which FOR UPDATE refuses.
        with transaction.atomic():
            locked = Talk.objects.select_for_update(of=("self",)).order_by()
            for talk in locked.filter(pk__in=queryset.values("pk")):
                n += self._set_one_status(request, talk, status)
        messages.success(
            request,
            _("%(n)d talk(s) set to %(status)s.") % {"n": n, "status": Talk.Status(status).label},
        )

    def _set_one_status(self, request, talk: Talk, status: str) -> int:
        if talk.status == status:
            return 0
        talk.status = status
        talk._change_reason = f"status: {status}"  # type: ignore[attr-defined]  # simple-history reads it
        talk.save(update_fields=["status", "updated_at"])
        self.log_change(request, talk, f"Status set to {status}")
        return 1

    @admin.action(description=_("Mark the selected talks as reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.REVIEWED)

    @admin.action(description=_("Publish the selected talks"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.PUBLISHED)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.DRAFT)

    @admin.action(
        description=_("Re-import from the stored source (undoes edits)"), permissions=["change"]
    )
    def reimport(self, request, queryset):
        try:
            with transaction.atomic():
                results = reimport_from_source(queryset.with_related(), user=request.user)
        except ImportProblem as problem:
            messages.error(request, _("Nothing was re-imported: %(error)s") % {"error": problem})
            return
        for talk in queryset:
            self.log_change(request, talk, "Re-imported from the stored source")
        messages.success(
            request, _("%(n)d text(s) re-imported from their stored source.") % {"n": len(results)}
        )

    @admin.action(description=_("Rebuild the search vectors"), permissions=["change"])
    def rebuild_search_vectors(self, request, queryset):
        from search.tasks import index_translation

        pairs = list(
            TalkTranslation.objects.filter(talk__in=queryset).values_list("talk_id", "lang")
        )
        for talk_id, lang in pairs:
            transaction.on_commit(lambda t=talk_id, lang=lang: index_translation.delay(t, lang))
        messages.success(
            request, _("%(n)d translation(s) queued for re-indexing.") % {"n": len(pairs)}
        )

    @admin.action(description=_("Export as Knowledge Vault text (zip)"), permissions=["view"])
    def export_vault_text(self, request, queryset):
        response = HttpResponse(vault_zip(queryset.with_related()), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="knowledge-vault-export.zip"'
        return response

    @admin.action(
        description=_("Export as an Obsidian vault (zip of Markdown notes)"), permissions=["view"]
    )
    def export_obsidian(self, request, queryset):
        files = obsidian.notes(
            obsidian.export_queryset(queryset), request.build_absolute_uri("/").rstrip("/")
        )
        response = HttpResponse(obsidian.as_zip(files), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="knowledge-vault-obsidian.zip"'
        return response

    @admin.action(description=_("Export as JSON"), permissions=["view"])
    def export_json(self, request, queryset):
        body = json.dumps(as_json(queryset.with_related()), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="knowledge-vault-export.json"'
        return response


@admin.register(TalkTranslation)
class TalkTranslationAdmin(VersionedAdmin):
    """Translations, with their graph source history; the Mermaid editor edits ``graph_source``."""

    list_display = ["talk", "lang", "title", "generator", "origin"]
    list_filter = ["lang", "origin"]
    search_fields = ["talk__slug", "title"]
    fields = [
        "talk",
        "lang",
        "title",
        "license",
        "attribution",
        "graph_source",
        "thread",
        "generator",
        "origin",
        "source",
        *PROVENANCE_FIELDS,
    ]
    readonly_fields = ["generator", "origin", "source", *PROVENANCE_FIELDS]
    autocomplete_fields = ["talk"]
    history_list_display = ["origin"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/graph/",
                wrap(lambda request, pk: admin_views.graph_editor(self, request, pk)),
                name="talks_talktranslation_graph",
            ),
            path(
                "graph-check/",
                wrap(admin_views.graph_check),
                name="talks_talktranslation_graph_check",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        _mark_edited(request, obj, form.changed_data, {"title", "graph_source", "thread"})
        super().save_model(request, obj, form, change)


@admin.register(SummaryPoint)
class SummaryPointAdmin(VersionedAdmin):
    list_display = ["talk", "lang", "number", "text", "origin"]
    list_filter = ["lang", "origin", "talk"]
    search_fields = ["text", "talk__slug"]
    ordering = ["talk", "lang", "number"]
    fields = ["talk", "lang", "number", "text", "origin", "source"]
    readonly_fields = ["origin", "source"]
    autocomplete_fields = ["talk"]
    history_list_display = ["text", "origin"]

    def save_model(self, request, obj, form, change):
        _mark_edited(request, obj, form.changed_data, {"text", "number"})
        super().save_model(request, obj, form, change)


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = [
        "talk",
        "lang",
        "filename",
        "generator",
        "checksum",
        "imported_at",
        "imported_by",
    ]
    list_filter = ["lang"]
    readonly_fields = [
        "talk",
        "lang",
        "filename",
        "generator",
        "raw_text",
        "checksum",
        "imported_at",
        "imported_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Event)
class EventAdmin(VersionedAdmin):
    list_display = ["name", "year", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name", "year"]}


@admin.register(Speaker)
class SpeakerAdmin(VersionedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
