"""Mounts each app's pages, the one API and the admin."""

from typing import cast

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from shebao.api import api
from shebao.contributions.urls import urlpatterns as contributions_pages
from shebao.core.admin import ShebaoAdminSite
from shebao.web.urls import urlpatterns as web_pages

# The admin asks for the TOTP code too: administrators are staff and staff use a second factor,
# and they sign in on the staff sign-in page (ShebaoAdminSite.login sends them there).
admin.site.__class__ = ShebaoAdminSite
admin.site.site_header = "shebao 社保经办平台管理 / Administration"
admin.site.site_title = "shebao admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shebao.registry.urls")),
    path("", include("shebao.pensions.urls")),
    path("", include("shebao.unemployment.urls")),
    path("", include("shebao.medical.urls")),
    path("", include("shebao.pensions.transfers.urls")),
    path("", include("shebao.statements.urls")),
    path("", include("shebao.statements.mailing.urls")),
    path("", include("shebao.content.urls")),
    path("", include("shebao.mobile.urls")),
    # The shell (web) and the pages a domain app owns answer in one namespace, "web": the names
    # templates and redirects use (web:my_account, web:unit_bills …) stayed when the contributions
    # pages moved into their app, and web imports none of them.
    path("", include((cast("list[URLPattern | URLResolver]", [*web_pages, *contributions_pages]), "web"))),
]

handler404 = "shebao.web.views.not_found"
