"""Embeds: frame-ancestors on /embed/ pages, X-Frame-Options DENY elsewhere, no cookies, oEmbed 1.0."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.demos_support import *  # fixture: probe

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    parts = (
        p.strip().split(" ", 1)
        for p in response.get("Content-Security-Policy", "").split(";")
        if p.strip()
    )
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_embed_pages_may_be_framed_by_anyone_by_default(client, probe):
    response = client.get("/embed/demos/probe/?count=3")
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response


def test_embeds_keep_the_rest_of_the_sites_policy(client, probe):
    policy = csp(client.get("/embed/demos/probe/"))
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"


def test_the_frame_ancestors_allow_list_is_configurable(client, probe, settings):
    settings.DEMOS_FRAME_ANCESTORS = ["https://blog.example.org", "https://*.example.com"]
    response = client.get("/embed/demos/probe/")
    assert csp(response)["frame-ancestors"] == "https://blog.example.org https://*.example.com"
    assert csp(response)["script-src"] == "'self'"


@pytest.mark.parametrize(
    "path", ["/en/demos/", "/en/demos/probe/", "/en/talks/alex-graves-iclr-2017/", "/en/"]
)
def test_every_other_page_refuses_framing(client, probe, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"


def test_the_widget_sets_no_cookie_and_needs_no_csrf_token(client, probe):
    response = client.get("/embed/demos/probe/?lang=es")
    assert not response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert 'class="site-header"' not in html  # no site chrome
    assert "Demo de prueba" in html and 'lang="es"' in html


def test_the_api_accepts_a_cookieless_post_with_csrf_checks_on(probe):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/demos/probe/runs/", {"params": {"count": 1}}, content_type="application/json"
    )
    assert response.status_code == 201


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))


def _oembed_href(html: str) -> str:
    parser = _Links()
    parser.feed(html)
    found = [link["href"] for link in parser.links if link.get("type") == "application/json+oembed"]
    assert len(found) == 1 and found[0].startswith("http://testserver/oembed/?url=")
    return found[0].replace("http://testserver", "")


def _assert_oembed(data: dict) -> None:
    """The required members of an oEmbed 1.0 'rich' response (oembed.com, section 2.3.4)."""
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert isinstance(data["width"], int) and isinstance(data["height"], int)
    assert data["provider_name"] and data["provider_url"].startswith("http")
    assert re.fullmatch(
        r'<iframe src="[^"]+" width="\d+" height="\d+" title="[^"]*"[^>]*></iframe>', data["html"]
    )


def test_demo_pages_advertise_oembed_and_the_endpoint_answers(client, probe):
    href = _oembed_href(client.get("/en/demos/probe/?count=5").content.decode())
    response = client.get(href)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    _assert_oembed(data)
    assert data["title"] == "Probe demo"
    assert "/embed/demos/probe/?lang=en&amp;count=5" in data["html"]


def test_embed_pages_advertise_oembed_too(client, probe):
    _oembed_href(client.get("/embed/demos/probe/").content.decode())


def test_oembed_for_a_talk_embeds_its_graph(client):
    data = client.get(
        "/oembed/", {"url": "http://testserver/es/talks/koray-kavukcuoglu-iclr-2018/"}
    ).json()
    _assert_oembed(data)
    assert "/embed/talks/koray-kavukcuoglu-iclr-2018/graph/?lang=es" in data["html"]
    graph = client.get(
        "/oembed/", {"url": "http://testserver/embed/talks/alex-graves-iclr-2017/graph/"}
    ).json()
    assert "/embed/talks/alex-graves-iclr-2017/graph/" in graph["html"]


def test_oembed_honours_maxwidth_and_maxheight(client, probe):
    data = client.get(
        "/oembed/", {"url": "http://testserver/en/demos/probe/", "maxwidth": "380"}
    ).json()
    assert data["width"] <= 380 and data["height"] < 900
    assert f'width="{data["width"]}" height="{data["height"]}"' in data["html"]


@pytest.mark.parametrize(
    "query, status",
    [
        ({"url": "http://testserver/en/demos/probe/", "format": "xml"}, 501),
        ({"url": "http://testserver/en/demos/nope/"}, 404),
        ({"url": "http://testserver/en/talks/nope/"}, 404),
        ({"url": "http://testserver/en/search/"}, 404),
        ({}, 400),
    ],
)
def test_oembed_errors(client, probe, query, status):
    response = client.get("/oembed/", query)
    assert response.status_code == status
    assert response.json()["status"] == status


def test_the_talk_graph_widget_is_framable_too(client):
    response = client.get("/embed/talks/alex-graves-iclr-2017/graph/")
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == "*" and csp(response)["script-src"] == "'self'"
    assert "X-Frame-Options" not in response and not response.cookies


def test_the_framing_middleware_leaves_other_paths_alone(client):
    response = client.get("/api/demos/")
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "'none'"
