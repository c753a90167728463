from django.urls import path

from . import api
from .cache import cached_page

app_name = "talks_api"
urlpatterns = [
    path(
        "talks/",
        cached_page(params=("event", "year", "speaker", "language", "kind", "page"))(
            api.TalkListView.as_view()
        ),
        name="list",
    ),
    path("talks/<slug:slug>/", cached_page()(api.TalkDetailView.as_view()), name="detail"),
    path(
        "talks/<slug:slug>/citation.bib",
        api.TalkCitationBibView.as_view(),
        name="citation-bib",
    ),
    path(
        "talks/<slug:slug>/citation.json",
        api.TalkCitationCSLView.as_view(),
        name="citation-json",
    ),
]
