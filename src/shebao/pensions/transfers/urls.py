"""The pensions.transfers pages (mounted by shebao.urls under the "pensions_transfers" namespace)."""

from django.urls import URLPattern, URLResolver

app_name = "pensions_transfers"
urlpatterns: list[URLPattern | URLResolver] = []
