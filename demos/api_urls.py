"""Demo API, mounted under /api/: the demos, starting a run, following a run."""

from django.urls import path

from . import api

app_name = "demos_api"
urlpatterns = [
    path("demos/", api.demo_list, name="list"),
    path("demos/runs/<uuid:run_id>/", api.run_detail, name="run"),
    path("demos/<slug:slug>/", api.demo_detail, name="detail"),
    path("demos/<slug:slug>/runs/", api.run_create, name="runs"),
]
