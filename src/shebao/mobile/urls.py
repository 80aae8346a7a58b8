"""The app's pages: the six functions as installable mobile pages (manifest, service worker)."""

from django.urls import URLPattern

app_name = "mobile"

urlpatterns: list[URLPattern] = []
