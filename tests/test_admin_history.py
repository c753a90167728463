"""History (django-simple-history): every change to talks, translations and points is kept with who
and when, and any version can be restored from the admin."""

from __future__ import annotations

from django.urls import reverse

from graphs.models import ConceptGraph
from talks.importers.writer import import_documents, parse_pasted
from talks.models import Origin, SummaryPoint, Talk, TalkTranslation
from tests.admin_support import change_form_data


def test_bulk_import_records_history_for_talks_translations_and_points(
    empty_vault, django_user_model
):
    user = django_user_model.objects.create_user("importer")
    text = "Ada Lovelace ICLR 2031 - Invited Talk - Engines\n1.-First.\n2.-Second.\n"
    import_documents([parse_pasted(text)], user=user)
    talk = Talk.objects.get()
    assert [h.history_type for h in talk.history.all()] == ["+"]
    assert TalkTranslation.history.filter(talk_id=talk.pk, history_type="+").count() == 1
    assert (
        SummaryPoint.history.filter(talk_id=talk.pk, history_type="+", history_user=user).count()
        == 2
    )

    first = SummaryPoint.objects.get(talk=talk, number=1).pk
    import_documents(
        [parse_pasted(text.replace("Second.", "Second, again.\n3.-Third."))], user=user
    )
    assert TalkTranslation.history.filter(talk_id=talk.pk, history_type="~").count() == 1
    # A re-import keeps each point's row (its id and history) and adds or removes only what changed.
    assert SummaryPoint.objects.get(talk=talk, number=1).pk == first
    assert SummaryPoint.history.filter(talk_id=talk.pk, history_type="~").count() == 2
    assert SummaryPoint.history.filter(talk_id=talk.pk, history_type="+").count() == 3
    second = SummaryPoint.objects.get(talk=talk, number=2)
    assert [h.text for h in second.history.order_by("history_date", "history_id")] == [
        "Second.",
        "Second, again.",
    ]

    import_documents([parse_pasted(text)], user=user)
    assert SummaryPoint.history.filter(talk_id=talk.pk, history_type="-", number=3).count() == 1
    assert list(talk.points.values_list("number", flat=True)) == [1, 2]


def test_a_point_edit_can_be_reverted_from_its_history(client, editor):
    point = SummaryPoint.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es", number=4)
    original = point.text
    url = reverse("admin:talks_summarypoint_change", args=[point.pk])
    data = change_form_data(client.get(url))
    data["text"] = "WaveNet, según una persona."
    assert client.post(url, data).status_code == 302
    point.refresh_from_db()
    assert point.text == "WaveNet, según una persona." and point.origin == Origin.EDITED

    history = client.get(reverse("admin:talks_summarypoint_history", args=[point.pk]))
    assert history.status_code == 200 and "WaveNet, según una persona." in history.content.decode()
    imported = point.history.earliest()
    revert_url = reverse(
        "admin:talks_summarypoint_simple_history", args=[point.pk, imported.history_id]
    )
    form = client.get(revert_url)
    assert form.status_code == 200 and original in form.content.decode()
    assert client.post(revert_url, {**change_form_data(form), "_save": "Revert"}).status_code == 302
    point.refresh_from_db()
    assert point.text == original and point.origin == Origin.IMPORTED
    assert [h.history_user for h in point.history.all()[:2]] == [editor, editor]


def test_reverting_a_translation_restores_its_graph(client, editor):
    tr = TalkTranslation.objects.get(talk__slug="koray-kavukcuoglu-iclr-2018", lang="es")
    before = tr.history.earliest()
    client.post(
        reverse("admin:talks_talktranslation_graph", args=[tr.pk]),
        {"graph_source": "graph LR\nA[X 1]", "version": tr.version},
    )
    assert ConceptGraph.objects.get(talk=tr.talk, lang="es").nodes.count() == 1
    url = reverse("admin:talks_talktranslation_simple_history", args=[tr.pk, before.history_id])
    response = client.post(url, {**change_form_data(client.get(url)), "_save": "Revert"})
    assert response.status_code == 302
    assert ConceptGraph.objects.get(talk=tr.talk, lang="es").nodes.count() == 31


def test_status_changes_are_in_the_talk_history(client, editor):
    talk = Talk.objects.get(slug="alex-graves-iclr-2017")
    changelist = reverse("admin:talks_talk_changelist")
    for action in ("unpublish", "mark_reviewed", "publish"):
        client.post(changelist, {"action": action, "_selected_action": [talk.pk]})
    statuses = [h.status for h in talk.history.order_by("history_date")]
    assert statuses[-3:] == ["draft", "reviewed", "published"]
    assert client.get(reverse("admin:talks_talk_history", args=[talk.pk])).status_code == 200
