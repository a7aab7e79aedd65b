from allauth.account.decorators import secure_admin_login
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import pwa, views
from .health.views import healthz

# The admin's own login form would bypass allauth's rate limits and MFA: route it through allauth.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("TPBIS administration")
admin.site.site_title = _("TPBIS administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("tpbis.accounts.urls")),
    # The installable app: at the root, so the service worker may control every page.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("tpbis.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI sets one style in its markup; that page alone may (it shows no data).
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
    path("programmes/", include("programs.urls")),
    path("", include("participants.urls")),
    path("", include("visits.urls")),
    path("", include("reports.urls")),
]
