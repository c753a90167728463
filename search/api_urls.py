from django.urls import path

from . import api

app_name = "search_api"
urlpatterns = [path("search/", api.search_api, name="search")]
