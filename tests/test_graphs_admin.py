"""The read-only concept-graph admin."""

from __future__ import annotations

from graphs.models import ConceptGraph


def test_admin_lists_graphs_with_counts_and_shows_one_read_only(admin_client, corpus_db):
    listing = admin_client.get("/en/curate/graphs/conceptgraph/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "alex-graves-iclr-2017" in html and "koray-kavukcuoglu-iclr-2018" in html
    graph = ConceptGraph.objects.get(talk__slug="alex-graves-iclr-2017", lang="en")
    detail = admin_client.get(f"/en/curate/graphs/conceptgraph/{graph.pk}/change/")
    assert detail.status_code == 200
    assert "RNNs: LSTM, GRU effective" in detail.content.decode()
    assert admin_client.get("/en/curate/graphs/conceptgraph/add/").status_code == 403
