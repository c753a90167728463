"""Shared fixtures.

- Every database test starts from the bundled corpus, imported once per session into the test
  database (tests run in transactions that roll back). Use ``empty_vault`` for a vault with no talks.
- ``live_url``: the real app served by ``manage.py runserver`` in a subprocess, on its own database
  (a SQLite file, or a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL), set up the
  way ``make setup`` does it. ``live_worker`` adds a real Celery worker process beside it.
- ``page``: a Playwright page in Debian's headless Chromium (/usr/bin/chromium; never downloaded).
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from tests.live import LiveStack

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_vault", verbosity=0)


@pytest.fixture
def corpus_db(db):
    """The bundled corpus, as imported at session start (rolled back after each test)."""
    return db


@pytest.fixture
def empty_vault(db):
    from talks.models import Event, Speaker, Talk

    Talk.objects.filter(kind="discussion").delete()
    Talk.objects.all().delete()
    Event.objects.all().delete()
    Speaker.objects.all().delete()


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory):
    stack = LiveStack(tmp_path_factory.mktemp("live"))
    stack.start_web()
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def live_url(live_stack) -> str:
    return live_stack.url


@pytest.fixture(scope="session")
def live_worker(live_stack):
    live_stack.start_worker()
    return live_stack


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (browser tests never skip)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # tests may assert the page threw nothing
    yield page
    context.close()


@pytest.fixture
def renderer_page(browser):
    """``open(slug) -> (page, errors)``: a blank page with Chart.js, viz.js and the demo's renderer.

    The files are found the way the site finds them (Django's static finders), so a renderer that
    lives inside its plug-in (``demos/plugins/<slug>/static/``) is found only if the site finds it.
    """
    from django.contrib.staticfiles import finders

    pages = []

    def open_page(slug: str):
        page = browser.new_page()
        pages.append(page)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_content("<!doctype html><html><body></body></html>")
        for script in ("vendor/chartjs/chart.umd.min.js", "demos/viz.js", f"demos/{slug}.js"):
            found = finders.find(script)
            assert isinstance(found, str), f"static file {script} not found"
            page.add_script_tag(path=found)
        return page, errors

    yield open_page
    for page in pages:
        page.close()
