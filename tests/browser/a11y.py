"""Accessibility and phone-layout checks shared by the browser tests.

- :func:`axe_violations` runs axe-core (vendored in ``tests/browser/vendor/axe-core/``, never served
  by the site) in a page and returns the violations of the given impacts.
- :func:`overflow` says how far a page is wider than its viewport, and which elements stick out.
- :data:`PUBLIC_PAGES` is every public page of the site, per language.
"""

from __future__ import annotations

from pathlib import Path

from demos import registry

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

TALKS = (
    "alex-graves-iclr-2017",
    "jascha-sohl-dickstein-iclr-2023",
    "koray-kavukcuoglu-iclr-2018",
    "dnc-scaling-discussion",
)
# Every demo the registry finds, so a new plug-in's page is checked without being listed here.
DEMOS = tuple(sorted(demo.slug for demo in registry.all_demos()))


def public_pages(lang: str) -> list[str]:
    """Paths of every public page in ``lang`` (the admin and the API docs are not the reader's site)."""
    return [
        f"/{lang}/",
        f"/{lang}/talks/",
        *(f"/{lang}/talks/{slug}/" for slug in TALKS),
        f"/{lang}/talks/alex-graves-iclr-2017/?show=both",
        f"/{lang}/graph/",
        f"/{lang}/graph/talks/alex-graves-iclr-2017/",
        f"/{lang}/search/",
        f"/{lang}/search/?q={'memoria externa' if lang == 'es' else 'external memory'}",
        f"/{lang}/demos/",
        *(f"/{lang}/demos/{slug}/" for slug in DEMOS),
        f"/embed/talks/alex-graves-iclr-2017/graph/?lang={lang}",
        f"/embed/demos/act/?lang={lang}",
        f"/{lang}/talks/no-such-talk/",  # the 404 page
    ]


def settle(page) -> None:
    """Wait for what the page's scripts draw: the Mermaid diagram and the vis-network views."""
    page.wait_for_load_state("load")
    if page.locator("[data-graph-mermaid]").count():
        page.wait_for_selector("[data-graph-mermaid] svg", timeout=60_000)
    if page.locator("[data-vault-network]").count():
        page.wait_for_selector('[data-vault-network][data-settled="true"]', timeout=60_000)


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """axe-core's violations in ``page`` with one of ``impacts``: ``[{id, impact, help, targets}]``."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(
            path=str(AXE)
        )  # needs a context with bypass_csp (the site allows 'self')
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v["impact"] in impacts
    ]


_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
      // Only the outermost offender: its children stick out because it does.
      if (!wide.some(w => w.contains(el))) wide.push(el);
    }
  }
  return {
    extra: document.documentElement.scrollWidth - width,
    culprits: wide.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '')
      + ' (' + Math.round(el.getBoundingClientRect().right) + 'px)'),
  };
}"""


def overflow(page) -> dict:
    """``{"extra": px the page scrolls sideways, "culprits": [outermost elements past the right edge]}``."""
    return page.evaluate(_OVERFLOW)
