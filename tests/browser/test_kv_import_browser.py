"""Real headless Chromium: a curator pastes the Spanish page of a Vault 2 entry ("Conocimiento Bóveda",
with a space), previews and confirms it, then pastes the English page of the same entry: the vault
holds one talk in two languages. The pages are the team's own fixtures (tests/kv_pages/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = Path(__file__).resolve().parents[1] / "kv_pages"
SPANISH = (PAGES / "v2_es_full.txt").read_text()
ENGLISH = (PAGES / "v2_en_full.txt").read_text()
SLUG = "mira-castell-iclr-2021"
USER, PASSWORD = "kv-import-editor", "kv-import-pw-5521"


@pytest.fixture(scope="module")
def curator(live_stack):
    live_stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user('{USER}', 'k@example.org', '{PASSWORD}', is_staff=True);"
        "u.groups.add(Group.objects.get(name='Editor'))",
    )
    return USER


def paste_and_preview(page, live_url: str, text: str) -> None:
    page.goto(f"{live_url}/en/curate/talks/talk/import/")
    page.fill("#id_text", text)
    page.select_option("#id_status", "draft")
    page.get_by_test_id("preview-button").click()


def test_spanish_then_english_page_of_one_entry_make_one_talk(page, live_url, curator):
    assert SPANISH.startswith("Conocimiento Bóveda 2/71")
    page.goto(f"{live_url}/en/curate/")
    page.fill("#id_username", curator)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/en/curate/")

    paste_and_preview(page, live_url, SPANISH)
    expect(page.get_by_test_id("preview").locator("h2")).to_have_text("pasted.txt — created")
    expect(page.get_by_test_id("preview-slug")).to_contain_text(SLUG)
    expect(page.get_by_test_id("preview-lang")).to_have_text("es")
    expect(page.get_by_test_id("preview-points")).to_have_text("5")
    expect(page.get_by_test_id("preview-nodes")).to_have_text("6")
    expect(page.get_by_test_id("preview-edges")).to_have_text("5")
    expect(page.get_by_test_id("preview-groups")).to_have_text("3")
    expect(page.get_by_test_id("warnings")).to_have_count(0)
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(r"/en/curate/talks/talk/\d+/change/"))
    spanish_talk = re.search(r"/talk/(\d+)/change/", page.url)[1]
    expect(page.locator(".messagelist")).to_contain_text("created as a new talk")

    paste_and_preview(page, live_url, ENGLISH)
    expect(page.get_by_test_id("preview").locator("h2")).to_have_text("pasted.txt — merged")
    expect(page.get_by_test_id("preview-lang")).to_have_text("en")
    expect(page.get_by_test_id("preview-slug")).to_contain_text(SLUG)
    page.get_by_test_id("confirm").click()
    page.wait_for_url(re.compile(r"/en/curate/talks/talk/\d+/change/"))
    assert re.search(r"/talk/(\d+)/change/", page.url)[1] == spanish_talk  # the same talk
    expect(page.locator(".messagelist")).to_contain_text("merged as a translation")

    # One talk, both languages side by side, point by point.
    page.goto(f"{live_url}/en/curate/talks/talk/?q=Mira+Castell")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.goto(f"{live_url}/en/curate/talks/talk/{spanish_talk}/side-by-side/")
    row = page.locator('tr[data-number="2"]')
    expect(row.locator('td[lang="es"]')).to_contain_text("Un enrutador aprendido")
    expect(row.locator('td[lang="en"]')).to_contain_text("A learned router")
    assert page.js_errors == []
