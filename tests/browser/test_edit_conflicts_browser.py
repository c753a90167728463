"""Real headless Chromium, two curators in two browser contexts: both open the same summary point (and
the same translation's Mermaid editor), the first saves, the second's save shows the conflict page
with both texts, and the first curator's text is what stays stored."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLUG = "jascha-sohl-dickstein-iclr-2023"  # a point of it
GRAPH_SLUG = "alex-graves-iclr-2017"  # its Spanish graph (the other browser tests only read it)
PASSWORD = "conflict-pw-5521"


@pytest.fixture(scope="module")
def ids(live_stack) -> dict[str, str]:
    out = live_stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User;"
        "from talks.models import SummaryPoint, TalkTranslation;"
        "g = Group.objects.get(name='Editor')\n"
        "for n in ('curator-one', 'curator-two'):\n"
        f"    User.objects.create_user(n, n + '@example.org', '{PASSWORD}', is_staff=True).groups.add(g)"
        "\n"
        f"p = SummaryPoint.objects.filter(talk__slug='{SLUG}').order_by('lang', 'number').first();"
        f"t = TalkTranslation.objects.get(talk__slug='{GRAPH_SLUG}', lang='es');"
        "print(p.pk, t.pk)",
    )
    point, translation = out.split()[-2:]
    return {"point": point, "translation": translation}


@pytest.fixture
def two_curators(browser, live_url, ids):
    contexts, pages = [], []
    for name in ("curator-one", "curator-two"):
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_url}/en/curate/")
        page.fill("#id_username", name)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/en/curate/")
        contexts.append(context)
        pages.append(page)
    yield pages
    for context in contexts:
        context.close()


def test_the_second_curator_sees_the_conflict_and_the_first_text_is_kept(
    two_curators, live_url, ids
):
    one, two = two_curators
    url = f"{live_url}/en/curate/talks/summarypoint/{ids['point']}/change/"
    one.goto(url)
    two.goto(url)
    one.fill("#id_text", "The first curator's wording.")
    one.click("input[name=_save]")
    expect(one.locator(".messagelist")).to_contain_text("was changed successfully")

    two.fill("#id_text", "The second curator's wording.")
    two.click("input[name=_save]")
    expect(two.get_by_test_id("edit-conflict")).to_be_visible()
    expect(two.get_by_test_id("conflict-stored")).to_have_value("The first curator's wording.")
    expect(two.get_by_test_id("conflict-yours")).to_have_value("The second curator's wording.")
    expect(two.get_by_test_id("conflict-who")).to_contain_text("Changed by curator-one")
    two.get_by_test_id("conflict-copy").click()
    expect(two.locator("[data-copied]")).to_be_visible()

    two.get_by_test_id("conflict-reload").click()  # the current text, to apply the edit again
    expect(two.locator("#id_text")).to_have_value("The first curator's wording.")
    one.goto(url)
    expect(one.locator("#id_text")).to_have_value("The first curator's wording.")


def test_the_mermaid_editor_shows_the_conflict_and_keeps_the_first_graph(
    two_curators, live_url, ids
):
    one, two = two_curators
    url = f"{live_url}/en/curate/talks/talktranslation/{ids['translation']}/graph/"
    one.goto(url)
    two.goto(url)
    first, second = "graph LR\nA[First 1] --> B[Curator 2]", "graph LR\nC[Second 1]"
    one.fill("#id_graph_source", first)
    one.get_by_test_id("graph-save").click()
    expect(one.locator(".messagelist")).to_contain_text("The concept graph was saved.")

    two.fill("#id_graph_source", second)
    two.get_by_test_id("graph-save").click()
    expect(two.get_by_test_id("edit-conflict")).to_be_visible()
    expect(two.get_by_test_id("conflict-stored")).to_have_value(first)
    expect(two.get_by_test_id("conflict-yours")).to_have_value(second)

    one.goto(url)
    expect(one.get_by_test_id("graph-source")).to_have_value(first)
    one.wait_for_selector('[data-mermaid-preview][data-rendered="true"] svg', timeout=60_000)
