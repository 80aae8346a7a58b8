"""The public content pages (policies, Q&A, employment notices)."""

from django.urls import URLPattern, path

from shebao.content import views

app_name = "content"

urlpatterns: list[URLPattern] = [
    path("policies/", views.policies, name="policies"),
    path("policies/<int:policy_id>/", views.policy, name="policy"),
    path("qa/", views.questions, name="qa"),
    path("employment/", views.jobs, name="jobs"),
]
