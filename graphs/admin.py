"""Read-only admin for concept graphs: they are rebuilt by every import, so edits would be lost."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from graphs.models import ConceptGraph, ConceptNode


class ConceptNodeInline(admin.TabularInline):
    model = ConceptNode
    fields = ("key", "title", "group", "points")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConceptGraph)
class ConceptGraphAdmin(admin.ModelAdmin):
    list_display = ("talk", "lang", "node_count", "edge_count", "created_at")
    list_filter = ("lang",)
    search_fields = ("talk__slug", "nodes__title")
    readonly_fields = ("talk", "lang", "direction", "source", "created_at")
    inlines = [ConceptNodeInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                node_total=Count("nodes", distinct=True),
                edge_total=Count("edges", distinct=True),
            )
        )

    @admin.display(description="nodes", ordering="node_total")
    def node_count(self, obj: ConceptGraph) -> int:
        return int(getattr(obj, "node_total", 0))  # annotated by get_queryset

    @admin.display(description="edges", ordering="edge_total")
    def edge_count(self, obj: ConceptGraph) -> int:
        return int(getattr(obj, "edge_total", 0))  # annotated by get_queryset

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
