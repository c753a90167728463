from django.urls import path

from . import views

app_name = "talks"
urlpatterns = [
    path("", views.home, name="home"),
    path("talks/", views.talk_list, name="list"),
    path("talks/<slug:slug>/", views.talk_detail, name="detail"),
    path("talks/<slug:slug>/sources/<int:pk>/", views.source_text, name="source"),
]
