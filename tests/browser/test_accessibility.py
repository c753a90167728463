"""Real headless Chromium: axe-core finds no serious or critical violation on any public page, in
either language, and no page is wider than a 375 px phone screen."""

from __future__ import annotations

import pytest

from tests.browser.a11y import DEMOS, axe_violations, overflow, public_pages, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [(lang, path) for lang in ("en", "es") for path in public_pages(lang)]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang, path", PAGES, ids=[p for _, p in PAGES])
def test_axe_finds_no_serious_violation(desktop, live_url, lang, path):
    desktop.goto(live_url + path)
    settle(desktop)
    assert axe_violations(desktop) == []


@pytest.mark.parametrize("lang, path", PAGES, ids=[p for _, p in PAGES])
def test_the_page_fits_a_375px_phone(phone, live_url, lang, path):
    phone.goto(live_url + path)
    settle(phone)
    found = overflow(phone)
    assert found["extra"] <= 0, found["culprits"]


DEMO_RUNS = {
    "act": {},
    "dni": {"#f-length": "4", "#f-steps": "100"},
    "dnc": {"#f-length": "6"},
    "learned_opt": {"#f-steps": "40"},
    "parallel_wavenet": {"#f-length_s": "0.25"},
    "vtrace": {"#f-updates": "50"},
    "wage": {"#f-epochs": "2"},
    "wavenet": {"#f-length_s": "0.25"},
}


def test_every_demo_has_a_phone_layout_run():
    assert set(DEMO_RUNS) == set(DEMOS)


@pytest.mark.worker
@pytest.mark.parametrize("slug", DEMO_RUNS)
def test_a_demo_result_fits_a_375px_phone(browser, live_worker, slug):
    """The drawn result (charts, heatmaps, tables) scrolls inside its box, never the page."""
    from tests.browser.test_demo_pages import run

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        run(page, f"{live_worker.url}/en/demos/{slug}/", DEMO_RUNS[slug])
        found = overflow(page)
        assert found["extra"] <= 0, found["culprits"]
    finally:
        context.close()
