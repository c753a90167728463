"""Bulk actions on talks: review states, re-import from the stored source, search vectors."""

from __future__ import annotations

from django.urls import reverse

from search.models import IndexEntry
from talks.models import Origin, SummaryPoint, Talk

CHANGELIST = reverse("admin:talks_talk_changelist")


def test_draft_reviewed_published_and_back(client, editor):
    talk = Talk.objects.get(slug="jascha-sohl-dickstein-iclr-2023")
    url = talk.get_absolute_url()
    for action, status, public in (
        ("unpublish", "draft", 404),
        ("mark_reviewed", "reviewed", 404),
        ("publish", "published", 200),
    ):
        client.post(CHANGELIST, {"action": action, "_selected_action": [talk.pk]})
        talk.refresh_from_db()
        assert talk.status == status and client.get(url).status_code == public


def test_reimport_from_the_stored_source_undoes_edits(client, editor):
    point = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=1)
    original = point.text
    point.text, point.origin = "Edited by hand.", Origin.EDITED
    point.save()
    response = client.post(CHANGELIST, {"action": "reimport", "_selected_action": [point.talk_id]})
    assert response.status_code == 302
    fresh = SummaryPoint.objects.get(talk__slug="alex-graves-iclr-2017", lang="en", number=1)
    assert fresh.text == original and fresh.origin == Origin.IMPORTED
    assert SummaryPoint.objects.filter(talk_id=point.talk_id).count() == 60


def test_rebuild_search_vectors_reencodes_the_selected_talks(
    client, editor, django_capture_on_commit_callbacks
):
    talk = Talk.objects.get(slug="koray-kavukcuoglu-iclr-2018")
    IndexEntry.objects.filter(point__talk=talk).delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(CHANGELIST, {"action": "rebuild_search_vectors", "_selected_action": [talk.pk]})
    assert len(callbacks) == 1  # one task per translation, sent on commit
    assert IndexEntry.objects.filter(point__talk=talk, kind="point").count() == 30


def test_awaiting_filter_lists_unpublished_talks(client, editor):
    Talk.objects.filter(slug="koray-kavukcuoglu-iclr-2018").update(status="reviewed")
    response = client.get(CHANGELIST, {"state": "awaiting"})
    assert [t.slug for t in response.context["cl"].result_list] == ["koray-kavukcuoglu-iclr-2018"]
