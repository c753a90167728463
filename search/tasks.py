"""Celery tasks that keep the search index current. They take primary keys, never model instances,
and are sent from ``transaction.on_commit`` so the worker reads the rows that were saved."""

from __future__ import annotations

from celery import shared_task

from . import entries


@shared_task(name="search.index_points", ignore_result=True)
def index_points(point_ids: list[int]) -> int:
    """Re-encode the entries of these points (a point was created or edited)."""
    return entries.index_points(point_ids)


@shared_task(name="search.index_translation", ignore_result=True)
def index_translation(talk_id: int, lang: str) -> int:
    """Index every point of a talk in one language (a translation was imported)."""
    return entries.index_translation(talk_id, lang)
