"""Real headless Chromium: the graph reader's tools (static/graphs/graph_tools.js) and "also in"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_graphs_browser import GRAVES, wait_for_graph

pytestmark = pytest.mark.browser

DISCUSSION = "dnc-scaling-discussion"


def open_graves(page, live_url) -> None:
    page.goto(f"{live_url}/en/talks/{GRAVES}/")
    wait_for_graph(page)


def test_searching_a_node_marks_it_in_both_views_and_shows_its_point(page, live_url):
    open_graves(page, live_url)
    page.get_by_test_id("graph-search").fill("synthetic")
    expect(page.get_by_test_id("graph-search-status")).to_have_text("3 matching concepts")
    views = page.get_by_test_id("graph-views")
    expect(views).to_have_attribute("data-matches", "N,O,P")
    assert page.locator("[data-graph-mermaid] g.node.graph-match").count() == 3
    selected = page.evaluate(
        "document.querySelector('[data-graph-network]').visNetwork.getSelectedNodes()"
    )
    assert sorted(selected) == ["N", "O", "P"]
    expect(page.get_by_test_id("graph-point")).to_contain_text("Point 13.")
    page.get_by_test_id("graph-search").fill("")
    assert page.locator("[data-graph-mermaid] g.node.graph-match").count() == 0
    assert page.js_errors == []


def test_unticking_a_group_hides_its_nodes_in_both_views(page, live_url):
    open_graves(page, live_url)
    box = page.locator('[data-graph-group="bptt"]')
    box.uncheck()
    hidden = "k => document.querySelector('[data-graph-network]').visNodes.get(k).hidden === true"
    assert all(page.evaluate(hidden, key) for key in "LMNOP")
    assert not page.evaluate(hidden, "A")
    expect(page.locator('[data-graph-mermaid] g.node[data-key="L"]')).to_be_hidden()
    expect(page.locator('[data-graph-mermaid] g.node[data-key="A"]')).to_be_visible()
    page.get_by_test_id("graph-search").fill("synthetic")  # hidden nodes are not found
    expect(page.get_by_test_id("graph-search-status")).to_have_text("0 matching concepts")
    box.check()
    expect(page.locator('[data-graph-mermaid] g.node[data-key="L"]')).to_be_visible()
    assert not page.evaluate(hidden, "L")


def test_both_views_export_as_svg_and_png(page, live_url):
    open_graves(page, live_url)
    with page.expect_download() as info:
        page.get_by_test_id("export-mermaid-svg").click()
    diagram = info.value.path().read_text(encoding="utf-8")
    assert info.value.suggested_filename == f"{GRAVES}-en-diagram.svg"
    assert "<svg" in diagram and len(re.findall(r'class="node[ "]', diagram)) == 31
    with page.expect_download() as info:
        page.get_by_test_id("export-network-svg").click()
    network = info.value.path().read_text(encoding="utf-8")
    assert network.count('<g class="node"') == 31 and "<line" in network
    for button in ("export-mermaid-png", "export-network-png"):
        with page.expect_download() as info:
            page.get_by_test_id(button).click()
        assert info.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.js_errors == []


def test_the_mermaid_view_pans_and_zooms(page, live_url):
    open_graves(page, live_url)
    svg = page.locator("[data-graph-mermaid] svg")

    def box() -> list[float]:
        return [float(v) for v in svg.get_attribute("viewBox").split()]

    start = box()
    page.get_by_test_id("mermaid-zoom-in").click()
    expect(svg).to_have_attribute("data-zoom", "1.250")
    assert box()[2] == pytest.approx(start[2] / 1.25)
    target = page.get_by_test_id("graph-mermaid")
    target.scroll_into_view_if_needed()
    r = target.bounding_box()
    before = box()
    page.mouse.move(r["x"] + 40, r["y"] + 40)
    page.mouse.down()
    page.mouse.move(r["x"] + 140, r["y"] + 90, steps=5)
    page.mouse.up()
    after = box()
    assert (
        after[0] < before[0] and after[1] < before[1]
    )  # dragged right and down: view moves left/up
    page.mouse.move(r["x"] + r["width"] / 2, r["y"] + r["height"] / 2)
    page.mouse.wheel(0, -100)
    assert float(svg.get_attribute("data-zoom")) > 1.25
    target.focus()
    page.keyboard.press("0")
    expect(svg).to_have_attribute("data-zoom", "1.000")
    assert box() == pytest.approx(start)
    assert page.js_errors == []


def test_a_diagram_node_is_reachable_and_opened_with_the_keyboard(page, live_url):
    open_graves(page, live_url)
    node = page.locator('[data-graph-mermaid] g.node[data-key="R"]')
    assert node.get_attribute("tabindex") == "0" and node.get_attribute("role") == "button"
    node.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("graph-point")).to_contain_text("Adaptive Computation Time (ACT)")


def test_the_interactive_layout_is_kept_across_a_reload(page, live_url):
    open_graves(page, live_url)
    positions = "document.querySelector('[data-graph-network]').visNetwork.getPositions(['B','R'])"
    first = page.evaluate(positions)
    assert page.get_by_test_id("graph-network").get_attribute("data-layout") == "settled"
    page.reload()
    wait_for_graph(page)
    assert page.get_by_test_id("graph-network").get_attribute("data-layout") == "restored"
    again = page.evaluate(positions)
    for key in ("B", "R"):
        assert again[key]["x"] == pytest.approx(first[key]["x"], abs=0.5)
        assert again[key]["y"] == pytest.approx(first[key]["y"], abs=0.5)


def test_following_also_in_lands_on_the_other_talks_point(page, live_url):
    page.goto(f"{live_url}/en/talks/{DISCUSSION}/")
    link = page.get_by_test_id("also-in-link").first
    href = link.get_attribute("href")
    assert href.startswith(f"/en/talks/{GRAVES}/#point-en-")
    link.click()
    page.wait_for_url(re.compile(re.escape(GRAVES)))
    anchor = href.split("#", 1)[1]
    target = page.locator(f"#{anchor}")
    expect(target).to_be_visible()
    expect(target).to_be_in_viewport()
    back = target.get_by_test_id("also-in-link").first
    back_href = back.get_attribute("href")
    assert back_href.startswith(f"/en/talks/{DISCUSSION}/#thread-es-")
    back.click()
    page.wait_for_url(re.compile(re.escape(DISCUSSION)))
    expect(page.locator(f"#{back_href.split('#', 1)[1]}")).to_be_in_viewport()
