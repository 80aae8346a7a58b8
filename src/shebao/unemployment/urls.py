"""The unemployment pages (mounted by shebao.urls under the "unemployment" namespace)."""

from django.urls import URLPattern, URLResolver, path

from shebao.unemployment import views

app_name = "unemployment"
urlpatterns: list[URLPattern | URLResolver] = [
    path("my/unemployment/", views.my_claims, name="mine"),
    path("unemployment/claims/", views.claims, name="claims"),
    path("unemployment/claims/<int:claim_id>/", views.claim_detail, name="claim"),
]
