"""Mounts each app's pages, the one API and the admin."""

from django.contrib import admin
from django.urls import include, path

from shebao.api import api

admin.site.site_header = "shebao 社保经办平台管理 / Administration"
admin.site.site_title = "shebao admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shebao.registry.urls")),
    path("", include("shebao.web.urls")),
]
