"""Helpers for browser tests of the interactive (vis-network) graph view."""

from __future__ import annotations

# Where a vis-network node is on screen: its canvas position mapped to page coordinates.
_NODE_XY = """key => {
  const box = document.querySelector('[data-graph-network]');
  const net = box.visNetwork;
  const p = net.canvasToDOM(net.getPositions([key])[key]);
  const r = box.getBoundingClientRect();
  return {x: r.left + p.x, y: r.top + p.y};
}"""


def node_xy(page, key: str) -> dict:
    """Page coordinates ``{"x", "y"}`` of node ``key`` in the page's ``[data-graph-network]``."""
    return page.evaluate(_NODE_XY, key)
