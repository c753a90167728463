"""Real headless Chromium, logged in as an editor: paste corpus file 004, preview, confirm, edit a
point, revert it from history, publish — the public page follows each step. A malformed paste shows
its errors by line and writes nothing. The Mermaid editor renders and reports parse errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
KORAY = (ROOT / "data" / "corpus" / "004_2eedf50d99983cd3.txt").read_text()
SLUG = "koray-kavukcuoglu-iclr-2018-curated"
PASSWORD = "editor-pw-9137"


@pytest.fixture(scope="module")
def editor_login(live_stack):
    live_stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user('browser-editor', 'e@example.org', '{PASSWORD}', is_staff=True);"
        "u.groups.add(Group.objects.get(name='Editor'))",
    )
    return "browser-editor"


def log_in(page, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/en/curate/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/en/curate/")


def public_status(page, url: str) -> int:
    return page.request.get(url).status


def test_editor_pastes_004_previews_confirms_edits_reverts_and_publishes(
    page, live_url, editor_login
):
    log_in(page, live_url, editor_login)
    public = f"{live_url}/en/talks/{SLUG}/"

    page.goto(f"{live_url}/en/curate/talks/talk/")
    page.get_by_test_id("import-link").click()
    page.fill("#id_text", KORAY)
    page.get_by_test_id("preview-button").click()
    # As pasted (the browser sends CRLF), 004 is the text the corpus talk was imported from.
    expect(page.get_by_test_id("preview").locator("h2")).to_have_text("pasted.txt — unchanged")
    expect(page.get_by_test_id("diff")).to_contain_text("Nothing would change.")

    page.fill("#id_slug", SLUG)  # a copy under a new slug, as a draft
    page.select_option("#id_status", "draft")
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("preview").locator("h2")).to_have_text("pasted.txt — created")
    expect(page.get_by_test_id("preview-points")).to_have_text("30")
    expect(page.get_by_test_id("preview-nodes")).to_have_text("31")
    expect(page.get_by_test_id("preview-edges")).to_have_text("30")
    expect(page.get_by_test_id("preview-groups")).to_have_text("6")
    assert public_status(page, public) == 404  # the preview wrote nothing

    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(r"/en/curate/talks/talk/\d+/change/"))
    talk_id = re.search(r"/talk/(\d+)/change/", page.url)[1]
    assert public_status(page, public) == 404  # a draft is not public

    # Edit point 4 (from the side-by-side view), then put it back from its history.
    original = next(line[3:] for line in KORAY.split("\n") if line.startswith("4.-"))
    edited = "WaveNet, revisado por una editora."
    page.get_by_test_id("side-by-side-link").click()
    page.locator('tr[data-number="4"] td[lang="es"] a').click()
    page.fill("#id_text", edited)
    page.click("input[name=_save]")
    page.goto(f"{live_url}/en/curate/talks/talk/{talk_id}/side-by-side/")
    expect(page.locator('tr[data-number="4"] td[lang="es"]')).to_contain_text(edited)

    page.locator('tr[data-number="4"] td[lang="es"] a').click()
    page.get_by_role("link", name="History").click()
    page.locator("#change-history tbody tr").last.locator("a").first.click()
    page.click("input[name=_save]")  # "Revert"
    page.goto(f"{live_url}/en/curate/talks/talk/{talk_id}/side-by-side/")
    expect(page.locator('tr[data-number="4"] td[lang="es"]')).to_contain_text(original)
    assert public_status(page, public) == 404

    # Publish: the public page shows the talk, with the reverted point.
    page.goto(f"{live_url}/en/curate/talks/talk/")
    page.locator(f'input[name=_selected_action][value="{talk_id}"]').check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 talk(s) set to Published")
    page.goto(public)
    assert page.locator('[data-testid="points-es"] li').count() == 30
    expect(page.locator('[data-testid="points-es"]')).to_contain_text(original)
    assert edited not in page.content()
    assert page.js_errors == []


def test_malformed_paste_shows_errors_by_line_and_writes_nothing(page, live_url, editor_login):
    log_in(page, live_url, editor_login)
    lines = KORAY.split("\n")
    dup = next(i for i, line in enumerate(lines) if line.startswith("3.-"))
    lines[dup] = lines[dup].replace("3.-", "2.-", 1)
    graph_end = next(i for i, line in enumerate(lines) if line.startswith("graph LR"))
    while lines[graph_end + 1].strip():
        graph_end += 1
    last = max(i for i in range(graph_end + 1) if "]" in lines[i])
    cut = lines[last].rindex("]")
    lines[last] = lines[last][:cut] + lines[last][cut + 1 :]

    page.goto(f"{live_url}/en/curate/talks/talk/import/")
    page.fill("#id_text", "\n".join(lines))
    page.fill("#id_slug", "malformed-talk")
    page.get_by_test_id("preview-button").click()
    problems = page.get_by_test_id("problem")
    expect(problems.first).to_be_visible()
    texts = problems.all_inner_texts()
    assert f"line {dup + 1}: duplicate point number 2 (first at line 34)" in texts
    # The cut-off label is a warning (the graph's complete statements would be kept), shown beside
    # the problem that stops the import.
    warnings = page.get_by_test_id("warning").all_inner_texts()
    assert any(
        re.match(
            r"line \d+: truncated concept graph: a node label opened with '\[' is never closed", t
        )
        for t in warnings
    ), warnings
    expect(page.get_by_test_id("confirm")).to_have_count(0)
    assert public_status(page, f"{live_url}/en/talks/malformed-talk/") == 404
    page.goto(f"{live_url}/en/curate/talks/talk/?q=malformed-talk")
    expect(page.locator("#result_list")).to_have_count(0)


def test_mermaid_editor_renders_and_shows_parse_errors_inline(page, live_url, editor_login):
    log_in(page, live_url, editor_login)
    page.goto(f"{live_url}/en/curate/talks/talk/?q=alex-graves-iclr-2017")
    page.get_by_role("link", name="alex-graves-iclr-2017", exact=True).click()
    page.get_by_test_id("graph-editor-link").first.click()  # the English translation's graph
    page.wait_for_url(re.compile(r"/talktranslation/\d+/graph/"))
    page.wait_for_selector('[data-mermaid-preview][data-rendered="true"] svg', timeout=60_000)
    expect(page.get_by_test_id("graph-counts")).to_contain_text("nodes")

    page.fill("#id_graph_source", "graph LR\nA[Open label --> B[Two]\nC[never")
    expect(page.get_by_test_id("graph-error")).to_contain_text("line ", timeout=10_000)
    page.fill("#id_graph_source", "graph LR\nA[One 1] --> B[Two 2]")
    expect(page.get_by_test_id("graph-counts")).to_have_text("2 nodes · 1 edges · 0 groups")
    expect(page.get_by_test_id("graph-error")).to_have_text("")
    assert page.js_errors == []


def test_suggest_a_concept_graph_opens_a_rendered_draft_for_a_talk_without_one(
    page, live_url, editor_login
):
    log_in(page, live_url, editor_login)
    page.goto(f"{live_url}/en/curate/talks/talk/?q=jascha-sohl-dickstein-iclr-2023")
    page.get_by_role("link", name="jascha-sohl-dickstein-iclr-2023", exact=True).click()
    page.get_by_test_id("graph-editor-link").first.click()  # its only (Spanish) translation
    page.wait_for_url(re.compile(r"/talktranslation/\d+/graph/"))
    page.get_by_test_id("graph-suggest").click()
    expect(page.get_by_test_id("graph-suggested")).to_be_visible()
    page.wait_for_selector('[data-mermaid-preview][data-rendered="true"] svg', timeout=60_000)
    expect(page.get_by_test_id("graph-counts")).to_have_text("35 nodes · 34 edges · 4 groups")
    assert page.locator("[data-mermaid-preview] svg g.node").count() == 35
    assert (
        page.js_errors == []
    )  # not saved: the public page still has no graph (test_graphs_browser)
