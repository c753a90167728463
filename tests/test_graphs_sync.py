"""Editing a graph source (admin or ORM) rebuilds the stored graph; a bad source is refused."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from graphs.models import ConceptGraph, ConceptNode
from talks.models import TalkTranslation


def graves_en() -> TalkTranslation:
    return TalkTranslation.objects.get(talk__slug="alex-graves-iclr-2017", lang="en")


def test_saving_an_edited_source_rebuilds_the_graph(corpus_db):
    tr = graves_en()
    tr.graph_source = "graph LR\n  A[Alex Graves] --> B[LSTM works 1]\n"
    tr.save()
    graph = ConceptGraph.objects.get(talk=tr.talk, lang="en")
    assert ConceptNode.objects.filter(graph=graph).count() == 2


def test_a_source_that_does_not_parse_is_refused_by_clean(corpus_db):
    tr = graves_en()
    tr.graph_source = "graph LR A[unclosed --> B"
    with pytest.raises(ValidationError) as err:
        tr.clean()
    assert "graph_source" in err.value.message_dict


def test_rebuild_graphs_fills_graphs_missing_after_an_upgrade(corpus_db):
    ConceptGraph.objects.all().delete()
    out = StringIO()
    call_command("rebuild_graphs", "--quiet", stdout=out)
    assert "0 left" in out.getvalue()
    graph = ConceptGraph.objects.get(talk__slug="alex-graves-iclr-2017", lang="en")
    assert ConceptNode.objects.filter(graph=graph).count() == 31
