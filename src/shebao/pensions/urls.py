"""The pensions pages (mounted by shebao.urls under the "pensions" namespace)."""

from django.urls import URLPattern, URLResolver

app_name = "pensions"
urlpatterns: list[URLPattern | URLResolver] = []
