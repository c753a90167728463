"""Mounted by the integrator at ``/embed/``; the demos app adds oEmbed and the framing headers."""

from __future__ import annotations

from django.urls import path

from graphs import views

app_name = "graphs_embed"
urlpatterns = [
    path("talks/<slug:slug>/graph/", views.embed_talk_graph, name="embed"),
]
