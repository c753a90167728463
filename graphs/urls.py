from __future__ import annotations

from django.urls import path

from graphs import views

app_name = "graphs"
urlpatterns = [
    path("", views.vault_graph, name="vault"),
    path("talks/<slug:slug>/", views.talk_graph, name="talk"),
]
