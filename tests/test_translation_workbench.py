"""The translation workbench in the curation admin: a talk's points, title and graph labels translated
into the language it lacks, saved as a draft in one transaction; bad input is a form error that
writes nothing; a changed source point flags the translation stale in the workbench and the review
page."""

from __future__ import annotations

import pytest
from django.urls import reverse as _reverse
from django.utils import translation

from graphs import mermaid
from graphs.models import ConceptGraph
from talks.models import Origin, SummaryPoint, Talk, TalkTranslation, text_hash

KORAY = "koray-kavukcuoglu-iclr-2018"
JASCHA = "jascha-sohl-dickstein-iclr-2023"


def reverse(name: str, args: list | None = None) -> str:
    """Admin addresses in English (the language another test left active would leak in)."""
    with translation.override("en"):
        return _reverse(name, args=args)


def url(slug: str, lang: str = "en", preview: bool = False) -> str:
    name = "admin:talks_talk_translate_preview" if preview else "admin:talks_talk_translate"
    return reverse(name, args=[Talk.objects.get(slug=slug).pk, lang])


def filled(slug: str, source_lang: str = "es") -> dict:
    """A complete workbench form: point N becomes "Point N in English", node K "Label K"."""
    talk = Talk.objects.get(slug=slug)
    data = {"title": f"{slug} in English"}
    for point in talk.points.filter(lang=source_lang):
        data[f"point-{point.number}"] = f"Point {point.number} in English."
    source = talk.translation(source_lang).graph_source
    if source.strip():
        for node in mermaid.parse(source).nodes:
            data[f"label-{node.key}"] = f"Label {node.key}"
    return data


def test_the_talk_form_offers_to_translate_into_the_missing_language(client, editor):
    talk = Talk.objects.get(slug=KORAY)
    html = client.get(reverse("admin:talks_talk_change", args=[talk.pk])).content.decode()
    assert 'data-testid="translate-en"' in html and "Translate into English" in html
    assert 'data-testid="translate-es"' not in html  # the talk has its Spanish text


def test_the_workbench_shows_each_source_point_and_every_graph_node(client, editor):
    response = client.get(url(KORAY))
    html = response.content.decode()
    assert response.status_code == 200
    bench = response.context["bench"]
    assert [row.number for row in bench.points] == list(range(1, 31))
    assert len(bench.labels) == 31 and bench.source_lang == "es"
    b = next(label for label in bench.labels if label.key == "B")
    assert b.source == "Kavukcuoglu: modelos generativos, agentes." and b.suffix == "1"
    assert html.count('name="point-') == 30 and html.count('name="label-') == 31
    assert 'lang="es"' in html and 'lang="en"' in html


def test_saving_writes_the_translation_as_a_draft_with_its_provenance(client, editor):
    response = client.post(url(KORAY), filled(KORAY))
    assert response.status_code == 302, response.content.decode()[:2000]
    talk = Talk.objects.get(slug=KORAY)
    tr = talk.translation("en")
    assert talk.status == Talk.Status.DRAFT and talk.languages() == ["en", "es"]
    assert tr.translation_kind == "curators" and tr.translated_from == "es"
    assert tr.translated_by == editor and tr.translated_at is not None
    assert tr.title == f"{KORAY} in English" and tr.origin == Origin.EDITED
    es = {p.number: p.text for p in talk.points.filter(lang="es")}
    points = list(talk.points.filter(lang="en").order_by("number"))
    assert [p.number for p in points] == sorted(es)
    assert all(p.source_hash == text_hash(es[p.number]) for p in points)
    ours, theirs = (
        mermaid.parse(tr.graph_source),
        mermaid.parse(talk.translation("es").graph_source),
    )
    assert [n.key for n in ours.nodes] == [n.key for n in theirs.nodes]
    assert ours.edges == theirs.edges and ours.groups == theirs.groups
    assert [n.group for n in ours.nodes] == [n.group for n in theirs.nodes]
    assert ours.node("B").label == "Label B 1" and ours.node("A").label == "Label A"
    assert [n.points for n in ours.nodes] == [n.points for n in theirs.nodes]
    graph = ConceptGraph.objects.get(talk=talk, lang="en")
    assert graph.nodes.get(key="C").label == "Label C 2"
    assert client.get(f"/en/talks/{KORAY}/").status_code == 404  # a draft is not public


def test_a_number_typed_at_the_end_of_a_label_is_not_doubled(client, editor):
    data = filled(KORAY) | {"label-C": "Unsupervised learning: understand, explain data. 2"}
    assert client.post(url(KORAY), data).status_code == 302
    graph = mermaid.parse(TalkTranslation.objects.get(talk__slug=KORAY, lang="en").graph_source)
    assert graph.node("C").label == "Unsupervised learning: understand, explain data. 2"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("point-7"), "Point 7 has no translation."),
        (lambda d: d.update({"point-7": "   "}), "Point 7 has no translation."),
        (lambda d: d.update({"point-31": "extra"}), "Point 31 is not a point of the source text."),
        (lambda d: d.update({"point-x": "extra"}), "Point x is not a point of the source text."),
        (lambda d: d.update({"label-ZZ": "ghost"}), "The graph has no node ZZ."),
        (lambda d: d.pop("label-E"), "The graph node E has no translated label."),
        (lambda d: d.update({"title": ""}), "The title has no translation."),
        (lambda d: d.update({"point-3": "x" * 10_001}), "Point 3 is longer than"),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(client, editor, change, message):
    data = filled(KORAY)
    change(data)
    before = (SummaryPoint.objects.count(), TalkTranslation.objects.count())
    response = client.post(url(KORAY), data)
    assert response.status_code == 400
    errors = response.context["bench"].errors
    assert any(e.startswith(message) for e in errors), errors
    assert message.split(" is longer")[0] in response.content.decode()
    assert (SummaryPoint.objects.count(), TalkTranslation.objects.count()) == before
    assert Talk.objects.get(slug=KORAY).status == Talk.Status.PUBLISHED


def test_a_number_sent_twice_is_a_form_error(client, editor):
    data = filled(JASCHA)
    body = (
        "&".join(f"{k}={v.replace(' ', '+')}" for k, v in data.items()) + "&point-4=again&label-Q=x"
    )
    response = client.post(url(JASCHA), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    errors = response.context["bench"].errors
    assert "Point 4 is given more than once." in errors
    assert "The graph has no node Q." in errors  # Jascha's talk has no graph at all
    assert not TalkTranslation.objects.filter(talk__slug=JASCHA, lang="en").exists()


def test_a_talk_without_a_graph_is_translated_without_labels(client, editor):
    assert client.post(url(JASCHA), filled(JASCHA)).status_code == 302
    tr = TalkTranslation.objects.get(talk__slug=JASCHA, lang="en")
    assert tr.graph_source == "" and tr.talk.points.filter(lang="en").count() == 30


def test_the_workbench_refuses_a_language_the_talk_has_its_own_text_in(client, editor):
    response = client.get(url("alex-graves-iclr-2017", "en"))
    assert response.status_code == 302
    response = client.post(url("alex-graves-iclr-2017", "en"), {"title": "x"})
    assert response.status_code == 302
    assert not TalkTranslation.objects.filter(translation_kind__gt="").exists()


def test_an_unknown_language_is_refused_without_a_500(client, editor):
    talk = Talk.objects.get(slug=KORAY)
    assert client.get(f"/en/curate/talks/talk/{talk.pk}/translate/fr/").status_code == 302
    assert client.post(f"/en/curate/talks/talk/{talk.pk}/translate/fr/preview/").status_code == 400


def test_a_changed_source_point_flags_the_translation_stale_and_a_revision_clears_it(
    client, editor
):
    assert client.post(url(KORAY), filled(KORAY)).status_code == 302
    point = SummaryPoint.objects.get(talk__slug=KORAY, lang="es", number=5)
    point.text = "WaveNet usa convoluciones dilatadas (texto revisado)."
    point.save()
    review = client.get(reverse("admin:talks_talk_review")).content.decode()
    assert 'data-testid="stale-translation"' in review and "points 5 changed" in review
    bench = client.get(url(KORAY))
    assert (
        bench.context["bench"].stale == [5]
        and 'data-testid="point-stale"' in bench.content.decode()
    )
    form = client.get(reverse("admin:talks_talk_change", args=[point.talk_id])).content.decode()
    assert 'data-testid="stale-en"' in form

    data = filled(KORAY) | {"point-5": "WaveNet uses dilated convolutions (revised text)."}
    assert client.post(url(KORAY), data).status_code == 302
    assert TalkTranslation.objects.get(talk__slug=KORAY, lang="en").stale_points() == []
    assert "points 5 changed" not in client.get(reverse("admin:talks_talk_review")).content.decode()


def test_a_source_changed_while_the_form_was_open_is_stale_at_once(client, editor):
    data = filled(KORAY) | {"hash-9": text_hash("the text the form showed")}
    assert client.post(url(KORAY), data).status_code == 302
    assert TalkTranslation.objects.get(talk__slug=KORAY, lang="en").stale_points() == [9]


def test_the_preview_copies_the_graph_with_the_labels_typed_so_far(client, editor):
    response = client.post(url(KORAY, preview=True), {"label-B": "Generative models 1"})
    body = response.json()
    assert response.status_code == 200 and body["ok"] and body["nodes"] == 31
    graph = mermaid.parse(body["mermaid"])
    assert graph.node("B").label == "Generative models 1"
    assert graph.node("C").label.startswith("Aprendizaje no supervisado")  # not typed yet
    bad = client.post(url(KORAY, preview=True), {"label-NOPE": "x"})
    assert bad.status_code == 400 and bad.json()["errors"] == ["The graph has no node NOPE."]
    assert not TalkTranslation.objects.filter(talk__slug=KORAY, lang="en").exists()


def test_a_reviewer_without_change_permission_cannot_open_the_workbench(
    client, corpus_db, django_user_model
):
    user = django_user_model.objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    client.force_login(user)
    assert client.get(url(KORAY)).status_code == 403


def test_a_reimport_from_the_stored_source_leaves_a_workbench_translation_alone(client, editor):
    from talks.curation import reimport_from_source

    assert client.post(url(KORAY), filled(KORAY)).status_code == 302
    results = reimport_from_source(Talk.objects.with_related().filter(slug=KORAY))
    assert [r.lang for r in results] == ["es"]
    tr = TalkTranslation.objects.get(talk__slug=KORAY, lang="en")
    assert tr.translation_kind == "curators" and tr.title == f"{KORAY} in English"


def test_an_english_only_talk_is_translated_into_spanish(client, editor):
    from talks.importers.knowledge_vault import Metadata
    from talks.importers.writer import import_documents, parse_pasted

    text = (
        "Concept Graph & Resume using Claude 3 Opus:\nResume:\n1.-First point.\n2.-Second point.\n"
    )
    doc = parse_pasted(
        text, "en.txt", Metadata(slug="english-only", lang="en", title="English only")
    )
    import_documents([doc])
    talk = Talk.objects.get(slug="english-only")
    form = client.get(reverse("admin:talks_talk_change", args=[talk.pk])).content.decode()
    assert 'data-testid="translate-es"' in form and "Translate into Spanish" in form
    bench = client.get(url("english-only", "es")).context["bench"]
    assert bench.source_lang == "en" and [r.number for r in bench.points] == [1, 2]
    data = {"title": "Solo en inglés", "point-1": "Primer punto.", "point-2": "Segundo punto."}
    assert client.post(url("english-only", "es"), data).status_code == 302
    tr = TalkTranslation.objects.get(talk=talk, lang="es")
    assert tr.translated_from == "en" and tr.translation_kind == "curators"
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.PUBLISHED)
    html = client.get("/es/talks/english-only/").content.decode()
    assert "Traducido por los curadores de la bóveda a partir del resumen en inglés" in html
    assert "Primer punto." in html


def discussion_form() -> dict:
    tr = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="es")
    data = {"title": "How would the DNC scale?"}
    question = [p for p in tr.thread["question"].split("\n\n") if p.strip()]
    for i, _text in enumerate(question):
        data[f"para-q-{i}"] = f"Question paragraph {i + 1}."
    for a, answer in enumerate(tr.thread["answers"]):
        for i, _text in enumerate(answer["paragraphs"]):
            data[f"para-a-{a}-{i}"] = f"Answer {a + 1} paragraph {i + 1}."
    return data


def test_a_discussion_is_translated_paragraph_by_paragraph_with_its_scores_and_licence(
    client, editor
):
    response = client.get(url("dnc-scaling-discussion"))
    bench = response.context["bench"]
    assert response.status_code == 200 and bench.points == [] and bench.labels == []
    source = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="es")
    assert len(bench.paragraphs) == 3 + len(source.thread["answers"][0]["paragraphs"])
    assert client.post(url("dnc-scaling-discussion"), discussion_form()).status_code == 302
    tr = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="en")
    assert tr.translation_kind == "curators" and tr.license == source.license
    assert tr.attribution == source.attribution  # the licence's attribution goes with the words
    assert tr.thread["score"] == 12 and [a["score"] for a in tr.thread["answers"]] == [3]
    assert tr.thread["question"].split("\n\n") == [
        "Question paragraph 1.",
        "Question paragraph 2.",
        "Question paragraph 3.",
    ]
    assert tr.thread["answers"][0]["paragraphs"][0] == "Answer 1 paragraph 1."
    assert not tr.thread_stale()


def test_a_discussion_with_a_missing_or_unknown_paragraph_writes_nothing(client, editor):
    data = discussion_form()
    data.pop("para-a-0-2")
    data["para-a-1-0"] = "an answer the source does not have"
    response = client.post(url("dnc-scaling-discussion"), data)
    assert response.status_code == 400
    errors = response.context["bench"].errors
    assert "Answer 1, paragraph 3 has no translation." in errors
    assert "The thread has no paragraph a-1-0." in errors
    assert not TalkTranslation.objects.filter(talk__slug="dnc-scaling-discussion", lang="en")


def test_a_changed_source_thread_flags_the_discussion_translation_stale(client, editor):
    assert client.post(url("dnc-scaling-discussion"), discussion_form()).status_code == 302
    source = TalkTranslation.objects.get(talk__slug="dnc-scaling-discussion", lang="es")
    source.thread["answers"][0]["paragraphs"][0] += " (revisado)"
    source.save()
    review = client.get(reverse("admin:talks_talk_review")).content.decode()
    assert "the thread changed in the es source" in review
    bench = client.get(url("dnc-scaling-discussion"))
    assert bench.context["bench"].thread_stale
    assert 'data-testid="workbench-stale"' in bench.content.decode()
