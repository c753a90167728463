"""The oEmbed endpoint, mounted at /oembed/ by one line in vault/urls.py."""

from django.urls import path

from . import embedding

app_name = "demos_oembed"
urlpatterns = [
    path("", embedding.oembed, name="oembed"),
]
