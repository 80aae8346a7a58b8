"""The statements pages (mounted by shebao.urls under the "statements" namespace)."""

from django.urls import URLPattern, URLResolver

app_name = "statements"
urlpatterns: list[URLPattern | URLResolver] = []
