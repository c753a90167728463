"""Curating in the admin: paste a source, preview it, import it; bad text imports nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from talks.models import SummaryPoint, Talk

URL = "/en/curate/talks/talk/import/"
TEXT = "Ada Lovelace ICLR 2031 - Invited Talk - Engines of Thought\n1.-First point.\n2.-Second point.\n"


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("curator", "c@example.org", "pw-123456")
    client.force_login(user)
    return user


def test_preview_shows_what_would_be_imported_and_writes_nothing(client, staff, corpus_db):
    response = client.post(URL, {"text": TEXT, "status": "draft", "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'data-testid="preview"' in html and "ada-lovelace-iclr-2031" in html and "created" in html
    )
    assert not Talk.objects.filter(slug="ada-lovelace-iclr-2031").exists()


def test_confirm_imports_as_draft_and_logs_history(client, staff, corpus_db):
    response = client.post(URL, {"text": TEXT, "status": "draft", "confirm": "1"})
    talk = Talk.objects.get(slug="ada-lovelace-iclr-2031")
    assert response.status_code == 302
    assert talk.status == "draft" and talk.points.count() == 2
    assert LogEntry.objects.filter(object_id=str(talk.pk)).exists()
    assert client.get(f"/en/talks/{talk.slug}/").status_code == 404  # drafts are not public


def test_malformed_paste_is_a_400_naming_the_line(client, staff, corpus_db):
    before = SummaryPoint.objects.count()
    bad = TEXT + "2.-Again.\n"
    response = client.post(URL, {"text": bad, "status": "draft", "confirm": "1"})
    assert response.status_code == 400
    assert (
        "duplicate point number 2" in response.content.decode()
        and "line 4" in response.content.decode()
    )
    assert SummaryPoint.objects.count() == before


def test_publish_action_makes_a_draft_public(client, staff, corpus_db):
    client.post(URL, {"text": TEXT, "status": "draft", "confirm": "1"})
    talk = Talk.objects.get(slug="ada-lovelace-iclr-2031")
    client.post("/en/curate/talks/talk/", {"action": "publish", "_selected_action": [talk.pk]})
    talk.refresh_from_db()
    assert talk.status == "published"
    assert client.get(f"/en/talks/{talk.slug}/").status_code == 200
