"""The public content pages (policies, Q&A, employment notices)."""

from django.urls import URLPattern

app_name = "content"

urlpatterns: list[URLPattern] = []
