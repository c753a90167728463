"""Embeddable demo widgets, mounted under /embed/ (framable, cookie-free)."""

from django.urls import path

from . import views

app_name = "demos_embed"
urlpatterns = [
    path("demos/<slug:slug>/", views.embed, name="demo"),
]
