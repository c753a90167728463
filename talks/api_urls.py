from django.urls import path

from . import api

app_name = "talks_api"
urlpatterns = [
    path("talks/", api.TalkListView.as_view(), name="list"),
    path("talks/<slug:slug>/", api.TalkDetailView.as_view(), name="detail"),
]
