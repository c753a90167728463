"""Demo pages, the talk page's demo section, and the parameters-in-the-URL contract."""

from __future__ import annotations

import re

import pytest

from tests.demos_support import *  # fixture: probe

pytestmark = pytest.mark.django_db


def test_the_index_lists_the_demos_in_the_page_language(client, probe):
    en = client.get("/en/demos/").content.decode()
    es = client.get("/es/demos/").content.decode()
    assert "Probe demo" in en and "/en/demos/probe/" in en
    assert "Demo de prueba" in es and "Demos en vivo" in es


def test_the_demo_page_has_a_control_per_parameter(client, probe):
    html = client.get("/en/demos/probe/").content.decode()
    assert re.search(r'<input[^>]+name="count"[^>]+type="number"[^>]+min="0" max="8"', html)
    assert re.search(r'<input[^>]+name="seconds"[^>]+data-type="float"', html)
    assert re.search(r'<select[^>]+name="mode"', html) and '<option value="crash"' in html
    assert re.search(r'<input[^>]+name="bits"[^>]+maxlength="8"', html)
    assert re.search(r'<input type="checkbox" name="flag"', html)
    assert "What the run does." in html  # help text
    assert "First paragraph." in html and "Second paragraph." in html  # explanation
    assert 'id="demo-config"' in html and "<progress" in html


def test_spanish_pages_write_numbers_the_way_number_inputs_read_them(client, probe):
    # A localized "2,5" is not a valid <input type=number> value: the browser would show the
    # field empty and the run would be refused. Numbers in the form are never localized.
    html = client.get("/es/demos/probe/?seconds=2.5").content.decode()
    assert re.search(r'name="seconds"[^>]+value="2.5" min="0.0" max="30.0" step="0.1"', html)
    assert "2,5" not in html


def test_the_url_prefills_the_controls_and_rejects_bad_values(client, probe):
    html = client.get("/en/demos/probe/?count=7&mode=fail&flag=true&bits=22").content.decode()
    assert re.search(r'name="count"[^>]+value="7"', html)
    assert '<option value="fail" selected>' in html
    assert re.search(r'name="flag" value="true" data-type="bool" checked', html)
    assert 'data-testid="rejected-params"' in html and "bits" in html
    assert '"autorun": true' in html  # a shared link shows its result without a click


def test_the_demo_page_links_the_talk_points_it_illustrates(client, probe):
    html = client.get("/en/demos/probe/").content.decode()
    assert "/en/talks/alex-graves-iclr-2017/#point-en-16" in html
    assert "/en/talks/alex-graves-iclr-2017/#point-en-17" in html


def test_the_demo_page_shows_the_stored_evaluation_with_intervals_ablations_and_notes(
    client, probe
):
    en = client.get("/en/demos/probe/").content.decode()
    section = en[en.index('data-testid="demo-evaluation"') :]
    section = section[: section.index("</section>")]
    assert "How well it works" in section and "eval_demo probe" in section
    row = re.search(r'<tr data-figure="abs_error">(.*?)</tr>', section, flags=re.S)
    assert row, section
    assert re.search(r"<td>0\.01\d*</td><td>\[0\.01\d*, 0\.01\d*\]</td>", row.group(1))
    assert "How far the trained unit" in row.group(1)  # its sentence
    assert 'data-ablation="untrained"' in section and "what training bought" in section
    assert "probe/zero" in section and "met" in section
    es = client.get("/es/demos/probe/").content.decode()
    assert "Qué tal funciona" in es and "lo que aportó el entrenamiento" in es
    embed = client.get("/embed/demos/probe/").content.decode()
    assert 'data-testid="demo-evaluation"' not in embed  # the widget stays small


def test_unknown_demos_are_404(client):
    assert client.get("/en/demos/nope/").status_code == 404
    assert client.get("/embed/demos/nope/").status_code == 404


def test_the_talk_page_shows_its_demos_beside_the_graph_nodes(client, probe):
    html = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    section = html[html.index('data-testid="talk-demos"') :]
    assert "/en/demos/probe/" in section
    assert 'data-graph-node="Q"' in section and 'data-graph-node="R"' in section


def test_a_related_discussion_links_the_demo_without_nodes(client, probe):
    html = client.get("/en/talks/dnc-scaling-discussion/").content.decode()
    assert "/en/demos/probe/" in html


def test_talks_without_demos_show_no_demo_section(client, probe):
    from talks.models import Talk, TalkTranslation

    talk = Talk.objects.create(slug="a-talk-without-demos")
    TalkTranslation.objects.create(talk=talk, lang="en", title="A talk without demos")
    html = client.get("/en/talks/a-talk-without-demos/").content.decode()
    assert "A talk without demos" in html
    assert 'data-testid="talk-demos"' not in html


def test_the_embed_snippet_carries_the_current_parameters(client, probe):
    html = client.get("/es/demos/probe/?count=2").content.decode()
    assert "/embed/demos/probe/?lang=es&amp;count=2" in html


def test_the_node_chips_carry_the_graph_labels(client):
    html = client.get("/en/talks/alex-graves-iclr-2017/").content.decode()
    chip = re.search(r'data-graph-node="Q"><a [^>]+><b>Q</b>([^<]*)</a>', html)
    assert chip and chip.group(1).strip(" ·"), "the ACT demo's node Q is shown with its label"
