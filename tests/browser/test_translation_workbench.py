"""Real headless Chromium, logged in as an editor: translate a three-point Spanish talk with a graph
into English in the workbench (live graph preview), review and publish it, read the public English
page and its English graph; then edit a Spanish point and see the translation flagged stale."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "translator-pw-5521"

SLUG = "workbench-three-points"
SPANISH = (
    "Gráfico de Conceptos & Resumen usando Claude 3 Opus:\n\n"
    "graph LR classDef Mem fill:#f9d4d4, font-weight:bold; A[Memoria externa\n"
    "para redes 1] --> B[Atención suave\nsobre la memoria 2] B --> C[Tiempo de cómputo\n"
    "adaptativo 3] class A,B,C Mem;\n\n"
    "Resumen:\n\n"
    "1.-Una red neuronal con memoria externa puede guardar y recuperar hechos.\n\n"
    "2.-La atención suave permite leer la memoria de forma diferenciable.\n\n"
    "3.-El tiempo de cómputo adaptativo decide cuántos pasos da la red.\n"
)
ENGLISH = {
    1: "A neural network with external memory can store and retrieve facts.",
    2: "Soft attention makes it possible to read the memory differentiably.",
    3: "Adaptive computation time decides how many steps the network takes.",
}
LABELS = {
    "A": "External memory for networks",
    "B": "Soft attention over memory",
    "C": "Adaptive computation time",
}


@pytest.fixture(scope="module")
def translator(live_stack) -> str:
    live_stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user('browser-translator', 't@example.org', '{PASSWORD}',"
        " is_staff=True);"
        "u.groups.add(Group.objects.get(name='Editor'))",
    )
    return "browser-translator"


def log_in(page, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/en/curate/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/en/curate/")


@pytest.fixture(scope="module")
def three_point_talk(live_stack):
    live_stack.manage(
        "shell",
        "-c",
        "from talks.importers.knowledge_vault import Metadata;"
        "from talks.importers.writer import import_documents, parse_pasted;"
        f"doc = parse_pasted({SPANISH!r}, 'three.txt', Metadata(slug={SLUG!r}, lang='es',"
        " title='Tres puntos con un grafo', kind='invited_talk'));"
        "assert not doc.warnings, doc.warnings;"
        "import_documents([doc])",
    )
    return SLUG


def test_translate_review_publish_then_a_source_edit_flags_it_stale(
    page, live_url, translator, three_point_talk
):
    log_in(page, live_url, translator)
    public = f"{live_url}/en/talks/{SLUG}/"
    page.goto(f"{live_url}/en/curate/talks/talk/?q={SLUG}")
    page.get_by_role("link", name=SLUG, exact=True).click()
    talk_id = re.search(r"/talk/(\d+)/change/", page.url)[1]
    page.get_by_test_id("translate-en").click()
    page.wait_for_url(f"**/talk/{talk_id}/translate/en/")

    # The source graph renders at once (Spanish labels until translated), then follows each label.
    preview = page.get_by_test_id("workbench-preview")
    page.wait_for_selector('[data-workbench-preview][data-rendered="true"] svg', timeout=60_000)
    expect(preview).to_contain_text("Memoria externa")
    page.get_by_test_id("translate-title").fill("Three points with a graph")
    for number, text in ENGLISH.items():
        page.get_by_test_id(f"translate-point-{number}").fill(text)
    for key, text in LABELS.items():
        page.get_by_test_id(f"translate-label-{key}").fill(text)
    expect(preview).to_contain_text("Adaptive computation time", timeout=20_000)
    expect(preview).to_contain_text("External memory for networks")
    expect(preview).not_to_contain_text("Memoria externa")

    # A label left empty is a form error; nothing is written.
    page.get_by_test_id("translate-label-B").fill("")
    page.get_by_test_id("workbench-save").click()
    expect(page.get_by_test_id("workbench-error")).to_have_text(
        "The graph node B has no translated label."
    )
    assert page.request.get(f"{live_url}/api/talks/{SLUG}/").json()["languages"] == ["es"]
    page.get_by_test_id("translate-label-B").fill(LABELS["B"])
    page.get_by_test_id("workbench-save").click()
    expect(page.locator(".messagelist")).to_contain_text("the talk is a draft")
    assert page.request.get(public).status == 404  # a draft is not public

    # Review, then publish, as for imported text.
    page.goto(f"{live_url}/en/curate/talks/talk/review/")
    expect(page.get_by_test_id("queue-1")).to_contain_text(SLUG)
    for action, message in (("mark_reviewed", "Reviewed"), ("publish", "Published")):
        page.goto(f"{live_url}/en/curate/talks/talk/")
        page.locator(f'input[name=_selected_action][value="{talk_id}"]').check()
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")
        expect(page.locator(".messagelist")).to_contain_text(f"1 talk(s) set to {message}")

    page.goto(public)
    expect(page.get_by_test_id("talk-title")).to_have_text("Three points with a graph")
    assert page.get_by_test_id("talk-title").get_attribute("lang") is None
    expect(page.get_by_test_id("translation-notice")).to_have_text(
        "Translated by the vault's curators from the Spanish summary"
    )
    expect(page.get_by_test_id("points-en").locator("li .point-text")).to_have_text(
        list(ENGLISH.values())
    )
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    mermaid = page.get_by_test_id("graph-mermaid")
    # The diagram draws SVG text, one <tspan> per wrapped line: join the lines of each node.
    drawn = mermaid.evaluate(
        """el => [...el.querySelectorAll('.node')].map(n =>
            [...n.querySelectorAll('tspan.text-outer-tspan, tspan')].filter(t =>
                !t.querySelector('tspan')).map(t => t.textContent.trim()).join(' ')
              .replace(/\\s+/g, ' ').trim())"""
    )
    for text in LABELS.values():
        assert any(text in " ".join(label.split()) for label in drawn), (text, drawn)
    expect(mermaid).not_to_contain_text("Memoria externa")
    assert mermaid.get_attribute("lang") is None  # English on the English page

    # A curator edits Spanish point 2: the English translation is stale.
    page.goto(f"{live_url}/en/curate/talks/talk/{talk_id}/side-by-side/")
    page.locator('tr[data-number="2"] td[lang="es"] a').click()
    page.fill("#id_text", "La atención suave lee y escribe la memoria de forma diferenciable.")
    page.click("input[name=_save]")
    page.goto(f"{live_url}/en/curate/talks/talk/review/")
    stale = page.get_by_test_id("stale-translation")
    expect(stale).to_have_count(1)
    expect(stale).to_contain_text(f"{SLUG} [en]: points 2 changed in the es source")
    stale.locator("a").click()
    page.wait_for_url(f"**/talk/{talk_id}/translate/en/")
    expect(page.get_by_test_id("workbench-stale")).to_contain_text("points 2 changed")
    expect(page.locator('tr[data-number="2"] [data-testid="point-stale"]')).to_be_visible()
    expect(page.locator('tr[data-number="1"] [data-testid="point-stale"]')).to_have_count(0)
    expect(page.get_by_test_id("translate-point-2")).to_have_value(ENGLISH[2])
    assert page.js_errors == []
