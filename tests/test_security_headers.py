"""Security headers on every kind of response, and no inline script anywhere the policy would block it.

The Content-Security-Policy (django-csp, ``CONTENT_SECURITY_POLICY`` in vault/settings.py) allows
scripts from the site only. Templates therefore hold no inline ``<script>`` (``json_script`` data
blocks aside), no ``on…=`` handler and no ``javascript:`` URL; the pages rendered from them are
checked the same way, so a new inline handler fails here before it silently stops working in a browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
GRAVES = "alex-graves-iclr-2017"
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "media-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp(response) -> dict[str, str]:
    parts = (
        p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";") if p.strip()
    )
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        f"/en/talks/{GRAVES}/",
        f"/es/graph/talks/{GRAVES}/",
        "/en/graph/",
        "/en/search/",
        "/en/demos/",
        "/api/talks/",
        "/api/docs/",
        "/healthz",
        "/static/graphs/talk_graph.js",
    ],
)
def test_every_response_carries_the_policy_and_the_security_headers(client, corpus_db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert csp(response) == EXPECTED_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_is_under_the_same_policy(client, corpus_db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert csp(response) == EXPECTED_POLICY
    assert response["X-Frame-Options"] == "DENY"


def test_swagger_ui_loads_its_start_up_script_from_a_url(client, corpus_db):
    page = client.get("/api/docs/")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.content.decode(), re.DOTALL)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    start = client.get("/api/docs/?script=")
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in start.content.decode() and "/api/schema/" in start.content.decode()


def test_plain_http_is_redirected_to_https_when_asked_except_the_health_check(
    client, corpus_db, settings
):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/en/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/en/"
    assert client.get("/healthz").status_code == 200
    secure = client.get("/en/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_imported_source_text_is_served_as_plain_text(client, corpus_db):
    from talks.models import SourceDocument

    source = SourceDocument.objects.filter(talk__slug=GRAVES).first()
    response = client.get(reverse("talks:source", args=[GRAVES, source.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- no inline script ------------------------------------------------------------------------------


class _ScriptFinder(HTMLParser):
    """Collects what a script-src 'self' policy would block: inline scripts, handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self._inline = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}=javascript:…>")
        self._inline = (
            tag == "script" and "src" not in attrs and attrs.get("type") != "application/json"
        )

    def handle_endtag(self, tag):
        self._inline = False

    def handle_data(self, data):
        if self._inline and data.strip():
            self.blocked.append(f"inline <script>: {data.strip()[:60]}")


def blocked_by_policy(html: str) -> list[str]:
    finder = _ScriptFinder()
    finder.feed(html)
    return finder.blocked


def _templates() -> list[Path]:
    dirs = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("demos/plugins/*/templates")]
    return sorted(p for d in dirs for p in d.rglob("*.html"))


def test_the_finder_sees_what_the_policy_blocks():
    assert blocked_by_policy('<select onchange="this.form.submit()"></select>') == [
        "<select onchange=…>"
    ]
    assert blocked_by_policy('<a href=" javascript:alert(1)">x</a>') == ["<a href=javascript:…>"]
    assert blocked_by_policy("<script>alert(1)</script>") == ["inline <script>: alert(1)"]
    assert (
        blocked_by_policy(
            '<script src="/static/x.js"></script><script type="application/json">{}</script>'
        )
        == []
    )


def test_no_template_holds_inline_script_handlers_or_javascript_urls():
    templates = _templates()
    assert len(templates) > 20
    found = {str(p.relative_to(ROOT)): blocked_by_policy(p.read_text()) for p in templates}
    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        f"/en/talks/{GRAVES}/",
        f"/es/talks/{GRAVES}/?show=both",
        "/en/talks/dnc-scaling-discussion/",
        f"/en/graph/talks/{GRAVES}/",
        "/en/graph/",
        "/en/search/",
        "/en/demos/",
        "/en/demos/act/",
        "/embed/demos/act/",
        f"/embed/talks/{GRAVES}/graph/",
        "/api/docs/",
    ],
)
def test_rendered_pages_hold_nothing_the_policy_would_block(client, corpus_db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert blocked_by_policy(response.content.decode()) == []


def test_admin_pages_hold_nothing_the_policy_would_block(admin_client, corpus_db):
    from talks.models import Talk

    talk = Talk.objects.get(slug=GRAVES)
    for url in (
        reverse("admin:index"),
        reverse("admin:talks_talk_changelist"),
        reverse("admin:talks_talk_change", args=[talk.pk]),
        reverse("admin:talks_talk_paste_import"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert blocked_by_policy(response.content.decode()) == [], url


def test_favicon_ico_is_the_site_icon_and_sets_no_cookie(client, corpus_db):
    # Browsers ask for /favicon.ico on pages that name no icon; a 404 page would set a cookie.
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert response.cookies == {}
    assert client.get(response["Location"]).status_code == 200
