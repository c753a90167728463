"""Demo pages, under the language prefix: /<lang>/demos/ and /<lang>/demos/<slug>/."""

from django.urls import path

from . import views

app_name = "demos"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
]
