"""The oEmbed endpoint, mounted at /oembed/ by one line in vault/urls.py."""

from django.urls import path

from . import embeds

app_name = "demos_oembed"
urlpatterns = [
    path("", embeds.oembed, name="oembed"),
]
