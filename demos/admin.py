"""Admin view of demo runs: filter by status and demo, cancel runs that are queued or running."""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.utils import timezone

from .models import CANCELLED, DemoRun

logger = logging.getLogger(__name__)


@admin.register(DemoRun)
class DemoRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "demo",
        "status",
        "progress",
        "cached",
        "via_embed",
        "created_at",
        "inference_ms",
    )
    list_filter = ("status", "demo", "cached", "via_embed")
    search_fields = ("id", "demo", "requester", "task_id")
    date_hierarchy = "created_at"
    readonly_fields = tuple(f.name for f in DemoRun._meta.fields)
    actions = ("cancel_runs",)

    def get_queryset(self, request):
        DemoRun.objects.fail_stale()  # the list never shows a run "running" whose worker is gone
        return super().get_queryset(request)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Cancel the selected runs (queued or running)")
    def cancel_runs(self, request, queryset) -> None:
        active = list(queryset.filter(status__in=(DemoRun.Status.QUEUED, DemoRun.Status.RUNNING)))
        count = (
            DemoRun.objects.filter(pk__in=[r.pk for r in active])
            .active()
            .update(status=DemoRun.Status.FAILED, error=CANCELLED, finished_at=timezone.now())
        )
        for run in active:
            if run.task_id:
                _revoke(run.task_id)
        self.message_user(request, f"Cancelled {count} run(s).", messages.SUCCESS)


def _revoke(task_id: str) -> None:
    """Ask the workers to drop (or stop) the task; the row is already failed, so this is best effort."""
    try:
        from vault.celery import app

        app.control.revoke(task_id, terminate=True, signal="SIGTERM")
    except Exception:
        logger.warning("could not revoke task %s", task_id, exc_info=True)
