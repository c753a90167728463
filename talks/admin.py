from django.contrib import admin, messages
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .admin_import import paste_import_view

from .models import Event, SourceDocument, Speaker, SummaryPoint, Talk, TalkTranslation


class TranslationInline(admin.StackedInline):
    model = TalkTranslation
    extra = 0
    fields = ["lang", "title", "license", "attribution", "graph_source"]


class SourceInline(admin.TabularInline):
    model = SourceDocument
    extra = 0
    can_delete = False
    fields = ["lang", "filename", "checksum", "imported_at", "imported_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "speaker", "event", "status", "updated_at"]
    list_filter = ["kind", "status", "event", "speaker"]
    search_fields = ["slug", "translations__title", "speaker__name"]
    inlines = [TranslationInline, SourceInline]
    autocomplete_fields = ["related_talk"]
    actions = ["publish", "send_to_review", "unpublish"]

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: paste_import_view(self, request))
        return [path("import/", view, name="talks_talk_paste_import")] + super().get_urls()

    def _set_status(self, request, queryset, status: str) -> None:
        for talk in queryset:
            if talk.status != status:
                talk.status = status
                talk.save(update_fields=["status", "updated_at"])
                self.log_change(request, talk, f"Status set to {status}")
        messages.success(request, _("%(n)d talk(s) updated.") % {"n": queryset.count()})

    @admin.action(description=_("Publish the selected talks"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.PUBLISHED)

    @admin.action(description=_("Send the selected talks to review"), permissions=["change"])
    def send_to_review(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.REVIEW)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.DRAFT)


@admin.register(SummaryPoint)
class SummaryPointAdmin(admin.ModelAdmin):
    list_display = ["talk", "lang", "number", "text"]
    list_filter = ["lang", "talk"]
    search_fields = ["text"]
    ordering = ["talk", "lang", "number"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["talk", "lang", "filename", "checksum", "imported_at"]
    list_filter = ["lang"]
    readonly_fields = ["talk", "lang", "filename", "raw_text", "checksum", "imported_at", "imported_by"]

    def has_add_permission(self, request):
        return False


admin.site.register(Event)
admin.site.register(Speaker, search_fields=["name"])
