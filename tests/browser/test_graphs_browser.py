"""Real headless Chromium: the talk's Mermaid diagram and the interactive vis-network view."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.graph_support import node_xy

pytestmark = pytest.mark.browser

GRAVES = "alex-graves-iclr-2017"
KORAY = "koray-kavukcuoglu-iclr-2018"


def wait_for_graph(page) -> None:
    page.wait_for_selector('[data-graph-mermaid][data-rendered="true"] svg', timeout=60_000)
    page.wait_for_selector('[data-graph-network][data-settled="true"]', timeout=60_000)


def click_node(page, key: str) -> None:
    page.get_by_test_id("graph-network").scroll_into_view_if_needed()
    xy = node_xy(page, key)
    page.mouse.click(xy["x"], xy["y"])


def test_graves_mermaid_has_31_nodes_and_clicking_b_shows_point_1(page, live_url):
    page.goto(f"{live_url}/en/talks/{GRAVES}/")
    wait_for_graph(page)
    assert page.locator('[data-testid="graph-mermaid"] svg g.node').count() == 31
    click_node(page, "B")
    panel = page.get_by_test_id("graph-point")
    expect(panel).to_contain_text("Point 1.")
    expect(panel).to_contain_text("RNNs with multiplicative units like LSTM and GRU work well")
    expect(page.locator("#point-en-1")).to_have_class("point graph-highlight")
    assert page.locator("li.point.graph-highlight").count() == 1
    assert page.get_by_test_id("graph-legend").locator("li").count() == 8
    assert page.js_errors == []


def test_spanish_page_shows_the_spanish_point_for_a_spanish_graph(page, live_url):
    page.goto(f"{live_url}/es/talks/{KORAY}/")
    wait_for_graph(page)
    assert page.locator('[data-testid="graph-mermaid"] svg g.node').count() == 31
    click_node(page, "E")  # WaveNet, point 4
    expect(page.get_by_test_id("graph-point")).to_contain_text("WaveNet es un modelo generativo")
    expect(page.locator("#point-es-4")).to_have_class("point graph-highlight")
    assert page.js_errors == []


def test_clicking_a_mermaid_node_also_shows_its_point(page, live_url):
    page.goto(f"{live_url}/en/talks/{GRAVES}/")
    wait_for_graph(page)
    page.locator('[data-testid="graph-mermaid"] g.node[data-key="R"]').click()
    expect(page.get_by_test_id("graph-point")).to_contain_text("Adaptive Computation Time (ACT)")


def test_talk_without_graph_shows_the_notice_and_vault_map_draws(page, live_url):
    page.goto(f"{live_url}/en/talks/jascha-sohl-dickstein-iclr-2023/")
    expect(page.get_by_test_id("graph-missing")).to_be_visible()
    page.goto(f"{live_url}/en/graph/")
    page.wait_for_selector('[data-vault-network][data-settled="true"]', timeout=60_000)
    shared = page.get_by_test_id("vault-shared")
    assert shared.locator('a[data-slug="dnc-scaling-discussion"]').count() == 1
    assert page.js_errors == []
