from django.contrib import admin

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
