"""Pages live under a language prefix (/en/…, /es/…); the API, embeds and oEmbed do not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own URL (?script), not inline, so the
    # docs run under the site's script-src 'self'.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("talks.api_urls")),
    path("api/", include("graphs.api_urls")),
    path("api/", include("search.api_urls")),
    path("api/", include("demos.api_urls")),
    path("embed/", include("graphs.embed_urls")),
    path("embed/", include("demos.embed_urls")),
    path("oembed/", include("demos.oembed_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("", views.root_redirect, name="root"),
]

urlpatterns += i18n_patterns(
    path("", include("talks.urls")),
    path("graph/", include("graphs.urls")),
    path("search/", include("search.urls")),
    path("demos/", include("demos.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),  # /<lang>/curate/ by default (env ADMIN_PATH)
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=True,
)

handler400 = "vault.views.bad_request"
handler404 = "vault.views.page_not_found"
handler500 = "vault.views.server_error"
