"""Real headless Chromium: every kind of page works under the Content-Security-Policy.

The policy allows scripts from the site only (no inline script, no eval). Each page below loads with
the header, does its JavaScript work (Mermaid and vis-network draw, Swagger UI renders the API, the
language menu switches language) and the browser reports no CSP violation and no script error.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GRAVES = "alex-graves-iclr-2017"
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH_CSP)
    return page


def visit(page, url: str) -> dict[str, str]:
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())


def assert_clean(page) -> None:
    assert page.evaluate("window.__cspViolations") == []
    assert page.js_errors == []


def test_talk_page_draws_both_graph_views_and_switches_language(watched, live_url):
    page = watched
    policy = visit(page, f"{live_url}/en/talks/{GRAVES}/")
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    page.wait_for_selector('[data-graph-network][data-settled="true"]', timeout=60_000)
    assert_clean(page)
    page.get_by_test_id("lang-select").select_option("es")  # lang-switch.js, not an inline handler
    page.wait_for_url(f"**/es/talks/{GRAVES}/")
    assert_clean(page)


def test_vault_map_and_graph_embed(watched, live_url):
    page = watched
    visit(page, f"{live_url}/en/graph/")
    page.wait_for_selector('[data-vault-network][data-settled="true"]', timeout=60_000)
    assert_clean(page)
    policy = visit(page, f"{live_url}/embed/talks/{GRAVES}/graph/")
    assert policy["frame-ancestors"] == "*" and policy["script-src"] == "'self'"
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    assert_clean(page)


def test_demo_page_and_widget_load_their_scripts(watched, live_url):
    page = watched
    visit(page, f"{live_url}/en/demos/act/")
    expect(page.get_by_test_id("run-button")).to_be_visible()
    assert page.evaluate("typeof Chart") == "function"
    assert_clean(page)
    visit(page, f"{live_url}/embed/demos/act/")
    assert page.evaluate("typeof Chart") == "function"
    assert_clean(page)


def test_swagger_ui_renders_the_api_from_its_own_script(watched, live_url):
    page = watched
    policy = visit(page, f"{live_url}/api/docs/")
    assert policy["script-src"] == "'self'"
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Knowledge Vault API", timeout=30_000
    )
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() > 5
    assert_clean(page)
