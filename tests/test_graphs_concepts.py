"""Concepts by meaning on the bundled corpus (graphs/concepts.py, link_concepts) and their API:
``/api/concepts/`` and ``/api/talks/<slug>/related/``. Real embeddings, real database."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from graphs import linking
from graphs.models import Concept, ConceptMember
from talks.models import Talk

GRAVES = "alex-graves-iclr-2017"
KORAY = "koray-kavukcuoglu-iclr-2018"
JASCHA = "jascha-sohl-dickstein-iclr-2023"
DISCUSSION = "dnc-scaling-discussion"


@pytest.fixture
def linked(corpus_db):
    call_command("rebuild_search_index", verbosity=0)
    call_command("link_concepts", verbosity=0)
    return list(Concept.objects.prefetch_related("members__talk"))


def talks_of(concept: Concept) -> set[str]:
    return {m.talk.slug for m in concept.members.all()}


def test_every_talk_shares_a_concept_with_another(linked) -> None:
    sharing = set().union(*(talks_of(c) for c in linked))
    assert sharing == set(Talk.objects.published().values_list("slug", flat=True))
    assert all(len(talks_of(c)) >= 2 for c in linked)


def test_the_dnc_concept_links_graves_and_the_discussion(linked) -> None:
    dnc = [
        c
        for c in linked
        if any(m.kind == "node" and m.key == "G" and m.talk.slug == GRAVES for m in c.members.all())
    ]
    assert len(dnc) == 1
    assert {GRAVES, DISCUSSION} <= talks_of(dnc[0])
    paragraphs = [m for m in dnc[0].members.all() if m.kind == "paragraph"]
    assert any("DNC" in m.text for m in paragraphs)


def test_a_concept_holds_members_in_both_languages(linked) -> None:
    assert any({m.lang for m in c.members.all()} == {"en", "es"} for c in linked)


def test_reinforcement_learning_links_kavukcuoglu_and_sohl_dickstein(linked) -> None:
    # Kavukcuoglu's deep-RL point (10); other concepts join the two talks too since the bundled
    # Sohl-Dickstein graph added its node labels (graphs/README.md).
    rl = [
        c for c in linked if any(m.talk.slug == KORAY and m.number == 10 for m in c.members.all())
    ]
    assert rl and JASCHA in talks_of(rl[0])
    named = {
        (m.talk.slug, m.number)
        for m in rl[0].members.all()
        if m.kind == "point" and "RL" in linking.acronyms(m.text)  # names it, or spells it out
    }
    assert {(JASCHA, 21), (JASCHA, 22), (KORAY, 10), (GRAVES, 26)} <= named
    # Every point of it names RL but one: Sohl-Dickstein's 29, a false link (graphs/README.md).
    others = {(m.talk.slug, m.number) for m in rl[0].members.all() if m.kind == "point"} - named
    assert others <= {(JASCHA, 29)}
    # Graves writes "reinforcement learning", never "RL": the spelled-out expansion names the
    # acronym (linking.EXPANSIONS), so his RL point joins the same concept.
    graves_rl = [
        c for c in linked if any(m.talk.slug == GRAVES and m.number == 26 for m in c.members.all())
    ]
    assert graves_rl and graves_rl[0].pk == rl[0].pk
    assert {GRAVES, KORAY, JASCHA} <= talks_of(rl[0])


def test_labels_come_in_the_members_languages(linked) -> None:
    for c in linked:
        langs = {m.lang for m in c.members.all()}
        assert set(c.labels) == langs
        assert all(c.labels.values())
        assert c.label("en") and c.label("es")  # falls back to the language it has


def test_linking_again_gives_the_same_concepts(linked) -> None:
    before = sorted(
        sorted((m.talk_id, m.kind, m.lang, m.number, m.key) for m in c.members.all())
        for c in linked
    )
    call_command("link_concepts", verbosity=0)
    after = sorted(
        sorted(
            ConceptMember.objects.filter(concept=c).values_list(
                "talk_id", "kind", "lang", "number", "key"
            )
        )
        for c in Concept.objects.all()
    )
    assert before == after


def test_a_threshold_out_of_range_is_refused(corpus_db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between -1 and 2"):
        call_command("link_concepts", threshold=5.0)


def test_the_concepts_api_lists_members_with_labels_in_the_language(client, linked) -> None:
    body = client.get("/api/concepts/?lang=es").json()
    assert len(body) == len(linked)
    member = body[0]["members"][0]
    assert set(member) >= {"talk", "kind", "node", "point", "lang", "similarity", "anchor"}
    by_id = {c.pk: c for c in linked}
    assert all(c["label"] == by_id[c["id"]].label("es") for c in body)
    english = client.get("/api/concepts/?lang=en").json()
    assert [c["label"] for c in english] == [by_id[c["id"]].label("en") for c in english]


def test_the_concepts_api_refuses_an_unknown_language(client, linked) -> None:
    response = client.get("/api/concepts/?lang=fr")
    assert response.status_code == 400
    assert "unknown language" in response.json()["error"]


def test_related_lists_the_other_talks_and_the_exact_points(client, linked) -> None:
    body = client.get(f"/api/talks/{DISCUSSION}/related/?lang=en").json()
    assert GRAVES in [t["slug"] for t in body["talks"]]
    links = [e for entries in body["points"].values() for e in entries]
    assert links and all(e["talk"] != DISCUSSION for e in links)
    graves = [e for e in links if e["talk"] == GRAVES]
    assert graves[0]["url"].startswith(f"/en/talks/{GRAVES}/#point-")


def test_related_answers_404_for_an_unknown_or_draft_talk(client, linked) -> None:
    assert client.get("/api/talks/no-such-talk/related/").status_code == 404
    Talk.objects.filter(slug=KORAY).update(status=Talk.Status.DRAFT)
    assert client.get(f"/api/talks/{KORAY}/related/").status_code == 404
    assert KORAY not in {
        m["talk"] for c in client.get("/api/concepts/").json() for m in c["members"]
    }


def test_both_endpoints_are_in_the_schema(client, corpus_db) -> None:
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/concepts/" in schema["paths"]
    assert "/api/talks/{slug}/related/" in schema["paths"]


def test_a_talk_page_links_its_points_to_the_same_concept_in_other_talks(client, linked) -> None:
    html = client.get(f"/en/talks/{GRAVES}/").content.decode()
    assert 'data-testid="also-in"' in html
    assert f'href="/en/talks/{DISCUSSION}/#thread-es-' in html
    thread = client.get(f"/en/talks/{DISCUSSION}/").content.decode()
    anchor = html.split(f'href="/en/talks/{DISCUSSION}/#', 1)[1].split('"', 1)[0]
    assert f'id="{anchor}"' in thread  # the link lands on the exact paragraph
    back = thread.split(f'href="/en/talks/{GRAVES}/#', 1)[1].split('"', 1)[0]
    assert f'id="{back}"' in html


def test_also_in_speaks_the_page_language(client, linked) -> None:
    html = client.get(f"/es/talks/{KORAY}/").content.decode()
    assert "también en" in html
    assert f'href="/es/talks/{JASCHA}/#point-es-' in html


def test_a_talk_without_shared_concepts_shows_no_also_in(client, corpus_db) -> None:
    Concept.objects.all().delete()
    assert 'data-testid="also-in"' not in client.get(f"/en/talks/{GRAVES}/").content.decode()


def test_the_vault_map_shows_every_talk_and_links_concepts_to_their_points(client, linked) -> None:
    html = client.get("/es/graph/").content.decode()
    for slug in Talk.objects.published().values_list("slug", flat=True):
        assert f'data-slug="{slug}"' in html
    assert f'href="/es/talks/{KORAY}/#point-es-' in html


def test_an_empty_vault_links_nothing(empty_vault, client) -> None:
    call_command("link_concepts", verbosity=0)
    assert Concept.objects.count() == 0
    assert client.get("/api/concepts/?lang=en").json() == []
