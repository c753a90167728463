"""One row per demo run: what was asked, where it stands, what came out.

A run moves queued → running → done | failed and never stays anywhere else for ever: a running task
writes ``heartbeat_at`` every few seconds, and :meth:`DemoRunQuerySet.fail_stale` fails runs whose
worker went silent (killed, out of memory, machine lost) or that no worker ever picked up. It is
called whenever runs are read or started, so no extra scheduler is needed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import conf

WORKER_LOST = "The worker running this demo stopped answering; please try again."
NEVER_STARTED = "No worker picked this run up in time; please try again."
CANCELLED = "Cancelled by an administrator."


def params_digest(slug: str, params: dict[str, Any], fingerprint: str) -> str:
    """Key of the result cache: the demo, its exact parameters and its code/weights version."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{slug}|{fingerprint}|{canonical}".encode()).hexdigest()


class DemoRunQuerySet(models.QuerySet["DemoRun"]):
    def active(self) -> DemoRunQuerySet:
        return self.filter(status__in=(DemoRun.Status.QUEUED, DemoRun.Status.RUNNING))

    def cached_result(self, slug: str, digest: str) -> DemoRun | None:
        """The newest computed (not itself cached) successful run with these exact parameters."""
        return (
            self.filter(demo=slug, params_hash=digest, status=DemoRun.Status.DONE, cached=False)
            .order_by("-finished_at")
            .first()
        )

    def fail_stale(self) -> int:
        """Fail runs whose worker went silent or that waited too long for one; returns how many.

        Called on every read of a run, so it first looks (a read never blocks in SQLite's WAL mode
        or PostgreSQL) and writes only when there is something to fail.
        """
        now = timezone.now()
        silent_since = now - timedelta(seconds=conf.heartbeat_timeout_s())
        lost = self.filter(status=DemoRun.Status.RUNNING).filter(
            Q(heartbeat_at__lt=silent_since)
            | Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
        )
        waited_since = now - timedelta(seconds=conf.queue_timeout_s())
        never = self.filter(status=DemoRun.Status.QUEUED, created_at__lt=waited_since)
        if not (lost | never).exists():
            return 0
        count = lost.update(status=DemoRun.Status.FAILED, error=WORKER_LOST, finished_at=now)
        return count + never.update(
            status=DemoRun.Status.FAILED, error=NEVER_STARTED, finished_at=now
        )

    def recent_by(self, requester: str, seconds: int) -> DemoRunQuerySet:
        return self.filter(
            requester=requester, created_at__gte=timezone.now() - timedelta(seconds=seconds)
        )


class DemoRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # A UUID, so the address of a run (shared, or polled by an embedded widget) cannot be guessed.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    demo = models.SlugField(max_length=50, db_index=True)
    params = models.JSONField(default=dict)
    params_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    cached = models.BooleanField(default=False, help_text="Served from an earlier identical run")
    task_id = models.CharField(max_length=64, blank=True)
    # Hash of the client's address (never the address itself): rate limiting and abuse reports.
    requester = models.CharField(max_length=64, blank=True, db_index=True)
    via_embed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    inference_ms = models.FloatField(
        null=True, blank=True, help_text="Time inside the demo's infer.run"
    )

    objects = DemoRunQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = (
            models.Index(fields=["demo", "params_hash", "status"], name="demorun_cache_idx"),
        )

    def __str__(self) -> str:
        return f"{self.demo} {self.status} {self.id}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def total_ms(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.created_at).total_seconds() * 1000, 1)
