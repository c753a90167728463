"""Optimistic concurrency (talks/concurrency.py): two curators edit the same row, the second save is
refused with the conflict page, and the first one's text is kept; bulk actions and imports bump the
version so an edit opened before them is refused too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from talks.concurrency import EditConflict
from talks.curation import reimport_from_source
from talks.models import Event, Speaker, SummaryPoint, Talk, TalkTranslation
from tests.admin_support import change_form_data, make_editor

SLUG = "koray-kavukcuoglu-iclr-2018"


@pytest.fixture
def second(django_user_model, corpus_db) -> Client:
    """Another editor, logged in on a client of their own."""
    other = Client()
    other.force_login(make_editor(django_user_model, "second-editor"))
    return other


def _point() -> SummaryPoint:
    return SummaryPoint.objects.get(talk__slug=SLUG, lang="es", number=4)


def test_a_stale_point_save_is_refused_with_both_texts_and_the_first_is_kept(
    client, editor, second
):
    point = _point()
    url = reverse("admin:talks_summarypoint_change", args=[point.pk])
    mine, theirs = change_form_data(client.get(url)), change_form_data(second.get(url))
    assert mine["version"] == point.version

    mine["text"] = "El texto de la primera editora."
    assert client.post(url, mine).status_code == 302
    theirs["text"] = "El texto de la segunda editora."
    refused = second.post(url, theirs)

    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'data-testid="edit-conflict"' in html
    assert "El texto de la primera editora." in html  # stored now
    assert "El texto de la segunda editora." in html  # theirs, to copy
    assert "Changed by editor" in html
    assert reverse("admin:talks_summarypoint_change", args=[point.pk]) in html  # reload
    point.refresh_from_db()
    assert point.text == "El texto de la primera editora." and point.version == 2

    again = change_form_data(second.get(url))  # reloaded: the current version saves
    again["text"] = "El texto de la segunda editora."
    assert second.post(url, again).status_code == 302
    point.refresh_from_db()
    assert point.text == "El texto de la segunda editora." and point.version == 3


def test_a_stale_inline_point_on_the_talk_page_is_refused(client, editor, second):
    talk = Talk.objects.get(slug=SLUG)
    url = reverse("admin:talks_talk_change", args=[talk.pk])
    mine, theirs = change_form_data(client.get(url)), change_form_data(second.get(url))
    mine["points-es-0-text"] = "Primera."
    assert client.post(url, mine).status_code == 302
    theirs["points-es-0-text"] = "Segunda."
    theirs["points-es-1-text"] = "Otro punto, también de la segunda."
    refused = second.post(url, theirs)
    assert refused.status_code == 409 and "Segunda." in refused.content.decode()
    points = dict(talk.points.filter(lang="es", number__in=[1, 2]).values_list("number", "text"))
    assert points[1] == "Primera." and points[2] != "Otro punto, también de la segunda."


def test_rows_someone_else_changed_but_i_did_not_touch_do_not_block_my_save(client, editor, second):
    talk = Talk.objects.get(slug=SLUG)
    url = reverse("admin:talks_talk_change", args=[talk.pk])
    mine, theirs = change_form_data(client.get(url)), change_form_data(second.get(url))
    mine["points-es-4-text"] = "Punto cinco, de la primera."
    assert client.post(url, mine).status_code == 302
    theirs["points-es-0-text"] = "Punto uno, de la segunda."
    assert second.post(url, theirs).status_code == 302
    points = dict(talk.points.filter(lang="es", number__in=[1, 5]).values_list("number", "text"))
    assert points == {1: "Punto uno, de la segunda.", 5: "Punto cinco, de la primera."}


def test_deleting_a_point_someone_changed_since_is_refused(client, editor, second):
    talk = Talk.objects.get(slug=SLUG)
    url = reverse("admin:talks_talk_change", args=[talk.pk])
    mine, theirs = change_form_data(client.get(url)), change_form_data(second.get(url))
    mine["points-es-2-text"] = "Punto tres, corregido."
    assert client.post(url, mine).status_code == 302
    theirs["points-es-2-DELETE"] = "on"
    assert second.post(url, theirs).status_code == 409
    assert talk.points.get(lang="es", number=3).text == "Punto tres, corregido."


@pytest.mark.parametrize("model", [Talk, TalkTranslation, Event, Speaker])
def test_every_curated_model_refuses_a_stale_change_form(client, editor, second, model):
    obj = {
        Talk: lambda: Talk.objects.get(slug=SLUG),
        TalkTranslation: lambda: TalkTranslation.objects.get(talk__slug=SLUG, lang="es"),
        Event: lambda: Talk.objects.get(slug=SLUG).event,
        Speaker: lambda: Talk.objects.get(slug=SLUG).speaker,
    }[model]()
    field = {Talk: "subject", TalkTranslation: "title", Event: "name", Speaker: "name"}[model]
    url = reverse(f"admin:talks_{model._meta.model_name}_change", args=[obj.pk])
    mine, theirs = change_form_data(client.get(url)), change_form_data(second.get(url))
    mine[field] = "First curator"
    response = client.post(url, mine)
    assert response.status_code == 302, response.context and response.context["errors"]
    theirs[field] = "Second curator"
    assert second.post(url, theirs).status_code == 409
    obj.refresh_from_db()
    assert getattr(obj, field) == "First curator"


def test_the_mermaid_editor_refuses_a_stale_graph_and_keeps_the_stored_one(client, editor, second):
    tr = TalkTranslation.objects.get(talk__slug=SLUG, lang="es")
    url = reverse("admin:talks_talktranslation_graph", args=[tr.pk])
    assert f'name="version" value="{tr.version}"' in client.get(url).content.decode()
    first = client.post(url, {"graph_source": "graph LR\nA[Primera 1]", "version": tr.version})
    assert first.status_code == 302
    refused = second.post(url, {"graph_source": "graph LR\nB[Segunda 2]", "version": tr.version})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "A[Primera 1]" in html and "B[Segunda 2]" in html
    tr.refresh_from_db()
    assert tr.graph_source == "graph LR\nA[Primera 1]"
    assert second.post(url, {"graph_source": "graph LR\nB[Segunda 2]"}).status_code == 400


def test_a_bulk_status_change_refuses_a_talk_form_opened_before_it(client, editor):
    talk = Talk.objects.get(slug=SLUG)
    url = reverse("admin:talks_talk_change", args=[talk.pk])
    stale = change_form_data(client.get(url))
    client.post(
        reverse("admin:talks_talk_changelist"),
        {"action": "unpublish", "_selected_action": [talk.pk]},
    )
    stale["subject"] = "opened before the bulk action"
    assert client.post(url, stale).status_code == 409
    talk.refresh_from_db()
    assert talk.status == Talk.Status.DRAFT and talk.subject != "opened before the bulk action"


def test_a_reimport_refuses_a_point_form_opened_before_it(client, editor):
    point = _point()
    url = reverse("admin:talks_summarypoint_change", args=[point.pk])
    stale = change_form_data(client.get(url))
    reimport_from_source(Talk.objects.filter(slug=SLUG).with_related())
    point.refresh_from_db()
    assert point.version == stale["version"] + 1
    stale["text"] = "Escrito antes de reimportar."
    assert client.post(url, stale).status_code == 409


def test_two_saves_racing_past_validation_cannot_both_win(corpus_db):
    a, b = _point(), _point()
    a.expect_version(a.version)
    b.expect_version(b.version)
    a.text = "A"
    a.save()
    b.text = "B"
    with pytest.raises(EditConflict):
        b.save()
    assert _point().text == "A"


def test_a_plain_save_always_moves_the_version_on(corpus_db):
    stale, fresh = _point(), _point()
    fresh.save()
    stale.save()  # no version expected: code saving rows on its own is not refused...
    assert _point().version == 3  # ...but never writes an older version back


def test_the_conflict_page_speaks_spanish(client, editor, second):
    point = _point()
    url = reverse("admin:talks_summarypoint_change", args=[point.pk]).replace("/en/", "/es/", 1)
    mine, theirs = change_form_data(client.get(url)), change_form_data(second.get(url))
    mine["text"] = "Primera."
    assert client.post(url, mine).status_code == 302
    theirs["text"] = "Segunda."
    html = second.post(url, theirs).content.decode()
    assert "Conflicto de edición" in html and "Recargar la versión actual" in html
    assert "Cambiado por editor" in html
