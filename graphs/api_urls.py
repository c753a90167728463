from __future__ import annotations

from django.urls import path

from graphs import api
from talks.cache import cached_page

app_name = "graphs_api"
urlpatterns = [
    path(
        "talks/<slug:slug>/graph/", cached_page(params=("lang",))(api.talk_graph), name="talk-graph"
    ),
    path("talks/<slug:slug>/graph.mmd", api.talk_graph_mmd, name="talk-graph-mmd"),
    path(
        "talks/<slug:slug>/graph.graphml",
        api.talk_graph_graphml,
        name="talk-graph-graphml",
    ),
    path("talks/<slug:slug>/graph.json", api.talk_graph_json, name="talk-graph-json"),
    path("concepts/", cached_page(params=("lang",))(api.concepts), name="concepts"),
    path(
        "talks/<slug:slug>/related/",
        cached_page(params=("lang",))(api.related),
        name="talk-related",
    ),
]
